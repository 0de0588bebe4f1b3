//! The certificate structure as `d2i_X509` reads it: the parts Node's object
//! is built from, decoded as strictly and as leniently as OpenSSL.

use std::borrow::Cow;

use super::der::{
    any_value_ok, bit_string, elements, explicit, integer_encoding_ok, is_list, read_tlv, Tlv, TAG_BIT_STRING,
    TAG_GENERALIZED_TIME, TAG_INTEGER, TAG_OID, TAG_SEQUENCE, TAG_UTC_TIME,
};
use super::extensions::extension_envelope;
use super::name::{name_entries, NameEntry};
use super::oid::oid_text;
use crate::{Result, TlsError};

/// What Node throws for bytes that are not a certificate (or that OpenSSL
/// refuses as one): `new X509Certificate(buf)` reports the complaint of its
/// last attempt, reading PEM, whatever the input looked like.
fn not_a_certificate() -> TlsError {
    TlsError::new("ERR_OSSL_PEM_NO_START_LINE", "error:0480006C:PEM routines::no start line")
}

/// The parts of a certificate this module reads.
pub(super) struct Certificate<'a> {
    /// The certificate's own encoding, without anything after it.
    pub(super) der: &'a [u8],
    /// Contents of the serialNumber INTEGER.
    pub(super) serial: &'a [u8],
    pub(super) issuer: Vec<NameEntry>,
    pub(super) not_before: Tlv<'a>,
    pub(super) not_after: Tlv<'a>,
    pub(super) subject: Vec<NameEntry>,
    pub(super) key_algorithm: AlgorithmIdentifier<'a>,
    /// The subjectPublicKey bits.
    pub(super) key: Vec<u8>,
    /// (extnID, extnValue) in certificate order.
    pub(super) extensions: Vec<(String, Cow<'a, [u8]>)>,
}

/// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
pub(super) struct AlgorithmIdentifier<'a> {
    pub(super) oid: String,
    pub(super) parameters: Option<Tlv<'a>>,
}

pub(super) fn parse(der: &[u8]) -> Result<Certificate<'_>> {
    decode_certificate(der).ok_or_else(not_a_certificate)
}

/// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
///
/// Decoded about as strictly, and as leniently, as d2i_X509() does, so that
/// we refuse what Node refuses and read what it reads: names are decoded and
/// checked now, the validity times only when printed, extension contents
/// later, one by one. Bytes after the certificate are ignored.
fn decode_certificate(der: &[u8]) -> Option<Certificate<'_>> {
    let (certificate, _) = read_tlv(der)?;
    if certificate.tag != TAG_SEQUENCE {
        return None;
    }
    let [tbs, signature_algorithm, signature] = elements(certificate.content)?[..] else {
        return None;
    };
    if tbs.tag != TAG_SEQUENCE {
        return None;
    }
    algorithm_identifier(signature_algorithm)?;
    bit_string(signature)?;

    // TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber,
    //     signature, issuer, validity, subject, subjectPublicKeyInfo,
    //     issuerUniqueID [1] OPTIONAL, subjectUniqueID [2] OPTIONAL, extensions [3] EXPLICIT OPTIONAL }
    let mut items = elements(tbs.content)?.into_iter().peekable();
    if let Some(version) = items.next_if(|t| t.tag == 0xa0) {
        let version = explicit(version)?;
        if version.tag != TAG_INTEGER || !integer_encoding_ok(version.content) {
            return None;
        }
    }
    let serial = items.next().filter(|t| t.tag == TAG_INTEGER && integer_encoding_ok(t.content))?;
    algorithm_identifier(items.next()?)?;
    let issuer = name_entries(items.next()?)?;
    let validity = items.next().filter(|t| t.tag == TAG_SEQUENCE)?;
    let [not_before, not_after] = elements(validity.content)?[..] else {
        return None;
    };
    if ![not_before.tag, not_after.tag].iter().all(|&t| t == TAG_UTC_TIME || t == TAG_GENERALIZED_TIME) {
        return None;
    }
    let subject = name_entries(items.next()?)?;
    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
    let spki = items.next().filter(|t| t.tag == TAG_SEQUENCE)?;
    let [key_algorithm, key] = elements(spki.content)?[..] else {
        return None;
    };
    let (key_algorithm, key) = (algorithm_identifier(key_algorithm)?, bit_string(key)?);
    for unique_id_tag in [0x81, 0x82] {
        if let Some(unique_id) = items.next_if(|t| t.tag == unique_id_tag) {
            bit_string(Tlv { tag: TAG_BIT_STRING, ..unique_id })?;
        }
    }
    let mut extensions = Vec::new();
    if let Some(wrapper) = items.next_if(|t| t.tag == 0xa3) {
        let list = explicit(wrapper).filter(|l| is_list(*l, TAG_SEQUENCE))?;
        for extension in elements(list.content)? {
            extensions.push(extension_envelope(extension)?);
        }
    }
    if items.next().is_some() {
        return None;
    }
    Some(Certificate {
        der: certificate.encoded,
        serial: serial.content,
        issuer,
        not_before,
        not_after,
        subject,
        key_algorithm,
        key,
        extensions,
    })
}

fn algorithm_identifier(tlv: Tlv<'_>) -> Option<AlgorithmIdentifier<'_>> {
    if tlv.tag != TAG_SEQUENCE {
        return None;
    }
    let (oid, parameters) = match elements(tlv.content)?[..] {
        [oid] => (oid, None),
        [oid, parameters] => (oid, Some(parameters)),
        _ => return None,
    };
    if oid.tag != TAG_OID || !parameters.is_none_or(any_value_ok) {
        return None;
    }
    Some(AlgorithmIdentifier { oid: oid_text(oid.content)?, parameters })
}

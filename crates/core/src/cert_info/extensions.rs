//! Certificate extensions: finding them as OpenSSL does, Node's `ca` and
//! `ext_key_usage`, and the validity checks OpenSSL's extension cache makes.

use std::borrow::Cow;

use super::certificate::Certificate;
use super::der::{
    bit_string, elements, explicit, integer_encoding_ok, is_list, read_expected, read_list, read_tlv, string_contents,
    Tlv, TAG_BIT_STRING, TAG_BOOLEAN, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE,
};
use super::general_name::{general_name, general_name_list, general_names};
use super::name::attribute_type_and_value;
use super::oid::{oid_text, OID_BASIC_CONSTRAINTS, OID_EXT_KEY_USAGE, OID_KEY_USAGE, OID_SUBJECT_ALT_NAME};

/// Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
pub(super) fn extension_envelope(tlv: Tlv<'_>) -> Option<(String, Cow<'_, [u8]>)> {
    if tlv.tag != TAG_SEQUENCE {
        return None;
    }
    let (oid, value) = match elements(tlv.content)?[..] {
        [oid, value] => (oid, value),
        [oid, critical, value] if critical.tag == TAG_BOOLEAN && critical.content.len() == 1 => (oid, value),
        _ => return None,
    };
    if oid.tag != TAG_OID || value.tag | 0x20 != TAG_OCTET_STRING | 0x20 {
        return None;
    }
    Some((oid_text(oid.content)?, string_contents(value)?))
}

/// The certificate's extensions by dotted OID, in certificate order.
pub(super) struct Extensions<'a> {
    list: &'a [(String, Cow<'a, [u8]>)],
}

/// What `X509_get_ext_d2i` finds for one extension type.
enum Lookup<'a> {
    Absent,
    Duplicated,
    Unique(&'a [u8]),
}

impl<'a> Extensions<'a> {
    pub(super) fn new(cert: &'a Certificate<'a>) -> Self {
        Self { list: &cert.extensions }
    }

    fn all<'s>(&'s self, oid: &'s str) -> impl Iterator<Item = &'a [u8]> + 's {
        self.list.iter().filter(move |(o, _)| o == oid).map(|(_, v)| v.as_ref())
    }

    /// `X509_get_ext_by_NID(.., -1)`: the first occurrence.
    pub(super) fn first(&self, oid: &str) -> Option<&'a [u8]> {
        self.all(oid).next()
    }

    /// `X509_get_ext_d2i`, which refuses an extension that occurs twice.
    fn unique(&self, oid: &str) -> Lookup<'a> {
        let mut found = self.all(oid);
        match (found.next(), found.next()) {
            (None, _) => Lookup::Absent,
            (Some(value), None) => Lookup::Unique(value),
            (Some(_), Some(_)) => Lookup::Duplicated,
        }
    }
}

/// Node's `ext_key_usage`: the purposes as dotted OIDs, in certificate order.
/// Absent when the extension is missing, duplicated or undecodable.
pub(super) fn ext_key_usage(extensions: &Extensions<'_>) -> Option<Vec<String>> {
    match extensions.unique(OID_EXT_KEY_USAGE) {
        Lookup::Unique(value) => decode_ext_key_usage(value),
        _ => None,
    }
}

fn decode_ext_key_usage(value: &[u8]) -> Option<Vec<String>> {
    let sequence = read_list(value)?;
    elements(sequence.content)?
        .into_iter()
        .map(|oid| if oid.tag == TAG_OID { oid_text(oid.content) } else { None })
        .collect()
}

/// The `cA` flag and whether OpenSSL finds the pathLenConstraint acceptable.
fn decode_basic_constraints(value: &[u8]) -> Option<(bool, bool)> {
    let sequence = read_expected(value, TAG_SEQUENCE)?;
    let mut items = elements(sequence.content)?.into_iter().peekable();
    let mut ca = false;
    if let Some(flag) = items.next_if(|t| t.tag == TAG_BOOLEAN) {
        let [byte] = flag.content else { return None };
        ca = *byte != 0;
    }
    let mut path_len_ok = true;
    if let Some(path_len) = items.next_if(|t| t.tag == TAG_INTEGER) {
        if path_len.content.is_empty() {
            return None;
        }
        path_len_ok = path_len.content[0] & 0x80 == 0;
    }
    if items.next().is_some() {
        return None;
    }
    Some((ca, path_len_ok))
}

/// keyUsage bits as OpenSSL keeps them (first two bytes of the BIT STRING).
fn decode_key_usage(value: &[u8]) -> Option<u16> {
    let bits = read_expected(value, TAG_BIT_STRING)?;
    let (&unused, data) = bits.content.split_first()?;
    if unused > 7 || (data.is_empty() && unused != 0) {
        return None;
    }
    let mut data = data.to_vec();
    if let Some(last) = data.last_mut() {
        *last &= 0xff << unused;
    }
    Some(u16::from(data.first().copied().unwrap_or(0)) | u16::from(data.get(1).copied().unwrap_or(0)) << 8)
}

const KEY_USAGE_KEY_CERT_SIGN: u16 = 0x04;

/// Node's `ca`: `X509_check_ca(cert) == 1`, i.e. basicConstraints says
/// `cA: TRUE`, keyUsage (when present) allows certificate signing, and
/// OpenSSL considers the certificate's extensions sound: none of those it
/// caches occurs twice or fails to decode, and no pathLenConstraint is negative.
pub(super) fn is_ca(extensions: &Extensions<'_>) -> bool {
    if !cached_extensions_valid(extensions) {
        return false;
    }
    let ca = match extensions.unique(OID_BASIC_CONSTRAINTS) {
        Lookup::Unique(value) => decode_basic_constraints(value).is_some_and(|(ca, _)| ca),
        _ => false,
    };
    ca && match extensions.unique(OID_KEY_USAGE) {
        Lookup::Absent => true,
        Lookup::Unique(value) => decode_key_usage(value).is_some_and(|bits| bits & KEY_USAGE_KEY_CERT_SIGN != 0),
        Lookup::Duplicated => false,
    }
}

/// The validity check of OpenSSL's `ossl_x509v3_cache_extensions`, which
/// `X509_check_ca` runs first. Most of these extensions are decoded in full;
/// for the rare ones at the end of the list only the outer type is checked.
fn cached_extensions_valid(extensions: &Extensions<'_>) -> bool {
    const CACHED: [&str; 12] = [
        OID_BASIC_CONSTRAINTS,
        OID_KEY_USAGE,
        OID_EXT_KEY_USAGE,
        OID_SUBJECT_ALT_NAME,
        "2.5.29.14",             // subjectKeyIdentifier
        "2.5.29.35",             // authorityKeyIdentifier
        "2.5.29.30",             // nameConstraints
        "2.5.29.31",             // cRLDistributionPoints
        "2.16.840.1.113730.1.1", // nsCertType
        "1.3.6.1.5.5.7.1.14",    // proxyCertInfo
        "1.3.6.1.5.5.7.1.7",     // sbgp-ipAddrBlock
        "1.3.6.1.5.5.7.1.8",     // sbgp-autonomousSysNum
    ];
    CACHED.iter().all(|oid| match extensions.unique(oid) {
        Lookup::Absent => true,
        Lookup::Unique(value) => cached_extension_decodes(oid, value),
        Lookup::Duplicated => false,
    })
}

fn cached_extension_decodes(oid: &str, value: &[u8]) -> bool {
    match oid {
        OID_BASIC_CONSTRAINTS => decode_basic_constraints(value).is_some_and(|(_, path_len_ok)| path_len_ok),
        OID_KEY_USAGE => decode_key_usage(value).is_some(),
        OID_EXT_KEY_USAGE => decode_ext_key_usage(value).is_some(),
        OID_SUBJECT_ALT_NAME => general_names(value).is_some(),
        "2.5.29.35" => decode_authority_key_identifier(value).is_some(),
        "2.5.29.31" => decode_crl_distribution_points(value).is_some(),
        "2.5.29.30" => decode_name_constraints(value).is_some(),
        // subjectKeyIdentifier: an OCTET STRING, which BER may split
        "2.5.29.14" => read_tlv(value).is_some_and(|(t, _)| t.tag | 0x20 == 0x24),
        "2.16.840.1.113730.1.1" => read_expected(value, TAG_BIT_STRING).and_then(bit_string).is_some(),
        _ => read_expected(value, TAG_SEQUENCE).is_some(),
    }
}

/// AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL,
/// authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2] OPTIONAL }
fn decode_authority_key_identifier(value: &[u8]) -> Option<()> {
    let sequence = read_expected(value, TAG_SEQUENCE)?;
    let mut items = elements(sequence.content)?.into_iter().peekable();
    if let Some(key_id) = items.next_if(|t| t.tag | 0x20 == 0xa0) {
        string_contents(key_id)?;
    }
    if let Some(issuer) = items.next_if(|t| is_list(*t, 0xa1)) {
        general_name_list(issuer)?;
    }
    if let Some(serial) = items.next_if(|t| t.tag == 0x82) {
        integer_encoding_ok(serial.content).then_some(())?;
    }
    items.next().is_none().then_some(())
}

/// CRLDistributionPoints ::= SEQUENCE OF SEQUENCE { distributionPoint [0]
/// EXPLICIT (fullName [0] GeneralNames | nameRelativeToCRLIssuer [1] RDN)
/// OPTIONAL, reasons [1] BIT STRING OPTIONAL, cRLIssuer [2] GeneralNames OPTIONAL }
fn decode_crl_distribution_points(value: &[u8]) -> Option<()> {
    for point in elements(read_list(value)?.content)? {
        if point.tag != TAG_SEQUENCE {
            return None;
        }
        let mut items = elements(point.content)?.into_iter().peekable();
        if let Some(name) = items.next_if(|t| t.tag == 0xa0) {
            let name = explicit(name)?;
            if is_list(name, 0xa0) {
                general_name_list(name)?;
            } else if is_list(name, 0xa1) {
                // a relative name: the attributes of one RDN
                for attribute in elements(name.content)? {
                    attribute_type_and_value(attribute)?;
                }
            } else {
                return None;
            }
        }
        if let Some(reasons) = items.next_if(|t| t.tag == 0x81) {
            bit_string(Tlv { tag: TAG_BIT_STRING, ..reasons })?;
        }
        if let Some(issuer) = items.next_if(|t| is_list(*t, 0xa2)) {
            general_name_list(issuer)?;
        }
        if items.next().is_some() {
            return None;
        }
    }
    Some(())
}

/// NameConstraints ::= SEQUENCE { permittedSubtrees [0] OPTIONAL, excludedSubtrees [1] OPTIONAL },
/// each a SEQUENCE OF SEQUENCE { base GeneralName, minimum [0] INTEGER DEFAULT 0, maximum [1] INTEGER OPTIONAL }
fn decode_name_constraints(value: &[u8]) -> Option<()> {
    let sequence = read_expected(value, TAG_SEQUENCE)?;
    let mut items = elements(sequence.content)?.into_iter().peekable();
    for tag in [0xa0, 0xa1] {
        let Some(subtrees) = items.next_if(|t| is_list(*t, tag)) else {
            continue;
        };
        for subtree in elements(subtrees.content)? {
            if subtree.tag != TAG_SEQUENCE {
                return None;
            }
            let mut parts = elements(subtree.content)?.into_iter().peekable();
            general_name(parts.next()?)?;
            for bound in [0x80, 0x81] {
                if let Some(n) = parts.next_if(|t| t.tag == bound) {
                    integer_encoding_ok(n.content).then_some(())?;
                }
            }
            if parts.next().is_some() {
                return None;
            }
        }
    }
    items.next().is_none().then_some(())
}

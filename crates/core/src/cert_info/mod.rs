//! Certificate details in the shape of Node's `getPeerCertificate()`.
//!
//! Node builds that object in C++ (`X509ToObject` in `src/crypto/crypto_common.cc`)
//! from OpenSSL's view of the certificate, and `translatePeerCertificate`
//! (`lib/_tls_common.js`) then turns the `infoAccess` text into an object.
//! `new crypto.X509Certificate(pem).toLegacyObject()` runs exactly the same
//! code, which is what `tests/cert_info_vs_node.rs` compares us against.
//!
//! Every string format here is OpenSSL's or Node's, reproduced from what they
//! print (Node 20 with OpenSSL 3.0): `BN_print`/`BN_bn2hex` hex, `ASN1_TIME_print`
//! dates, `ASN1_STRING_to_UTF8` name values, RFC 2253 `DirName:` entries, and
//! Node's own escaping of unusual characters in subject alternative names.
//! Where Node hands a value straight from an OpenSSL decoder, that decoder's
//! leniency and strictness are reproduced too (only the first
//! `subjectAltName` extension counts, a duplicated `extKeyUsage` makes the
//! field disappear, invalid UTF-8 in the subject makes the whole certificate
//! unreadable, ...).
//!
//! The certificate is read with the small DER reader in [`der`] rather than with
//! `x509-parser` (of which only the big-integer type is used), because
//! x509-parser 0.18 reads certificates differently from OpenSSL, as the
//! `x509_parser_*` tests in `tests/cert_info_vs_node.rs` show, each on
//! concrete certificates against Node. It refuses validity times OpenSSL
//! takes: a GeneralizedTime with an offset (an offset in a UTCTime it reads),
//! and dates that do not exist, such as a 13th month, which Node prints as
//! `Bad time value`. It takes names and algorithm identifiers OpenSSL refuses:
//! a UTF8String that is not UTF-8, a GeneralString, a BMPString with
//! surrogates, an INTEGER as attribute type, object identifiers with a padded
//! or unterminated arc (which it reads as well-formed ones), an empty
//! algorithm, an AlgorithmIdentifier with a third element. And it silently
//! drops the malformed tail of a name, where OpenSSL refuses the certificate.
//! What Node shows depends on such details (element order, string types, raw
//! bytes, which parts OpenSSL decodes eagerly and which lazily), so they are
//! handled here explicitly, each next to the OpenSSL behaviour it follows.
//!
//! - [`certificate`]: the Certificate structure as `d2i_X509` decodes it
//! - [`der`]: the DER reader and writer, with OpenSSL's leniencies
//! - [`oid`]: object identifiers, their dotted text and OpenSSL's names
//! - [`name`]: distinguished names: `subject`/`issuer` objects, RFC 2253 text
//! - [`general_name`]: general names: `subjectaltname`, `infoAccess`
//! - [`extensions`]: extension lookup, `ca`, `ext_key_usage`
//! - [`public_key`]: the RSA or EC key fields and `pubkey`
//! - [`ec`]: EC groups and points (named and explicit curves, decompression)
//! - [`time`]: validity times and `ASN1_TIME_print`
//! - [`hex`]: OpenSSL's hex and number formats
//! - [`tables`]: curve parameters and names copied from OpenSSL

mod certificate;
mod der;
mod ec;
mod extensions;
mod general_name;
mod hex;
mod name;
mod oid;
mod public_key;
mod tables;
mod time;

use serde_json::{Map, Value};

use certificate::parse;
use der::{bit_string, elements, read_tlv, TAG_SEQUENCE};
use extensions::{ext_key_usage, is_ca, Extensions};
use general_name::{info_access_object, info_access_text, subject_alt_name_text};
use hex::{bit_length, bn_print, colon_hex, exponent_text, serial_number_text};
use name::name_object;
use oid::{OID_INFO_ACCESS, OID_SUBJECT_ALT_NAME};
use public_key::{public_key, rsa_spki, PublicKey};
use time::asn1_time_print;

use crate::Result;

/// Node's legacy certificate object for one DER certificate, except the two
/// Buffer fields (`raw`, `pubkey`) which the binding attaches itself.
///
/// Keys come in Node's order: `subject`, `issuer`, `subjectaltname`,
/// `infoAccess`, `ca`, the key fields (`modulus`, `bits`, `exponent` for RSA;
/// `bits`, `asn1Curve`, `nistCurve` for EC), `valid_from`, `valid_to`,
/// `fingerprint`, `fingerprint256`, `fingerprint512`, `ext_key_usage`,
/// `serialNumber`. Node puts `pubkey` right after `exponent` (RSA) or right
/// after `bits` (EC), and `raw` last. `subject`, `issuer` and `infoAccess` are
/// null-prototype objects in Node, which JSON cannot express.
///
/// Fields are omitted exactly when Node omits them; `subjectaltname` and
/// `infoAccess` are `null` when the extension is present but undecodable.
pub fn certificate_object(der: &[u8]) -> Result<Value> {
    Ok(details(der)?.object.clone())
}

/// What is worked out once per certificate: a client sees the same server
/// certificate on every connection, and building the object (names, key
/// checks, three digests) costs tens of microseconds.
struct Details {
    object: Value,
    public_key: Option<Vec<u8>>,
}

/// Memoised [`Details`] of recently seen certificates, by DER.
fn details(der: &[u8]) -> Result<std::sync::Arc<Details>> {
    use crate::bounded_map::BoundedMap;
    use crate::sync::lock;
    use std::sync::{Arc, Mutex, OnceLock};
    const CAPACITY: usize = 256;
    static CACHE: OnceLock<Mutex<BoundedMap<Vec<u8>, Arc<Details>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(BoundedMap::new(CAPACITY)));
    if let Some(d) = lock(cache).get(der) {
        return Ok(d.clone());
    }
    let built = Arc::new(Details { object: build_certificate_object(der)?, public_key: build_public_key_der(der) });
    lock(cache).insert(der.to_vec(), built.clone());
    Ok(built)
}

pub(crate) fn build_certificate_object(der: &[u8]) -> Result<Value> {
    let cert = parse(der)?;
    let extensions = Extensions::new(&cert);
    let mut obj = Map::new();

    if let Some(subject) = name_object(&cert.subject) {
        obj.insert("subject".into(), subject);
    }
    if let Some(issuer) = name_object(&cert.issuer) {
        obj.insert("issuer".into(), issuer);
    }
    // Node looks at the first extension of each kind and prints it, giving
    // `null` when OpenSSL cannot decode it.
    if let Some(value) = extensions.first(OID_SUBJECT_ALT_NAME) {
        let text = subject_alt_name_text(value);
        obj.insert("subjectaltname".into(), text.map_or(Value::Null, Value::String));
    }
    if let Some(value) = extensions.first(OID_INFO_ACCESS) {
        let text = info_access_text(value);
        obj.insert("infoAccess".into(), text.map_or(Value::Null, |t| info_access_object(&t)));
    }
    obj.insert("ca".into(), Value::Bool(is_ca(&extensions)));

    match public_key(&cert) {
        Some(PublicKey::Rsa { modulus, exponent }) => {
            obj.insert("modulus".into(), bn_print(&modulus).into());
            obj.insert("bits".into(), bit_length(&modulus).into());
            obj.insert("exponent".into(), exponent_text(&exponent).into());
        }
        Some(PublicKey::Ec { curve, order_bits, .. }) => {
            obj.insert("bits".into(), order_bits.into());
            if let Some(curve) = curve {
                obj.insert("asn1Curve".into(), curve.name.into());
                if let Some(nist) = curve.nist {
                    obj.insert("nistCurve".into(), nist.into());
                }
            }
        }
        None => {}
    }

    obj.insert("valid_from".into(), asn1_time_print(cert.not_before).into());
    obj.insert("valid_to".into(), asn1_time_print(cert.not_after).into());

    // X509_digest() hashes the certificate's DER encoding.
    let raw = cert.der;
    use aws_lc_rs::digest;
    for (key, algorithm) in [
        ("fingerprint", &digest::SHA1_FOR_LEGACY_USE_ONLY),
        ("fingerprint256", &digest::SHA256),
        ("fingerprint512", &digest::SHA512),
    ] {
        obj.insert(key.into(), colon_hex(digest::digest(algorithm, raw).as_ref()).into());
    }

    if let Some(usages) = ext_key_usage(&extensions) {
        obj.insert("ext_key_usage".into(), usages.into());
    }
    obj.insert("serialNumber".into(), serial_number_text(cert.serial).into());
    Ok(Value::Object(obj))
}

/// The bytes Node exposes as `pubkey` (a Buffer), for RSA and EC keys only
/// (`None` for Ed25519 and every other key type, as in Node).
///
/// For RSA this is the DER SubjectPublicKeyInfo as OpenSSL re-encodes it
/// (`i2d_RSA_PUBKEY`: rsaEncryption with NULL parameters, minimal integers).
/// For EC it is *not* a SubjectPublicKeyInfo: Node gives the bare point,
/// uncompressed (`04 || X || Y`) even when the certificate has it compressed.
pub fn public_key_der(der: &[u8]) -> Option<Vec<u8>> {
    details(der).ok()?.public_key.clone()
}

pub(crate) fn build_public_key_der(der: &[u8]) -> Option<Vec<u8>> {
    match public_key(&parse(der).ok()?)? {
        PublicKey::Rsa { modulus, exponent } => rsa_spki(&modulus, &exponent),
        PublicKey::Ec { point, .. } => Some(point),
    }
}

/// What checking a certificate's signature, and a signature made with its
/// key, needs, as encoded: for webpki's algorithms, which name algorithms
/// by the contents of their AlgorithmIdentifier.
pub(crate) struct SignedParts<'a> {
    /// The TBSCertificate, as encoded: what the issuer signed.
    pub tbs: &'a [u8],
    /// The contents of signatureAlgorithm.
    pub signature_algorithm: &'a [u8],
    pub signature: Vec<u8>,
    /// The contents of the subjectPublicKeyInfo's algorithm.
    pub key_algorithm: &'a [u8],
    /// The subjectPublicKey bits.
    pub public_key: Vec<u8>,
}

/// The [`SignedParts`] of a DER certificate of any version.
pub(crate) fn signed_parts(der: &[u8]) -> Option<SignedParts<'_>> {
    let (certificate, _) = read_tlv(der)?;
    let [tbs, signature_algorithm, signature] = elements(certificate.content)?[..] else {
        return None;
    };
    let mut items = elements(tbs.content)?.into_iter().peekable();
    items.next_if(|t| t.tag == 0xa0);
    let spki = items.nth(5).filter(|t| t.tag == TAG_SEQUENCE)?;
    let [key_algorithm, key] = elements(spki.content)?[..] else {
        return None;
    };
    Some(SignedParts {
        tbs: tbs.encoded,
        signature_algorithm: signature_algorithm.content,
        signature: bit_string(signature)?,
        key_algorithm: key_algorithm.content,
        public_key: bit_string(key)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_rejected_like_node() {
        let err = certificate_object(b"junk").unwrap_err();
        assert_eq!(err.code, "ERR_OSSL_PEM_NO_START_LINE");
        assert_eq!(public_key_der(b"junk"), None);
    }
}

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
//! The certificate is read with the small DER reader below rather than with
//! `x509-parser` (of which only the big-integer type is used). Compared with
//! Node on thousands of mutated certificates, x509-parser refused validity
//! times OpenSSL takes (offsets, invalid dates that Node prints as `Bad time
//! value`), took malformed names and algorithm identifiers OpenSSL refuses,
//! and silently dropped the malformed tail of a name. What Node shows depends
//! on such details (element order, string types, raw bytes, which parts
//! OpenSSL decodes eagerly and which lazily), so they are handled here
//! explicitly, each next to the OpenSSL behaviour it follows.

use std::borrow::Cow;

use serde_json::{Map, Value};
use x509_parser::num_bigint::BigUint;

use crate::{Result, TlsError};

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
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    const CAPACITY: usize = 256;
    static CACHE: OnceLock<Mutex<HashMap<Vec<u8>, Arc<Details>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(d) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(der) {
        return Ok(d.clone());
    }
    let built = Arc::new(Details { object: build_certificate_object(der)?, public_key: build_public_key_der(der) });
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(der.to_vec(), built.clone());
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
        obj.insert(
            "subjectaltname".into(),
            text.map_or(Value::Null, Value::String),
        );
    }
    if let Some(value) = extensions.first(OID_INFO_ACCESS) {
        let text = info_access_text(value);
        obj.insert(
            "infoAccess".into(),
            text.map_or(Value::Null, |t| info_access_object(&t)),
        );
    }
    obj.insert("ca".into(), Value::Bool(is_ca(&extensions)));

    match public_key(&cert) {
        Some(PublicKey::Rsa { modulus, exponent }) => {
            obj.insert("modulus".into(), bn_print(&modulus).into());
            obj.insert("bits".into(), bit_length(&modulus).into());
            obj.insert("exponent".into(), exponent_text(&exponent).into());
        }
        Some(PublicKey::Ec {
            curve, order_bits, ..
        }) => {
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
        obj.insert(
            key.into(),
            colon_hex(digest::digest(algorithm, raw).as_ref()).into(),
        );
    }

    if let Some(usages) = ext_key_usage(&extensions) {
        obj.insert("ext_key_usage".into(), usages.into());
    }
    obj.insert(
        "serialNumber".into(),
        serial_number_text(cert.serial).into(),
    );
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
        PublicKey::Rsa { modulus, exponent } => Some(rsa_spki(&modulus, &exponent)),
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

/// What Node throws for bytes that are not a certificate (or that OpenSSL
/// refuses as one): `new X509Certificate(buf)` reports the complaint of its
/// last attempt, reading PEM, whatever the input looked like.
fn not_a_certificate() -> TlsError {
    TlsError::new(
        "ERR_OSSL_PEM_NO_START_LINE",
        "error:0480006C:PEM routines::no start line",
    )
}

/// The parts of a certificate this module reads.
struct Certificate<'a> {
    /// The certificate's own encoding, without anything after it.
    der: &'a [u8],
    /// Contents of the serialNumber INTEGER.
    serial: &'a [u8],
    issuer: Vec<NameEntry>,
    not_before: Tlv<'a>,
    not_after: Tlv<'a>,
    subject: Vec<NameEntry>,
    key_algorithm: AlgorithmIdentifier<'a>,
    /// The subjectPublicKey bits.
    key: Vec<u8>,
    /// (extnID, extnValue) in certificate order.
    extensions: Vec<(String, Cow<'a, [u8]>)>,
}

/// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
struct AlgorithmIdentifier<'a> {
    oid: String,
    parameters: Option<Tlv<'a>>,
}

fn parse(der: &[u8]) -> Result<Certificate<'_>> {
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
    let serial = items
        .next()
        .filter(|t| t.tag == TAG_INTEGER && integer_encoding_ok(t.content))?;
    algorithm_identifier(items.next()?)?;
    let issuer = name_entries(items.next()?)?;
    let validity = items.next().filter(|t| t.tag == TAG_SEQUENCE)?;
    let [not_before, not_after] = elements(validity.content)?[..] else {
        return None;
    };
    if ![not_before.tag, not_after.tag]
        .iter()
        .all(|&t| t == TAG_UTC_TIME || t == TAG_GENERALIZED_TIME)
    {
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
            bit_string(Tlv {
                tag: TAG_BIT_STRING,
                ..unique_id
            })?;
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

/// The one element inside an EXPLICIT tag.
fn explicit(tlv: Tlv<'_>) -> Option<Tlv<'_>> {
    let (inner, rest) = read_tlv(tlv.content)?;
    rest.is_empty().then_some(inner)
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
    Some(AlgorithmIdentifier {
        oid: oid_text(oid.content)?,
        parameters,
    })
}

/// Whether OpenSSL's decoder of ANY takes `value`: it decodes the universal
/// types it knows and refuses, for example, a malformed OBJECT IDENTIFIER.
/// (It does not check UTF-8.)
fn any_value_ok(value: Tlv<'_>) -> bool {
    let content = value.content;
    match value.tag {
        // end-of-contents, and SEQUENCE or SET in primitive form
        0x00 | 0x10 | 0x11 => false,
        TAG_BOOLEAN => content.len() == 1,
        TAG_INTEGER | 0x0a => integer_encoding_ok(content),
        TAG_BIT_STRING => bit_string(value).is_some(),
        0x05 => content.is_empty(),
        TAG_OID => oid_text(content).is_some(),
        0x1c => content.len().is_multiple_of(4),
        0x1e => content.len().is_multiple_of(2),
        _ => true,
    }
}

/// The bits of a BIT STRING (OpenSSL clears the unused ones); `None` for an
/// encoding OpenSSL refuses.
fn bit_string(tlv: Tlv<'_>) -> Option<Vec<u8>> {
    let (&unused, bits) = tlv
        .content
        .split_first()
        .filter(|_| tlv.tag == TAG_BIT_STRING)?;
    if unused > 7 {
        return None;
    }
    let mut bits = bits.to_vec();
    if let Some(last) = bits.last_mut() {
        *last &= 0xff << unused;
    }
    Some(bits)
}

/// Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
fn extension_envelope(tlv: Tlv<'_>) -> Option<(String, Cow<'_, [u8]>)> {
    if tlv.tag != TAG_SEQUENCE {
        return None;
    }
    let (oid, value) = match elements(tlv.content)?[..] {
        [oid, value] => (oid, value),
        [oid, critical, value] if critical.tag == TAG_BOOLEAN && critical.content.len() == 1 => {
            (oid, value)
        }
        _ => return None,
    };
    if oid.tag != TAG_OID || value.tag | 0x20 != TAG_OCTET_STRING | 0x20 {
        return None;
    }
    Some((oid_text(oid.content)?, string_contents(value)?))
}

/// OpenSSL refuses an empty INTEGER and one with a redundant leading byte
/// (`00` before a byte below 0x80, `FF` before one from 0x80 up).
fn integer_encoding_ok(content: &[u8]) -> bool {
    match content {
        [] => false,
        [0x00, next, ..] => next & 0x80 != 0,
        [0xff, next, ..] => next & 0x80 == 0,
        _ => true,
    }
}

// ---------------------------------------------------------------------------
// Object identifiers

const OID_SUBJECT_ALT_NAME: &str = "2.5.29.17";
const OID_INFO_ACCESS: &str = "1.3.6.1.5.5.7.1.1";
const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";
const OID_KEY_USAGE: &str = "2.5.29.15";
const OID_EXT_KEY_USAGE: &str = "2.5.29.37";
const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_PRIME_FIELD: &str = "1.2.840.10045.1.1";
const OID_CHARACTERISTIC_TWO_FIELD: &str = "1.2.840.10045.1.2";

/// Dotted-decimal text of the contents of a DER OBJECT IDENTIFIER, as
/// `OBJ_obj2txt(.., no_name = 1)` prints it; `None` for an encoding OpenSSL
/// rejects (empty, a padded or unterminated sub-identifier).
fn oid_text(content: &[u8]) -> Option<String> {
    if content.is_empty() || content[content.len() - 1] & 0x80 != 0 {
        return None;
    }
    let mut arcs = Vec::new();
    let mut arc = BigUint::default();
    let mut at_start = true;
    for &byte in content {
        if at_start && byte == 0x80 {
            return None;
        }
        arc = (arc << 7u32) | BigUint::from(byte & 0x7f);
        at_start = byte & 0x80 == 0;
        if at_start {
            arcs.push(std::mem::take(&mut arc));
        }
    }
    // The first sub-identifier packs the first two arcs as 40 * X + Y.
    let first = arcs.remove(0);
    let (x, y) = if first < BigUint::from(40u32) {
        (0u32, first)
    } else if first < BigUint::from(80u32) {
        (1, first - 40u32)
    } else {
        (2, first - 80u32)
    };
    let mut text = format!("{x}.{y}");
    for arc in arcs {
        text.push('.');
        text.push_str(&arc.to_string());
    }
    Some(text)
}

/// OpenSSL's short name (`OBJ_nid2sn`) for the attribute types it knows,
/// which is how Node names the keys of `subject` and `issuer`.
fn attribute_short_name(oid: &str) -> Option<&'static str> {
    NAME_ATTRIBUTES
        .iter()
        .find(|(o, _)| *o == oid)
        .map(|(_, name)| *name)
}

/// `i2t_ASN1_OBJECT` for an access method: OpenSSL's long name, else the
/// numeric OID. Only the access-method arc is listed.
fn access_method_text(oid: String) -> String {
    let name = match oid.as_str() {
        "1.3.6.1.5.5.7.48.1" => "OCSP",
        "1.3.6.1.5.5.7.48.2" => "CA Issuers",
        "1.3.6.1.5.5.7.48.3" => "AD Time Stamping",
        "1.3.6.1.5.5.7.48.4" => "ad dvcs",
        "1.3.6.1.5.5.7.48.5" => "CA Repository",
        "1.3.6.1.5.5.7.48.10" => "RPKI Manifest",
        "1.3.6.1.5.5.7.48.11" => "Signed Object",
        "1.3.6.1.5.5.7.48.13" => "RPKI Notify",
        _ => return oid,
    };
    name.to_owned()
}

// ---------------------------------------------------------------------------
// A minimal DER reader

/// One DER element: its identifier octet, contents and whole encoding.
#[derive(Clone, Copy, Debug)]
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    encoded: &'a [u8],
}

const TAG_BOOLEAN: u8 = 0x01;
const TAG_INTEGER: u8 = 0x02;
const TAG_BIT_STRING: u8 = 0x03;
const TAG_OCTET_STRING: u8 = 0x04;
const TAG_OID: u8 = 0x06;
const TAG_UTF8_STRING: u8 = 0x0c;
const TAG_IA5_STRING: u8 = 0x16;
const TAG_UTC_TIME: u8 = 0x17;
const TAG_GENERALIZED_TIME: u8 = 0x18;
const TAG_SEQUENCE: u8 = 0x30;
const TAG_SET: u8 = 0x31;

/// Reads one element and returns it with the bytes after it. Lengths may be
/// non-minimal (OpenSSL's BER reader allows that) but must be definite. A
/// tag number below 31 written in the multi-octet form is read as the
/// single-octet tag, as OpenSSL does; larger tag numbers never occur in the
/// structures read here.
fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&first_octet, mut rest) = input.split_first()?;
    let mut tag = first_octet;
    if tag & 0x1f == 0x1f {
        let mut number = 0u32;
        loop {
            let (&octet, after) = rest.split_first()?;
            rest = after;
            number = number.checked_mul(128)? | u32::from(octet & 0x7f);
            if octet & 0x80 == 0 {
                break;
            }
        }
        tag = (tag & 0xe0) | u8::try_from(number).ok().filter(|&n| n < 31)?;
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
        rest = &rest[count..];
        len
    };
    if rest.len() < len {
        return None;
    }
    let encoded = &input[..input.len() - rest.len() + len];
    Some((
        Tlv {
            tag,
            content: &rest[..len],
            encoded,
        },
        &rest[len..],
    ))
}

/// Reads one element that must have identifier `tag`, ignoring what follows
/// (OpenSSL's `d2i` functions do not look past the value they decode).
fn read_expected(input: &[u8], tag: u8) -> Option<Tlv<'_>> {
    read_tlv(input)
        .map(|(tlv, _)| tlv)
        .filter(|tlv| tlv.tag == tag)
}

/// Whether `tlv` is a SEQUENCE OF or SET OF with identifier `tag` (given in
/// its constructed form). OpenSSL's decoder does not check the constructed
/// bit of these (it does for SEQUENCE structures), so the primitive form
/// passes too.
fn is_list(tlv: Tlv<'_>, tag: u8) -> bool {
    tlv.tag | 0x20 == tag
}

/// Reads a SEQUENCE OF at the start of `input`, ignoring what follows.
fn read_list(input: &[u8]) -> Option<Tlv<'_>> {
    read_tlv(input)
        .map(|(tlv, _)| tlv)
        .filter(|tlv| is_list(*tlv, TAG_SEQUENCE))
}

/// All elements of a constructed value's contents, which must parse completely.
fn elements(mut content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (tlv, rest) = read_tlv(content)?;
        out.push(tlv);
        content = rest;
    }
    Some(out)
}

/// The magnitude of a DER INTEGER whose sign OpenSSL ignores (RSA key
/// components are read as unsigned BIGNUMs): the contents without leading
/// zero bytes.
fn unsigned_magnitude(content: &[u8]) -> Vec<u8> {
    let start = content
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(content.len());
    content[start..].to_vec()
}

/// Sign and magnitude (without leading zero bytes) of a two's complement
/// INTEGER, as `ASN1_INTEGER_to_BN` sees it.
fn signed_magnitude(content: &[u8]) -> (bool, Vec<u8>) {
    if content.first().is_some_and(|&b| b & 0x80 != 0) {
        // Negate: invert every byte and add one.
        let mut magnitude: Vec<u8> = content.iter().map(|b| !b).collect();
        for byte in magnitude.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                break;
            }
        }
        (true, unsigned_magnitude(&magnitude))
    } else {
        (false, unsigned_magnitude(content))
    }
}

/// DER encoding of a header (identifier octets and minimal length).
fn der_header(class: u8, constructed: bool, tag: u32, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let first = class << 6 | if constructed { 0x20 } else { 0 };
    if tag < 31 {
        out.push(first | tag as u8);
    } else {
        out.push(first | 0x1f);
        let mut groups = vec![(tag & 0x7f) as u8];
        let mut rest = tag >> 7;
        while rest > 0 {
            groups.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        out.extend(groups.iter().rev());
    }
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend(&bytes[skip..]);
    }
    out
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = der_header(
        tag >> 6,
        tag & 0x20 != 0,
        u32::from(tag & 0x1f),
        content.len(),
    );
    out.extend(content);
    out
}

/// A positive INTEGER holding `magnitude`, as OpenSSL encodes a BIGNUM:
/// a zero byte in front when the top bit is set, `00` for zero.
fn der_unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(magnitude.len() + 1);
    if magnitude.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend(magnitude);
    der(TAG_INTEGER, &content)
}

// ---------------------------------------------------------------------------
// Hex formats

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Fingerprints: upper-case hex bytes joined by colons (`AB:CD:..`).
fn colon_hex(bytes: &[u8]) -> String {
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
    parts.join(":")
}

fn upper_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX_UPPER[usize::from(b >> 4)] as char);
        out.push(HEX_UPPER[usize::from(b & 0xf)] as char);
    }
    out
}

/// `BN_print`: upper-case hex without leading zero *digits* (so the modulus
/// of an odd-sized key may have an odd number of digits); `0` for zero.
fn bn_print(magnitude: &[u8]) -> String {
    let hex = upper_hex(magnitude);
    let digits = hex.trim_start_matches('0');
    if digits.is_empty() {
        "0".to_owned()
    } else {
        digits.to_owned()
    }
}

/// `BN_bn2hex`: upper-case hex without leading zero *bytes*, so always an
/// even number of digits (`0A0B`, not `A0B`); `0` for zero, `-` in front of
/// negative numbers. Node's `serialNumber` is this.
fn bn_bn2hex(negative: bool, magnitude: &[u8]) -> String {
    let start = magnitude
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(magnitude.len());
    if start == magnitude.len() {
        return "0".to_owned();
    }
    let sign = if negative { "-" } else { "" };
    format!("{sign}{}", upper_hex(&magnitude[start..]))
}

/// Node's `serialNumber`: `BN_bn2hex` of the serial read as a signed INTEGER.
fn serial_number_text(raw_serial: &[u8]) -> String {
    let (negative, magnitude) = signed_magnitude(raw_serial);
    bn_bn2hex(negative, &magnitude)
}

/// `BN_num_bits`.
fn bit_length(magnitude: &[u8]) -> usize {
    match magnitude.iter().position(|&b| b != 0) {
        Some(i) => (magnitude.len() - i - 1) * 8 + (8 - magnitude[i].leading_zeros() as usize),
        None => 0,
    }
}

/// Node's `exponent`: `0x` and lower-case hex of `BN_get_word(e)`, which is
/// all ones when the exponent does not fit in 64 bits.
fn exponent_text(magnitude: &[u8]) -> String {
    let digits = unsigned_magnitude(magnitude);
    let word = if digits.len() > 8 {
        u64::MAX
    } else {
        digits.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b))
    };
    format!("0x{word:x}")
}

// ---------------------------------------------------------------------------
// Names

/// One attribute value of a Name the way OpenSSL's decoder keeps it: its
/// universal type and contents. BER constructed strings are joined into one.
struct NameValue {
    tag: u32,
    data: Vec<u8>,
}

/// Decodes an attribute value like `d2i_X509_NAME`, which takes the string
/// types of a DirectoryString and a few others, and refuses invalid UTF-8,
/// BMPStrings and UniversalStrings of the wrong length or with surrogates or
/// out-of-range characters. `None` where OpenSSL refuses the value (and with
/// it the whole certificate, or the extension holding the name).
fn name_value(value: Tlv<'_>) -> Option<NameValue> {
    if value.tag >> 6 != 0 {
        return None; // not a universal type
    }
    let tag = u32::from(value.tag & 0x1f);
    let constructed = value.tag & 0x20 != 0;
    let data = match tag {
        // SEQUENCE, kept as it is
        16 if constructed => value.content.to_vec(),
        7 | 8 | 9 | 11 | 12 | 13 | 14 | 15 | 18 | 19 | 20 | 22 | 28 | 29 | 30 => {
            if constructed {
                join_constructed(value.content)?
            } else {
                value.content.to_vec()
            }
        }
        _ => return None,
    };
    let valid = match tag {
        12 => std::str::from_utf8(&data).is_ok(),
        28 | 30 => {
            let width = if tag == 28 {
                StringWidth::Universal
            } else {
                StringWidth::Bmp
            };
            code_units(width, &data)
                .is_some_and(|units| units.into_iter().all(|u| char::from_u32(u).is_some()))
        }
        _ => true,
    };
    valid.then_some(NameValue { tag, data })
}

/// The contents of a BER constructed string: its primitive pieces, joined.
/// Like OpenSSL, this ignores the pieces' tags but not how deeply they nest.
fn join_constructed(content: &[u8]) -> Option<Vec<u8>> {
    fn collect(mut content: &[u8], depth: usize, out: &mut Vec<u8>) -> Option<()> {
        while !content.is_empty() {
            let (piece, rest) = read_tlv(content)?;
            if piece.tag & 0x20 == 0 {
                out.extend(piece.content);
            } else if depth < 5 {
                collect(piece.content, depth + 1, out)?;
            } else {
                return None;
            }
            content = rest;
        }
        Some(())
    }
    let mut out = Vec::new();
    collect(content, 0, &mut out)?;
    Some(out)
}

/// One attribute of a Name: the index of the RDN it belongs to, its type as
/// a dotted OID, and its value.
struct NameEntry {
    set: usize,
    oid: String,
    value: NameValue,
}

/// The attributes of a Name in certificate order; `None` if OpenSSL would
/// refuse the name.
///
/// Name ::= SEQUENCE OF SET OF SEQUENCE { type OBJECT IDENTIFIER, value ANY }
fn name_entries(name: Tlv<'_>) -> Option<Vec<NameEntry>> {
    if !is_list(name, TAG_SEQUENCE) {
        return None;
    }
    let mut entries = Vec::new();
    for (set, rdn) in elements(name.content)?.into_iter().enumerate() {
        if !is_list(rdn, TAG_SET) {
            return None;
        }
        for attribute in elements(rdn.content)? {
            let (oid, value) = attribute_type_and_value(attribute)?;
            entries.push(NameEntry { set, oid, value });
        }
    }
    Some(entries)
}

/// AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
fn attribute_type_and_value(attribute: Tlv<'_>) -> Option<(String, NameValue)> {
    if attribute.tag != TAG_SEQUENCE {
        return None;
    }
    let [oid, value] = elements(attribute.content)?[..] else {
        return None;
    };
    if oid.tag != TAG_OID {
        return None;
    }
    Some((oid_text(oid.content)?, name_value(value)?))
}

/// Node's `subject`/`issuer` object: one key per attribute type, in order of
/// first appearance, named by OpenSSL's short name (`CN`, `O`, `emailAddress`)
/// or the dotted OID when OpenSSL has no name for it. An attribute that occurs
/// more than once (also inside one multi-valued RDN) turns into an array of
/// its values, in certificate order. Values are not escaped, only converted to
/// Unicode (`ASN1_STRING_to_UTF8`); if any value is not a string, Node drops
/// the whole object (`None` here).
fn name_object(entries: &[NameEntry]) -> Option<Value> {
    let mut map = Map::new();
    for entry in entries {
        let key = attribute_short_name(&entry.oid)
            .unwrap_or(&entry.oid)
            .to_owned();
        let value = Value::String(asn1_string_to_utf8(&entry.value)?);
        match map.get_mut(&key) {
            None => {
                map.insert(key, value);
            }
            Some(Value::Array(values)) => values.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
        }
    }
    Some(Value::Object(map))
}

/// How OpenSSL's string functions read the contents of each string type
/// (its `tag2nbyte` table): UTF-8, one byte per character (taken as
/// Latin-1), UCS-2 or UCS-4 big-endian. Other types are not strings to them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StringWidth {
    Utf8,
    OneByte,
    Bmp,
    Universal,
}

fn string_width(tag: u32) -> Option<StringWidth> {
    match tag {
        12 => Some(StringWidth::Utf8),
        // Numeric, Printable, T61, IA5, UTCTime, GeneralizedTime, Visible
        18 | 19 | 20 | 22 | 23 | 24 | 26 => Some(StringWidth::OneByte),
        28 => Some(StringWidth::Universal),
        30 => Some(StringWidth::Bmp),
        _ => None,
    }
}

/// The characters of a string value as code points (not validated);
/// `None` when the length does not fit the character width. UTF-8 strings
/// are returned byte by byte.
fn code_units(width: StringWidth, data: &[u8]) -> Option<Vec<u32>> {
    match width {
        StringWidth::Utf8 | StringWidth::OneByte => {
            Some(data.iter().map(|&b| u32::from(b)).collect())
        }
        StringWidth::Bmp if data.len().is_multiple_of(2) => Some(
            data.chunks(2)
                .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
                .collect(),
        ),
        StringWidth::Universal if data.len().is_multiple_of(4) => Some(
            data.chunks(4)
                .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        _ => None,
    }
}

/// `ASN1_STRING_to_UTF8`: the value as Unicode; `None` for types that are
/// not strings (and for contents the decoder would have refused already).
fn asn1_string_to_utf8(value: &NameValue) -> Option<String> {
    let width = string_width(value.tag)?;
    if width == StringWidth::Utf8 {
        return std::str::from_utf8(&value.data).ok().map(str::to_owned);
    }
    code_units(width, &value.data)?
        .into_iter()
        .map(char::from_u32)
        .collect()
}

/// `X509_NAME_print_ex(name, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB &
/// ~ASN1_STRFLGS_ESC_CTRL)`, which is how Node prints `DirName:` entries.
///
/// RFC 2253 order (last attribute first), `,` between RDNs and `+` inside a
/// multi-valued one, short names, backslash before `,+"\<>;`, before a
/// leading `#` or space and before a trailing space. Non-ASCII and control
/// characters are left as they are. Attributes OpenSSL has no name for, and
/// values that are not strings, are dumped as `#` and the hex of their DER.
fn rfc2253_text(entries: &[NameEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut previous_set = None;
    for NameEntry { set, oid, value } in entries.iter().rev() {
        if let Some(previous) = previous_set {
            out.push(if previous == *set { b'+' } else { b',' });
        }
        previous_set = Some(*set);
        let short_name = attribute_short_name(oid);
        out.extend(short_name.unwrap_or(oid).as_bytes());
        out.push(b'=');
        match string_width(value.tag) {
            Some(width) if short_name.is_some() => rfc2253_value(&mut out, width, &value.data),
            _ => {
                let mut encoded = der_header(0, value.tag == 16, value.tag, value.data.len());
                encoded.extend(&value.data);
                out.push(b'#');
                out.extend(upper_hex(&encoded).as_bytes());
            }
        }
    }
    out
}

/// One attribute value for [`rfc2253_text`]. OpenSSL converts every type to
/// UTF-8 except UTF8String, whose bytes it takes one by one, and escapes
/// ASCII characters by their position in the value.
fn rfc2253_value(out: &mut Vec<u8>, width: StringWidth, data: &[u8]) {
    #[derive(PartialEq)]
    enum Position {
        First,
        Middle,
        Last,
    }
    let units = code_units(width, data).unwrap_or_default();
    let count = units.len();
    for (i, &unit) in units.iter().enumerate() {
        // The last character wins over the first in a one-character value.
        let position = if i + 1 == count {
            Position::Last
        } else if i == 0 {
            Position::First
        } else {
            Position::Middle
        };
        let mut buf = [0u8; 4];
        let bytes: &[u8] = if width == StringWidth::Utf8 {
            &data[i..=i]
        } else {
            char::from_u32(unit).map_or(&[], |c| c.encode_utf8(&mut buf).as_bytes())
        };
        for &byte in bytes {
            let escape = matches!(byte, b',' | b'+' | b'"' | b'\\' | b'<' | b'>' | b';')
                || (byte == b' ' && position != Position::Middle)
                || (byte == b'#' && position == Position::First);
            if escape {
                out.push(b'\\');
            }
            out.push(byte);
        }
    }
}

// ---------------------------------------------------------------------------
// Extensions

/// The certificate's extensions by dotted OID, in certificate order.
struct Extensions<'a> {
    list: &'a [(String, Cow<'a, [u8]>)],
}

/// What `X509_get_ext_d2i` finds for one extension type.
enum Lookup<'a> {
    Absent,
    Duplicated,
    Unique(&'a [u8]),
}

impl<'a> Extensions<'a> {
    fn new(cert: &'a Certificate<'a>) -> Self {
        Self {
            list: &cert.extensions,
        }
    }

    fn all<'s>(&'s self, oid: &'s str) -> impl Iterator<Item = &'a [u8]> + 's {
        self.list
            .iter()
            .filter(move |(o, _)| o == oid)
            .map(|(_, v)| v.as_ref())
    }

    /// `X509_get_ext_by_NID(.., -1)`: the first occurrence.
    fn first(&self, oid: &str) -> Option<&'a [u8]> {
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
fn ext_key_usage(extensions: &Extensions<'_>) -> Option<Vec<String>> {
    match extensions.unique(OID_EXT_KEY_USAGE) {
        Lookup::Unique(value) => decode_ext_key_usage(value),
        _ => None,
    }
}

fn decode_ext_key_usage(value: &[u8]) -> Option<Vec<String>> {
    let sequence = read_list(value)?;
    elements(sequence.content)?
        .into_iter()
        .map(|oid| {
            if oid.tag == TAG_OID {
                oid_text(oid.content)
            } else {
                None
            }
        })
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
    Some(
        u16::from(data.first().copied().unwrap_or(0))
            | u16::from(data.get(1).copied().unwrap_or(0)) << 8,
    )
}

const KEY_USAGE_KEY_CERT_SIGN: u16 = 0x04;

/// Node's `ca`: `X509_check_ca(cert) == 1`, i.e. basicConstraints says
/// `cA: TRUE`, keyUsage (when present) allows certificate signing, and
/// OpenSSL considers the certificate's extensions sound: none of those it
/// caches occurs twice or fails to decode, and no pathLenConstraint is negative.
fn is_ca(extensions: &Extensions<'_>) -> bool {
    if !cached_extensions_valid(extensions) {
        return false;
    }
    let ca = match extensions.unique(OID_BASIC_CONSTRAINTS) {
        Lookup::Unique(value) => decode_basic_constraints(value).is_some_and(|(ca, _)| ca),
        _ => false,
    };
    ca && match extensions.unique(OID_KEY_USAGE) {
        Lookup::Absent => true,
        Lookup::Unique(value) => {
            decode_key_usage(value).is_some_and(|bits| bits & KEY_USAGE_KEY_CERT_SIGN != 0)
        }
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
        OID_BASIC_CONSTRAINTS => {
            decode_basic_constraints(value).is_some_and(|(_, path_len_ok)| path_len_ok)
        }
        OID_KEY_USAGE => decode_key_usage(value).is_some(),
        OID_EXT_KEY_USAGE => decode_ext_key_usage(value).is_some(),
        OID_SUBJECT_ALT_NAME => general_names(value).is_some(),
        "2.5.29.35" => decode_authority_key_identifier(value).is_some(),
        "2.5.29.31" => decode_crl_distribution_points(value).is_some(),
        "2.5.29.30" => decode_name_constraints(value).is_some(),
        // subjectKeyIdentifier: an OCTET STRING, which BER may split
        "2.5.29.14" => read_tlv(value).is_some_and(|(t, _)| t.tag | 0x20 == 0x24),
        "2.16.840.1.113730.1.1" => read_expected(value, TAG_BIT_STRING)
            .and_then(bit_string)
            .is_some(),
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
            bit_string(Tlv {
                tag: TAG_BIT_STRING,
                ..reasons
            })?;
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

// ---------------------------------------------------------------------------
// General names (subjectAltName, authorityInfoAccess)

/// A decoded GeneralName, keeping the raw bytes Node prints.
enum GeneralName<'a> {
    Other { type_id: String, value: Tlv<'a> },
    Email(Cow<'a, [u8]>),
    Dns(Cow<'a, [u8]>),
    X400,
    Directory(Vec<NameEntry>),
    EdiParty,
    Uri(Cow<'a, [u8]>),
    Ip(Cow<'a, [u8]>),
    RegisteredId(String),
}

/// The contents of a string, joined if BER split it into pieces.
fn string_contents(tlv: Tlv<'_>) -> Option<Cow<'_, [u8]>> {
    if tlv.tag & 0x20 == 0 {
        Some(Cow::Borrowed(tlv.content))
    } else {
        join_constructed(tlv.content).map(Cow::Owned)
    }
}

/// One GeneralName as OpenSSL decodes it; `None` where its decoder fails
/// (which makes Node report the whole extension as `null`).
fn general_name(tlv: Tlv<'_>) -> Option<GeneralName<'_>> {
    Some(match tlv.tag {
        0xa0 => {
            // otherName: SEQUENCE { type-id OID, value [0] EXPLICIT ANY }
            let [type_id, wrapper] = elements(tlv.content)?[..] else {
                return None;
            };
            if type_id.tag != TAG_OID || wrapper.tag != 0xa0 {
                return None;
            }
            let value = explicit(wrapper).filter(|v| any_value_ok(*v))?;
            GeneralName::Other {
                type_id: oid_text(type_id.content)?,
                value,
            }
        }
        0x81 | 0xa1 => GeneralName::Email(string_contents(tlv)?),
        0x82 | 0xa2 => GeneralName::Dns(string_contents(tlv)?),
        0xa3 => GeneralName::X400,
        0xa4 => {
            // [4] EXPLICIT Name
            let (name, rest) = read_tlv(tlv.content)?;
            if !rest.is_empty() {
                return None;
            }
            GeneralName::Directory(name_entries(name)?)
        }
        0xa5 => {
            // ediPartyName: SEQUENCE { nameAssigner [0] OPTIONAL, partyName [1] }
            let tags: Vec<u8> = elements(tlv.content)?.iter().map(|t| t.tag).collect();
            if tags != [0xa1] && tags != [0xa0, 0xa1] {
                return None;
            }
            GeneralName::EdiParty
        }
        0x86 | 0xa6 => GeneralName::Uri(string_contents(tlv)?),
        0x87 | 0xa7 => GeneralName::Ip(string_contents(tlv)?),
        0x88 => GeneralName::RegisteredId(oid_text(tlv.content)?),
        _ => return None,
    })
}

/// GeneralNames ::= SEQUENCE OF GeneralName
fn general_names(value: &[u8]) -> Option<Vec<GeneralName<'_>>> {
    general_name_list(read_list(value)?)
}

/// The names of a GeneralNames value (tagged or not).
fn general_name_list(list: Tlv<'_>) -> Option<Vec<GeneralName<'_>>> {
    elements(list.content)?
        .into_iter()
        .map(general_name)
        .collect()
}

/// Node's `subjectaltname`: the names printed by [`print_general_name`],
/// joined by `, `. `None` when OpenSSL cannot decode the extension.
fn subject_alt_name_text(value: &[u8]) -> Option<String> {
    let mut out = Vec::new();
    for (i, name) in general_names(value)?.iter().enumerate() {
        if i > 0 {
            out.extend(b", ");
        }
        print_general_name(&mut out, name);
    }
    Some(utf8_lossy(out))
}

/// The `infoAccess` text Node produces in C++ before `translatePeerCertificate`
/// splits it: one `<method> - <name>` line per access description.
fn info_access_text(value: &[u8]) -> Option<String> {
    let sequence = read_list(value)?;
    let mut descriptions = Vec::new();
    for description in elements(sequence.content)? {
        // AccessDescription ::= SEQUENCE { accessMethod OID, accessLocation GeneralName }
        if description.tag != TAG_SEQUENCE {
            return None;
        }
        let [method, location] = elements(description.content)?[..] else {
            return None;
        };
        if method.tag != TAG_OID {
            return None;
        }
        descriptions.push((oid_text(method.content)?, general_name(location)?));
    }
    let mut out = Vec::new();
    for (i, (method, location)) in descriptions.into_iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        out.extend(access_method_text(method).as_bytes());
        out.extend(b" - ");
        print_general_name(&mut out, &location);
    }
    Some(utf8_lossy(out))
}

/// `translatePeerCertificate`'s reading of the `infoAccess` text: each line
/// `key:value` (split at the first colon) appends `value` to the array under
/// `key`; a value in double quotes is a JSON string literal and is decoded.
fn info_access_object(text: &str) -> Value {
    let mut map = Map::new();
    for line in text.split('\n') {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = if value.starts_with('"') {
            serde_json::from_str::<String>(value).unwrap_or_else(|_| value.to_owned())
        } else {
            value.to_owned()
        };
        match map.get_mut(key) {
            Some(Value::Array(values)) => values.push(value.into()),
            _ => {
                map.insert(key.to_owned(), Value::Array(vec![value.into()]));
            }
        }
    }
    Value::Object(map)
}

/// The OtherName types Node prints (`GENERAL_NAME_print` of OpenSSL 3),
/// with whether their value is a UTF8String (else an IA5String).
fn other_name_kind(type_id: &str) -> Option<(&'static str, bool)> {
    match type_id {
        "1.3.6.1.5.5.7.8.9" => Some(("SmtpUTF8Mailbox", true)),
        "1.3.6.1.5.5.7.8.5" => Some(("XmppAddr", true)),
        "1.3.6.1.5.5.7.8.7" => Some(("SRVName", false)),
        "1.3.6.1.4.1.311.20.2.3" => Some(("UPN", true)),
        "1.3.6.1.5.5.7.8.8" => Some(("NAIRealm", true)),
        _ => None,
    }
}

/// Node's `PrintGeneralName`: `DNS:`, `email:`, `URI:`, `IP Address:`,
/// `DirName:`, `Registered ID:`, `othername:` and two `<unsupported>`
/// kinds. IPv6 addresses are eight upper-case hex groups without zero
/// compression (`2001:DB8:0:0:0:0:0:1`).
fn print_general_name(out: &mut Vec<u8>, name: &GeneralName<'_>) {
    match name {
        GeneralName::Dns(name) => {
            out.extend(b"DNS:");
            print_alt_name(out, name, false, None);
        }
        GeneralName::Email(name) => {
            out.extend(b"email:");
            print_alt_name(out, name, false, None);
        }
        GeneralName::Uri(name) => {
            out.extend(b"URI:");
            print_alt_name(out, name, false, None);
        }
        GeneralName::Directory(entries) => {
            out.extend(b"DirName:");
            print_alt_name(out, &rfc2253_text(entries), true, None);
        }
        GeneralName::Ip(ip) => {
            out.extend(b"IP Address:");
            let text = match ip.len() {
                4 => format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]),
                16 => {
                    let groups: Vec<String> = ip
                        .chunks(2)
                        .map(|p| format!("{:X}", u16::from_be_bytes([p[0], p[1]])))
                        .collect();
                    groups.join(":")
                }
                n => format!("<invalid length={n}>"),
            };
            out.extend(text.as_bytes());
        }
        GeneralName::RegisteredId(oid) => {
            out.extend(b"Registered ID:");
            out.extend(oid.as_bytes());
        }
        GeneralName::Other { type_id, value } => {
            let expected_tag = |utf8: bool| {
                if utf8 {
                    TAG_UTF8_STRING
                } else {
                    TAG_IA5_STRING
                }
            };
            match other_name_kind(type_id) {
                Some((prefix, utf8)) if value.tag == expected_tag(utf8) => {
                    out.extend(b"othername:");
                    print_alt_name(out, value.content, utf8, Some(prefix));
                }
                _ => out.extend(b"othername:<unsupported>"),
            }
        }
        GeneralName::X400 => out.extend(b"X400Name:<unsupported>"),
        GeneralName::EdiParty => out.extend(b"EdiPartyName:<unsupported>"),
    }
}

/// Node's `PrintAltName`. A "safe" value is printed as it is. A value with
/// `"`, `\`, `,`, `'` or a control character (or, unless it is UTF-8, any
/// non-ASCII byte) is put in double quotes, with the prefix inside them,
/// escaped JSON style: `\\`, `\"`, and `\u00XX` (lower-case hex) for commas,
/// control characters and, when not UTF-8, every non-ASCII byte (read as
/// Latin-1). Quoted values are valid JSON string literals.
fn print_alt_name(out: &mut Vec<u8>, name: &[u8], utf8: bool, prefix: Option<&str>) {
    let safe = name.iter().all(|&c| match c {
        b'"' | b'\\' | b',' | b'\'' => false,
        _ if utf8 => c >= b' ' && c != 0x7f,
        _ => (b' '..=b'~').contains(&c),
    });
    if safe {
        if let Some(prefix) = prefix {
            out.extend(prefix.as_bytes());
            out.push(b':');
        }
        out.extend(name);
        return;
    }
    out.push(b'"');
    if let Some(prefix) = prefix {
        out.extend(prefix.as_bytes());
        out.push(b':');
    }
    for &c in name {
        match c {
            b'\\' => out.extend(b"\\\\"),
            b'"' => out.extend(b"\\\""),
            b' '..=b'~' if c != b',' => out.push(c),
            0x80.. if utf8 => out.push(c),
            _ => out.extend(format!("\\u00{c:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}

/// V8's `String::NewFromUtf8`: invalid sequences become U+FFFD.
fn utf8_lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

// ---------------------------------------------------------------------------
// Public keys

enum PublicKey {
    Rsa {
        modulus: Vec<u8>,
        exponent: Vec<u8>,
    },
    Ec {
        /// `None` for explicit parameters OpenSSL does not recognise.
        curve: Option<&'static NamedCurve>,
        order_bits: usize,
        /// The point as Node prints it (uncompressed where we can tell).
        point: Vec<u8>,
    },
}

/// An EC curve OpenSSL knows by OID (short name, NIST name, order size and
/// field size in bytes, as Node reports them).
struct NamedCurve {
    oid: &'static str,
    name: &'static str,
    nist: Option<&'static str>,
    order_bits: usize,
    field_bytes: usize,
}

/// The RSA or EC key as OpenSSL decodes it (`X509_get0_pubkey`); `None` for
/// other key types (Ed25519, RSA-PSS, DSA, SM2...) and for keys OpenSSL
/// cannot decode, for which Node prints no key fields at all.
fn public_key(cert: &Certificate<'_>) -> Option<PublicKey> {
    let key = &cert.key[..];
    match cert.key_algorithm.oid.as_str() {
        OID_RSA_ENCRYPTION => {
            // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
            let sequence = read_expected(key, TAG_SEQUENCE)?;
            let [n, e] = elements(sequence.content)?[..] else {
                return None;
            };
            if n.tag != TAG_INTEGER || e.tag != TAG_INTEGER {
                return None;
            }
            Some(PublicKey::Rsa {
                modulus: unsigned_magnitude(n.content),
                exponent: unsigned_magnitude(e.content),
            })
        }
        OID_EC_PUBLIC_KEY => {
            let params = cert.key_algorithm.parameters?;
            let group = if params.tag == TAG_OID {
                let oid = oid_text(params.content)?;
                let curve = NAMED_CURVES.iter().find(|c| c.oid == oid)?;
                EcGroup {
                    curve: Some(curve),
                    order_bits: curve.order_bits,
                    field_bytes: Some(curve.field_bytes),
                    arithmetic: PRIME_CURVES
                        .iter()
                        .find(|c| c.name == curve.name)
                        .map(PrimeCurve::arithmetic),
                }
            } else if params.tag == TAG_SEQUENCE {
                explicit_group(params.content)?
            } else {
                return None;
            };
            let point = match group.field_bytes {
                Some(field_bytes) => {
                    uncompressed_point(key, field_bytes, group.arithmetic.as_ref())?
                }
                None => key.to_vec(),
            };
            Some(PublicKey::Ec {
                curve: group.curve,
                order_bits: group.order_bits,
                point,
            })
        }
        _ => None,
    }
}

/// What Node learns about an EC key's group.
struct EcGroup {
    curve: Option<&'static NamedCurve>,
    order_bits: usize,
    field_bytes: Option<usize>,
    /// p, a, b of a prime-field curve, when we have them.
    arithmetic: Option<[BigUint; 3]>,
}

/// The point as `EC_POINT_point2oct(.., POINT_CONVERSION_UNCOMPRESSED)`
/// gives it back: Node always prints `04 || X || Y`, whatever form the
/// certificate used. `None` for a point OpenSSL refuses (wrong length, a
/// hybrid point with the wrong parity bit, a point not on the curve), which
/// leaves Node without a key. On-curve checks and decompression need the
/// curve's arithmetic (known for the curves in [`PRIME_CURVES`] and for
/// explicit prime-field parameters); without it the point is only checked
/// for its length and kept in its original form.
fn uncompressed_point(
    point: &[u8],
    field_bytes: usize,
    arithmetic: Option<&[BigUint; 3]>,
) -> Option<Vec<u8>> {
    let (&form, coordinates) = point.split_first()?;
    let y_odd_bit = form & 1 == 1;
    let (x, y) = match form {
        4 | 6 | 7 if coordinates.len() == 2 * field_bytes => {
            let (x, y) = coordinates.split_at(field_bytes);
            let (x, y) = (BigUint::from_bytes_be(x), BigUint::from_bytes_be(y));
            if form != 4 && y.bit(0) != y_odd_bit {
                return None;
            }
            (x, Some(y))
        }
        2 | 3 if coordinates.len() == field_bytes => (BigUint::from_bytes_be(coordinates), None),
        _ => return None,
    };
    let Some([p, a, b]) = arithmetic else {
        return Some(point.to_vec());
    };
    if x >= *p {
        return None;
    }
    let rhs = (x.modpow(&BigUint::from(3u32), p) + a * &x + b) % p;
    let y = match y {
        Some(y) => {
            if y >= *p || y.modpow(&BigUint::from(2u32), p) != rhs {
                return None;
            }
            y
        }
        None => {
            // Square root modulo p, for p = 3 (mod 4): rhs^((p + 1) / 4).
            if p.bit(0) && p.bit(1) {
                let root = rhs.modpow(&((p + 1u32) >> 2), p);
                if root.modpow(&BigUint::from(2u32), p) != rhs {
                    return None;
                }
                if root.bit(0) == y_odd_bit {
                    root
                } else {
                    p - root
                }
            } else {
                return Some(point.to_vec());
            }
        }
    };
    let mut out = vec![4u8];
    for coordinate in [x, y] {
        let bytes = coordinate.to_bytes_be();
        out.extend(std::iter::repeat_n(
            0,
            field_bytes.saturating_sub(bytes.len()),
        ));
        out.extend(bytes);
    }
    Some(out)
}

/// `i2d_RSA_PUBKEY`: SubjectPublicKeyInfo with rsaEncryption and NULL
/// parameters around a freshly encoded RSAPublicKey.
fn rsa_spki(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
    let mut rsa_public_key = der_unsigned_integer(modulus);
    rsa_public_key.extend(der_unsigned_integer(exponent));
    let rsa_public_key = der(TAG_SEQUENCE, &rsa_public_key);

    let mut algorithm = der(
        TAG_OID,
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
    );
    algorithm.extend([0x05, 0x00]);
    let algorithm = der(TAG_SEQUENCE, &algorithm);

    let mut bits = vec![0u8];
    bits.extend(rsa_public_key);
    let mut spki = algorithm;
    spki.extend(der(TAG_BIT_STRING, &bits));
    der(TAG_SEQUENCE, &spki)
}

/// Explicit ECParameters (the contents of the SEQUENCE). OpenSSL 3 names
/// parameters that equal one of its built-in curves after that curve; this
/// recognises the curves in [`PRIME_CURVES`] that way. For other parameters
/// Node reports only the size of the order.
fn explicit_group(content: &[u8]) -> Option<EcGroup> {
    // ECParameters ::= SEQUENCE { version INTEGER, fieldID FieldID, curve Curve,
    //     base ECPoint, order INTEGER, cofactor INTEGER OPTIONAL }
    let items = elements(content)?;
    let [version, field_id, curve, base, order, rest @ ..] = &items[..] else {
        return None;
    };
    if field_id.tag != TAG_SEQUENCE || curve.tag != TAG_SEQUENCE || base.tag != TAG_OCTET_STRING {
        return None;
    }
    // The version's value is not looked at; a cofactor must make sense.
    let version_ok = version.tag == TAG_INTEGER && integer_encoding_ok(version.content);
    let cofactor_ok = match rest {
        [] => true,
        [cofactor] => positive_integer(*cofactor).is_some(),
        _ => false,
    };
    if !version_ok || !cofactor_ok {
        return None;
    }
    let order = positive_integer(*order)?;
    let order_bits = bit_length(&order);
    // Curve ::= SEQUENCE { a FieldElement, b FieldElement, seed BIT STRING OPTIONAL }
    let (a, b) = match elements(curve.content)?[..] {
        [a, b] => (a, b),
        [a, b, seed] if bit_string(seed).is_some() => (a, b),
        _ => return None,
    };
    if a.tag != TAG_OCTET_STRING || b.tag != TAG_OCTET_STRING || order_bits == 0 {
        return None;
    }
    // FieldID ::= SEQUENCE { fieldType OBJECT IDENTIFIER, parameters ANY DEFINED BY fieldType }
    let [field_type, field_parameters] = elements(field_id.content)?[..] else {
        return None;
    };
    let field_type = oid_text(field_type.content).filter(|_| field_type.tag == TAG_OID)?;
    if field_type == OID_CHARACTERISTIC_TWO_FIELD {
        // Binary curves: only the order's size is reported here.
        return Some(EcGroup {
            curve: None,
            order_bits,
            field_bytes: None,
            arithmetic: None,
        });
    }
    if field_type != OID_PRIME_FIELD {
        return None;
    }
    let prime = positive_integer(field_parameters)?;
    let field_bytes = prime.len();
    let arithmetic = [&prime[..], a.content, b.content].map(BigUint::from_bytes_be);
    let generator = uncompressed_point(base.content, field_bytes, Some(&arithmetic))?;
    // OpenSSL leaves the optional seed and cofactor out of this comparison.
    let known = PRIME_CURVES
        .iter()
        .filter(|_| generator.len() == 1 + 2 * field_bytes)
        .find(|known| {
            let (gx, gy) = generator[1..].split_at(field_bytes);
            same_number(&prime, known.p)
                && same_number(a.content, known.a)
                && same_number(b.content, known.b)
                && same_number(gx, known.gx)
                && same_number(gy, known.gy)
                && same_number(&order, known.n)
        });
    Some(EcGroup {
        curve: known.and_then(|k| NAMED_CURVES.iter().find(|c| c.name == k.name)),
        order_bits,
        field_bytes: Some(field_bytes),
        arithmetic: Some(arithmetic),
    })
}

/// The magnitude of a well-formed, non-negative INTEGER.
fn positive_integer(tlv: Tlv<'_>) -> Option<Vec<u8>> {
    if tlv.tag != TAG_INTEGER || !integer_encoding_ok(tlv.content) || tlv.content[0] & 0x80 != 0 {
        return None;
    }
    Some(unsigned_magnitude(tlv.content))
}

/// Whether big-endian `bytes` and the hex digits `hex` are the same number.
fn same_number(bytes: &[u8], hex: &str) -> bool {
    upper_hex(bytes).trim_start_matches('0') == hex.trim_start_matches('0')
}

/// Domain parameters of a few prime curves (SEC 2 / FIPS 186-4, as OpenSSL
/// lists them), in hex: enough to decompress points and to recognise
/// explicit parameters.
struct PrimeCurve {
    name: &'static str,
    p: &'static str,
    a: &'static str,
    b: &'static str,
    gx: &'static str,
    gy: &'static str,
    n: &'static str,
}

impl PrimeCurve {
    fn arithmetic(&self) -> [BigUint; 3] {
        [self.p, self.a, self.b]
            .map(|hex| BigUint::parse_bytes(hex.as_bytes(), 16).unwrap_or_default())
    }
}

// ---------------------------------------------------------------------------
// Validity

/// A broken-down UTC time, like OpenSSL's `struct tm` (month 1-12 here).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tm {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `ASN1_TIME_print`: `Nov  7 08:40:00 2026 GMT`. The day is padded with a
/// space to two characters (`%2d`), fractional seconds of a GeneralizedTime
/// are copied as written, and a time with an offset is converted to UTC.
/// `Bad time value` for anything OpenSSL cannot read.
fn asn1_time_print(time: Tlv<'_>) -> String {
    let (tag, text) = (time.tag, time.content);
    let generalized = tag == TAG_GENERALIZED_TIME;
    let Some(tm) = parse_asn1_time(tag, text) else {
        return "Bad time value".to_owned();
    };
    let mut fraction = "";
    if generalized && text.len() > 15 && text[14] == b'.' {
        let digits = text[15..].iter().take_while(|b| b.is_ascii_digit()).count();
        fraction = std::str::from_utf8(&text[14..15 + digits]).unwrap_or("");
    }
    format!(
        "{} {:>2} {:02}:{:02}:{:02}{} {} GMT",
        MONTHS[tm.month as usize - 1],
        tm.day,
        tm.hour,
        tm.minute,
        tm.second,
        fraction,
        tm.year
    )
}

fn is_leap_year(year: i64) -> bool {
    year % 400 == 0 || (year % 100 != 0 && year % 4 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// OpenSSL's lenient (non-RFC 5280) reading of a UTCTime
/// `YYMMDDHHMM[SS](Z|±hhmm)` (years 50-99 are 19xx) or GeneralizedTime
/// `YYYYMMDDHHMM[SS[.fff]](Z|±hhmm)`, converted to UTC.
fn parse_asn1_time(tag: u8, text: &[u8]) -> Option<Tm> {
    // Field ranges, indexed century, year, month, day, hour, minute, second,
    // offset hours, offset minutes.
    const MIN: [u32; 9] = [0, 0, 1, 1, 0, 0, 0, 0, 0];
    const MAX: [u32; 9] = [99, 99, 12, 31, 23, 59, 59, 12, 59];
    let (generalized, first_field, min_len) = match tag {
        TAG_UTC_TIME => (false, 1, 11),
        TAG_GENERALIZED_TIME => (true, 0, 13),
        _ => return None,
    };
    if text.len() < min_len {
        return None;
    }
    let two_digits = |at: usize| -> Option<u32> {
        let (a, b) = (*text.get(at)?, *text.get(at + 1)?);
        if !a.is_ascii_digit() || !b.is_ascii_digit() {
            return None;
        }
        Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
    };

    let mut tm = Tm::default();
    let mut at = 0;
    for field in first_field..=6 {
        // Seconds may be left out.
        if field == 6 && matches!(text.get(at), Some(b'Z' | b'+' | b'-')) {
            break;
        }
        let n = two_digits(at)?;
        at += 2;
        // There must be something after every field.
        if at >= text.len() || n < MIN[field] || n > MAX[field] {
            return None;
        }
        match field {
            0 => tm.year = i64::from(n) * 100,
            1 if generalized => tm.year += i64::from(n),
            1 => tm.year = if n < 50 { 2000 } else { 1900 } + i64::from(n),
            2 => tm.month = n,
            3 if n > days_in_month(tm.year, tm.month) => return None,
            3 => tm.day = n,
            4 => tm.hour = n,
            5 => tm.minute = n,
            _ => tm.second = n,
        }
    }
    if generalized && text[at] == b'.' {
        at += 1;
        let digits = text[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        at += digits;
        if digits == 0 || at >= text.len() {
            return None;
        }
    }
    match text[at] {
        b'Z' => at += 1,
        sign @ (b'+' | b'-') => {
            at += 1;
            if at + 4 != text.len() {
                return None;
            }
            let (hours, minutes) = (two_digits(at)?, two_digits(at + 2)?);
            if hours > MAX[7] || minutes > MAX[8] {
                return None;
            }
            at += 4;
            let offset = i64::from(hours * 3600 + minutes * 60);
            // The time is local time at that offset: subtract it to get UTC.
            if offset != 0 {
                tm = shift_seconds(tm, if sign == b'+' { -offset } else { offset })?;
            }
        }
        _ => return None,
    }
    (at == text.len()).then_some(tm)
}

/// `OPENSSL_gmtime_adj` for offsets of less than a day; it refuses results
/// outside the years 1900-9999.
fn shift_seconds(tm: Tm, seconds: i64) -> Option<Tm> {
    let total = i64::from(tm.hour * 3600 + tm.minute * 60 + tm.second) + seconds;
    let mut out = tm;
    let in_day = total.rem_euclid(86_400) as u32;
    (out.hour, out.minute, out.second) = (in_day / 3600, in_day / 60 % 60, in_day % 60);
    match total.div_euclid(86_400) {
        1 if out.day == days_in_month(out.year, out.month) => {
            out.day = 1;
            out.month = if out.month == 12 { 1 } else { out.month + 1 };
            out.year += i64::from(out.month == 1);
        }
        1 => out.day += 1,
        -1 if out.day == 1 => {
            out.month = if out.month == 1 { 12 } else { out.month - 1 };
            out.year -= i64::from(out.month == 12);
            out.day = days_in_month(out.year, out.month);
        }
        -1 => out.day -= 1,
        _ => {}
    }
    (1900..=9999).contains(&out.year).then_some(out)
}

// ---------------------------------------------------------------------------
// Tables

/// P-256, P-384, P-521 and secp256k1.
const PRIME_CURVES: &[PrimeCurve] = &[
    PrimeCurve {
        name: "prime256v1",
        p: "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
        a: "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC",
        b: "5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B",
        gx: "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296",
        gy: "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
        n: "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
    },
    PrimeCurve {
        name: "secp384r1",
        p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF",
        a: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC",
        b: "B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF",
        gx: "AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7",
        gy: "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F",
        n: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
    },
    PrimeCurve {
        name: "secp521r1",
        p: "1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\
            FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
        a: "1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\
            FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC",
        b: "51953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF\
            073573DF883D2C34F1EF451FD46B503F00",
        gx: "C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8\
            DE3348B3C1856A429BF97E7E31C2E5BD66",
        gy: "11839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0\
            761353C7086A272C24088BE94769FD16650",
        n: "1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A\
            5D03BB5C9B8899C47AEBB6FB71E91386409",
    },
    PrimeCurve {
        name: "secp256k1",
        p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F",
        a: "0",
        b: "7",
        gx: "79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798",
        gy: "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8",
        n: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
    },
];

/// Attribute types OpenSSL 3.0 has a short name for, as Node 20 printed
/// them for certificates carrying each of these OIDs.
const NAME_ATTRIBUTES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.4", "SN"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.9", "street"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.12", "title"),
    ("2.5.4.13", "description"),
    ("2.5.4.14", "searchGuide"),
    ("2.5.4.15", "businessCategory"),
    ("2.5.4.16", "postalAddress"),
    ("2.5.4.17", "postalCode"),
    ("2.5.4.18", "postOfficeBox"),
    ("2.5.4.19", "physicalDeliveryOfficeName"),
    ("2.5.4.20", "telephoneNumber"),
    ("2.5.4.21", "telexNumber"),
    ("2.5.4.22", "teletexTerminalIdentifier"),
    ("2.5.4.23", "facsimileTelephoneNumber"),
    ("2.5.4.24", "x121Address"),
    ("2.5.4.25", "internationaliSDNNumber"),
    ("2.5.4.26", "registeredAddress"),
    ("2.5.4.27", "destinationIndicator"),
    ("2.5.4.28", "preferredDeliveryMethod"),
    ("2.5.4.29", "presentationAddress"),
    ("2.5.4.30", "supportedApplicationContext"),
    ("2.5.4.31", "member"),
    ("2.5.4.32", "owner"),
    ("2.5.4.33", "roleOccupant"),
    ("2.5.4.34", "seeAlso"),
    ("2.5.4.35", "userPassword"),
    ("2.5.4.36", "userCertificate"),
    ("2.5.4.37", "cACertificate"),
    ("2.5.4.38", "authorityRevocationList"),
    ("2.5.4.39", "certificateRevocationList"),
    ("2.5.4.40", "crossCertificatePair"),
    ("2.5.4.41", "name"),
    ("2.5.4.42", "GN"),
    ("2.5.4.43", "initials"),
    ("2.5.4.44", "generationQualifier"),
    ("2.5.4.45", "x500UniqueIdentifier"),
    ("2.5.4.46", "dnQualifier"),
    ("2.5.4.47", "enhancedSearchGuide"),
    ("2.5.4.48", "protocolInformation"),
    ("2.5.4.49", "distinguishedName"),
    ("2.5.4.50", "uniqueMember"),
    ("2.5.4.51", "houseIdentifier"),
    ("2.5.4.52", "supportedAlgorithms"),
    ("2.5.4.53", "deltaRevocationList"),
    ("2.5.4.54", "dmdName"),
    ("2.5.4.65", "pseudonym"),
    ("2.5.4.72", "role"),
    ("2.5.4.97", "organizationIdentifier"),
    ("2.5.4.100", "dnsName"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
    ("1.2.840.113549.1.9.2", "unstructuredName"),
    ("1.2.840.113549.1.9.3", "contentType"),
    ("1.2.840.113549.1.9.4", "messageDigest"),
    ("1.2.840.113549.1.9.5", "signingTime"),
    ("1.2.840.113549.1.9.6", "countersignature"),
    ("1.2.840.113549.1.9.7", "challengePassword"),
    ("1.2.840.113549.1.9.8", "unstructuredAddress"),
    ("1.2.840.113549.1.9.9", "extendedCertificateAttributes"),
    ("1.2.840.113549.1.9.14", "extReq"),
    ("1.2.840.113549.1.9.15", "SMIME-CAPS"),
    ("1.2.840.113549.1.9.16", "SMIME"),
    ("1.2.840.113549.1.9.20", "friendlyName"),
    ("1.2.840.113549.1.9.21", "localKeyID"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("0.9.2342.19200300.100.1.2", "textEncodedORAddress"),
    ("0.9.2342.19200300.100.1.3", "mail"),
    ("0.9.2342.19200300.100.1.4", "info"),
    ("0.9.2342.19200300.100.1.5", "favouriteDrink"),
    ("0.9.2342.19200300.100.1.6", "roomNumber"),
    ("0.9.2342.19200300.100.1.7", "photo"),
    ("0.9.2342.19200300.100.1.8", "userClass"),
    ("0.9.2342.19200300.100.1.9", "host"),
    ("0.9.2342.19200300.100.1.10", "manager"),
    ("0.9.2342.19200300.100.1.11", "documentIdentifier"),
    ("0.9.2342.19200300.100.1.12", "documentTitle"),
    ("0.9.2342.19200300.100.1.13", "documentVersion"),
    ("0.9.2342.19200300.100.1.14", "documentAuthor"),
    ("0.9.2342.19200300.100.1.15", "documentLocation"),
    ("0.9.2342.19200300.100.1.20", "homeTelephoneNumber"),
    ("0.9.2342.19200300.100.1.21", "secretary"),
    ("0.9.2342.19200300.100.1.22", "otherMailbox"),
    ("0.9.2342.19200300.100.1.23", "lastModifiedTime"),
    ("0.9.2342.19200300.100.1.24", "lastModifiedBy"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("0.9.2342.19200300.100.1.26", "aRecord"),
    ("0.9.2342.19200300.100.1.27", "pilotAttributeType27"),
    ("0.9.2342.19200300.100.1.28", "mXRecord"),
    ("0.9.2342.19200300.100.1.29", "nSRecord"),
    ("0.9.2342.19200300.100.1.30", "sOARecord"),
    ("0.9.2342.19200300.100.1.31", "cNAMERecord"),
    ("0.9.2342.19200300.100.1.37", "associatedDomain"),
    ("0.9.2342.19200300.100.1.38", "associatedName"),
    ("0.9.2342.19200300.100.1.39", "homePostalAddress"),
    ("0.9.2342.19200300.100.1.40", "personalTitle"),
    ("0.9.2342.19200300.100.1.41", "mobileTelephoneNumber"),
    ("0.9.2342.19200300.100.1.42", "pagerTelephoneNumber"),
    ("0.9.2342.19200300.100.1.43", "friendlyCountryName"),
    ("0.9.2342.19200300.100.1.44", "uid"),
    ("0.9.2342.19200300.100.1.45", "organizationalStatus"),
    ("0.9.2342.19200300.100.1.46", "janetMailbox"),
    ("0.9.2342.19200300.100.1.47", "mailPreferenceOption"),
    ("0.9.2342.19200300.100.1.48", "buildingName"),
    ("0.9.2342.19200300.100.1.49", "dSAQuality"),
    ("0.9.2342.19200300.100.1.50", "singleLevelQuality"),
    ("0.9.2342.19200300.100.1.51", "subtreeMinimumQuality"),
    ("0.9.2342.19200300.100.1.52", "subtreeMaximumQuality"),
    ("0.9.2342.19200300.100.1.53", "personalSignature"),
    ("0.9.2342.19200300.100.1.54", "dITRedirect"),
    ("0.9.2342.19200300.100.1.55", "audio"),
    ("0.9.2342.19200300.100.1.56", "documentPublisher"),
    ("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
    ("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
    ("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"),
    ("1.3.6.1.5.5.7.9.1", "id-pda-dateOfBirth"),
    ("1.3.6.1.5.5.7.9.2", "id-pda-placeOfBirth"),
    ("1.3.6.1.5.5.7.9.3", "id-pda-gender"),
    ("1.3.6.1.5.5.7.9.4", "id-pda-countryOfCitizenship"),
    ("1.3.6.1.5.5.7.9.5", "id-pda-countryOfResidence"),
    ("1.2.643.100.5", "OGRNIP"),
    ("1.2.643.100.111", "subjectSignTool"),
    ("1.2.643.100.112", "issuerSignTool"),
    ("1.2.643.100.113", "classSignTool"),
    ("2.5.4.98", "c3"),
    ("2.5.4.99", "n3"),
    ("1.2.643.3.131.1.1", "INN"),
    ("1.2.643.100.1", "OGRN"),
    ("1.2.643.100.3", "SNILS"),
];

/// The named curves of OpenSSL 3.0 that Node 20 reports for an EC key, with
/// the values it printed for them (SM2 keys get no key fields at all).
#[rustfmt::skip]
const NAMED_CURVES: &[NamedCurve] = &[
    NamedCurve { oid: "1.3.132.0.6", name: "secp112r1", nist: None, order_bits: 112, field_bytes: 14 },
    NamedCurve { oid: "1.3.132.0.7", name: "secp112r2", nist: None, order_bits: 110, field_bytes: 14 },
    NamedCurve { oid: "1.3.132.0.28", name: "secp128r1", nist: None, order_bits: 128, field_bytes: 16 },
    NamedCurve { oid: "1.3.132.0.29", name: "secp128r2", nist: None, order_bits: 126, field_bytes: 16 },
    NamedCurve { oid: "1.3.132.0.9", name: "secp160k1", nist: None, order_bits: 161, field_bytes: 20 },
    NamedCurve { oid: "1.3.132.0.8", name: "secp160r1", nist: None, order_bits: 161, field_bytes: 20 },
    NamedCurve { oid: "1.3.132.0.30", name: "secp160r2", nist: None, order_bits: 161, field_bytes: 20 },
    NamedCurve { oid: "1.3.132.0.31", name: "secp192k1", nist: None, order_bits: 192, field_bytes: 24 },
    NamedCurve { oid: "1.3.132.0.32", name: "secp224k1", nist: None, order_bits: 225, field_bytes: 28 },
    NamedCurve { oid: "1.3.132.0.33", name: "secp224r1", nist: Some("P-224"), order_bits: 224, field_bytes: 28 },
    NamedCurve { oid: "1.3.132.0.10", name: "secp256k1", nist: None, order_bits: 256, field_bytes: 32 },
    NamedCurve { oid: "1.3.132.0.34", name: "secp384r1", nist: Some("P-384"), order_bits: 384, field_bytes: 48 },
    NamedCurve { oid: "1.3.132.0.35", name: "secp521r1", nist: Some("P-521"), order_bits: 521, field_bytes: 66 },
    NamedCurve { oid: "1.2.840.10045.3.1.1", name: "prime192v1", nist: Some("P-192"), order_bits: 192, field_bytes: 24 },
    NamedCurve { oid: "1.2.840.10045.3.1.2", name: "prime192v2", nist: None, order_bits: 192, field_bytes: 24 },
    NamedCurve { oid: "1.2.840.10045.3.1.3", name: "prime192v3", nist: None, order_bits: 192, field_bytes: 24 },
    NamedCurve { oid: "1.2.840.10045.3.1.4", name: "prime239v1", nist: None, order_bits: 239, field_bytes: 30 },
    NamedCurve { oid: "1.2.840.10045.3.1.5", name: "prime239v2", nist: None, order_bits: 239, field_bytes: 30 },
    NamedCurve { oid: "1.2.840.10045.3.1.6", name: "prime239v3", nist: None, order_bits: 239, field_bytes: 30 },
    NamedCurve { oid: "1.2.840.10045.3.1.7", name: "prime256v1", nist: Some("P-256"), order_bits: 256, field_bytes: 32 },
    NamedCurve { oid: "1.3.132.0.4", name: "sect113r1", nist: None, order_bits: 113, field_bytes: 15 },
    NamedCurve { oid: "1.3.132.0.5", name: "sect113r2", nist: None, order_bits: 113, field_bytes: 15 },
    NamedCurve { oid: "1.3.132.0.22", name: "sect131r1", nist: None, order_bits: 131, field_bytes: 17 },
    NamedCurve { oid: "1.3.132.0.23", name: "sect131r2", nist: None, order_bits: 131, field_bytes: 17 },
    NamedCurve { oid: "1.3.132.0.1", name: "sect163k1", nist: Some("K-163"), order_bits: 163, field_bytes: 21 },
    NamedCurve { oid: "1.3.132.0.2", name: "sect163r1", nist: None, order_bits: 162, field_bytes: 21 },
    NamedCurve { oid: "1.3.132.0.15", name: "sect163r2", nist: Some("B-163"), order_bits: 163, field_bytes: 21 },
    NamedCurve { oid: "1.3.132.0.24", name: "sect193r1", nist: None, order_bits: 193, field_bytes: 25 },
    NamedCurve { oid: "1.3.132.0.25", name: "sect193r2", nist: None, order_bits: 193, field_bytes: 25 },
    NamedCurve { oid: "1.3.132.0.26", name: "sect233k1", nist: Some("K-233"), order_bits: 232, field_bytes: 30 },
    NamedCurve { oid: "1.3.132.0.27", name: "sect233r1", nist: Some("B-233"), order_bits: 233, field_bytes: 30 },
    NamedCurve { oid: "1.3.132.0.3", name: "sect239k1", nist: None, order_bits: 238, field_bytes: 30 },
    NamedCurve { oid: "1.3.132.0.16", name: "sect283k1", nist: Some("K-283"), order_bits: 281, field_bytes: 36 },
    NamedCurve { oid: "1.3.132.0.17", name: "sect283r1", nist: Some("B-283"), order_bits: 282, field_bytes: 36 },
    NamedCurve { oid: "1.3.132.0.36", name: "sect409k1", nist: Some("K-409"), order_bits: 407, field_bytes: 52 },
    NamedCurve { oid: "1.3.132.0.37", name: "sect409r1", nist: Some("B-409"), order_bits: 409, field_bytes: 52 },
    NamedCurve { oid: "1.3.132.0.38", name: "sect571k1", nist: Some("K-571"), order_bits: 570, field_bytes: 72 },
    NamedCurve { oid: "1.3.132.0.39", name: "sect571r1", nist: Some("B-571"), order_bits: 570, field_bytes: 72 },
    NamedCurve { oid: "1.2.840.10045.3.0.1", name: "c2pnb163v1", nist: None, order_bits: 163, field_bytes: 21 },
    NamedCurve { oid: "1.2.840.10045.3.0.2", name: "c2pnb163v2", nist: None, order_bits: 162, field_bytes: 21 },
    NamedCurve { oid: "1.2.840.10045.3.0.3", name: "c2pnb163v3", nist: None, order_bits: 162, field_bytes: 21 },
    NamedCurve { oid: "1.2.840.10045.3.0.4", name: "c2pnb176v1", nist: None, order_bits: 161, field_bytes: 22 },
    NamedCurve { oid: "1.2.840.10045.3.0.5", name: "c2tnb191v1", nist: None, order_bits: 191, field_bytes: 24 },
    NamedCurve { oid: "1.2.840.10045.3.0.6", name: "c2tnb191v2", nist: None, order_bits: 190, field_bytes: 24 },
    NamedCurve { oid: "1.2.840.10045.3.0.7", name: "c2tnb191v3", nist: None, order_bits: 189, field_bytes: 24 },
    NamedCurve { oid: "1.2.840.10045.3.0.10", name: "c2pnb208w1", nist: None, order_bits: 193, field_bytes: 26 },
    NamedCurve { oid: "1.2.840.10045.3.0.11", name: "c2tnb239v1", nist: None, order_bits: 238, field_bytes: 30 },
    NamedCurve { oid: "1.2.840.10045.3.0.12", name: "c2tnb239v2", nist: None, order_bits: 237, field_bytes: 30 },
    NamedCurve { oid: "1.2.840.10045.3.0.13", name: "c2tnb239v3", nist: None, order_bits: 236, field_bytes: 30 },
    NamedCurve { oid: "1.2.840.10045.3.0.16", name: "c2pnb272w1", nist: None, order_bits: 257, field_bytes: 34 },
    NamedCurve { oid: "1.2.840.10045.3.0.17", name: "c2pnb304w1", nist: None, order_bits: 289, field_bytes: 38 },
    NamedCurve { oid: "1.2.840.10045.3.0.18", name: "c2tnb359v1", nist: None, order_bits: 353, field_bytes: 45 },
    NamedCurve { oid: "1.2.840.10045.3.0.19", name: "c2pnb368w1", nist: None, order_bits: 353, field_bytes: 46 },
    NamedCurve { oid: "1.2.840.10045.3.0.20", name: "c2tnb431r1", nist: None, order_bits: 418, field_bytes: 54 },
    NamedCurve { oid: "2.23.43.1.4.1", name: "wap-wsg-idm-ecid-wtls1", nist: None, order_bits: 112, field_bytes: 15 },
    NamedCurve { oid: "2.23.43.1.4.3", name: "wap-wsg-idm-ecid-wtls3", nist: None, order_bits: 163, field_bytes: 21 },
    NamedCurve { oid: "2.23.43.1.4.4", name: "wap-wsg-idm-ecid-wtls4", nist: None, order_bits: 113, field_bytes: 15 },
    NamedCurve { oid: "2.23.43.1.4.5", name: "wap-wsg-idm-ecid-wtls5", nist: None, order_bits: 163, field_bytes: 21 },
    NamedCurve { oid: "2.23.43.1.4.6", name: "wap-wsg-idm-ecid-wtls6", nist: None, order_bits: 112, field_bytes: 14 },
    NamedCurve { oid: "2.23.43.1.4.7", name: "wap-wsg-idm-ecid-wtls7", nist: None, order_bits: 161, field_bytes: 20 },
    NamedCurve { oid: "2.23.43.1.4.8", name: "wap-wsg-idm-ecid-wtls8", nist: None, order_bits: 113, field_bytes: 14 },
    NamedCurve { oid: "2.23.43.1.4.9", name: "wap-wsg-idm-ecid-wtls9", nist: None, order_bits: 161, field_bytes: 20 },
    NamedCurve { oid: "2.23.43.1.4.10", name: "wap-wsg-idm-ecid-wtls10", nist: None, order_bits: 232, field_bytes: 30 },
    NamedCurve { oid: "2.23.43.1.4.11", name: "wap-wsg-idm-ecid-wtls11", nist: None, order_bits: 233, field_bytes: 30 },
    NamedCurve { oid: "2.23.43.1.4.12", name: "wap-wsg-idm-ecid-wtls12", nist: None, order_bits: 224, field_bytes: 28 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.1", name: "brainpoolP160r1", nist: None, order_bits: 160, field_bytes: 20 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.2", name: "brainpoolP160t1", nist: None, order_bits: 160, field_bytes: 20 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.3", name: "brainpoolP192r1", nist: None, order_bits: 192, field_bytes: 24 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.4", name: "brainpoolP192t1", nist: None, order_bits: 192, field_bytes: 24 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.5", name: "brainpoolP224r1", nist: None, order_bits: 224, field_bytes: 28 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.6", name: "brainpoolP224t1", nist: None, order_bits: 224, field_bytes: 28 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.7", name: "brainpoolP256r1", nist: None, order_bits: 256, field_bytes: 32 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.8", name: "brainpoolP256t1", nist: None, order_bits: 256, field_bytes: 32 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.9", name: "brainpoolP320r1", nist: None, order_bits: 320, field_bytes: 40 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.10", name: "brainpoolP320t1", nist: None, order_bits: 320, field_bytes: 40 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.11", name: "brainpoolP384r1", nist: None, order_bits: 384, field_bytes: 48 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.12", name: "brainpoolP384t1", nist: None, order_bits: 384, field_bytes: 48 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.13", name: "brainpoolP512r1", nist: None, order_bits: 512, field_bytes: 64 },
    NamedCurve { oid: "1.3.36.3.3.2.8.1.1.14", name: "brainpoolP512t1", nist: None, order_bits: 512, field_bytes: 64 },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn name_value_of(tag: u8, data: &[u8]) -> Option<NameValue> {
        let encoded = der(tag, data);
        name_value(read_tlv(&encoded)?.0)
    }

    #[test]
    fn oid_text_matches_openssl_numeric_form() {
        assert_eq!(oid_text(&[0x55, 0x04, 0x03]).as_deref(), Some("2.5.4.3"));
        assert_eq!(
            oid_text(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]).as_deref(),
            Some("1.2.840.113549.1.9.1")
        );
        assert_eq!(oid_text(&[0x09, 0x92, 0x26]).as_deref(), Some("0.9.2342"));
        // 2.25.<a 128-bit UUID>: arcs beyond 64 bits
        let mut uuid = vec![0x69, 0x83];
        uuid.extend([0xff; 17]);
        uuid.push(0x7f);
        assert_eq!(
            oid_text(&uuid).as_deref(),
            Some("2.25.340282366920938463463374607431768211455")
        );
        assert_eq!(oid_text(&[]), None);
        assert_eq!(oid_text(&[0x55, 0x84]), None, "unterminated sub-identifier");
        assert_eq!(oid_text(&[0x55, 0x80, 0x01]), None, "padded sub-identifier");
    }

    #[test]
    fn hex_formats() {
        assert_eq!(colon_hex(&[0x0a, 0xff, 0x00]), "0A:FF:00");
        // BN_print strips leading zero digits, BN_bn2hex leading zero bytes
        assert_eq!(bn_print(&[0x00, 0x0a, 0xbc]), "ABC");
        assert_eq!(bn_print(&[]), "0");
        assert_eq!(bn_bn2hex(false, &[0x00, 0x0a, 0xbc]), "0ABC");
        assert_eq!(bn_bn2hex(false, &[0x00]), "0");
        assert_eq!(serial_number_text(&[0x00, 0xff, 0x01]), "FF01");
        assert_eq!(serial_number_text(&[0x01]), "01");
        assert_eq!(serial_number_text(&[0x00]), "0");
        assert_eq!(serial_number_text(&[0xff]), "-01");
        assert_eq!(serial_number_text(&[0xff, 0x00]), "-0100");
        assert_eq!(serial_number_text(&[0x80, 0x00, 0x01]), "-7FFFFF");
        assert_eq!(exponent_text(&[0x01, 0x00, 0x01]), "0x10001");
        assert_eq!(exponent_text(&[0x03]), "0x3");
        assert_eq!(
            exponent_text(&[1, 0, 0, 0, 0, 0, 0, 0, 1]),
            "0xffffffffffffffff"
        );
        assert_eq!(bit_length(&[0x00, 0x01, 0x00]), 9);
        assert_eq!(bit_length(&[0xff]), 8);
        assert_eq!(bit_length(&[]), 0);
    }

    #[test]
    fn der_integers_and_headers() {
        assert_eq!(der_unsigned_integer(&[0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(der_unsigned_integer(&[0x7f]), [0x02, 0x01, 0x7f]);
        assert_eq!(der_unsigned_integer(&[]), [0x02, 0x01, 0x00]);
        assert_eq!(der_header(0, true, 16, 300), [0x30, 0x82, 0x01, 0x2c]);
        assert_eq!(der_header(2, false, 31, 1), [0x9f, 0x1f, 0x01]);
        assert_eq!(der_header(0, false, 200, 0), [0x1f, 0x81, 0x48, 0x00]);
    }

    #[test]
    fn der_reader_takes_what_openssl_takes() {
        // non-minimal length, and a low tag number in the multi-octet form
        let (tlv, rest) = read_tlv(&[0x04, 0x81, 0x01, 0xaa, 0xbb]).unwrap();
        assert_eq!(
            (tlv.tag, tlv.content, rest),
            (0x04, &[0xaa][..], &[0xbb][..])
        );
        assert_eq!(read_tlv(&[0x1f, 0x04, 0x01, 0xaa]).unwrap().0.tag, 0x04);
        assert!(
            read_tlv(&[0x1f, 0x81, 0x00, 0x00]).is_none(),
            "tag number 128"
        );
        assert!(
            read_tlv(&[0x30, 0x80, 0x00, 0x00]).is_none(),
            "indefinite length"
        );
        assert!(read_tlv(&[0x04, 0x02, 0xaa]).is_none(), "truncated");
        // split strings are joined, up to OpenSSL's nesting limit
        let mut nested = der(0x04, b"x");
        for depth in 0..6 {
            assert_eq!(
                join_constructed(&nested).as_deref(),
                Some(&b"x"[..]),
                "depth {depth}"
            );
            nested = der(0x24, &nested);
        }
        assert_eq!(join_constructed(&nested), None);
        // lists may come in primitive form
        let list = der(0x10, &der(0x02, &[1]));
        assert!(read_list(&list).is_some());
        assert!(read_list(&der(0x31, &[])).is_none());
    }

    fn time(tag: u8, text: &str) -> String {
        let encoded = der(tag, text.as_bytes());
        asn1_time_print(read_tlv(&encoded).unwrap().0)
    }

    #[test]
    fn times_print_like_asn1_time_print() {
        assert_eq!(
            time(TAG_UTC_TIME, "261127084000Z"),
            "Nov 27 08:40:00 2026 GMT"
        );
        // single-digit days are padded with a space
        assert_eq!(
            time(TAG_UTC_TIME, "260307010203Z"),
            "Mar  7 01:02:03 2026 GMT"
        );
        assert_eq!(
            time(TAG_UTC_TIME, "500101000000Z"),
            "Jan  1 00:00:00 1950 GMT"
        );
        assert_eq!(
            time(TAG_UTC_TIME, "491231235959Z"),
            "Dec 31 23:59:59 2049 GMT"
        );
        assert_eq!(
            time(TAG_GENERALIZED_TIME, "20500101000000Z"),
            "Jan  1 00:00:00 2050 GMT"
        );
        // seconds may be left out; fractions are copied
        assert_eq!(
            time(TAG_UTC_TIME, "2603070102Z"),
            "Mar  7 01:02:00 2026 GMT"
        );
        assert_eq!(
            time(TAG_GENERALIZED_TIME, "20260307010203.250Z"),
            "Mar  7 01:02:03.250 2026 GMT"
        );
        // offsets are applied, and then there is no "GMT"
        assert_eq!(
            time(TAG_UTC_TIME, "261231230000-0130"),
            "Jan  1 00:30:00 2027 GMT"
        );
        assert_eq!(
            time(TAG_GENERALIZED_TIME, "20240301003000+0100"),
            "Feb 29 23:30:00 2024 GMT"
        );
        assert_eq!(
            time(TAG_UTC_TIME, "260307010203+0000"),
            "Mar  7 01:02:03 2026 GMT"
        );
        for bad in [
            "2613070102Z",
            "260230010203Z",
            "2603070102",
            "26030701020Z",
            "260307010203+01",
            "2603070102031Z",
        ] {
            assert_eq!(time(TAG_UTC_TIME, bad), "Bad time value", "{bad}");
        }
        assert_eq!(
            time(TAG_GENERALIZED_TIME, "20260307010203.Z"),
            "Bad time value"
        );
        assert_eq!(
            time(TAG_GENERALIZED_TIME, "20230229000000Z"),
            "Bad time value"
        );
        assert_eq!(time(TAG_OCTET_STRING, "20260307010203Z"), "Bad time value");
    }

    fn convert(tag: u8, data: &[u8]) -> Option<String> {
        asn1_string_to_utf8(&name_value_of(tag, data)?)
    }

    #[test]
    fn name_values_convert_like_asn1_string_to_utf8() {
        assert_eq!(convert(12, "Zürich".as_bytes()).as_deref(), Some("Zürich"));
        assert_eq!(
            convert(12, "\u{fffe}".as_bytes()).as_deref(),
            Some("\u{fffe}")
        );
        // one-byte types are Latin-1, whatever their character set says
        assert_eq!(convert(20, &[b'Z', 0xfc]).as_deref(), Some("Zü"));
        assert_eq!(convert(19, &[b'c', 0xe9]).as_deref(), Some("cé"));
        assert_eq!(convert(18, b"abc").as_deref(), Some("abc"));
        // BMPString and UniversalString are UCS-2 and UCS-4
        assert_eq!(
            convert(30, &[0x04, 0x1f, 0x00, 0x21]).as_deref(),
            Some("П!")
        );
        assert_eq!(convert(28, &[0, 1, 0xf6, 0x00]).as_deref(), Some("😀"));
        assert_eq!(convert(12, &[]).as_deref(), Some(""));
    }

    #[test]
    fn name_values_openssl_refuses_or_cannot_convert() {
        let valid = |tag, data: &[u8]| name_value_of(tag, data).is_some();
        // refused by the decoder, which makes the whole certificate invalid
        assert!(!valid(12, &[0xc3]), "invalid UTF-8");
        assert!(!valid(12, &[0xed, 0xa0, 0x80]), "UTF-8 surrogate");
        assert!(!valid(30, &[0x04]), "odd BMPString");
        assert!(
            !valid(30, &[0xd8, 0x3d, 0xde, 0x00]),
            "BMPString surrogates"
        );
        assert!(!valid(28, &[0, 0x11, 0, 0]), "beyond U+10FFFF");
        for tag in [2, 4, 23, 24, 26, 27, 21, 25] {
            assert!(!valid(tag, b"x"), "type {tag}");
        }
        // accepted, but not strings: Node then leaves out the whole name
        for tag in [7, 8, 9, 11, 13, 14, 15, 29] {
            assert!(valid(tag, b"x"));
            assert_eq!(convert(tag, b"x"), None);
        }
    }

    #[test]
    fn serial_encodings_openssl_refuses() {
        assert!(integer_encoding_ok(&[0x00, 0x80]));
        assert!(integer_encoding_ok(&[0x7f]));
        assert!(integer_encoding_ok(&[0xff, 0x00, 0x00]));
        assert!(!integer_encoding_ok(&[]));
        assert!(!integer_encoding_ok(&[0x00, 0x01]));
        assert!(!integer_encoding_ok(&[0xff, 0x80]));
    }

    fn rfc2253_of(width: StringWidth, data: &[u8]) -> String {
        let mut out = Vec::new();
        rfc2253_value(&mut out, width, data);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rfc2253_escaping() {
        use StringWidth::*;
        assert_eq!(
            rfc2253_of(OneByte, b"a,b+c\"d\\e<f>g;h=i"),
            r#"a\,b\+c\"d\\e\<f\>g\;h=i"#
        );
        assert_eq!(rfc2253_of(OneByte, b"#a "), r"\#a\ ");
        assert_eq!(rfc2253_of(OneByte, b" #a b# "), r"\ #a b#\ ");
        // the last-character rule wins in a one-character value
        assert_eq!(rfc2253_of(OneByte, b"#"), "#");
        assert_eq!(rfc2253_of(OneByte, b" "), r"\ ");
        assert_eq!(rfc2253_of(OneByte, &[0xe9, b'\n']), "é\n");
        assert_eq!(rfc2253_of(Utf8, "é".as_bytes()), "é");
        assert_eq!(rfc2253_of(Bmp, &[0x04, 0x1f]), "П");
    }

    fn alt(name: &[u8], utf8: bool, prefix: Option<&str>) -> String {
        let mut out = Vec::new();
        print_alt_name(&mut out, name, utf8, prefix);
        utf8_lossy(out)
    }

    #[test]
    fn alt_names_escape_like_node() {
        assert_eq!(alt(b"*.example.com", false, None), "*.example.com");
        assert_eq!(alt(b"http://a/b?c=d;e", false, None), "http://a/b?c=d;e");
        assert_eq!(alt(b"a,b", false, None), r#""a\u002cb""#);
        assert_eq!(alt(b"a\"b\\c'd", false, None), r#""a\"b\\c'd""#);
        assert_eq!(alt(b"a\nb\x7f", false, None), r#""a\u000ab\u007f""#);
        assert_eq!(alt(&[b'a', 0xe9], false, None), r#""a\u00e9""#);
        // UTF-8 names keep non-ASCII bytes
        assert_eq!(alt("é".as_bytes(), true, Some("UPN")), "UPN:é");
        assert_eq!(alt("é,".as_bytes(), true, Some("UPN")), r#""UPN:é\u002c""#);
    }

    #[test]
    fn info_access_text_becomes_an_object() {
        let object = info_access_object(
            "OCSP - URI:http://o/\nCA Issuers - URI:\"http://a\\u002cb\"\nOCSP - URI:http://p/\nOCSP - IP Address:2001:DB8:0:0:0:0:0:1",
        );
        assert_eq!(
            object,
            serde_json::json!({
                "OCSP - URI": ["http://o/", "http://p/"],
                "CA Issuers - URI": ["http://a,b"],
                "OCSP - IP Address": ["2001:DB8:0:0:0:0:0:1"],
            })
        );
        assert_eq!(info_access_object(""), serde_json::json!({}));
    }

    #[test]
    fn general_names_print_like_node() {
        let san = |content: &[u8]| subject_alt_name_text(&der(TAG_SEQUENCE, content));
        let mut names = der(0x82, b"a.example");
        names.extend(der(0x87, &[127, 0, 0, 1]));
        names.extend(der(
            0x87,
            &[
                0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd,
            ],
        ));
        names.extend(der(0x87, &[1, 2, 3]));
        names.extend(der(0x88, &[0x2a, 0x03, 0x04]));
        names.extend(der(0xa3, &[]));
        assert_eq!(
            san(&names).as_deref(),
            Some("DNS:a.example, IP Address:127.0.0.1, IP Address:2001:DB8:0:0:0:0:0:ABCD, IP Address:<invalid length=3>, Registered ID:1.2.3.4, X400Name:<unsupported>")
        );
        assert_eq!(san(&[]).as_deref(), Some(""));
        assert_eq!(san(&der(0x89, b"x")), None, "unknown choice");
        assert_eq!(subject_alt_name_text(&der(TAG_OCTET_STRING, b"")), None);
    }

    #[test]
    fn garbage_is_rejected_like_node() {
        let err = certificate_object(b"junk").unwrap_err();
        assert_eq!(err.code, "ERR_OSSL_PEM_NO_START_LINE");
        assert_eq!(public_key_der(b"junk"), None);
    }
}

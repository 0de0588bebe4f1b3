//! Object identifiers: the ones this module looks for, their dotted text,
//! and the names OpenSSL prints for some of them.

use x509_parser::num_bigint::BigUint;

use super::tables::NAME_ATTRIBUTES;

pub(super) const OID_SUBJECT_ALT_NAME: &str = "2.5.29.17";
pub(super) const OID_INFO_ACCESS: &str = "1.3.6.1.5.5.7.1.1";
pub(super) const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";
pub(super) const OID_KEY_USAGE: &str = "2.5.29.15";
pub(super) const OID_EXT_KEY_USAGE: &str = "2.5.29.37";
pub(super) const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
pub(super) const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
pub(super) const OID_PRIME_FIELD: &str = "1.2.840.10045.1.1";
pub(super) const OID_CHARACTERISTIC_TWO_FIELD: &str = "1.2.840.10045.1.2";

/// Dotted-decimal text of the contents of a DER OBJECT IDENTIFIER, as
/// `OBJ_obj2txt(.., no_name = 1)` prints it; `None` for an encoding OpenSSL
/// rejects (empty, a padded or unterminated sub-identifier).
pub(super) fn oid_text(content: &[u8]) -> Option<String> {
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
pub(super) fn attribute_short_name(oid: &str) -> Option<&'static str> {
    NAME_ATTRIBUTES.iter().find(|(o, _)| *o == oid).map(|(_, name)| *name)
}

/// `i2t_ASN1_OBJECT` for an access method: OpenSSL's long name, else the
/// numeric OID. Only the access-method arc is listed.
pub(super) fn access_method_text(oid: String) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(oid_text(&uuid).as_deref(), Some("2.25.340282366920938463463374607431768211455"));
        assert_eq!(oid_text(&[]), None);
        assert_eq!(oid_text(&[0x55, 0x84]), None, "unterminated sub-identifier");
        assert_eq!(oid_text(&[0x55, 0x80, 0x01]), None, "padded sub-identifier");
    }
}

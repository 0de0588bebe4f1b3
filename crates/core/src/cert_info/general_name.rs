//! General names (subjectAltName, authorityInfoAccess) and how Node prints
//! them: `subjectaltname`, `infoAccess`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::der::{
    any_value_ok, elements, explicit, read_list, read_tlv, string_contents, Tlv, TAG_IA5_STRING, TAG_OID, TAG_SEQUENCE,
    TAG_UTF8_STRING,
};
use super::name::{name_entries, rfc2253_text, NameEntry};
use super::oid::{access_method_text, oid_text};

/// A decoded GeneralName, keeping the raw bytes Node prints.
pub(super) enum GeneralName<'a> {
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

/// One GeneralName as OpenSSL decodes it; `None` where its decoder fails
/// (which makes Node report the whole extension as `null`).
pub(super) fn general_name(tlv: Tlv<'_>) -> Option<GeneralName<'_>> {
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
            GeneralName::Other { type_id: oid_text(type_id.content)?, value }
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
pub(super) fn general_names(value: &[u8]) -> Option<Vec<GeneralName<'_>>> {
    general_name_list(read_list(value)?)
}

/// The names of a GeneralNames value (tagged or not).
pub(super) fn general_name_list(list: Tlv<'_>) -> Option<Vec<GeneralName<'_>>> {
    elements(list.content)?.into_iter().map(general_name).collect()
}

/// Node's `subjectaltname`: the names printed by [`print_general_name`],
/// joined by `, `. `None` when OpenSSL cannot decode the extension.
pub(super) fn subject_alt_name_text(value: &[u8]) -> Option<String> {
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
pub(super) fn info_access_text(value: &[u8]) -> Option<String> {
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
pub(super) fn info_access_object(text: &str) -> Value {
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
                    let groups: Vec<String> =
                        ip.chunks(2).map(|p| format!("{:X}", u16::from_be_bytes([p[0], p[1]]))).collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert_info::der::{der, TAG_OCTET_STRING};

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
        names.extend(der(0x87, &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd]));
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
}

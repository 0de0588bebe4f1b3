//! Distinguished names: attribute values as OpenSSL decodes and converts
//! them, Node's `subject`/`issuer` objects, and RFC 2253 text.

use serde_json::{Map, Value};

use super::der::{der_header, elements, is_list, join_constructed, Tlv, TAG_OID, TAG_SEQUENCE, TAG_SET};
use super::hex::upper_hex;
use super::oid::{attribute_short_name, oid_text};

/// One attribute value of a Name the way OpenSSL's decoder keeps it: its
/// universal type and contents. BER constructed strings are joined into one.
pub(super) struct NameValue {
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
            let width = if tag == 28 { StringWidth::Universal } else { StringWidth::Bmp };
            code_units(width, &data).is_some_and(|units| units.into_iter().all(|u| char::from_u32(u).is_some()))
        }
        _ => true,
    };
    valid.then_some(NameValue { tag, data })
}

/// One attribute of a Name: the index of the RDN it belongs to, its type as
/// a dotted OID, and its value.
pub(super) struct NameEntry {
    set: usize,
    oid: String,
    value: NameValue,
}

/// The attributes of a Name in certificate order; `None` if OpenSSL would
/// refuse the name.
///
/// Name ::= SEQUENCE OF SET OF SEQUENCE { type OBJECT IDENTIFIER, value ANY }
pub(super) fn name_entries(name: Tlv<'_>) -> Option<Vec<NameEntry>> {
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
pub(super) fn attribute_type_and_value(attribute: Tlv<'_>) -> Option<(String, NameValue)> {
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
pub(super) fn name_object(entries: &[NameEntry]) -> Option<Value> {
    let mut map = Map::new();
    for entry in entries {
        let key = attribute_short_name(&entry.oid).unwrap_or(&entry.oid).to_owned();
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
        StringWidth::Utf8 | StringWidth::OneByte => Some(data.iter().map(|&b| u32::from(b)).collect()),
        StringWidth::Bmp if data.len().is_multiple_of(2) => {
            Some(data.chunks(2).map(|c| u32::from(u16::from_be_bytes([c[0], c[1]]))).collect())
        }
        StringWidth::Universal if data.len().is_multiple_of(4) => {
            Some(data.chunks(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])).collect())
        }
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
    code_units(width, &value.data)?.into_iter().map(char::from_u32).collect()
}

/// `X509_NAME_print_ex(name, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB &
/// ~ASN1_STRFLGS_ESC_CTRL)`, which is how Node prints `DirName:` entries.
///
/// RFC 2253 order (last attribute first), `,` between RDNs and `+` inside a
/// multi-valued one, short names, backslash before `,+"\<>;`, before a
/// leading `#` or space and before a trailing space. Non-ASCII and control
/// characters are left as they are. Attributes OpenSSL has no name for, and
/// values that are not strings, are dumped as `#` and the hex of their DER.
pub(super) fn rfc2253_text(entries: &[NameEntry]) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert_info::der::{der, read_tlv};

    fn name_value_of(tag: u8, data: &[u8]) -> Option<NameValue> {
        let encoded = der(tag, data);
        name_value(read_tlv(&encoded)?.0)
    }

    fn convert(tag: u8, data: &[u8]) -> Option<String> {
        asn1_string_to_utf8(&name_value_of(tag, data)?)
    }

    #[test]
    fn name_values_convert_like_asn1_string_to_utf8() {
        assert_eq!(convert(12, "Zürich".as_bytes()).as_deref(), Some("Zürich"));
        assert_eq!(convert(12, "\u{fffe}".as_bytes()).as_deref(), Some("\u{fffe}"));
        // one-byte types are Latin-1, whatever their character set says
        assert_eq!(convert(20, &[b'Z', 0xfc]).as_deref(), Some("Zü"));
        assert_eq!(convert(19, &[b'c', 0xe9]).as_deref(), Some("cé"));
        assert_eq!(convert(18, b"abc").as_deref(), Some("abc"));
        // BMPString and UniversalString are UCS-2 and UCS-4
        assert_eq!(convert(30, &[0x04, 0x1f, 0x00, 0x21]).as_deref(), Some("П!"));
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
        assert!(!valid(30, &[0xd8, 0x3d, 0xde, 0x00]), "BMPString surrogates");
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

    fn rfc2253_of(width: StringWidth, data: &[u8]) -> String {
        let mut out = Vec::new();
        rfc2253_value(&mut out, width, data);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rfc2253_escaping() {
        use StringWidth::*;
        assert_eq!(rfc2253_of(OneByte, b"a,b+c\"d\\e<f>g;h=i"), r#"a\,b\+c\"d\\e\<f\>g\;h=i"#);
        assert_eq!(rfc2253_of(OneByte, b"#a "), r"\#a\ ");
        assert_eq!(rfc2253_of(OneByte, b" #a b# "), r"\ #a b#\ ");
        // the last-character rule wins in a one-character value
        assert_eq!(rfc2253_of(OneByte, b"#"), "#");
        assert_eq!(rfc2253_of(OneByte, b" "), r"\ ");
        assert_eq!(rfc2253_of(OneByte, &[0xe9, b'\n']), "é\n");
        assert_eq!(rfc2253_of(Utf8, "é".as_bytes()), "é");
        assert_eq!(rfc2253_of(Bmp, &[0x04, 0x1f]), "П");
    }
}

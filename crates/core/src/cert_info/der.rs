//! A minimal DER reader and writer, with OpenSSL's leniencies: what its BER
//! decoder takes (non-minimal lengths, split strings, lists in primitive
//! form) and what it refuses (padded INTEGERs, malformed ANY values).

use std::borrow::Cow;

use super::oid::oid_text;

/// One DER element: its identifier octet, contents and whole encoding.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tlv<'a> {
    pub(super) tag: u8,
    pub(super) content: &'a [u8],
    pub(super) encoded: &'a [u8],
}

pub(super) const TAG_BOOLEAN: u8 = 0x01;
pub(super) const TAG_INTEGER: u8 = 0x02;
pub(super) const TAG_BIT_STRING: u8 = 0x03;
pub(super) const TAG_OCTET_STRING: u8 = 0x04;
pub(super) const TAG_OID: u8 = 0x06;
pub(super) const TAG_UTF8_STRING: u8 = 0x0c;
pub(super) const TAG_IA5_STRING: u8 = 0x16;
pub(super) const TAG_UTC_TIME: u8 = 0x17;
pub(super) const TAG_GENERALIZED_TIME: u8 = 0x18;
pub(super) const TAG_SEQUENCE: u8 = 0x30;
pub(super) const TAG_SET: u8 = 0x31;

/// Reads one element and returns it with the bytes after it. Lengths may be
/// non-minimal (OpenSSL's BER reader allows that) but must be definite. A
/// tag number below 31 written in the multi-octet form is read as the
/// single-octet tag, as OpenSSL does; larger tag numbers never occur in the
/// structures read here.
pub(super) fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
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
        let len = rest[..count].iter().fold(0usize, |acc, &b| acc << 8 | usize::from(b));
        rest = &rest[count..];
        len
    };
    if rest.len() < len {
        return None;
    }
    let encoded = &input[..input.len() - rest.len() + len];
    Some((Tlv { tag, content: &rest[..len], encoded }, &rest[len..]))
}

/// Reads one element that must have identifier `tag`, ignoring what follows
/// (OpenSSL's `d2i` functions do not look past the value they decode).
pub(super) fn read_expected(input: &[u8], tag: u8) -> Option<Tlv<'_>> {
    read_tlv(input).map(|(tlv, _)| tlv).filter(|tlv| tlv.tag == tag)
}

/// Whether `tlv` is a SEQUENCE OF or SET OF with identifier `tag` (given in
/// its constructed form). OpenSSL's decoder does not check the constructed
/// bit of these (it does for SEQUENCE structures), so the primitive form
/// passes too.
pub(super) fn is_list(tlv: Tlv<'_>, tag: u8) -> bool {
    tlv.tag | 0x20 == tag
}

/// Reads a SEQUENCE OF at the start of `input`, ignoring what follows.
pub(super) fn read_list(input: &[u8]) -> Option<Tlv<'_>> {
    read_tlv(input).map(|(tlv, _)| tlv).filter(|tlv| is_list(*tlv, TAG_SEQUENCE))
}

/// All elements of a constructed value's contents, which must parse completely.
pub(super) fn elements(mut content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (tlv, rest) = read_tlv(content)?;
        out.push(tlv);
        content = rest;
    }
    Some(out)
}

/// The one element inside an EXPLICIT tag.
pub(super) fn explicit(tlv: Tlv<'_>) -> Option<Tlv<'_>> {
    let (inner, rest) = read_tlv(tlv.content)?;
    rest.is_empty().then_some(inner)
}

/// Whether OpenSSL's decoder of ANY takes `value`: it decodes the universal
/// types it knows and refuses, for example, a malformed OBJECT IDENTIFIER.
/// (It does not check UTF-8.)
pub(super) fn any_value_ok(value: Tlv<'_>) -> bool {
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
pub(super) fn bit_string(tlv: Tlv<'_>) -> Option<Vec<u8>> {
    let (&unused, bits) = tlv.content.split_first().filter(|_| tlv.tag == TAG_BIT_STRING)?;
    if unused > 7 {
        return None;
    }
    let mut bits = bits.to_vec();
    if let Some(last) = bits.last_mut() {
        *last &= 0xff << unused;
    }
    Some(bits)
}

/// OpenSSL refuses an empty INTEGER and one with a redundant leading byte
/// (`00` before a byte below 0x80, `FF` before one from 0x80 up).
pub(super) fn integer_encoding_ok(content: &[u8]) -> bool {
    match content {
        [] => false,
        [0x00, next, ..] => next & 0x80 != 0,
        [0xff, next, ..] => next & 0x80 == 0,
        _ => true,
    }
}

/// The contents of a BER constructed string: its primitive pieces, joined.
/// Like OpenSSL, this ignores the pieces' tags but not how deeply they nest.
pub(super) fn join_constructed(content: &[u8]) -> Option<Vec<u8>> {
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

/// The contents of a string, joined if BER split it into pieces.
pub(super) fn string_contents(tlv: Tlv<'_>) -> Option<Cow<'_, [u8]>> {
    if tlv.tag & 0x20 == 0 {
        Some(Cow::Borrowed(tlv.content))
    } else {
        join_constructed(tlv.content).map(Cow::Owned)
    }
}

/// The magnitude of a DER INTEGER whose sign OpenSSL ignores (RSA key
/// components are read as unsigned BIGNUMs): the contents without leading
/// zero bytes.
pub(super) fn unsigned_magnitude(content: &[u8]) -> Vec<u8> {
    let start = content.iter().position(|&b| b != 0).unwrap_or(content.len());
    content[start..].to_vec()
}

/// Sign and magnitude (without leading zero bytes) of a two's complement
/// INTEGER, as `ASN1_INTEGER_to_BN` sees it.
pub(super) fn signed_magnitude(content: &[u8]) -> (bool, Vec<u8>) {
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
pub(super) fn der_header(class: u8, constructed: bool, tag: u32, len: usize) -> Vec<u8> {
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
        let skip = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend(&bytes[skip..]);
    }
    out
}

/// One TLV, for the tests that build DER by hand.
#[cfg(test)]
pub(super) fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = der_header(tag >> 6, tag & 0x20 != 0, u32::from(tag & 0x1f), content.len());
    out.extend(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_integers_and_headers() {
        assert_eq!(der_header(0, true, 16, 300), [0x30, 0x82, 0x01, 0x2c]);
        assert_eq!(der_header(2, false, 31, 1), [0x9f, 0x1f, 0x01]);
        assert_eq!(der_header(0, false, 200, 0), [0x1f, 0x81, 0x48, 0x00]);
    }

    #[test]
    fn der_reader_takes_what_openssl_takes() {
        // non-minimal length, and a low tag number in the multi-octet form
        let (tlv, rest) = read_tlv(&[0x04, 0x81, 0x01, 0xaa, 0xbb]).unwrap();
        assert_eq!((tlv.tag, tlv.content, rest), (0x04, &[0xaa][..], &[0xbb][..]));
        assert_eq!(read_tlv(&[0x1f, 0x04, 0x01, 0xaa]).unwrap().0.tag, 0x04);
        assert!(read_tlv(&[0x1f, 0x81, 0x00, 0x00]).is_none(), "tag number 128");
        assert!(read_tlv(&[0x30, 0x80, 0x00, 0x00]).is_none(), "indefinite length");
        assert!(read_tlv(&[0x04, 0x02, 0xaa]).is_none(), "truncated");
        // split strings are joined, up to OpenSSL's nesting limit
        let mut nested = der(0x04, b"x");
        for depth in 0..6 {
            assert_eq!(join_constructed(&nested).as_deref(), Some(&b"x"[..]), "depth {depth}");
            nested = der(0x24, &nested);
        }
        assert_eq!(join_constructed(&nested), None);
        // lists may come in primitive form
        let list = der(0x10, &der(0x02, &[1]));
        assert!(read_list(&list).is_some());
        assert!(read_list(&der(0x31, &[])).is_none());
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
}

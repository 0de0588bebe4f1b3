//! OpenSSL's hex and number formats (`BN_print`, `BN_bn2hex`, fingerprints).

use super::der::{signed_magnitude, unsigned_magnitude};

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Fingerprints: upper-case hex bytes joined by colons (`AB:CD:..`).
pub(super) fn colon_hex(bytes: &[u8]) -> String {
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
    parts.join(":")
}

pub(super) fn upper_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX_UPPER[usize::from(b >> 4)] as char);
        out.push(HEX_UPPER[usize::from(b & 0xf)] as char);
    }
    out
}

/// `BN_print`: upper-case hex without leading zero *digits* (so the modulus
/// of an odd-sized key may have an odd number of digits); `0` for zero.
pub(super) fn bn_print(magnitude: &[u8]) -> String {
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
    let start = magnitude.iter().position(|&b| b != 0).unwrap_or(magnitude.len());
    if start == magnitude.len() {
        return "0".to_owned();
    }
    let sign = if negative { "-" } else { "" };
    format!("{sign}{}", upper_hex(&magnitude[start..]))
}

/// Node's `serialNumber`: `BN_bn2hex` of the serial read as a signed INTEGER.
pub(super) fn serial_number_text(raw_serial: &[u8]) -> String {
    let (negative, magnitude) = signed_magnitude(raw_serial);
    bn_bn2hex(negative, &magnitude)
}

/// `BN_num_bits`.
pub(super) fn bit_length(magnitude: &[u8]) -> usize {
    match magnitude.iter().position(|&b| b != 0) {
        Some(i) => (magnitude.len() - i - 1) * 8 + (8 - magnitude[i].leading_zeros() as usize),
        None => 0,
    }
}

/// Node's `exponent`: `0x` and lower-case hex of `BN_get_word(e)`, which is
/// all ones when the exponent does not fit in 64 bits.
pub(super) fn exponent_text(magnitude: &[u8]) -> String {
    let digits = unsigned_magnitude(magnitude);
    let word = if digits.len() > 8 { u64::MAX } else { digits.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)) };
    format!("0x{word:x}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(exponent_text(&[1, 0, 0, 0, 0, 0, 0, 0, 1]), "0xffffffffffffffff");
        assert_eq!(bit_length(&[0x00, 0x01, 0x00]), 9);
        assert_eq!(bit_length(&[0xff]), 8);
        assert_eq!(bit_length(&[]), 0);
    }
}

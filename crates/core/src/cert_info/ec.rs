//! EC groups and points: named and explicit curve parameters, and the
//! point arithmetic needed to print a point uncompressed, as OpenSSL does.
//!
//! The arithmetic is the textbook prime-field kind on big integers, not the
//! `p256`/`p384`/`p521`/`k256` crates: those decode points on their own
//! curve only, while OpenSSL (and so Node) also prints keys given with
//! explicit curve parameters (RFC 3279 §2.3.5 `ECParameters`), checking and
//! decompressing their points with the parameters the certificate carries.
//! That needs this generic path anyway, and one path for both keeps named
//! and explicit curves answering alike (`cert_info_vs_node` checks both).

use x509_parser::num_bigint::BigUint;

use super::der::{
    bit_string, elements, integer_encoding_ok, unsigned_magnitude, Tlv, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID,
    TAG_SEQUENCE,
};
use super::hex::{bit_length, upper_hex};
use super::oid::{oid_text, OID_CHARACTERISTIC_TWO_FIELD, OID_PRIME_FIELD};
use super::tables::{NAMED_CURVES, PRIME_CURVES};

/// An EC curve OpenSSL knows by OID (short name, NIST name, order size and
/// field size in bytes, as Node reports them).
pub(super) struct NamedCurve {
    pub(super) oid: &'static str,
    pub(super) name: &'static str,
    pub(super) nist: Option<&'static str>,
    pub(super) order_bits: usize,
    pub(super) field_bytes: usize,
}

/// What Node learns about an EC key's group.
pub(super) struct EcGroup {
    pub(super) curve: Option<&'static NamedCurve>,
    pub(super) order_bits: usize,
    pub(super) field_bytes: Option<usize>,
    /// p, a, b of a prime-field curve, when we have them.
    pub(super) arithmetic: Option<[BigUint; 3]>,
}

/// The point as `EC_POINT_point2oct(.., POINT_CONVERSION_UNCOMPRESSED)`
/// gives it back: Node always prints `04 || X || Y`, whatever form the
/// certificate used. `None` for a point OpenSSL refuses (wrong length, a
/// hybrid point with the wrong parity bit, a point not on the curve), which
/// leaves Node without a key. On-curve checks and decompression need the
/// curve's arithmetic (known for the curves in [`PRIME_CURVES`] and for
/// explicit prime-field parameters); without it the point is only checked
/// for its length and kept in its original form.
pub(super) fn uncompressed_point(
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
        out.extend(std::iter::repeat_n(0, field_bytes.saturating_sub(bytes.len())));
        out.extend(bytes);
    }
    Some(out)
}

/// Explicit ECParameters (the contents of the SEQUENCE). OpenSSL 3 names
/// parameters that equal one of its built-in curves after that curve; this
/// recognises the curves in [`PRIME_CURVES`] that way. For other parameters
/// Node reports only the size of the order.
pub(super) fn explicit_group(content: &[u8]) -> Option<EcGroup> {
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
        return Some(EcGroup { curve: None, order_bits, field_bytes: None, arithmetic: None });
    }
    if field_type != OID_PRIME_FIELD {
        return None;
    }
    let prime = positive_integer(field_parameters)?;
    let field_bytes = prime.len();
    let arithmetic = [&prime[..], a.content, b.content].map(BigUint::from_bytes_be);
    let generator = uncompressed_point(base.content, field_bytes, Some(&arithmetic))?;
    // OpenSSL leaves the optional seed and cofactor out of this comparison.
    let known = PRIME_CURVES.iter().filter(|_| generator.len() == 1 + 2 * field_bytes).find(|known| {
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
pub(super) struct PrimeCurve {
    pub(super) name: &'static str,
    pub(super) p: &'static str,
    pub(super) a: &'static str,
    pub(super) b: &'static str,
    pub(super) gx: &'static str,
    pub(super) gy: &'static str,
    pub(super) n: &'static str,
}

impl PrimeCurve {
    pub(super) fn arithmetic(&self) -> [BigUint; 3] {
        [self.p, self.a, self.b].map(|hex| BigUint::parse_bytes(hex.as_bytes(), 16).unwrap_or_default())
    }
}

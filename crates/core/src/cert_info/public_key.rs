//! The subject public key as Node sees it: RSA modulus and exponent, or an
//! EC point and its curve; nothing for other key types.

use super::certificate::Certificate;
use super::der::{elements, read_expected, unsigned_magnitude, TAG_INTEGER, TAG_OID, TAG_SEQUENCE};
use super::ec::{explicit_group, uncompressed_point, EcGroup, NamedCurve, PrimeCurve};
use super::oid::{oid_text, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION};
use super::tables::{NAMED_CURVES, PRIME_CURVES};

pub(super) enum PublicKey {
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

/// The RSA or EC key as OpenSSL decodes it (`X509_get0_pubkey`); `None` for
/// other key types (Ed25519, RSA-PSS, DSA, SM2...) and for keys OpenSSL
/// cannot decode, for which Node prints no key fields at all.
pub(super) fn public_key(cert: &Certificate<'_>) -> Option<PublicKey> {
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
            Some(PublicKey::Rsa { modulus: unsigned_magnitude(n.content), exponent: unsigned_magnitude(e.content) })
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
                    arithmetic: PRIME_CURVES.iter().find(|c| c.name == curve.name).map(PrimeCurve::arithmetic),
                }
            } else if params.tag == TAG_SEQUENCE {
                explicit_group(params.content)?
            } else {
                return None;
            };
            let point = match group.field_bytes {
                Some(field_bytes) => uncompressed_point(key, field_bytes, group.arithmetic.as_ref())?,
                None => key.to_vec(),
            };
            Some(PublicKey::Ec { curve: group.curve, order_bits: group.order_bits, point })
        }
        _ => None,
    }
}

/// `i2d_RSA_PUBKEY`: SubjectPublicKeyInfo with rsaEncryption and NULL
/// parameters around a freshly encoded RSAPublicKey (RustCrypto's `pkcs1`
/// and `spki` types; INTEGERs minimal, as OpenSSL writes a BIGNUM).
pub(super) fn rsa_spki(modulus: &[u8], exponent: &[u8]) -> Option<Vec<u8>> {
    use der::asn1::{BitStringRef, UintRef};
    use der::Encode;
    let key =
        pkcs1::RsaPublicKey { modulus: UintRef::new(modulus).ok()?, public_exponent: UintRef::new(exponent).ok()? };
    let key = key.to_der().ok()?;
    let spki = spki::SubjectPublicKeyInfoRef {
        algorithm: pkcs1::ALGORITHM_ID,
        subject_public_key: BitStringRef::from_bytes(&key).ok()?,
    };
    spki.to_der().ok()
}

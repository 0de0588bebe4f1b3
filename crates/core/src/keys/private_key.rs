//! Private key formats: PKCS#8, PKCS#1 and SEC1, told apart by their PEM
//! label or, for DER, by their shape. Encrypted keys are decrypted by
//! [`encrypted`](super::encrypted) or [`legacy_pem`](super::legacy_pem).

use der::asn1::{IntRef, OctetStringRef};
use der::{ErrorKind, Reader, SliceReader, Tag};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};

use super::encrypted::{decrypt_pkcs8, EncryptedKeyInfo};
use super::errors::{err, BAD_DECRYPT, PEM_NOT_DEK_INFO, UNSUPPORTED};
use super::legacy_pem::TraditionalEncryption;
use super::pem;
use crate::Result;

/// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` ([RFC 5958] §2).
///
/// [RFC 5958]: https://www.rfc-editor.org/rfc/rfc5958#section-2
fn is_pkcs8(der: &[u8]) -> bool {
    pkcs8::PrivateKeyInfoRef::try_from(der).is_ok()
}

/// PKCS#1 `RSAPrivateKey` ([RFC 8017] appendix A.1.2): a version (0, or 1 with
/// `otherPrimeInfos`) and eight INTEGERs.
///
/// [RFC 8017]: https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2
fn is_pkcs1(der: &[u8]) -> bool {
    let check = || -> der::Result<()> {
        let mut reader = SliceReader::new(der)?;
        reader.sequence(|r| -> der::Result<()> {
            let version: u8 = r.decode()?;
            if version > 1 {
                return Err(r.error(ErrorKind::Value { tag: Tag::Integer }));
            }
            for _ in 0..8 {
                r.decode::<IntRef<'_>>()?;
            }
            while !r.is_finished() {
                r.tlv_bytes()?; // otherPrimeInfos
            }
            Ok(())
        })?;
        reader.finish()
    };
    check().is_ok()
}

/// SEC1 `ECPrivateKey` ([RFC 5915] §3): version 1, the private key OCTET
/// STRING, then the optional `[0]` parameters and `[1]` public key.
///
/// [RFC 5915]: https://www.rfc-editor.org/rfc/rfc5915#section-3
fn is_sec1(der: &[u8]) -> bool {
    let check = || -> der::Result<()> {
        let mut reader = SliceReader::new(der)?;
        reader.sequence(|r| -> der::Result<()> {
            let version: u8 = r.decode()?;
            if version != 1 {
                return Err(r.error(ErrorKind::Value { tag: Tag::Integer }));
            }
            r.decode::<&OctetStringRef>()?;
            while !r.is_finished() {
                let tag = Tag::peek(r)?;
                if !matches!(tag, Tag::ContextSpecific { .. }) {
                    return Err(r.error(tag.unexpected_error(None)));
                }
                r.tlv_bytes()?;
            }
            Ok(())
        })?;
        reader.finish()
    };
    check().is_ok()
}

/// What a key block's label says it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum KeyFormat {
    Pkcs8,
    Pkcs1,
    Sec1,
    EncryptedPkcs8,
}

/// Whether `der` is an unencrypted key in `format`.
fn has_shape(der: &[u8], format: KeyFormat) -> bool {
    match format {
        KeyFormat::Pkcs8 => is_pkcs8(der),
        KeyFormat::Pkcs1 => is_pkcs1(der),
        KeyFormat::Sec1 => is_sec1(der),
        KeyFormat::EncryptedPkcs8 => false,
    }
}

/// Wrap `der` as `format`, if it has that shape.
pub(super) fn typed_key(der: Vec<u8>, format: KeyFormat) -> Option<PrivateKeyDer<'static>> {
    if !has_shape(&der, format) {
        return None;
    }
    Some(match format {
        KeyFormat::Pkcs1 => PrivatePkcs1KeyDer::from(der).into(),
        KeyFormat::Sec1 => PrivateSec1KeyDer::from(der).into(),
        _ => PrivatePkcs8KeyDer::from(der).into(),
    })
}

pub(super) fn pem_private_key(
    section: &pem::Section<'_>,
    format: KeyFormat,
    passphrase: Option<&[u8]>,
) -> Result<PrivateKeyDer<'static>> {
    let encrypted = section.header("Proc-Type").is_some_and(|v| v.to_ascii_uppercase().contains("ENCRYPTED"));
    if encrypted {
        let dek_info = section.header("DEK-Info").ok_or_else(|| err(PEM_NOT_DEK_INFO))?;
        let cipher = TraditionalEncryption::parse(dek_info)?;
        let body = section.decode().ok_or_else(|| err(UNSUPPORTED))?;
        let der = cipher.decrypt(&body, passphrase.ok_or_else(|| err(BAD_DECRYPT))?)?;
        // Garbage that happens to end in valid padding: a wrong passphrase.
        return match format {
            KeyFormat::EncryptedPkcs8 => decrypt_pkcs8(&der, passphrase),
            _ => typed_key(der, format).ok_or_else(|| err(BAD_DECRYPT)),
        };
    }
    let der = section.decode().ok_or_else(|| err(UNSUPPORTED))?;
    match format {
        KeyFormat::EncryptedPkcs8 => decrypt_pkcs8(&der, passphrase),
        _ => typed_key(der, format).ok_or_else(|| err(UNSUPPORTED)),
    }
}

/// A DER key of any of the formats; they are told apart by their shape.
pub(super) fn der_private_key(der: &[u8], passphrase: Option<&[u8]>) -> Result<PrivateKeyDer<'static>> {
    let plain = [KeyFormat::Pkcs8, KeyFormat::Pkcs1, KeyFormat::Sec1].into_iter().find(|f| has_shape(der, *f));
    if let Some(format) = plain {
        return typed_key(der.to_vec(), format).ok_or_else(|| err(UNSUPPORTED));
    }
    if EncryptedKeyInfo::parse(der).is_ok() {
        return decrypt_pkcs8(der, passphrase);
    }
    Err(err(UNSUPPORTED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::parse_private_key;
    use crate::keys::test_vectors::*;
    use crate::TlsError;

    #[test]
    fn plain_keys_keep_their_format() {
        let key = parse_private_key(PKCS8.as_bytes(), None).unwrap();
        assert!(matches!(key, PrivateKeyDer::Pkcs8(_)));
        assert_eq!(key.secret_der(), pkcs8_der());

        let key = parse_private_key(SEC1.as_bytes(), PASS).unwrap();
        assert!(matches!(key, PrivateKeyDer::Sec1(_)));
        assert_eq!(key.secret_der(), pem_body(SEC1));
    }

    #[test]
    fn der_keys() {
        let key = parse_private_key(&pkcs8_der(), None).unwrap();
        assert!(matches!(key, PrivateKeyDer::Pkcs8(_)));
        let key = parse_private_key(&pem_body(SEC1), None).unwrap();
        assert!(matches!(key, PrivateKeyDer::Sec1(_)));
        let key = parse_private_key(&pem_body(PKCS8_PBES2_AES256), PASS).unwrap();
        assert_eq!(key.secret_der(), pkcs8_der());
    }

    #[test]
    fn encrypted_keys() {
        for pem in [PKCS8_PBES2_AES256, PKCS8_PBE_SHA1_3DES] {
            let key = parse_private_key(pem.as_bytes(), PASS).unwrap();
            assert!(matches!(key, PrivateKeyDer::Pkcs8(_)));
            assert_eq!(key.secret_der(), pkcs8_der());
        }
        let key = parse_private_key(SEC1_AES128.as_bytes(), PASS).unwrap();
        assert!(matches!(key, PrivateKeyDer::Sec1(_)));
        assert_eq!(key.secret_der(), pem_body(SEC1));
    }

    #[test]
    fn wrong_or_missing_passphrase() {
        for pem in [PKCS8_PBES2_AES256, PKCS8_PBE_SHA1_3DES, SEC1_AES128] {
            assert_eq!(code(parse_private_key(pem.as_bytes(), None)), "ERR_OSSL_BAD_DECRYPT");
            assert_eq!(code(parse_private_key(pem.as_bytes(), Some(b"wrong"))), "ERR_OSSL_BAD_DECRYPT");
            assert_eq!(code(parse_private_key(pem.as_bytes(), Some(b""))), "ERR_OSSL_BAD_DECRYPT");
        }
    }

    #[test]
    fn garbage_keys() {
        let e = parse_private_key(b"garbage", None).unwrap_err();
        assert_eq!(e, TlsError::new("ERR_OSSL_UNSUPPORTED", "error:1E08010C:DECODER routines::unsupported"));
        assert_eq!(code(parse_private_key(b"", None)), "ERR_OSSL_UNSUPPORTED");
        assert_eq!(code(parse_private_key(CERT.as_bytes(), None)), "ERR_OSSL_UNSUPPORTED");
        let broken = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(code(parse_private_key(broken.as_bytes(), None)), "ERR_OSSL_UNSUPPORTED");
        let bad_base64 = "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n";
        assert_eq!(code(parse_private_key(bad_base64.as_bytes(), None)), "ERR_OSSL_UNSUPPORTED");
        let unterminated = PKCS8.replace("-----END PRIVATE KEY-----", "");
        assert_eq!(code(parse_private_key(unterminated.as_bytes(), None)), "ERR_OSSL_UNSUPPORTED");
    }

    #[test]
    fn key_after_certificate_and_junk() {
        let input = format!("some text\n{CERT}more text\n{SEC1}");
        let key = parse_private_key(input.as_bytes(), None).unwrap();
        assert_eq!(key.secret_der(), pem_body(SEC1));
    }
}

//! The password-based encryption of PKCS#12 ([RFC 7292] appendix C): its
//! schemes and BMPString passwords; the SHA-1 key derivation is RustCrypto's
//! `pkcs12::kdf`.
//!
//! [RFC 7292]: https://www.rfc-editor.org/rfc/rfc7292#appendix-C

use der::asn1::{ObjectIdentifier, OctetStringRef};
use der::{Reader, SliceReader};

use super::cipher::CbcCipher;
use super::encrypted::EncryptedKeyInfo;
use super::errors::{err, BAD_DECRYPT, EVP_UNSUPPORTED};
use crate::Result;

/// The password-based encryption schemes of PKCS#12 ([RFC 7292] appendix C),
/// which also turn up in `EncryptedPrivateKeyInfo` (`openssl pkcs8 -v1
/// PBE-SHA1-3DES`, old Java and Windows exports).
///
/// [RFC 7292]: https://www.rfc-editor.org/rfc/rfc7292#appendix-C
pub(super) struct Pkcs12Pbe {
    cipher: CbcCipher,
}

impl Pkcs12Pbe {
    // pkcs-12PbeIds; 1.2.840.113549.1.12.1.{1,2} are the RC4 ones.
    const SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
    const SHA1_2DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.4");
    const SHA1_RC2_128: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.5");
    const SHA1_RC2_40: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");

    pub(super) fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        let cipher = match *oid {
            Self::SHA1_3DES => CbcCipher::DesEde3,
            Self::SHA1_2DES => CbcCipher::DesEde2,
            Self::SHA1_RC2_128 => CbcCipher::Rc2 { key_len: 16 },
            Self::SHA1_RC2_40 => CbcCipher::Rc2 { key_len: 5 },
            _ => return None,
        };
        Some(Self { cipher })
    }

    /// `pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }`
    pub(super) fn parameters(der: &[u8]) -> der::Result<(&[u8], u32)> {
        let mut reader = SliceReader::new(der)?;
        let parsed = reader.sequence(|r| -> der::Result<_> {
            let salt: &OctetStringRef = r.decode()?;
            let iterations: u32 = r.decode()?;
            Ok((salt.as_bytes(), iterations))
        })?;
        reader.finish()?;
        Ok(parsed)
    }

    pub(super) fn decrypt(&self, info: &EncryptedKeyInfo<'_>, passphrase: Option<&[u8]>) -> Result<Vec<u8>> {
        let parameters = info.parameters.ok_or_else(|| err(EVP_UNSUPPORTED))?;
        let (salt, iterations) = Self::parameters(parameters).map_err(|_| err(EVP_UNSUPPORTED))?;
        let passphrase = passphrase.ok_or_else(|| err(BAD_DECRYPT))?;
        // OpenSSL 3 reads the passphrase as UTF-8; it fails when it is not.
        let password = bmp_password(passphrase).ok_or_else(|| err(BAD_DECRYPT))?;
        // RFC 7292 appendix B.2 with SHA-1; OpenSSL takes 0 iterations as 1.
        use pkcs12::kdf::{derive_key, Pkcs12KeyType};
        let rounds = i32::try_from(iterations.max(1)).map_err(|_| err(EVP_UNSUPPORTED))?;
        let key =
            derive_key::<sha1::Sha1>(&password, salt, Pkcs12KeyType::EncryptionKey, rounds, self.cipher.key_len());
        let iv = derive_key::<sha1::Sha1>(&password, salt, Pkcs12KeyType::Iv, rounds, self.cipher.iv_len());
        self.cipher.decrypt(&key, &iv, info.data).ok_or_else(|| err(BAD_DECRYPT))
    }
}

/// A password as PKCS#12 feeds it to its KDF: a BMPString (UTF-16BE) with a
/// two-byte NUL terminator ([RFC 7292] appendix B.1).
///
/// [RFC 7292]: https://www.rfc-editor.org/rfc/rfc7292#appendix-B.1
fn bmp_password(passphrase: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(passphrase).ok()?;
    let mut bmp: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    bmp.extend_from_slice(&[0, 0]);
    Some(bmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmp_passwords() {
        assert_eq!(bmp_password(b"").unwrap(), [0, 0]);
        assert_eq!(bmp_password("aé".as_bytes()).unwrap(), [0, b'a', 0, 0xe9, 0, 0]);
        assert!(bmp_password(&[0xff]).is_none());
    }
}

//! OpenSSL's traditional PEM encryption (`Proc-Type: 4,ENCRYPTED`,
//! `DEK-Info`) and its MD5 key derivation.

use super::cipher::CbcCipher;
use super::errors::{err, BAD_DECRYPT, PEM_BAD_IV_CHARS, PEM_UNSUPPORTED_ENCRYPTION};
use crate::Result;

/// OpenSSL's traditional PEM encryption: `DEK-Info: <cipher>,<hex iv>`
/// ([RFC 1421] §4.6.1.3 names the header; the ciphers and key derivation are
/// OpenSSL's own).
///
/// [RFC 1421]: https://www.rfc-editor.org/rfc/rfc1421#section-4.6.1.3
pub(super) struct TraditionalEncryption {
    cipher: CbcCipher,
    iv: Vec<u8>,
}

impl TraditionalEncryption {
    pub(super) fn parse(dek_info: &str) -> Result<Self> {
        let (name, iv) = dek_info.split_once(',').unwrap_or((dek_info, ""));
        let cipher = match name.trim().to_ascii_uppercase().as_str() {
            "DES-EDE3-CBC" => CbcCipher::DesEde3,
            "DES-CBC" => CbcCipher::Des,
            "AES-128-CBC" => CbcCipher::Aes128,
            "AES-192-CBC" => CbcCipher::Aes192,
            "AES-256-CBC" => CbcCipher::Aes256,
            _ => return Err(err(PEM_UNSUPPORTED_ENCRYPTION)),
        };
        let iv = hex_decode(iv.trim()).filter(|iv| iv.len() == cipher.iv_len()).ok_or_else(|| err(PEM_BAD_IV_CHARS))?;
        Ok(Self { cipher, iv })
    }

    pub(super) fn decrypt(&self, data: &[u8], passphrase: &[u8]) -> Result<Vec<u8>> {
        let key = evp_bytes_to_key_md5(passphrase, &self.iv[..8], self.cipher.key_len());
        self.cipher.decrypt(&key, &self.iv, data).ok_or_else(|| err(BAD_DECRYPT))
    }
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one iteration, as PEM encryption
/// uses it: `D_1 = MD5(pass ‖ salt)`, `D_i = MD5(D_{i-1} ‖ pass ‖ salt)`, the
/// key being the first `len` bytes of `D_1 ‖ D_2 ‖ …`. (It is PBKDF1 of
/// [RFC 8018] §5.1 extended past one digest.)
///
/// [RFC 8018]: https://www.rfc-editor.org/rfc/rfc8018#section-5.1
fn evp_bytes_to_key_md5(passphrase: &[u8], salt: &[u8], len: usize) -> Vec<u8> {
    use md5::{Digest, Md5};

    let mut key = Vec::with_capacity(len + 16);
    let mut previous: Option<Vec<u8>> = None;
    while key.len() < len {
        let mut md5 = Md5::new();
        if let Some(previous) = &previous {
            md5.update(previous);
        }
        md5.update(passphrase);
        md5.update(salt);
        let digest = md5.finalize().to_vec();
        key.extend_from_slice(&digest);
        previous = Some(digest);
    }
    key.truncate(len);
    key
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::parse_private_key;
    use crate::keys::test_vectors::*;

    #[test]
    fn traditional_header_errors() {
        let with_dek = |dek: &str| SEC1_AES128.replace("AES-128-CBC,02412F23D2AF862333B4FBEA5473A598", dek);
        let unknown = with_dek("FOO-CBC,02412F23D2AF862333B4FBEA5473A598");
        assert_eq!(code(parse_private_key(unknown.as_bytes(), None)), "ERR_OSSL_PEM_UNSUPPORTED_ENCRYPTION");
        let short_iv = with_dek("AES-128-CBC,0241");
        assert_eq!(code(parse_private_key(short_iv.as_bytes(), PASS)), "ERR_OSSL_PEM_BAD_IV_CHARS");
        let no_dek = SEC1_AES128.replace("DEK-Info: AES-128-CBC,02412F23D2AF862333B4FBEA5473A598\n", "");
        assert_eq!(code(parse_private_key(no_dek.as_bytes(), PASS)), "ERR_OSSL_PEM_NOT_DEK_INFO");
    }

    #[test]
    fn evp_bytes_to_key_matches_openssl() {
        // openssl enc -aes-256-cbc -P -md md5 -S 0102030405060708 -pass pass:hunter2
        let key_and_iv = evp_bytes_to_key_md5(b"hunter2", &[1, 2, 3, 4, 5, 6, 7, 8], 48);
        assert_eq!(
            key_and_iv,
            hex_decode(
                "DD076B4BCD49C33676D8185C3DD67E935D3B7324FF7D8E1074D9734059F0971E\
                 FEB9D83342D7AF5BEAE1FCD7AA9415A6"
            )
            .unwrap()
        );
    }
}

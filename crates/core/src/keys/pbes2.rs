//! PBES2 ([RFC 8018] §6.2): PBKDF2 or scrypt, then a block cipher, as
//! `pkcs5` implements it.
//!
//! [RFC 8018]: https://www.rfc-editor.org/rfc/rfc8018#section-6.2

use der::asn1::ObjectIdentifier;
use der::Decode;

use super::encrypted::EncryptedKeyInfo;
use super::errors::{err, BAD_DECRYPT, EVP_UNSUPPORTED};
use crate::Result;

/// PBES2, [RFC 8018] §6.2.
///
/// [RFC 8018]: https://www.rfc-editor.org/rfc/rfc8018#section-6.2
pub(super) const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");

pub(super) fn decrypt_pbes2(info: &EncryptedKeyInfo<'_>, passphrase: Option<&[u8]>) -> Result<Vec<u8>> {
    use pkcs8::pkcs5::{pbes2, Error as Pkcs5Error};

    let parameters = info.parameters.ok_or_else(|| err(EVP_UNSUPPORTED))?;
    // Fails for PRFs and ciphers pkcs5 does not know, too.
    let parameters = pbes2::Parameters::from_der(parameters).map_err(|_| err(EVP_UNSUPPORTED))?;
    let passphrase = passphrase.ok_or_else(|| err(BAD_DECRYPT))?;
    parameters.decrypt(passphrase, info.data).map_err(|e| match e {
        Pkcs5Error::UnsupportedAlgorithm { .. } | Pkcs5Error::AlgorithmParametersInvalid { .. } => err(EVP_UNSUPPORTED),
        _ => err(BAD_DECRYPT),
    })
}

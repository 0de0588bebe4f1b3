//! Password-encrypted data, `EncryptedPrivateKeyInfo` and PKCS#12 safes
//! alike: the scheme it names, and the limits on the key-derivation work it
//! may ask for.

use der::asn1::{ObjectIdentifier, OctetStringRef};
use der::{Decode, Reader, SliceReader};
use rustls_pki_types::PrivateKeyDer;

use super::errors::{
    err, BAD_DECRYPT, EVP_MEMORY_LIMIT_EXCEEDED, EVP_UNSUPPORTED, INVALID_ITERATION_COUNT, UNSUPPORTED,
};
use super::pbes2::{decrypt_pbes2, PBES2};
use super::pkcs12_pbe::Pkcs12Pbe;
use super::private_key::{typed_key, KeyFormat};
use crate::Result;

/// `EncryptedPrivateKeyInfo` ([RFC 5958] §3), with the algorithm left
/// undecoded so that unknown schemes can be told from garbage.
///
/// ```text
/// EncryptedPrivateKeyInfo ::= SEQUENCE {
///   encryptionAlgorithm  AlgorithmIdentifier,
///   encryptedData        OCTET STRING }
/// ```
///
/// [RFC 5958]: https://www.rfc-editor.org/rfc/rfc5958#section-3
pub(super) struct EncryptedKeyInfo<'a> {
    pub(super) algorithm: ObjectIdentifier,
    /// The DER of the algorithm parameters.
    pub(super) parameters: Option<&'a [u8]>,
    pub(super) data: &'a [u8],
}

impl<'a> EncryptedKeyInfo<'a> {
    pub(super) fn parse(der: &'a [u8]) -> der::Result<Self> {
        let mut reader = SliceReader::new(der)?;
        let info = reader.sequence(|r| -> der::Result<_> {
            let algorithm = r.tlv_bytes()?;
            let data: &OctetStringRef = r.decode()?;
            Self::with_algorithm(algorithm, data.as_bytes())
        })?;
        reader.finish()?;
        Ok(info)
    }

    /// `algorithm`: the DER of an AlgorithmIdentifier; `data`: what it
    /// encrypted (a key, or a PKCS#12 safe).
    pub(super) fn with_algorithm(algorithm: &'a [u8], data: &'a [u8]) -> der::Result<Self> {
        let mut reader = SliceReader::new(algorithm)?;
        let (algorithm, parameters) = reader.sequence(|alg| -> der::Result<_> {
            let oid: ObjectIdentifier = alg.decode()?;
            let parameters = if alg.is_finished() { None } else { Some(alg.tlv_bytes()?) };
            Ok((oid, parameters))
        })?;
        reader.finish()?;
        Ok(EncryptedKeyInfo { algorithm, parameters, data })
    }
}

/// Decrypt an `EncryptedPrivateKeyInfo` into a PKCS#8 key.
pub(super) fn decrypt_pkcs8(der: &[u8], passphrase: Option<&[u8]>) -> Result<PrivateKeyDer<'static>> {
    let info = EncryptedKeyInfo::parse(der).map_err(|_| err(UNSUPPORTED))?;
    let plaintext = decrypt(&info, passphrase)?;
    // Garbage that happens to end in valid padding: a wrong passphrase.
    typed_key(plaintext, KeyFormat::Pkcs8).ok_or_else(|| err(BAD_DECRYPT))
}

/// The plaintext of a password-encrypted key (or PKCS#12 safe).
pub(super) fn decrypt(info: &EncryptedKeyInfo<'_>, passphrase: Option<&[u8]>) -> Result<Vec<u8>> {
    check_kdf_limits(info)?;
    if info.algorithm == PBES2 {
        decrypt_pbes2(info, passphrase)
    } else if let Some(scheme) = Pkcs12Pbe::from_oid(&info.algorithm) {
        scheme.decrypt(info, passphrase)
    } else {
        // PBES1 (MD5/SHA-1 with DES/RC2) is in OpenSSL 3's legacy provider
        // only, so Node refuses it with this error as well.
        Err(err(EVP_UNSUPPORTED))
    }
}

/// The limits on the work a key derivation may ask for (OpenSSL's scrypt
/// memory cap, and ours: ² in the table of [`keys`](super)), checked before
/// any work is done. Parameters that do not parse pass here: decrypting
/// reports them.
pub(super) fn check_kdf_limits(info: &EncryptedKeyInfo<'_>) -> Result<()> {
    use pkcs8::pkcs5::pbes2;

    let Some(parameters) = info.parameters else {
        return Ok(());
    };
    if info.algorithm == PBES2 {
        let Ok(parameters) = pbes2::Parameters::from_der(parameters) else {
            return Ok(());
        };
        match &parameters.kdf {
            pbes2::Kdf::Pbkdf2(pbkdf2) if pbkdf2.iteration_count > MAX_KDF_ITERATIONS => {
                return Err(err(INVALID_ITERATION_COUNT));
            }
            pbes2::Kdf::Scrypt(scrypt) => {
                // N must be a power of two above 1 (RFC 7914 §2). pkcs5
                // checks that, but panics on N = 0.
                if scrypt.cost_parameter < 2 || !scrypt.cost_parameter.is_power_of_two() {
                    return Err(err(EVP_UNSUPPORTED));
                }
                // OpenSSL: B = p·128·r bytes plus V = 128·r·(N + 2) bytes.
                let r = u64::from(scrypt.block_size);
                let memory = u64::from(scrypt.parallelization)
                    .saturating_mul(128 * r)
                    .saturating_add((128 * r).saturating_mul(scrypt.cost_parameter.saturating_add(2)));
                if memory > SCRYPT_MAX_MEMORY || u32::from(scrypt.parallelization) > SCRYPT_MAX_PARALLELIZATION {
                    return Err(err(EVP_MEMORY_LIMIT_EXCEEDED));
                }
            }
            _ => {}
        }
    } else if Pkcs12Pbe::from_oid(&info.algorithm).is_some() {
        if let Ok((_, iterations)) = Pkcs12Pbe::parameters(parameters) {
            if iterations > MAX_KDF_ITERATIONS {
                return Err(err(INVALID_ITERATION_COUNT));
            }
        }
    }
    Ok(())
}

/// OpenSSL's default cap on scrypt memory (`SCRYPT_MAX_MEM`, 32 MiB).
const SCRYPT_MAX_MEMORY: u64 = 32 * 1024 * 1024;
/// The most scrypt passes (`p`) a key may ask for: each pass takes as long
/// as the memory it fills, and 16 × 32 MiB is about a second. (The memory
/// cap alone allows p = 16,000 with N = 2^14, r = 8.) As `p12-keystore`.
const SCRYPT_MAX_PARALLELIZATION: u32 = 16;
/// The most PBKDF2 or PKCS#12 KDF iterations a key may ask for (0.3-0.7 s
/// with SHA-1 to SHA-512). OpenSSL takes any count, even 2^32 - 1, which
/// is hours of work. As `p12-keystore`.
const MAX_KDF_ITERATIONS: u32 = 1_000_000;

#[cfg(test)]
mod tests {
    use crate::keys::parse_private_key;
    use crate::keys::test_vectors::*;

    #[test]
    fn unsupported_pkcs8_scheme() {
        // pbeWithMD5AndDES-CBC (PBES1), salt 8 bytes, 2048 iterations.
        let mut der = vec![0x30, 0x2d, 0x30, 0x1b, 0x06, 0x09];
        der.extend_from_slice(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x03]);
        der.extend_from_slice(&[0x30, 0x0e, 0x04, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x02, 0x08, 0x00]);
        der.extend_from_slice(&[0x04, 0x0e]);
        der.extend_from_slice(&[0u8; 14]);
        assert_eq!(code(parse_private_key(&der, PASS)), "ERR_OSSL_EVP_UNSUPPORTED");
    }

    /// Found while fuzzing `parse_private_key` (fuzz/, target
    /// `private_key`), by feeding it DER with extreme key-derivation
    /// parameters: counts that kept the thread busy for hours, and an
    /// scrypt N that panicked inside pkcs5.
    #[test]
    fn key_derivation_work_is_bounded() {
        use der_build::*;
        let salt = tlv(0x04, b"saltsalt");
        // PBKDF2 with 2^32 - 1 iterations: hours of HMAC before.
        let pbkdf2 = pbes2(PBKDF2, &seq(&[&salt, &int(u64::from(u32::MAX))]));
        let key = encrypted_key(PBES2, &pbkdf2);
        assert_eq!(code(parse_private_key(&key, PASS)), "ERR_OSSL_INVALID_ITERATION_COUNT");
        assert_eq!(code(parse_private_key(&key, None)), "ERR_OSSL_INVALID_ITERATION_COUNT");
        // The PKCS#12 PBE (SHA-1, 3DES) with 2^32 - 1 iterations, likewise.
        let key = encrypted_key(SHA1_3DES, &seq(&[&salt, &int(u64::from(u32::MAX))]));
        assert_eq!(code(parse_private_key(&key, PASS)), "ERR_OSSL_INVALID_ITERATION_COUNT");
        // scrypt within OpenSSL's 32 MiB but with 16,000 passes of 16 MiB.
        let scrypt =
            |n: u64, r: u64, p: u64| encrypted_key(PBES2, &pbes2(SCRYPT, &seq(&[&salt, &int(n), &int(r), &int(p)])));
        assert_eq!(code(parse_private_key(&scrypt(1 << 14, 8, 16_000), PASS)), "ERR_OSSL_EVP_MEMORY_LIMIT_EXCEEDED");
        // scrypt with N = 0: pkcs5 panicked ("should always fit").
        assert_eq!(code(parse_private_key(&scrypt(0, 8, 1), PASS)), "ERR_OSSL_EVP_UNSUPPORTED");
        assert_eq!(code(parse_private_key(&scrypt(3, 8, 1), PASS)), "ERR_OSSL_EVP_UNSUPPORTED");
        // Within the limits, the parameters are used: these decrypt to
        // garbage, which is a wrong passphrase.
        assert_eq!(code(parse_private_key(&scrypt(16, 1, 16), PASS)), "ERR_OSSL_BAD_DECRYPT");
        let key = encrypted_key(PBES2, &pbes2(PBKDF2, &seq(&[&salt, &int(2048)])));
        assert_eq!(code(parse_private_key(&key, PASS)), "ERR_OSSL_BAD_DECRYPT");
        let key = encrypted_key(SHA1_3DES, &seq(&[&salt, &int(2048)]));
        assert_eq!(code(parse_private_key(&key, PASS)), "ERR_OSSL_BAD_DECRYPT");
    }
}

//! Private keys, certificates, CRLs and PKCS#12 from the inputs Node accepts.
//!
//! `tls.createSecureContext` takes `key`, `cert`, `ca`, `crl` and `pfx` as PEM
//! text or buffers. This module turns them into `rustls-pki-types` values.
//! It only decodes; whether rustls can *use* a key (DSA cannot) is decided
//! when the config is built.
//!
//! * **PEM** ([RFC 7468]) is read the way OpenSSL reads it: everything outside
//!   `-----BEGIN x-----` … `-----END x-----` is ignored (comments, `openssl x509
//!   -text` output, junk), blocks with other labels are skipped, and the
//!   [RFC 1421] headers of traditionally encrypted keys are understood.
//! * **Private keys**: PKCS#8 `PRIVATE KEY` ([RFC 5958]), PKCS#1 `RSA PRIVATE
//!   KEY` ([RFC 8017]), SEC1 `EC PRIVATE KEY` ([RFC 5915]), and
//!   - encrypted PKCS#8 `ENCRYPTED PRIVATE KEY` ([RFC 5958] §3) with PBES2
//!     ([RFC 8018] §6.2: PBKDF2 with HMAC-SHA1/SHA-224/256/384/512 or scrypt,
//!     AES-128/192/256-CBC, DES-EDE3-CBC, DES-CBC) or the PKCS#12 PBE schemes
//!     ([RFC 7292] appendix C: SHA-1 with 2/3-key triple DES or RC2);
//!   - traditional OpenSSL encryption: `Proc-Type: 4,ENCRYPTED` and
//!     `DEK-Info: <cipher>,<iv>` with DES-EDE3-CBC, DES-CBC or AES-128/192/256-CBC,
//!     the key being `EVP_BytesToKey(MD5, salt = iv[..8], 1 iteration)`;
//!   - a DER key (any of the above, unencrypted or `EncryptedPrivateKeyInfo`).
//!     Node itself only takes PEM here.
//! * **Certificates**: every `CERTIFICATE`, `X509 CERTIFICATE` and `TRUSTED
//!   CERTIFICATE` block of a bundle, or one DER certificate.
//! * **CRLs**: every `X509 CRL` block, or one DER CRL.
//! * **PKCS#12** ([RFC 7292]) through the `p12-keystore` crate: PBES2/AES
//!   (OpenSSL 3 default), `pbeWithSHAAnd3-KeyTripleDES-CBC` (`-descert`,
//!   OpenSSL 1.x default) and `pbeWithSHAAnd40BitRC2-CBC` (`-legacy`, which
//!   Node 20 refuses without `--openssl-legacy-provider`).
//!
//! - [`pem`]: the lenient PEM reader
//! - [`signed_object`]: the outline of certificates and CRLs
//! - [`private_key`]: PKCS#8, PKCS#1 and SEC1 keys, by label or shape
//! - [`encrypted`]: password-encrypted keys and safes, and the limits on their KDF work
//! - [`pbes2`]: the PBES2 scheme, with PBKDF2 or scrypt
//! - [`pkcs12_pbe`]: the PKCS#12 PBE schemes and KDF
//! - [`legacy_pem`]: OpenSSL's traditional PEM encryption
//! - [`cipher`]: the CBC ciphers of those schemes
//! - [`pfx`]: PKCS#12 files
//! - [`errors`]: the codes and messages of the table below
//!
//! # Errors
//!
//! Codes and messages are the ones Node 20 (OpenSSL 3.0) gives for the same
//! input, except where marked.
//!
//! | input | `code` | `message` |
//! |---|---|---|
//! | key: no key in it (garbage, empty, only other PEM blocks, broken base64 or DER) | `ERR_OSSL_UNSUPPORTED` | `error:1E08010C:DECODER routines::unsupported` |
//! | key: encrypted, passphrase missing or wrong | `ERR_OSSL_BAD_DECRYPT` | `error:1C800064:Provider routines::bad decrypt` |
//! | key: `DEK-Info` names an unknown cipher | `ERR_OSSL_PEM_UNSUPPORTED_ENCRYPTION` | `error:04800072:PEM routines::unsupported encryption` |
//! | key: `DEK-Info` IV not hex or of the wrong length | `ERR_OSSL_PEM_BAD_IV_CHARS` | `error:04800067:PEM routines::bad iv chars` |
//! | key: `Proc-Type: 4,ENCRYPTED` without `DEK-Info` | `ERR_OSSL_PEM_NOT_DEK_INFO` | `error:04800069:PEM routines::not dek info` |
//! | key: encrypted PKCS#8 with PBES1, RC4 or an unknown scheme | `ERR_OSSL_EVP_UNSUPPORTED` | `error:0308010C:digital envelope routines::unsupported` |
//! | key: scrypt asks for more than OpenSSL's 32 MiB | `ERR_OSSL_EVP_MEMORY_LIMIT_EXCEEDED` | `error:030000AC:digital envelope routines::memory limit exceeded` |
//! | key: scrypt parallelization over 16 ² | `ERR_OSSL_EVP_MEMORY_LIMIT_EXCEEDED` | `error:030000AC:digital envelope routines::memory limit exceeded` |
//! | key: more than 1,000,000 KDF iterations ² | `ERR_OSSL_INVALID_ITERATION_COUNT` | `error:1C80007B:Provider routines::invalid iteration count` |
//! | cert: no certificate (garbage, empty, DER that is no certificate) | `ERR_OSSL_PEM_NO_START_LINE` | `error:0480006C:PEM routines::no start line` |
//! | cert: `BEGIN` without its `END` | `ERR_OSSL_PEM_BAD_END_LINE` | `error:04800066:PEM routines::bad end line` |
//! | cert: broken base64 | `ERR_OSSL_PEM_BAD_BASE64_DECODE` | `error:04800064:PEM routines::bad base64 decode` |
//! | cert: DER cut short | `ERR_OSSL_ASN1_TOO_LONG` | `error:0680009B:asn1 encoding routines::too long` |
//! | cert: other malformed DER, trailing bytes | `ERR_OSSL_ASN1_WRONG_TAG` | `error:068000A8:asn1 encoding routines::wrong tag` |
//! | crl: no CRL, or an unreadable one | `ERR_CRYPTO_OPERATION_FAILED` | `Failed to parse CRL` |
//! | pfx: wrong or missing passphrase | `ERR_OSSL_PKCS12_MAC_VERIFY_FAILURE` ¹ | `mac verify failure` |
//! | pfx: empty or cut short | `ERR_OSSL_ASN1_NOT_ENOUGH_DATA` ¹ | `not enough data` |
//! | pfx: not DER at all (text, PEM) | `ERR_OSSL_ASN1_WRONG_TAG` ¹ | `wrong tag` |
//! | pfx: broken inside | `ERR_OSSL_PKCS12_PARSE_ERROR` ¹ | `parse error` |
//! | pfx: MAC fine but a bag does not decrypt (MAC-less file, wrong passphrase) | `ERR_OSSL_BAD_DECRYPT` | `error:1C800064:Provider routines::bad decrypt` |
//! | pfx: cipher or MAC we do not implement (RC4, PBMAC1, …) | `ERR_CRYPTO_UNSUPPORTED_OPERATION` | `Unsupported PKCS12 PFX data` |
//! | pfx: no private key | `ERR_CRYPTO_OPERATION_FAILED` | `Unable to load private key from PFX data` |
//! | pfx: no certificate for the key | `ERR_CRYPTO_OPERATION_FAILED` | `Unable to load certificate from PFX data` |
//!
//! ¹ Node throws these with the message only and no `code`; we add the code
//! OpenSSL names the reason with.
//!
//! ² Our limits, not OpenSSL's (which has none): a key file asking for four
//! billion PBKDF2 iterations, or scrypt with a parallelization of 16,000
//! within its memory cap, would block the thread for hours. The limits are
//! far above what tools write (OpenSSL 2,048 iterations, Java 10,000; scrypt
//! p = 1) and the ones `p12-keystore` applies to PKCS#12 files; the work they
//! allow takes well under a second.
//!
//! [RFC 1421]: https://www.rfc-editor.org/rfc/rfc1421
//! [RFC 5915]: https://www.rfc-editor.org/rfc/rfc5915
//! [RFC 5958]: https://www.rfc-editor.org/rfc/rfc5958
//! [RFC 7292]: https://www.rfc-editor.org/rfc/rfc7292
//! [RFC 7468]: https://www.rfc-editor.org/rfc/rfc7468
//! [RFC 8017]: https://www.rfc-editor.org/rfc/rfc8017
//! [RFC 8018]: https://www.rfc-editor.org/rfc/rfc8018

mod cipher;
mod encrypted;
mod errors;
mod legacy_pem;
mod pbes2;
mod pem;
mod pfx;
mod pkcs12_pbe;
mod private_key;
mod signed_object;
#[cfg(test)]
mod test_vectors;

use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};

use errors::{asn1_error, err, CRL_PARSE, PEM_BAD_BASE64_DECODE, PEM_BAD_END_LINE, PEM_NO_START_LINE, UNSUPPORTED};
use private_key::{der_private_key, pem_private_key, KeyFormat};
use signed_object::{check_signed_object, first_tlv};

use crate::Result;

/// Every certificate in a PEM bundle, or one DER certificate.
///
/// Text and blocks with other labels between the certificates are skipped, as
/// OpenSSL does. For `TRUSTED CERTIFICATE` blocks the OpenSSL trust settings
/// that follow the certificate are dropped.
/// A `cert` option entry: PEM only, as in Node (a DER Buffer is
/// `ERR_OSSL_PEM_NO_START_LINE` there).
pub fn parse_certificates_pem(input: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    if !pem::is_pem(input) {
        return Err(err(PEM_NO_START_LINE));
    }
    parse_certificates(input)
}

/// A `ca` option entry, read as leniently as OpenSSL reads CA files for
/// Node: every certificate up to the first broken block; text, junk, other
/// blocks and an input with no certificate at all are not errors.
pub fn parse_ca_lenient(input: &[u8]) -> Vec<CertificateDer<'static>> {
    let mut certs = Vec::new();
    if !pem::is_pem(input) {
        return certs;
    }
    for block in pem::blocks(input) {
        let pem::Block::Section(section) = block else { break };
        if !matches!(section.label, "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE") {
            continue;
        }
        let Some(der) = section.decode() else { break };
        let der = if section.label == "TRUSTED CERTIFICATE" {
            match first_tlv(&der) {
                Ok(inner) => inner.to_vec(),
                Err(_) => break,
            }
        } else {
            der
        };
        if check_signed_object(&der).is_err() {
            break;
        }
        certs.push(CertificateDer::from(der));
    }
    certs
}

pub fn parse_certificates(input: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    if !pem::is_pem(input) {
        return match check_signed_object(input) {
            Ok(()) => Ok(vec![CertificateDer::from(input.to_vec())]),
            Err(_) => Err(err(PEM_NO_START_LINE)),
        };
    }
    let mut certs = Vec::new();
    for block in pem::blocks(input) {
        let section = match block {
            pem::Block::Section(section) => section,
            pem::Block::Unterminated => return Err(err(PEM_BAD_END_LINE)),
        };
        let trusted = match section.label {
            "CERTIFICATE" | "X509 CERTIFICATE" => false,
            "TRUSTED CERTIFICATE" => true,
            _ => continue,
        };
        let der = section.decode().ok_or_else(|| err(PEM_BAD_BASE64_DECODE))?;
        let der = if trusted { first_tlv(&der).map_err(asn1_error)?.to_vec() } else { der };
        check_signed_object(&der).map_err(asn1_error)?;
        certs.push(CertificateDer::from(der));
    }
    if certs.is_empty() {
        return Err(err(PEM_NO_START_LINE));
    }
    Ok(certs)
}

/// The private key in a PEM input (the first key block; other blocks and text
/// are skipped) or a DER key. `passphrase` decrypts encrypted keys and is
/// ignored for plain ones; an encrypted key without one fails with
/// `ERR_OSSL_BAD_DECRYPT`, as in Node, which never prompts.
///
/// PKCS#1 and SEC1 keys keep their format ([`PrivateKeyDer::Pkcs1`],
/// [`PrivateKeyDer::Sec1`]); everything else comes out as PKCS#8.
pub fn parse_private_key(input: &[u8], passphrase: Option<&[u8]>) -> Result<PrivateKeyDer<'static>> {
    if !pem::is_pem(input) {
        return der_private_key(input, passphrase);
    }
    for block in pem::blocks(input) {
        let pem::Block::Section(section) = block else {
            break;
        };
        let format = match section.label {
            "PRIVATE KEY" => KeyFormat::Pkcs8,
            "RSA PRIVATE KEY" => KeyFormat::Pkcs1,
            "EC PRIVATE KEY" => KeyFormat::Sec1,
            "ENCRYPTED PRIVATE KEY" => KeyFormat::EncryptedPkcs8,
            _ => continue,
        };
        return pem_private_key(&section, format, passphrase);
    }
    Err(err(UNSUPPORTED))
}

/// Every CRL (RFC 5280 `CertificateList`) in a PEM input, or one DER CRL.
pub fn parse_crls(input: &[u8]) -> Result<Vec<CertificateRevocationListDer<'static>>> {
    // Node's `crl` takes PEM only; DER is read too (a CRL fetched from a
    // distribution point is DER).
    if !pem::is_pem(input) {
        check_signed_object(input).map_err(|_| err(CRL_PARSE))?;
        return Ok(vec![CertificateRevocationListDer::from(input.to_vec())]);
    }
    let mut crls = Vec::new();
    for block in pem::blocks(input) {
        let pem::Block::Section(section) = block else {
            return Err(err(CRL_PARSE));
        };
        if section.label != "X509 CRL" {
            continue;
        }
        let der = section.decode().ok_or_else(|| err(CRL_PARSE))?;
        check_signed_object(&der).map_err(|_| err(CRL_PARSE))?;
        crls.push(CertificateRevocationListDer::from(der));
    }
    if crls.is_empty() {
        return Err(err(CRL_PARSE));
    }
    Ok(crls)
}

/// What a PKCS#12 / PFX file holds, sorted the way a TLS endpoint needs it.
#[derive(Debug)]
pub struct Pkcs12Contents {
    /// The (first) private key, PKCS#8.
    pub key: PrivateKeyDer<'static>,
    /// The key's certificate followed by its issuers found in the file, each
    /// certificate issued by the next, up to a self-signed root if present.
    pub chain: Vec<CertificateDer<'static>>,
    /// The file's other certificates, in file order. Node also adds the CA
    /// certificates of `chain` (`chain[1..]`) to the trust store.
    pub ca: Vec<CertificateDer<'static>>,
}

/// Read a PKCS#12 / PFX file ([RFC 7292]).
///
/// Without a passphrase the empty one is used (`openssl pkcs12 -passout
/// pass:`), like OpenSSL's `PKCS12_parse`. The certificate belonging to the
/// key is the one with the same `localKeyId` attribute, or else the one whose
/// public key matches the private key.
///
/// Differences from Node 20: files encrypted with RC2 (`-legacy`) are read;
/// files without a MAC are read even when a passphrase is given (OpenSSL then
/// says `mac absent`); OpenSSL's second try with a *NULL* password (no bytes
/// at all, not even the BMPString terminator; some old exporters) is not made,
/// as `p12-keystore` only takes a `&str`; BER indefinite lengths are refused.
///
/// [RFC 7292]: https://www.rfc-editor.org/rfc/rfc7292
pub fn parse_pkcs12(input: &[u8], passphrase: Option<&[u8]>) -> Result<Pkcs12Contents> {
    pfx::parse(input, passphrase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_vectors::*;
    use crate::TlsError;

    #[test]
    fn certificate_bundle_with_junk() {
        let bundle = format!(
            "# my bundle\nSubject: CN=fixture\n{CERT}\n\r\njunk between\n{PKCS8}{}trailing",
            CERT.replace('\n', "\r\n")
        );
        let certs = parse_certificates(bundle.as_bytes()).unwrap();
        assert_eq!(certs.len(), 2);
        assert_eq!(certs[0].as_ref(), pem_body(CERT));
        assert_eq!(certs[0], certs[1]);
    }

    #[test]
    fn der_and_trusted_certificates() {
        let der = pem_body(CERT);
        assert_eq!(parse_certificates(&der).unwrap()[0].as_ref(), der);

        // TRUSTED CERTIFICATE: the certificate, then OpenSSL's X509_CERT_AUX.
        let mut trusted = der.clone();
        trusted.extend_from_slice(&[0x30, 0x00]);
        let pem = format!(
            "-----BEGIN TRUSTED CERTIFICATE-----\n{}\n-----END TRUSTED CERTIFICATE-----\n",
            base64ct::Base64::encode_string(&trusted)
        );
        use base64ct::Encoding;
        assert_eq!(parse_certificates(pem.as_bytes()).unwrap()[0].as_ref(), der);
    }

    #[test]
    fn certificate_errors() {
        let e = parse_certificates(b"garbage").unwrap_err();
        assert_eq!(e, TlsError::new("ERR_OSSL_PEM_NO_START_LINE", "error:0480006C:PEM routines::no start line"));
        assert_eq!(code(parse_certificates(b"")), "ERR_OSSL_PEM_NO_START_LINE");
        assert_eq!(code(parse_certificates(b"0\x03garbage")), "ERR_OSSL_PEM_NO_START_LINE");
        assert_eq!(code(parse_certificates(PKCS8.as_bytes())), "ERR_OSSL_PEM_NO_START_LINE");

        let unterminated = CERT.replace("-----END CERTIFICATE-----", "");
        assert_eq!(code(parse_certificates(unterminated.as_bytes())), "ERR_OSSL_PEM_BAD_END_LINE");
        let mismatched = CERT.replace("END CERTIFICATE", "END FOO");
        assert_eq!(code(parse_certificates(mismatched.as_bytes())), "ERR_OSSL_PEM_BAD_END_LINE");

        let block = |body: &str| format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
        assert_eq!(code(parse_certificates(block("!!!!").as_bytes())), "ERR_OSSL_PEM_BAD_BASE64_DECODE");
        assert_eq!(code(parse_certificates(block("AAAA").as_bytes())), "ERR_OSSL_ASN1_WRONG_TAG");

        use base64ct::Encoding;
        let der = pem_body(CERT);
        let truncated = base64ct::Base64::encode_string(&der[..200]);
        assert_eq!(code(parse_certificates(block(&truncated).as_bytes())), "ERR_OSSL_ASN1_TOO_LONG");
        let mut trailing = der.clone();
        trailing.extend_from_slice(&[0, 0]);
        let trailing = base64ct::Base64::encode_string(&trailing);
        assert_eq!(code(parse_certificates(block(&trailing).as_bytes())), "ERR_OSSL_ASN1_WRONG_TAG");

        // A broken block after a good one fails the whole bundle, as in Node.
        let bad_second = format!("{CERT}{}", block("AAAA"));
        assert_eq!(code(parse_certificates(bad_second.as_bytes())), "ERR_OSSL_ASN1_WRONG_TAG");
    }

    #[test]
    fn crl_errors() {
        let e = parse_crls(b"garbage").unwrap_err();
        assert_eq!(e, TlsError::new("ERR_CRYPTO_OPERATION_FAILED", "Failed to parse CRL"));
        assert_eq!(code(parse_crls(b"")), "ERR_CRYPTO_OPERATION_FAILED");
        let bad = "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n";
        assert_eq!(code(parse_crls(bad.as_bytes())), "ERR_CRYPTO_OPERATION_FAILED");
    }
}

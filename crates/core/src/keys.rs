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

use der::asn1::{IntRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, ErrorKind, Reader, SliceReader, Tag};
use rustls_pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, PrivatePkcs1KeyDer,
    PrivatePkcs8KeyDer, PrivateSec1KeyDer,
};

use crate::{Result, TlsError};

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

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
        let der = if trusted {
            first_tlv(&der).map_err(asn1_error)?.to_vec()
        } else {
            der
        };
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
pub fn parse_private_key(
    input: &[u8],
    passphrase: Option<&[u8]>,
) -> Result<PrivateKeyDer<'static>> {
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

// ---------------------------------------------------------------------------
// Node's errors
// ---------------------------------------------------------------------------

/// A `(code, message)` pair as Node 20 reports it.
type NodeError = (&'static str, &'static str);

const UNSUPPORTED: NodeError = (
    "ERR_OSSL_UNSUPPORTED",
    "error:1E08010C:DECODER routines::unsupported",
);
const BAD_DECRYPT: NodeError = (
    "ERR_OSSL_BAD_DECRYPT",
    "error:1C800064:Provider routines::bad decrypt",
);
const PEM_UNSUPPORTED_ENCRYPTION: NodeError = (
    "ERR_OSSL_PEM_UNSUPPORTED_ENCRYPTION",
    "error:04800072:PEM routines::unsupported encryption",
);
const PEM_BAD_IV_CHARS: NodeError = (
    "ERR_OSSL_PEM_BAD_IV_CHARS",
    "error:04800067:PEM routines::bad iv chars",
);
const PEM_NOT_DEK_INFO: NodeError = (
    "ERR_OSSL_PEM_NOT_DEK_INFO",
    "error:04800069:PEM routines::not dek info",
);
const EVP_UNSUPPORTED: NodeError = (
    "ERR_OSSL_EVP_UNSUPPORTED",
    "error:0308010C:digital envelope routines::unsupported",
);
const EVP_MEMORY_LIMIT_EXCEEDED: NodeError = (
    "ERR_OSSL_EVP_MEMORY_LIMIT_EXCEEDED",
    "error:030000AC:digital envelope routines::memory limit exceeded",
);
/// OpenSSL's reason for an iteration count its KDFs refuse (zero, or under
/// the FIPS minimum); here also for one over [`MAX_KDF_ITERATIONS`].
const INVALID_ITERATION_COUNT: NodeError = (
    "ERR_OSSL_INVALID_ITERATION_COUNT",
    "error:1C80007B:Provider routines::invalid iteration count",
);
const PEM_NO_START_LINE: NodeError = (
    "ERR_OSSL_PEM_NO_START_LINE",
    "error:0480006C:PEM routines::no start line",
);
const PEM_BAD_END_LINE: NodeError = (
    "ERR_OSSL_PEM_BAD_END_LINE",
    "error:04800066:PEM routines::bad end line",
);
const PEM_BAD_BASE64_DECODE: NodeError = (
    "ERR_OSSL_PEM_BAD_BASE64_DECODE",
    "error:04800064:PEM routines::bad base64 decode",
);
const ASN1_TOO_LONG: NodeError = (
    "ERR_OSSL_ASN1_TOO_LONG",
    "error:0680009B:asn1 encoding routines::too long",
);
const ASN1_WRONG_TAG: NodeError = (
    "ERR_OSSL_ASN1_WRONG_TAG",
    "error:068000A8:asn1 encoding routines::wrong tag",
);
const CRL_PARSE: NodeError = ("ERR_CRYPTO_OPERATION_FAILED", "Failed to parse CRL");
const PKCS12_MAC_VERIFY_FAILURE: NodeError =
    ("ERR_OSSL_PKCS12_MAC_VERIFY_FAILURE", "mac verify failure");
const PKCS12_NOT_ENOUGH_DATA: NodeError = ("ERR_OSSL_ASN1_NOT_ENOUGH_DATA", "not enough data");
const PKCS12_WRONG_TAG: NodeError = ("ERR_OSSL_ASN1_WRONG_TAG", "wrong tag");
const PKCS12_PARSE_ERROR: NodeError = ("ERR_OSSL_PKCS12_PARSE_ERROR", "parse error");
const PKCS12_UNSUPPORTED: NodeError = (
    "ERR_CRYPTO_UNSUPPORTED_OPERATION",
    "Unsupported PKCS12 PFX data",
);
const PKCS12_NO_KEY: NodeError = (
    "ERR_CRYPTO_OPERATION_FAILED",
    "Unable to load private key from PFX data",
);
const PKCS12_NO_CERT: NodeError = (
    "ERR_CRYPTO_OPERATION_FAILED",
    "Unable to load certificate from PFX data",
);

fn err((code, message): NodeError) -> TlsError {
    TlsError::new(code, message)
}

/// OpenSSL's reading of a DER error in a certificate: data cut short is
/// "too long" (the length says more than there is), anything else "wrong tag".
fn asn1_error(e: der::Error) -> TlsError {
    match e.kind() {
        ErrorKind::Incomplete { .. } => err(ASN1_TOO_LONG),
        _ => err(ASN1_WRONG_TAG),
    }
}

// ---------------------------------------------------------------------------
// PEM
// ---------------------------------------------------------------------------

/// A lenient PEM reader ([RFC 7468]) with the [RFC 1421] headers that
/// OpenSSL's traditional key encryption puts after the `BEGIN` line.
///
/// [RFC 1421]: https://www.rfc-editor.org/rfc/rfc1421#section-4.6
/// [RFC 7468]: https://www.rfc-editor.org/rfc/rfc7468
mod pem {
    use base64ct::{Base64, Encoding};

    /// One `-----BEGIN label-----` … `-----END label-----` block.
    pub(super) struct Section<'a> {
        pub label: &'a str,
        /// The `Name: value` header lines that open the block, trimmed.
        pub headers: Vec<(&'a str, &'a str)>,
        /// The base64 lines, trimmed.
        body: Vec<&'a [u8]>,
    }

    pub(super) enum Block<'a> {
        Section(Section<'a>),
        /// A `BEGIN` line whose matching `END` line never came. Nothing after
        /// it can be read, so it is always the last block.
        Unterminated,
    }

    /// Whether `input` has a PEM start line somewhere (OpenSSL ignores
    /// whatever precedes it).
    pub(super) fn is_pem(input: &[u8]) -> bool {
        input.windows(11).any(|w| w == b"-----BEGIN ")
    }

    /// All blocks of `input`, in order.
    pub(super) fn blocks(input: &[u8]) -> Vec<Block<'_>> {
        let mut blocks = Vec::new();
        let mut lines = input.split(|&b| b == b'\n');
        while let Some(line) = lines.next() {
            let Some(label) = boundary(line, "-----BEGIN ") else {
                continue;
            };
            let mut section = Section {
                label,
                headers: Vec::new(),
                body: Vec::new(),
            };
            let mut in_headers = true;
            let mut terminated = false;
            for line in lines.by_ref() {
                if let Some(end) = boundary(line, "-----END ") {
                    terminated = end == label;
                    break;
                }
                let line = line.trim_ascii();
                if in_headers {
                    if let Some(header) = header(line) {
                        section.headers.push(header);
                        continue;
                    }
                    in_headers = false;
                }
                if !line.is_empty() {
                    section.body.push(line);
                }
            }
            if !terminated {
                blocks.push(Block::Unterminated);
                break;
            }
            blocks.push(Block::Section(section));
        }
        blocks
    }

    impl Section<'_> {
        /// The decoded body, or `None` if it is not base64.
        pub fn decode(&self) -> Option<Vec<u8>> {
            let text: Vec<u8> = self
                .body
                .iter()
                .flat_map(|line| line.iter().copied())
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            Base64::decode_vec(std::str::from_utf8(&text).ok()?).ok()
        }

        /// The value of header `name` (case-insensitive), if present.
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        }
    }

    /// The label of an encapsulation boundary line such as
    /// `-----BEGIN CERTIFICATE-----`, `prefix` being `-----BEGIN ` or `-----END `.
    fn boundary<'a>(line: &'a [u8], prefix: &str) -> Option<&'a str> {
        let line = std::str::from_utf8(line.trim_ascii()).ok()?;
        line.strip_prefix(prefix)?.strip_suffix("-----")
    }

    /// An RFC 1421 `Name: value` header line. Base64 never contains `:`.
    fn header(line: &[u8]) -> Option<(&str, &str)> {
        let (name, value) = std::str::from_utf8(line).ok()?.split_once(':')?;
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return None;
        }
        Some((name, value.trim()))
    }
}

// ---------------------------------------------------------------------------
// DER shapes
// ---------------------------------------------------------------------------

/// The first TLV of `der` (trailing bytes allowed).
fn first_tlv(der: &[u8]) -> der::Result<&[u8]> {
    SliceReader::new(der)?.tlv_bytes()
}

/// The outline every signed X.509 object shares, certificate ([RFC 5280]
/// §4.1) and CRL (§5.1) alike: `SEQUENCE { SEQUENCE, AlgorithmIdentifier,
/// BIT STRING }` with nothing after it. webpki checks the rest.
///
/// [RFC 5280]: https://www.rfc-editor.org/rfc/rfc5280
fn check_signed_object(der: &[u8]) -> der::Result<()> {
    let mut reader = SliceReader::new(der)?;
    reader.sequence(|r| -> der::Result<()> {
        expect_tlv(r, Tag::Sequence)?;
        expect_tlv(r, Tag::Sequence)?;
        expect_tlv(r, Tag::BitString)?;
        Ok(())
    })?;
    reader.finish()
}

/// Skip one TLV, which must carry `tag`.
fn expect_tlv<'a>(reader: &mut SliceReader<'a>, tag: Tag) -> der::Result<&'a [u8]> {
    let found = Tag::peek(reader)?;
    found.assert_eq(tag)?;
    reader.tlv_bytes()
}

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

// ---------------------------------------------------------------------------
// Private keys
// ---------------------------------------------------------------------------

/// What a key block's label says it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyFormat {
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
fn typed_key(der: Vec<u8>, format: KeyFormat) -> Option<PrivateKeyDer<'static>> {
    if !has_shape(&der, format) {
        return None;
    }
    Some(match format {
        KeyFormat::Pkcs1 => PrivatePkcs1KeyDer::from(der).into(),
        KeyFormat::Sec1 => PrivateSec1KeyDer::from(der).into(),
        _ => PrivatePkcs8KeyDer::from(der).into(),
    })
}

fn pem_private_key(
    section: &pem::Section<'_>,
    format: KeyFormat,
    passphrase: Option<&[u8]>,
) -> Result<PrivateKeyDer<'static>> {
    let encrypted = section
        .header("Proc-Type")
        .is_some_and(|v| v.to_ascii_uppercase().contains("ENCRYPTED"));
    if encrypted {
        let dek_info = section
            .header("DEK-Info")
            .ok_or_else(|| err(PEM_NOT_DEK_INFO))?;
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
fn der_private_key(der: &[u8], passphrase: Option<&[u8]>) -> Result<PrivateKeyDer<'static>> {
    let plain = [KeyFormat::Pkcs8, KeyFormat::Pkcs1, KeyFormat::Sec1]
        .into_iter()
        .find(|f| has_shape(der, *f));
    if let Some(format) = plain {
        return typed_key(der.to_vec(), format).ok_or_else(|| err(UNSUPPORTED));
    }
    if EncryptedKeyInfo::parse(der).is_ok() {
        return decrypt_pkcs8(der, passphrase);
    }
    Err(err(UNSUPPORTED))
}

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
struct EncryptedKeyInfo<'a> {
    algorithm: ObjectIdentifier,
    /// The DER of the algorithm parameters.
    parameters: Option<&'a [u8]>,
    data: &'a [u8],
}

impl<'a> EncryptedKeyInfo<'a> {
    fn parse(der: &'a [u8]) -> der::Result<Self> {
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
    fn with_algorithm(algorithm: &'a [u8], data: &'a [u8]) -> der::Result<Self> {
        let mut reader = SliceReader::new(algorithm)?;
        let (algorithm, parameters) = reader.sequence(|alg| -> der::Result<_> {
            let oid: ObjectIdentifier = alg.decode()?;
            let parameters = if alg.is_finished() {
                None
            } else {
                Some(alg.tlv_bytes()?)
            };
            Ok((oid, parameters))
        })?;
        reader.finish()?;
        Ok(EncryptedKeyInfo {
            algorithm,
            parameters,
            data,
        })
    }
}

/// PBES2, [RFC 8018] §6.2.
///
/// [RFC 8018]: https://www.rfc-editor.org/rfc/rfc8018#section-6.2
const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");

/// Decrypt an `EncryptedPrivateKeyInfo` into a PKCS#8 key.
fn decrypt_pkcs8(der: &[u8], passphrase: Option<&[u8]>) -> Result<PrivateKeyDer<'static>> {
    let info = EncryptedKeyInfo::parse(der).map_err(|_| err(UNSUPPORTED))?;
    let plaintext = decrypt(&info, passphrase)?;
    // Garbage that happens to end in valid padding: a wrong passphrase.
    typed_key(plaintext, KeyFormat::Pkcs8).ok_or_else(|| err(BAD_DECRYPT))
}

/// The plaintext of a password-encrypted key (or PKCS#12 safe).
fn decrypt(info: &EncryptedKeyInfo<'_>, passphrase: Option<&[u8]>) -> Result<Vec<u8>> {
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
/// memory cap, and ours: ² in the table above), checked before any work is
/// done. Parameters that do not parse pass here: decrypting reports them.
fn check_kdf_limits(info: &EncryptedKeyInfo<'_>) -> Result<()> {
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

fn decrypt_pbes2(info: &EncryptedKeyInfo<'_>, passphrase: Option<&[u8]>) -> Result<Vec<u8>> {
    use pkcs8::pkcs5::{pbes2, Error as Pkcs5Error};

    let parameters = info.parameters.ok_or_else(|| err(EVP_UNSUPPORTED))?;
    // Fails for PRFs and ciphers pkcs5 does not know, too.
    let parameters = pbes2::Parameters::from_der(parameters).map_err(|_| err(EVP_UNSUPPORTED))?;
    let passphrase = passphrase.ok_or_else(|| err(BAD_DECRYPT))?;
    parameters
        .decrypt(passphrase, info.data)
        .map_err(|e| match e {
            Pkcs5Error::UnsupportedAlgorithm { .. }
            | Pkcs5Error::AlgorithmParametersInvalid { .. } => err(EVP_UNSUPPORTED),
            _ => err(BAD_DECRYPT),
        })
}

// ---------------------------------------------------------------------------
// Ciphers
// ---------------------------------------------------------------------------

/// The CBC ciphers keys get encrypted with, all with PKCS#7 padding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CbcCipher {
    Des,
    DesEde2,
    DesEde3,
    Aes128,
    Aes192,
    Aes256,
    /// RC2 with an effective key length of 8 × the key length.
    Rc2 {
        key_len: usize,
    },
}

impl CbcCipher {
    fn key_len(self) -> usize {
        match self {
            Self::Des => 8,
            Self::DesEde2 | Self::Aes128 => 16,
            Self::DesEde3 | Self::Aes192 => 24,
            Self::Aes256 => 32,
            Self::Rc2 { key_len } => key_len,
        }
    }

    fn iv_len(self) -> usize {
        match self {
            Self::Aes128 | Self::Aes192 | Self::Aes256 => 16,
            _ => 8,
        }
    }

    /// Decrypt and unpad; `None` if the padding is wrong (wrong key).
    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::Des => cbc_decrypt::<des::Des>(key, iv, data),
            Self::DesEde2 => cbc_decrypt::<des::TdesEde2>(key, iv, data),
            Self::DesEde3 => cbc_decrypt::<des::TdesEde3>(key, iv, data),
            Self::Aes128 => cbc_decrypt::<aes::Aes128>(key, iv, data),
            Self::Aes192 => cbc_decrypt::<aes::Aes192>(key, iv, data),
            Self::Aes256 => cbc_decrypt::<aes::Aes256>(key, iv, data),
            Self::Rc2 { .. } => cbc_decrypt::<rc2::Rc2>(key, iv, data),
        }
    }
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>>
where
    C: cbc::cipher::BlockCipherDecrypt + cbc::cipher::KeyInit,
{
    use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};

    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    let mut buffer = data.to_vec();
    let len = decryptor.decrypt_padded::<Pkcs7>(&mut buffer).ok()?.len();
    buffer.truncate(len);
    Some(buffer)
}

/// OpenSSL's traditional PEM encryption: `DEK-Info: <cipher>,<hex iv>`
/// ([RFC 1421] §4.6.1.3 names the header; the ciphers and key derivation are
/// OpenSSL's own).
///
/// [RFC 1421]: https://www.rfc-editor.org/rfc/rfc1421#section-4.6.1.3
struct TraditionalEncryption {
    cipher: CbcCipher,
    iv: Vec<u8>,
}

impl TraditionalEncryption {
    fn parse(dek_info: &str) -> Result<Self> {
        let (name, iv) = dek_info.split_once(',').unwrap_or((dek_info, ""));
        let cipher = match name.trim().to_ascii_uppercase().as_str() {
            "DES-EDE3-CBC" => CbcCipher::DesEde3,
            "DES-CBC" => CbcCipher::Des,
            "AES-128-CBC" => CbcCipher::Aes128,
            "AES-192-CBC" => CbcCipher::Aes192,
            "AES-256-CBC" => CbcCipher::Aes256,
            _ => return Err(err(PEM_UNSUPPORTED_ENCRYPTION)),
        };
        let iv = hex_decode(iv.trim())
            .filter(|iv| iv.len() == cipher.iv_len())
            .ok_or_else(|| err(PEM_BAD_IV_CHARS))?;
        Ok(Self { cipher, iv })
    }

    fn decrypt(&self, data: &[u8], passphrase: &[u8]) -> Result<Vec<u8>> {
        let key = evp_bytes_to_key_md5(passphrase, &self.iv[..8], self.cipher.key_len());
        self.cipher
            .decrypt(&key, &self.iv, data)
            .ok_or_else(|| err(BAD_DECRYPT))
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
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The password-based encryption schemes of PKCS#12 ([RFC 7292] appendix C),
/// which also turn up in `EncryptedPrivateKeyInfo` (`openssl pkcs8 -v1
/// PBE-SHA1-3DES`, old Java and Windows exports).
///
/// [RFC 7292]: https://www.rfc-editor.org/rfc/rfc7292#appendix-C
struct Pkcs12Pbe {
    cipher: CbcCipher,
}

impl Pkcs12Pbe {
    // pkcs-12PbeIds; 1.2.840.113549.1.12.1.{1,2} are the RC4 ones.
    const SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
    const SHA1_2DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.4");
    const SHA1_RC2_128: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.5");
    const SHA1_RC2_40: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");

    fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
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
    fn parameters(der: &[u8]) -> der::Result<(&[u8], u32)> {
        let mut reader = SliceReader::new(der)?;
        let parsed = reader.sequence(|r| -> der::Result<_> {
            let salt: &OctetStringRef = r.decode()?;
            let iterations: u32 = r.decode()?;
            Ok((salt.as_bytes(), iterations))
        })?;
        reader.finish()?;
        Ok(parsed)
    }

    fn decrypt(&self, info: &EncryptedKeyInfo<'_>, passphrase: Option<&[u8]>) -> Result<Vec<u8>> {
        let parameters = info.parameters.ok_or_else(|| err(EVP_UNSUPPORTED))?;
        let (salt, iterations) = Self::parameters(parameters).map_err(|_| err(EVP_UNSUPPORTED))?;
        let passphrase = passphrase.ok_or_else(|| err(BAD_DECRYPT))?;
        // OpenSSL 3 reads the passphrase as UTF-8; it fails when it is not.
        let password = bmp_password(passphrase).ok_or_else(|| err(BAD_DECRYPT))?;
        let key = pkcs12_kdf(
            &password,
            salt,
            Pkcs12KdfId::Key,
            iterations,
            self.cipher.key_len(),
        );
        let iv = pkcs12_kdf(
            &password,
            salt,
            Pkcs12KdfId::Iv,
            iterations,
            self.cipher.iv_len(),
        );
        self.cipher
            .decrypt(&key, &iv, info.data)
            .ok_or_else(|| err(BAD_DECRYPT))
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

/// The `ID` byte of the PKCS#12 KDF: which of the key material is derived.
#[derive(Clone, Copy)]
enum Pkcs12KdfId {
    Key = 1,
    Iv = 2,
}

/// The PKCS#12 key derivation of [RFC 7292] appendix B.2 with SHA-1
/// (`u` = 20, `v` = 64 bytes).
///
/// [RFC 7292]: https://www.rfc-editor.org/rfc/rfc7292#appendix-B.2
fn pkcs12_kdf(
    password: &[u8],
    salt: &[u8],
    id: Pkcs12KdfId,
    iterations: u32,
    len: usize,
) -> Vec<u8> {
    use sha1::{Digest, Sha1};
    const U: usize = 20;
    const V: usize = 64;

    // Steps 1-4: D = v copies of ID; I = S ‖ P, salt and password each
    // repeated to a multiple of v bytes.
    let diversifier = [id as u8; V];
    let repeat = |s: &[u8]| -> Vec<u8> {
        if s.is_empty() {
            return Vec::new();
        }
        (0..V * s.len().div_ceil(V))
            .map(|i| s[i % s.len()])
            .collect()
    };
    let mut input = repeat(salt);
    input.extend(repeat(password));

    let mut out = Vec::with_capacity(len + U);
    loop {
        // Step 6a: A = H^r(D ‖ I).
        let mut a = Sha1::new()
            .chain_update(diversifier)
            .chain_update(&input)
            .finalize();
        for _ in 1..iterations.max(1) {
            a = Sha1::digest(a);
        }
        out.extend_from_slice(&a);
        if out.len() >= len {
            out.truncate(len);
            return out;
        }
        // Steps 6b-c: B = A repeated to v bytes; each v-byte block I_j of I
        // becomes (I_j + B + 1) mod 2^(8v).
        let b: Vec<u8> = (0..V).map(|k| a[k % U]).collect();
        for block in input.chunks_mut(V) {
            let mut carry = 1u16;
            for k in (0..V).rev() {
                let sum = u16::from(block[k]) + u16::from(b[k]) + carry;
                block[k] = sum as u8;
                carry = sum >> 8;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// PKCS#12
// ---------------------------------------------------------------------------

mod pfx {
    use p12_keystore::error::Error as P12Error;
    use p12_keystore::Pkcs12Archive;

    use super::*;

    pub(super) fn parse(input: &[u8], passphrase: Option<&[u8]>) -> Result<Pkcs12Contents> {
        check_outer_tlv(input)?;
        // PKCS12_parse in OpenSSL 3 takes the passphrase as UTF-8; a byte
        // string that is not cannot produce the MAC.
        let password = match passphrase {
            None => "",
            Some(p) => std::str::from_utf8(p).map_err(|_| err(PKCS12_MAC_VERIFY_FAILURE))?,
        };
        check_kdf_limits_within(input, password.as_bytes(), 0)?;
        let archive = Pkcs12Archive::from_pkcs12(input, password).map_err(map_error)?;

        let key_bag = archive.keys.first().ok_or_else(|| err(PKCS12_NO_KEY))?;
        let key = PrivateKeyDer::from(PrivatePkcs8KeyDer::from(key_bag.key.as_der().to_vec()));

        let certs: Vec<BagCert<'_>> = archive
            .certs
            .iter()
            .map(|bag| BagCert::new(bag.cert.as_der(), bag.local_key_id.as_deref()))
            .collect();
        let key_id = key_bag.local_key_id.as_ref().map(|id| id.as_ref());
        let leaf = certs
            .iter()
            .position(|c| key_id.is_some() && c.local_key_id == key_id)
            .or_else(|| {
                let spki = public_key_of(&key)?;
                certs.iter().position(|c| c.spki.as_ref() == Some(&spki))
            })
            .ok_or_else(|| err(PKCS12_NO_CERT))?;

        // Walk up from the leaf: the next link is a certificate whose subject
        // is the current one's issuer, until a self-issued one.
        let mut in_chain = vec![leaf];
        let mut current = leaf;
        while !certs[current].is_self_issued() {
            let issuer = &certs[current].issuer;
            let next = (0..certs.len()).find(|i| {
                !in_chain.contains(i) && issuer.is_some() && certs[*i].subject == *issuer
            });
            let Some(next) = next else { break };
            in_chain.push(next);
            current = next;
        }

        let to_der = |i: &usize| CertificateDer::from(certs[*i].der.to_vec());
        Ok(Pkcs12Contents {
            key,
            chain: in_chain.iter().map(to_der).collect(),
            ca: (0..certs.len())
                .filter(|i| !in_chain.contains(i))
                .map(|i| to_der(&i))
                .collect(),
        })
    }

    /// A certificate bag's certificate with the names chaining needs.
    struct BagCert<'a> {
        der: &'a [u8],
        local_key_id: Option<&'a [u8]>,
        subject: Option<Vec<u8>>,
        issuer: Option<Vec<u8>>,
        spki: Option<Vec<u8>>,
    }

    impl<'a> BagCert<'a> {
        fn new(der: &'a [u8], local_key_id: Option<&'a [u8]>) -> Self {
            match x509_parser::parse_x509_certificate(der) {
                Ok((_, cert)) => Self {
                    der,
                    local_key_id,
                    subject: Some(cert.subject().as_raw().to_vec()),
                    issuer: Some(cert.issuer().as_raw().to_vec()),
                    spki: Some(cert.public_key().raw.to_vec()),
                },
                Err(_) => Self {
                    der,
                    local_key_id,
                    subject: None,
                    issuer: None,
                    spki: None,
                },
            }
        }

        fn is_self_issued(&self) -> bool {
            self.subject.is_none() || self.subject == self.issuer
        }
    }

    /// The `SubjectPublicKeyInfo` of a private key, as the aws-lc provider
    /// derives it.
    fn public_key_of(key: &PrivateKeyDer<'_>) -> Option<Vec<u8>> {
        let signing_key = rustls::crypto::aws_lc_rs::sign::any_supported_type(key).ok()?;
        Some(signing_key.public_key()?.as_ref().to_vec())
    }

    /// Holds every encrypted part of a PFX to the limits of encrypted keys
    /// ([`check_kdf_limits`]) before p12-keystore decrypts anything: it
    /// lets scrypt take 1 GiB (OpenSSL: 32 MiB), so a 200-byte file
    /// without a MAC made it allocate 1 GiB; and it panics (in pkcs5) on an
    /// scrypt N of 0. Key bags are checked by their parameters; encrypted
    /// safes also by what they hold, which is decrypted here for that (with
    /// the same passphrase; if that fails, p12-keystore will say so).
    fn check_kdf_limits_within(der: &[u8], passphrase: &[u8], depth: usize) -> Result<()> {
        use der::Tagged;
        // PFX > safe > bag > nested safe... (encrypted content nests deeper)
        const MAX_DEPTH: usize = 16;
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let Ok(mut reader) = SliceReader::new(der) else {
            return Ok(());
        };
        while !reader.is_finished() {
            let Ok(encoded) = reader.tlv_bytes() else {
                return Ok(());
            };
            let Ok(tlv) = der::asn1::AnyRef::from_der(encoded) else {
                return Ok(());
            };
            if let Ok(info) = EncryptedKeyInfo::parse(encoded) {
                // pkcs8ShroudedKeyBag (or anything of its shape)
                check_kdf_limits(&info)?;
            } else if let Some(info) = encrypted_content_info(tlv) {
                check_kdf_limits(&info)?;
                if let Ok(plaintext) = decrypt(&info, Some(passphrase)) {
                    check_kdf_limits_within(&plaintext, passphrase, depth + 1)?;
                }
            } else if tlv.tag().is_constructed() || tlv.tag() == Tag::OctetString {
                // SEQUENCEs, explicit tags, and OCTET STRINGs that hold DER
                // (a ContentInfo's data)
                check_kdf_limits_within(tlv.value(), passphrase, depth + 1)?;
            }
        }
        Ok(())
    }

    /// RFC 5652 §6.1 `EncryptedContentInfo ::= SEQUENCE { contentType,
    /// contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OCTET
    /// STRING OPTIONAL }`, with its content.
    fn encrypted_content_info(tlv: der::asn1::AnyRef<'_>) -> Option<EncryptedKeyInfo<'_>> {
        use der::Tagged;
        if tlv.tag() != Tag::Sequence {
            return None;
        }
        let mut reader = SliceReader::new(tlv.value()).ok()?;
        let _content_type: ObjectIdentifier = reader.decode().ok()?;
        let algorithm = reader.tlv_bytes().ok()?;
        let content: der::asn1::AnyRef<'_> = reader.decode().ok()?;
        let implicit_octets = Tag::ContextSpecific { constructed: false, number: der::TagNumber(0) };
        if content.tag() != implicit_octets || !reader.is_finished() {
            return None;
        }
        EncryptedKeyInfo::with_algorithm(algorithm, content.value()).ok()
    }

    /// OpenSSL's `d2i_PKCS12` looks at the outer TLV first: a length running
    /// past the end is "not enough data", any tag but SEQUENCE "wrong tag".
    /// (Read by hand: the tag may be one `der` refuses to decode.)
    fn check_outer_tlv(input: &[u8]) -> Result<()> {
        let not_enough_data = || err(PKCS12_NOT_ENOUGH_DATA);
        let (&tag, rest) = input.split_first().ok_or_else(not_enough_data)?;
        let (&first, mut rest) = rest.split_first().ok_or_else(not_enough_data)?;
        let length = if first < 0x80 {
            usize::from(first)
        } else {
            // Long form; 0x80 (indefinite, BER) counts as length 0 here.
            let count = usize::from(first & 0x7f);
            if count > rest.len() || count > std::mem::size_of::<usize>() {
                return Err(not_enough_data());
            }
            let (bytes, after) = rest.split_at(count);
            rest = after;
            bytes.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b))
        };
        if length > rest.len() {
            return Err(not_enough_data());
        }
        if tag != 0x30 {
            return Err(err(PKCS12_WRONG_TAG));
        }
        Ok(())
    }

    fn map_error(e: P12Error) -> TlsError {
        match e {
            P12Error::MacError(_) => err(PKCS12_MAC_VERIFY_FAILURE),
            // A bag that does not decrypt although the MAC (if any) did.
            P12Error::UnpadError | P12Error::InvalidPrivateKey => err(BAD_DECRYPT),
            P12Error::Pkcs5Error(message) if message.contains("unsupported") => {
                err(PKCS12_UNSUPPORTED)
            }
            P12Error::Pkcs5Error(_) => err(BAD_DECRYPT),
            P12Error::UnsupportedEncryptionScheme
            | P12Error::UnsupportedMacAlgorithm
            | P12Error::InvalidParameters => err(PKCS12_UNSUPPORTED),
            _ => err(PKCS12_PARSE_ERROR),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A P-256 key and a self-signed certificate for it, made with OpenSSL 3:
    //   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256
    //   openssl ec -aes128 / openssl pkcs8 -topk8 -v2 aes-256-cbc / -v1 PBE-SHA1-3DES
    // All encrypted ones with the passphrase "hunter2".
    const PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIKGEX6/okPzY0Axv
BUaME8jJx+oYulfux+t7suDjVmmhRANCAARb3KcieoxlDUyUzbnSO0pZEoY8fpGH
sdazVmnibnJ9yL1A2fUqnh5yIW3+5E8DVI1tRDc9qdCrziYpapIwSEQF
-----END PRIVATE KEY-----
";
    const SEC1: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEICChhF+v6JD82NAMbwVGjBPIycfqGLpX7sfre7Lg41ZpoAoGCCqGSM49
AwEHoUQDQgAEW9ynInqMZQ1MlM250jtKWRKGPH6Rh7HWs1Zp4m5yfci9QNn1Kp4e
ciFt/uRPA1SNbUQ3PanQq84mKWqSMEhEBQ==
-----END EC PRIVATE KEY-----
";
    const SEC1_AES128: &str = "-----BEGIN EC PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-128-CBC,02412F23D2AF862333B4FBEA5473A598

Lt8IOTbEkws9PD4HU56YWdel8N8kk8+h588lFNyr6fqF4p8RoskwQtTXkkS6VXYK
Op6k9Wwwz5zYpo9H9z5htQ+7XVP+PjxDfSJ6kJ/AWY4p05APfxRbl/g2/gLlsEDa
0j+X8mErE7u0DDDkQgv8T45+gUV4huZGwKHlQn7oytY=
-----END EC PRIVATE KEY-----
";
    const PKCS8_PBES2_AES256: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgnqrW43VRCMAICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEOxXStRZxEQlJm5VocDOZvYEgZBg
anA1X+O8uXdWrY0yB0wNfZ72MbO4dV19umMT54fV94kuwspvoBjG0vtU2wuDi7TI
W93Vd68UOSM3Crhy1YDwUeKU4pAxMEgFNwfZtS/LuuAHOf1pNPiUldXG+kl0NUkw
f5NfoBVRG1ZHTdxdru/rKwzfPWO4UNq6kmYqnFFyjhOvxK9GSc1NWhhA7bJpMJg=
-----END ENCRYPTED PRIVATE KEY-----
";
    const PKCS8_PBE_SHA1_3DES: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIGxMBwGCiqGSIb3DQEMAQMwDgQIdoQIZcJPGN0CAggABIGQh7/Y7YTgqGEgiVLC
dhPTWUSL2ecF5BP/Wd2Y8blv15dFhkvavEERCeu/A5yX3Yl+4iVNJe0NBSVnAb+v
Z2BrtK340DcczV9W3CwbpS0mijHIBx/NymFyXJS6Y5OZFnZ7RH6I5wHE284+cxLF
JOr7iZDlgE9gv50mlk4y+rsZa07n/UnLOMc57lmdiq8CrKL0
-----END ENCRYPTED PRIVATE KEY-----
";
    const CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBejCCAR+gAwIBAgIUQ74tJUCbOhbGA0j5wqH+TrTKpB4wCgYIKoZIzj0EAwIw
EjEQMA4GA1UEAwwHZml4dHVyZTAeFw0yNjExMjcwODQ4MDVaFw0zNjExMjQwODQ4
MDVaMBIxEDAOBgNVBAMMB2ZpeHR1cmUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AARb3KcieoxlDUyUzbnSO0pZEoY8fpGHsdazVmnibnJ9yL1A2fUqnh5yIW3+5E8D
VI1tRDc9qdCrziYpapIwSEQFo1MwUTAdBgNVHQ4EFgQUsXILHCZZ4vbI5gdkI8ZD
ToU8QLQwHwYDVR0jBBgwFoAUsXILHCZZ4vbI5gdkI8ZDToU8QLQwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAhShApw6TDUECV8w7Cfe8lRkkF4Fg
Kz9AjH2k+rLFb3ECIQDP3hyN2n31AsNiiZvUXkyc7UnwNECKnPAEYfctcyHXng==
-----END CERTIFICATE-----
";
    const PASS: Option<&[u8]> = Some(b"hunter2");

    fn code<T: std::fmt::Debug>(result: Result<T>) -> &'static str {
        result.expect_err("expected an error").code
    }

    fn pem_body(pem: &str) -> Vec<u8> {
        let pem::Block::Section(section) = pem::blocks(pem.as_bytes()).remove(0) else {
            panic!()
        };
        section.decode().unwrap()
    }

    fn pkcs8_der() -> Vec<u8> {
        pem_body(PKCS8)
    }

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
            assert_eq!(
                code(parse_private_key(pem.as_bytes(), None)),
                "ERR_OSSL_BAD_DECRYPT"
            );
            assert_eq!(
                code(parse_private_key(pem.as_bytes(), Some(b"wrong"))),
                "ERR_OSSL_BAD_DECRYPT"
            );
            assert_eq!(
                code(parse_private_key(pem.as_bytes(), Some(b""))),
                "ERR_OSSL_BAD_DECRYPT"
            );
        }
    }

    #[test]
    fn garbage_keys() {
        let e = parse_private_key(b"garbage", None).unwrap_err();
        assert_eq!(
            e,
            TlsError::new(
                "ERR_OSSL_UNSUPPORTED",
                "error:1E08010C:DECODER routines::unsupported"
            )
        );
        assert_eq!(code(parse_private_key(b"", None)), "ERR_OSSL_UNSUPPORTED");
        assert_eq!(
            code(parse_private_key(CERT.as_bytes(), None)),
            "ERR_OSSL_UNSUPPORTED"
        );
        let broken = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(
            code(parse_private_key(broken.as_bytes(), None)),
            "ERR_OSSL_UNSUPPORTED"
        );
        let bad_base64 = "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n";
        assert_eq!(
            code(parse_private_key(bad_base64.as_bytes(), None)),
            "ERR_OSSL_UNSUPPORTED"
        );
        let unterminated = PKCS8.replace("-----END PRIVATE KEY-----", "");
        assert_eq!(
            code(parse_private_key(unterminated.as_bytes(), None)),
            "ERR_OSSL_UNSUPPORTED"
        );
    }

    #[test]
    fn key_after_certificate_and_junk() {
        let input = format!("some text\n{CERT}more text\n{SEC1}");
        let key = parse_private_key(input.as_bytes(), None).unwrap();
        assert_eq!(key.secret_der(), pem_body(SEC1));
    }

    #[test]
    fn traditional_header_errors() {
        let with_dek =
            |dek: &str| SEC1_AES128.replace("AES-128-CBC,02412F23D2AF862333B4FBEA5473A598", dek);
        let unknown = with_dek("FOO-CBC,02412F23D2AF862333B4FBEA5473A598");
        assert_eq!(
            code(parse_private_key(unknown.as_bytes(), None)),
            "ERR_OSSL_PEM_UNSUPPORTED_ENCRYPTION"
        );
        let short_iv = with_dek("AES-128-CBC,0241");
        assert_eq!(
            code(parse_private_key(short_iv.as_bytes(), PASS)),
            "ERR_OSSL_PEM_BAD_IV_CHARS"
        );
        let no_dek = SEC1_AES128.replace(
            "DEK-Info: AES-128-CBC,02412F23D2AF862333B4FBEA5473A598\n",
            "",
        );
        assert_eq!(
            code(parse_private_key(no_dek.as_bytes(), PASS)),
            "ERR_OSSL_PEM_NOT_DEK_INFO"
        );
    }

    #[test]
    fn unsupported_pkcs8_scheme() {
        // pbeWithMD5AndDES-CBC (PBES1), salt 8 bytes, 2048 iterations.
        let mut der = vec![0x30, 0x2d, 0x30, 0x1b, 0x06, 0x09];
        der.extend_from_slice(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x03]);
        der.extend_from_slice(&[
            0x30, 0x0e, 0x04, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x02, 0x08, 0x00,
        ]);
        der.extend_from_slice(&[0x04, 0x0e]);
        der.extend_from_slice(&[0u8; 14]);
        assert_eq!(
            code(parse_private_key(&der, PASS)),
            "ERR_OSSL_EVP_UNSUPPORTED"
        );
    }

    /// DER for the key-derivation tests below.
    mod der_build {
        pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
            let mut out = vec![tag];
            match content.len() {
                n if n < 0x80 => out.push(n as u8),
                n if n < 0x100 => out.extend_from_slice(&[0x81, n as u8]),
                n => out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]),
            }
            out.extend_from_slice(content);
            out
        }
        pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
            tlv(0x30, &parts.concat())
        }
        pub fn int(n: u64) -> Vec<u8> {
            let bytes = n.to_be_bytes();
            let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
            let mut content = bytes[skip..].to_vec();
            if content[0] & 0x80 != 0 {
                content.insert(0, 0);
            }
            tlv(0x02, &content)
        }
        /// An EncryptedPrivateKeyInfo: `algorithm` (OID contents) with
        /// `parameters`, and 32 bytes that never get decrypted.
        pub fn encrypted_key(algorithm: &[u8], parameters: &[u8]) -> Vec<u8> {
            seq(&[&seq(&[&tlv(0x06, algorithm), parameters]), &tlv(0x04, &[0; 32])])
        }
        pub const PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
        pub const PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
        pub const SCRYPT: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];
        pub const AES128_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02];
        pub const SHA1_3DES: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03];
        /// PBES2 parameters around the key derivation function `kdf`
        /// (OID contents) with `kdf_parameters`, and AES-128-CBC.
        pub fn pbes2(kdf: &[u8], kdf_parameters: &[u8]) -> Vec<u8> {
            seq(&[
                &seq(&[&tlv(0x06, kdf), kdf_parameters]),
                &seq(&[&tlv(0x06, AES128_CBC), &tlv(0x04, &[0; 16])]),
            ])
        }
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
        let scrypt = |n: u64, r: u64, p: u64| {
            encrypted_key(PBES2, &pbes2(SCRYPT, &seq(&[&salt, &int(n), &int(r), &int(p)])))
        };
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

    /// The same limits hold in PKCS#12 files, which p12-keystore decrypts
    /// with its own (scrypt up to 1 GiB, and a panic on N = 0), for bags in
    /// the clear and inside encrypted safes. Files without a MAC, as here,
    /// are read.
    #[test]
    fn pkcs12_key_derivation_work_is_bounded() {
        use der_build::*;
        const DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
        const ENCRYPTED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06];
        const SHROUDED_KEY_BAG: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x02];
        let data = |content: &[u8]| seq(&[&tlv(0x06, DATA), &tlv(0xa0, &tlv(0x04, content))]);
        let pfx = |safes: &[&[u8]]| seq(&[&int(3), &data(&seq(safes))]);
        let bag = |key: &[u8]| seq(&[&tlv(0x06, SHROUDED_KEY_BAG), &tlv(0xa0, key)]);
        let salt = tlv(0x04, b"saltsalt");
        let scrypt = |n: u64, r: u64, p: u64| {
            bag(&encrypted_key(PBES2, &pbes2(SCRYPT, &seq(&[&salt, &int(n), &int(r), &int(p)]))))
        };

        // 1 GiB of scrypt memory from a 200-byte file (OpenSSL allows 32 MiB).
        let file = pfx(&[&data(&seq(&[&scrypt(1 << 20, 8, 1)]))]);
        assert_eq!(code(parse_pkcs12(&file, None)), "ERR_OSSL_EVP_MEMORY_LIMIT_EXCEEDED");
        // scrypt N = 0: a panic in pkcs5.
        let file = pfx(&[&data(&seq(&[&scrypt(0, 8, 1)]))]);
        assert_eq!(code(parse_pkcs12(&file, None)), "ERR_OSSL_EVP_UNSUPPORTED");
        // The 1 GiB bag inside a safe encrypted with the (empty) passphrase.
        let params = pkcs8::pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes128cbc(1, b"saltsalt", [7; 16]).unwrap();
        let encrypted = params.encrypt(b"", &seq(&[&scrypt(1 << 20, 8, 1)])).unwrap();
        let algorithm = seq(&[&tlv(0x06, PBES2), &der::Encode::to_der(&params).unwrap()]);
        let content = seq(&[&tlv(0x06, DATA), &algorithm, &tlv(0x80, &encrypted)]);
        let safe = seq(&[&tlv(0x06, ENCRYPTED_DATA), &tlv(0xa0, &seq(&[&int(0), &content]))]);
        assert_eq!(code(parse_pkcs12(&pfx(&[&safe]), None)), "ERR_OSSL_EVP_MEMORY_LIMIT_EXCEEDED");
        // Within the limits the bag goes to p12-keystore, and does not
        // decrypt (its data is zeros).
        let file = pfx(&[&data(&seq(&[&scrypt(16, 1, 1)]))]);
        assert_eq!(code(parse_pkcs12(&file, None)), "ERR_OSSL_BAD_DECRYPT");
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

    #[test]
    fn bmp_passwords() {
        assert_eq!(bmp_password(b"").unwrap(), [0, 0]);
        assert_eq!(
            bmp_password("aé".as_bytes()).unwrap(),
            [0, b'a', 0, 0xe9, 0, 0]
        );
        assert!(bmp_password(&[0xff]).is_none());
    }

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
        assert_eq!(
            e,
            TlsError::new(
                "ERR_OSSL_PEM_NO_START_LINE",
                "error:0480006C:PEM routines::no start line"
            )
        );
        assert_eq!(code(parse_certificates(b"")), "ERR_OSSL_PEM_NO_START_LINE");
        assert_eq!(
            code(parse_certificates(b"0\x03garbage")),
            "ERR_OSSL_PEM_NO_START_LINE"
        );
        assert_eq!(
            code(parse_certificates(PKCS8.as_bytes())),
            "ERR_OSSL_PEM_NO_START_LINE"
        );

        let unterminated = CERT.replace("-----END CERTIFICATE-----", "");
        assert_eq!(
            code(parse_certificates(unterminated.as_bytes())),
            "ERR_OSSL_PEM_BAD_END_LINE"
        );
        let mismatched = CERT.replace("END CERTIFICATE", "END FOO");
        assert_eq!(
            code(parse_certificates(mismatched.as_bytes())),
            "ERR_OSSL_PEM_BAD_END_LINE"
        );

        let block = |body: &str| {
            format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n")
        };
        assert_eq!(
            code(parse_certificates(block("!!!!").as_bytes())),
            "ERR_OSSL_PEM_BAD_BASE64_DECODE"
        );
        assert_eq!(
            code(parse_certificates(block("AAAA").as_bytes())),
            "ERR_OSSL_ASN1_WRONG_TAG"
        );

        use base64ct::Encoding;
        let der = pem_body(CERT);
        let truncated = base64ct::Base64::encode_string(&der[..200]);
        assert_eq!(
            code(parse_certificates(block(&truncated).as_bytes())),
            "ERR_OSSL_ASN1_TOO_LONG"
        );
        let mut trailing = der.clone();
        trailing.extend_from_slice(&[0, 0]);
        let trailing = base64ct::Base64::encode_string(&trailing);
        assert_eq!(
            code(parse_certificates(block(&trailing).as_bytes())),
            "ERR_OSSL_ASN1_WRONG_TAG"
        );

        // A broken block after a good one fails the whole bundle, as in Node.
        let bad_second = format!("{CERT}{}", block("AAAA"));
        assert_eq!(
            code(parse_certificates(bad_second.as_bytes())),
            "ERR_OSSL_ASN1_WRONG_TAG"
        );
    }

    #[test]
    fn crl_errors() {
        let e = parse_crls(b"garbage").unwrap_err();
        assert_eq!(
            e,
            TlsError::new("ERR_CRYPTO_OPERATION_FAILED", "Failed to parse CRL")
        );
        assert_eq!(code(parse_crls(b"")), "ERR_CRYPTO_OPERATION_FAILED");
        let bad = "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n";
        assert_eq!(
            code(parse_crls(bad.as_bytes())),
            "ERR_CRYPTO_OPERATION_FAILED"
        );
    }

    #[test]
    fn pkcs12_garbage() {
        let e = parse_pkcs12(b"garbage", None).unwrap_err();
        assert_eq!(
            e,
            TlsError::new("ERR_OSSL_ASN1_NOT_ENOUGH_DATA", "not enough data")
        );
        assert_eq!(
            code(parse_pkcs12(b"", None)),
            "ERR_OSSL_ASN1_NOT_ENOUGH_DATA"
        );
        assert_eq!(
            code(parse_pkcs12(CERT.as_bytes(), None)),
            "ERR_OSSL_ASN1_WRONG_TAG"
        );
        assert_eq!(
            code(parse_pkcs12(&[0x30, 0x03, 0x02, 0x01, 0x03], None)),
            "ERR_OSSL_PKCS12_PARSE_ERROR"
        );
    }

    #[test]
    fn pem_headers_and_blocks() {
        let blocks = pem::blocks(SEC1_AES128.as_bytes());
        let [pem::Block::Section(section)] = &blocks[..] else {
            panic!()
        };
        assert_eq!(section.label, "EC PRIVATE KEY");
        assert_eq!(section.header("proc-type"), Some("4,ENCRYPTED"));
        assert_eq!(
            section.header("DEK-Info"),
            Some("AES-128-CBC,02412F23D2AF862333B4FBEA5473A598")
        );
        assert!(section.decode().is_some());
    }
}

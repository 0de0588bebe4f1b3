//! Node's errors: the `(code, message)` pairs of the table in the [module
//! documentation](super), and the DER errors of certificates.

use der::ErrorKind;

use crate::TlsError;

/// A `(code, message)` pair as Node 20 reports it.
type NodeError = (&'static str, &'static str);

pub(super) const UNSUPPORTED: NodeError = ("ERR_OSSL_UNSUPPORTED", "error:1E08010C:DECODER routines::unsupported");
pub(super) const BAD_DECRYPT: NodeError = ("ERR_OSSL_BAD_DECRYPT", "error:1C800064:Provider routines::bad decrypt");
pub(super) const PEM_UNSUPPORTED_ENCRYPTION: NodeError =
    ("ERR_OSSL_PEM_UNSUPPORTED_ENCRYPTION", "error:04800072:PEM routines::unsupported encryption");
pub(super) const PEM_BAD_IV_CHARS: NodeError =
    ("ERR_OSSL_PEM_BAD_IV_CHARS", "error:04800067:PEM routines::bad iv chars");
pub(super) const PEM_NOT_DEK_INFO: NodeError =
    ("ERR_OSSL_PEM_NOT_DEK_INFO", "error:04800069:PEM routines::not dek info");
pub(super) const EVP_UNSUPPORTED: NodeError =
    ("ERR_OSSL_EVP_UNSUPPORTED", "error:0308010C:digital envelope routines::unsupported");
pub(super) const EVP_MEMORY_LIMIT_EXCEEDED: NodeError =
    ("ERR_OSSL_EVP_MEMORY_LIMIT_EXCEEDED", "error:030000AC:digital envelope routines::memory limit exceeded");
/// OpenSSL's reason for an iteration count its KDFs refuse (zero, or under
/// the FIPS minimum); here also for one over
/// [`MAX_KDF_ITERATIONS`](super::encrypted::MAX_KDF_ITERATIONS).
pub(super) const INVALID_ITERATION_COUNT: NodeError =
    ("ERR_OSSL_INVALID_ITERATION_COUNT", "error:1C80007B:Provider routines::invalid iteration count");
pub(super) const PEM_NO_START_LINE: NodeError =
    ("ERR_OSSL_PEM_NO_START_LINE", "error:0480006C:PEM routines::no start line");
pub(super) const PEM_BAD_END_LINE: NodeError =
    ("ERR_OSSL_PEM_BAD_END_LINE", "error:04800066:PEM routines::bad end line");
pub(super) const PEM_BAD_BASE64_DECODE: NodeError =
    ("ERR_OSSL_PEM_BAD_BASE64_DECODE", "error:04800064:PEM routines::bad base64 decode");
const ASN1_TOO_LONG: NodeError = ("ERR_OSSL_ASN1_TOO_LONG", "error:0680009B:asn1 encoding routines::too long");
const ASN1_WRONG_TAG: NodeError = ("ERR_OSSL_ASN1_WRONG_TAG", "error:068000A8:asn1 encoding routines::wrong tag");
pub(super) const CRL_PARSE: NodeError = ("ERR_CRYPTO_OPERATION_FAILED", "Failed to parse CRL");
pub(super) const PKCS12_MAC_VERIFY_FAILURE: NodeError = ("ERR_OSSL_PKCS12_MAC_VERIFY_FAILURE", "mac verify failure");
pub(super) const PKCS12_NOT_ENOUGH_DATA: NodeError = ("ERR_OSSL_ASN1_NOT_ENOUGH_DATA", "not enough data");
pub(super) const PKCS12_WRONG_TAG: NodeError = ("ERR_OSSL_ASN1_WRONG_TAG", "wrong tag");
pub(super) const PKCS12_PARSE_ERROR: NodeError = ("ERR_OSSL_PKCS12_PARSE_ERROR", "parse error");
pub(super) const PKCS12_UNSUPPORTED: NodeError = ("ERR_CRYPTO_UNSUPPORTED_OPERATION", "Unsupported PKCS12 PFX data");
pub(super) const PKCS12_NO_KEY: NodeError = ("ERR_CRYPTO_OPERATION_FAILED", "Unable to load private key from PFX data");
pub(super) const PKCS12_NO_CERT: NodeError =
    ("ERR_CRYPTO_OPERATION_FAILED", "Unable to load certificate from PFX data");

pub(super) fn err((code, message): NodeError) -> TlsError {
    TlsError::new(code, message)
}

/// OpenSSL's reading of a DER error in a certificate: data cut short is
/// "too long" (the length says more than there is), anything else "wrong tag".
pub(super) fn asn1_error(e: der::Error) -> TlsError {
    match e.kind() {
        ErrorKind::Incomplete { .. } => err(ASN1_TOO_LONG),
        _ => err(ASN1_WRONG_TAG),
    }
}

//! TLS errors as Node reports them under OpenSSL: `code` `ERR_SSL_<REASON>`
//! and the message OpenSSL formats, `error:0A<reason>:SSL routines::<text>`
//! (OpenSSL 3's library 0x0A is SSL; Node adds a thread id and a source
//! location we do not have). Code that matches on either keeps working.
//!
//! This module owns every TLS-level error the core reports: the reason
//! table, what a rustls error becomes, and what a received alert becomes.

use crate::verifier;
use crate::TlsError;

/// One of OpenSSL's `SSL_R_*` reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SslReason {
    /// Node's `err.code`.
    pub code: &'static str,
    /// OpenSSL's reason number (`ERR_GET_REASON`).
    pub number: u32,
    /// OpenSSL's reason text (`err.reason`).
    pub text: &'static str,
}

impl SslReason {
    /// The error, with OpenSSL's message.
    pub fn error(self) -> TlsError {
        TlsError::new(self.code, format!("error:0A{:06X}:SSL routines::{}", self.number, self.text))
    }

    /// The error with a detail OpenSSL would not give, after the reason.
    pub fn error_with(self, detail: &str) -> TlsError {
        let mut e = self.error();
        e.message.push_str(": ");
        e.message.push_str(detail);
        e
    }
}

const fn reason(code: &'static str, number: u32, text: &'static str) -> SslReason {
    SslReason { code, number, text }
}

pub const WRONG_VERSION_NUMBER: SslReason = reason("ERR_SSL_WRONG_VERSION_NUMBER", 0x10B, "wrong version number");
pub const HTTP_REQUEST: SslReason = reason("ERR_SSL_HTTP_REQUEST", 0x9C, "http request");
pub const HTTPS_PROXY_REQUEST: SslReason = reason("ERR_SSL_HTTPS_PROXY_REQUEST", 0x9B, "https proxy request");
pub const NO_SHARED_CIPHER: SslReason = reason("ERR_SSL_NO_SHARED_CIPHER", 0xC1, "no shared cipher");
pub const NO_SUITABLE_SIGNATURE_ALGORITHM: SslReason =
    reason("ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM", 0x76, "no suitable signature algorithm");
pub const NO_SHARED_SIGNATURE_ALGORITHMS: SslReason =
    reason("ERR_SSL_NO_SHARED_SIGNATURE_ALGORITHMS", 0x178, "no shared signature algorithms");
pub const DECRYPTION_FAILED_OR_BAD_RECORD_MAC: SslReason =
    reason("ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC", 0x119, "decryption failed or bad record mac");
pub const UNSUPPORTED_PROTOCOL: SslReason = reason("ERR_SSL_UNSUPPORTED_PROTOCOL", 0x102, "unsupported protocol");
pub const BAD_LEGACY_VERSION: SslReason = reason("ERR_SSL_BAD_LEGACY_VERSION", 0x124, "bad legacy version");
pub const PEER_DID_NOT_RETURN_A_CERTIFICATE: SslReason =
    reason("ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE", 0xC7, "peer did not return a certificate");
pub const CERTIFICATE_VERIFY_FAILED: SslReason =
    reason("ERR_SSL_CERTIFICATE_VERIFY_FAILED", 0x86, "certificate verify failed");
pub const NO_APPLICATION_PROTOCOL: SslReason =
    reason("ERR_SSL_NO_APPLICATION_PROTOCOL", 0xEB, "no application protocol");
pub const UNEXPECTED_MESSAGE: SslReason = reason("ERR_SSL_UNEXPECTED_MESSAGE", 0xF4, "unexpected message");
pub const EXCESSIVE_MESSAGE_SIZE: SslReason = reason("ERR_SSL_EXCESSIVE_MESSAGE_SIZE", 0x98, "excessive message size");
pub const DATA_LENGTH_TOO_LONG: SslReason = reason("ERR_SSL_DATA_LENGTH_TOO_LONG", 0x92, "data length too long");
pub const PACKET_LENGTH_TOO_LONG: SslReason = reason("ERR_SSL_PACKET_LENGTH_TOO_LONG", 0xC6, "packet length too long");
pub const BAD_PACKET: SslReason = reason("ERR_SSL_BAD_PACKET", 0xF0, "bad packet");
pub const RECORD_TOO_SMALL: SslReason = reason("ERR_SSL_RECORD_TOO_SMALL", 0x12A, "record too small");
pub const LENGTH_MISMATCH: SslReason = reason("ERR_SSL_LENGTH_MISMATCH", 0x9F, "length mismatch");
pub const BAD_EXTENSION: SslReason = reason("ERR_SSL_BAD_EXTENSION", 0x6E, "bad extension");
pub const NO_CIPHER_MATCH: SslReason = reason("ERR_SSL_NO_CIPHER_MATCH", 0xB9, "no cipher match");
pub const NO_PROTOCOLS_AVAILABLE: SslReason = reason("ERR_SSL_NO_PROTOCOLS_AVAILABLE", 0xBF, "no protocols available");
pub const EE_KEY_TOO_SMALL: SslReason = reason("ERR_SSL_EE_KEY_TOO_SMALL", 0x18F, "ee key too small");
pub const CA_KEY_TOO_SMALL: SslReason = reason("ERR_SSL_CA_KEY_TOO_SMALL", 0x18D, "ca key too small");
pub const UNKNOWN_CERTIFICATE_TYPE: SslReason =
    reason("ERR_SSL_UNKNOWN_CERTIFICATE_TYPE", 0xF7, "unknown certificate type");
pub const INTERNAL_ERROR: SslReason = reason("ERR_SSL_INTERNAL_ERROR", 0xC0103, "internal error");
/// What OpenSSL reports when a server context has no certificate.
pub const PASSED_A_NULL_PARAMETER: SslReason =
    reason("ERR_SSL_PASSED_A_NULL_PARAMETER", 0xC0102, "passed a null parameter");

/// Maps a rustls error to the error Node reports for the same failure
/// under OpenSSL, so code that switches on `err.code` keeps working.
/// `after_handshake`: garbage before the first handshake message is
/// OpenSSL's "wrong version number"; later it is a broken record.
pub fn from_rustls(err: &rustls::Error, after_handshake: bool) -> TlsError {
    use rustls::Error as E;
    if let Some(f) = verifier::failure_of(err) {
        return TlsError::new(f.code, f.message);
    }
    match err {
        E::AlertReceived(alert) => alert_received(*alert),
        E::InvalidMessage(_) if !after_handshake => WRONG_VERSION_NUMBER.error(),
        E::InvalidMessage(m) => {
            use rustls::InvalidMessage as M;
            match m {
                // A record header that is not TLS: OpenSSL's name for it.
                M::InvalidContentType | M::UnknownProtocolVersion => WRONG_VERSION_NUMBER.error(),
                M::MessageTooLarge | M::CertificatePayloadTooLarge => PACKET_LENGTH_TOO_LONG.error(),
                M::TrailingData(_) | M::MessageTooShort | M::MissingData(_) => LENGTH_MISMATCH.error(),
                other => UNEXPECTED_MESSAGE.error_with(&format!("{other:?}")),
            }
        }
        E::NoCertificatesPresented => PEER_DID_NOT_RETURN_A_CERTIFICATE.error(),
        E::NoApplicationProtocol => NO_APPLICATION_PROTOCOL.error(),
        E::DecryptError => DECRYPTION_FAILED_OR_BAD_RECORD_MAC.error(),
        E::PeerIncompatible(p) => {
            use rustls::PeerIncompatible as P;
            match p {
                P::NoCipherSuitesInCommon | P::NoKxGroupsInCommon => NO_SHARED_CIPHER.error(),
                P::NoSignatureSchemesInCommon => NO_SUITABLE_SIGNATURE_ALGORITHM.error(),
                P::ServerDoesNotSupportTls12Or13
                | P::SupportedVersionsExtensionRequired
                | P::Tls12NotOffered
                | P::Tls12NotOfferedOrEnabled
                | P::Tls13RequiredForQuic => UNSUPPORTED_PROTOCOL.error(),
                other => BAD_EXTENSION.error_with(&format!("{other:?}")),
            }
        }
        E::InvalidCertificate(c) => CERTIFICATE_VERIFY_FAILED.error_with(&format!("{c:?}")),
        E::PeerMisbehaved(m) => UNEXPECTED_MESSAGE.error_with(&format!("{m:?}")),
        other => INTERNAL_ERROR.error_with(&other.to_string()),
    }
}

/// A fatal alert from the peer. OpenSSL names alerts SSLv3 defined
/// `SSL_R_SSLV3_ALERT_*`, later ones `SSL_R_TLSV1_ALERT_*` / `TLSV13_*`,
/// with reason number 1000 + the alert number; Node prefixes `ERR_SSL_`
/// and OpenSSL appends "SSL alert number N".
pub fn alert_received(alert: rustls::AlertDescription) -> TlsError {
    use rustls::AlertDescription as A;
    let (code, text) = match alert {
        A::CloseNotify => ("ERR_SSL_CLOSE_NOTIFY", "close notify"),
        A::UnexpectedMessage => ("ERR_SSL_SSLV3_ALERT_UNEXPECTED_MESSAGE", "sslv3 alert unexpected message"),
        A::BadRecordMac => ("ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC", "sslv3 alert bad record mac"),
        A::HandshakeFailure => ("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "sslv3 alert handshake failure"),
        A::BadCertificate => ("ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE", "sslv3 alert bad certificate"),
        A::UnsupportedCertificate => {
            ("ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE", "sslv3 alert unsupported certificate")
        }
        A::CertificateRevoked => ("ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED", "sslv3 alert certificate revoked"),
        A::CertificateExpired => ("ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED", "sslv3 alert certificate expired"),
        A::CertificateUnknown => ("ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN", "sslv3 alert certificate unknown"),
        A::IllegalParameter => ("ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER", "sslv3 alert illegal parameter"),
        A::UnknownCA => ("ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", "tlsv1 alert unknown ca"),
        A::AccessDenied => ("ERR_SSL_TLSV1_ALERT_ACCESS_DENIED", "tlsv1 alert access denied"),
        A::DecodeError => ("ERR_SSL_TLSV1_ALERT_DECODE_ERROR", "tlsv1 alert decode error"),
        A::DecryptError => ("ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR", "tlsv1 alert decrypt error"),
        A::ProtocolVersion => ("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "tlsv1 alert protocol version"),
        A::InsufficientSecurity => ("ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY", "tlsv1 alert insufficient security"),
        A::InternalError => ("ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR", "tlsv1 alert internal error"),
        A::UserCanceled => ("ERR_SSL_TLSV1_ALERT_USER_CANCELLED", "tlsv1 alert user cancelled"),
        A::UnsupportedExtension => ("ERR_SSL_TLSV1_UNSUPPORTED_EXTENSION", "tlsv1 unsupported extension"),
        A::UnrecognisedName => ("ERR_SSL_TLSV1_UNRECOGNIZED_NAME", "tlsv1 unrecognized name"),
        A::BadCertificateStatusResponse => {
            ("ERR_SSL_TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE", "tlsv1 bad certificate status response")
        }
        A::UnknownPSKIdentity => ("ERR_SSL_TLSV1_ALERT_UNKNOWN_PSK_IDENTITY", "tlsv1 alert unknown psk identity"),
        A::CertificateRequired => ("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", "tlsv13 alert certificate required"),
        A::NoApplicationProtocol => {
            ("ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL", "tlsv1 alert no application protocol")
        }
        A::MissingExtension => ("ERR_SSL_TLSV13_ALERT_MISSING_EXTENSION", "tlsv13 alert missing extension"),
        _ => ("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "sslv3 alert handshake failure"),
    };
    let number = u8::from(alert);
    TlsError::new(
        code,
        format!("error:0A{:06X}:SSL routines::{text}:SSL alert number {number}", 1000 + u32::from(number)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_openssls() {
        assert_eq!(WRONG_VERSION_NUMBER.error().message, "error:0A00010B:SSL routines::wrong version number");
        let e = alert_received(rustls::AlertDescription::HandshakeFailure);
        assert_eq!(e.code, "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE");
        assert_eq!(e.message, "error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40");
        assert_eq!(e.openssl_parts(), Some(("SSL routines", "sslv3 alert handshake failure")));
        assert_eq!(
            alert_received(rustls::AlertDescription::CertificateRequired).code,
            "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"
        );
        assert_eq!(PASSED_A_NULL_PARAMETER.error().message, "error:0A0C0102:SSL routines::passed a null parameter");
    }
}

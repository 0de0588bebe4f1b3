//! The one error type of the core: a Node-style `code` plus a message.
//!
//! Node reports TLS and crypto failures as `Error` objects with a string
//! `code` (`ERR_SSL_WRONG_VERSION_NUMBER`, `ERR_OSSL_BAD_DECRYPT`,
//! `DEPTH_ZERO_SELF_SIGNED_CERT`, ...). The core produces exactly those codes
//! so the binding only has to copy them onto a JS error.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsError {
    /// Node's error code, e.g. `ERR_OSSL_BAD_DECRYPT`.
    pub code: &'static str,
    /// Human readable message, in the words Node/OpenSSL use where they have some.
    pub message: String,
}

impl TlsError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl TlsError {
    /// OpenSSL's `library` and `reason` for this error, as Node puts them
    /// on its errors: read from an OpenSSL-style message
    /// (`error:0480006C:PEM routines::no start line`), or for TLS errors
    /// (`ERR_SSL_*`) "SSL routines" and the message up to any parenthesis.
    pub fn openssl_parts(&self) -> Option<(&str, &str)> {
        if let Some(rest) = self.message.strip_prefix("error:") {
            let mut parts = rest.splitn(4, ':');
            let (_code, library, _func, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            // After the reason OpenSSL may add detail (": SSL alert number 40").
            let reason = rest.split(':').next().unwrap_or(rest);
            return Some((library, reason));
        }
        if self.code.starts_with("ERR_SSL_") {
            let reason = self.message.split(" (").next().unwrap_or(&self.message);
            return Some(("SSL routines", reason));
        }
        None
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for TlsError {}

pub type Result<T> = std::result::Result<T, TlsError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_parts() {
        let e = TlsError::new("ERR_OSSL_PEM_NO_START_LINE", "error:0480006C:PEM routines::no start line");
        assert_eq!(e.openssl_parts(), Some(("PEM routines", "no start line")));
        let e = TlsError::new(
            "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
            "error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40",
        );
        assert_eq!(e.openssl_parts(), Some(("SSL routines", "sslv3 alert handshake failure")));
        assert_eq!(TlsError::new("ERR_X", "plain").openssl_parts(), None);
    }
}

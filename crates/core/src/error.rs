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

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for TlsError {}

pub type Result<T> = std::result::Result<T, TlsError>;

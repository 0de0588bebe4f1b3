//! rustls-node-core: everything rustls-node does with TLS, without Node-API.
//!
//! The binding crate (`crates/node`) only converts values between JS and the
//! types here. Each module is one rustls concept:
//!
//! - [`config`]: Node's secure context and the rustls configs built from it
//! - [`pump`]: one connection: ciphertext in/out, plaintext in/out, events
//! - [`verifier`]: chain verification with OpenSSL's result names
//! - [`anchors`]: trusted certificates, kept whole
//! - [`hooks`]: per-connection key log, session cache and OCSP capture
//! - [`session_store`]: client sessions behind opaque Buffer handles
//! - [`identities`]: certificates and keys paired as OpenSSL pairs them
//! - [`resolver`]: choosing our certificate for the peer
//! - [`suites`]: cipher suites, groups and versions by their OpenSSL names
//! - [`cert_compression`]: certificate compression (RFC 8879), Node's `certificateCompression`
//! - [`keys`]: PEM/DER/PKCS#12 inputs to keys and certificates
//! - [`cert_info`]: certificate details as Node's `getPeerCertificate()`
//! - `self_signed` (feature `self-signed`): the demo server's in-memory certificate
//! - [`ticketer`]: Node's `ticketKeys` as rustls's session ticketer
//! - [`client_hello`]: ClientHello fields rustls's `Acceptor` does not expose
//! - [`system_roots`]: the operating system's trust store
//! - [`sync`]: the crate's one lock rule (a poisoned lock goes on)
//! - [`bounded_map`]: the crate's one rule for bounded process-wide caches
//! - [`ech`]: Encrypted Client Hello offers and rejections (client)
//!
//! There is no `unsafe` here: parsing and TLS state stay in safe Rust (the
//! cryptography is aws-lc's, through aws-lc-rs).

#![forbid(unsafe_code)]

pub mod anchors;
pub mod bounded_map;
pub mod cert_compression;
pub mod cert_info;
pub mod cipher_string;
pub mod client_hello;
pub mod config;
pub mod ech;
pub mod error;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzz_api;
pub mod hooks;
pub mod identities;
pub mod keys;
pub mod legacy_rsa;
mod openssl_path;
pub mod pump;
pub mod resolver;
#[cfg(feature = "self-signed")]
pub mod self_signed;
pub mod session_store;
pub mod ssl_error;
pub mod suites;
pub mod sync;
pub mod system_roots;
pub mod ticketer;
pub mod verifier;

#[cfg(test)]
mod test_support;

pub use error::{Result, TlsError};

/// Starts aws-lc's random generator on a background thread. Its first use
/// in a process seeds it, which takes about 20 ms; done here at load time it
/// does not block the first handshake (or context) on the event loop.
pub fn warm_up() {
    let _ = std::thread::Builder::new().name("rustls-node-warm-up".into()).spawn(|| {
        let mut seed_probe = [0u8; 16];
        let _ = aws_lc_rs::rand::fill(&mut seed_probe);
    });
}
pub use rustls;

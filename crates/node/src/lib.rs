//! Node-API binding of rustls-node.
//!
//! This crate is the whole FFI boundary and holds no TLS policy: it converts
//! JS values to the core's types and back, and turns core errors into JS
//! errors carrying the core's `code`. Three rules hold for every export:
//!
//! - each `#[napi]` entry point has `catch_unwind`, so a Rust panic becomes
//!   a thrown JS error instead of aborting the process (napi-rs does not
//!   catch panics by default; `__test__/native-boundary.spec.mjs` proves it);
//! - native objects are napi-rs classes, which napi-rs type-tags on unwrap,
//!   so passing the wrong handle is a JS `TypeError`, not memory confusion;
//! - nothing is freed by hand: rustls state lives in the class instance and
//!   goes with it when V8 collects it.

mod certificate;
mod connection;
mod context;
mod events;
mod handshake_task;
mod js_error;

pub use certificate::{certificate_object, certificate_public_key};
pub use connection::NativeConnection;
pub use context::{NativeContext, RootStore, TICKET_KEYS_LENGTH};
pub use events::*;

use napi_derive::napi;

/// Seeds the crypto library's random generator off the event loop.
#[napi(catch_unwind)]
pub fn warm_up() {
    rustls_node_core::warm_up();
}

/// Lower-case OpenSSL names of the cipher suites this build supports.
#[napi(catch_unwind)]
pub fn supported_ciphers() -> Vec<String> {
    rustls_node_core::suites::supported_cipher_names()
}

/// Node's names of the certificate compression algorithms (RFC 8879) this
/// build compresses and decompresses with.
#[napi(catch_unwind)]
pub fn certificate_compression_algorithms() -> Vec<String> {
    rustls_node_core::cert_compression::available().into_iter().map(String::from).collect()
}

/// The operating system's trusted certificates, DER (unreadable entries
/// are skipped, as OpenSSL skips them).
#[napi(catch_unwind)]
pub fn system_ca_certificates() -> Vec<napi::bindgen_prelude::Buffer> {
    rustls_node_core::system_roots::load().0.into_iter().map(|c| c.to_vec().into()).collect()
}

/// Panics on purpose, to prove the panic boundary: the test calls it and
/// expects a thrown JS error and a live process. Not part of the public TS
/// API (a second, feature-gated build of the addon just for this would
/// double the build time for no gain in safety).
#[napi(js_name = "__testPanic", catch_unwind)]
pub fn test_panic(message: String) -> u32 {
    panic!("{message}")
}

#[napi(object)]
pub struct SelfSignedPair {
    pub cert: String,
    pub key: String,
}

/// A fresh self-signed certificate for `names` (used by the `npm start` demo).
#[napi(catch_unwind)]
pub fn generate_self_signed(env: napi::Env, names: Vec<String>) -> napi::Result<SelfSignedPair> {
    use js_error::OrThrow;
    let s = rustls_node_core::self_signed::generate(&names).or_throw(&env)?;
    Ok(SelfSignedPair { cert: s.cert_pem, key: s.key_pem })
}

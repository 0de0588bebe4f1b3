//! Certificate details for JS: Node's certificate object and `pubkey`.

use napi::bindgen_prelude::{Buffer, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::js_error::throw;

/// Node's certificate object for a DER certificate, without `raw`/`pubkey`
/// (the TS layer attaches those Buffers).
#[napi(catch_unwind)]
pub fn certificate_object<'e>(env: &'e Env, der: &[u8]) -> napi::Result<Unknown<'e>> {
    let value = rustls_node_core::cert_info::certificate_object(der).map_err(|e| throw(env, e))?;
    env.to_js_value(&value)
}

/// DER SubjectPublicKeyInfo of a certificate, for Node's `pubkey` field.
#[napi(catch_unwind)]
pub fn certificate_public_key(der: &[u8]) -> Option<Buffer> {
    rustls_node_core::cert_info::public_key_der(der).map(Buffer::from)
}

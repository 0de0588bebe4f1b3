//! `NativeContext` (Node's SecureContext) and `RootStore` (a trust store).

use std::sync::Arc;

use napi::bindgen_prelude::Buffer;
use napi::Env;
use napi_derive::napi;
use rustls_node_core::config::{self, ContextBuilder, SecureContext};

use crate::js_error::OrThrow;

/// The length of Node's `ticketKeys` (the core's rule, for the TS layer's
/// argument checks and their Node error messages).
#[napi]
pub const TICKET_KEYS_LENGTH: u32 = rustls_node_core::ticketer::TICKET_KEYS_LEN as u32;

/// One `key` or `pfx` entry with the passphrase that applies to it.
#[napi(object)]
pub struct KeyInput {
    pub pem: Buffer,
    pub passphrase: Option<Buffer>,
}

/// `createSecureContext` options, already normalised by the TS layer to
/// arrays of Buffers.
#[napi(object)]
pub struct ContextInit {
    pub cert: Option<Vec<Buffer>>,
    pub key: Option<Vec<KeyInput>>,
    pub pfx: Option<Vec<KeyInput>>,
    pub ca: Option<Vec<Buffer>>,
    pub crl: Option<Vec<Buffer>>,
    pub min_version: Option<String>,
    pub max_version: Option<String>,
    /// OpenSSL's cipher list (TLS 1.2 suites, `@SECLEVEL=n`).
    pub cipher_list: Option<String>,
    /// The TLS 1.3 suites (`TLS_*` names).
    pub cipher_suites: Option<String>,
    pub ecdh_curve: Option<String>,
    pub ticket_keys: Option<Buffer>,
    pub session_timeout: Option<u32>,
    pub sigalgs: Option<String>,
    /// SSL_OP_NO_TICKET: sessions by id, no tickets.
    pub no_tickets: Option<bool>,
    /// honorCipherOrder / SSL_OP_CIPHER_SERVER_PREFERENCE.
    pub honor_cipher_order: Option<bool>,
    /// `certificateCompression` names in preference order (empty: off);
    /// the core's default when absent.
    pub certificate_compression: Option<Vec<String>>,
    /// `maxEarlyData`: TLS 1.3 0-RTT bytes a server accepts (0 or absent: off).
    pub max_early_data: Option<u32>,
}

/// Trust anchors, e.g. Node's bundled root list, parsed once per process.
#[napi]
pub struct RootStore {
    inner: Arc<rustls_node_core::anchors::Anchors>,
}

#[napi]
impl RootStore {
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, pems: Vec<Buffer>) -> napi::Result<Self> {
        let slices: Vec<&[u8]> = pems.iter().map(|b| b.as_ref()).collect();
        let inner = config::root_store(&slices).or_throw(&env)?;
        Ok(Self { inner })
    }

    #[napi(getter, catch_unwind)]
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }
}

#[napi]
pub struct NativeContext {
    pub(crate) inner: Arc<SecureContext>,
}

#[napi]
impl NativeContext {
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, init: ContextInit, default_roots: Option<&RootStore>) -> napi::Result<Self> {
        let mut b = ContextBuilder::new();
        let pass = |p: &Option<Buffer>| p.as_ref().map(|b| b.to_vec());
        // Node's loading order, which decides which of two bad inputs is
        // reported: ca, cert, key, then pfx and crl.
        for ca in init.ca.iter().flatten() {
            b.add_ca(ca);
        }
        for cert in init.cert.iter().flatten() {
            b.add_cert_chain(cert);
        }
        for key in init.key.iter().flatten() {
            b.add_key(&key.pem, pass(&key.passphrase).as_deref());
        }
        for pfx in init.pfx.iter().flatten() {
            b.add_pfx(&pfx.pem, pass(&pfx.passphrase).as_deref());
        }
        for crl in init.crl.iter().flatten() {
            b.add_crl(crl);
        }
        if let Some(roots) = default_roots {
            b.default_roots(roots.inner.clone());
        }
        b.versions(init.min_version.as_deref(), init.max_version.as_deref());
        if let Some(c) = &init.cipher_list {
            b.cipher_list(c);
        }
        if let Some(c) = &init.cipher_suites {
            b.cipher_suites(c);
        }
        if let Some(c) = &init.ecdh_curve {
            b.ecdh_curve(c);
        }
        if let Some(s) = &init.sigalgs {
            b.sigalgs(s);
        }
        b.no_tickets(init.no_tickets.unwrap_or(false));
        b.honor_cipher_order(init.honor_cipher_order.unwrap_or(false));
        if let Some(k) = &init.ticket_keys {
            b.ticket_keys(k);
        }
        if let Some(t) = init.session_timeout {
            b.session_timeout(t);
        }
        if let Some(names) = &init.certificate_compression {
            b.certificate_compression(names);
        }
        b.max_early_data(init.max_early_data.unwrap_or(0));
        let inner = Arc::new(b.build().or_throw(&env)?);
        Ok(Self { inner })
    }

    /// The 48 ticket key bytes (`server.getTicketKeys()`).
    #[napi(catch_unwind)]
    pub fn get_ticket_keys(&self) -> Buffer {
        Buffer::from(self.inner.ticket_keys().get().to_vec())
    }

    /// Replaces the ticket keys; tickets under the old keys no longer resume.
    #[napi(catch_unwind)]
    pub fn set_ticket_keys(&self, env: Env, keys: &[u8]) -> napi::Result<()> {
        self.inner.ticket_keys().set(keys).or_throw(&env)
    }

    /// DER of the issuer of the context's certificate, if known.
    #[napi(catch_unwind)]
    pub fn certificate_issuer(&self) -> Option<Buffer> {
        self.inner.certificate_issuer().map(|c| Buffer::from(c.as_ref().to_vec()))
    }

    /// DER of the context's own certificate (`getCertificate()`).
    #[napi(catch_unwind)]
    pub fn certificate(&self) -> Option<Buffer> {
        self.inner.certificate().map(|c| Buffer::from(c.as_ref().to_vec()))
    }
}

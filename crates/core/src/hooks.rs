//! Per-connection observers for rustls callbacks that live on configs.
//!
//! rustls hangs key logging, the client session cache and the server's
//! session store on the `ClientConfig`/`ServerConfig`; Node reports them per
//! socket (`'keylog'`, `'session'`, `'newSession'`). So each connection runs
//! on its own config, a copy of its context's that shares every expensive
//! part by `Arc` and carries this connection's [`Hooks`] in those places
//! ([`Hooks::client_config`], [`Hooks::server_config`]).
//!
//! Two reports come from parts the copy must share: rustls resumes a
//! session only with the very verifier and client-certificate resolver
//! (the same `Arc`s) it was made with, so those stay the context's; and
//! rustls gives them no handle on the connection. The server's stapled
//! OCSP response (seen by the verifier) and the signature schemes of its
//! CertificateRequest (seen by the resolver) therefore reach the connection
//! through [`enter`]: the client's pump names its hooks for the duration
//! of each `receive` step, on the thread that runs it.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rustls::client::{ClientSessionStore, Resumption, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;
use rustls::server::{ProducesTickets, StoresServerSessions};
use rustls::{ClientConfig, KeyLog, NamedGroup, ServerConfig, SignatureScheme};

use crate::session_store::{self, SessionValue};
use crate::sync::lock;

#[derive(Debug, Default)]
pub struct Hooks {
    keylog_enabled: AtomicBool,
    keylog: Mutex<Vec<Vec<u8>>>,
    /// The `session` Buffer to resume, if the user gave one.
    resume: Option<Vec<u8>>,
    /// Handles of sessions received on this connection, oldest first.
    sessions: Mutex<Vec<Vec<u8>>>,
    /// The session group this connection's sessions go to.
    group: Mutex<Option<Vec<u8>>>,
    kx_hint: Mutex<Option<NamedGroup>>,
    ocsp: Mutex<Option<Vec<u8>>>,
    /// Server: sessions rustls stored, for 'newSession' (id, data).
    new_server_sessions: Mutex<Vec<(Vec<u8>, Vec<u8>)>>,
    /// Server: the session 'resumeSession' found, offered to rustls.
    resume_server_session: Mutex<Option<(Vec<u8>, Vec<u8>)>>,
    /// Client: the signature schemes of the server's CertificateRequest.
    peer_sigschemes: Mutex<Vec<SignatureScheme>>,
}

impl Hooks {
    pub fn new(resume: Option<Vec<u8>>) -> Self {
        Self { resume, ..Self::default() }
    }

    /// This connection's client config: the context's `shared` one, with
    /// the key log and the session cache this connection's own (a session
    /// is offered only when the user passed `session`, as in Node, and each
    /// new one becomes a 'session' Buffer).
    pub fn client_config(self: &Arc<Self>, shared: &ClientConfig) -> Arc<ClientConfig> {
        let mut cfg = shared.clone();
        cfg.resumption = Resumption::store(self.clone());
        cfg.key_log = self.clone();
        Arc::new(cfg)
    }

    /// This connection's server config: the context's `shared` one, with
    /// this connection's key log, and its session store when the server
    /// keeps sessions itself ('newSession'/'resumeSession' listeners).
    pub fn server_config(self: &Arc<Self>, shared: &ServerConfig, external_sessions: bool) -> Arc<ServerConfig> {
        let mut cfg = shared.clone();
        cfg.key_log = self.clone();
        if external_sessions {
            cfg.session_storage = self.clone();
        }
        Arc::new(cfg)
    }

    /// Start or stop collecting NSS key log lines (Node enables it when a
    /// `'keylog'` listener is added).
    pub fn enable_keylog(&self, on: bool) {
        self.keylog_enabled.store(on, Ordering::Relaxed);
    }

    pub fn take_keylog(&self) -> Vec<Vec<u8>> {
        std::mem::take(&mut *lock(&self.keylog))
    }

    pub fn has_keylog(&self) -> bool {
        self.keylog_enabled.load(Ordering::Relaxed) && !lock(&self.keylog).is_empty()
    }

    pub fn has_server_sessions(&self) -> bool {
        !lock(&self.new_server_sessions).is_empty()
    }

    pub fn take_server_sessions(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        std::mem::take(&mut *lock(&self.new_server_sessions))
    }

    /// The session an external store returned for this ClientHello.
    pub fn offer_server_session(&self, id: Vec<u8>, data: Vec<u8>) {
        *lock(&self.resume_server_session) = Some((id, data));
    }

    fn server_session(&self, key: &[u8]) -> Option<Vec<u8>> {
        match &*lock(&self.resume_server_session) {
            Some((id, data)) if id == key => Some(data.clone()),
            _ => None,
        }
    }

    pub fn has_sessions(&self) -> bool {
        !lock(&self.sessions).is_empty()
    }

    pub fn take_sessions(&self) -> Vec<Vec<u8>> {
        std::mem::take(&mut *lock(&self.sessions))
    }

    pub fn peer_sigschemes(&self) -> Vec<SignatureScheme> {
        lock(&self.peer_sigschemes).clone()
    }

    pub fn record_ocsp(&self, response: &[u8]) {
        *lock(&self.ocsp) = Some(response.to_vec());
    }

    pub fn ocsp(&self) -> Option<Vec<u8>> {
        lock(&self.ocsp).clone()
    }

    /// The `session` Buffer this connection was asked to resume.
    pub fn resumed_from(&self) -> Option<&[u8]> {
        self.resume.as_deref()
    }

    /// The handle of the group this connection's sessions go to, made now
    /// if none came yet (`getSession()` before a TLS 1.3 ticket).
    pub fn session_group(&self, server_name: ServerName<'static>) -> Vec<u8> {
        let mut group = lock(&self.group);
        if let Some(handle) = group.as_ref() {
            return handle.clone();
        }
        let handle = session_store::reserve(self.resume.as_deref(), server_name);
        if !handle.is_empty() {
            *group = Some(handle.clone());
        }
        handle
    }

    /// Keeps a session received on this connection: in the group it
    /// resumed from (refilling it), else in this connection's own group.
    fn keep(&self, server_name: ServerName<'static>, value: SessionValue) {
        let mut group = lock(&self.group);
        let target = group.clone().or_else(|| self.resume.clone());
        let handle = session_store::save(target.as_deref(), server_name, value);
        if !handle.is_empty() {
            *group = Some(handle.clone());
            lock(&self.sessions).push(handle);
        }
    }
}

thread_local! {
    /// The connection whose step runs on this thread: where the shared
    /// verifier's and resolver's reports go.
    static CURRENT: RefCell<Option<Arc<Hooks>>> = const { RefCell::new(None) };
}

/// Makes `hooks` the current connection's until the guard drops.
pub fn enter(hooks: Option<&Arc<Hooks>>) -> Entered {
    let previous = CURRENT.with(|c| c.replace(hooks.cloned()));
    Entered { previous }
}

/// Restores the previous current hooks (calls may nest: a JS callback run
/// from one connection can drive another).
pub struct Entered {
    previous: Option<Arc<Hooks>>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

fn current() -> Option<Arc<Hooks>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Records the signature schemes the server's CertificateRequest lists
/// (for `getSharedSigalgs()` on the client).
pub fn record_peer_sigschemes(schemes: &[SignatureScheme]) {
    if let Some(h) = current() {
        *lock(&h.peer_sigschemes) = schemes.to_vec();
    }
}

/// Records a stapled OCSP response for the current connection.
pub fn record_ocsp(response: &[u8]) {
    if let Some(h) = current() {
        h.record_ocsp(response);
    }
}

/// A ticketer that issues none, so that TLS 1.3 tickets are stateful (a
/// session id into the store) and TLS 1.2 uses session ids.
#[derive(Debug)]
pub struct NoTickets;

impl ProducesTickets for NoTickets {
    fn enabled(&self) -> bool {
        false
    }

    fn lifetime(&self) -> u32 {
        0
    }

    fn encrypt(&self, _plain: &[u8]) -> Option<Vec<u8>> {
        None
    }

    fn decrypt(&self, _cipher: &[u8]) -> Option<Vec<u8>> {
        None
    }
}

/// NSS key log format: `<label> <client_random hex> <secret hex>`, the
/// format Wireshark reads (and Node's `'keylog'` line, with its newline).
impl KeyLog for Hooks {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let mut line = String::with_capacity(label.len() + 2 * (client_random.len() + secret.len()) + 3);
        line.push_str(label);
        line.push(' ');
        push_hex(&mut line, client_random);
        line.push(' ');
        push_hex(&mut line, secret);
        line.push('\n');
        lock(&self.keylog).push(line.into_bytes());
    }

    fn will_log(&self, _label: &str) -> bool {
        self.keylog_enabled.load(Ordering::Relaxed)
    }
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
}

/// The client's session cache, per connection: offers only the session the
/// user passed as `session`, and turns every new one into a Buffer handle.
impl ClientSessionStore for Hooks {
    fn set_kx_hint(&self, _server_name: ServerName<'static>, group: NamedGroup) {
        *lock(&self.kx_hint) = Some(group);
    }

    fn kx_hint(&self, _server_name: &ServerName<'_>) -> Option<NamedGroup> {
        *lock(&self.kx_hint)
    }

    fn set_tls12_session(&self, server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.keep(server_name, SessionValue::Tls12(value));
    }

    fn tls12_session(&self, server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        session_store::tls12(self.resume.as_deref()?, server_name)
    }

    fn remove_tls12_session(&self, _server_name: &ServerName<'static>) {}

    fn insert_tls13_ticket(&self, server_name: ServerName<'static>, value: Tls13ClientSessionValue) {
        self.keep(server_name, SessionValue::Tls13(value));
    }

    fn take_tls13_ticket(&self, server_name: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        session_store::take_tls13(self.resume.as_deref()?, server_name)
    }
}

/// The server's session cache when the server has 'newSession' or
/// 'resumeSession' listeners: sessions live in the user's store, not here.
/// rustls calls `put` when it makes a session (the key is the session id,
/// or the TLS 1.3 ticket, which is then just that id) and `get`/`take` when
/// a client offers one; this connection answers from what its
/// 'resumeSession' callback returned.
impl StoresServerSessions for Hooks {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        lock(&self.new_server_sessions).push((key, value));
        true
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.server_session(key)
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.server_session(key)
    }

    fn can_cache(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_reach_only_the_entered_connection() {
        let a = Arc::new(Hooks::new(None));
        record_ocsp(b"nobody"); // no connection entered: dropped
        {
            let _in = enter(Some(&a));
            record_ocsp(b"a's");
            {
                let _nested = enter(None);
                record_ocsp(b"nested");
                record_peer_sigschemes(&[SignatureScheme::ED25519]);
            }
            record_peer_sigschemes(&[SignatureScheme::ECDSA_NISTP256_SHA256]);
        }
        record_ocsp(b"after");
        assert_eq!(a.ocsp().as_deref(), Some(&b"a's"[..]));
        assert_eq!(a.peer_sigschemes(), vec![SignatureScheme::ECDSA_NISTP256_SHA256]);
    }

    #[test]
    fn a_connections_config_is_its_contexts_with_its_own_key_log_and_sessions() {
        let shared = ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        let hooks = Arc::new(Hooks::new(None));
        hooks.enable_keylog(true);
        let cfg = hooks.client_config(&shared);
        // rustls resumes only with the same resolver (and verifier) Arcs.
        assert!(Arc::ptr_eq(&cfg.client_auth_cert_resolver, &shared.client_auth_cert_resolver));
        assert!(cfg.key_log.will_log("CLIENT_RANDOM"));
        assert!(!shared.key_log.will_log("CLIENT_RANDOM"));
    }

    #[test]
    fn keylog_lines_are_nss_format_and_only_when_enabled() {
        let h = Hooks::new(None);
        assert!(!h.will_log("CLIENT_RANDOM"));
        h.enable_keylog(true);
        h.log("CLIENT_HANDSHAKE_TRAFFIC_SECRET", &[0xab, 0x01], &[0xff]);
        assert_eq!(h.take_keylog(), vec![b"CLIENT_HANDSHAKE_TRAFFIC_SECRET ab01 ff\n".to_vec()]);
        assert!(h.take_keylog().is_empty());
    }
}

//! The connection pump: moves bytes between the socket and rustls.
//!
//! ```text
//!   socket ──ciphertext──▶ receive() ──▶ rustls ──▶ read_plaintext() ──▶ stream 'data'
//!   stream write() ──▶ send() ──▶ rustls ──▶ output() ──ciphertext──▶ socket
//! ```
//!
//! The pump owns no I/O: the caller (the JS `TLSSocket`) reads from and
//! writes to the transport, so the same pump works over a `net.Socket` or any
//! Duplex. The data path allocates nothing per chunk on our side: plaintext
//! is read straight into a buffer the caller provides (a JS Buffer of exactly
//! [`Pump::plaintext_len`] bytes) and ciphertext is staged in one reused
//! `Vec`.

use std::io::{Read, Write};
use std::sync::Arc;

use rustls::client::EchStatus;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::{Accepted, AcceptedAlert, Acceptor};
use rustls::{ClientConnection, Connection, SignatureScheme};

use crate::client_hello::{self, HelloInfo};
use crate::config::{ClientOptions, SecureContext, ServerOptions};
use crate::ech::{self, EchOffer};
use crate::hooks::{self, Hooks};
use crate::suites;
use crate::verifier::{self, PeerRole, TrustPolicy, VerifyFailure};
use crate::{ssl_error, Result, TlsError};

/// rustls refuses to read more records once this much plaintext waits
/// (its `DEFAULT_RECEIVED_PLAINTEXT_LIMIT`); [`Pump::receive`] stops there so
/// the caller can drain it.
const PLAINTEXT_HIGH_WATER: usize = 16 * 1024;

/// The most plaintext one TLS record carries (RFC 8446 §5.1): the chunks
/// early data is read in, as the records it came in.
const MAX_RECORD_PLAINTEXT: usize = 16 * 1024;

/// The most ClientHello bytes kept for [`client_hello`] (rustls itself
/// caps a handshake message at 64 KiB).
const MAX_HELLO_BYTES: usize = 64 * 1024;

/// Bits of [`Progress::events`].
pub mod event {
    /// The handshake completed during this call.
    pub const HANDSHAKE_DONE: u32 = 1;
    /// The peer sent close_notify (RFC 8446 §6.1).
    pub const PEER_CLOSED: u32 = 2;
    /// Server: the ClientHello has been read; choose a context with
    /// [`super::Pump::accept`] (SNI and ALPN callbacks run here).
    pub const CLIENT_HELLO: u32 = 4;
    /// Client: new sessions arrived ([`super::Pump::take_sessions`]).
    pub const SESSION: u32 = 8;
    /// Key log lines are waiting ([`super::Pump::take_keylog`]).
    pub const KEYLOG: u32 = 16;
    /// Server: sessions to hand to 'newSession'
    /// ([`super::Pump::take_server_sessions`]).
    pub const SERVER_SESSION: u32 = 32;
    /// Records are waiting to go to the socket ([`super::Pump::output`]).
    pub const OUTPUT: u32 = 64;
    /// More plaintext is waiting than was read ([`super::Pump::read_plaintext`]
    /// reads one record's worth).
    pub const MORE_PLAINTEXT: u32 = 128;
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the input consumed; the caller passes the rest again after
    /// draining plaintext (or, after CLIENT_HELLO, after `accept`).
    pub consumed: usize,
    pub events: u32,
}

/// Where a connection is in its life. `Live` is by far the largest and the
/// one a connection spends its life in, so it stays inline: boxing it would
/// add an indirection to every call on the data path.
#[allow(clippy::large_enum_variant)]
enum Stage {
    /// Server: reading the ClientHello before a context is chosen, so that
    /// SNI and ALPN callbacks (even asynchronous ones) can choose it.
    ReadingHello(Box<Acceptor>),
    /// Server: the ClientHello is read; waiting for [`Pump::accept`].
    HelloRead(Box<Accepted>),
    Live(Connection),
    /// The ClientHello was refused; only the alert is left to send, and
    /// every later call gets the same error (as rustls's errors are sticky).
    Failed(TlsError),
}

pub struct Pump {
    stage: Stage,
    /// Server: the bytes of the ClientHello, kept until it is read, for the
    /// fields rustls does not expose (OCSP status request).
    hello_bytes: Vec<u8>,
    hello: Option<HelloInfo>,
    out: Vec<u8>,
    handshake_done: bool,
    plaintext_pending: usize,
    policy: Arc<TrustPolicy>,
    /// Whether the peer's chain must be (re)checked for `authorizationError`:
    /// a rejecting verifier already failed the handshake on a bad chain.
    check_chain_after: bool,
    hooks: Option<Arc<Hooks>>,
    max_send_fragment: Option<usize>,
    /// Server: the signature schemes the ClientHello offered.
    peer_sigschemes: Vec<SignatureScheme>,
    /// Server with `honorCipherOrder`: shared lists go in our order.
    prefer_own_order: bool,
    /// Client: the name sessions are kept under.
    server_name: Option<ServerName<'static>>,
    /// Client: the Encrypted Client Hello offered, if any.
    ech: Option<EchOffer>,
    /// Client: the configs a server that rejected ECH gave to retry with.
    ech_retry_configs: Option<Vec<u8>>,
    /// Client: the `earlyData` given, until the handshake is done; then
    /// what the server did not take is sent as ordinary data.
    early_out: Option<EarlyOut>,
    /// Server: early data received, waiting for the handshake to end
    /// (the application reads it first, as ordinary plaintext).
    early_in: Vec<u8>,
    /// How much of `early_in` has been read.
    early_in_read: usize,
    /// Whether early data went through as 0-RTT (`earlyDataAccepted`).
    early_accepted: bool,
    /// Server: early data was accepted and no client certificate is asked
    /// for, so the handshake counts as done for the application once the
    /// server's flight is out (see [`Pump::accept`]).
    half_rtt: bool,
}

/// A client's early data and how much of it went out as 0-RTT.
struct EarlyOut {
    data: Vec<u8>,
    sent: usize,
}

impl Pump {
    /// A client connection. `server_name` is what the server is checked
    /// and sessions are cached under; it is sent as SNI when `opts.sni`.
    pub fn client(ctx: &SecureContext, opts: &ClientOptions, server_name: &str, hooks: Arc<Hooks>) -> Result<Self> {
        let config = ctx.client_config(opts)?;
        // Without SNI the name is only a session-cache key (our verifier
        // leaves names to checkServerIdentity), so a host that is not a
        // valid DNS name, a socket path say, may stand in as a placeholder.
        let name = match ServerName::try_from(server_name.to_owned()) {
            Ok(name) => name,
            Err(_) if !opts.sni => ServerName::try_from("invalid.").expect("static name"),
            Err(_) => {
                return Err(TlsError::new(
                    "ERR_INVALID_ARG_VALUE",
                    format!("servername {server_name:?} is not a valid DNS name"),
                ))
            }
        };
        let conn = {
            let _in = hooks::enter(Some(&hooks)); // the session to resume
            ClientConnection::new(config, name.clone()).map_err(|e| ssl_error::from_rustls(&e, false))?
        };
        let mut pump = Self::new(ctx, Stage::Live(Connection::Client(conn)));
        pump.check_chain_after = !opts.reject_unauthorized;
        pump.hooks = Some(hooks);
        pump.server_name = Some(name);
        pump.ech = opts.ech.clone();
        Ok(pump)
    }

    /// A server connection. It first reads the ClientHello; the caller then
    /// picks the context for it (`server.addContext`, `SNICallback`) and
    /// calls [`Pump::accept`]. `ctx` is the default context until then.
    pub fn server(ctx: &SecureContext) -> Self {
        Self::new(ctx, Stage::ReadingHello(Box::default()))
    }

    fn new(ctx: &SecureContext, mut stage: Stage) -> Self {
        if let Stage::Live(conn) = &mut stage {
            unlimit(conn);
        }
        Self {
            stage,
            hello_bytes: Vec::new(),
            hello: None,
            out: Vec::new(),
            handshake_done: false,
            plaintext_pending: 0,
            policy: ctx.policy().clone(),
            check_chain_after: false,
            hooks: None,
            max_send_fragment: None,
            peer_sigschemes: Vec::new(),
            prefer_own_order: false,
            server_name: None,
            ech: None,
            ech_retry_configs: None,
            early_out: None,
            early_in: Vec::new(),
            early_in_read: 0,
            early_accepted: false,
            half_rtt: false,
        }
    }

    /// Client: the application data to send as TLS 1.3 early data (0-RTT,
    /// RFC 8446 §2.3), right behind the ClientHello. Only as much as the
    /// resumed session allows goes out early (none without a session that
    /// allows it, or unless the config has `early_data`); whatever does not,
    /// or what the server rejects, is sent as ordinary data once the
    /// handshake is done, ahead of anything written after this, so the
    /// peer always gets all of it, once, in order. Call before any
    /// [`Pump::send`].
    pub fn offer_early_data(&mut self, data: Vec<u8>) {
        let mut sent = 0;
        if let Stage::Live(Connection::Client(conn)) = &mut self.stage {
            if let Some(mut early) = conn.early_data() {
                let fits = early.bytes_left().min(data.len());
                if fits > 0 {
                    sent = early.write(&data[..fits]).unwrap_or(0);
                }
            }
        }
        self.early_out = Some(EarlyOut { data, sent });
    }

    /// Whether early data went through as 0-RTT: a client's (some of its
    /// `earlyData` was sent early and the server accepted it), or, on a
    /// server, the client's.
    pub fn early_data_accepted(&self) -> bool {
        self.early_accepted
    }

    /// Client, handshake done: sends what of the early data the server did
    /// not take (all of it after a rejection), as ordinary data.
    fn finish_early_data(&mut self) -> Result<()> {
        let Some(early) = self.early_out.take() else { return Ok(()) };
        let accepted = matches!(self.live(), Some(Connection::Client(c)) if c.is_early_data_accepted());
        self.early_accepted = accepted && early.sent > 0;
        let from = if accepted { early.sent } else { 0 };
        if from < early.data.len() {
            self.send(&[&early.data[from..]])?;
        }
        Ok(())
    }

    /// Server: moves early data rustls received into `early_in`.
    fn collect_early_data(conn: &mut Connection, early_in: &mut Vec<u8>, accepted: &mut bool) {
        if let Connection::Server(s) = conn {
            if let Some(mut reader) = s.early_data() {
                *accepted = true;
                let _ = reader.read_to_end(early_in);
            }
        }
    }

    /// Server: early data not yet read; it is readable once the handshake is done.
    fn early_in_pending(&self) -> usize {
        if self.handshake_done {
            self.early_in.len() - self.early_in_read
        } else {
            0
        }
    }

    /// SESSION and KEYLOG event bits for what the hooks collected.
    fn hook_events(&self) -> u32 {
        let Some(h) = &self.hooks else { return 0 };
        let mut events = 0;
        if h.has_sessions() {
            if self.is_resumed() {
                // Sessions received on a connection resumed from the
                // user's Buffer refill that Buffer's group: they are no new
                // sessions (OpenSSL reports none after a resumption).
                h.take_sessions();
            } else {
                events |= event::SESSION;
            }
        }
        if h.has_keylog() {
            events |= event::KEYLOG;
        }
        if h.has_server_sessions() {
            events |= event::SERVER_SESSION;
        }
        events
    }

    /// Client: the session Buffer for `getSession()`, once the handshake is
    /// done: the one resumed from, else the latest session's, or the one
    /// this connection's sessions will join (TLS 1.3, before a ticket).
    pub fn session_handle(&self) -> Option<Vec<u8>> {
        if !self.handshake_done {
            return None;
        }
        let hooks = self.hooks.as_ref()?;
        if self.is_resumed() {
            if let Some(resumed) = hooks.resumed_from() {
                return Some(resumed.to_vec());
            }
        }
        let name = self.server_name.clone()?;
        Some(hooks.session_group(name)).filter(|h| !h.is_empty())
    }

    pub fn take_sessions(&self) -> Vec<Vec<u8>> {
        self.hooks.as_ref().map(|h| h.take_sessions()).unwrap_or_default()
    }

    pub fn take_server_sessions(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.hooks.as_ref().map(|h| h.take_server_sessions()).unwrap_or_default()
    }

    pub fn take_keylog(&self) -> Vec<Vec<u8>> {
        self.hooks.as_ref().map(|h| h.take_keylog()).unwrap_or_default()
    }

    pub fn enable_keylog(&self, on: bool) {
        if let Some(h) = &self.hooks {
            h.enable_keylog(on);
        }
    }

    /// The OCSP response the server stapled, if any.
    pub fn ocsp_response(&self) -> Option<Vec<u8>> {
        self.hooks.as_ref()?.ocsp()
    }

    /// Client: whether the server accepted our Encrypted Client Hello.
    pub fn ech_accepted(&self) -> bool {
        matches!(self.live(), Some(Connection::Client(c)) if c.ech_status() == EchStatus::Accepted)
    }

    /// Client: after an ECH rejection, the ECHConfigList the server gave to
    /// retry with, when it proved to be the config's public name.
    pub fn ech_retry_configs(&self) -> Option<&[u8]> {
        self.ech_retry_configs.as_deref()
    }

    /// Whether this handshake resumed a session (`isSessionReused()`).
    pub fn is_resumed(&self) -> bool {
        matches!(self.live().and_then(|c| c.handshake_kind()), Some(rustls::HandshakeKind::Resumed))
    }

    fn live(&self) -> Option<&Connection> {
        match &self.stage {
            Stage::Live(c) => Some(c),
            _ => None,
        }
    }

    /// Feeds ciphertext from the socket. Stops early when a record's worth
    /// of plaintext is waiting (drain it and call again with the rest), and
    /// on a server when the ClientHello is complete (accept, then go on).
    pub fn receive(&mut self, data: &[u8]) -> Result<Progress> {
        let _in = hooks::enter(self.hooks.as_ref());
        match &mut self.stage {
            Stage::ReadingHello(acceptor) => {
                let mut rest = data;
                let mut progress = Progress::default();
                while !rest.is_empty() {
                    let before = rest;
                    match acceptor.read_tls(&mut rest) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            progress.consumed += n;
                            if self.hello_bytes.len() < MAX_HELLO_BYTES {
                                self.hello_bytes.extend_from_slice(&before[..n]);
                            }
                        }
                    }
                    // OpenSSL's verdict on the bytes so far comes first: it
                    // names what is wrong (and answers with the alert, or
                    // none) as Node reports it.
                    match client_hello::parse_client_hello(&self.hello_bytes) {
                        Err(err) => {
                            if let Some(alert) = client_hello::alert_for(&err) {
                                self.out.extend_from_slice(&[21, 3, 3, 0, 2, 2, alert]);
                            }
                            self.stage = Stage::Failed(err.clone());
                            return Err(err);
                        }
                        // A client with nothing newer than TLS 1.1 hears
                        // protocol_version (RFC 8446 §4.2.1), as from OpenSSL.
                        Ok(Some(info)) if !info.offers.any() => {
                            const PROTOCOL_VERSION: u8 = 70;
                            self.out.extend_from_slice(&[21, 3, 3, 0, 2, 2, PROTOCOL_VERSION]);
                            let err = ssl_error::UNSUPPORTED_PROTOCOL.error();
                            self.stage = Stage::Failed(err.clone());
                            return Err(err);
                        }
                        Ok(info) => self.hello = info,
                    }
                    match acceptor.accept() {
                        Ok(None) => continue,
                        Ok(Some(accepted)) => {
                            self.stage = Stage::HelloRead(Box::new(accepted));
                            self.hello_bytes = Vec::new();
                            progress.events |= event::CLIENT_HELLO;
                            return Ok(progress);
                        }
                        Err((err, alert)) => return Err(self.refuse_hello(&err, alert)),
                    }
                }
                Ok(progress)
            }
            Stage::HelloRead(_) => Ok(Progress::default()),
            Stage::Failed(err) => Err(err.clone()),
            Stage::Live(conn) => {
                let mut progress = Progress::default();
                // Records rustls holds back while its plaintext buffer is
                // full are processed here too, even with no new bytes.
                while self.plaintext_pending < PLAINTEXT_HIGH_WATER {
                    let mut read = 0;
                    if progress.consumed < data.len() {
                        let mut rest = &data[progress.consumed..];
                        read = conn
                            .read_tls(&mut rest)
                            .map_err(|e| ssl_error::INTERNAL_ERROR.error_with(&format!("reading TLS records: {e}")))?;
                        // After close_notify rustls reads nothing more; the
                        // rest is truncation-safe garbage we may drop.
                        progress.consumed = if read == 0 { data.len() } else { progress.consumed + read };
                    }
                    let state = match conn.process_new_packets() {
                        Ok(state) => state,
                        Err(e) => {
                            if matches!(e, rustls::Error::NoCertificatesPresented) {
                                tls12_handshake_failure_alert(conn, &mut self.out);
                            }
                            if let Some(offer) = &self.ech {
                                let chain = conn.peer_certificates().unwrap_or(&[]);
                                if let Some((err, retry)) = ech::rejection(&e, offer, chain, &self.policy) {
                                    self.ech_retry_configs = retry;
                                    return Err(err);
                                }
                            }
                            return Err(ssl_error::from_rustls(&e, self.handshake_done));
                        }
                    };
                    self.plaintext_pending = state.plaintext_bytes_to_read();
                    Self::collect_early_data(conn, &mut self.early_in, &mut self.early_accepted);
                    if state.peer_has_closed() {
                        progress.events |= event::PEER_CLOSED;
                    }
                    if read == 0 {
                        break;
                    }
                }
                if !self.handshake_done && (!conn.is_handshaking() || self.half_rtt) {
                    self.handshake_done = true;
                    progress.events |= event::HANDSHAKE_DONE;
                    // Before anything the application writes from here on.
                    self.finish_early_data()?;
                }
                if self.live().is_some_and(|c| c.wants_write()) || !self.out.is_empty() {
                    progress.events |= event::OUTPUT;
                }
                progress.events |= self.hook_events();
                Ok(progress)
            }
        }
    }

    /// Server, after CLIENT_HELLO: the SNI name the client sent.
    pub fn hello_server_name(&self) -> Option<String> {
        match &self.stage {
            Stage::HelloRead(a) => a.client_hello().server_name().map(str::to_owned),
            _ => None,
        }
    }

    /// Server, after CLIENT_HELLO: the ALPN protocols the client offered.
    pub fn hello_alpn(&self) -> Vec<Vec<u8>> {
        match &self.stage {
            Stage::HelloRead(a) => {
                a.client_hello().alpn().map(|it| it.map(<[u8]>::to_vec).collect()).unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    /// Server, after CLIENT_HELLO: the id under which the client offers to
    /// resume, for 'resumeSession': its TLS 1.3 ticket (PSK identity) if
    /// any, else its legacy session id (RFC 8446 §4.2.11, RFC 5246 §7.4.1.2).
    pub fn hello_session_id(&self) -> Option<Vec<u8>> {
        let hello = self.hello.as_ref()?;
        match hello.psk_identities.first() {
            Some(identity) => Some(identity.clone()),
            None if !hello.legacy_session_id.is_empty() => Some(hello.legacy_session_id.clone()),
            None => None,
        }
    }

    /// Server, after CLIENT_HELLO: whether the client asked for a stapled
    /// OCSP response (status_request, RFC 6066 §8).
    pub fn hello_wants_ocsp(&self) -> bool {
        self.hello.as_ref().is_some_and(|h| h.status_request)
    }

    /// Server: why OpenSSL would end this handshake before its ServerHello.
    /// A context from SNICallback without a certificate is "passed a null
    /// parameter"; a server without one finds "no suitable signature
    /// algorithm" in TLS 1.3 and, in TLS 1.2, no suite it can serve. When
    /// the server's `sigalgs` and the client's have none in common, it is
    /// "no shared signature algorithms".
    fn refusal(&self, ctx: &SecureContext, opts: &ServerOptions) -> Option<ssl_error::SslReason> {
        if !ctx.has_identity() {
            let tls13 = ctx.speaks_tls13() && self.hello.as_ref().is_some_and(|h| h.offers.tls13);
            return Some(if opts.sni_context {
                ssl_error::PASSED_A_NULL_PARAMETER
            } else if tls13 {
                ssl_error::NO_SUITABLE_SIGNATURE_ALGORITHM
            } else {
                ssl_error::NO_SHARED_CIPHER
            });
        }
        let Stage::HelloRead(accepted) = &self.stage else { return None };
        let hello = accepted.client_hello();
        let offered = hello.signature_schemes();
        (!offered.is_empty() && !ctx.signs_with_any(offered)).then_some(ssl_error::NO_SHARED_SIGNATURE_ALGORITHMS)
    }

    /// Server: continues the handshake with the chosen context and options,
    /// stapling `ocsp` if given (Node's `'OCSPRequest'` answer).
    pub fn accept(
        &mut self,
        ctx: &SecureContext,
        opts: &ServerOptions,
        hooks: Option<Arc<Hooks>>,
        ocsp: Option<Vec<u8>>,
    ) -> Result<()> {
        if let Some(reason) = self.refusal(ctx, opts) {
            // OpenSSL answers these with handshake_failure.
            const HANDSHAKE_FAILURE: u8 = 40;
            self.out.extend_from_slice(&[21, 3, 3, 0, 2, 2, HANDSHAKE_FAILURE]);
            self.stage = Stage::Failed(reason.error());
            return Err(reason.error());
        }
        let not_ready = TlsError::new("ERR_TLS_INVALID_STATE", "accept() without a ClientHello");
        let Stage::HelloRead(accepted) = std::mem::replace(&mut self.stage, Stage::Failed(not_ready.clone())) else {
            return Err(not_ready);
        };
        self.peer_sigschemes = accepted.client_hello().signature_schemes().to_vec();
        self.prefer_own_order = ctx.honors_cipher_order();
        let config = match ocsp {
            Some(response) => ctx.server_config_stapling(opts, response)?,
            None => ctx.server_config(opts)?,
        };
        self.hooks = hooks;
        let _in = hooks::enter(self.hooks.as_ref());
        match accepted.into_connection(config) {
            Ok(conn) => {
                let mut conn = Connection::Server(conn);
                unlimit(&mut conn);
                // Records that came with the ClientHello. If they are bad,
                // the alert rustls queued (after its first flight) still
                // goes to the peer, rather than a bare close.
                let state = match conn.process_new_packets() {
                    Ok(state) => state,
                    Err(e) => {
                        let err = ssl_error::from_rustls(&e, false);
                        while conn.wants_write() {
                            if conn.write_tls(&mut self.out).is_err() {
                                break;
                            }
                        }
                        self.stage = Stage::Failed(err.clone());
                        return Err(err);
                    }
                };
                self.plaintext_pending = state.plaintext_bytes_to_read();
                Self::collect_early_data(&mut conn, &mut self.early_in, &mut self.early_accepted);
                // 0-RTT: the early data is the client's first request, and
                // answering it before the client's Finished arrives (0.5-RTT
                // data, RFC 8446 §2.3; rustls allows it once early data is
                // accepted and no client certificate is asked for) is what
                // saves the round trip. So the next receive() reports the
                // handshake done, with the early data to read, and writes go
                // out at once; the client's Finished is still checked when it
                // comes, and a bad one fails the connection then.
                self.half_rtt = self.early_accepted && !opts.request_cert;
                self.stage = Stage::Live(conn);
                self.policy = ctx.policy().clone();
                self.check_chain_after = opts.request_cert && (!opts.reject_unauthorized || opts.chain_checked_after);
                Ok(())
            }
            Err((err, alert)) => Err(self.refuse_hello(&err, alert)),
        }
    }

    /// A ClientHello refused (by rustls, or with the chosen config): queue
    /// the alert for the peer and make the error sticky.
    fn refuse_hello(&mut self, err: &rustls::Error, mut alert: AcceptedAlert) -> TlsError {
        let _ = alert.write_all(&mut self.out);
        let err = ssl_error::from_rustls(err, false);
        self.stage = Stage::Failed(err.clone());
        err
    }

    /// Bytes of plaintext ready for [`Pump::read_plaintext`] (a server's
    /// early data included, once the handshake is done).
    pub fn plaintext_len(&self) -> usize {
        self.plaintext_pending + self.early_in_pending()
    }

    /// Copies the plaintext of the next record (or as much of it as fits)
    /// into `buf`; returns the count. One record at a time, as OpenSSL's
    /// `SSL_read` gives it, so a reader sees Node's chunks (a record is at
    /// most 16 KiB, less after the peer's `setMaxSendFragment`).
    pub fn read_plaintext(&mut self, buf: &mut [u8]) -> usize {
        use std::io::BufRead;
        // Early data first: the client sent it before anything else.
        let early = self.early_in_pending();
        if early > 0 {
            let n = early.min(buf.len()).min(MAX_RECORD_PLAINTEXT);
            let from = self.early_in_read;
            buf[..n].copy_from_slice(&self.early_in[from..from + n]);
            self.early_in_read += n;
            if self.early_in_read == self.early_in.len() {
                self.early_in = Vec::new();
                self.early_in_read = 0;
            }
            return n;
        }
        let Stage::Live(conn) = &mut self.stage else { return 0 };
        let mut reader = conn.reader();
        let n = match reader.fill_buf() {
            Ok(chunk) => {
                let n = chunk.len().min(buf.len());
                buf[..n].copy_from_slice(&chunk[..n]);
                n
            }
            Err(_) => 0,
        };
        reader.consume(n);
        self.plaintext_pending = self.plaintext_pending.saturating_sub(n);
        n
    }

    /// Encrypts application data written by the user. rustls seals each
    /// write into records of at most 16 KiB, so with a smaller
    /// [`Pump::set_max_send_fragment`] the data goes in in pieces of that
    /// size: each becomes its own record.
    ///
    /// `chunks` is one batch of writes (a `writev`): it is sealed as one
    /// stream, so many small writes fill full records instead of becoming
    /// one record each, as OpenSSL's TLSWrap joins a batch before
    /// `SSL_write`; rustls reads the chunks in place, without joining them.
    pub fn send(&mut self, chunks: &[&[u8]]) -> Result<()> {
        use std::io::IoSlice;
        let _in = hooks::enter(self.hooks.as_ref()); // key updates are logged
        let Stage::Live(conn) = &mut self.stage else {
            return Err(TlsError::new("ERR_TLS_INVALID_STATE", "send() before the handshake started"));
        };
        let encrypting = |e: std::io::Error| ssl_error::INTERNAL_ERROR.error_with(&format!("encrypting: {e}"));
        let mut slices: Vec<IoSlice<'_>> = chunks.iter().filter(|c| !c.is_empty()).map(|c| IoSlice::new(c)).collect();
        let mut rest: &mut [IoSlice<'_>] = &mut slices;
        while !rest.is_empty() {
            let written = match self.max_send_fragment {
                None => conn.writer().write_vectored(rest).map_err(encrypting)?,
                // At most one record's worth at a time: each call is one record.
                Some(piece) => {
                    let mut window = Vec::new();
                    let mut left = piece;
                    for s in rest.iter() {
                        if left == 0 {
                            break;
                        }
                        let take = s.len().min(left);
                        window.push(IoSlice::new(&s[..take]));
                        left -= take;
                    }
                    conn.writer().write_vectored(&window).map_err(encrypting)?
                }
            };
            if written == 0 {
                return Err(ssl_error::INTERNAL_ERROR.error_with("encrypting: rustls took no bytes"));
            }
            IoSlice::advance_slices(&mut rest, written);
        }
        Ok(())
    }

    /// Node's `setMaxSendFragment(size)`: caps the plaintext per record we
    /// send (RFC 8449 §4 calls this the record size limit). OpenSSL's range,
    /// 512..=16384; false (and no change) outside it.
    pub fn set_max_send_fragment(&mut self, size: usize) -> bool {
        if !(512..=16384).contains(&size) {
            return false;
        }
        self.max_send_fragment = (size < 16384).then_some(size);
        true
    }

    /// Ciphertext waiting to go to the socket (handshake messages, alerts,
    /// records). Call [`Pump::consume_output`] once it is copied out.
    pub fn output(&mut self) -> &[u8] {
        if let Stage::Live(conn) = &mut self.stage {
            while conn.wants_write() {
                if conn.write_tls(&mut self.out).is_err() {
                    break;
                }
            }
        }
        &self.out
    }

    /// Empties the output buffer. Once the handshake is done it is freed:
    /// an idle connection keeps no output buffer, as OpenSSL's
    /// SSL_MODE_RELEASE_BUFFERS (which Node sets) keeps none; allocating
    /// the next one costs little next to the copy out.
    pub fn consume_output(&mut self) {
        if self.handshake_done {
            self.out = Vec::new();
        } else {
            self.out.clear();
        }
    }

    /// Queues close_notify (RFC 8446 §6.1): the user called `end()`.
    pub fn close(&mut self) {
        if let Stage::Live(conn) = &mut self.stage {
            conn.send_close_notify();
        }
    }

    /// Whether handshake steps remain (for the caller: whether to run the
    /// next step off the event loop). A server answering 0-RTT data is done
    /// for the application already; what remains (the client's Finished)
    /// is cheap.
    pub fn is_handshaking(&self) -> bool {
        !self.half_rtt && self.live().is_none_or(|c| c.is_handshaking())
    }

    /// `getProtocol()`: `TLSv1.3`, `TLSv1.2`, or None before the handshake.
    pub fn protocol(&self) -> Option<&'static str> {
        self.live()?.protocol_version().map(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3",
            rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2",
            _ => "unknown",
        })
    }

    /// `getCipher()`.
    pub fn cipher(&self) -> Option<suites::SuiteNames> {
        self.live()?.negotiated_cipher_suite().and_then(|s| suites::names(s.suite()))
    }

    /// The negotiated key-exchange group (`getEphemeralKeyInfo()`).
    pub fn key_exchange_group(&self) -> Option<&'static str> {
        self.live()?.negotiated_key_exchange_group().map(|g| suites::group_name(g.name()))
    }

    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.live()?.alpn_protocol()
    }

    /// The SNI name the client sent (server side).
    pub fn server_name(&self) -> Option<&str> {
        match self.live()? {
            Connection::Server(s) => s.server_name(),
            Connection::Client(_) => None,
        }
    }

    pub fn peer_certificates(&self) -> &[CertificateDer<'static>] {
        self.live().and_then(|c| c.peer_certificates()).unwrap_or(&[])
    }

    /// The trusted certificate that issued the last certificate the peer
    /// sent: where Node's detailed chain continues into the trust store.
    pub fn trusted_issuer(&self) -> Option<&CertificateDer<'static>> {
        self.policy.anchors.issuer_of(self.peer_certificates().last()?)
    }

    /// Node's `authorizationError` for the peer's chain, once the handshake
    /// is done: None when the chain is trusted (`authorized === true`).
    /// Name checks are not part of it: `checkServerIdentity` does those.
    pub fn authorization_error(&self) -> Option<VerifyFailure> {
        let certs = self.peer_certificates();
        let Some((leaf, intermediates)) = certs.split_first() else {
            return Some(verifier::NO_PEER_CERTIFICATE);
        };
        if !self.check_chain_after {
            return None;
        }
        let role = match self.live() {
            Some(Connection::Server(_)) => PeerRole::Client,
            _ => PeerRole::Server,
        };
        self.policy.verify_chain(role, leaf, intermediates, UnixTime::now()).err()
    }

    /// `getSharedSigalgs()`: the signature schemes the peer offered (the
    /// client's ClientHello, or the server's CertificateRequest) that this
    /// side supports, by OpenSSL's names. As OpenSSL orders them: a server
    /// that prefers its own order (`honorCipherOrder`, Node's default)
    /// lists them in its order, otherwise in the peer's. Empty for a client
    /// the server asked no certificate of, as in Node.
    pub fn shared_sigalgs(&self) -> Vec<&'static str> {
        let offered = match (&self.stage, &self.hooks) {
            (Stage::Live(Connection::Client(_)), Some(h)) => h.peer_sigschemes(),
            _ => self.peer_sigschemes.clone(),
        };
        let ours = self.policy.algorithms.supported_schemes();
        let shared: Vec<SignatureScheme> = if self.prefer_own_order {
            ours.into_iter().filter(|s| offered.contains(s)).collect()
        } else {
            offered.into_iter().filter(|s| ours.contains(s)).collect()
        };
        shared.into_iter().filter_map(suites::sigalg_name).collect()
    }

    /// RFC 5705 / RFC 8446 §7.5 keying material exporter.
    pub fn export_keying_material(&self, length: usize, label: &[u8], context: Option<&[u8]>) -> Result<Vec<u8>> {
        let conn = self.live().ok_or_else(|| {
            TlsError::new("ERR_TLS_INVALID_STATE", "TLS socket connection must be securely established")
        })?;
        let mut out = vec![0u8; length];
        conn.export_keying_material(&mut out, label, context)
            .map_err(|e| TlsError::new("ERR_TLS_EXPORT_KEYING_MATERIAL", e.to_string()))?;
        Ok(out)
    }
}

/// A TLS 1.2 server refusing a client that sent no certificate: OpenSSL
/// sends handshake_failure, rustls TLS 1.3's certificate_required (RFC 8446
/// §4.4.2.4), which a TLS 1.2 client reports as a TLS 1.3 alert. At that
/// point of a TLS 1.2 handshake the server still writes in the clear (its
/// ChangeCipherSpec comes later), so the alert rustls queued is rewritten
/// as it leaves.
fn tls12_handshake_failure_alert(conn: &mut Connection, out: &mut Vec<u8>) {
    const CERTIFICATE_REQUIRED: [u8; 7] = [21, 3, 3, 0, 2, 2, 116];
    const HANDSHAKE_FAILURE: u8 = 40;
    if !matches!(conn, Connection::Server(_)) || conn.protocol_version() != Some(rustls::ProtocolVersion::TLSv1_2) {
        return;
    }
    let start = out.len();
    while conn.wants_write() {
        if conn.write_tls(out).is_err() {
            break;
        }
    }
    if out[start..].ends_with(&CERTIFICATE_REQUIRED) {
        let last = out.len() - 1;
        out[last] = HANDSHAKE_FAILURE;
    }
}

/// The caller drains ciphertext right after every send() and holds writes
/// until the handshake is done, so rustls's own 64 KiB cap on queued data
/// would only make large writes fail half way.
fn unlimit(conn: &mut Connection) {
    conn.set_buffer_limit(None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ContextBuilder;

    /// A bad record in the same read as the ClientHello fails `accept()`
    /// with rustls's error, and the peer still gets the server's flight and
    /// the alert (tlsfuzzer's 0-RTT garbage probes saw a bare close).
    #[test]
    fn a_bad_record_with_the_client_hello_still_gets_its_alert() {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let mut b = ContextBuilder::new();
        b.add_cert_chain(ck.cert.pem().as_bytes());
        b.add_key(ck.signing_key.serialize_pem().as_bytes(), None);
        let ctx = b.build().unwrap();

        let client_ctx = ContextBuilder::new().build().unwrap();
        let opts = ClientOptions { sni: true, ..ClientOptions::default() };
        let mut client = Pump::client(&client_ctx, &opts, "localhost", Arc::new(Hooks::new(None))).unwrap();
        let mut wire = client.output().to_vec();
        // An application_data record no key can open.
        wire.extend_from_slice(&[23, 3, 3, 0, 32]);
        wire.extend_from_slice(&[0x5a; 32]);

        let mut server = Pump::server(&ctx);
        let progress = server.receive(&wire).unwrap();
        assert_ne!(progress.events & event::CLIENT_HELLO, 0);
        let err = server.accept(&ctx, &ServerOptions::default(), None, None).unwrap_err();
        assert!(err.code.starts_with("ERR_SSL_"), "{}", err.code);
        let out = server.output().to_vec();
        assert_eq!(out.first(), Some(&22), "the ServerHello flight leaves");
        assert!(out.len() > 100, "and the alert after it: {} bytes", out.len());
        assert_eq!(server.receive(b"more").unwrap_err().code, err.code, "the error sticks");
    }

    fn server_context(max_early_data: u32) -> SecureContext {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let mut b = ContextBuilder::new();
        b.add_cert_chain(ck.cert.pem().as_bytes());
        b.add_key(ck.signing_key.serialize_pem().as_bytes(), None);
        b.max_early_data(max_early_data);
        b.build().unwrap()
    }

    /// Feeds `wire` to `pump` (accepting with `ctx` at the ClientHello) and
    /// appends the plaintext it yields to `got`.
    fn feed(pump: &mut Pump, wire: &[u8], ctx: &SecureContext, got: &mut Vec<u8>) {
        let mut rest = wire;
        loop {
            let progress = pump.receive(rest).unwrap();
            rest = &rest[progress.consumed..];
            if progress.events & event::CLIENT_HELLO != 0 {
                pump.accept(ctx, &ServerOptions::default(), None, None).unwrap();
            }
            while pump.plaintext_len() > 0 {
                let mut buf = vec![0; pump.plaintext_len()];
                let n = pump.read_plaintext(&mut buf);
                got.extend_from_slice(&buf[..n]);
            }
            if rest.is_empty() && progress.events & event::CLIENT_HELLO == 0 {
                break;
            }
        }
    }

    /// Runs a client and a server pump against each other until neither
    /// has anything to send; returns what the server read.
    fn converse(client: &mut Pump, server: &mut Pump, ctx: &SecureContext, after: &[u8]) -> Vec<u8> {
        let (mut at_server, mut at_client) = (Vec::new(), Vec::new());
        let mut sent_after = false;
        for _ in 0..16 {
            if !client.is_handshaking() && !sent_after {
                client.send(&[after]).unwrap();
                sent_after = true;
            }
            let c = client.output().to_vec();
            client.consume_output();
            feed(server, &c, ctx, &mut at_server);
            let s = server.output().to_vec();
            server.consume_output();
            feed(client, &s, ctx, &mut at_client);
            if c.is_empty() && s.is_empty() && sent_after {
                break;
            }
        }
        at_server
    }

    /// The client pump's context stays alive between its connections, as a
    /// session resumes only with the verifier it was made with.
    fn client_pump(client_ctx: &SecureContext, session: Option<Vec<u8>>) -> Pump {
        let opts = ClientOptions { sni: true, early_data: true, ..ClientOptions::default() };
        Pump::client(client_ctx, &opts, "localhost", Arc::new(Hooks::new(session))).unwrap()
    }

    /// A session from a full handshake with a server of `ctx`.
    fn session_from(client_ctx: &SecureContext, ctx: &SecureContext) -> Vec<u8> {
        let mut client = client_pump(client_ctx, None);
        let mut server = Pump::server(ctx);
        converse(&mut client, &mut server, ctx, b"x");
        client.take_sessions().pop().expect("a TLS 1.3 ticket")
    }

    #[test]
    fn early_data_accepted_comes_first_and_the_rest_follows() {
        let ctx = server_context(8);
        let client_ctx = ContextBuilder::new().build().unwrap();
        let session = session_from(&client_ctx, &ctx);
        let mut client = client_pump(&client_ctx, Some(session));
        client.offer_early_data(b"early data, more than eight bytes".to_vec());
        let mut server = Pump::server(&ctx);
        let got = converse(&mut client, &mut server, &ctx, b" / after");
        assert_eq!(got, b"early data, more than eight bytes / after");
        assert!(client.is_resumed());
        assert!(client.early_data_accepted());
        assert!(server.early_data_accepted());
    }

    #[test]
    fn early_data_rejected_is_resent_after_the_handshake() {
        let ctx = server_context(1024);
        let client_ctx = ContextBuilder::new().build().unwrap();
        let session = session_from(&client_ctx, &ctx);
        // Another server (its own session store) cannot resume the ticket.
        let other = server_context(1024);
        let mut client = client_pump(&client_ctx, Some(session));
        client.offer_early_data(b"GET /".to_vec());
        let mut server = Pump::server(&other);
        let got = converse(&mut client, &mut server, &other, b" then more");
        assert_eq!(got, b"GET / then more");
        assert!(!client.is_resumed());
        assert!(!client.early_data_accepted());
        assert!(!server.early_data_accepted());
    }

    #[test]
    fn junk_before_handshake_is_wrong_version_number() {
        let ctx = ContextBuilder::new().build().unwrap();
        let mut pump = Pump::server(&ctx);
        let err = pump.receive(b"\x00\x01junk junk junk junk\n").unwrap_err();
        assert_eq!(err.code, "ERR_SSL_WRONG_VERSION_NUMBER");
        let mut pump = Pump::server(&ctx);
        let err = pump.receive(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap_err();
        assert_eq!(err.code, "ERR_SSL_HTTP_REQUEST");
    }
}

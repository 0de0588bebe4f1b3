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
//!
//! This file is the record pump proper: the [`Pump`] and its stages, its
//! construction, and receive/read/send/output/close. The rest of `impl Pump`
//! is one concept per file:
//!
//! - `accept`: the server's ClientHello stage, before a context is chosen
//! - `early_data`: TLS 1.3 early data (0-RTT), a client's and a server's
//! - `introspection`: what was negotiated and who the peer is
//! - `sessions`: what the per-connection hooks collected (sessions, key log, OCSP)

mod accept;
mod early_data;
mod introspection;
mod sessions;

use std::io::Write;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::server::{Accepted, Acceptor};
use rustls::{ClientConnection, Connection, SignatureScheme};

use crate::client_hello::HelloInfo;
use crate::config::{ClientOptions, SecureContext};
use crate::ech::{self, EchOffer};
use crate::hooks::{self, Hooks};
use crate::verifier::TrustPolicy;
use crate::{ssl_error, Result, TlsError};

use early_data::EarlyOut;

/// rustls refuses to read more records once this much plaintext waits
/// (its `DEFAULT_RECEIVED_PLAINTEXT_LIMIT`); [`Pump::receive`] stops there so
/// the caller can drain it.
const PLAINTEXT_HIGH_WATER: usize = 16 * 1024;

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

impl Pump {
    /// A client connection. `server_name` is what the server is checked
    /// and sessions are cached under; it is sent as SNI when `opts.sni`.
    pub fn client(ctx: &SecureContext, opts: &ClientOptions, server_name: &str, hooks: Arc<Hooks>) -> Result<Self> {
        let config = hooks.client_config(&*ctx.client_config(opts)?);
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
        let conn = ClientConnection::new(config, name.clone()).map_err(|e| ssl_error::from_rustls(&e, false))?;
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
        // The shared verifier and resolver report to this connection.
        let _in = hooks::enter(self.hooks.as_ref());
        match &mut self.stage {
            Stage::ReadingHello(_) => self.receive_hello(data),
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
        if let Some(n) = self.read_early_data(buf) {
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

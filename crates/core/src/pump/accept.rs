//! The server's ClientHello stage: reading the ClientHello before a context
//! is chosen, what the SNI, ALPN, 'resumeSession' and 'OCSPRequest'
//! callbacks see of it, and accepting it with the chosen context (or
//! refusing it, with the alert OpenSSL would send).

use std::sync::Arc;

use rustls::server::AcceptedAlert;
use rustls::Connection;

use super::{event, unlimit, Progress, Pump, Stage};
use crate::client_hello;
use crate::config::{SecureContext, ServerOptions};
use crate::hooks::Hooks;
use crate::{ssl_error, Result, TlsError};

/// The most ClientHello bytes kept for [`client_hello`] (rustls itself
/// caps a handshake message at 64 KiB).
const MAX_HELLO_BYTES: usize = 64 * 1024;

impl Pump {
    /// [`Pump::receive`] while the ClientHello is being read: stops with
    /// CLIENT_HELLO once it is complete.
    pub(super) fn receive_hello(&mut self, data: &[u8]) -> Result<Progress> {
        // Only called in this stage.
        let Stage::ReadingHello(acceptor) = &mut self.stage else { return Ok(Progress::default()) };
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
        let shared = match ocsp {
            Some(response) => ctx.server_config_stapling(opts, response)?,
            None => ctx.server_config(opts)?,
        };
        let config = match &hooks {
            Some(h) => h.server_config(&shared, opts.external_sessions),
            None => shared,
        };
        self.hooks = hooks;
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
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::config::{ClientOptions, ContextBuilder, ServerOptions};
    use crate::hooks::Hooks;
    use crate::pump::{event, Pump};

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

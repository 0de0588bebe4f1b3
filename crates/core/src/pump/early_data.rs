//! TLS 1.3 early data (0-RTT, RFC 8446 §2.3): a client's `earlyData`, sent
//! early as far as the session allows and the rest once the handshake is
//! done, and the early data a server receives, read ahead of everything
//! else.

use std::io::{Read, Write};

use rustls::Connection;

use super::{Pump, Stage};
use crate::Result;

/// The most plaintext one TLS record carries (RFC 8446 §5.1): the chunks
/// early data is read in, as the records it came in.
const MAX_RECORD_PLAINTEXT: usize = 16 * 1024;

/// A client's early data and how much of it went out as 0-RTT.
pub(super) struct EarlyOut {
    data: Vec<u8>,
    sent: usize,
}

impl Pump {
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
    pub(super) fn finish_early_data(&mut self) -> Result<()> {
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
    pub(super) fn collect_early_data(conn: &mut Connection, early_in: &mut Vec<u8>, accepted: &mut bool) {
        if let Connection::Server(s) = conn {
            if let Some(mut reader) = s.early_data() {
                *accepted = true;
                let _ = reader.read_to_end(early_in);
            }
        }
    }

    /// Server: early data not yet read; it is readable once the handshake is done.
    pub(super) fn early_in_pending(&self) -> usize {
        if self.handshake_done {
            self.early_in.len() - self.early_in_read
        } else {
            0
        }
    }

    /// Server: [`Pump::read_plaintext`] of early data, one record's worth
    /// at most; None when there is none to read.
    pub(super) fn read_early_data(&mut self, buf: &mut [u8]) -> Option<usize> {
        let early = self.early_in_pending();
        if early == 0 {
            return None;
        }
        let n = early.min(buf.len()).min(MAX_RECORD_PLAINTEXT);
        let from = self.early_in_read;
        buf[..n].copy_from_slice(&self.early_in[from..from + n]);
        self.early_in_read += n;
        if self.early_in_read == self.early_in.len() {
            self.early_in = Vec::new();
            self.early_in_read = 0;
        }
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::config::{ClientOptions, ContextBuilder, SecureContext, ServerOptions};
    use crate::hooks::Hooks;
    use crate::pump::{event, Pump};

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
}

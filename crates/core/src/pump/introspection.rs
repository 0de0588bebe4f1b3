//! What the handshake settled and who the peer is, as Node's `TLSSocket`
//! reports it: protocol, cipher, group, ALPN, SNI, the peer's certificates
//! and whether they are trusted, shared signature algorithms, resumption,
//! ECH, and the keying material exporter.

use rustls::client::EchStatus;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::{Connection, SignatureScheme};

use super::{Pump, Stage};
use crate::suites;
use crate::verifier::{self, PeerRole, VerifyFailure};
use crate::{Result, TlsError};

impl Pump {
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

    /// Whether this handshake resumed a session (`isSessionReused()`).
    pub fn is_resumed(&self) -> bool {
        matches!(self.live().and_then(|c| c.handshake_kind()), Some(rustls::HandshakeKind::Resumed))
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

//! Server certificate selection.
//!
//! A Node context may hold several key/certificate pairs (say RSA and
//! ECDSA); OpenSSL then picks one the client can verify. This resolver
//! does the same with the ClientHello's `signature_algorithms`
//! (RFC 8446 §4.2.3), in the client's order of preference: the pair that
//! can sign with the first scheme the client offers that any pair can. As
//! OpenSSL does in TLS 1.3 (in TLS 1.2 OpenSSL's choice follows the cipher
//! suite list instead). Clients choose their certificate the same way from
//! the server's CertificateRequest. When no pair fits, the first is given
//! anyway, so the handshake fails on the signature scheme with the
//! handshake_failure alert OpenSSL sends, not rustls's access_denied.

use std::sync::Arc;

use rustls::client::ResolvesClientCert;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::SignatureScheme;

#[derive(Debug)]
pub struct IdentityResolver {
    identities: Vec<Arc<CertifiedKey>>,
    /// Node's `sigalgs`: only these schemes may be used to sign.
    allowed: Option<Vec<SignatureScheme>>,
}

impl IdentityResolver {
    pub fn new(identities: Vec<Arc<CertifiedKey>>, allowed: Option<Vec<SignatureScheme>>) -> Self {
        Self { identities, allowed }
    }

    pub fn choose(&self, offered: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        let allowed = |s: &SignatureScheme| self.allowed.as_ref().is_none_or(|a| a.contains(s));
        offered
            .iter()
            .filter(|s| allowed(s))
            .find_map(|s| self.identities.iter().find(|id| id.key.choose_scheme(&[*s]).is_some()))
            .or_else(|| self.identities.first())
            .cloned()
    }
}

impl ResolvesServerCert for IdentityResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.choose(hello.signature_schemes())
    }
}

impl ResolvesClientCert for IdentityResolver {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        offered: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        crate::hooks::record_peer_sigschemes(offered);
        self.choose(offered)
    }

    fn has_certs(&self) -> bool {
        !self.identities.is_empty()
    }
}

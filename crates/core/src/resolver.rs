//! Server certificate selection.
//!
//! A Node context may hold several key/certificate pairs (say RSA and
//! ECDSA); OpenSSL then picks the one the client can verify. This resolver
//! does the same with the ClientHello's `signature_algorithms`
//! (RFC 8446 §4.2.3): the first pair, in the order given, whose key can sign
//! with a scheme the client offers. Clients choose their certificate the
//! same way from the server's CertificateRequest.

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
        let usable: Vec<SignatureScheme> = match &self.allowed {
            Some(allowed) => offered.iter().filter(|s| allowed.contains(s)).copied().collect(),
            None => offered.to_vec(),
        };
        self.identities
            .iter()
            .find(|id| id.key.choose_scheme(&usable).is_some())
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
        self.choose(offered)
    }

    fn has_certs(&self) -> bool {
        !self.identities.is_empty()
    }
}

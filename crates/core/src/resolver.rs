//! Choosing our certificate for the peer.
//!
//! A Node context may hold several key/certificate pairs (say RSA and
//! ECDSA); OpenSSL then uses one the client can take:
//!
//! - in TLS 1.3 suites say nothing of the key, so the pair that can sign
//!   with the first scheme of the ClientHello's `signature_algorithms` (RFC
//!   8446 §4.2.3) that any pair can;
//! - in TLS 1.2 the suite names the key type (ECDHE-RSA, ECDHE-ECDSA), so
//!   OpenSSL walks the suites, the server's order by default
//!   (`honorCipherOrder`) or the client's, and takes the first one it has a
//!   pair for, whose key can also sign with a scheme the client offers.
//!
//! Clients choose their certificate the same way from the server's
//! CertificateRequest. When no pair fits, the first is given anyway, so the
//! handshake fails on the signature scheme with the handshake_failure
//! alert OpenSSL sends, not rustls's access_denied.

use std::sync::Arc;

use rustls::client::ResolvesClientCert;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::{CertifiedKey, Signer, SigningKey};
use rustls::{CipherSuite, SignatureAlgorithm, SignatureScheme};

use crate::suites;

#[derive(Debug)]
pub struct IdentityResolver {
    identities: Vec<Arc<CertifiedKey>>,
    /// Node's `sigalgs`: only these schemes may be used to sign.
    allowed: Option<Vec<SignatureScheme>>,
    /// Server: the TLS 1.2 suites in its order of preference, whether that
    /// order wins, and whether it speaks TLS 1.3.
    server: Option<ServerSuites>,
}

#[derive(Debug)]
struct ServerSuites {
    tls12: Vec<CipherSuite>,
    honor_order: bool,
    tls13: bool,
}

impl IdentityResolver {
    pub fn new(identities: Vec<Arc<CertifiedKey>>, allowed: Option<Vec<SignatureScheme>>) -> Self {
        let identities = match &allowed {
            Some(schemes) => identities.iter().map(|id| restrict(id, schemes)).collect(),
            None => identities,
        };
        Self { identities, allowed, server: None }
    }

    /// For a server: its suites (in its preference order) and versions.
    pub fn for_server(mut self, suites: &[rustls::SupportedCipherSuite], honor_order: bool) -> Self {
        let tls12 = suites.iter().filter(|s| s.version() == &rustls::version::TLS12).map(|s| s.suite()).collect();
        let tls13 = suites.iter().any(|s| s.version() == &rustls::version::TLS13);
        self.server = Some(ServerSuites { tls12, honor_order, tls13 });
        self
    }

    fn can_sign(&self, id: &CertifiedKey, scheme: SignatureScheme) -> bool {
        self.allowed.as_ref().is_none_or(|a| a.contains(&scheme)) && id.key.choose_scheme(&[scheme]).is_some()
    }

    pub fn choose(&self, offered: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        offered
            .iter()
            .find_map(|s| self.identities.iter().find(|id| self.can_sign(id, *s)))
            .or_else(|| self.identities.first())
            .cloned()
    }

    /// TLS 1.2: the first suite (in the order that wins) we hold a pair for
    /// that can sign with a scheme the client offers.
    fn choose_tls12(&self, server: &ServerSuites, hello: &ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let offered = hello.cipher_suites();
        let order: Vec<CipherSuite> = if server.honor_order {
            server.tls12.iter().copied().filter(|s| offered.contains(s)).collect()
        } else {
            offered.iter().copied().filter(|s| server.tls12.contains(s)).collect()
        };
        order.iter().find_map(|suite| {
            self.identities
                .iter()
                .find(|id| {
                    suite_takes(*suite, id.key.algorithm())
                        && hello.signature_schemes().iter().any(|s| self.can_sign(id, *s))
                })
                .cloned()
        })
    }
}

/// The pair with a key that signs only with `schemes` (Node's `sigalgs`),
/// whichever pair the choice falls back to.
fn restrict(id: &CertifiedKey, schemes: &[SignatureScheme]) -> Arc<CertifiedKey> {
    let key = Arc::new(RestrictedKey { inner: id.key.clone(), allowed: schemes.to_vec() });
    let mut restricted = CertifiedKey::new(id.cert.clone(), key);
    restricted.ocsp = id.ocsp.clone();
    Arc::new(restricted)
}

#[derive(Debug)]
struct RestrictedKey {
    inner: Arc<dyn SigningKey>,
    allowed: Vec<SignatureScheme>,
}

impl SigningKey for RestrictedKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        let usable: Vec<SignatureScheme> = offered.iter().copied().filter(|s| self.allowed.contains(s)).collect();
        self.inner.choose_scheme(&usable)
    }

    fn public_key(&self) -> Option<rustls::pki_types::SubjectPublicKeyInfoDer<'_>> {
        self.inner.public_key()
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        self.inner.algorithm()
    }
}

/// Whether a TLS 1.2 suite's authentication takes a key of this algorithm
/// (RFC 8422 §5.5 puts Ed25519 under the ECDSA suites).
fn suite_takes(suite: CipherSuite, key: SignatureAlgorithm) -> bool {
    let Some(names) = suites::names(suite) else { return false };
    match key {
        SignatureAlgorithm::RSA => names.openssl.contains("-RSA-"),
        SignatureAlgorithm::ECDSA | SignatureAlgorithm::ED25519 => names.openssl.contains("-ECDSA-"),
        _ => false,
    }
}

fn is_tls13_suite(suite: &CipherSuite) -> bool {
    suites::names(*suite).is_some_and(|n| n.version == "TLSv1.3")
}

impl ResolvesServerCert for IdentityResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        if let Some(server) = &self.server {
            let tls13 = server.tls13 && hello.cipher_suites().iter().any(is_tls13_suite);
            if !tls13 && self.identities.len() > 1 {
                if let Some(id) = self.choose_tls12(server, &hello) {
                    return Some(id);
                }
            }
        }
        self.choose(hello.signature_schemes())
    }
}

impl ResolvesClientCert for IdentityResolver {
    fn resolve(&self, _root_hint_subjects: &[&[u8]], offered: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        crate::hooks::record_peer_sigschemes(offered);
        self.choose(offered)
    }

    fn has_certs(&self) -> bool {
        !self.identities.is_empty()
    }
}

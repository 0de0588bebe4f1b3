//! Trust anchors kept whole.
//!
//! webpki verifies against `TrustAnchor`s (subject, key, name constraints),
//! but Node shows more of the trusted certificates than that: the detailed
//! `getPeerCertificate(true)` chain ends at the root certificate from the
//! store, and OpenSSL trusts a peer whose leaf *is* a trusted certificate.
//! So next to the rustls `RootCertStore` this keeps each certificate's DER,
//! indexed by its subject name.

use std::collections::HashMap;

use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

use crate::{Result, TlsError};

#[derive(Debug)]
pub struct Anchors {
    pub store: RootCertStore,
    certs: Vec<CertificateDer<'static>>,
    by_subject: HashMap<Vec<u8>, usize>,
}

impl Default for Anchors {
    fn default() -> Self {
        Self { store: RootCertStore::empty(), certs: Vec::new(), by_subject: HashMap::new() }
    }
}

impl Anchors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, cert: CertificateDer<'static>) -> Result<()> {
        self.store.add(cert.clone()).map_err(|e| {
            TlsError::new("ERR_OSSL_X509_UNSUPPORTED", format!("unusable CA certificate: {e}"))
        })?;
        if let Some(subject) = names(&cert).map(|(subject, _)| subject) {
            self.by_subject.entry(subject).or_insert(self.certs.len());
        }
        self.certs.push(cert);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.certs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// Whether `cert` is itself one of the trusted certificates.
    pub fn contains(&self, cert: &CertificateDer<'_>) -> bool {
        self.certs.iter().any(|c| c.as_ref() == cert.as_ref())
    }

    /// The trusted certificate that issued `cert` (matched by name, as
    /// OpenSSL's chain building starts), unless `cert` is self-issued.
    pub fn issuer_of(&self, cert: &CertificateDer<'_>) -> Option<&CertificateDer<'static>> {
        let (subject, issuer) = names(cert)?;
        if subject == issuer {
            return None;
        }
        self.by_subject.get(&issuer).map(|&i| &self.certs[i])
    }
}

/// Raw DER of the subject and issuer names of a certificate.
fn names(cert: &CertificateDer<'_>) -> Option<(Vec<u8>, Vec<u8>)> {
    use x509_parser::prelude::FromDer;
    let (_, c) = x509_parser::certificate::X509Certificate::from_der(cert.as_ref()).ok()?;
    Some((c.subject().as_raw().to_vec(), c.issuer().as_raw().to_vec()))
}

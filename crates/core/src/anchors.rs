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

use crate::{verifier, Result, TlsError};

#[derive(Debug)]
pub struct Anchors {
    pub store: RootCertStore,
    certs: Vec<CertificateDer<'static>>,
    /// Raw subject Name → indices into `certs`.
    by_subject: HashMap<Vec<u8>, Vec<usize>>,
    /// Subjects of trusted certificates that are not self-issued
    /// (intermediates given as `ca`).
    not_roots: Vec<Vec<u8>>,
}

impl Default for Anchors {
    fn default() -> Self {
        Self { store: RootCertStore::empty(), certs: Vec::new(), by_subject: HashMap::new(), not_roots: Vec::new() }
    }
}

impl Anchors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, cert: CertificateDer<'static>) -> Result<()> {
        self.store
            .add(cert.clone())
            .map_err(|e| TlsError::new("ERR_OSSL_X509_UNSUPPORTED", format!("unusable CA certificate: {e}")))?;
        if let Some(names) = names(&cert) {
            if !names.self_issued {
                self.not_roots.push(names.subject.clone());
            }
            self.by_subject.entry(names.subject).or_default().push(self.certs.len());
        }
        self.certs.push(cert);
        Ok(())
    }

    /// Adds every certificate of `other` (Node's default roots and a
    /// context's own CAs, when `addCACert()` extends the default store).
    pub fn extend_from(&mut self, other: &Anchors) -> Result<()> {
        for cert in &other.certs {
            self.add(cert.clone())?;
        }
        Ok(())
    }

    /// The trusted certificates whose subject is the raw DER Name `subject`.
    pub fn with_subject<'a>(&'a self, subject: &[u8]) -> impl Iterator<Item = &'a CertificateDer<'static>> + 'a {
        self.by_subject.get(subject).into_iter().flatten().map(|&i| &self.certs[i])
    }

    pub fn len(&self) -> usize {
        self.certs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// Whether `cert` is itself one of the trusted certificates and
    /// self-issued (a pinned self-signed certificate).
    pub fn contains_root(&self, cert: &CertificateDer<'_>) -> bool {
        self.certs.iter().any(|c| c.as_ref() == cert.as_ref()) && verifier::is_self_issued_der(cert.as_ref())
    }

    /// Whether the trust anchor with this subject (DER contents of the Name,
    /// as in webpki's `TrustAnchor::subject`) is an intermediate rather
    /// than a root. OpenSSL without `X509_V_FLAG_PARTIAL_CHAIN` does not
    /// stop at such an anchor: it goes on looking for its issuer.
    pub fn is_intermediate(&self, anchor_subject: &[u8]) -> bool {
        self.not_roots.iter().any(|s| name_contents(s) == Some(anchor_subject))
    }

    /// Whether the trusted intermediate with this subject (DER contents of
    /// the Name) leads, through trusted certificates, to a trusted root:
    /// OpenSSL then completes the chain from its store and accepts it.
    /// `verifies(cert, issuer)` checks a link's signature.
    pub fn reaches_root(&self, anchor_subject: &[u8], verifies: impl Fn(&[u8], &[u8]) -> bool) -> bool {
        let start =
            self.certs.iter().find(|c| names(c).is_some_and(|n| name_contents(&n.subject) == Some(anchor_subject)));
        let Some(mut current) = start else { return false };
        for _ in 0..10 {
            let Some(names) = names(current) else { return false };
            if names.self_issued {
                return true;
            }
            match self.with_subject(&names.issuer).find(|c| verifies(current.as_ref(), c.as_ref())) {
                Some(next) => current = next,
                None => return false,
            }
        }
        false
    }

    /// The trusted certificate that issued `cert` (matched by name, as
    /// OpenSSL's chain building starts), unless `cert` is self-issued.
    pub fn issuer_of(&self, cert: &CertificateDer<'_>) -> Option<&CertificateDer<'static>> {
        let names = names(cert)?;
        if names.self_issued {
            return None;
        }
        self.with_subject(&names.issuer).next()
    }
}

/// The contents of a DER Name (without its SEQUENCE header).
fn name_contents(name: &[u8]) -> Option<&[u8]> {
    if name.first() != Some(&0x30) || name.len() < 2 {
        return None;
    }
    let (len_bytes, len) = match name[1] {
        n if n < 0x80 => (0, n as usize),
        0x81 => (1, *name.get(2)? as usize),
        0x82 => (2, u16::from_be_bytes([*name.get(2)?, *name.get(3)?]) as usize),
        _ => return None,
    };
    let start = 2 + len_bytes;
    name.get(start..start + len)
}

/// Raw DER of the subject and issuer names of a certificate.
struct Names {
    subject: Vec<u8>,
    issuer: Vec<u8>,
    /// [`verifier::is_self_issued`].
    self_issued: bool,
}

/// The [`Names`] of a certificate; `None` when it does not parse.
fn names(cert: &CertificateDer<'_>) -> Option<Names> {
    use x509_parser::prelude::FromDer;
    let (_, c) = x509_parser::certificate::X509Certificate::from_der(cert.as_ref()).ok()?;
    Some(Names {
        subject: c.subject().as_raw().to_vec(),
        issuer: c.issuer().as_raw().to_vec(),
        self_issued: verifier::is_self_issued(&c),
    })
}

//! Peer certificate verification with Node's (OpenSSL's) outcome names.
//!
//! Node separates two questions that rustls answers together:
//!
//! 1. Is the peer's chain trusted? (OpenSSL's `X509_verify_cert`.) The answer
//!    is either success or an error *name* such as `DEPTH_ZERO_SELF_SIGNED_CERT`,
//!    which Node shows as `socket.authorizationError`. With
//!    `rejectUnauthorized: false` the handshake goes on regardless.
//! 2. Does the certificate match the host? Node answers that in JavaScript,
//!    with `checkServerIdentity`, after the handshake.
//!
//! So the verifiers here check the chain with webpki (RFC 5280 path
//! building) but never the name, and map webpki's errors onto OpenSSL's
//! verify-result names. When the peer is rejected the handshake fails inside
//! rustls, so the peer gets a proper alert (RFC 8446 §6.2) instead of a
//! connection that is dropped after it completed.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};

use crate::anchors::Anchors;
use crate::{cert_info, hooks, openssl_path};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, Error, OtherError, SignatureScheme};

/// An OpenSSL verify-result, named as Node names it (`err.code`, and the
/// string in `socket.authorizationError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyFailure {
    pub code: &'static str,
    pub message: &'static str,
}

impl fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for VerifyFailure {}

const fn failure(code: &'static str, message: &'static str) -> VerifyFailure {
    VerifyFailure { code, message }
}

pub const DEPTH_ZERO_SELF_SIGNED_CERT: VerifyFailure =
    failure("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate");
pub const SELF_SIGNED_CERT_IN_CHAIN: VerifyFailure =
    failure("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain");
pub const UNABLE_TO_VERIFY_LEAF_SIGNATURE: VerifyFailure =
    failure("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate");
pub const UNABLE_TO_GET_ISSUER_CERT_LOCALLY: VerifyFailure =
    failure("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate");
pub const CERT_HAS_EXPIRED: VerifyFailure = failure("CERT_HAS_EXPIRED", "certificate has expired");
pub const CERT_NOT_YET_VALID: VerifyFailure = failure("CERT_NOT_YET_VALID", "certificate is not yet valid");
pub const CERT_REVOKED: VerifyFailure = failure("CERT_REVOKED", "certificate revoked");
pub const UNABLE_TO_GET_CRL: VerifyFailure = failure("UNABLE_TO_GET_CRL", "unable to get certificate CRL");
pub const CRL_HAS_EXPIRED: VerifyFailure = failure("CRL_HAS_EXPIRED", "CRL has expired");
pub const CERT_SIGNATURE_FAILURE: VerifyFailure = failure("CERT_SIGNATURE_FAILURE", "certificate signature failure");
pub const INVALID_PURPOSE: VerifyFailure = failure("INVALID_PURPOSE", "unsupported certificate purpose");
pub const INVALID_CA: VerifyFailure = failure("INVALID_CA", "invalid CA certificate");
pub const PATH_LENGTH_EXCEEDED: VerifyFailure = failure("PATH_LENGTH_EXCEEDED", "path length constraint exceeded");
pub const CERT_REJECTED: VerifyFailure = failure("CERT_REJECTED", "certificate rejected");
pub const UNABLE_TO_GET_ISSUER_CERT: VerifyFailure =
    failure("UNABLE_TO_GET_ISSUER_CERT", "unable to get issuer certificate");
pub const NO_PEER_CERTIFICATE: VerifyFailure = UNABLE_TO_GET_ISSUER_CERT;

/// Which end of the connection the peer is: decides the extended key usage
/// the chain must allow (RFC 5280 §4.2.1.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerRole {
    Server,
    Client,
}

/// What a chain is checked against: trust anchors, CRLs, algorithms.
#[derive(Debug)]
pub struct TrustPolicy {
    pub anchors: Arc<Anchors>,
    pub crls: Vec<CertificateRevocationListDer<'static>>,
    pub algorithms: WebPkiSupportedAlgorithms,
}

impl TrustPolicy {
    /// Checks `end_entity` + `intermediates` up to a trust anchor. Only the
    /// chain: the host name is Node's `checkServerIdentity`'s business.
    pub fn verify_chain(
        &self,
        role: PeerRole,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<(), VerifyFailure> {
        // OpenSSL trusts a peer whose leaf is itself a trusted certificate
        // (a pinned self-signed one); webpki's anchors cannot say that.
        if self.anchors.contains_root(end_entity) {
            return check_validity(end_entity, now);
        }
        let cert = match webpki::EndEntityCert::try_from(end_entity) {
            Ok(cert) => cert,
            Err(webpki::Error::UnsupportedCertVersion) => {
                return openssl_path::verify(self, role, end_entity, intermediates, now)
            }
            Err(_) => return Err(CERT_REJECTED),
        };
        let usage = match role {
            PeerRole::Server => webpki::KeyUsage::server_auth(),
            PeerRole::Client => webpki::KeyUsage::client_auth(),
        };
        let parsed_crls: Vec<webpki::CertRevocationList<'_>> = self
            .crls
            .iter()
            .filter_map(|crl| webpki::OwnedCertRevocationList::from_der(crl.as_ref()).ok())
            .map(webpki::CertRevocationList::from)
            .collect();
        let crl_refs: Vec<&webpki::CertRevocationList<'_>> = parsed_crls.iter().collect();
        let revocation = if crl_refs.is_empty() {
            None
        } else {
            // Node sets X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL
            // when `crl` is given: every certificate of the chain needs a
            // CRL from its issuer, and one that has none fails.
            webpki::RevocationOptionsBuilder::new(&crl_refs).ok().map(|b| {
                b.with_depth(webpki::RevocationCheckDepth::Chain)
                    .with_status_policy(webpki::UnknownStatusPolicy::Deny)
                    .with_expiration_policy(webpki::ExpirationPolicy::Enforce)
                    .build()
            })
        };
        let verified = cert.verify_for_usage(
            self.algorithms.all,
            &self.anchors.store.roots,
            intermediates,
            now,
            usage,
            revocation,
            None,
        );
        let path = match verified {
            Ok(path) => path,
            // What OpenSSL accepts and webpki does not: a CA certificate as
            // the peer's own, X.509 v1 certificates in the chain.
            Err(webpki::Error::CaUsedAsEndEntity) => {
                return openssl_path::verify(self, role, end_entity, intermediates, now)
            }
            Err(webpki::Error::UnknownIssuer | webpki::Error::UnsupportedCertVersion)
                if intermediates.iter().any(is_v1) =>
            {
                return openssl_path::verify(self, role, end_entity, intermediates, now)
            }
            Err(e) => return Err(openssl_name(&e, end_entity, intermediates)),
        };
        // A chain that ends at a trusted intermediate is a partial chain,
        // which OpenSSL (and so Node) does not accept by default, unless
        // the store also holds the way from it to a root.
        let anchor = path.anchor().subject.as_ref();
        if self.anchors.is_intermediate(anchor)
            && !self.anchors.reaches_root(anchor, |cert, issuer| openssl_path::signature_verifies(self, cert, issuer))
        {
            return Err(UNABLE_TO_GET_ISSUER_CERT);
        }
        Ok(())
    }
}

/// Maps a webpki error to the OpenSSL verify result Node would report for the
/// same chain. Issuer-not-found depends on the chain's shape, as in OpenSSL:
/// a lone self-signed leaf, a chain ending in a self-signed root, a lone
/// leaf, or intermediates whose issuer is unknown.
fn openssl_name(
    err: &webpki::Error,
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
) -> VerifyFailure {
    use webpki::Error as E;
    match err {
        E::UnknownIssuer => issuer_not_found(end_entity, intermediates),
        E::CertExpired { .. } => CERT_HAS_EXPIRED,
        E::CertNotValidYet { .. } => CERT_NOT_YET_VALID,
        E::CertRevoked => CERT_REVOKED,
        E::UnknownRevocationStatus => UNABLE_TO_GET_CRL,
        E::CrlExpired { .. } => CRL_HAS_EXPIRED,
        E::InvalidSignatureForPublicKey
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => CERT_SIGNATURE_FAILURE,
        E::RequiredEkuNotFoundContext(_) => INVALID_PURPOSE,
        E::CaUsedAsEndEntity | E::EndEntityUsedAsCa => INVALID_CA,
        E::PathLenConstraintViolated => PATH_LENGTH_EXCEEDED,
        _ => CERT_REJECTED,
    }
}

/// An X.509 v1 certificate (no version field), which webpki does not take.
fn is_v1(cert: &CertificateDer<'_>) -> bool {
    use x509_parser::prelude::FromDer;
    x509_parser::certificate::X509Certificate::from_der(cert.as_ref()).is_ok_and(|(_, c)| c.version().0 == 0)
}

/// Verifies a handshake signature (TLS 1.2 ServerKeyExchange or
/// CertificateVerify) with the key in the peer's certificate, read directly:
/// whatever the certificate's version, as OpenSSL does. Whether the
/// certificate is trusted is the chain check's business, not this one's.
fn verify_handshake_signature(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
    algorithms: &WebPkiSupportedAlgorithms,
    tls13: bool,
) -> Result<HandshakeSignatureValid, Error> {
    use rustls::PeerMisbehaved;
    // RFC 8446 §4.4.3: no PKCS#1 v1.5 and no SHA-1 in TLS 1.3 CertificateVerify.
    let allowed_in_tls13 = !matches!(
        dss.scheme,
        SignatureScheme::RSA_PKCS1_SHA1
            | SignatureScheme::RSA_PKCS1_SHA256
            | SignatureScheme::RSA_PKCS1_SHA384
            | SignatureScheme::RSA_PKCS1_SHA512
            | SignatureScheme::ECDSA_SHA1_Legacy
    );
    if tls13 && !allowed_in_tls13 {
        return Err(PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme.into());
    }
    let parts =
        cert_info::signed_parts(cert.as_ref()).ok_or(Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let algs = algorithms
        .mapping
        .iter()
        .find(|(scheme, _)| *scheme == dss.scheme)
        .map(|(_, algs)| *algs)
        .ok_or(PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme)?;
    let alg = algs
        .iter()
        .find(|a| a.public_key_alg_id().as_ref() == parts.key_algorithm)
        .ok_or(Error::InvalidCertificate(CertificateError::BadSignature))?;
    alg.verify_signature(&parts.public_key, message, dss.signature())
        .map(|()| HandshakeSignatureValid::assertion())
        .map_err(|_| Error::InvalidCertificate(CertificateError::BadSignature))
}

/// The validity period check OpenSSL applies to a directly trusted leaf.
fn check_validity(cert: &CertificateDer<'_>, now: UnixTime) -> Result<(), VerifyFailure> {
    use x509_parser::prelude::FromDer;
    let (_, c) = x509_parser::certificate::X509Certificate::from_der(cert.as_ref()).map_err(|_| CERT_REJECTED)?;
    let now = now.as_secs() as i64;
    if now < c.validity().not_before.timestamp() {
        return Err(CERT_NOT_YET_VALID);
    }
    if now > c.validity().not_after.timestamp() {
        return Err(CERT_HAS_EXPIRED);
    }
    Ok(())
}

/// No issuer at all: named after the chain's shape, as OpenSSL names it (a
/// lone self-signed leaf, a chain ending in a self-signed root, a lone leaf,
/// or intermediates whose issuer is unknown).
pub(crate) fn issuer_not_found(end_entity: &CertificateDer<'_>, intermediates: &[CertificateDer<'_>]) -> VerifyFailure {
    if intermediates.is_empty() {
        if is_self_issued_der(end_entity) {
            DEPTH_ZERO_SELF_SIGNED_CERT
        } else {
            UNABLE_TO_VERIFY_LEAF_SIGNATURE
        }
    } else if intermediates.last().is_some_and(|c| is_self_issued_der(c)) {
        SELF_SIGNED_CERT_IN_CHAIN
    } else {
        UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    }
}

/// A certificate whose issuer name equals its subject name, compared as
/// encoded (RFC 5280 §6.1: "self-issued"); OpenSSL calls these self-signed
/// when naming errors. The one place this is decided.
pub(crate) fn is_self_issued(cert: &x509_parser::certificate::X509Certificate<'_>) -> bool {
    cert.issuer().as_raw() == cert.subject().as_raw()
}

/// [`is_self_issued`] for a DER certificate; `false` when it does not parse.
pub(crate) fn is_self_issued_der(cert: &[u8]) -> bool {
    use x509_parser::prelude::FromDer;
    x509_parser::certificate::X509Certificate::from_der(cert).is_ok_and(|(_, c)| is_self_issued(&c))
}

/// Turns a verification failure into the rustls error that aborts the
/// handshake (rustls answers it with a `bad_certificate` alert).
pub fn to_rustls_error(f: VerifyFailure) -> Error {
    Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(f))))
}

/// Finds a [`VerifyFailure`] inside a rustls error, if that is what failed.
pub fn failure_of(err: &Error) -> Option<VerifyFailure> {
    match err {
        Error::InvalidCertificate(CertificateError::Other(OtherError(inner))) => {
            inner.downcast_ref::<VerifyFailure>().copied()
        }
        _ => None,
    }
}

/// Client side: verifies the server's chain.
#[derive(Debug)]
pub struct ServerChainVerifier {
    pub policy: Arc<TrustPolicy>,
    /// `rejectUnauthorized`: when false, a bad chain is let through and only
    /// reported afterwards as `authorizationError`.
    pub reject_unauthorized: bool,
}

impl ServerCertVerifier for ServerChainVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if !ocsp_response.is_empty() {
            hooks::record_ocsp(ocsp_response); // Node's 'OCSPResponse'
        }
        match self.policy.verify_chain(PeerRole::Server, end_entity, intermediates, now) {
            Ok(()) => Ok(ServerCertVerified::assertion()),
            Err(_) if !self.reject_unauthorized => Ok(ServerCertVerified::assertion()),
            Err(f) => Err(to_rustls_error(f)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_handshake_signature(message, cert, dss, &self.policy.algorithms, false)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_handshake_signature(message, cert, dss, &self.policy.algorithms, true)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.policy.algorithms.supported_schemes()
    }
}

/// Server side: asks for and verifies client certificates (`requestCert`).
#[derive(Debug)]
pub struct ClientChainVerifier {
    pub policy: Arc<TrustPolicy>,
    pub request_cert: bool,
    /// `rejectUnauthorized`: a client without a certificate fails the
    /// handshake (OpenSSL's `SSL_VERIFY_FAIL_IF_NO_PEER_CERT`).
    pub require_cert: bool,
    /// A certificate whose chain does not verify fails the handshake.
    /// Node's `tls.Server` lets the handshake finish and then destroys the
    /// socket instead, so that the client sees a reset and the server no
    /// error; the pump reports the failure as `authorizationError` either way.
    pub reject_bad_chain: bool,
    /// CA names sent in the CertificateRequest (RFC 8446 §4.2.4).
    pub hints: Vec<DistinguishedName>,
}

impl ClientChainVerifier {
    pub fn new(policy: Arc<TrustPolicy>, request_cert: bool, require_cert: bool, reject_bad_chain: bool) -> Self {
        let hints = policy.anchors.store.subjects();
        Self { policy, request_cert, require_cert, reject_bad_chain, hints }
    }
}

impl ClientCertVerifier for ClientChainVerifier {
    fn offer_client_auth(&self) -> bool {
        self.request_cert
    }

    fn client_auth_mandatory(&self) -> bool {
        self.request_cert && self.require_cert
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.hints
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        match self.policy.verify_chain(PeerRole::Client, end_entity, intermediates, now) {
            Ok(()) => Ok(ClientCertVerified::assertion()),
            Err(_) if !self.reject_bad_chain => Ok(ClientCertVerified::assertion()),
            Err(f) => Err(to_rustls_error(f)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_handshake_signature(message, cert, dss, &self.policy.algorithms, false)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_handshake_signature(message, cert, dss, &self.policy.algorithms, true)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.policy.algorithms.supported_schemes()
    }
}

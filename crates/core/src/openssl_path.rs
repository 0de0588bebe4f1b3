//! Path validation, OpenSSL's way, for the chains webpki refuses and
//! OpenSSL accepts: X.509 v1 certificates (what `openssl x509 -req` makes
//! without an extensions file, so common in internal and development PKIs)
//! and a CA certificate used as the peer's own.
//!
//! webpki handles every other chain; this runs only when it refuses one of
//! these, and applies what OpenSSL's `X509_verify_cert` applies by default:
//! an issuer found by name whose key verifies the signature, the trust
//! store first; issuers that are CAs (a v3 `basicConstraints` CA, or a v1
//! self-signed root); validity periods; the leaf's extended key usage; and,
//! with `crl`, every certificate's status from its issuer's CRL. Partial
//! chains are not accepted, as in OpenSSL's default.

use rustls::pki_types::{CertificateDer, UnixTime};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use crate::cert_info;
use crate::verifier::{self, PeerRole, TrustPolicy, VerifyFailure};

/// The longest chain looked for (OpenSSL's default depth is 100; real
/// chains are a handful).
const MAX_DEPTH: usize = 10;

struct Link<'a> {
    der: &'a [u8],
    cert: X509Certificate<'a>,
    /// Found in the trust store.
    trusted: bool,
}

impl<'a> Link<'a> {
    fn parse(der: &'a [u8], trusted: bool) -> Option<Self> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        Some(Self { der, cert, trusted })
    }

    fn self_issued(&self) -> bool {
        verifier::is_self_issued(&self.cert)
    }
}

pub(crate) fn verify(
    policy: &TrustPolicy,
    role: PeerRole,
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    now: UnixTime,
) -> Result<(), VerifyFailure> {
    let leaf = Link::parse(end_entity.as_ref(), false).ok_or(verifier::CERT_REJECTED)?;
    let mut path = vec![leaf];
    loop {
        let current = path.last().expect("path starts with the leaf");
        if current.trusted && current.self_issued() {
            break;
        }
        if !current.trusted && current.self_issued() {
            // Self-issued and not in the trust store: OpenSSL trusts it
            // only if it is there as it is.
            if policy.anchors.contains_root(&CertificateDer::from(current.der)) {
                break;
            }
            return Err(if path.len() == 1 {
                verifier::DEPTH_ZERO_SELF_SIGNED_CERT
            } else {
                verifier::SELF_SIGNED_CERT_IN_CHAIN
            });
        }
        if path.len() > MAX_DEPTH {
            return Err(verifier::PATH_LENGTH_EXCEEDED);
        }
        match find_issuer(policy, current, intermediates, &path)? {
            Some(issuer) => {
                if !issuer.trusted && !is_ca(&issuer) {
                    return Err(verifier::INVALID_CA);
                }
                path.push(issuer);
            }
            None if path.iter().any(|l| l.trusted) => return Err(verifier::UNABLE_TO_GET_ISSUER_CERT),
            None => return Err(verifier::issuer_not_found(end_entity, intermediates)),
        }
    }
    let now = now.as_secs() as i64;
    for link in &path {
        let validity = link.cert.validity();
        if now < validity.not_before.timestamp() {
            return Err(verifier::CERT_NOT_YET_VALID);
        }
        if now > validity.not_after.timestamp() {
            return Err(verifier::CERT_HAS_EXPIRED);
        }
    }
    check_purpose(&path[0].cert, role)?;
    if !policy.crls.is_empty() {
        for link in path.iter().filter(|l| !l.self_issued()) {
            check_revocation(policy, &link.cert)?;
        }
    }
    Ok(())
}

/// The issuer of `current`: a certificate with its issuer's name whose key
/// verifies its signature, from the trust store first, then from what the
/// peer sent. A name match whose key does not verify the signature is
/// OpenSSL's "certificate signature failure".
fn find_issuer<'a>(
    policy: &'a TrustPolicy,
    current: &Link<'_>,
    intermediates: &'a [CertificateDer<'a>],
    path: &[Link<'_>],
) -> Result<Option<Link<'a>>, VerifyFailure> {
    let issuer_name = current.cert.issuer().as_raw();
    let trusted = policy.anchors.with_subject(issuer_name).map(|c| (c.as_ref(), true));
    let sent = intermediates.iter().map(|c| (c.as_ref(), false));
    let mut bad_signature = false;
    for (der, is_trusted) in trusted.chain(sent) {
        if path.iter().any(|l| l.der == der) {
            continue;
        }
        let Some(candidate) = Link::parse(der, is_trusted) else { continue };
        if candidate.cert.subject().as_raw() != issuer_name {
            continue;
        }
        if signature_verifies(policy, current.der, candidate.der) {
            return Ok(Some(candidate));
        }
        bad_signature = true;
    }
    if bad_signature {
        return Err(verifier::CERT_SIGNATURE_FAILURE);
    }
    Ok(None)
}

/// Whether `issuer`'s key verifies `cert`'s signature, with the policy's
/// algorithms (webpki's, or the ones of the configured security level).
pub(crate) fn signature_verifies(policy: &TrustPolicy, cert: &[u8], issuer: &[u8]) -> bool {
    let (Some(signed), Some(key)) = (cert_info::signed_parts(cert), cert_info::signed_parts(issuer)) else {
        return false;
    };
    policy
        .algorithms
        .all
        .iter()
        .filter(|alg| alg.signature_alg_id().as_ref() == signed.signature_algorithm)
        .filter(|alg| alg.public_key_alg_id().as_ref() == key.key_algorithm)
        .any(|alg| alg.verify_signature(&key.public_key, signed.tbs, &signed.signature).is_ok())
}

/// OpenSSL's `X509_check_ca`: a v3 certificate with basicConstraints CA,
/// or a v1 self-signed certificate (an old-style root).
fn is_ca(link: &Link<'_>) -> bool {
    match link.cert.basic_constraints() {
        Ok(Some(bc)) => bc.value.ca && key_usage_allows_signing(&link.cert),
        Ok(None) => link.cert.version().0 == 0 && link.self_issued(),
        Err(_) => false,
    }
}

fn key_usage_allows_signing(cert: &X509Certificate<'_>) -> bool {
    match cert.key_usage() {
        Ok(Some(ku)) => ku.value.key_cert_sign(),
        _ => true,
    }
}

/// The leaf's extended key usage, when it has one, must allow its role.
fn check_purpose(leaf: &X509Certificate<'_>, role: PeerRole) -> Result<(), VerifyFailure> {
    let Ok(Some(eku)) = leaf.extended_key_usage() else { return Ok(()) };
    let eku = eku.value;
    let allowed = eku.any
        || match role {
            PeerRole::Server => eku.server_auth,
            PeerRole::Client => eku.client_auth,
        };
    if allowed {
        Ok(())
    } else {
        Err(verifier::INVALID_PURPOSE)
    }
}

/// OpenSSL with `crl` given (Node sets CRL_CHECK | CRL_CHECK_ALL): each
/// certificate needs a CRL from its issuer, and must not be on it.
fn check_revocation(policy: &TrustPolicy, cert: &X509Certificate<'_>) -> Result<(), VerifyFailure> {
    use x509_parser::revocation_list::CertificateRevocationList;
    let mut found = false;
    for der in &policy.crls {
        let Ok((_, crl)) = CertificateRevocationList::from_der(der.as_ref()) else { continue };
        if crl.issuer().as_raw() != cert.issuer().as_raw() {
            continue;
        }
        found = true;
        if crl.iter_revoked_certificates().any(|r| r.raw_serial() == cert.raw_serial()) {
            return Err(verifier::CERT_REVOKED);
        }
    }
    if found {
        Ok(())
    } else {
        Err(verifier::UNABLE_TO_GET_CRL)
    }
}

//! A throwaway self-signed certificate, generated in memory.
//!
//! `npm start` runs a demo HTTPS server that must work from a fresh clone
//! with no files: it asks for a fresh ECDSA P-256 certificate for
//! `localhost`, `127.0.0.1` and `::1` at start-up. Nothing else uses this.

use crate::{Result, TlsError};

/// PEM certificate and PEM PKCS#8 private key.
pub struct SelfSigned {
    pub cert_pem: String,
    pub key_pem: String,
}

/// A self-signed certificate valid for `names` (DNS names or IP literals,
/// which become IP SANs) for 30 days.
pub fn generate(names: &[String]) -> Result<SelfSigned> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(gen_error)?;
    let mut params = rcgen::CertificateParams::new(names.to_vec()).map_err(gen_error)?;
    let now = std::time::SystemTime::now();
    params.not_before = (now - std::time::Duration::from_secs(60)).into();
    params.not_after = (now + std::time::Duration::from_secs(30 * 24 * 3600)).into();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, names.first().cloned().unwrap_or_default());
    dn.push(rcgen::DnType::OrganizationName, "rustls-node demo");
    params.distinguished_name = dn;
    let cert = params.self_signed(&key).map_err(gen_error)?;
    Ok(SelfSigned { cert_pem: cert.pem(), key_pem: key.serialize_pem() })
}

fn gen_error(e: rcgen::Error) -> TlsError {
    TlsError::new("ERR_CRYPTO_OPERATION_FAILED", format!("could not generate a certificate: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_a_usable_pair() {
        let s = generate(&["localhost".into(), "127.0.0.1".into()]).unwrap();
        let certs = crate::keys::parse_certificates(s.cert_pem.as_bytes()).unwrap();
        assert_eq!(certs.len(), 1);
        let mut b = crate::config::ContextBuilder::new();
        b.add_cert_chain(s.cert_pem.as_bytes());
        b.add_key(s.key_pem.as_bytes(), None);
        let ctx = b.build().unwrap();
        assert!(ctx.certificate().is_some());
    }
}

//! A context's certificates and private keys, paired as OpenSSL pairs them.
//!
//! An OpenSSL context keeps one slot per key type (RSA, RSA-PSS, EC,
//! Ed25519, Ed448), each with at most one certificate chain and one key.
//! Node calls `SSL_CTX_use_certificate` for every `cert` and then
//! `SSL_CTX_use_PrivateKey` for every `key`, and OpenSSL:
//!
//! - on a certificate, puts it in its key type's slot, replacing the one
//!   there and dropping the slot's key if the two do not match;
//! - on a key, fails with "key values mismatch" if its slot holds a
//!   certificate for another key, and otherwise keeps it;
//! - serves only slots that hold both.
//!
//! A certificate without its key, or a key without its certificate, is
//! therefore no error. Public keys are compared as encoded in the
//! certificate, so a certificate of any X.509 version pairs (webpki would
//! refuse v1 ones). As OpenSSL, a certificate whose key is weaker than the
//! security level allows is "ee key too small", and a lone leaf gets its
//! issuers from the trust store.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::{CertifiedKey, SigningKey};
use rustls::SignatureAlgorithm;

use crate::anchors::Anchors;
use crate::{cert_info, legacy_rsa, ssl_error, Result, TlsError};

/// OpenSSL's certificate slots (`SSL_PKEY_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyType {
    Rsa,
    RsaPss,
    Ec,
    Ed25519,
    Ed448,
}

impl KeyType {
    /// From the contents of a subjectPublicKeyInfo's AlgorithmIdentifier.
    fn of_spki_algorithm(algorithm: &[u8]) -> Option<Self> {
        const RSA: &[u8] = b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01";
        const RSA_PSS: &[u8] = b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a";
        const EC: &[u8] = b"\x06\x07\x2a\x86\x48\xce\x3d\x02\x01";
        const ED25519: &[u8] = b"\x06\x03\x2b\x65\x70";
        const ED448: &[u8] = b"\x06\x03\x2b\x65\x71";
        [(RSA, Self::Rsa), (RSA_PSS, Self::RsaPss), (EC, Self::Ec), (ED25519, Self::Ed25519), (ED448, Self::Ed448)]
            .into_iter()
            .find(|(oid, _)| algorithm.starts_with(oid))
            .map(|(_, t)| t)
    }

    fn of_key(key: &dyn SigningKey) -> Option<Self> {
        match key.algorithm() {
            SignatureAlgorithm::RSA => Some(Self::Rsa),
            SignatureAlgorithm::ECDSA => Some(Self::Ec),
            SignatureAlgorithm::ED25519 => Some(Self::Ed25519),
            SignatureAlgorithm::ED448 => Some(Self::Ed448),
            _ => None,
        }
    }
}

struct Key {
    signer: Arc<dyn SigningKey>,
    /// The subjectPublicKey bits of its public half, when it can tell.
    public: Option<Vec<u8>>,
}

struct Slot {
    key_type: KeyType,
    chain: Option<(Vec<CertificateDer<'static>>, Vec<u8>)>,
    key: Option<Key>,
}

impl Slot {
    fn matches(chain_key: &[u8], key: &Key) -> bool {
        key.public.as_deref() == Some(chain_key)
    }
}

/// The slots of one context, filled in the order Node gives the inputs.
pub struct Identities<'p> {
    provider: &'p CryptoProvider,
    security_level: u8,
    /// In the order each slot was first used: the order pairs are offered in.
    slots: Vec<Slot>,
}

impl<'p> Identities<'p> {
    pub fn new(provider: &'p CryptoProvider, security_level: u8) -> Self {
        Self { provider, security_level, slots: Vec::new() }
    }

    fn slot(&mut self, key_type: KeyType) -> &mut Slot {
        let i = match self.slots.iter().position(|s| s.key_type == key_type) {
            Some(i) => i,
            None => {
                self.slots.push(Slot { key_type, chain: None, key: None });
                self.slots.len() - 1
            }
        };
        &mut self.slots[i]
    }

    /// `SSL_CTX_use_certificate`: the chain's leaf decides the slot.
    pub fn use_certificate(&mut self, chain: Vec<CertificateDer<'static>>) -> Result<()> {
        let Some(leaf) = chain.first() else { return Ok(()) };
        let parts = cert_info::signed_parts(leaf.as_ref())
            .ok_or_else(|| TlsError::new("ERR_OSSL_X509_UNSUPPORTED", "unreadable certificate"))?;
        let key_type = KeyType::of_spki_algorithm(parts.key_algorithm)
            .ok_or_else(|| ssl_error::UNKNOWN_CERTIFICATE_TYPE.error())?;
        check_key_strength(leaf, self.security_level)?;
        let public = parts.public_key;
        let slot = self.slot(key_type);
        if slot.key.as_ref().is_some_and(|k| !Slot::matches(&public, k)) {
            slot.key = None;
        }
        slot.chain = Some((chain, public));
        Ok(())
    }

    /// `SSL_CTX_use_PrivateKey`: the key's type decides the slot.
    pub fn use_private_key(&mut self, der: PrivateKeyDer<'static>) -> Result<()> {
        let signer = match self.provider.key_provider.load_private_key(der.clone_key()) {
            Ok(k) => k,
            // aws-lc-rs takes RSA keys of 2048 bits and up; OpenSSL's
            // security levels 0 and 1 allow smaller ones.
            Err(e) => legacy_rsa::signing_key(&der)
                .filter(|_| self.security_level <= 1)
                .ok_or_else(|| TlsError::new("ERR_OSSL_UNSUPPORTED", format!("unsupported private key: {e}")))?,
        };
        let key_type = KeyType::of_key(signer.as_ref()).ok_or_else(|| ssl_error::UNKNOWN_CERTIFICATE_TYPE.error())?;
        let public = signer.public_key().and_then(|spki| public_key_bits(spki.as_ref()));
        let key = Key { signer, public };
        let slot = self.slot(key_type);
        if let Some((_, chain_key)) = &slot.chain {
            if !Slot::matches(chain_key, &key) {
                // OpenSSL also forgets the certificate.
                slot.chain = None;
                return Err(TlsError::new(
                    "ERR_OSSL_X509_KEY_VALUES_MISMATCH",
                    "error:05800074:x509 certificate routines::key values mismatch",
                ));
            }
        }
        slot.key = Some(key);
        Ok(())
    }

    /// The pairs to serve, each lone leaf completed from `anchors`.
    pub fn finish(self, anchors: &Anchors) -> Vec<Arc<CertifiedKey>> {
        self.slots
            .into_iter()
            .filter_map(|slot| {
                let (mut chain, _) = slot.chain?;
                let key = slot.key?;
                if chain.len() == 1 {
                    complete_chain(&mut chain, anchors);
                }
                Some(Arc::new(CertifiedKey::new(chain, key.signer)))
            })
            .collect()
    }
}

/// The subjectPublicKey bits of a DER SubjectPublicKeyInfo.
fn public_key_bits(spki: &[u8]) -> Option<Vec<u8>> {
    use x509_parser::prelude::FromDer;
    let (_, info) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki).ok()?;
    Some(info.subject_public_key.data.to_vec())
}

/// OpenSSL's security levels 1 to 5 ask RSA keys for 1024, 2048, 3072,
/// 7680 and 15360 bits, and elliptic curves for 160, 224, 256, 384 and 512.
fn check_key_strength(leaf: &CertificateDer<'_>, level: u8) -> Result<()> {
    use x509_parser::prelude::FromDer;
    use x509_parser::public_key::PublicKey;
    const RSA: [usize; 6] = [0, 1024, 2048, 3072, 7680, 15360];
    const EC: [usize; 6] = [0, 160, 224, 256, 384, 512];
    let Ok((_, cert)) = x509_parser::certificate::X509Certificate::from_der(leaf.as_ref()) else {
        return Ok(());
    };
    let level = usize::from(level.min(5));
    let too_small = match cert.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => rsa.key_size() < RSA[level],
        Ok(PublicKey::EC(point)) => point.key_size() < EC[level],
        _ => false,
    };
    if too_small {
        return Err(ssl_error::EE_KEY_TOO_SMALL.error());
    }
    Ok(())
}

/// A certificate given alone is sent with its issuers from the trust
/// store (`ca`), as OpenSSL builds the chain when none is configured:
/// intermediates put in `ca` instead of `cert` still reach the client.
fn complete_chain(chain: &mut Vec<CertificateDer<'static>>, anchors: &Anchors) {
    while chain.len() < 10 {
        let last = chain.last().expect("a chain has its leaf");
        match anchors.issuer_of(last) {
            Some(issuer) if !chain.contains(issuer) => chain.push(issuer.clone()),
            _ => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh self-signed certificate and its key.
    fn pair(alg: &'static rcgen::SignatureAlgorithm) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let key = rcgen::KeyPair::generate_for(alg).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap().self_signed(&key).unwrap();
        (vec![cert.der().clone()], PrivateKeyDer::try_from(key.serialize_der()).unwrap())
    }

    #[test]
    fn pairs_by_key_type_in_any_order() {
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        let (ec_cert, ec_key) = pair(&rcgen::PKCS_ECDSA_P256_SHA256);
        let (ed_cert, ed_key) = pair(&rcgen::PKCS_ED25519);
        let mut ids = Identities::new(&provider, 1);
        ids.use_certificate(ec_cert.clone()).unwrap();
        ids.use_certificate(ed_cert.clone()).unwrap();
        ids.use_private_key(ec_key.clone_key()).unwrap();
        // A certificate without its key is no error, and is not served.
        assert_eq!(ids.finish(&Anchors::new()).len(), 1);

        let mut ids = Identities::new(&provider, 1);
        ids.use_private_key(ed_key).unwrap();
        ids.use_certificate(ec_cert).unwrap();
        ids.use_certificate(ed_cert).unwrap();
        ids.use_private_key(ec_key).unwrap();
        assert_eq!(ids.finish(&Anchors::new()).len(), 2);
    }

    #[test]
    fn a_key_for_another_certificate_of_its_type_is_a_mismatch() {
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        let (cert, _) = pair(&rcgen::PKCS_ECDSA_P256_SHA256);
        let (_, other_key) = pair(&rcgen::PKCS_ECDSA_P256_SHA256);
        let mut ids = Identities::new(&provider, 1);
        ids.use_certificate(cert.clone()).unwrap();
        let e = ids.use_private_key(other_key.clone_key()).err().unwrap();
        assert_eq!(e.code, "ERR_OSSL_X509_KEY_VALUES_MISMATCH");
        // A certificate replacing a non-matching key drops the key.
        let mut ids = Identities::new(&provider, 1);
        ids.use_private_key(other_key).unwrap();
        ids.use_certificate(cert).unwrap();
        assert!(ids.finish(&Anchors::new()).is_empty());
    }
}

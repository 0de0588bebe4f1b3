//! Encrypted Client Hello (RFC 9849), client side.
//!
//! A client given the server's ECHConfigList (published in its DNS HTTPS
//! record, RFC 9460 `ech=`) encrypts its real ClientHello, the "inner" one
//! with the real server name, to a key of the server's, inside an "outer"
//! ClientHello that names only the config's `public_name`. rustls does the
//! protocol; this module turns Node-style options into rustls's `EchMode`
//! and rustls's outcome into what the socket reports:
//!
//! - [`EchOffer`]: what a connection offers (a config list, or GREASE);
//!   part of [`crate::config::ClientOptions`], so connections with the same
//!   list share one `ClientConfig` (and so can resume each other's sessions).
//! - [`mode`]: the rustls `EchMode` for an offer.
//! - [`rejection`]: the server did not accept the offer: the error the
//!   socket fails with, and the retry configs it may carry.
//!
//! ECH exists only in TLS 1.3; rustls's `with_ech` makes the config TLS
//! 1.3-only, whatever the context's `minVersion` allows.

use std::sync::Arc;

use rustls::client::{EchConfig, EchGreaseConfig, EchMode};
use rustls::crypto::aws_lc_rs::hpke;
use rustls::crypto::hpke::Hpke;
use rustls::internal::msgs::codec::{Codec, Reader};
use rustls::internal::msgs::handshake::EchConfigPayload;
use rustls::pki_types::{CertificateDer, DnsName, EchConfigListBytes, ServerName, UnixTime};
use rustls::{EncryptedClientHelloError, Error, PeerIncompatible};

use crate::verifier::{PeerRole, TrustPolicy};
use crate::{Result, TlsError};

/// What a client connection offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EchOffer {
    /// A serialized ECHConfigList (RFC 9849 §4), as in a DNS HTTPS record.
    Configs(Arc<[u8]>),
    /// No config: an ECH extension of random bytes (RFC 9849 §6.2), so that
    /// ClientHellos with and without ECH look alike on the wire.
    Grease,
}

/// The code a connection fails with when the server rejects ECH.
pub const REJECTED: &str = "ERR_TLS_ECH_REJECTED";

/// The rustls mode for `offer`. A list none of whose configs this client
/// can use (unknown version, an HPKE suite aws-lc-rs lacks) is an error:
/// sending the real name in the clear instead would defeat the purpose.
pub fn mode(offer: &EchOffer) -> Result<EchMode> {
    match offer {
        EchOffer::Configs(list) => {
            let bytes = EchConfigListBytes::from(list.to_vec());
            EchConfig::new(bytes, hpke::ALL_SUPPORTED_SUITES).map(EchMode::Enable).map_err(|e| match e {
                Error::InvalidEncryptedClientHello(EncryptedClientHelloError::NoCompatibleConfig) => {
                    TlsError::new(
                        "ERR_INVALID_ARG_VALUE",
                        "options.echConfigList has no ECH config this client supports (ECH version 0xfe0d with an HPKE suite of X25519, P-256, P-384 or P-521 and AES-GCM or ChaCha20-Poly1305)",
                    )
                }
                _ => TlsError::new("ERR_INVALID_ARG_VALUE", "options.echConfigList is not a valid ECHConfigList"),
            })
        }
        EchOffer::Grease => {
            // rustls's advice: a placeholder public key of the suite's KEM,
            // from a fresh key pair whose private half is thrown away.
            let suite = hpke::DH_KEM_X25519_HKDF_SHA256_AES_128;
            let (placeholder, _) = suite
                .generate_key_pair()
                .map_err(|e| TlsError::new("ERR_TLS_INTERNAL", format!("ECH GREASE key: {e}")))?;
            Ok(EchMode::Grease(EchGreaseConfig::new(suite, placeholder)))
        }
    }
}

/// The error for a configuration that cannot speak TLS 1.3 (`maxVersion`
/// TLSv1.2, or TLS 1.3 cipher suites all removed).
pub fn needs_tls13() -> TlsError {
    TlsError::new(
        "ERR_TLS_INVALID_PROTOCOL_VERSION",
        "Encrypted Client Hello (echConfigList, echGrease) needs TLS 1.3, which the context's maxVersion or cipher suites rule out",
    )
}

/// The server rejected our ECH offer: rustls fails the handshake at its
/// end (after sending `ech_required`, RFC 9849 §6.1.6). Returns the error
/// for the socket and the retry configs as an ECHConfigList, or None when
/// `err` is not that rejection.
///
/// The server was authenticated only for the config's public name, not for
/// the name the caller wanted. Its retry configs are handed out only if its
/// certificate chain is trusted and valid for a public name of `offered`
/// (RFC 9849 §6.1.6: otherwise the client must not use them); our chain
/// verifier leaves names to `checkServerIdentity`, so the name is checked
/// here.
pub fn rejection(
    err: &Error,
    offered: &EchOffer,
    peer_chain: &[CertificateDer<'_>],
    policy: &TrustPolicy,
) -> Option<(TlsError, Option<Vec<u8>>)> {
    let Error::PeerIncompatible(PeerIncompatible::ServerRejectedEncryptedClientHello(retry)) = err else {
        return None;
    };
    let authenticated = public_names(offered).into_iter().find(|name| proves_name(peer_chain, policy, name));
    let retry = match (retry, &authenticated) {
        (Some(configs), Some(_)) if !configs.is_empty() => {
            let mut list = Vec::new();
            configs.encode(&mut list);
            Some(list)
        }
        _ => None,
    };
    let message = match (&retry, authenticated) {
        (Some(_), Some(name)) => format!(
            "the server rejected Encrypted Client Hello; it proved to be {:?}, the config's public name, and sent new configs (err.retryConfigs) to retry with",
            name.as_ref()
        ),
        (None, Some(_)) => "the server rejected Encrypted Client Hello and sent no configs to retry with".to_owned(),
        (_, None) => "the server rejected Encrypted Client Hello and did not prove to be the config's public name; its retry configs, if any, are not to be trusted".to_owned(),
    };
    Some((TlsError::new(REJECTED, message), retry))
}

/// The public names of the configs in the list (rustls offers the first
/// usable one, whose name is among these).
fn public_names(offered: &EchOffer) -> Vec<DnsName<'static>> {
    let EchOffer::Configs(list) = offered else { return Vec::new() };
    let Ok(configs) = Vec::<EchConfigPayload>::read(&mut Reader::init(list)) else { return Vec::new() };
    configs
        .into_iter()
        .filter_map(|c| match c {
            EchConfigPayload::V18(contents) => Some(contents.public_name),
            _ => None,
        })
        .collect()
}

/// Whether the chain is trusted and its leaf valid for `name`.
fn proves_name(chain: &[CertificateDer<'_>], policy: &TrustPolicy, name: &DnsName<'static>) -> bool {
    let Some((leaf, intermediates)) = chain.split_first() else { return false };
    if policy.verify_chain(PeerRole::Server, leaf, intermediates, UnixTime::now()).is_err() {
        return false;
    }
    let Ok(cert) = webpki::EndEntityCert::try_from(leaf) else { return false };
    cert.verify_is_valid_for_subject_name(&ServerName::DnsName(name.clone())).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ECHConfigList with one version 0xfe0d config: X25519 HPKE,
    /// HKDF-SHA256/AES-128-GCM, public name `public.example`.
    fn list(public_name: &str) -> Vec<u8> {
        let mut contents = vec![7]; // config_id
        contents.extend_from_slice(&0x0020u16.to_be_bytes()); // DHKEM(X25519, HKDF-SHA256)
        contents.extend_from_slice(&32u16.to_be_bytes());
        contents.extend_from_slice(&[9; 32]);
        contents.extend_from_slice(&4u16.to_be_bytes());
        contents.extend_from_slice(&[0, 1, 0, 1]); // HKDF-SHA256, AES-128-GCM
        contents.push(0); // maximum_name_length
        contents.push(public_name.len() as u8);
        contents.extend_from_slice(public_name.as_bytes());
        contents.extend_from_slice(&0u16.to_be_bytes()); // no extensions
        let mut config = 0xfe0du16.to_be_bytes().to_vec();
        config.extend_from_slice(&(contents.len() as u16).to_be_bytes());
        config.extend_from_slice(&contents);
        let mut out = (config.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(&config);
        out
    }

    #[test]
    fn modes() {
        assert!(matches!(mode(&EchOffer::Configs(list("public.example").into())), Ok(EchMode::Enable(_))));
        assert!(matches!(mode(&EchOffer::Grease), Ok(EchMode::Grease(_))));
        let err = mode(&EchOffer::Configs(vec![0, 3, 1, 2, 3].into())).unwrap_err();
        assert_eq!(err.code, "ERR_INVALID_ARG_VALUE");
        // an unknown version only: nothing usable
        let err = mode(&EchOffer::Configs(vec![0, 4, 0xfe, 0x0c, 0, 0].into())).unwrap_err();
        assert!(err.message.contains("no ECH config"), "{}", err.message);
    }

    #[test]
    fn public_names_and_retry_encoding() {
        let bytes = list("public.example");
        let offer = EchOffer::Configs(bytes.clone().into());
        let names = public_names(&offer);
        assert_eq!(names.len(), 1);
        assert_eq!(names[0].as_ref(), "public.example");
        // what rejection() hands out is the list as it came
        let configs = Vec::<EchConfigPayload>::read(&mut Reader::init(&bytes)).unwrap();
        let mut again = Vec::new();
        configs.encode(&mut again);
        assert_eq!(again, bytes);
    }

    #[test]
    fn other_errors_are_no_rejection() {
        let policy = TrustPolicy {
            anchors: Default::default(),
            crls: Vec::new(),
            algorithms: crate::legacy_rsa::verification_algorithms(1),
        };
        let offer = EchOffer::Configs(list("public.example").into());
        assert!(rejection(&Error::DecryptError, &offer, &[], &policy).is_none());
        let err = Error::PeerIncompatible(PeerIncompatible::ServerRejectedEncryptedClientHello(None));
        let (e, retry) = rejection(&err, &offer, &[], &policy).unwrap();
        assert_eq!(e.code, REJECTED);
        assert!(retry.is_none());
    }
}

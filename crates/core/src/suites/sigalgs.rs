//! Signature schemes by Node's and OpenSSL's names (`sigalgs`,
//! `getSharedSigalgs()`), in OpenSSL's order of preference.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::SignatureVerificationAlgorithm;
use rustls::SignatureScheme;

use crate::{Result, TlsError};

/// Signature schemes from Node's `sigalgs` (RFC 8446 §4.2.3): a colon list
/// of IANA names (`rsa_pss_rsae_sha256`, `ecdsa_secp256r1_sha256`,
/// `ed25519`) or OpenSSL's `KEY+HASH` pairs (`RSA+SHA256`, `RSA-PSS+SHA256`,
/// `ECDSA+SHA384`).
pub fn select_sigalgs(spec: &str) -> Result<Vec<SignatureScheme>> {
    use SignatureScheme as S;
    let mut out = Vec::new();
    for word in spec.split(':').filter(|w| !w.is_empty()) {
        let scheme = match word.to_ascii_lowercase().as_str() {
            "rsa_pkcs1_sha256" | "rsa+sha256" => S::RSA_PKCS1_SHA256,
            "rsa_pkcs1_sha384" | "rsa+sha384" => S::RSA_PKCS1_SHA384,
            "rsa_pkcs1_sha512" | "rsa+sha512" => S::RSA_PKCS1_SHA512,
            "rsa_pss_rsae_sha256" | "rsa-pss+sha256" | "pss+sha256" => S::RSA_PSS_SHA256,
            "rsa_pss_rsae_sha384" | "rsa-pss+sha384" | "pss+sha384" => S::RSA_PSS_SHA384,
            "rsa_pss_rsae_sha512" | "rsa-pss+sha512" | "pss+sha512" => S::RSA_PSS_SHA512,
            "ecdsa_secp256r1_sha256" | "ecdsa+sha256" => S::ECDSA_NISTP256_SHA256,
            "ecdsa_secp384r1_sha384" | "ecdsa+sha384" => S::ECDSA_NISTP384_SHA384,
            "ecdsa_secp521r1_sha512" | "ecdsa+sha512" => S::ECDSA_NISTP521_SHA512,
            "ed25519" => S::ED25519,
            _ => {
                return Err(TlsError::new(
                    "ERR_TLS_INVALID_SIGALGS",
                    format!("sigalgs: '{word}' is not a signature algorithm rustls supports"),
                ))
            }
        };
        if !out.contains(&scheme) {
            out.push(scheme);
        }
    }
    if out.is_empty() {
        return Err(TlsError::new("ERR_TLS_INVALID_SIGALGS", "sigalgs names no signature algorithm"));
    }
    Ok(out)
}

/// OpenSSL's name for a signature scheme, as `getSharedSigalgs()` lists it
/// (`ECDSA+SHA256`, `RSA-PSS+SHA256`, `RSA+SHA256`, `Ed25519+UNDEF`).
pub fn sigalg_name(s: SignatureScheme) -> Option<&'static str> {
    use SignatureScheme as S;
    Some(match s {
        S::ECDSA_NISTP256_SHA256 => "ECDSA+SHA256",
        S::ECDSA_NISTP384_SHA384 => "ECDSA+SHA384",
        S::ECDSA_NISTP521_SHA512 => "ECDSA+SHA512",
        S::ED25519 => "Ed25519+UNDEF",
        S::ED448 => "Ed448+UNDEF",
        S::RSA_PSS_SHA256 => "RSA-PSS+SHA256",
        S::RSA_PSS_SHA384 => "RSA-PSS+SHA384",
        S::RSA_PSS_SHA512 => "RSA-PSS+SHA512",
        S::RSA_PKCS1_SHA256 => "RSA+SHA256",
        S::RSA_PKCS1_SHA384 => "RSA+SHA384",
        S::RSA_PKCS1_SHA512 => "RSA+SHA512",
        S::RSA_PKCS1_SHA1 => "RSA+SHA1",
        S::ECDSA_SHA1_Legacy => "ECDSA+SHA1",
        _ => return None,
    })
}

/// RSA schemes go with ECDHE-RSA suites; ECDSA and EdDSA with ECDHE-ECDSA
/// (RFC 8422 §5.5 puts Ed25519 under ECDSA suites).
pub(super) fn scheme_is_rsa(s: SignatureScheme) -> bool {
    use SignatureScheme as S;
    matches!(
        s,
        S::RSA_PKCS1_SHA256
            | S::RSA_PKCS1_SHA384
            | S::RSA_PKCS1_SHA512
            | S::RSA_PSS_SHA256
            | S::RSA_PSS_SHA384
            | S::RSA_PSS_SHA512
    )
}

/// OpenSSL's default signature algorithm list (`tls12_sigalgs` in
/// `ssl/t1_lib.c`), in its order of preference, of the schemes rustls has.
const OPENSSL_DEFAULT_ORDER: [SignatureScheme; 13] = {
    use SignatureScheme as S;
    [
        S::ECDSA_NISTP256_SHA256,
        S::ECDSA_NISTP384_SHA384,
        S::ECDSA_NISTP521_SHA512,
        S::ED25519,
        S::ED448,
        S::RSA_PSS_SHA256,
        S::RSA_PSS_SHA384,
        S::RSA_PSS_SHA512,
        S::RSA_PKCS1_SHA256,
        S::RSA_PKCS1_SHA384,
        S::RSA_PKCS1_SHA512,
        S::ECDSA_SHA1_Legacy,
        S::RSA_PKCS1_SHA1,
    ]
};

/// The verification algorithms in OpenSSL's default order, which is the
/// order a Node peer lists them in a ClientHello or CertificateRequest,
/// and a Node server's order of preference (schemes OpenSSL does not list
/// go last).
pub(crate) fn in_openssl_order(base: WebPkiSupportedAlgorithms) -> WebPkiSupportedAlgorithms {
    let rank = |s: &SignatureScheme| OPENSSL_DEFAULT_ORDER.iter().position(|o| o == s).unwrap_or(usize::MAX);
    let mut schemes: Vec<SignatureScheme> = base.mapping.iter().map(|(s, _)| *s).collect();
    schemes.sort_by_key(rank);
    restrict_verification(base, &schemes)
}

/// The verification algorithms narrowed to `schemes`, in their order (the
/// order a ClientHello or CertificateRequest lists them). rustls wants a
/// `'static` table; each distinct list is built once and kept for the life
/// of the process (there are few: one per distinct `sigalgs` string).
pub(crate) fn restrict_verification(
    base: WebPkiSupportedAlgorithms,
    schemes: &[SignatureScheme],
) -> WebPkiSupportedAlgorithms {
    type Table = &'static [(SignatureScheme, &'static [&'static dyn SignatureVerificationAlgorithm])];
    /// The base table's address and the schemes' code points.
    type Key = (usize, Vec<u16>);
    static TABLES: OnceLock<Mutex<HashMap<Key, Table>>> = OnceLock::new();
    // Per base table too: each security level has its own RSA algorithms.
    let key = (base.mapping.as_ptr() as usize, schemes.iter().map(|s| u16::from(*s)).collect());
    let mut tables = crate::sync::lock(TABLES.get_or_init(Default::default));
    let mapping = *tables.entry(key).or_insert_with(|| {
        // In the order given: rustls offers them so, as OpenSSL does.
        let kept: Vec<_> = schemes.iter().filter_map(|s| base.mapping.iter().find(|(b, _)| b == s)).copied().collect();
        Box::leak(kept.into_boxed_slice())
    });
    WebPkiSupportedAlgorithms { all: base.all, mapping }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suites::{provider, ProviderChoices};

    #[test]
    fn sigalgs() {
        let s = select_sigalgs("RSA+SHA256:ecdsa_secp256r1_sha256:RSA-PSS+SHA256").unwrap();
        assert_eq!(
            s,
            vec![
                SignatureScheme::RSA_PKCS1_SHA256,
                SignatureScheme::ECDSA_NISTP256_SHA256,
                SignatureScheme::RSA_PSS_SHA256
            ]
        );
        assert_eq!(select_sigalgs("foo").unwrap_err().code, "ERR_TLS_INVALID_SIGALGS");
        let (p, _) = provider(ProviderChoices { sigalgs: Some(&s), ..Default::default() }).unwrap();
        let offered = p.signature_verification_algorithms.supported_schemes();
        assert_eq!(offered.len(), 3);
        assert!(!offered.contains(&SignatureScheme::ED25519));
    }
}

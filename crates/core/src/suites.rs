//! Cipher suites, key-exchange groups and protocol versions under the names
//! Node and OpenSSL use for them.
//!
//! rustls implements a small, modern set: the three TLS 1.3 AEAD suites
//! (RFC 8446 §B.4) and the six ECDHE+AEAD TLS 1.2 suites (RFC 5289, RFC
//! 7905). Node users name suites with OpenSSL cipher strings
//! (`ECDHE-RSA-AES128-GCM-SHA256:!aNULL`), so this module maps such strings
//! onto that set. Everything outside it (RSA key exchange, DHE, CBC, PSK,
//! SSLv3..TLSv1.1) is absent from rustls and therefore never selected.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use rustls::crypto::{aws_lc_rs, CryptoProvider, SupportedKxGroup, WebPkiSupportedAlgorithms};
use rustls::pki_types::SignatureVerificationAlgorithm;
use rustls::{CipherSuite, SignatureScheme, SupportedCipherSuite, SupportedProtocolVersion};

use crate::{cipher_string, ssl_error, Result, TlsError};

/// OpenSSL's name for a suite (`getCipher().name`, `tls.getCiphers()` in
/// lower case) and the IANA/RFC name (`getCipher().standardName`).
pub struct SuiteNames {
    pub openssl: &'static str,
    pub standard: &'static str,
    /// Lowest protocol the suite works with, as OpenSSL reports it in
    /// `getCipher().version`.
    pub version: &'static str,
}

pub fn names(suite: CipherSuite) -> Option<SuiteNames> {
    use CipherSuite as C;
    let (openssl, standard, version) = match suite {
        C::TLS13_AES_128_GCM_SHA256 => ("TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", "TLSv1.3"),
        C::TLS13_AES_256_GCM_SHA384 => ("TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", "TLSv1.3"),
        C::TLS13_CHACHA20_POLY1305_SHA256 => {
            ("TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLSv1.3")
        }
        C::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => {
            ("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLSv1.2")
        }
        C::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => {
            ("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLSv1.2")
        }
        C::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => {
            ("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLSv1.2")
        }
        C::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => {
            ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLSv1.2")
        }
        C::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => {
            ("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLSv1.2")
        }
        C::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => {
            ("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLSv1.2")
        }
        _ => return None,
    };
    Some(SuiteNames { openssl, standard, version })
}

/// Every suite this build supports, lower-case OpenSSL names, in rustls's
/// preference order: what `tls.getCiphers()` returns.
pub fn supported_cipher_names() -> Vec<String> {
    aws_lc_rs::default_provider()
        .cipher_suites
        .iter()
        .filter_map(|s| names(s.suite()))
        .map(|n| n.openssl.to_ascii_lowercase())
        .collect()
}

/// OpenSSL's default TLS 1.3 suites, in its order: what a `ciphers` string
/// without `TLS_*` names leaves in place.
const OPENSSL_DEFAULT_TLS13: &str = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

/// The suites Node's `ciphers` option selects, as OpenSSL evaluates it (see
/// [`crate::cipher_string`]), narrowed to the ones rustls implements, TLS
/// 1.3 first; and the security level the cipher list sets, if it does.
///
/// `cipher_list` is the TLS ≤ 1.2 part (`None`: OpenSSL's `DEFAULT`),
/// `tls13` the `TLS_*` part (`None`: OpenSSL's default TLS 1.3 suites).
pub fn select_cipher_suites(
    all: &[SupportedCipherSuite],
    cipher_list: Option<&str>,
    tls13: Option<&str>,
) -> Result<(Vec<SupportedCipherSuite>, Option<u8>)> {
    let by_name = |name: &str| all.iter().copied().find(|s| names(s.suite()).is_some_and(|n| n.openssl == name));
    let mut chosen: Vec<SupportedCipherSuite> = Vec::new();
    for name in cipher_string::tls13_suites(tls13.unwrap_or(OPENSSL_DEFAULT_TLS13))? {
        chosen.extend(by_name(name));
    }
    let list = cipher_string::cipher_list(cipher_list.unwrap_or("DEFAULT"))?;
    for name in &list.suites {
        chosen.extend(by_name(name));
    }
    Ok((chosen, list.security_level))
}

/// Node / OpenSSL group names for rustls's key-exchange groups.
pub fn group_name(group: rustls::NamedGroup) -> &'static str {
    use rustls::NamedGroup as G;
    match group {
        G::X25519 => "X25519",
        G::secp256r1 => "prime256v1",
        G::secp384r1 => "secp384r1",
        G::secp521r1 => "secp521r1",
        G::X25519MLKEM768 => "X25519MLKEM768",
        G::secp256r1MLKEM768 => "SecP256r1MLKEM768",
        G::MLKEM768 => "MLKEM768",
        G::MLKEM1024 => "MLKEM1024",
        _ => "unknown",
    }
}

/// Selects key-exchange groups with Node's `ecdhCurve` (a colon list such as
/// `X25519MLKEM768:X25519:P-256`, or `auto` for rustls's default order,
/// which puts the post-quantum hybrid first). Names are matched as OpenSSL
/// matches them, without regard to case; a group named explicitly may be
/// one rustls does not offer by default (SecP256r1MLKEM768, and the pure
/// ML-KEM groups MLKEM768 and MLKEM1024, as in OpenSSL 3.5).
pub fn select_kx_groups(
    all: &[&'static dyn SupportedKxGroup],
    spec: &str,
) -> Result<Vec<&'static dyn SupportedKxGroup>> {
    if spec.eq_ignore_ascii_case("auto") || spec.is_empty() {
        return Ok(all.to_vec());
    }
    let mut out: Vec<&'static dyn SupportedKxGroup> = Vec::new();
    for word in spec.split(':').filter(|w| !w.is_empty()) {
        let want = match word.to_ascii_lowercase().as_str() {
            "x25519" => rustls::NamedGroup::X25519,
            "p-256" | "prime256v1" | "secp256r1" => rustls::NamedGroup::secp256r1,
            "p-384" | "secp384r1" => rustls::NamedGroup::secp384r1,
            "p-521" | "secp521r1" => rustls::NamedGroup::secp521r1,
            "x25519mlkem768" => rustls::NamedGroup::X25519MLKEM768,
            "secp256r1mlkem768" => rustls::NamedGroup::secp256r1MLKEM768,
            "mlkem768" => rustls::NamedGroup::MLKEM768,
            "mlkem1024" => rustls::NamedGroup::MLKEM1024,
            _ => return Err(unsupported_curve(word)),
        };
        let mut known = all.iter().chain(rustls::crypto::aws_lc_rs::ALL_KX_GROUPS);
        match known.find(|g| g.name() == want) {
            Some(g) => out.push(*g),
            None => return Err(unsupported_curve(word)),
        }
    }
    if out.is_empty() {
        return Err(unsupported_curve(spec));
    }
    Ok(out)
}

/// Node's error, in Node's words, for a curve OpenSSL does not know.
fn unsupported_curve(_word: &str) -> TlsError {
    TlsError::new("ERR_CRYPTO_OPERATION_FAILED", "Failed to set ECDH curve")
}

/// Protocol versions between `min` and `max` (Node's `minVersion` and
/// `maxVersion`). rustls implements TLS 1.2 (RFC 5246) and TLS 1.3 (RFC
/// 8446) only; anything older is refused loudly rather than ignored.
pub fn select_versions(min: &str, max: &str) -> Result<Vec<&'static SupportedProtocolVersion>> {
    let lo = version_rank(min)?;
    let hi = version_rank(max)?;
    if lo > hi {
        return Err(TlsError::new(
            "ERR_TLS_PROTOCOL_VERSION_CONFLICT",
            format!("minVersion {min} is above maxVersion {max}"),
        ));
    }
    let mut out = Vec::new();
    if lo <= 2 && hi >= 2 {
        out.push(&rustls::version::TLS12);
    }
    if hi >= 3 {
        out.push(&rustls::version::TLS13);
    }
    Ok(out)
}

fn version_rank(v: &str) -> Result<u8> {
    match v {
        "TLSv1.2" => Ok(2),
        "TLSv1.3" => Ok(3),
        "TLSv1" | "TLSv1.1" | "SSLv3" => Err(TlsError::new(
            "ERR_TLS_PROTOCOL_VERSION_UNSUPPORTED",
            format!("{v} is not supported: rustls implements TLS 1.2 and TLS 1.3 only"),
        )),
        _ => Err(TlsError::new("ERR_TLS_INVALID_PROTOCOL_VERSION", format!("{v} is not a valid TLS protocol version"))),
    }
}

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
fn scheme_is_rsa(s: SignatureScheme) -> bool {
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

/// The choices of a context that narrow rustls's crypto provider.
#[derive(Debug, Default, Clone, Copy)]
pub struct ProviderChoices<'a> {
    pub cipher_list: Option<&'a str>,
    pub cipher_suites: Option<&'a str>,
    pub ecdh_curve: Option<&'a str>,
    pub sigalgs: Option<&'a [SignatureScheme]>,
}

/// The aws-lc-rs provider narrowed to the given suites, groups and
/// signature schemes, and the OpenSSL security level the cipher list set.
pub fn provider(choices: ProviderChoices<'_>) -> Result<(CryptoProvider, Option<u8>)> {
    let mut p = aws_lc_rs::default_provider();
    if let Some(schemes) = choices.sigalgs {
        p.signature_verification_algorithms = restrict_verification(p.signature_verification_algorithms, schemes);
        // TLS 1.2 suites name the signature kind; drop those no allowed
        // scheme can serve, as OpenSSL does, so the peer cannot pick one.
        let rsa = schemes.iter().any(|s| scheme_is_rsa(*s));
        let ecdsa = schemes.iter().any(|s| !scheme_is_rsa(*s));
        p.cipher_suites.retain(|suite| match names(suite.suite()) {
            Some(n) if n.openssl.contains("-RSA-") => rsa,
            Some(n) if n.openssl.contains("-ECDSA-") => ecdsa,
            _ => true,
        });
    }
    let (suites, level) = select_cipher_suites(&p.cipher_suites, choices.cipher_list, choices.cipher_suites)?;
    p.cipher_suites = suites;
    if let Some(spec) = choices.ecdh_curve {
        p.kx_groups = select_kx_groups(&p.kx_groups, spec)?;
    }
    Ok((p, level))
}

/// The versions of `versions` that have a suite in `suites`: with none
/// left, the context could never handshake, which OpenSSL reports as "no
/// cipher match" (rustls implements none of the suites asked for).
pub fn usable_versions(
    versions: Vec<&'static SupportedProtocolVersion>,
    suites: &[SupportedCipherSuite],
) -> Result<Vec<&'static SupportedProtocolVersion>> {
    let usable: Vec<_> = versions.into_iter().filter(|v| suites.iter().any(|s| s.version() == *v)).collect();
    if usable.is_empty() {
        return Err(ssl_error::NO_CIPHER_MATCH
            .error_with("rustls implements none of the suites the cipher list selects for the enabled TLS versions"));
    }
    Ok(usable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<SupportedCipherSuite> {
        aws_lc_rs::default_provider().cipher_suites
    }

    fn openssl_names(v: &[SupportedCipherSuite]) -> Vec<&'static str> {
        v.iter().map(|s| names(s.suite()).unwrap().openssl).collect()
    }

    #[test]
    fn every_supported_suite_has_names() {
        for s in all() {
            assert!(names(s.suite()).is_some(), "{:?}", s.suite());
        }
        assert!(supported_cipher_names().contains(&"tls_aes_128_gcm_sha256".to_string()));
        assert!(supported_cipher_names().contains(&"ecdhe-rsa-aes128-gcm-sha256".to_string()));
    }

    fn select(list: Option<&str>, tls13: Option<&str>) -> Vec<&'static str> {
        openssl_names(&select_cipher_suites(&all(), list, tls13).unwrap().0)
    }

    #[test]
    fn a_tls12_list_keeps_the_tls13_defaults() {
        let n = select(Some("ECDHE-RSA-AES128-GCM-SHA256"), None);
        assert_eq!(
            n,
            vec![
                "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_AES_128_GCM_SHA256",
                "ECDHE-RSA-AES128-GCM-SHA256"
            ]
        );
    }

    #[test]
    fn tls13_names_select_tls13_suites() {
        assert_eq!(select(Some(""), Some("TLS_AES_128_GCM_SHA256")), vec!["TLS_AES_128_GCM_SHA256"]);
    }

    #[test]
    fn exclusions_and_keywords() {
        let n = select(Some("HIGH:!aNULL:!MD5:!CHACHA20"), Some(""));
        assert!(!n.is_empty() && n.iter().all(|n| !n.contains("CHACHA20")));
        let n = select(Some("ECDHE+AESGCM:!aRSA"), Some(""));
        assert!(n.contains(&"ECDHE-ECDSA-AES256-GCM-SHA384"));
        assert!(!n.iter().any(|s| s.contains("-RSA-")));
    }

    #[test]
    fn suites_rustls_lacks_select_nothing_but_are_no_error() {
        assert_eq!(select(Some("AES256-SHA:DHE-RSA-AES128-SHA"), Some("")), Vec::<&str>::new());
        let e = select_cipher_suites(&all(), Some("FOOBARBAZ"), None).unwrap_err();
        assert_eq!(e.code, "ERR_SSL_NO_CIPHER_MATCH");
        let e = usable_versions(vec![&rustls::version::TLS12], &[]).unwrap_err();
        assert_eq!(e.code, "ERR_SSL_NO_CIPHER_MATCH");
    }

    #[test]
    fn curves() {
        let p = aws_lc_rs::default_provider();
        let g = select_kx_groups(&p.kx_groups, "X25519:P-256").unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].name(), rustls::NamedGroup::X25519);
        assert_eq!(select_kx_groups(&p.kx_groups, "auto").unwrap()[0].name(), rustls::NamedGroup::X25519MLKEM768);
        // OpenSSL 3.5's spellings, any case; groups rustls leaves out of its defaults
        let pq = select_kx_groups(&p.kx_groups, "secp256r1mlkem768:MLKEM768:mlkem1024:x25519MLKEM768").unwrap();
        let names: Vec<_> = pq.iter().map(|g| group_name(g.name())).collect();
        assert_eq!(names, ["SecP256r1MLKEM768", "MLKEM768", "MLKEM1024", "X25519MLKEM768"]);
        assert!(select_kx_groups(&p.kx_groups, "SecP384r1MLKEM1024").is_err());
        assert_eq!(select_kx_groups(&p.kx_groups, "brainpoolP256r1").unwrap_err().code, "ERR_CRYPTO_OPERATION_FAILED");
    }

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

    #[test]
    fn versions() {
        assert_eq!(select_versions("TLSv1.2", "TLSv1.3").unwrap().len(), 2);
        assert_eq!(select_versions("TLSv1.3", "TLSv1.3").unwrap().len(), 1);
        assert_eq!(select_versions("TLSv1.1", "TLSv1.3").unwrap_err().code, "ERR_TLS_PROTOCOL_VERSION_UNSUPPORTED");
        assert_eq!(select_versions("TLSv1.3", "TLSv1.2").unwrap_err().code, "ERR_TLS_PROTOCOL_VERSION_CONFLICT");
        assert_eq!(select_versions("TLSv9", "TLSv1.3").unwrap_err().code, "ERR_TLS_INVALID_PROTOCOL_VERSION");
    }
}

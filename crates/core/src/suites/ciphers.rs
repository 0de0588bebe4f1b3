//! Cipher suites by OpenSSL's and IANA's names, and the suites Node's
//! `ciphers` option selects.

use rustls::crypto::aws_lc_rs;
use rustls::{CipherSuite, SupportedCipherSuite};

use crate::{cipher_string, Result};

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

#[cfg(test)]
mod tests {
    use rustls::crypto::aws_lc_rs;

    use super::*;
    use crate::suites::usable_versions;

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
}

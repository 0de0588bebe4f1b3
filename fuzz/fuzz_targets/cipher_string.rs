//! The OpenSSL cipher-string evaluator (`cipher_string`), through
//! `suites::select_cipher_suites` and `suites::provider` as a context's
//! `ciphers` option reaches them. The input is split at the first NUL: the
//! cipher list, then the TLS 1.3 `TLS_*` part.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rustls_node_core::rustls::crypto::aws_lc_rs;
use rustls_node_core::{cipher_string, suites};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (list, tls13) = match text.split_once('\0') {
        Some((list, tls13)) => (list, Some(tls13)),
        None => (text, None),
    };
    for spec in [list, tls13.unwrap_or_default()] {
        match cipher_string::cipher_list(spec) {
            Ok(l) => assert!(l.security_level.is_none_or(|n| n <= 5)),
            Err(e) => assert_eq!(e.code, "ERR_SSL_NO_CIPHER_MATCH"),
        }
        if let Err(e) = cipher_string::tls13_suites(spec) {
            assert_eq!(e.code, "ERR_SSL_NO_CIPHER_MATCH");
        }
    }
    let all = aws_lc_rs::default_provider().cipher_suites;
    let selected = suites::select_cipher_suites(&all, Some(list), tls13);
    let choices = suites::ProviderChoices { cipher_list: Some(list), cipher_suites: tls13, ..Default::default() };
    let provider = suites::provider(choices);
    assert_eq!(selected.is_ok(), provider.is_ok());
    if let Ok((p, _)) = provider {
        let _ = suites::usable_versions(rustls_node_core::rustls::ALL_VERSIONS.to_vec(), &p.cipher_suites);
    }
});

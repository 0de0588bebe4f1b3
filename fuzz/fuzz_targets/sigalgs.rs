//! The `sigalgs` parser (`suites::select_sigalgs`), and the provider it
//! narrows (`suites::provider`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rustls_node_core::suites;

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = std::str::from_utf8(data) else { return };
    match suites::select_sigalgs(spec) {
        Ok(schemes) => {
            assert!(!schemes.is_empty() && schemes.len() <= 10);
            let choices = suites::ProviderChoices { sigalgs: Some(&schemes), ..Default::default() };
            let _ = suites::provider(choices);
        }
        Err(e) => assert_eq!(e.code, "ERR_TLS_INVALID_SIGALGS"),
    }
});

//! The `ecdhCurve` list (`suites::select_kx_groups`), alone and through
//! `suites::provider`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rustls_node_core::rustls::crypto::aws_lc_rs;
use rustls_node_core::suites;

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = std::str::from_utf8(data) else { return };
    let all = aws_lc_rs::default_provider().kx_groups;
    match suites::select_kx_groups(&all, spec) {
        Ok(groups) => assert!(!groups.is_empty()),
        Err(e) => assert_eq!(e.code, "ERR_CRYPTO_OPERATION_FAILED"),
    }
    let choices = suites::ProviderChoices { ecdh_curve: Some(spec), ..Default::default() };
    let _ = suites::provider(choices);
});

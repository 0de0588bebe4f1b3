//! CRL loading (`keys::parse_crls`, the `crl` option): PEM or DER.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rustls_node_core::keys;

fuzz_target!(|data: &[u8]| {
    match keys::parse_crls(data) {
        Ok(crls) => assert!(!crls.is_empty()),
        Err(e) => assert_eq!(e.code, "ERR_CRYPTO_OPERATION_FAILED", "{e:?}"),
    }
});

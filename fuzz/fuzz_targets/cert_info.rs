//! The certificate-details DER reader (`cert_info`): a peer's certificate
//! as `getPeerCertificate()` shows it, and the parts chain building and key
//! pairing read (`signed_parts`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rustls_node_core::fuzz_api;

fuzz_target!(|data: &[u8]| {
    match fuzz_api::certificate_object(data) {
        Ok(object) => {
            // what the binding does with it
            serde_json::to_string(&object).unwrap();
        }
        Err(e) => assert_eq!(e.code, "ERR_OSSL_PEM_NO_START_LINE", "{e:?}"),
    }
    let _ = fuzz_api::public_key_der(data);
    if let Some((tbs, _, _, _, _)) = fuzz_api::signed_parts(data) {
        assert!(tbs.len() <= data.len());
    }
});

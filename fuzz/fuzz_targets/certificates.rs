//! Certificate loading (`keys`): the `cert` option (`parse_certificates_pem`),
//! PEM bundles or one DER certificate (`parse_certificates`) and the
//! lenient reading of `ca` entries (`parse_ca_lenient`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rustls_node_core::keys;

fuzz_target!(|data: &[u8]| {
    let pem = keys::parse_certificates_pem(data);
    let any = keys::parse_certificates(data);
    for result in [&pem, &any] {
        match result {
            Ok(certs) => assert!(!certs.is_empty()),
            Err(e) => assert!(e.code.starts_with("ERR_OSSL_"), "{e:?}"),
        }
    }
    if let Ok(certs) = &pem {
        assert_eq!(Some(certs), any.as_ref().ok());
    }
    let lenient = keys::parse_ca_lenient(data);
    if let Ok(certs) = &pem {
        // everything the strict reader takes, the lenient one takes too
        assert_eq!(&lenient, certs);
    }
});

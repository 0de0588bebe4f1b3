//! PKCS#12 loading (`keys::parse_pkcs12`, the `pfx` option), with no
//! passphrase (OpenSSL's empty one) and with the seeds' passphrase.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rustls_node_core::keys;

/// The passphrase of the seeds (fuzz/corpus/pkcs12).
const PASS: &[u8] = b"s3cret pass";

fuzz_target!(|data: &[u8]| {
    for passphrase in [None, Some(PASS)] {
        match keys::parse_pkcs12(data, passphrase) {
            Ok(contents) => assert!(!contents.chain.is_empty()),
            Err(e) => assert!(e.code.starts_with("ERR_"), "{e:?}"),
        }
    }
});

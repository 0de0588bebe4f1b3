//! Key loading (`keys::parse_private_key`): PEM and DER PKCS#8, PKCS#1,
//! SEC1, encrypted PKCS#8 (PBES2 and the PKCS#12 PBEs) and traditional
//! OpenSSL PEM encryption, with and without a passphrase; then the small-RSA
//! signer (`legacy_rsa`) that a loaded key may go to.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rustls_node_core::{keys, legacy_rsa};

/// The passphrase of the encrypted seeds (fuzz/corpus/private_key).
const PASS: &[u8] = b"s3cret pass";

fuzz_target!(|data: &[u8]| {
    for passphrase in [None, Some(PASS)] {
        match keys::parse_private_key(data, passphrase) {
            Ok(key) => {
                let _ = legacy_rsa::signing_key(&key);
            }
            Err(e) => assert!(e.code.starts_with("ERR_OSSL_"), "{e:?}"),
        }
    }
});

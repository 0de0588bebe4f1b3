//! The operating system's trusted certificates, for Node's
//! `--use-system-ca` / `NODE_USE_SYSTEM_CA=1`, `--use-openssl-ca` and
//! `tls.getCACertificates('system')`.
//!
//! They come from `rustls-native-certs`: on Linux and the BSDs the bundle
//! file and hashed directory OpenSSL would read (`SSL_CERT_FILE`,
//! `SSL_CERT_DIR`, else the distribution's paths), on macOS the keychains'
//! trust settings, on Windows the system store. It gives the certificates
//! as a list, which is what Node's API returns and what merges with the
//! bundled roots, `NODE_EXTRA_CA_CERTS` and `ca` into one store, as Node
//! merges them; `rustls-platform-verifier`, which hands verification to the
//! operating system, has no list to give.

use rustls::pki_types::CertificateDer;

/// The system's trusted certificates (DER), and what could not be read.
pub fn load() -> (Vec<CertificateDer<'static>>, Vec<String>) {
    let result = rustls_native_certs::load_native_certs();
    let errors = result.errors.iter().map(ToString::to_string).collect();
    (result.certs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bundle_ssl_cert_file_names() {
        let dir = std::env::temp_dir().join(format!("rustls-node-system-roots-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ck = rcgen::generate_simple_self_signed(vec!["example.test".to_string()]).unwrap();
        let file = dir.join("bundle.pem");
        std::fs::write(&file, ck.cert.pem()).unwrap();
        // SAFETY of the test: only this test reads these variables.
        std::env::set_var("SSL_CERT_FILE", &file);
        std::env::set_var("SSL_CERT_DIR", dir.join("none"));
        let (certs, _) = load();
        std::env::remove_var("SSL_CERT_FILE");
        std::env::remove_var("SSL_CERT_DIR");
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(certs, vec![ck.cert.der().clone()]);
    }
}

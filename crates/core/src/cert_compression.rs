//! Certificate compression (RFC 8879): Node's `certificateCompression`
//! option and `tls.getCertificateCompressionAlgorithms()`.
//!
//! Node (24.x, OpenSSL 3.5) takes a list of `'zlib'`, `'brotli'`, `'zstd'`
//! in preference order and compresses nothing unless it is given. Here,
//! without the option, rustls's own default applies: a client offers to
//! decompress (brotli, zlib) and a server compresses its chain when the
//! client offers, in both directions (client certificates too). That is
//! safe to have on:
//!
//! - certificates are public, so compressing them leaks nothing an
//!   attacker could not read anyway (RFC 8879 §5: the CRIME-style attacks
//!   need secrets mixed with attacker-controlled data, which a certificate
//!   chain does not have);
//! - a peer's compressed chain cannot blow up: rustls refuses a declared
//!   uncompressed length above 64 KiB before it decompresses, and a
//!   decompressor must fill exactly that length (RFC 8879 §4);
//! - it is TLS 1.3 only, and a peer that does not know the extension
//!   ignores it.
//!
//! A server compresses its chain once per config (rustls's compression
//! cache, at the strongest level) rather than per handshake.
//!
//! `zstd` is accepted, as Node accepts it, but rustls has no zstd codec:
//! it is left out of what is offered, as Node leaves out what its OpenSSL
//! was built without. `getCertificateCompressionAlgorithms()` says what is
//! really available.

use rustls::compress::{self, CertCompressor, CertDecompressor};
use rustls::{CertificateCompressionAlgorithm as Algorithm, ClientConfig, ServerConfig};

use crate::{Result, TlsError};

/// Node's names, in the order of their code points (zlib 1, brotli 2,
/// zstd 3), which is the order Node lists them in.
const NAMES: [(&str, Algorithm); 3] =
    [("zlib", Algorithm::Zlib), ("brotli", Algorithm::Brotli), ("zstd", Algorithm::Zstd)];

fn compressor(alg: Algorithm) -> Option<&'static dyn CertCompressor> {
    compress::default_cert_compressors().iter().find(|c| c.algorithm() == alg).copied()
}

fn decompressor(alg: Algorithm) -> Option<&'static dyn CertDecompressor> {
    compress::default_cert_decompressors().iter().find(|d| d.algorithm() == alg).copied()
}

/// `tls.getCertificateCompressionAlgorithms()`: the names this build can
/// both compress and decompress, in Node's order.
pub fn available() -> Vec<&'static str> {
    NAMES
        .iter()
        .filter(|(_, alg)| compressor(*alg).is_some() && decompressor(*alg).is_some())
        .map(|(name, _)| *name)
        .collect()
}

/// What a context compresses with and offers to decompress, in preference
/// order (a server picks the first of its list that the client offered).
#[derive(Debug, Clone)]
pub struct CertCompression {
    compressors: Vec<&'static dyn CertCompressor>,
    decompressors: Vec<&'static dyn CertDecompressor>,
}

impl Default for CertCompression {
    /// Without the option: rustls's default (brotli, then zlib).
    fn default() -> Self {
        Self {
            compressors: compress::default_cert_compressors().to_vec(),
            decompressors: compress::default_cert_decompressors().to_vec(),
        }
    }
}

impl CertCompression {
    /// Node's `certificateCompression` list. An empty list turns
    /// compression off both ways; a name this build has no codec for
    /// (`zstd`) is skipped; a name given twice is refused, with the error
    /// OpenSSL's SSL_CTX_set1_cert_comp_preference() gives Node.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<Self> {
        let mut out = Self { compressors: Vec::new(), decompressors: Vec::new() };
        for (i, name) in names.iter().enumerate() {
            if names[..i].iter().any(|n| n.as_ref() == name.as_ref()) {
                return Err(TlsError::new(
                    "ERR_CRYPTO_OPERATION_FAILED",
                    "Failed to set certificate compression preference",
                ));
            }
            let name = name.as_ref();
            let Some((_, alg)) = NAMES.iter().find(|(n, _)| *n == name) else {
                return Err(TlsError::new(
                    "ERR_INVALID_ARG_VALUE",
                    format!("certificateCompression: unknown algorithm '{name}'; must be 'zlib', 'brotli', or 'zstd'"),
                ));
            };
            if let (Some(c), Some(d)) = (compressor(*alg), decompressor(*alg)) {
                out.compressors.push(c);
                out.decompressors.push(d);
            }
        }
        Ok(out)
    }

    /// Whether anything is offered or used.
    pub fn is_off(&self) -> bool {
        self.compressors.is_empty() && self.decompressors.is_empty()
    }

    /// The names in use, in preference order (e.g. for a fingerprint).
    pub fn names(&self) -> Vec<&'static str> {
        self.compressors
            .iter()
            .filter_map(|c| NAMES.iter().find(|(_, a)| *a == c.algorithm()).map(|(n, _)| *n))
            .collect()
    }

    /// A client offers to decompress the server's chain and compresses its
    /// own (client authentication) when the server offers.
    pub(crate) fn apply_client(&self, cfg: &mut ClientConfig) {
        cfg.cert_decompressors = self.decompressors.clone();
        cfg.cert_compressors = self.compressors.clone();
    }

    /// A server compresses its chain when the client offers, and offers to
    /// decompress client certificates (in its CertificateRequest).
    pub(crate) fn apply_server(&self, cfg: &mut ServerConfig) {
        cfg.cert_compressors = self.compressors.clone();
        cfg.cert_decompressors = self.decompressors.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn available_in_nodes_order() {
        assert_eq!(available(), ["zlib", "brotli"]);
    }

    #[test]
    fn default_is_rustls_default() {
        let d = CertCompression::default();
        assert_eq!(d.names(), ["brotli", "zlib"]);
        assert!(!d.is_off());
    }

    #[test]
    fn names_keep_order_skip_zstd_refuse_duplicates() {
        let c = CertCompression::from_names(&["zstd", "zlib", "brotli"]).unwrap();
        assert_eq!(c.names(), ["zlib", "brotli"]);
        let dup = CertCompression::from_names(&["zlib", "brotli", "zlib"]).unwrap_err();
        assert_eq!(dup.code, "ERR_CRYPTO_OPERATION_FAILED");
        assert!(CertCompression::from_names::<&str>(&[]).unwrap().is_off());
        assert!(CertCompression::from_names(&["zstd"]).unwrap().is_off());
        assert!(CertCompression::from_names(&["gzip"]).is_err());
        assert!(CertCompression::from_names(&["Zlib"]).is_err());
    }

    /// Bytes the server sends in a handshake between contexts made with
    /// `server` and `client` as their `certificateCompression` (None: the
    /// default).
    fn server_flight(server: Option<&[&str]>, client: Option<&[&str]>) -> usize {
        use crate::config::{ClientOptions, ContextBuilder, ServerOptions};
        use rustls::pki_types::ServerName;
        // Ed25519: signatures of one length, so that flights compare exactly
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
        let names = ["localhost", "example.com", "www.example.com", "api.example.com", "cdn.example.com"];
        let mut params = rcgen::CertificateParams::new(names.map(String::from).to_vec()).unwrap();
        params.distinguished_name.push(rcgen::DnType::OrganizationName, "Example Trust Services");
        let cert = params.self_signed(&key).unwrap();
        let mut sb = ContextBuilder::new();
        sb.add_cert_chain(cert.pem().as_bytes());
        sb.add_key(key.serialize_pem().as_bytes(), None);
        let mut cb = ContextBuilder::new();
        if let Some(n) = server {
            sb.certificate_compression(n);
        }
        if let Some(n) = client {
            cb.certificate_compression(n);
        }
        let scfg = sb.build().unwrap().server_config(&ServerOptions::default()).unwrap();
        let ccfg = cb.build().unwrap().client_config(&ClientOptions::default()).unwrap();
        let mut c = rustls::ClientConnection::new(ccfg, ServerName::try_from("localhost").unwrap()).unwrap();
        let mut s = rustls::ServerConnection::new(scfg).unwrap();
        let mut ch = Vec::new();
        while c.wants_write() {
            c.write_tls(&mut ch).unwrap();
        }
        s.read_tls(&mut &ch[..]).unwrap();
        s.process_new_packets().unwrap();
        let mut flight = Vec::new();
        while s.wants_write() {
            s.write_tls(&mut flight).unwrap();
        }
        let mut rd = &flight[..];
        while !rd.is_empty() {
            c.read_tls(&mut rd).unwrap();
            c.process_new_packets().unwrap();
        }
        assert!(!c.is_handshaking());
        flight.len()
    }

    #[test]
    fn compressed_flight_is_smaller_and_off_means_off() {
        let plain = server_flight(Some(&[]), None);
        assert_eq!(server_flight(None, Some(&[])), plain);
        assert_eq!(server_flight(Some(&["zstd"]), None), plain);
        let default = server_flight(None, None);
        assert!(default < plain, "{default} < {plain}");
        assert!(server_flight(Some(&["zlib"]), Some(&["zlib"])) < plain);
        // no algorithm in common: uncompressed
        assert_eq!(server_flight(Some(&["zlib"]), Some(&["brotli"])), plain);
    }
}

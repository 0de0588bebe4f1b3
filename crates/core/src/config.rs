//! Node's `SecureContext`: key material, trust, and the rustls configurations
//! built from them.
//!
//! Node builds one OpenSSL `SSL_CTX` per secure context and derives each
//! connection from it. Here a context holds the parsed material once, and
//! builds a rustls `ClientConfig`/`ServerConfig` per distinct set of
//! per-connection options (`rejectUnauthorized`, ALPN list, ...), caching it:
//! building a config costs far more than a connection should, and rustls's
//! session caches live in the config, so reusing it is also what makes
//! resumption possible.

use std::sync::{Arc, Mutex};

use rustls::client::Resumption;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, ServerConfig, SupportedProtocolVersion};

use crate::anchors::Anchors;
use crate::resolver::IdentityResolver;
use crate::verifier::{ClientChainVerifier, ServerChainVerifier, TrustPolicy};
use crate::{keys, suites, Result, TlsError};

/// A set of trust anchors, e.g. Node's bundled root list.
pub fn root_store(pems: &[&[u8]]) -> Result<Arc<Anchors>> {
    let mut anchors = Anchors::new();
    for pem in pems {
        for cert in keys::parse_certificates(pem)? {
            anchors.add(cert)?;
        }
    }
    Ok(Arc::new(anchors))
}

/// Everything `tls.createSecureContext(options)` was given, still unparsed
/// where parsing needs the rest (keys are paired with certificates at
/// [`ContextBuilder::build`]).
#[derive(Default)]
pub struct ContextBuilder {
    chains: Vec<Vec<CertificateDer<'static>>>,
    keys: Vec<PrivateKeyDer<'static>>,
    ca: Option<Anchors>,
    default_roots: Option<Arc<Anchors>>,
    crls: Vec<CertificateRevocationListDer<'static>>,
    min_version: Option<String>,
    max_version: Option<String>,
    ciphers: Option<String>,
    ecdh_curve: Option<String>,
}

impl ContextBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// One `cert` entry: a leaf followed by its intermediates.
    pub fn add_cert_chain(&mut self, input: &[u8]) -> Result<()> {
        let chain = keys::parse_certificates(input)?;
        self.chains.push(chain);
        Ok(())
    }

    /// One `key` entry, with its own or the context's `passphrase`.
    pub fn add_key(&mut self, input: &[u8], passphrase: Option<&[u8]>) -> Result<()> {
        self.keys.push(keys::parse_private_key(input, passphrase)?);
        Ok(())
    }

    /// One `pfx` entry: its key and chain join the context, its extra
    /// certificates join the trusted CAs, as OpenSSL does.
    pub fn add_pfx(&mut self, input: &[u8], passphrase: Option<&[u8]>) -> Result<()> {
        let p = keys::parse_pkcs12(input, passphrase)?;
        self.keys.push(p.key);
        // OpenSSL trusts the CA certificates that come with the key.
        let anchors = self.ca.get_or_insert_with(Anchors::new);
        for cert in p.chain.iter().skip(1).chain(p.ca.iter()) {
            anchors.add(cert.clone())?;
        }
        self.chains.push(p.chain);
        Ok(())
    }

    /// One `ca` entry (a bundle). Giving any `ca` replaces the default roots,
    /// as in Node.
    pub fn add_ca(&mut self, input: &[u8]) -> Result<()> {
        let anchors = self.ca.get_or_insert_with(Anchors::new);
        for cert in keys::parse_certificates(input)? {
            anchors.add(cert)?;
        }
        Ok(())
    }

    pub fn add_crl(&mut self, input: &[u8]) -> Result<()> {
        self.crls.extend(keys::parse_crls(input)?);
        Ok(())
    }

    /// The roots used when no `ca` is given.
    pub fn default_roots(&mut self, roots: Arc<Anchors>) {
        self.default_roots = Some(roots);
    }

    pub fn versions(&mut self, min: Option<&str>, max: Option<&str>) {
        self.min_version = min.map(str::to_owned);
        self.max_version = max.map(str::to_owned);
    }

    pub fn ciphers(&mut self, spec: &str) {
        self.ciphers = Some(spec.to_owned());
    }

    pub fn ecdh_curve(&mut self, spec: &str) {
        self.ecdh_curve = Some(spec.to_owned());
    }

    pub fn build(self) -> Result<SecureContext> {
        let provider = Arc::new(suites::provider(
            self.ciphers.as_deref(),
            self.ecdh_curve.as_deref(),
        )?);
        let versions = suites::select_versions(
            self.min_version.as_deref().unwrap_or("TLSv1.2"),
            self.max_version.as_deref().unwrap_or("TLSv1.3"),
        )?;
        let identities = pair_keys(&provider, self.chains, self.keys)?;
        let anchors = match self.ca {
            Some(ca) => Arc::new(ca),
            None => self.default_roots.unwrap_or_default(),
        };
        let policy = Arc::new(TrustPolicy {
            anchors,
            crls: self.crls,
            algorithms: provider.signature_verification_algorithms,
        });
        Ok(SecureContext {
            provider,
            versions,
            identities,
            policy,
            client_configs: Mutex::new(Vec::new()),
            server_configs: Mutex::new(Vec::new()),
        })
    }
}

/// Pairs each certificate chain with the key whose public half is in its
/// leaf, as OpenSSL's `SSL_CTX_use_PrivateKey` requires; a chain without its
/// key is a mismatch and fails now rather than at the first handshake.
fn pair_keys(
    provider: &CryptoProvider,
    chains: Vec<Vec<CertificateDer<'static>>>,
    keys: Vec<PrivateKeyDer<'static>>,
) -> Result<Vec<Arc<CertifiedKey>>> {
    let mut signing = Vec::with_capacity(keys.len());
    for key in keys {
        let k = provider.key_provider.load_private_key(key).map_err(|e| {
            TlsError::new("ERR_OSSL_UNSUPPORTED", format!("unsupported private key: {e}"))
        })?;
        signing.push(Some(k));
    }
    let mut out = Vec::with_capacity(chains.len());
    for chain in chains {
        if chain.is_empty() {
            continue;
        }
        let mut found = None;
        for slot in signing.iter_mut() {
            let Some(key) = slot.as_ref() else { continue };
            let candidate = CertifiedKey::new(chain.clone(), key.clone());
            if candidate.keys_match().is_ok() {
                found = Some(candidate);
                *slot = None;
                break;
            }
        }
        match found {
            Some(ck) => out.push(Arc::new(ck)),
            None if signing.is_empty() => {}
            None => {
                return Err(TlsError::new(
                    "ERR_OSSL_X509_KEY_VALUES_MISMATCH",
                    "key values mismatch: the private key does not belong to the certificate",
                ))
            }
        }
    }
    Ok(out)
}

/// Per-connection client options that shape a `ClientConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientOptions {
    pub reject_unauthorized: bool,
    pub alpn: Vec<Vec<u8>>,
    /// Send the server name as SNI (Node does only for an explicit `servername`).
    pub sni: bool,
}

/// Per-server options that shape a `ServerConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerOptions {
    pub request_cert: bool,
    pub reject_unauthorized: bool,
    pub alpn: Vec<Vec<u8>>,
}

/// A built Node secure context.
pub struct SecureContext {
    provider: Arc<CryptoProvider>,
    versions: Vec<&'static SupportedProtocolVersion>,
    identities: Vec<Arc<CertifiedKey>>,
    pub(crate) policy: Arc<TrustPolicy>,
    client_configs: Mutex<Vec<(ClientOptions, Arc<ClientConfig>)>>,
    server_configs: Mutex<Vec<(ServerOptions, Arc<ServerConfig>)>>,
}

impl std::fmt::Debug for SecureContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecureContext")
            .field("identities", &self.identities.len())
            .field("versions", &self.versions)
            .finish()
    }
}

impl SecureContext {
    /// The local certificate chain (`getCertificate()`), if any.
    pub fn certificate(&self) -> Option<&CertificateDer<'static>> {
        self.identities.first().and_then(|id| id.cert.first())
    }

    pub fn client_config(&self, opts: &ClientOptions) -> Result<Arc<ClientConfig>> {
        let mut cache = self.client_configs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, cfg)) = cache.iter().find(|(o, _)| o == opts) {
            return Ok(cfg.clone());
        }
        let verifier = Arc::new(ServerChainVerifier {
            policy: self.policy.clone(),
            reject_unauthorized: opts.reject_unauthorized,
        });
        let builder = ClientConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&self.versions)
            .map_err(config_error)?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let mut cfg = builder
            .with_client_cert_resolver(Arc::new(IdentityResolver::new(self.identities.clone())));
        cfg.alpn_protocols = opts.alpn.clone();
        cfg.enable_sni = opts.sni;
        // Node resumes only when given `session`; automatic resumption would
        // change `isSessionReused()` and what a full handshake costs.
        cfg.resumption = Resumption::disabled();
        let cfg = Arc::new(cfg);
        cache.push((opts.clone(), cfg.clone()));
        Ok(cfg)
    }

    pub fn server_config(&self, opts: &ServerOptions) -> Result<Arc<ServerConfig>> {
        let mut cache = self.server_configs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, cfg)) = cache.iter().find(|(o, _)| o == opts) {
            return Ok(cfg.clone());
        }
        let verifier = Arc::new(ClientChainVerifier::new(
            self.policy.clone(),
            opts.request_cert,
            opts.reject_unauthorized,
        ));
        let mut cfg = ServerConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&self.versions)
            .map_err(config_error)?
            .with_client_cert_verifier(verifier)
            .with_cert_resolver(Arc::new(IdentityResolver::new(self.identities.clone())));
        cfg.alpn_protocols = opts.alpn.clone();
        let cfg = Arc::new(cfg);
        cache.push((opts.clone(), cfg.clone()));
        Ok(cfg)
    }
}

fn config_error(e: rustls::Error) -> TlsError {
    TlsError::new("ERR_TLS_INVALID_CONTEXT", format!("invalid TLS configuration: {e}"))
}

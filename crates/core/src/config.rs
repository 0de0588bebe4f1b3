//! Node's `SecureContext`: key material, trust, and the rustls configurations
//! built from them.
//!
//! Node builds one OpenSSL `SSL_CTX` per secure context and derives each
//! connection from it. Here a context holds the parsed material once, and
//! builds a rustls `ClientConfig`/`ServerConfig` per distinct set of
//! per-connection options (`rejectUnauthorized`, ALPN list, ...), caching it:
//! building a config costs far more than a connection should. A connection
//! runs on a copy that shares every part by `Arc` but its key log and
//! session cache (hooks.rs); rustls resumes a session only with the verifier
//! and client-certificate resolver it was made with, which those copies
//! share.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use rustls::client::Resumption;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::server::{NoServerSessionStorage, ServerSessionMemoryCache};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, ServerConfig, SupportedProtocolVersion};

use crate::anchors::Anchors;
use crate::cert_compression::CertCompression;
use crate::ech::{self, EchOffer};
use crate::hooks::NoTickets;
use crate::identities::Identities;
use crate::resolver::IdentityResolver;
use crate::sync::lock;
use crate::ticketer::{NodeTicketer, TicketKeys, DEFAULT_SESSION_TIMEOUT};
use crate::verifier::{ClientChainVerifier, ServerChainVerifier, TrustPolicy};
use crate::{cipher_string, keys, legacy_rsa, suites, Result, TlsError};

/// The sessions a server with `maxEarlyData` keeps (each TLS 1.3 ticket
/// is one; a full handshake issues two), per server configuration. The
/// oldest go first; a client whose ticket went falls back to a full
/// handshake (and resends its early data after it).
const EARLY_DATA_SESSIONS: usize = 20_000;

/// The most ECH client configs a context keeps (see [`SecureContext::client_config`]).
const MAX_ECH_CONFIGS: usize = 16;

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

/// One input of `tls.createSecureContext(options)`, kept as given until
/// [`ContextBuilder::build`].
enum Input {
    Cert(Vec<u8>),
    Key(Vec<u8>, Option<Vec<u8>>),
    Pfx(Vec<u8>, Option<Vec<u8>>),
    Ca(Vec<u8>),
    Crl(Vec<u8>),
}

/// Everything `tls.createSecureContext(options)` was given. Nothing is
/// parsed until [`ContextBuilder::build`], which first looks for an
/// identical context already built (see [`Material`]).
#[derive(Default)]
pub struct ContextBuilder {
    inputs: Vec<Input>,
    default_roots: Option<Arc<Anchors>>,
    min_version: Option<String>,
    max_version: Option<String>,
    cipher_list: Option<String>,
    cipher_suites: Option<String>,
    ecdh_curve: Option<String>,
    ticket_keys: Option<Vec<u8>>,
    session_timeout: Option<u32>,
    sigalgs: Option<String>,
    no_tickets: bool,
    honor_cipher_order: bool,
    /// `certificateCompression`; rustls's default when not given.
    cert_compression: Option<Vec<String>>,
    /// `maxEarlyData`: TLS 1.3 0-RTT bytes a server accepts (0: off).
    max_early_data: u32,
}

impl ContextBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// One `cert` entry: a leaf followed by its intermediates.
    pub fn add_cert_chain(&mut self, input: &[u8]) {
        self.inputs.push(Input::Cert(input.to_vec()));
    }

    /// One `key` entry, with its own or the context's `passphrase`.
    pub fn add_key(&mut self, input: &[u8], passphrase: Option<&[u8]>) {
        self.inputs.push(Input::Key(input.to_vec(), passphrase.map(<[u8]>::to_vec)));
    }

    /// One `pfx` entry: its key and chain join the context, its CA
    /// certificates join the trusted CAs, as OpenSSL does.
    pub fn add_pfx(&mut self, input: &[u8], passphrase: Option<&[u8]>) {
        self.inputs.push(Input::Pfx(input.to_vec(), passphrase.map(<[u8]>::to_vec)));
    }

    /// One `ca` entry (a bundle). It joins the default roots only if those
    /// are given too (Node uses them when no `ca` is given, and
    /// `addRootCerts()` / `addCACert()` can combine them).
    pub fn add_ca(&mut self, input: &[u8]) {
        self.inputs.push(Input::Ca(input.to_vec()));
    }

    pub fn add_crl(&mut self, input: &[u8]) {
        self.inputs.push(Input::Crl(input.to_vec()));
    }

    /// Node's default roots, trusted as well as any `ca`.
    pub fn default_roots(&mut self, roots: Arc<Anchors>) {
        self.default_roots = Some(roots);
    }

    pub fn versions(&mut self, min: Option<&str>, max: Option<&str>) {
        self.min_version = min.map(str::to_owned);
        self.max_version = max.map(str::to_owned);
    }

    /// OpenSSL's cipher list (`setCiphers`): TLS 1.2 suites, `@SECLEVEL`.
    pub fn cipher_list(&mut self, spec: &str) {
        self.cipher_list = Some(spec.to_owned());
    }

    /// The TLS 1.3 suites (`setCipherSuites`).
    pub fn cipher_suites(&mut self, spec: &str) {
        self.cipher_suites = Some(spec.to_owned());
    }

    pub fn ecdh_curve(&mut self, spec: &str) {
        self.ecdh_curve = Some(spec.to_owned());
    }

    /// Node's `sigalgs`: the signature schemes offered, accepted and used.
    pub fn sigalgs(&mut self, spec: &str) {
        self.sigalgs = Some(spec.to_owned());
    }

    /// SSL_OP_NO_TICKET: resume by session id (RFC 5246) rather than with
    /// tickets.
    pub fn no_tickets(&mut self, on: bool) {
        self.no_tickets = on;
    }

    /// `honorCipherOrder`: the server's suite order wins over the client's.
    pub fn honor_cipher_order(&mut self, on: bool) {
        self.honor_cipher_order = on;
    }

    /// Node's `ticketKeys` (48 bytes); random when not given.
    pub fn ticket_keys(&mut self, keys: &[u8]) {
        self.ticket_keys = Some(keys.to_vec());
    }

    /// Node's `certificateCompression` (RFC 8879): the algorithms, in
    /// preference order; empty turns compression off (see
    /// [`crate::cert_compression`]).
    pub fn certificate_compression<S: AsRef<str>>(&mut self, names: &[S]) {
        self.cert_compression = Some(names.iter().map(|n| n.as_ref().to_owned()).collect());
    }

    /// `maxEarlyData`: how many bytes of TLS 1.3 early data (0-RTT, RFC
    /// 8446 §4.2.10) a server accepts on a resumed connection; 0 (the
    /// default) turns it off. See [`SecureContext::server_config`] for
    /// what it changes about tickets.
    pub fn max_early_data(&mut self, bytes: u32) {
        self.max_early_data = bytes;
    }

    /// Node's `sessionTimeout`, seconds.
    pub fn session_timeout(&mut self, secs: u32) {
        self.session_timeout = Some(secs);
    }

    /// Parses and checks everything (so bad input fails here, at
    /// `createSecureContext`, never at a handshake), or reuses the material
    /// of an earlier context made from the very same inputs.
    pub fn build(mut self) -> Result<SecureContext> {
        // Per context, never shared: two contexts have their own keys, as
        // two OpenSSL SSL_CTXs do.
        let ticket_keys = Arc::new(match self.ticket_keys.take() {
            Some(k) => TicketKeys::new(&k)?,
            None => TicketKeys::random()?,
        });
        let session_timeout = self.session_timeout.unwrap_or(DEFAULT_SESSION_TIMEOUT);
        let (no_tickets, honor_cipher_order) = (self.no_tickets, self.honor_cipher_order);
        let max_early_data = self.max_early_data;
        let key = self.fingerprint();
        let material = match cached_material(&key) {
            Some(m) => m,
            None => {
                let m = Arc::new(self.parse()?);
                remember_material(key, &m);
                m
            }
        };
        Ok(SecureContext {
            material,
            ticket_keys,
            session_timeout,
            no_tickets,
            honor_cipher_order,
            max_early_data,
            server_configs: Mutex::new(Vec::new()),
        })
    }

    /// SHA-256 over every input, tagged and length-prefixed.
    fn fingerprint(&self) -> [u8; 32] {
        let mut h = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        let mut field = |tag: u8, bytes: &[u8]| {
            h.update(&[tag]);
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        for input in &self.inputs {
            match input {
                Input::Cert(b) => field(1, b),
                Input::Key(b, p) | Input::Pfx(b, p) => {
                    field(if matches!(input, Input::Key(..)) { 2 } else { 3 }, b);
                    field(4, p.as_deref().unwrap_or(b"\xff-none"));
                }
                Input::Ca(b) => field(5, b),
                Input::Crl(b) => field(6, b),
            }
        }
        let roots = self.default_roots.as_ref().map_or(0, |r| Arc::as_ptr(r) as usize);
        field(7, &roots.to_le_bytes());
        for (tag, s) in [
            (8, &self.min_version),
            (9, &self.max_version),
            (10, &self.cipher_list),
            (11, &self.ecdh_curve),
            (12, &self.sigalgs),
            (13, &self.cipher_suites),
        ] {
            field(tag, s.as_deref().map_or(b"\xff-none".as_slice(), str::as_bytes));
        }
        let compression = self.cert_compression.as_ref().map(|n| n.join(":"));
        field(14, compression.as_deref().map_or(b"\xff-none".as_slice(), str::as_bytes));
        let mut out = [0u8; 32];
        out.copy_from_slice(h.finish().as_ref());
        out
    }

    fn parse(self) -> Result<Material> {
        let sigalgs = self.sigalgs.as_deref().map(suites::select_sigalgs).transpose()?;
        let (mut provider, level) = suites::provider(suites::ProviderChoices {
            cipher_list: self.cipher_list.as_deref(),
            cipher_suites: self.cipher_suites.as_deref(),
            ecdh_curve: self.ecdh_curve.as_deref(),
            sigalgs: sigalgs.as_deref(),
        })?;
        let security_level = level.unwrap_or(cipher_string::DEFAULT_SECURITY_LEVEL);
        let cert_compression = match &self.cert_compression {
            Some(names) => CertCompression::from_names(names)?,
            None => CertCompression::default(),
        };
        let versions = suites::usable_versions(
            suites::select_versions(
                self.min_version.as_deref().unwrap_or("TLSv1.2"),
                self.max_version.as_deref().unwrap_or("TLSv1.3"),
            )?,
            &provider.cipher_suites,
        )?;
        // OpenSSL offers only the suites of the versions it enables: a
        // TLS 1.2-only client that listed TLS 1.3 suites would look to a
        // server as if it could speak TLS 1.3.
        provider.cipher_suites.retain(|s| versions.contains(&s.version()));
        let mut identities = Identities::new(&provider, security_level);
        let mut ca: Option<Anchors> = None;
        let mut crls = Vec::new();
        for input in self.inputs {
            match input {
                Input::Cert(b) => identities.use_certificate(keys::parse_certificates_pem(&b)?)?,
                Input::Key(b, p) => identities.use_private_key(keys::parse_private_key(&b, p.as_deref())?)?,
                Input::Pfx(b, p) => {
                    let pfx = keys::parse_pkcs12(&b, p.as_deref())?;
                    let anchors = ca.get_or_insert_with(Anchors::new);
                    for cert in pfx.chain.iter().skip(1).chain(pfx.ca.iter()) {
                        anchors.add(cert.clone())?;
                    }
                    identities.use_certificate(pfx.chain)?;
                    identities.use_private_key(pfx.key)?;
                }
                Input::Ca(b) => {
                    // Node trusts what it can read of a CA bundle and skips
                    // the rest without a word; so does this.
                    let anchors = ca.get_or_insert_with(Anchors::new);
                    for cert in keys::parse_ca_lenient(&b) {
                        let _ = anchors.add(cert);
                    }
                }
                Input::Crl(b) => crls.extend(keys::parse_crls(&b)?),
            }
        }
        let anchors = match (ca, self.default_roots) {
            (Some(mut ca), Some(roots)) => {
                ca.extend_from(&roots)?;
                Arc::new(ca)
            }
            (Some(ca), None) => Arc::new(ca),
            (None, roots) => roots.unwrap_or_default(),
        };
        let identities = identities.finish(&anchors);
        let algorithms = match &sigalgs {
            Some(schemes) => {
                suites::restrict_verification(legacy_rsa::verification_algorithms(security_level), schemes)
            }
            None => suites::in_openssl_order(legacy_rsa::verification_algorithms(security_level)),
        };
        let policy = Arc::new(TrustPolicy { anchors, crls, algorithms });
        Ok(Material {
            provider: Arc::new(provider),
            versions,
            identities,
            policy,
            sigalgs,
            cert_compression,
            client_configs: Mutex::new(Vec::new()),
        })
    }
}

/// Parsed key material and trust, shared by every context made from the
/// same inputs. Code that calls `tls.connect({ ca })` makes a new context
/// per connection; sharing spares re-parsing the PEM each time, and, since
/// client configs live here, lets a session made on one such connection
/// resume on the next (rustls resumes only with the very same verifier).
struct Material {
    provider: Arc<CryptoProvider>,
    versions: Vec<&'static SupportedProtocolVersion>,
    identities: Vec<Arc<CertifiedKey>>,
    policy: Arc<TrustPolicy>,
    /// `sigalgs`: also limits the schemes we sign with.
    sigalgs: Option<Vec<rustls::SignatureScheme>>,
    cert_compression: CertCompression,
    client_configs: Mutex<Vec<(ClientOptions, Arc<ClientConfig>)>>,
}

type MaterialCache = Mutex<HashMap<[u8; 32], Weak<Material>>>;

fn material_cache() -> &'static MaterialCache {
    static CACHE: OnceLock<MaterialCache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn cached_material(key: &[u8; 32]) -> Option<Arc<Material>> {
    lock(material_cache()).get(key)?.upgrade()
}

fn remember_material(key: [u8; 32], m: &Arc<Material>) {
    let mut cache = lock(material_cache());
    if cache.len() >= 256 {
        cache.retain(|_, w| w.strong_count() > 0);
    }
    cache.insert(key, Arc::downgrade(m));
}

/// Per-connection client options that shape a `ClientConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientOptions {
    pub reject_unauthorized: bool,
    pub alpn: Vec<Vec<u8>>,
    /// Send the server name as SNI (Node does only for an explicit `servername`).
    pub sni: bool,
    /// Encrypted Client Hello (see [`crate::ech`]): such a config is TLS
    /// 1.3-only and specific to the servers of its ECHConfigList.
    pub ech: Option<EchOffer>,
    /// Offer TLS 1.3 early data when resuming a session that allows it
    /// (the connection has `earlyData` to send; see [`crate::pump`]).
    pub early_data: bool,
}

/// Per-server options that shape a `ServerConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerOptions {
    pub request_cert: bool,
    pub reject_unauthorized: bool,
    pub alpn: Vec<Vec<u8>>,
    /// Sessions in the user's store ('newSession'/'resumeSession'
    /// listeners) instead of stateless tickets.
    pub external_sessions: bool,
    /// The context came from the SNI callback (it only names errors).
    pub sni_context: bool,
    /// A `tls.Server` socket: a client chain that does not verify is
    /// refused once the handshake is done, as Node does, not during it.
    pub chain_checked_after: bool,
}

/// A built Node secure context.
pub struct SecureContext {
    material: Arc<Material>,
    ticket_keys: Arc<TicketKeys>,
    session_timeout: u32,
    no_tickets: bool,
    honor_cipher_order: bool,
    max_early_data: u32,
    server_configs: Mutex<Vec<(ServerOptions, Arc<ServerConfig>)>>,
}

impl std::fmt::Debug for SecureContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecureContext")
            .field("identities", &self.material.identities.len())
            .field("versions", &self.material.versions)
            .finish()
    }
}

impl SecureContext {
    /// Whether the context holds a key and certificate (a server needs one).
    pub fn has_identity(&self) -> bool {
        !self.material.identities.is_empty()
    }

    /// Whether the context's `sigalgs` (all, without it) include one of
    /// `offered`.
    pub fn signs_with_any(&self, offered: &[rustls::SignatureScheme]) -> bool {
        self.material.sigalgs.as_ref().is_none_or(|allowed| offered.iter().any(|s| allowed.contains(s)))
    }

    /// `honorCipherOrder`: a server's own preferences win.
    pub fn honors_cipher_order(&self) -> bool {
        self.honor_cipher_order
    }

    /// Whether TLS 1.3 is among the context's versions.
    pub fn speaks_tls13(&self) -> bool {
        self.material.versions.contains(&&rustls::version::TLS13)
    }

    /// The local certificate chain (`getCertificate()`), if any.
    pub fn certificate(&self) -> Option<&CertificateDer<'static>> {
        self.material.identities.first().and_then(|id| id.cert.first())
    }

    /// The session ticket keys (`getTicketKeys()`/`setTicketKeys()`).
    pub fn ticket_keys(&self) -> &TicketKeys {
        &self.ticket_keys
    }

    pub(crate) fn policy(&self) -> &Arc<TrustPolicy> {
        &self.material.policy
    }

    pub fn client_config(&self, opts: &ClientOptions) -> Result<Arc<ClientConfig>> {
        let m = &self.material;
        if opts.early_data {
            // rustls resumes a session only with the verifier and client
            // certificate resolver it was made with (the same Arcs): the
            // early-data config is the plain one's with early data on, so
            // that a session from a connection without `earlyData` resumes
            // with it and the other way round.
            let base = self.client_config(&ClientOptions { early_data: false, ..opts.clone() })?;
            let mut cache = lock(&m.client_configs);
            if let Some((_, cfg)) = cache.iter().find(|(o, _)| o == opts) {
                return Ok(cfg.clone());
            }
            let mut cfg = (*base).clone();
            cfg.enable_early_data = true;
            let cfg = Arc::new(cfg);
            remember_client_config(&mut cache, opts, &cfg);
            return Ok(cfg);
        }
        let mut cache = lock(&m.client_configs);
        if let Some((_, cfg)) = cache.iter().find(|(o, _)| o == opts) {
            return Ok(cfg.clone());
        }
        let verifier =
            Arc::new(ServerChainVerifier { policy: m.policy.clone(), reject_unauthorized: opts.reject_unauthorized });
        let builder = ClientConfig::builder_with_provider(m.provider.clone());
        let builder = match &opts.ech {
            None => builder.with_protocol_versions(&m.versions).map_err(config_error)?,
            // rustls's with_ech: TLS 1.3 only, whatever minVersion says
            Some(_) if !m.versions.contains(&&rustls::version::TLS13) => return Err(ech::needs_tls13()),
            Some(offer) => builder.with_ech(ech::mode(offer)?).map_err(|_| ech::needs_tls13())?,
        };
        let builder = builder.dangerous().with_custom_certificate_verifier(verifier);
        let mut cfg =
            builder.with_client_cert_resolver(Arc::new(IdentityResolver::new(m.identities.clone(), m.sigalgs.clone())));
        cfg.alpn_protocols = opts.alpn.clone();
        cfg.enable_sni = opts.sni;
        // Each connection runs on a copy with its own key log and session
        // cache (hooks.rs); none is shared between connections.
        cfg.resumption = Resumption::disabled();
        m.cert_compression.apply_client(&mut cfg);
        let cfg = Arc::new(cfg);
        remember_client_config(&mut cache, opts, &cfg);
        Ok(cfg)
    }

    /// The server config for one connection whose certificate carries a
    /// stapled OCSP response (RFC 6066 §8).
    pub fn server_config_stapling(&self, opts: &ServerOptions, ocsp: Vec<u8>) -> Result<Arc<ServerConfig>> {
        let mut cfg = (*self.server_config(opts)?).clone();
        let identities = self
            .material
            .identities
            .iter()
            .map(|id| Arc::new(CertifiedKey { ocsp: Some(ocsp.clone()), ..(**id).clone() }));
        cfg.cert_resolver = Arc::new(
            IdentityResolver::new(identities.collect(), self.material.sigalgs.clone())
                .for_server(&self.material.provider.cipher_suites, self.honor_cipher_order),
        );
        Ok(Arc::new(cfg))
    }

    /// The issuer of the context's certificate, from its chain or the trust
    /// store: the second argument of Node's `'OCSPRequest'`.
    pub fn certificate_issuer(&self) -> Option<CertificateDer<'static>> {
        let chain = &self.material.identities.first()?.cert;
        match chain.get(1) {
            Some(issuer) => Some(issuer.clone()),
            None => self.material.policy.anchors.issuer_of(chain.first()?).cloned(),
        }
    }

    pub fn server_config(&self, opts: &ServerOptions) -> Result<Arc<ServerConfig>> {
        let m = &self.material;
        let mut cache = lock(&self.server_configs);
        if let Some((_, cfg)) = cache.iter().find(|(o, _)| o == opts) {
            return Ok(cfg.clone());
        }
        let verifier = Arc::new(ClientChainVerifier::new(
            m.policy.clone(),
            opts.request_cert,
            opts.reject_unauthorized,
            opts.reject_unauthorized && !opts.chain_checked_after,
        ));
        let mut cfg = ServerConfig::builder_with_provider(m.provider.clone())
            .with_protocol_versions(&m.versions)
            .map_err(config_error)?
            .with_client_cert_verifier(verifier)
            .with_cert_resolver(Arc::new(
                IdentityResolver::new(m.identities.clone(), m.sigalgs.clone())
                    .for_server(&m.provider.cipher_suites, self.honor_cipher_order),
            ));
        cfg.alpn_protocols = opts.alpn.clone();
        m.cert_compression.apply_server(&mut cfg);
        // Stateless tickets (RFC 5077, RFC 8446 §4.6.1) under the context's
        // ticket keys, as Node issues by default: processes sharing
        // `ticketKeys` resume each other's sessions.
        cfg.ticketer = Arc::new(NodeTicketer::new(self.ticket_keys.clone(), self.session_timeout));
        if self.no_tickets {
            cfg.ticketer = Arc::new(NoTickets);
        }
        if opts.external_sessions {
            // Sessions go to the connection's store (its hooks, see
            // `Hooks::server_config`), none to the context's.
            cfg.ticketer = Arc::new(NoTickets);
            cfg.session_storage = Arc::new(NoServerSessionStorage {});
        } else if self.max_early_data > 0 {
            // 0-RTT: rustls accepts early data only with tickets from a
            // stateful store, whose `take` hands each ticket out once (RFC
            // 8446 §8.1, single-use tickets against replay); its stateless
            // tickets never carry early data. So such a server keeps its
            // sessions in memory: they resume only on this process, not
            // across processes sharing `ticketKeys`. A user's own store
            // ('newSession'/'resumeSession') is not known to be single-use,
            // so no early data is accepted with one (the branch above).
            cfg.ticketer = Arc::new(NoTickets);
            cfg.session_storage = ServerSessionMemoryCache::new(EARLY_DATA_SESSIONS);
            cfg.max_early_data_size = self.max_early_data;
            // The answer to early data may leave before the client's
            // Finished (0.5-RTT data; see `Pump::accept`): without this,
            // rustls holds it until then and 0-RTT saves no round trip.
            // The application sees a connection that early only when early
            // data was accepted and no client certificate is asked for.
            cfg.send_half_rtt_data = true;
        }
        cfg.ignore_client_order = self.honor_cipher_order;
        let cfg = Arc::new(cfg);
        cache.push((opts.clone(), cfg.clone()));
        Ok(cfg)
    }
}

/// Caches a client config. One per ECHConfigList (a DNS record's): only
/// the most recent few are kept, so that changing lists do not pile up.
fn remember_client_config(
    cache: &mut Vec<(ClientOptions, Arc<ClientConfig>)>,
    opts: &ClientOptions,
    cfg: &Arc<ClientConfig>,
) {
    if opts.ech.is_some() {
        let ech_entries = cache.iter().filter(|(o, _)| o.ech.is_some()).count();
        if ech_entries >= MAX_ECH_CONFIGS {
            if let Some(oldest) = cache.iter().position(|(o, _)| o.ech.is_some()) {
                cache.remove(oldest);
            }
        }
    }
    cache.push((opts.clone(), cfg.clone()));
}

fn config_error(e: rustls::Error) -> TlsError {
    TlsError::new("ERR_TLS_INVALID_CONTEXT", format!("invalid TLS configuration: {e}"))
}

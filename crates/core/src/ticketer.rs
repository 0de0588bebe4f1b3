//! Node's `ticketKeys` as a rustls session ticketer.
//!
//! Node's `tls.Server` takes `ticketKeys`: 48 bytes laid out the OpenSSL way,
//! a 16-byte key name, a 16-byte HMAC secret and a 16-byte AES key.
//! `server.getTicketKeys()` returns them and `server.setTicketKeys(keys)`
//! replaces them. The point of the option is that several server processes
//! configured with the same 48 bytes resume each other's sessions.
//!
//! Tickets made here are only ever read by rustls (on this or another
//! rustls-node process), so we do not reproduce OpenSSL's ticket bytes; we
//! only guarantee *same 48 bytes ⇒ same ticket protection*. The construction
//! follows the recommendation of RFC 5077 §4 (a key name that selects the
//! key, then an IV, then the authenticated encrypted state) with an AEAD in
//! place of AES-CBC + HMAC-SHA-256:
//!
//! ```text
//! ticket = key_name[16] || nonce[12] || AES-256-GCM(k, nonce, aad = key_name, state) || tag[16]
//! k      = HKDF-SHA256(salt = "rustls-node ticketKeys v1", ikm = all 48 bytes,
//!                      info = "rustls-node session ticket AES-256-GCM key")
//! ```
//!
//! The nonce is random per ticket (96 bits: fine for far more tickets than a
//! key lives for). The ticket is opaque to the client either way: RFC 8446
//! §4.6.1 (TLS 1.3 `NewSessionTicket.ticket`) and RFC 5077 §3.3 only ask that
//! the server can recover and authenticate its own state from it.
//!
//! After `setTicketKeys()` tickets issued under the old keys no longer
//! decrypt, as in Node: rotating keys after a leak has to end the old
//! sessions. `lifetime()` is Node's `sessionTimeout` (default 300 seconds),
//! which is sent to clients as the ticket lifetime hint.

use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use aws_lc_rs::hkdf;

use crate::{Result, TlsError};

/// Length of Node's `ticketKeys` buffer.
pub const TICKET_KEYS_LEN: usize = 48;
/// Length of the key name at the start of the keys and of every ticket.
pub const KEY_NAME_LEN: usize = 16;
/// Node's default `sessionTimeout`, in seconds.
pub const DEFAULT_SESSION_TIMEOUT: u32 = 300;
/// RFC 8446 §4.6.1: servers MUST NOT use a ticket lifetime over seven days.
pub const MAX_TICKET_LIFETIME: u32 = 604_800;

const TAG_LEN: usize = 16;
const HKDF_SALT: &[u8] = b"rustls-node ticketKeys v1";
const HKDF_INFO: &[u8] = b"rustls-node session ticket AES-256-GCM key";

/// One 48-byte key set and the AEAD key derived from it.
struct KeySlot {
    raw: [u8; TICKET_KEYS_LEN],
    aead: LessSafeKey,
}

impl KeySlot {
    fn derive(raw: [u8; TICKET_KEYS_LEN]) -> Result<Self> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, HKDF_SALT).extract(&raw);
        let info = [HKDF_INFO];
        let okm = prk.expand(&info, &AES_256_GCM).map_err(|_| crypto_failed())?;
        let mut key = [0u8; 32];
        okm.fill(&mut key).map_err(|_| crypto_failed())?;
        let unbound = UnboundKey::new(&AES_256_GCM, &key).map_err(|_| crypto_failed());
        key.fill(0);
        Ok(Self { raw, aead: LessSafeKey::new(unbound?) })
    }

    fn name(&self) -> &[u8] {
        &self.raw[..KEY_NAME_LEN]
    }
}

impl Drop for KeySlot {
    fn drop(&mut self) {
        // Best effort: the AEAD key itself is cleared by aws-lc.
        self.raw.fill(0);
    }
}

/// Node's session ticket keys: the current 48 bytes.
pub struct TicketKeys {
    current: RwLock<KeySlot>,
}

impl TicketKeys {
    /// Keys from Node's `ticketKeys` option. Anything but 48 bytes fails the
    /// way `tls.createServer({ ticketKeys })` does in Node:
    /// `ERR_INVALID_ARG_VALUE`, "The property 'options.ticketKeys' must be
    /// exactly 48 bytes. Received N".
    pub fn new(keys: &[u8]) -> Result<Self> {
        let raw: [u8; TICKET_KEYS_LEN] = keys.try_into().map_err(|_| {
            TlsError::new(
                "ERR_INVALID_ARG_VALUE",
                format!("The property 'options.ticketKeys' must be exactly 48 bytes. Received {}", keys.len()),
            )
        })?;
        Self::from_raw(raw)
    }

    /// Fresh random keys: what a Node server uses without `ticketKeys`.
    pub fn random() -> Result<Self> {
        let mut raw = [0u8; TICKET_KEYS_LEN];
        aws_lc_rs::rand::fill(&mut raw).map_err(|_| crypto_failed())?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: [u8; TICKET_KEYS_LEN]) -> Result<Self> {
        Ok(Self { current: RwLock::new(KeySlot::derive(raw)?) })
    }

    /// The current 48 bytes: `server.getTicketKeys()`.
    pub fn get(&self) -> [u8; TICKET_KEYS_LEN] {
        self.read().raw
    }

    /// `server.setTicketKeys(keys)`: `keys` replace the current keys, and
    /// tickets under the old ones stop resuming. Safe to call while
    /// connections are running. Anything but 48 bytes fails like Node v20's
    /// `setTicketKeys()`, which reports it as an internal assertion
    /// (`ERR_INTERNAL_ASSERTION`, "Session ticket keys must be a 48-byte
    /// buffer", followed by Node's usual "This is caused by ..." text).
    pub fn set(&self, keys: &[u8]) -> Result<()> {
        let raw: [u8; TICKET_KEYS_LEN] = keys.try_into().map_err(|_| {
            TlsError::new(
                "ERR_INTERNAL_ASSERTION",
                "Session ticket keys must be a 48-byte buffer\n\
                 This is caused by either a bug in Node.js or incorrect usage of Node.js internals.\n\
                 Please open an issue with this stack trace at https://github.com/nodejs/node/issues\n",
            )
        })?;
        *self.write() = KeySlot::derive(raw)?;
        Ok(())
    }

    // A panic elsewhere while holding the lock cannot leave the key half
    // written (every write is a whole-value replacement), so poisoning is
    // ignored rather than turned into a panic here.
    fn read(&self) -> RwLockReadGuard<'_, KeySlot> {
        self.current.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, KeySlot> {
        self.current.write().unwrap_or_else(|e| e.into_inner())
    }

    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        let key = self.read();
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce).ok()?;
        let mut out = Vec::with_capacity(KEY_NAME_LEN + NONCE_LEN + plain.len() + TAG_LEN);
        out.extend_from_slice(key.name());
        out.extend_from_slice(&nonce);
        let mut body = plain.to_vec();
        key.aead
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(key.name()), &mut body)
            .ok()?;
        out.extend_from_slice(&body);
        Some(out)
    }

    fn decrypt(&self, ticket: &[u8]) -> Option<Vec<u8>> {
        if ticket.len() < KEY_NAME_LEN + NONCE_LEN + TAG_LEN {
            return None;
        }
        let (name, rest) = ticket.split_at(KEY_NAME_LEN);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let key = self.read();
        if key.name() != name {
            return None;
        }
        let mut body = sealed.to_vec();
        let len = key.aead.open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(name), &mut body).ok()?.len();
        body.truncate(len);
        Some(body)
    }
}

impl fmt::Debug for TicketKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TicketKeys").finish_non_exhaustive()
    }
}

/// rustls's session ticket producer over Node's ticket keys (see the module
/// docs for the ticket layout).
pub struct NodeTicketer {
    keys: Arc<TicketKeys>,
    lifetime: u32,
}

impl NodeTicketer {
    /// `lifetime_secs` is Node's `sessionTimeout` ([`DEFAULT_SESSION_TIMEOUT`]
    /// when not given); it is capped at the seven days RFC 8446 §4.6.1 allows.
    pub fn new(keys: Arc<TicketKeys>, lifetime_secs: u32) -> Self {
        Self { keys, lifetime: lifetime_secs.min(MAX_TICKET_LIFETIME) }
    }

    /// The shared keys, for `getTicketKeys()`/`setTicketKeys()`.
    pub fn keys(&self) -> &Arc<TicketKeys> {
        &self.keys
    }
}

impl fmt::Debug for NodeTicketer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeTicketer").field("lifetime", &self.lifetime).finish_non_exhaustive()
    }
}

impl rustls::server::ProducesTickets for NodeTicketer {
    fn enabled(&self) -> bool {
        true
    }

    fn lifetime(&self) -> u32 {
        self.lifetime
    }

    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        self.keys.encrypt(plain)
    }

    fn decrypt(&self, cipher: &[u8]) -> Option<Vec<u8>> {
        self.keys.decrypt(cipher)
    }
}

fn crypto_failed() -> TlsError {
    TlsError::new("ERR_CRYPTO_OPERATION_FAILED", "could not set up session ticket keys")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::server::ProducesTickets;

    fn keys(fill: u8) -> [u8; 48] {
        let mut k = [0u8; 48];
        for (i, b) in k.iter_mut().enumerate() {
            *b = fill.wrapping_add(i as u8);
        }
        k
    }

    fn ticketer(bytes: &[u8]) -> NodeTicketer {
        NodeTicketer::new(Arc::new(TicketKeys::new(bytes).unwrap()), DEFAULT_SESSION_TIMEOUT)
    }

    #[test]
    fn round_trip() {
        let t = NodeTicketer::new(Arc::new(TicketKeys::random().unwrap()), 300);
        assert!(t.enabled());
        assert_eq!(t.lifetime(), 300);
        for plain in [&b""[..], b"x", &[7u8; 1000]] {
            let c = t.encrypt(plain).unwrap();
            assert_eq!(c.len(), 16 + 12 + plain.len() + 16);
            assert_eq!(t.decrypt(&c).unwrap(), plain);
        }
        // fresh nonce per ticket
        assert_ne!(t.encrypt(b"same").unwrap(), t.encrypt(b"same").unwrap());
    }

    #[test]
    fn ticket_starts_with_key_name() {
        let k = keys(1);
        let c = ticketer(&k).encrypt(b"state").unwrap();
        assert_eq!(&c[..16], &k[..16]);
    }

    #[test]
    fn same_bytes_in_two_processes_share_tickets() {
        let a = ticketer(&keys(9));
        let b = ticketer(&keys(9));
        assert_eq!(b.decrypt(&a.encrypt(b"from a").unwrap()).unwrap(), b"from a");
        assert_eq!(a.decrypt(&b.encrypt(b"from b").unwrap()).unwrap(), b"from b");
    }

    #[test]
    fn different_keys_fail() {
        let a = ticketer(&keys(1));
        assert_eq!(ticketer(&keys(2)).decrypt(&a.encrypt(b"s").unwrap()), None);
        // same key name, different secrets
        let mut other = keys(1);
        other[40] ^= 1;
        assert_eq!(ticketer(&other).decrypt(&a.encrypt(b"s").unwrap()), None);
        assert_eq!(TicketKeys::random().unwrap().decrypt(&a.encrypt(b"s").unwrap()), None);
    }

    #[test]
    fn rotation_ends_tickets_under_the_old_keys() {
        let t = ticketer(&keys(1));
        let old = t.encrypt(b"old").unwrap();
        t.keys().set(&keys(2)).unwrap();
        assert_eq!(t.keys().get(), keys(2));
        let new = t.encrypt(b"new").unwrap();
        assert_eq!(&new[..16], &keys(2)[..16]);
        assert_eq!(t.decrypt(&old), None);
        assert_eq!(t.decrypt(&new).unwrap(), b"new");
    }

    #[test]
    fn rotation_to_same_key_name_still_ends_old_tickets() {
        let t = ticketer(&keys(1));
        let old = t.encrypt(b"old").unwrap();
        let mut next = keys(1);
        next[47] ^= 0xff;
        t.keys().set(&next).unwrap();
        assert_eq!(t.decrypt(&old), None);
        assert_eq!(t.decrypt(&t.encrypt(b"new").unwrap()).unwrap(), b"new");
    }

    #[test]
    fn tampered_and_truncated_tickets_are_refused() {
        let t = ticketer(&keys(5));
        let c = t.encrypt(b"some session state").unwrap();
        for i in 0..c.len() {
            let mut bad = c.clone();
            bad[i] ^= 0x01;
            assert_eq!(t.decrypt(&bad), None, "flipped byte {i}");
        }
        for n in 0..c.len() {
            assert_eq!(t.decrypt(&c[..n]), None, "truncated to {n}");
        }
        let mut longer = c.clone();
        longer.push(0);
        assert_eq!(t.decrypt(&longer), None);
        assert_eq!(t.decrypt(&[]), None);
    }

    #[test]
    fn get_returns_what_was_set() {
        let k = TicketKeys::new(&keys(3)).unwrap();
        assert_eq!(k.get(), keys(3));
        k.set(&keys(4)).unwrap();
        assert_eq!(k.get(), keys(4));
        let r = TicketKeys::random().unwrap();
        assert_ne!(r.get(), TicketKeys::random().unwrap().get());
    }

    #[test]
    fn wrong_lengths_error_like_node() {
        for n in [0usize, 10, 47, 49, 96] {
            let e = TicketKeys::new(&vec![0u8; n]).unwrap_err();
            assert_eq!(e.code, "ERR_INVALID_ARG_VALUE");
            assert_eq!(e.message, format!("The property 'options.ticketKeys' must be exactly 48 bytes. Received {n}"));
            let k = TicketKeys::new(&keys(0)).unwrap();
            let e = k.set(&vec![0u8; n]).unwrap_err();
            assert_eq!(e.code, "ERR_INTERNAL_ASSERTION");
            assert!(e.message.starts_with("Session ticket keys must be a 48-byte buffer\n"));
            assert_eq!(k.get(), keys(0), "a failed set() changes nothing");
        }
    }

    #[test]
    fn lifetime_is_capped_at_seven_days() {
        let k = Arc::new(TicketKeys::random().unwrap());
        assert_eq!(NodeTicketer::new(k.clone(), 7200).lifetime(), 7200);
        assert_eq!(NodeTicketer::new(k, u32::MAX).lifetime(), MAX_TICKET_LIFETIME);
    }

    #[test]
    fn debug_does_not_print_keys() {
        let t = ticketer(&[0xab; 48]);
        let s = format!("{t:?} {:?}", t.keys());
        assert!(!s.contains("171"), "{s}");
    }

    /// Full handshakes through rustls: a ticket issued by one server resumes
    /// on a second server built from the same 48 bytes, in TLS 1.3 and 1.2.
    #[test]
    fn rustls_resumes_across_servers_with_same_keys() {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
        use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection};

        let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let cert: CertificateDer<'static> = ck.cert.der().clone();
        let key = ck.signing_key.serialize_der();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());

        let server = |bytes: &[u8]| {
            let mut cfg = ServerConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![cert.clone()], PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.clone())))
                .unwrap();
            cfg.ticketer = Arc::new(ticketer(bytes));
            cfg.send_tls13_tickets = 1;
            Arc::new(cfg)
        };

        fn pump(c: &mut ClientConnection, s: &mut ServerConnection) {
            crate::test_support::exchange(c, s, 20);
        }

        for versions in [&rustls::version::TLS13, &rustls::version::TLS12] {
            let mut roots = RootCertStore::empty();
            roots.add(cert.clone()).unwrap();
            let client = Arc::new(
                ClientConfig::builder_with_provider(provider.clone())
                    .with_protocol_versions(&[versions])
                    .unwrap()
                    .with_root_certificates(roots)
                    .with_no_client_auth(),
            );
            let name = ServerName::try_from("localhost").unwrap();
            let (a, b, other) = (server(&keys(1)), server(&keys(1)), server(&keys(2)));

            let mut c = ClientConnection::new(client.clone(), name.clone()).unwrap();
            let mut s = ServerConnection::new(a).unwrap();
            pump(&mut c, &mut s);
            assert_eq!(c.handshake_kind(), Some(rustls::HandshakeKind::Full));

            // the same keys in "another process": resumed
            let mut c = ClientConnection::new(client.clone(), name.clone()).unwrap();
            let mut s = ServerConnection::new(b).unwrap();
            pump(&mut c, &mut s);
            assert_eq!(c.handshake_kind(), Some(rustls::HandshakeKind::Resumed), "{versions:?}");

            // different keys: a full handshake again
            let mut c = ClientConnection::new(client.clone(), name.clone()).unwrap();
            let mut s = ServerConnection::new(other).unwrap();
            pump(&mut c, &mut s);
            assert_eq!(c.handshake_kind(), Some(rustls::HandshakeKind::Full), "{versions:?}");
        }
    }
}

//! Client sessions as Node hands them out: opaque Buffers.
//!
//! Node gives the client a serialised OpenSSL session (`'session'` event,
//! `getSession()`) and takes it back (`session` option) to resume. rustls
//! does not serialise client sessions, so the Buffer here is a handle: a
//! magic prefix and 16 random bytes naming an entry in a process-wide store
//! of rustls session values. Consequences, documented in the README:
//!
//! - a session resumes only within the process that made it;
//! - an entry is only offered to the server it came from (same server name,
//!   and the server must accept its ticket, which another server cannot
//!   decrypt);
//! - a TLS 1.3 ticket is used once (RFC 8446 §C.4 recommends single use,
//!   and rustls enforces it); TLS 1.2 sessions may be reused.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, OnceLock};

use rustls::client::{Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;

/// What a session Buffer starts with.
const MAGIC: &[u8; 4] = b"RNS1";
/// How many sessions the process keeps; the oldest go first.
const CAPACITY: usize = 4096;

pub enum SessionValue {
    Tls12(Tls12ClientSessionValue),
    Tls13(Tls13ClientSessionValue),
}

struct Entry {
    server_name: ServerName<'static>,
    value: SessionValue,
}

#[derive(Default)]
struct Store {
    entries: HashMap<[u8; 16], Entry>,
    order: VecDeque<[u8; 16]>,
}

fn store() -> &'static Mutex<Store> {
    static STORE: OnceLock<Mutex<Store>> = OnceLock::new();
    STORE.get_or_init(Mutex::default)
}

/// Keeps a session and returns the Buffer that names it.
pub fn save(server_name: ServerName<'static>, value: SessionValue) -> Vec<u8> {
    let mut id = [0u8; 16];
    if aws_lc_rs::rand::fill(&mut id).is_err() {
        return Vec::new();
    }
    let mut s = store().lock().unwrap_or_else(|p| p.into_inner());
    while s.entries.len() >= CAPACITY {
        match s.order.pop_front() {
            Some(old) => {
                s.entries.remove(&old);
            }
            None => break,
        }
    }
    s.entries.insert(id, Entry { server_name, value });
    s.order.push_back(id);
    let mut handle = MAGIC.to_vec();
    handle.extend_from_slice(&id);
    handle
}

fn id_of(handle: &[u8]) -> Option<[u8; 16]> {
    let rest = handle.strip_prefix(MAGIC.as_slice())?;
    rest.try_into().ok()
}

/// Whether `handle` looks like one of our session Buffers.
pub fn is_handle(handle: &[u8]) -> bool {
    id_of(handle).is_some()
}

/// A TLS 1.2 session for `server_name` (stays in the store).
pub fn tls12(handle: &[u8], server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
    let id = id_of(handle)?;
    let s = store().lock().unwrap_or_else(|p| p.into_inner());
    match s.entries.get(&id)? {
        Entry { server_name: n, value: SessionValue::Tls12(v) } if n == server_name => Some(v.clone()),
        _ => None,
    }
}

/// A TLS 1.3 ticket for `server_name`, taken out: tickets are single-use.
pub fn take_tls13(handle: &[u8], server_name: &ServerName<'_>) -> Option<Tls13ClientSessionValue> {
    let id = id_of(handle)?;
    let mut s = store().lock().unwrap_or_else(|p| p.into_inner());
    let matches = matches!(
        s.entries.get(&id),
        Some(Entry { server_name: n, value: SessionValue::Tls13(_) }) if n == server_name
    );
    if !matches {
        return None;
    }
    s.order.retain(|k| k != &id);
    match s.entries.remove(&id)?.value {
        SessionValue::Tls13(v) => Some(v),
        SessionValue::Tls12(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_recognised_and_unknown_ones_find_nothing() {
        assert!(!is_handle(b"RNS1short"));
        let fake = [MAGIC.as_slice(), &[7u8; 16]].concat();
        assert!(is_handle(&fake));
        let name = ServerName::try_from("example.com").unwrap();
        assert!(tls12(&fake, &name).is_none());
        assert!(take_tls13(&fake, &name).is_none());
        assert!(tls12(b"garbage", &name).is_none());
    }
}

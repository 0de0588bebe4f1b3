//! Client sessions as Node hands them out: opaque Buffers.
//!
//! Node gives the client a serialised OpenSSL session (`'session'` event,
//! `getSession()`) and takes it back (`session` option) to resume. rustls
//! does not serialise client sessions, so the Buffer here is a handle: a
//! magic prefix and 16 random bytes naming a *group* in a process-wide
//! store, and a count of the sessions the group received, so that, as in
//! Node, each session has its own Buffer (a TLS 1.3 `getSession()` before
//! any ticket differs from the `'session'` that brings one) while every
//! Buffer of a group resumes from the whole group. A group holds what one
//! line of connections to a server received: the TLS 1.2 session, and a
//! pool of TLS 1.3 tickets. Consequences,
//! documented in the README:
//!
//! - a session resumes only within the process that made it;
//! - a group is only offered to the server it came from (same server name;
//!   and the server must accept the ticket, which another cannot decrypt);
//! - a TLS 1.3 ticket is used once (RFC 8446 §C.4; rustls enforces it),
//!   but a group holds every ticket the server sent (two, usually), and a
//!   connection resumed from a group puts the tickets it receives back into
//!   it. So a Buffer shared by consecutive connections, as `https.Agent`
//!   does, keeps resuming; only a burst of more concurrent connections than
//!   tickets in the pool falls back to full handshakes.

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};

use crate::bounded_map::BoundedMap;

use rustls::client::{Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;

/// What a session Buffer starts with.
const MAGIC: &[u8; 4] = b"RNS1";
/// How many groups the process keeps; the oldest go first.
const CAPACITY: usize = 4096;
/// How many TLS 1.3 tickets a group keeps; the oldest go first.
const TICKETS_PER_GROUP: usize = 8;

pub enum SessionValue {
    Tls12(Tls12ClientSessionValue),
    Tls13(Tls13ClientSessionValue),
}

struct Group {
    server_name: ServerName<'static>,
    /// Sessions received so far: the serial in the group's newest Buffer.
    received: u32,
    tls12: Option<Tls12ClientSessionValue>,
    tls13: VecDeque<Tls13ClientSessionValue>,
}

struct Store {
    groups: BoundedMap<[u8; 16], Group>,
}

fn store() -> &'static Mutex<Store> {
    static STORE: OnceLock<Mutex<Store>> = OnceLock::new();
    STORE.get_or_init(|| Mutex::new(Store { groups: BoundedMap::new(CAPACITY) }))
}

fn lock() -> std::sync::MutexGuard<'static, Store> {
    crate::sync::lock(store())
}

/// The group `handle` names if it is for the same server, else a new empty
/// one: where a connection's sessions will go. Its handle is what Node's
/// `getSession()` returns before any ticket arrived (TLS 1.3): tickets that
/// come later join the group, so the Buffer resumes once they have.
pub fn reserve(handle: Option<&[u8]>, server_name: ServerName<'static>) -> Vec<u8> {
    let mut s = lock();
    let Some(id) = group_for(&mut s, handle, server_name) else { return Vec::new() };
    handle_of(id, s.groups.get(&id).map_or(0, |g| g.received))
}

fn handle_of(id: [u8; 16], serial: u32) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&id);
    out.extend_from_slice(&serial.to_be_bytes());
    out
}

fn group_for(s: &mut Store, handle: Option<&[u8]>, server_name: ServerName<'static>) -> Option<[u8; 16]> {
    let existing = handle.and_then(id_of).filter(|id| s.groups.get(id).is_some_and(|g| g.server_name == server_name));
    if existing.is_some() {
        return existing;
    }
    let mut id = [0u8; 16];
    aws_lc_rs::rand::fill(&mut id).ok()?;
    s.groups.insert(id, Group { server_name, received: 0, tls12: None, tls13: VecDeque::new() });
    Some(id)
}

/// Keeps a session in the group `handle` names (if it is for the same
/// server), else in a new group; returns the group's handle.
pub fn save(handle: Option<&[u8]>, server_name: ServerName<'static>, value: SessionValue) -> Vec<u8> {
    let mut s = lock();
    let Some(id) = group_for(&mut s, handle, server_name) else { return Vec::new() };
    let group = s.groups.get_mut(&id).expect("group just found or made");
    group.received = group.received.wrapping_add(1);
    match value {
        SessionValue::Tls12(v) => group.tls12 = Some(v),
        SessionValue::Tls13(v) => {
            if group.tls13.len() >= TICKETS_PER_GROUP {
                group.tls13.pop_front();
            }
            group.tls13.push_back(v);
        }
    }
    handle_of(id, group.received)
}

fn id_of(handle: &[u8]) -> Option<[u8; 16]> {
    let rest = handle.strip_prefix(MAGIC.as_slice())?;
    let (id, serial) = rest.split_first_chunk::<16>()?;
    (serial.len() == 4).then_some(*id)
}

/// Whether `handle` looks like one of our session Buffers.
pub fn is_handle(handle: &[u8]) -> bool {
    id_of(handle).is_some()
}

/// The group's TLS 1.2 session for `server_name` (it stays in the group).
pub fn tls12(handle: &[u8], server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
    let id = id_of(handle)?;
    let s = lock();
    let g = s.groups.get(&id).filter(|g| &g.server_name == server_name)?;
    g.tls12.clone()
}

/// One of the group's TLS 1.3 tickets for `server_name`, taken out: tickets
/// are single-use. The newest first: it has the most life left.
pub fn take_tls13(handle: &[u8], server_name: &ServerName<'_>) -> Option<Tls13ClientSessionValue> {
    let id = id_of(handle)?;
    let mut s = lock();
    let g = s.groups.get_mut(&id).filter(|g| &g.server_name == server_name)?;
    g.tls13.pop_back()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_recognised_and_unknown_ones_find_nothing() {
        assert!(!is_handle(b"RNS1short"));
        let fake = [MAGIC.as_slice(), &[7u8; 16], &[0u8; 4]].concat();
        assert!(is_handle(&fake));
        assert!(!is_handle(&fake[..20]));
        let name = ServerName::try_from("example.com").unwrap();
        assert!(tls12(&fake, &name).is_none());
        assert!(take_tls13(&fake, &name).is_none());
        assert!(tls12(b"garbage", &name).is_none());
    }

    #[test]
    fn a_reserved_group_keeps_its_buffer_until_a_session_arrives() {
        let name = ServerName::try_from("example.com").unwrap();
        let empty = reserve(None, name.clone());
        assert!(is_handle(&empty));
        assert_eq!(empty[20..], [0, 0, 0, 0]);
        assert_eq!(reserve(Some(&empty), name.clone()), empty);
        // Another server's connection does not join it.
        let other = reserve(Some(&empty), ServerName::try_from("example.org").unwrap());
        assert_ne!(other[..20], empty[..20]);
    }
}

//! Helpers for the unit tests of several modules.

use rustls::{ClientConnection, ServerConnection};

/// Moves records between an in-memory client and server, both ways, for
/// `rounds` round trips (enough to finish a handshake and deliver tickets).
pub fn exchange(c: &mut ClientConnection, s: &mut ServerConnection, rounds: usize) {
    for _ in 0..rounds {
        let mut buf = Vec::new();
        while c.wants_write() {
            c.write_tls(&mut buf).unwrap();
        }
        let mut rd = &buf[..];
        while !rd.is_empty() {
            s.read_tls(&mut rd).unwrap();
            s.process_new_packets().unwrap();
        }
        let mut buf = Vec::new();
        while s.wants_write() {
            s.write_tls(&mut buf).unwrap();
        }
        let mut rd = &buf[..];
        while !rd.is_empty() {
            c.read_tls(&mut rd).unwrap();
            c.process_new_packets().unwrap();
        }
    }
}

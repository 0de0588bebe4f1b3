//! The session ticket decoder (`ticketer::NodeTicketer`): what a client
//! presents as a TLS 1.2 ticket or TLS 1.3 PSK identity, opened with fixed
//! keys. The seeds are real tickets under those keys, so the fuzzer starts
//! past the key-name check. Also: whatever we seal opens to itself.
#![no_main]
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use rustls_node_core::rustls::server::ProducesTickets;
use rustls_node_core::ticketer::{NodeTicketer, TicketKeys};

/// The keys of fuzz/corpus/ticket (bytes 0, 1, ..., 47).
fn ticketer() -> &'static NodeTicketer {
    static T: OnceLock<NodeTicketer> = OnceLock::new();
    T.get_or_init(|| {
        let keys: Vec<u8> = (0..48).collect();
        NodeTicketer::new(Arc::new(TicketKeys::new(&keys).unwrap()), 300)
    })
}

fuzz_target!(|data: &[u8]| {
    let t = ticketer();
    if let Some(plain) = t.decrypt(data) {
        assert!(plain.len() < data.len());
    }
    let sealed = t.encrypt(data).unwrap();
    assert_eq!(t.decrypt(&sealed).as_deref(), Some(data));
    // ticketKeys of any length: refused unless 48 bytes
    assert_eq!(TicketKeys::new(data).is_ok(), data.len() == 48);
});

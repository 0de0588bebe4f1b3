//! Client session Buffers (`session_store`): whatever a user passes as the
//! `session` option is looked up as a handle.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rustls_node_core::rustls::pki_types::ServerName;
use rustls_node_core::session_store;

fuzz_target!(|data: &[u8]| {
    let name = ServerName::try_from("fuzz.example").unwrap();
    let is_handle = session_store::is_handle(data);
    assert_eq!(is_handle, data.len() == 24 && data.starts_with(b"RNS1"));
    assert!(session_store::tls12(data, &name).is_none());
    assert!(session_store::take_tls13(data, &name).is_none());
    let reserved = session_store::reserve(Some(data), name.clone());
    assert!(session_store::is_handle(&reserved));
    // the new group is found again by its own handle
    assert_eq!(session_store::reserve(Some(&reserved), name)[..20], reserved[..20]);
});

//! The ClientHello reader (`client_hello::parse_client_hello`): the first
//! bytes any TCP peer sends a server, read before rustls sees them.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rustls_node_core::client_hello::{alert_for, parse_client_hello};

fuzz_target!(|data: &[u8]| {
    let result = parse_client_hello(data);
    match &result {
        Ok(Some(info)) => {
            assert!(info.legacy_session_id.len() <= 32);
            if let Some(name) = &info.server_name {
                assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic()), "{name:?}");
            }
        }
        Ok(None) => {}
        Err(e) => {
            assert!(e.code.starts_with("ERR_SSL_"), "{e:?}");
            let _ = alert_for(e);
        }
    }
    // The reader is called again as bytes arrive: a verdict, once reached,
    // does not change with what follows.
    if !matches!(result, Ok(None)) {
        let mut more = data.to_vec();
        more.extend_from_slice(&[0x16, 0x03, 0x03, 0x00]);
        let again = parse_client_hello(&more);
        match (&result, &again) {
            (Err(a), Err(b)) => assert_eq!(a.code, b.code),
            _ => assert_eq!(result, again),
        }
    }
});

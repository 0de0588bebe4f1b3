//! The event bits a receive step reports, exported to JS from the core's
//! one definition (`rustls_node_core::pump::event`), so the TS layer reads
//! them from the addon instead of retyping them.

use napi_derive::napi;
use rustls_node_core::pump::event;

#[napi]
pub const EVENT_HANDSHAKE_DONE: u32 = event::HANDSHAKE_DONE;
#[napi]
pub const EVENT_PEER_CLOSED: u32 = event::PEER_CLOSED;
#[napi]
pub const EVENT_CLIENT_HELLO: u32 = event::CLIENT_HELLO;
#[napi]
pub const EVENT_SESSION: u32 = event::SESSION;
#[napi]
pub const EVENT_KEYLOG: u32 = event::KEYLOG;
#[napi]
pub const EVENT_SERVER_SESSION: u32 = event::SERVER_SESSION;
#[napi]
pub const EVENT_OUTPUT: u32 = event::OUTPUT;
#[napi]
pub const EVENT_MORE_PLAINTEXT: u32 = event::MORE_PLAINTEXT;

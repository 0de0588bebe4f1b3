//! Handshake steps on libuv's thread pool.
//!
//! The costly parts of a handshake are a server's key exchange and
//! signature (on the ClientHello: `acceptAsync`) and a client's key
//! exchange and certificate verification (on the server's flight:
//! `receiveAsync`). Run on the event loop, a storm of handshakes blocks it
//! and uses one core; as napi async work they run on the pool's threads and
//! the loop goes on. The connection's pump is shared by `Arc<Mutex<_>>`;
//! the JS side makes no other call on it while a step runs.
//!
//! Each step catches panics itself (it does not run inside a JS call's
//! `catch_unwind`) and reports errors as values with the core's code, which
//! the JS side turns into Node-style errors.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::{Buffer, Task};
use napi::Env;
use napi_derive::napi;

use rustls_node_core::config::{SecureContext, ServerOptions};
use rustls_node_core::hooks::Hooks;
use rustls_node_core::pump::{event, Pump};
use rustls_node_core::TlsError;

use crate::connection::lock;

/// What a step did: as `receive()`'s progress, with the plaintext (if any)
/// in a Buffer of its own, or the error that ended the connection.
#[napi(object)]
pub struct StepResult {
    pub consumed: u32,
    pub events: u32,
    pub plaintext: Option<Buffer>,
    pub error: Option<StepError>,
}

#[napi(object)]
pub struct StepError {
    pub code: String,
    pub message: String,
    /// OpenSSL's library and reason, for errors in OpenSSL's form.
    pub library: Option<String>,
    pub reason: Option<String>,
}

pub struct Outcome {
    consumed: usize,
    events: u32,
    plaintext: Vec<u8>,
    error: Option<TlsError>,
}

impl Outcome {
    fn failed(error: TlsError) -> Self {
        Self { consumed: 0, events: 0, plaintext: Vec::new(), error: Some(error) }
    }

    fn into_result(self) -> StepResult {
        StepResult {
            consumed: self.consumed as u32,
            events: self.events,
            plaintext: (!self.plaintext.is_empty()).then(|| self.plaintext.into()),
            error: self.error.map(|e| {
                let (library, reason) =
                    e.openssl_parts().map_or((None, None), |(l, r)| (Some(l.to_owned()), Some(r.to_owned())));
                StepError { code: e.code.to_owned(), message: e.message, library, reason }
            }),
        }
    }
}

fn guarded(step: impl FnOnce() -> Outcome) -> Outcome {
    catch_unwind(AssertUnwindSafe(step)).unwrap_or_else(|_| {
        Outcome::failed(TlsError::new("ERR_TLS_INTERNAL_PANIC", "rustls-node: a handshake step panicked"))
    })
}

/// One `receive()` step on the pool: the bytes are the caller's, copied.
pub struct ReceiveStep {
    pub(crate) pump: Arc<Mutex<Pump>>,
    pub(crate) data: Vec<u8>,
}

impl Task for ReceiveStep {
    type Output = Outcome;
    type JsValue = StepResult;

    fn compute(&mut self) -> napi::Result<Outcome> {
        let (pump, data) = (&self.pump, &self.data);
        Ok(guarded(|| {
            let mut pump = lock(pump);
            match pump.receive(data) {
                Ok(progress) => {
                    let mut plaintext = vec![0; pump.plaintext_len()];
                    let n = pump.read_plaintext(&mut plaintext);
                    plaintext.truncate(n);
                    let more = if pump.plaintext_len() > 0 { event::MORE_PLAINTEXT } else { 0 };
                    Outcome { consumed: progress.consumed, events: progress.events | more, plaintext, error: None }
                }
                Err(e) => Outcome::failed(e),
            }
        }))
    }

    fn resolve(&mut self, _env: Env, output: Outcome) -> napi::Result<StepResult> {
        Ok(output.into_result())
    }
}

/// A server's `accept()` on the pool.
pub struct AcceptStep {
    pub(crate) pump: Arc<Mutex<Pump>>,
    pub(crate) ctx: Arc<SecureContext>,
    pub(crate) opts: ServerOptions,
    pub(crate) hooks: Option<Arc<Hooks>>,
    pub(crate) ocsp: Option<Vec<u8>>,
}

impl Task for AcceptStep {
    type Output = Outcome;
    type JsValue = StepResult;

    fn compute(&mut self) -> napi::Result<Outcome> {
        let step = &mut *self;
        Ok(guarded(|| {
            let mut pump = lock(&step.pump);
            match pump.accept(&step.ctx, &step.opts, step.hooks.take(), step.ocsp.take()) {
                Ok(()) => Outcome { consumed: 0, events: 0, plaintext: Vec::new(), error: None },
                Err(e) => Outcome::failed(e),
            }
        }))
    }

    fn resolve(&mut self, _env: Env, output: Outcome) -> napi::Result<StepResult> {
        Ok(output.into_result())
    }
}

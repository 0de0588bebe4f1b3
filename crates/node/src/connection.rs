//! `NativeConnection`: one TLS connection, a thin shell over the core pump.
//!
//! The JS `TLSSocket` drives it: `receive()` with socket bytes (plaintext
//! comes back in the caller's buffer), `write()` with user data,
//! `takeOutput()` for the socket. Calls are few and coarse (one per chunk)
//! because crossing Node-API costs more than most of the work inside.

use napi::bindgen_prelude::{AsyncTask, Buffer, BufferSlice, Float64ArraySlice};
use napi::Env;
use napi_derive::napi;
use std::sync::{Arc, Mutex, MutexGuard};

use rustls_node_core::config::{ClientOptions, ServerOptions};
use rustls_node_core::ech::EchOffer;
use rustls_node_core::hooks::Hooks;
use rustls_node_core::pump::{event, Pump};

use crate::context::NativeContext;
use crate::handshake_task::{AcceptStep, ReceiveStep};
use crate::js_error::OrThrow;

#[napi(object)]
pub struct ClientInit {
    /// The name rustls verifies against and caches sessions under.
    pub servername: String,
    /// Whether to send `servername` as SNI.
    pub sni: bool,
    /// A session Buffer from an earlier connection, to resume.
    pub session: Option<Buffer>,
    /// Collect key log lines from the start.
    pub keylog: bool,
    pub reject_unauthorized: bool,
    pub alpn: Option<Vec<Buffer>>,
    /// An ECHConfigList to offer Encrypted Client Hello with.
    pub ech_config_list: Option<Buffer>,
    /// GREASE ECH (ignored with `ech_config_list`).
    pub ech_grease: Option<bool>,
    /// `earlyData`: sent as TLS 1.3 0-RTT data when the session allows it
    /// (the core decides what goes early and resends the rest).
    pub early_data: Option<Buffer>,
}

#[napi(object)]
pub struct ServerInit {
    pub request_cert: bool,
    pub reject_unauthorized: bool,
    pub alpn: Option<Vec<Buffer>>,
    /// Collect key log lines (the server or socket has 'keylog' listeners).
    pub keylog: bool,
    /// An OCSP response to staple ('OCSPRequest' answer).
    pub ocsp: Option<Buffer>,
    /// The server has 'newSession'/'resumeSession' listeners.
    pub external_sessions: bool,
    /// What 'resumeSession' returned for `helloSessionId()`.
    pub resume_data: Option<Buffer>,
    /// The context was chosen by SNICallback.
    pub sni_context: bool,
    /// The socket is a `tls.Server`'s, which refuses a client whose chain
    /// does not verify after the handshake.
    pub chain_checked_after: Option<bool>,
}

#[napi(object)]
pub struct CipherInfo {
    pub name: String,
    pub standard_name: String,
    pub version: String,
}

#[napi(object)]
pub struct VerifyResult {
    pub code: String,
    pub message: String,
}

/// What `accept` takes, from a ServerInit: options, hooks, OCSP response.
fn accept_args(pump: &Pump, init: ServerInit) -> (ServerOptions, Option<Arc<Hooks>>, Option<Vec<u8>>) {
    let opts = ServerOptions {
        request_cert: init.request_cert,
        reject_unauthorized: init.reject_unauthorized,
        alpn: alpn_list(init.alpn),
        external_sessions: init.external_sessions,
        sni_context: init.sni_context,
        chain_checked_after: init.chain_checked_after.unwrap_or(false),
    };
    let hooks = (init.keylog || init.external_sessions).then(|| {
        let h = Arc::new(Hooks::new(None));
        h.enable_keylog(init.keylog);
        if let (Some(id), Some(data)) = (pump.hello_session_id(), init.resume_data) {
            h.offer_server_session(id, data.to_vec());
        }
        h
    });
    (opts, hooks, init.ocsp.map(|b| b.to_vec()))
}

fn alpn_list(list: Option<Vec<Buffer>>) -> Vec<Vec<u8>> {
    list.into_iter().flatten().map(|b| b.to_vec()).collect()
}

#[napi]
pub struct NativeConnection {
    /// Shared with a handshake step running on the thread pool
    /// (`receiveAsync`, `acceptAsync`); the JS side makes no other call on
    /// the connection while one runs, so the lock is never waited on.
    pump: Arc<Mutex<Pump>>,
}

impl NativeConnection {
    fn pump(&self) -> MutexGuard<'_, Pump> {
        lock(&self.pump)
    }
}

/// A poisoned lock (a panic caught mid-step) still guards a usable pump:
/// the step's error went to JS, and the connection fails from there.
pub(crate) fn lock(pump: &Mutex<Pump>) -> MutexGuard<'_, Pump> {
    rustls_node_core::sync::lock(pump)
}

#[napi]
impl NativeConnection {
    #[napi(factory, catch_unwind)]
    pub fn client(env: Env, ctx: &NativeContext, init: ClientInit) -> napi::Result<Self> {
        let opts = ClientOptions {
            reject_unauthorized: init.reject_unauthorized,
            alpn: alpn_list(init.alpn),
            sni: init.sni,
            ech: match (init.ech_config_list, init.ech_grease) {
                (Some(list), _) => Some(EchOffer::Configs(list.to_vec().into())),
                (None, Some(true)) => Some(EchOffer::Grease),
                (None, _) => None,
            },
            early_data: init.early_data.is_some(),
        };
        let hooks = Arc::new(Hooks::new(init.session.map(|b| b.to_vec())));
        hooks.enable_keylog(init.keylog);
        let mut pump = Pump::client(&ctx.inner, &opts, &init.servername, hooks).or_throw(&env)?;
        if let Some(data) = init.early_data {
            pump.offer_early_data(data.to_vec());
        }
        Ok(Self { pump: Arc::new(Mutex::new(pump)) })
    }

    /// A server connection; `ctx` is the default context until `accept`.
    #[napi(factory, catch_unwind)]
    pub fn server(ctx: &NativeContext) -> Self {
        Self { pump: Arc::new(Mutex::new(Pump::server(&ctx.inner))) }
    }

    /// Feeds socket bytes from `offset` and copies the plaintext they
    /// decrypted to into `out` (a buffer the caller reuses; rustls holds at
    /// most about two records of plaintext, so 64 KiB takes all of it).
    /// Reports `progress[0]` = bytes consumed, `progress[1]` = event bits
    /// (the `EVENT_*` constants, see events.rs) and `progress[2]` =
    /// plaintext bytes in `out`. One
    /// call per step on the data path; `progress` is a Float64Array the
    /// caller reuses.
    #[napi(catch_unwind)]
    pub fn receive(
        &mut self,
        env: Env,
        data: &[u8],
        offset: u32,
        mut out: BufferSlice<'_>,
        mut progress: Float64ArraySlice<'_>,
    ) -> napi::Result<()> {
        let start = (offset as usize).min(data.len());
        let mut pump = self.pump();
        let p = pump.receive(&data[start..]).or_throw(&env)?;
        let plaintext = pump.read_plaintext(&mut out);
        // SAFETY: JS runs nothing while this native call runs, so nothing
        // else touches the array's memory; the slice does not outlive the
        // call.
        let more = if pump.plaintext_len() > 0 { event::MORE_PLAINTEXT } else { 0 };
        if let [consumed, events, read, ..] = unsafe { progress.as_mut() } {
            *consumed = p.consumed as f64;
            *events = f64::from(p.events | more);
            *read = plaintext as f64;
        }
        Ok(())
    }

    /// `receive()` on libuv's thread pool, for handshake bytes: the key
    /// exchange and certificate checks they trigger run off the event loop.
    /// Takes a copy of `data` from `offset`.
    #[napi(catch_unwind, ts_return_type = "Promise<StepResult>")]
    pub fn receive_async(&self, data: &[u8], offset: u32) -> AsyncTask<ReceiveStep> {
        let start = (offset as usize).min(data.len());
        AsyncTask::new(ReceiveStep { pump: self.pump.clone(), data: data[start..].to_vec() })
    }

    /// `accept()` on libuv's thread pool: the server's key exchange and
    /// signature run off the event loop.
    #[napi(catch_unwind, ts_return_type = "Promise<StepResult>")]
    pub fn accept_async(&self, ctx: &NativeContext, init: ServerInit) -> AsyncTask<AcceptStep> {
        let (opts, hooks, ocsp) = accept_args(&self.pump(), init);
        AsyncTask::new(AcceptStep { pump: self.pump.clone(), ctx: ctx.inner.clone(), opts, hooks, ocsp })
    }

    /// Session Buffers received since the last call (client).
    #[napi(catch_unwind)]
    pub fn take_sessions(&self) -> Vec<Buffer> {
        self.pump().take_sessions().into_iter().map(Buffer::from).collect()
    }

    /// Client: the session Buffer `getSession()` returns (null before the
    /// handshake is done).
    #[napi(catch_unwind)]
    pub fn session_handle(&self) -> Option<Buffer> {
        self.pump().session_handle().map(Buffer::from)
    }

    /// NSS key log lines collected since the last call.
    #[napi(catch_unwind)]
    pub fn take_keylog(&self) -> Vec<Buffer> {
        self.pump().take_keylog().into_iter().map(Buffer::from).collect()
    }

    #[napi(catch_unwind)]
    pub fn enable_keylog(&self, on: bool) {
        self.pump().enable_keylog(on);
    }

    /// The OCSP response the server stapled (client).
    #[napi(catch_unwind)]
    pub fn ocsp_response(&self) -> Option<Buffer> {
        self.pump().ocsp_response().map(Buffer::from)
    }

    /// `getSharedSigalgs()`.
    #[napi(catch_unwind)]
    pub fn shared_sigalgs(&self) -> Vec<String> {
        self.pump().shared_sigalgs().into_iter().map(str::to_owned).collect()
    }

    /// Client: whether the server accepted Encrypted Client Hello.
    #[napi(catch_unwind)]
    pub fn ech_accepted(&self) -> bool {
        self.pump().ech_accepted()
    }

    /// Client: after ERR_TLS_ECH_REJECTED, the server's ECHConfigList to retry with.
    #[napi(catch_unwind)]
    pub fn ech_retry_configs(&self) -> Option<Buffer> {
        self.pump().ech_retry_configs().map(|c| Buffer::from(c.to_vec()))
    }

    /// Whether early data went through as 0-RTT (`earlyDataAccepted`).
    #[napi(catch_unwind)]
    pub fn early_data_accepted(&self) -> bool {
        self.pump().early_data_accepted()
    }

    #[napi(catch_unwind)]
    pub fn is_resumed(&self) -> bool {
        self.pump().is_resumed()
    }

    /// Server: the SNI name in the ClientHello.
    #[napi(catch_unwind)]
    pub fn hello_server_name(&self) -> Option<String> {
        self.pump().hello_server_name()
    }

    /// Server: the ALPN protocols offered in the ClientHello.
    #[napi(catch_unwind)]
    pub fn hello_alpn(&self) -> Vec<Buffer> {
        self.pump().hello_alpn().into_iter().map(Buffer::from).collect()
    }

    /// Server: the session id the client offers ('resumeSession' id).
    #[napi(catch_unwind)]
    pub fn hello_session_id(&self) -> Option<Buffer> {
        self.pump().hello_session_id().map(Buffer::from)
    }

    /// Server: new sessions as [id, data, id, data, ...] for 'newSession'.
    #[napi(catch_unwind)]
    pub fn take_server_sessions(&self) -> Vec<Buffer> {
        self.pump()
            .take_server_sessions()
            .into_iter()
            .flat_map(|(id, data)| [Buffer::from(id), Buffer::from(data)])
            .collect()
    }

    /// Server: whether the ClientHello asked for OCSP stapling.
    #[napi(catch_unwind)]
    pub fn hello_wants_ocsp(&self) -> bool {
        self.pump().hello_wants_ocsp()
    }

    /// Server: continues the handshake with the chosen context.
    #[napi(catch_unwind)]
    pub fn accept(&mut self, env: Env, ctx: &NativeContext, init: ServerInit) -> napi::Result<()> {
        let mut pump = self.pump();
        let (opts, hooks, ocsp) = accept_args(&pump, init);
        pump.accept(&ctx.inner, &opts, hooks, ocsp).or_throw(&env)
    }

    /// Encrypts one batch of user writes into full records; they wait for
    /// `takeOutput()`, so the batch leaves as one transport write.
    #[napi(catch_unwind)]
    pub fn write(&mut self, env: Env, chunks: Vec<BufferSlice<'_>>) -> napi::Result<()> {
        let slices: Vec<&[u8]> = chunks.iter().map(|c| &c[..]).collect();
        self.pump().send(&slices).or_throw(&env)
    }

    /// Ciphertext for the socket, or null when there is none.
    #[napi(catch_unwind)]
    pub fn take_output<'e>(&mut self, env: &'e Env) -> napi::Result<Option<BufferSlice<'e>>> {
        // A copy into a fresh JS Buffer: cheaper than handing the Vec over
        // as an external Buffer (whose finalizer and GC bookkeeping cost
        // more than copying 16 KiB).
        let mut pump = self.pump();
        let out = pump.output();
        if out.is_empty() {
            return Ok(None);
        }
        let copy = BufferSlice::copy_from(env, out);
        pump.consume_output();
        copy.map(Some)
    }

    /// Caps the plaintext per record sent; false outside 512..=16384.
    #[napi(catch_unwind)]
    pub fn set_max_send_fragment(&mut self, size: u32) -> bool {
        self.pump().set_max_send_fragment(size as usize)
    }

    /// Queues close_notify.
    #[napi(catch_unwind)]
    pub fn close(&mut self) {
        self.pump().close();
    }

    #[napi(catch_unwind)]
    pub fn is_handshaking(&self) -> bool {
        self.pump().is_handshaking()
    }

    #[napi(catch_unwind)]
    pub fn protocol(&self) -> Option<String> {
        self.pump().protocol().map(str::to_owned)
    }

    #[napi(catch_unwind)]
    pub fn cipher(&self) -> Option<CipherInfo> {
        self.pump().cipher().map(|n| CipherInfo {
            name: n.openssl.to_owned(),
            standard_name: n.standard.to_owned(),
            version: n.version.to_owned(),
        })
    }

    #[napi(catch_unwind)]
    pub fn key_exchange_group(&self) -> Option<String> {
        self.pump().key_exchange_group().map(str::to_owned)
    }

    #[napi(catch_unwind)]
    pub fn alpn_protocol(&self) -> Option<Buffer> {
        self.pump().alpn_protocol().map(|p| Buffer::from(p.to_vec()))
    }

    #[napi(catch_unwind)]
    pub fn server_name(&self) -> Option<String> {
        self.pump().server_name().map(str::to_owned)
    }

    #[napi(catch_unwind)]
    pub fn authorization_error(&self) -> Option<VerifyResult> {
        self.pump()
            .authorization_error()
            .map(|f| VerifyResult { code: f.code.to_owned(), message: f.message.to_owned() })
    }

    #[napi(catch_unwind)]
    pub fn peer_certificate_count(&self) -> u32 {
        self.pump().peer_certificates().len() as u32
    }

    /// DER of the peer's `index`-th certificate (0 is the leaf).
    #[napi(catch_unwind)]
    pub fn peer_certificate_der(&self, index: u32) -> Option<Buffer> {
        self.pump().peer_certificates().get(index as usize).map(|c| Buffer::from(c.as_ref().to_vec()))
    }

    /// DER of the trusted certificate that issued the peer's last one.
    #[napi(catch_unwind)]
    pub fn trusted_issuer_der(&self) -> Option<Buffer> {
        self.pump().trusted_issuer().map(|c| Buffer::from(c.as_ref().to_vec()))
    }

    #[napi(catch_unwind)]
    pub fn export_keying_material(
        &self,
        env: Env,
        length: u32,
        label: &[u8],
        context: Option<&[u8]>,
    ) -> napi::Result<Buffer> {
        let out = self.pump().export_keying_material(length as usize, label, context).or_throw(&env)?;
        Ok(Buffer::from(out))
    }
}

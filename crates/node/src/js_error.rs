//! Core errors to JS errors.
//!
//! napi-rs puts a Status name in `err.code`; Node code switches on codes such
//! as `ERR_SSL_WRONG_VERSION_NUMBER`, so the error is built here with
//! `napi_create_error`, which sets `code` to the core's code, thrown, and
//! reported to napi-rs as the pending exception it now is.

use napi::{sys, Env, Error, JsValue, Status};
use rustls_node_core::TlsError;

pub fn throw(env: &Env, err: TlsError) -> Error {
    let raw = env.raw();
    let code = env.create_string(err.code);
    let message = env.create_string(&err.message);
    if let (Ok(code), Ok(message)) = (code, message) {
        let mut js_error = std::ptr::null_mut();
        // SAFETY: `raw` is the live env of this call; the strings were just
        // created in it.
        unsafe {
            if sys::napi_create_error(raw, code.raw(), message.raw(), &mut js_error) == sys::Status::napi_ok {
                if let Some((library, reason)) = err.openssl_parts() {
                    set_string(raw, js_error, c"library", library);
                    set_string(raw, js_error, c"reason", reason);
                }
                if sys::napi_throw(raw, js_error) == sys::Status::napi_ok {
                    return Error::new(Status::PendingException, err.message);
                }
            }
        }
    }
    Error::new(Status::GenericFailure, format!("{}: {}", err.code, err.message))
}

/// Sets a string property; a failure leaves the error without it.
///
/// # Safety
/// `env` is the live env of the current call and `object` a value in it.
unsafe fn set_string(env: sys::napi_env, object: sys::napi_value, name: &std::ffi::CStr, value: &str) {
    let mut js = std::ptr::null_mut();
    if unsafe { sys::napi_create_string_utf8(env, value.as_ptr().cast(), value.len() as isize, &mut js) }
        == sys::Status::napi_ok
    {
        unsafe { sys::napi_set_named_property(env, object, name.as_ptr(), js) };
    }
}

/// `Result` of the core to `napi::Result`, throwing with the core's code.
pub trait OrThrow<T> {
    fn or_throw(self, env: &Env) -> napi::Result<T>;
}

impl<T> OrThrow<T> for rustls_node_core::Result<T> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| throw(env, e))
    }
}

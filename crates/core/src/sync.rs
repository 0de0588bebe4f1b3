//! The one lock rule of the crate.
//!
//! A mutex here is poisoned only when a panic unwound through a holder. The
//! binding catches every panic at its entry points, and turns it into a JS
//! error that fails the connection it happened in, so the data a poisoned
//! lock guards (a cache, a connection's hooks, a session store) is still
//! consistent enough to read and to drop: every lock in the crate goes on
//! rather than panicking again.

use std::sync::{Mutex, MutexGuard};

/// Locks `m`, poisoned or not.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

//! What this connection's [`Hooks`](crate::hooks::Hooks) collected, as the
//! caller takes it: new sessions (client and server), the session Buffer for
//! `getSession()`, key log lines, and the OCSP response the server stapled;
//! and the SESSION, SERVER_SESSION and KEYLOG event bits that announce them.

use super::{event, Pump};

impl Pump {
    /// SESSION and KEYLOG event bits for what the hooks collected.
    pub(super) fn hook_events(&self) -> u32 {
        let Some(h) = &self.hooks else { return 0 };
        let mut events = 0;
        if h.has_sessions() {
            if self.is_resumed() {
                // Sessions received on a connection resumed from the
                // user's Buffer refill that Buffer's group: they are no new
                // sessions (OpenSSL reports none after a resumption).
                h.take_sessions();
            } else {
                events |= event::SESSION;
            }
        }
        if h.has_keylog() {
            events |= event::KEYLOG;
        }
        if h.has_server_sessions() {
            events |= event::SERVER_SESSION;
        }
        events
    }

    /// Client: the session Buffer for `getSession()`, once the handshake is
    /// done: the one resumed from, else the latest session's, or the one
    /// this connection's sessions will join (TLS 1.3, before a ticket).
    pub fn session_handle(&self) -> Option<Vec<u8>> {
        if !self.handshake_done {
            return None;
        }
        let hooks = self.hooks.as_ref()?;
        if self.is_resumed() {
            if let Some(resumed) = hooks.resumed_from() {
                return Some(resumed.to_vec());
            }
        }
        let name = self.server_name.clone()?;
        Some(hooks.session_group(name)).filter(|h| !h.is_empty())
    }

    pub fn take_sessions(&self) -> Vec<Vec<u8>> {
        self.hooks.as_ref().map(|h| h.take_sessions()).unwrap_or_default()
    }

    pub fn take_server_sessions(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.hooks.as_ref().map(|h| h.take_server_sessions()).unwrap_or_default()
    }

    pub fn take_keylog(&self) -> Vec<Vec<u8>> {
        self.hooks.as_ref().map(|h| h.take_keylog()).unwrap_or_default()
    }

    pub fn enable_keylog(&self, on: bool) {
        if let Some(h) = &self.hooks {
            h.enable_keylog(on);
        }
    }

    /// The OCSP response the server stapled, if any.
    pub fn ocsp_response(&self) -> Option<Vec<u8>> {
        self.hooks.as_ref()?.ocsp()
    }
}

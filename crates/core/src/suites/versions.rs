//! Protocol versions by Node's names (`minVersion`, `maxVersion`).
//!
//! Node's rules for these options — the names, `secureProtocol`, raising
//! `TLSv1`/`TLSv1.1` to TLS 1.2 with a warning, a range with nothing rustls
//! speaks, Node's messages — are `src-ts/protocol-versions.ts`'s, which
//! hands over the range it settled on. Here that range becomes rustls's
//! versions; anything else is a bad argument at the boundary.

use rustls::SupportedProtocolVersion;

use crate::{Result, TlsError};

/// Protocol versions between `min` and `max`: rustls implements TLS 1.2
/// (RFC 5246) and TLS 1.3 (RFC 8446) only.
pub fn select_versions(min: &str, max: &str) -> Result<Vec<&'static SupportedProtocolVersion>> {
    let lo = version_rank(min)?;
    let hi = version_rank(max)?;
    if lo > hi {
        return Err(TlsError::new(
            "ERR_TLS_PROTOCOL_VERSION_CONFLICT",
            format!("minVersion {min} is above maxVersion {max}"),
        ));
    }
    let mut out = Vec::new();
    if lo <= 2 && hi >= 2 {
        out.push(&rustls::version::TLS12);
    }
    if hi >= 3 {
        out.push(&rustls::version::TLS13);
    }
    Ok(out)
}

fn version_rank(v: &str) -> Result<u8> {
    match v {
        "TLSv1.2" => Ok(2),
        "TLSv1.3" => Ok(3),
        _ => Err(TlsError::new(
            "ERR_TLS_INVALID_PROTOCOL_VERSION",
            format!("{v} is not a TLS protocol version rustls implements"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(select_versions("TLSv1.2", "TLSv1.3").unwrap().len(), 2);
        assert_eq!(select_versions("TLSv1.3", "TLSv1.3").unwrap().len(), 1);
        assert_eq!(select_versions("TLSv1.1", "TLSv1.3").unwrap_err().code, "ERR_TLS_INVALID_PROTOCOL_VERSION");
        assert_eq!(select_versions("TLSv1.3", "TLSv1.2").unwrap_err().code, "ERR_TLS_PROTOCOL_VERSION_CONFLICT");
        assert_eq!(select_versions("TLSv9", "TLSv1.3").unwrap_err().code, "ERR_TLS_INVALID_PROTOCOL_VERSION");
    }
}

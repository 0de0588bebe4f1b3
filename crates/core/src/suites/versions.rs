//! Protocol versions by Node's names (`minVersion`, `maxVersion`).

use rustls::SupportedProtocolVersion;

use crate::{Result, TlsError};

/// Protocol versions between `min` and `max` (Node's `minVersion` and
/// `maxVersion`). rustls implements TLS 1.2 (RFC 5246) and TLS 1.3 (RFC
/// 8446) only; anything older is refused loudly rather than ignored.
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
        "TLSv1" | "TLSv1.1" | "SSLv3" => Err(TlsError::new(
            "ERR_TLS_PROTOCOL_VERSION_UNSUPPORTED",
            format!("{v} is not supported: rustls implements TLS 1.2 and TLS 1.3 only"),
        )),
        _ => Err(TlsError::new("ERR_TLS_INVALID_PROTOCOL_VERSION", format!("{v} is not a valid TLS protocol version"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(select_versions("TLSv1.2", "TLSv1.3").unwrap().len(), 2);
        assert_eq!(select_versions("TLSv1.3", "TLSv1.3").unwrap().len(), 1);
        assert_eq!(select_versions("TLSv1.1", "TLSv1.3").unwrap_err().code, "ERR_TLS_PROTOCOL_VERSION_UNSUPPORTED");
        assert_eq!(select_versions("TLSv1.3", "TLSv1.2").unwrap_err().code, "ERR_TLS_PROTOCOL_VERSION_CONFLICT");
        assert_eq!(select_versions("TLSv9", "TLSv1.3").unwrap_err().code, "ERR_TLS_INVALID_PROTOCOL_VERSION");
    }
}

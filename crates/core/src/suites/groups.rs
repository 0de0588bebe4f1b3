//! Key-exchange groups by Node's and OpenSSL's names (`ecdhCurve`).

use rustls::crypto::SupportedKxGroup;

use crate::{Result, TlsError};

/// Node / OpenSSL group names for rustls's key-exchange groups.
pub fn group_name(group: rustls::NamedGroup) -> &'static str {
    use rustls::NamedGroup as G;
    match group {
        G::X25519 => "X25519",
        G::secp256r1 => "prime256v1",
        G::secp384r1 => "secp384r1",
        G::secp521r1 => "secp521r1",
        G::X25519MLKEM768 => "X25519MLKEM768",
        G::secp256r1MLKEM768 => "SecP256r1MLKEM768",
        G::MLKEM768 => "MLKEM768",
        G::MLKEM1024 => "MLKEM1024",
        _ => "unknown",
    }
}

/// Selects key-exchange groups with Node's `ecdhCurve` (a colon list such as
/// `X25519MLKEM768:X25519:P-256`, or `auto` for rustls's default order,
/// which puts the post-quantum hybrid first). Names are matched as OpenSSL
/// matches them, without regard to case; a group named explicitly may be
/// one rustls does not offer by default (SecP256r1MLKEM768, and the pure
/// ML-KEM groups MLKEM768 and MLKEM1024, as in OpenSSL 3.5).
pub fn select_kx_groups(
    all: &[&'static dyn SupportedKxGroup],
    spec: &str,
) -> Result<Vec<&'static dyn SupportedKxGroup>> {
    if spec.eq_ignore_ascii_case("auto") || spec.is_empty() {
        return Ok(all.to_vec());
    }
    let mut out: Vec<&'static dyn SupportedKxGroup> = Vec::new();
    for word in spec.split(':').filter(|w| !w.is_empty()) {
        let want = match word.to_ascii_lowercase().as_str() {
            "x25519" => rustls::NamedGroup::X25519,
            "p-256" | "prime256v1" | "secp256r1" => rustls::NamedGroup::secp256r1,
            "p-384" | "secp384r1" => rustls::NamedGroup::secp384r1,
            "p-521" | "secp521r1" => rustls::NamedGroup::secp521r1,
            "x25519mlkem768" => rustls::NamedGroup::X25519MLKEM768,
            "secp256r1mlkem768" => rustls::NamedGroup::secp256r1MLKEM768,
            "mlkem768" => rustls::NamedGroup::MLKEM768,
            "mlkem1024" => rustls::NamedGroup::MLKEM1024,
            _ => return Err(unsupported_curve(word)),
        };
        let mut known = all.iter().chain(rustls::crypto::aws_lc_rs::ALL_KX_GROUPS);
        match known.find(|g| g.name() == want) {
            Some(g) => out.push(*g),
            None => return Err(unsupported_curve(word)),
        }
    }
    if out.is_empty() {
        return Err(unsupported_curve(spec));
    }
    Ok(out)
}

/// Node's error, in Node's words, for a curve OpenSSL does not know.
fn unsupported_curve(_word: &str) -> TlsError {
    TlsError::new("ERR_CRYPTO_OPERATION_FAILED", "Failed to set ECDH curve")
}

#[cfg(test)]
mod tests {
    use rustls::crypto::aws_lc_rs;

    use super::*;

    #[test]
    fn curves() {
        let p = aws_lc_rs::default_provider();
        let g = select_kx_groups(&p.kx_groups, "X25519:P-256").unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].name(), rustls::NamedGroup::X25519);
        assert_eq!(select_kx_groups(&p.kx_groups, "auto").unwrap()[0].name(), rustls::NamedGroup::X25519MLKEM768);
        // OpenSSL 3.5's spellings, any case; groups rustls leaves out of its defaults
        let pq = select_kx_groups(&p.kx_groups, "secp256r1mlkem768:MLKEM768:mlkem1024:x25519MLKEM768").unwrap();
        let names: Vec<_> = pq.iter().map(|g| group_name(g.name())).collect();
        assert_eq!(names, ["SecP256r1MLKEM768", "MLKEM768", "MLKEM1024", "X25519MLKEM768"]);
        assert!(select_kx_groups(&p.kx_groups, "SecP384r1MLKEM1024").is_err());
        assert_eq!(select_kx_groups(&p.kx_groups, "brainpoolP256r1").unwrap_err().code, "ERR_CRYPTO_OPERATION_FAILED");
    }
}

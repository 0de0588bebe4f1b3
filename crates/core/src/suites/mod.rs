//! Cipher suites, key-exchange groups and protocol versions under the names
//! Node and OpenSSL use for them.
//!
//! rustls implements a small, modern set: the three TLS 1.3 AEAD suites
//! (RFC 8446 §B.4) and the six ECDHE+AEAD TLS 1.2 suites (RFC 5289, RFC
//! 7905). Node users name suites with OpenSSL cipher strings
//! (`ECDHE-RSA-AES128-GCM-SHA256:!aNULL`), so this module maps such strings
//! onto that set. Everything outside it (RSA key exchange, DHE, CBC, PSK,
//! SSLv3..TLSv1.1) is absent from rustls and therefore never selected.
//!
//! - [`ciphers`]: suites by name, and the `ciphers` option
//! - [`groups`]: key-exchange groups (`ecdhCurve`)
//! - [`versions`]: the `minVersion`/`maxVersion` range
//! - [`sigalgs`]: signature schemes (`sigalgs`, `getSharedSigalgs()`)
//!
//! This module narrows rustls's crypto provider with them.

use rustls::crypto::{aws_lc_rs, CryptoProvider};
use rustls::{SignatureScheme, SupportedCipherSuite, SupportedProtocolVersion};

use crate::{ssl_error, Result};

mod ciphers;
mod groups;
mod sigalgs;
mod versions;

pub use ciphers::{names, select_cipher_suites, supported_cipher_names, SuiteNames};
pub use groups::{group_name, select_kx_groups};
use sigalgs::scheme_is_rsa;
pub(crate) use sigalgs::{in_openssl_order, restrict_verification};
pub use sigalgs::{select_sigalgs, sigalg_name};
pub use versions::select_versions;

/// The choices of a context that narrow rustls's crypto provider.
#[derive(Debug, Default, Clone, Copy)]
pub struct ProviderChoices<'a> {
    pub cipher_list: Option<&'a str>,
    pub cipher_suites: Option<&'a str>,
    pub ecdh_curve: Option<&'a str>,
    pub sigalgs: Option<&'a [SignatureScheme]>,
}

/// The aws-lc-rs provider narrowed to the given suites, groups and
/// signature schemes, and the OpenSSL security level the cipher list set.
pub fn provider(choices: ProviderChoices<'_>) -> Result<(CryptoProvider, Option<u8>)> {
    let mut p = aws_lc_rs::default_provider();
    if let Some(schemes) = choices.sigalgs {
        p.signature_verification_algorithms = restrict_verification(p.signature_verification_algorithms, schemes);
        // TLS 1.2 suites name the signature kind; drop those no allowed
        // scheme can serve, as OpenSSL does, so the peer cannot pick one.
        let rsa = schemes.iter().any(|s| scheme_is_rsa(*s));
        let ecdsa = schemes.iter().any(|s| !scheme_is_rsa(*s));
        p.cipher_suites.retain(|suite| match names(suite.suite()) {
            Some(n) if n.openssl.contains("-RSA-") => rsa,
            Some(n) if n.openssl.contains("-ECDSA-") => ecdsa,
            _ => true,
        });
    }
    let (suites, level) = select_cipher_suites(&p.cipher_suites, choices.cipher_list, choices.cipher_suites)?;
    p.cipher_suites = suites;
    if let Some(spec) = choices.ecdh_curve {
        p.kx_groups = select_kx_groups(&p.kx_groups, spec)?;
    }
    Ok((p, level))
}

/// The versions of `versions` that have a suite in `suites`: with none
/// left, the context could never handshake, which OpenSSL reports as "no
/// cipher match" (rustls implements none of the suites asked for).
pub fn usable_versions(
    versions: Vec<&'static SupportedProtocolVersion>,
    suites: &[SupportedCipherSuite],
) -> Result<Vec<&'static SupportedProtocolVersion>> {
    let usable: Vec<_> = versions.into_iter().filter(|v| suites.iter().any(|s| s.version() == *v)).collect();
    if usable.is_empty() {
        return Err(ssl_error::NO_CIPHER_MATCH
            .error_with("rustls implements none of the suites the cipher list selects for the enabled TLS versions"));
    }
    Ok(usable)
}

//! Entry points for the cargo-fuzz targets in `fuzz/`, compiled only with
//! `--cfg fuzzing` (which cargo-fuzz sets): the crate-private parsers the
//! targets feed, called without the caches that would carry state from one
//! input to the next. Everything else the targets use is public API.

use crate::cert_info;

/// [`cert_info::certificate_object`] without its cache.
pub fn certificate_object(der: &[u8]) -> crate::Result<serde_json::Value> {
    cert_info::build_certificate_object(der)
}

/// [`cert_info::public_key_der`] without its cache.
pub fn public_key_der(der: &[u8]) -> Option<Vec<u8>> {
    cert_info::build_public_key_der(der)
}

/// The parts `cert_info::signed_parts` finds: TBSCertificate, signature
/// algorithm, signature, key algorithm, public key.
pub type SignedParts<'a> = (&'a [u8], &'a [u8], Vec<u8>, &'a [u8], Vec<u8>);

pub fn signed_parts(der: &[u8]) -> Option<SignedParts<'_>> {
    let p = cert_info::signed_parts(der)?;
    Some((p.tbs, p.signature_algorithm, p.signature, p.key_algorithm, p.public_key))
}

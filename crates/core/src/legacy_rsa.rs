//! RSA keys below 2048 bits, at the OpenSSL security levels that allow them.
//!
//! OpenSSL's default security level (1, Node 20's) accepts RSA keys of 1024
//! bits and more, `@SECLEVEL=0` any size; aws-lc-rs, and so rustls and
//! webpki, take 2048 bits and up. Internal PKIs and devices still carry
//! 1024-bit keys and CAs, so for those sizes, and only those, this module
//! signs and verifies with RustCrypto's `rsa` (constant-time arithmetic,
//! blinded private-key operations). Keys of 2048 bits and more never come
//! here: they go to aws-lc-rs as always.

use std::sync::Arc;

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::{Sha256, Sha384, Sha512};
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
use rsa::traits::PublicKeyParts;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{
    alg_id, AlgorithmIdentifier, InvalidSignature, PrivateKeyDer, SignatureVerificationAlgorithm,
    SubjectPublicKeyInfoDer,
};
use rustls::sign::{Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme};

/// Bits of an RSA key (its modulus), from its `RSAPublicKey` DER.
pub fn public_key_bits(rsa_public_key: &[u8]) -> Option<usize> {
    let key = rsa::PublicKey::from_pkcs1_der(rsa_public_key).ok()?;
    Some(key.n().bit_width() as usize)
}

/// A signing key for an RSA key aws-lc-rs refuses for its size (under 2048
/// bits), or None if `der` is no RSA key.
pub fn signing_key(der: &PrivateKeyDer<'_>) -> Option<Arc<dyn SigningKey>> {
    let key = match der {
        PrivateKeyDer::Pkcs8(k) => rsa::PrivateKey::from_pkcs8_der(k.secret_pkcs8_der()).ok()?,
        PrivateKeyDer::Pkcs1(k) => {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            rsa::PrivateKey::from_pkcs1_der(k.secret_pkcs1_der()).ok()?
        }
        _ => return None,
    };
    let spki = {
        use rsa::pkcs8::EncodePublicKey;
        key.to_public_key().to_public_key_der().ok()?.into_vec()
    };
    Some(Arc::new(LegacyRsaKey { key: Arc::new(key), spki }))
}

/// RSA schemes in OpenSSL's order of preference (`tls12_sigalgs`), each
/// with the smallest modulus, in bytes, it can sign with: RSA-PSS needs two
/// hashes and two bytes more (RFC 8017 §9.1.1, salt as long as the hash);
/// PKCS#1 v1.5 the DigestInfo and eleven bytes (§9.2). A 1024-bit key
/// cannot sign RSA-PSS with SHA-512, a 512-bit one no RSA-PSS at all.
const SCHEMES: [(SignatureScheme, usize); 6] = [
    (SignatureScheme::RSA_PSS_SHA256, 2 * 32 + 2),
    (SignatureScheme::RSA_PSS_SHA384, 2 * 48 + 2),
    (SignatureScheme::RSA_PSS_SHA512, 2 * 64 + 2),
    (SignatureScheme::RSA_PKCS1_SHA256, 19 + 32 + 11),
    (SignatureScheme::RSA_PKCS1_SHA384, 19 + 48 + 11),
    (SignatureScheme::RSA_PKCS1_SHA512, 19 + 64 + 11),
];

#[derive(Debug)]
struct LegacyRsaKey {
    key: Arc<rsa::PrivateKey>,
    spki: Vec<u8>,
}

impl SigningKey for LegacyRsaKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        let modulus_bytes = self.key.size();
        let (scheme, _) =
            SCHEMES.iter().copied().find(|(s, min_bytes)| offered.contains(s) && modulus_bytes >= *min_bytes)?;
        Some(Box::new(LegacyRsaSigner { key: self.key.clone(), scheme }))
    }

    fn public_key(&self) -> Option<SubjectPublicKeyInfoDer<'_>> {
        Some(SubjectPublicKeyInfoDer::from(self.spki.as_slice()))
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::RSA
    }
}

#[derive(Debug)]
struct LegacyRsaSigner {
    key: Arc<rsa::PrivateKey>,
    scheme: SignatureScheme,
}

impl Signer for LegacyRsaSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        let key = (*self.key).clone();
        let signed: Result<Vec<u8>, rsa::signature::Error> = match self.scheme {
            SignatureScheme::RSA_PSS_SHA256 => {
                rsa::pss::SigningKey::<Sha256>::new(key).try_sign(message).map(|s| s.to_vec())
            }
            SignatureScheme::RSA_PSS_SHA384 => {
                rsa::pss::SigningKey::<Sha384>::new(key).try_sign(message).map(|s| s.to_vec())
            }
            SignatureScheme::RSA_PSS_SHA512 => {
                rsa::pss::SigningKey::<Sha512>::new(key).try_sign(message).map(|s| s.to_vec())
            }
            SignatureScheme::RSA_PKCS1_SHA256 => {
                rsa::pkcs1v15::SigningKey::<Sha256>::new(key).try_sign(message).map(|s| s.to_vec())
            }
            SignatureScheme::RSA_PKCS1_SHA384 => {
                rsa::pkcs1v15::SigningKey::<Sha384>::new(key).try_sign(message).map(|s| s.to_vec())
            }
            _ => rsa::pkcs1v15::SigningKey::<Sha512>::new(key).try_sign(message).map(|s| s.to_vec()),
        };
        signed.map_err(|e| rustls::Error::General(format!("RSA signing failed: {e}")))
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }
}

/// An RSA verification algorithm that takes keys of `min_bits` and more:
/// from 2048 bits the aws-lc-rs one (`standard`), below with `rsa`.
#[derive(Debug)]
struct AnySizeRsa {
    standard: &'static dyn SignatureVerificationAlgorithm,
    scheme: SignatureScheme,
    min_bits: usize,
}

impl SignatureVerificationAlgorithm for AnySizeRsa {
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.standard.public_key_alg_id()
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.standard.signature_alg_id()
    }

    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let key = rsa::PublicKey::from_pkcs1_der(public_key).map_err(|_| InvalidSignature)?;
        let bits = key.n().bit_width() as usize;
        if bits >= 2048 {
            return self.standard.verify_signature(public_key, message, signature);
        }
        if bits < self.min_bits {
            return Err(InvalidSignature);
        }
        macro_rules! check {
            ($module:ident, $digest:ty) => {{
                let Ok(sig) = rsa::$module::Signature::try_from(signature) else { return Err(InvalidSignature) };
                rsa::$module::VerifyingKey::<$digest>::new(key).verify(message, &sig).map_err(|_| InvalidSignature)
            }};
        }
        match self.scheme {
            SignatureScheme::RSA_PSS_SHA256 => check!(pss, Sha256),
            SignatureScheme::RSA_PSS_SHA384 => check!(pss, Sha384),
            SignatureScheme::RSA_PSS_SHA512 => check!(pss, Sha512),
            SignatureScheme::RSA_PKCS1_SHA256 => check!(pkcs1v15, Sha256),
            SignatureScheme::RSA_PKCS1_SHA384 => check!(pkcs1v15, Sha384),
            _ => check!(pkcs1v15, Sha512),
        }
    }

    fn fips(&self) -> bool {
        false
    }
}

macro_rules! any_size {
    ($name:ident, $standard:expr, $scheme:ident, $bits:expr) => {
        static $name: AnySizeRsa =
            AnySizeRsa { standard: $standard, scheme: SignatureScheme::$scheme, min_bits: $bits };
    };
}

use webpki::aws_lc_rs as w;

any_size!(L1_PKCS1_SHA256, w::RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, 1024);
any_size!(L1_PKCS1_SHA384, w::RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_SHA384, 1024);
any_size!(L1_PKCS1_SHA512, w::RSA_PKCS1_2048_8192_SHA512, RSA_PKCS1_SHA512, 1024);
any_size!(L1_PSS_SHA256, w::RSA_PSS_2048_8192_SHA256_LEGACY_KEY, RSA_PSS_SHA256, 1024);
any_size!(L1_PSS_SHA384, w::RSA_PSS_2048_8192_SHA384_LEGACY_KEY, RSA_PSS_SHA384, 1024);
any_size!(L1_PSS_SHA512, w::RSA_PSS_2048_8192_SHA512_LEGACY_KEY, RSA_PSS_SHA512, 1024);
any_size!(L0_PKCS1_SHA256, w::RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, 512);
any_size!(L0_PKCS1_SHA384, w::RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_SHA384, 512);
any_size!(L0_PKCS1_SHA512, w::RSA_PKCS1_2048_8192_SHA512, RSA_PKCS1_SHA512, 512);
any_size!(L0_PSS_SHA256, w::RSA_PSS_2048_8192_SHA256_LEGACY_KEY, RSA_PSS_SHA256, 512);
any_size!(L0_PSS_SHA384, w::RSA_PSS_2048_8192_SHA384_LEGACY_KEY, RSA_PSS_SHA384, 512);
any_size!(L0_PSS_SHA512, w::RSA_PSS_2048_8192_SHA512_LEGACY_KEY, RSA_PSS_SHA512, 512);

/// The verification algorithms for OpenSSL security level `level`: the
/// aws-lc-rs provider's, with RSA extended down to 1024 bits at level 1
/// and to 512 at level 0. (The RSA ones replace the provider's, which
/// refuse smaller keys outright and would stop webpki before it tried
/// another.) Built once per level, as rustls wants `'static` tables.
pub fn verification_algorithms(level: u8) -> WebPkiSupportedAlgorithms {
    let base = rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms;
    if level >= 2 {
        return base;
    }
    static TABLES: std::sync::OnceLock<[WebPkiSupportedAlgorithms; 2]> = std::sync::OnceLock::new();
    let tables = TABLES.get_or_init(|| [extended(base, true), extended(base, false)]);
    tables[usize::from(level != 0)]
}

fn extended(base: WebPkiSupportedAlgorithms, level0: bool) -> WebPkiSupportedAlgorithms {
    let pick = |l0: &'static AnySizeRsa, l1: &'static AnySizeRsa| -> &'static dyn SignatureVerificationAlgorithm {
        if level0 {
            l0
        } else {
            l1
        }
    };
    let replace = |alg: &'static dyn SignatureVerificationAlgorithm| -> &'static dyn SignatureVerificationAlgorithm {
        if alg.public_key_alg_id() != alg_id::RSA_ENCRYPTION {
            return alg;
        }
        match alg.signature_alg_id() {
            s if s == alg_id::RSA_PKCS1_SHA256 => pick(&L0_PKCS1_SHA256, &L1_PKCS1_SHA256),
            s if s == alg_id::RSA_PKCS1_SHA384 => pick(&L0_PKCS1_SHA384, &L1_PKCS1_SHA384),
            s if s == alg_id::RSA_PKCS1_SHA512 => pick(&L0_PKCS1_SHA512, &L1_PKCS1_SHA512),
            s if s == alg_id::RSA_PSS_SHA256 => pick(&L0_PSS_SHA256, &L1_PSS_SHA256),
            s if s == alg_id::RSA_PSS_SHA384 => pick(&L0_PSS_SHA384, &L1_PSS_SHA384),
            s if s == alg_id::RSA_PSS_SHA512 => pick(&L0_PSS_SHA512, &L1_PSS_SHA512),
            _ => alg,
        }
    };
    let all: Vec<_> = base.all.iter().map(|a| replace(*a)).collect();
    let mapping: Vec<(SignatureScheme, &'static [&'static dyn SignatureVerificationAlgorithm])> = base
        .mapping
        .iter()
        .map(|(scheme, algs)| {
            let replaced: Vec<_> = algs.iter().map(|a| replace(*a)).collect();
            (*scheme, &*Box::leak(replaced.into_boxed_slice()))
        })
        .collect();
    // Two tables for the life of the process.
    WebPkiSupportedAlgorithms { all: Box::leak(all.into_boxed_slice()), mapping: Box::leak(mapping.into_boxed_slice()) }
}

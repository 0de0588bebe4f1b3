//! PKCS#12 / PFX files through `p12-keystore`: the key, its chain sorted
//! leaf first, the other certificates, and Node's errors for broken files.

use der::asn1::ObjectIdentifier;
use der::{Decode, Reader, SliceReader, Tag};
use p12_keystore::error::Error as P12Error;
use p12_keystore::Pkcs12Archive;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::encrypted::{check_kdf_limits, decrypt, EncryptedKeyInfo};
use super::errors::{
    err, BAD_DECRYPT, PKCS12_MAC_VERIFY_FAILURE, PKCS12_NOT_ENOUGH_DATA, PKCS12_NO_CERT, PKCS12_NO_KEY,
    PKCS12_PARSE_ERROR, PKCS12_UNSUPPORTED, PKCS12_WRONG_TAG,
};
use super::Pkcs12Contents;
use crate::{verifier, Result, TlsError};

pub(super) fn parse(input: &[u8], passphrase: Option<&[u8]>) -> Result<Pkcs12Contents> {
    check_outer_tlv(input)?;
    // PKCS12_parse in OpenSSL 3 takes the passphrase as UTF-8; a byte
    // string that is not cannot produce the MAC.
    let password = match passphrase {
        None => "",
        Some(p) => std::str::from_utf8(p).map_err(|_| err(PKCS12_MAC_VERIFY_FAILURE))?,
    };
    check_kdf_limits_within(input, password.as_bytes(), 0)?;
    let archive = Pkcs12Archive::from_pkcs12(input, password).map_err(map_error)?;

    let key_bag = archive.keys.first().ok_or_else(|| err(PKCS12_NO_KEY))?;
    let key = PrivateKeyDer::from(PrivatePkcs8KeyDer::from(key_bag.key.as_der().to_vec()));

    let certs: Vec<BagCert<'_>> =
        archive.certs.iter().map(|bag| BagCert::new(bag.cert.as_der(), bag.local_key_id.as_deref())).collect();
    let key_id = key_bag.local_key_id.as_ref().map(|id| id.as_ref());
    let leaf = certs
        .iter()
        .position(|c| key_id.is_some() && c.local_key_id == key_id)
        .or_else(|| {
            let spki = public_key_of(&key)?;
            certs.iter().position(|c| c.spki.as_ref() == Some(&spki))
        })
        .ok_or_else(|| err(PKCS12_NO_CERT))?;

    // Walk up from the leaf: the next link is a certificate whose subject
    // is the current one's issuer, until a self-issued one.
    let mut in_chain = vec![leaf];
    let mut current = leaf;
    while !certs[current].self_issued {
        let issuer = &certs[current].issuer;
        let next = (0..certs.len()).find(|i| !in_chain.contains(i) && issuer.is_some() && certs[*i].subject == *issuer);
        let Some(next) = next else { break };
        in_chain.push(next);
        current = next;
    }

    let to_der = |i: &usize| CertificateDer::from(certs[*i].der.to_vec());
    Ok(Pkcs12Contents {
        key,
        chain: in_chain.iter().map(to_der).collect(),
        ca: (0..certs.len()).filter(|i| !in_chain.contains(i)).map(|i| to_der(&i)).collect(),
    })
}

/// A certificate bag's certificate with the names chaining needs.
struct BagCert<'a> {
    der: &'a [u8],
    local_key_id: Option<&'a [u8]>,
    subject: Option<Vec<u8>>,
    issuer: Option<Vec<u8>>,
    spki: Option<Vec<u8>>,
    /// [`verifier::is_self_issued`]; also when the certificate does not
    /// parse, which ends the chain there.
    self_issued: bool,
}

impl<'a> BagCert<'a> {
    fn new(der: &'a [u8], local_key_id: Option<&'a [u8]>) -> Self {
        match x509_parser::parse_x509_certificate(der) {
            Ok((_, cert)) => Self {
                der,
                local_key_id,
                subject: Some(cert.subject().as_raw().to_vec()),
                issuer: Some(cert.issuer().as_raw().to_vec()),
                spki: Some(cert.public_key().raw.to_vec()),
                self_issued: verifier::is_self_issued(&cert),
            },
            Err(_) => Self { der, local_key_id, subject: None, issuer: None, spki: None, self_issued: true },
        }
    }
}

/// The `SubjectPublicKeyInfo` of a private key, as the aws-lc provider
/// derives it.
fn public_key_of(key: &PrivateKeyDer<'_>) -> Option<Vec<u8>> {
    let signing_key = rustls::crypto::aws_lc_rs::sign::any_supported_type(key).ok()?;
    Some(signing_key.public_key()?.as_ref().to_vec())
}

/// Holds every encrypted part of a PFX to the limits of encrypted keys
/// ([`check_kdf_limits`]) before p12-keystore decrypts anything: it
/// lets scrypt take 1 GiB (OpenSSL: 32 MiB), so a 200-byte file
/// without a MAC made it allocate 1 GiB; and it panics (in pkcs5) on an
/// scrypt N of 0. Key bags are checked by their parameters; encrypted
/// safes also by what they hold, which is decrypted here for that (with
/// the same passphrase; if that fails, p12-keystore will say so).
fn check_kdf_limits_within(der: &[u8], passphrase: &[u8], depth: usize) -> Result<()> {
    use der::Tagged;
    // PFX > safe > bag > nested safe... (encrypted content nests deeper)
    const MAX_DEPTH: usize = 16;
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let Ok(mut reader) = SliceReader::new(der) else {
        return Ok(());
    };
    while !reader.is_finished() {
        let Ok(encoded) = reader.tlv_bytes() else {
            return Ok(());
        };
        let Ok(tlv) = der::asn1::AnyRef::from_der(encoded) else {
            return Ok(());
        };
        if let Ok(info) = EncryptedKeyInfo::parse(encoded) {
            // pkcs8ShroudedKeyBag (or anything of its shape)
            check_kdf_limits(&info)?;
        } else if let Some(info) = encrypted_content_info(tlv) {
            check_kdf_limits(&info)?;
            if let Ok(plaintext) = decrypt(&info, Some(passphrase)) {
                check_kdf_limits_within(&plaintext, passphrase, depth + 1)?;
            }
        } else if tlv.tag().is_constructed() || tlv.tag() == Tag::OctetString {
            // SEQUENCEs, explicit tags, and OCTET STRINGs that hold DER
            // (a ContentInfo's data)
            check_kdf_limits_within(tlv.value(), passphrase, depth + 1)?;
        }
    }
    Ok(())
}

/// RFC 5652 §6.1 `EncryptedContentInfo ::= SEQUENCE { contentType,
/// contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OCTET
/// STRING OPTIONAL }`, with its content.
fn encrypted_content_info(tlv: der::asn1::AnyRef<'_>) -> Option<EncryptedKeyInfo<'_>> {
    use der::Tagged;
    if tlv.tag() != Tag::Sequence {
        return None;
    }
    let mut reader = SliceReader::new(tlv.value()).ok()?;
    let _content_type: ObjectIdentifier = reader.decode().ok()?;
    let algorithm = reader.tlv_bytes().ok()?;
    let content: der::asn1::AnyRef<'_> = reader.decode().ok()?;
    let implicit_octets = Tag::ContextSpecific { constructed: false, number: der::TagNumber(0) };
    if content.tag() != implicit_octets || !reader.is_finished() {
        return None;
    }
    EncryptedKeyInfo::with_algorithm(algorithm, content.value()).ok()
}

/// OpenSSL's `d2i_PKCS12` looks at the outer TLV first: a length running
/// past the end is "not enough data", any tag but SEQUENCE "wrong tag".
/// (Read by hand: the tag may be one `der` refuses to decode.)
fn check_outer_tlv(input: &[u8]) -> Result<()> {
    let not_enough_data = || err(PKCS12_NOT_ENOUGH_DATA);
    let (&tag, rest) = input.split_first().ok_or_else(not_enough_data)?;
    let (&first, mut rest) = rest.split_first().ok_or_else(not_enough_data)?;
    let length = if first < 0x80 {
        usize::from(first)
    } else {
        // Long form; 0x80 (indefinite, BER) counts as length 0 here.
        let count = usize::from(first & 0x7f);
        if count > rest.len() || count > std::mem::size_of::<usize>() {
            return Err(not_enough_data());
        }
        let (bytes, after) = rest.split_at(count);
        rest = after;
        bytes.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b))
    };
    if length > rest.len() {
        return Err(not_enough_data());
    }
    if tag != 0x30 {
        return Err(err(PKCS12_WRONG_TAG));
    }
    Ok(())
}

fn map_error(e: P12Error) -> TlsError {
    match e {
        P12Error::MacError(_) => err(PKCS12_MAC_VERIFY_FAILURE),
        // A bag that does not decrypt although the MAC (if any) did.
        P12Error::UnpadError | P12Error::InvalidPrivateKey => err(BAD_DECRYPT),
        P12Error::Pkcs5Error(message) if message.contains("unsupported") => err(PKCS12_UNSUPPORTED),
        P12Error::Pkcs5Error(_) => err(BAD_DECRYPT),
        P12Error::UnsupportedEncryptionScheme | P12Error::UnsupportedMacAlgorithm | P12Error::InvalidParameters => {
            err(PKCS12_UNSUPPORTED)
        }
        _ => err(PKCS12_PARSE_ERROR),
    }
}

#[cfg(test)]
mod tests {
    use crate::keys::parse_pkcs12;
    use crate::keys::test_vectors::*;
    use crate::TlsError;

    /// The same limits hold in PKCS#12 files, which p12-keystore decrypts
    /// with its own (scrypt up to 1 GiB, and a panic on N = 0), for bags in
    /// the clear and inside encrypted safes. Files without a MAC, as here,
    /// are read.
    #[test]
    fn pkcs12_key_derivation_work_is_bounded() {
        use der_build::*;
        const DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
        const ENCRYPTED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06];
        const SHROUDED_KEY_BAG: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x02];
        let data = |content: &[u8]| seq(&[&tlv(0x06, DATA), &tlv(0xa0, &tlv(0x04, content))]);
        let pfx = |safes: &[&[u8]]| seq(&[&int(3), &data(&seq(safes))]);
        let bag = |key: &[u8]| seq(&[&tlv(0x06, SHROUDED_KEY_BAG), &tlv(0xa0, key)]);
        let salt = tlv(0x04, b"saltsalt");
        let scrypt = |n: u64, r: u64, p: u64| {
            bag(&encrypted_key(PBES2, &pbes2(SCRYPT, &seq(&[&salt, &int(n), &int(r), &int(p)]))))
        };

        // 1 GiB of scrypt memory from a 200-byte file (OpenSSL allows 32 MiB).
        let file = pfx(&[&data(&seq(&[&scrypt(1 << 20, 8, 1)]))]);
        assert_eq!(code(parse_pkcs12(&file, None)), "ERR_OSSL_EVP_MEMORY_LIMIT_EXCEEDED");
        // scrypt N = 0: a panic in pkcs5.
        let file = pfx(&[&data(&seq(&[&scrypt(0, 8, 1)]))]);
        assert_eq!(code(parse_pkcs12(&file, None)), "ERR_OSSL_EVP_UNSUPPORTED");
        // The 1 GiB bag inside a safe encrypted with the (empty) passphrase.
        let params =
            pkcs8::pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes128cbc(1, b"saltsalt", [7; 16]).unwrap();
        let encrypted = params.encrypt(b"", &seq(&[&scrypt(1 << 20, 8, 1)])).unwrap();
        let algorithm = seq(&[&tlv(0x06, PBES2), &der::Encode::to_der(&params).unwrap()]);
        let content = seq(&[&tlv(0x06, DATA), &algorithm, &tlv(0x80, &encrypted)]);
        let safe = seq(&[&tlv(0x06, ENCRYPTED_DATA), &tlv(0xa0, &seq(&[&int(0), &content]))]);
        assert_eq!(code(parse_pkcs12(&pfx(&[&safe]), None)), "ERR_OSSL_EVP_MEMORY_LIMIT_EXCEEDED");
        // Within the limits the bag goes to p12-keystore, and does not
        // decrypt (its data is zeros).
        let file = pfx(&[&data(&seq(&[&scrypt(16, 1, 1)]))]);
        assert_eq!(code(parse_pkcs12(&file, None)), "ERR_OSSL_BAD_DECRYPT");
    }

    #[test]
    fn pkcs12_garbage() {
        let e = parse_pkcs12(b"garbage", None).unwrap_err();
        assert_eq!(e, TlsError::new("ERR_OSSL_ASN1_NOT_ENOUGH_DATA", "not enough data"));
        assert_eq!(code(parse_pkcs12(b"", None)), "ERR_OSSL_ASN1_NOT_ENOUGH_DATA");
        assert_eq!(code(parse_pkcs12(CERT.as_bytes(), None)), "ERR_OSSL_ASN1_WRONG_TAG");
        assert_eq!(code(parse_pkcs12(&[0x30, 0x03, 0x02, 0x01, 0x03], None)), "ERR_OSSL_PKCS12_PARSE_ERROR");
    }
}

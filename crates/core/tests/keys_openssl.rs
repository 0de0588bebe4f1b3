//! `keys.rs` against what the `openssl` command line makes: every key format
//! and encryption Node users feed `tls.createSecureContext`, PKCS#12 files in
//! the OpenSSL 3 default, 3DES and legacy RC2 flavours, CRLs and PEM bundles
//! with text around the blocks.
//!
//! Needs `openssl` (3.x, with the legacy provider for `-legacy`) on `PATH`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustls_node_core::keys::{parse_certificates, parse_crls, parse_pkcs12, parse_private_key};
use rustls_node_core::TlsError;
use rustls_pki_types::PrivateKeyDer;

const PASS: &str = "s3cret pass";

/// A scratch directory to run `openssl` in, removed on drop.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        match Command::new("openssl").arg("version").output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!("`openssl version` failed: {}", String::from_utf8_lossy(&out.stderr)),
            Err(e) => panic!("these tests need the `openssl` command line tool on PATH: {e}"),
        }
        let dir = std::env::temp_dir().join(format!(
            "rustls-node-keys-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    /// Run `openssl args…` in the directory; panic with its stderr if it fails.
    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl").args(args).current_dir(&self.dir).output().unwrap();
        assert!(out.status.success(), "openssl {} failed:\n{}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn write(&self, name: &str, contents: &[u8]) {
        std::fs::write(self.dir.join(name), contents).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn code<T: std::fmt::Debug>(result: Result<T, TlsError>) -> &'static str {
    result.expect_err("expected an error").code
}

#[derive(Clone, Copy, PartialEq)]
enum Alg {
    Rsa,
    P256,
    P384,
    Ed25519,
}

impl Alg {
    fn genpkey_args(self) -> &'static [&'static str] {
        match self {
            Alg::Rsa => &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
            Alg::P256 => &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            Alg::P384 => &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
            Alg::Ed25519 => &["-algorithm", "ed25519"],
        }
    }

    /// The `openssl` command for the traditional format, if the algorithm has one.
    fn traditional_tool(self) -> Option<&'static str> {
        match self {
            Alg::Rsa => Some("rsa"),
            Alg::P256 | Alg::P384 => Some("ec"),
            Alg::Ed25519 => None,
        }
    }
}

/// Check one algorithm in every format and encryption openssl writes.
fn check_key_formats(alg: Alg) {
    let s = Scratch::new("keys");
    let mut genpkey = vec!["genpkey", "-out", "plain.pem"];
    genpkey.extend_from_slice(alg.genpkey_args());
    s.openssl(&genpkey);
    s.openssl(&["pkcs8", "-topk8", "-nocrypt", "-in", "plain.pem", "-outform", "DER", "-out", "plain.der"]);
    let pkcs8 = s.read("plain.der");

    let expect_pkcs8 = |key: PrivateKeyDer<'static>, what: &str| {
        assert!(matches!(key, PrivateKeyDer::Pkcs8(_)), "{what}: {key:?}");
        assert_eq!(key.secret_der(), pkcs8, "{what}");
        assert!(rustls::crypto::aws_lc_rs::sign::any_supported_type(&key).is_ok(), "{what}: rustls refuses it");
    };

    // Plain PKCS#8, PEM and DER.
    expect_pkcs8(parse_private_key(&s.read("plain.pem"), None).unwrap(), "PKCS#8 PEM");
    expect_pkcs8(parse_private_key(&pkcs8, None).unwrap(), "PKCS#8 DER");
    expect_pkcs8(parse_private_key(&s.read("plain.pem"), Some(b"ignored")).unwrap(), "PKCS#8, passphrase");

    // Encrypted PKCS#8: PBES2 with AES and 3DES, SHA-1 PRF, scrypt, the
    // PKCS#12 PBE scheme, and DER.
    let pass_arg = format!("pass:{PASS}");
    let encrypted: &[(&str, &[&str])] = &[
        ("aes256.pem", &["-v2", "aes-256-cbc"]),
        ("des3.pem", &["-v2", "des3"]),
        ("aes128-sha1.pem", &["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"]),
        ("scrypt.pem", &["-scrypt"]),
        ("pbe-sha1-3des.pem", &["-v1", "PBE-SHA1-3DES"]),
        ("aes192.der", &["-v2", "aes-192-cbc", "-outform", "DER"]),
    ];
    for (file, extra) in encrypted {
        let mut args = vec!["pkcs8", "-topk8", "-in", "plain.pem", "-passout", &pass_arg, "-out", file];
        args.extend_from_slice(extra);
        s.openssl(&args);
        let input = s.read(file);
        if !file.ends_with(".der") {
            assert!(input.starts_with(b"-----BEGIN ENCRYPTED PRIVATE KEY-----"), "{file}");
        }
        expect_pkcs8(parse_private_key(&input, Some(PASS.as_bytes())).unwrap(), file);
        assert_eq!(code(parse_private_key(&input, Some(b"wrong"))), "ERR_OSSL_BAD_DECRYPT", "{file}");
        assert_eq!(code(parse_private_key(&input, None)), "ERR_OSSL_BAD_DECRYPT", "{file}");
    }

    // Traditional PKCS#1 / SEC1, plain and with OpenSSL's PEM encryption.
    let Some(tool) = alg.traditional_tool() else {
        return;
    };
    let traditional = |out: &str, extra: &[&str]| {
        let mut args = vec![tool, "-in", "plain.pem", "-out", out];
        if tool == "rsa" {
            args.push("-traditional"); // OpenSSL 3 `rsa` writes PKCS#8 otherwise
        }
        args.extend_from_slice(extra);
        s.openssl(&args);
    };
    traditional("trad.der", &["-outform", "DER"]);
    traditional("trad.pem", &[]);
    let trad_der = s.read("trad.der");
    let expect_traditional = |key: PrivateKeyDer<'static>, what: &str| {
        match (alg, &key) {
            (Alg::Rsa, PrivateKeyDer::Pkcs1(_)) | (Alg::P256 | Alg::P384, PrivateKeyDer::Sec1(_)) => {}
            _ => panic!("{what}: wrong variant {key:?}"),
        }
        assert_eq!(key.secret_der(), trad_der, "{what}");
        assert!(rustls::crypto::aws_lc_rs::sign::any_supported_type(&key).is_ok(), "{what}: rustls refuses it");
    };
    let trad_pem = s.read("trad.pem");
    let label = if tool == "rsa" { "RSA PRIVATE KEY" } else { "EC PRIVATE KEY" };
    assert!(trad_pem.starts_with(format!("-----BEGIN {label}-----").as_bytes()));
    expect_traditional(parse_private_key(&trad_pem, None).unwrap(), "traditional PEM");
    expect_traditional(parse_private_key(&trad_der, None).unwrap(), "traditional DER");

    for cipher in ["-aes128", "-aes192", "-aes256", "-des3"] {
        let file = format!("trad{cipher}.pem");
        traditional(&file, &[cipher, "-passout", &pass_arg]);
        let input = s.read(&file);
        assert!(
            String::from_utf8_lossy(&input).contains("Proc-Type: 4,ENCRYPTED"),
            "{file} is not traditionally encrypted"
        );
        expect_traditional(parse_private_key(&input, Some(PASS.as_bytes())).unwrap(), &file);
        assert_eq!(code(parse_private_key(&input, Some(b"wrong"))), "ERR_OSSL_BAD_DECRYPT", "{file}");
        assert_eq!(code(parse_private_key(&input, None)), "ERR_OSSL_BAD_DECRYPT", "{file}");
    }
}

#[test]
fn rsa_2048_keys() {
    check_key_formats(Alg::Rsa);
}

#[test]
fn p256_keys() {
    check_key_formats(Alg::P256);
}

#[test]
fn p384_keys() {
    check_key_formats(Alg::P384);
}

#[test]
fn ed25519_keys() {
    check_key_formats(Alg::Ed25519);
}

/// A CA and a leaf it signed, as PEM files `ca.pem`/`ca.key`, `leaf.pem`/
/// `leaf.key`, and the DER of both certificates and of the leaf key (PKCS#8).
struct Pki {
    ca_der: Vec<u8>,
    leaf_der: Vec<u8>,
    leaf_key_pkcs8: Vec<u8>,
}

fn make_pki(s: &Scratch, leaf_alg: Alg) -> Pki {
    s.write("ext.cnf", b"basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:leaf.test\n");
    s.openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key"]);
    s.openssl(&["req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=Test CA", "-days", "30", "-out", "ca.pem"]);
    let mut genpkey = vec!["genpkey", "-out", "leaf.key"];
    genpkey.extend_from_slice(leaf_alg.genpkey_args());
    s.openssl(&genpkey);
    s.openssl(&["req", "-new", "-key", "leaf.key", "-subj", "/CN=leaf.test", "-out", "leaf.csr"]);
    s.openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        "ext.cnf",
        "-out",
        "leaf.pem",
    ]);
    s.openssl(&["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"]);
    s.openssl(&["x509", "-in", "leaf.pem", "-outform", "DER", "-out", "leaf.der"]);
    s.openssl(&["pkcs8", "-topk8", "-nocrypt", "-in", "leaf.key", "-outform", "DER", "-out", "leaf.key.der"]);
    Pki { ca_der: s.read("ca.der"), leaf_der: s.read("leaf.der"), leaf_key_pkcs8: s.read("leaf.key.der") }
}

/// `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// DER of the algorithm OIDs, to check which flavour openssl really wrote.
const OID_PBES2: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const OID_PBE_SHA1_3DES: &[u8] = &[0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03];
const OID_PBE_SHA1_RC2_40: &[u8] = &[0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x06];
const OID_SHA1: &[u8] = &[0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a];
const OID_SHA256: &[u8] = &[0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];

#[test]
fn pkcs12_flavours() {
    let s = Scratch::new("p12");
    let pki = make_pki(&s, Alg::Rsa);
    let pass_arg = format!("pass:{PASS}");
    let export = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "pkcs12",
            "-export",
            "-in",
            "leaf.pem",
            "-inkey",
            "leaf.key",
            "-certfile",
            "ca.pem",
            "-passout",
            &pass_arg,
            "-out",
            out,
        ];
        args.extend_from_slice(extra);
        s.openssl(&args);
        s.read(out)
    };

    // (file, openssl flags, OIDs the file must contain, OIDs it must not)
    type Flavour<'a> = (&'a str, &'a [&'a str], &'a [&'a [u8]], &'a [&'a [u8]]);
    let flavours: &[Flavour] = &[
        ("default.p12", &[], &[OID_PBES2, OID_SHA256], &[OID_PBE_SHA1_3DES, OID_PBE_SHA1_RC2_40]),
        ("descert.p12", &["-descert"], &[OID_PBE_SHA1_3DES], &[OID_PBE_SHA1_RC2_40]),
        (
            "3des-sha1.p12",
            &["-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"],
            &[OID_PBE_SHA1_3DES, OID_SHA1],
            &[OID_PBES2, OID_PBE_SHA1_RC2_40],
        ),
        ("legacy.p12", &["-legacy"], &[OID_PBE_SHA1_RC2_40, OID_PBE_SHA1_3DES, OID_SHA1], &[OID_PBES2]),
    ];
    for (file, extra, present, absent) in flavours {
        let pfx = export(file, extra);
        for oid in *present {
            assert!(contains(&pfx, oid), "{file} lacks {oid:02x?}");
        }
        for oid in *absent {
            assert!(!contains(&pfx, oid), "{file} has {oid:02x?}");
        }

        let contents = parse_pkcs12(&pfx, Some(PASS.as_bytes())).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(matches!(contents.key, PrivateKeyDer::Pkcs8(_)), "{file}");
        assert_eq!(contents.key.secret_der(), pki.leaf_key_pkcs8, "{file}");
        let chain: Vec<&[u8]> = contents.chain.iter().map(|c| c.as_ref()).collect();
        assert_eq!(chain, [&pki.leaf_der[..], &pki.ca_der[..]], "{file}: chain");
        assert!(contents.ca.is_empty(), "{file}: ca");

        let e = parse_pkcs12(&pfx, Some(b"wrong")).unwrap_err();
        assert_eq!(e, TlsError::new("ERR_OSSL_PKCS12_MAC_VERIFY_FAILURE", "mac verify failure"), "{file}");
        assert_eq!(code(parse_pkcs12(&pfx, None)), "ERR_OSSL_PKCS12_MAC_VERIFY_FAILURE", "{file}");
        assert_eq!(code(parse_pkcs12(&pfx[..pfx.len() / 2], Some(PASS.as_bytes()))), "ERR_OSSL_ASN1_NOT_ENOUGH_DATA");
    }
}

#[test]
fn pkcs12_extra_certificates_empty_password_and_missing_parts() {
    let s = Scratch::new("p12-extra");
    let pki = make_pki(&s, Alg::P256);
    // An unrelated self-signed certificate travels in `ca`.
    s.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "other.key",
        "-subj",
        "/CN=Other",
        "-days",
        "30",
        "-out",
        "other.pem",
    ]);
    s.openssl(&["x509", "-in", "other.pem", "-outform", "DER", "-out", "other.der"]);
    let mut bundle = s.read("other.pem");
    bundle.extend(s.read("ca.pem"));
    s.write("extra.pem", &bundle);
    s.openssl(&[
        "pkcs12",
        "-export",
        "-in",
        "leaf.pem",
        "-inkey",
        "leaf.key",
        "-certfile",
        "extra.pem",
        "-passout",
        "pass:",
        "-out",
        "nopass.p12",
    ]);
    let contents = parse_pkcs12(&s.read("nopass.p12"), None).unwrap();
    assert_eq!(contents.key.secret_der(), pki.leaf_key_pkcs8);
    let chain: Vec<&[u8]> = contents.chain.iter().map(|c| c.as_ref()).collect();
    assert_eq!(chain, [&pki.leaf_der[..], &pki.ca_der[..]]);
    let ca: Vec<&[u8]> = contents.ca.iter().map(|c| c.as_ref()).collect();
    assert_eq!(ca, [&s.read("other.der")[..]]);
    // The empty passphrase is the same as none.
    assert!(parse_pkcs12(&s.read("nopass.p12"), Some(b"")).is_ok());

    let pass_arg = format!("pass:{PASS}");
    s.openssl(&["pkcs12", "-export", "-nokeys", "-in", "leaf.pem", "-passout", &pass_arg, "-out", "nokey.p12"]);
    let e = parse_pkcs12(&s.read("nokey.p12"), Some(PASS.as_bytes())).unwrap_err();
    assert_eq!(e, TlsError::new("ERR_CRYPTO_OPERATION_FAILED", "Unable to load private key from PFX data"));
    s.openssl(&["pkcs12", "-export", "-nocerts", "-inkey", "leaf.key", "-passout", &pass_arg, "-out", "nocert.p12"]);
    let e = parse_pkcs12(&s.read("nocert.p12"), Some(PASS.as_bytes())).unwrap_err();
    assert_eq!(e, TlsError::new("ERR_CRYPTO_OPERATION_FAILED", "Unable to load certificate from PFX data"));
}

#[test]
fn certificate_bundle_with_text_between_blocks() {
    let s = Scratch::new("bundle");
    let pki = make_pki(&s, Alg::P256);
    // `openssl x509 -text` output puts the human readable dump before each block.
    s.openssl(&["x509", "-in", "leaf.pem", "-text", "-out", "leaf.txt"]);
    s.openssl(&["x509", "-in", "ca.pem", "-text", "-out", "ca.txt"]);
    let mut bundle = b"# chain for leaf.test\n\n".to_vec();
    bundle.extend(s.read("leaf.txt"));
    bundle.extend(b"\njunk between the blocks: ----- not a boundary -----\n\x00\xff binary junk\n");
    bundle.extend(s.read("leaf.key")); // a key block in between is skipped
                                       // CRLF line ends are fine too.
    bundle.extend(String::from_utf8(s.read("ca.txt")).unwrap().replace('\n', "\r\n").into_bytes());
    bundle.extend(b"trailing words");
    assert!(String::from_utf8_lossy(&bundle).contains("Certificate:\n    Data:"));
    let certs = parse_certificates(&bundle).unwrap();
    let certs: Vec<&[u8]> = certs.iter().map(|c| c.as_ref()).collect();
    assert_eq!(certs, [&pki.leaf_der[..], &pki.ca_der[..]]);

    // One DER certificate.
    let certs = parse_certificates(&pki.ca_der).unwrap();
    assert_eq!(certs.len(), 1);
    assert_eq!(certs[0].as_ref(), pki.ca_der);

    // The key of a bundle that holds a certificate first.
    let mut cert_then_key = s.read("leaf.pem");
    cert_then_key.extend(s.read("leaf.key"));
    assert_eq!(parse_private_key(&cert_then_key, None).unwrap().secret_der(), pki.leaf_key_pkcs8);
}

#[test]
fn crls_pem_and_der() {
    let s = Scratch::new("crl");
    make_pki(&s, Alg::P256);
    s.write(
        "ca.cnf",
        b"[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n",
    );
    s.write("index.txt", b"");
    s.write("crlnumber", b"01\n");
    s.openssl(&["ca", "-config", "ca.cnf", "-revoke", "leaf.pem", "-keyfile", "ca.key", "-cert", "ca.pem"]);
    s.openssl(&["ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "ca.key", "-cert", "ca.pem", "-out", "crl.pem"]);
    s.openssl(&["crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der"]);
    let der = s.read("crl.der");

    let mut pem = b"comment\n".to_vec();
    pem.extend(s.read("crl.pem"));
    pem.extend(s.read("ca.pem"));
    pem.extend(s.read("crl.pem"));
    let crls = parse_crls(&pem).unwrap();
    assert_eq!(crls.len(), 2);
    assert!(crls.iter().all(|c| c.as_ref() == der));
    assert_eq!(parse_crls(&der).unwrap()[0].as_ref(), der);
    assert_eq!(code(parse_crls(&s.read("ca.pem"))), "ERR_CRYPTO_OPERATION_FAILED");
}

#[test]
fn garbage_and_empty_inputs() {
    let unsupported = TlsError::new("ERR_OSSL_UNSUPPORTED", "error:1E08010C:DECODER routines::unsupported");
    let no_start_line = TlsError::new("ERR_OSSL_PEM_NO_START_LINE", "error:0480006C:PEM routines::no start line");
    let crl = TlsError::new("ERR_CRYPTO_OPERATION_FAILED", "Failed to parse CRL");
    for input in [&b"garbage"[..], b"", b"\x30\x82\xff\xff", b"-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"] {
        assert_eq!(parse_private_key(input, None).unwrap_err(), unsupported, "{input:?}");
        assert_eq!(parse_private_key(input, Some(b"pass")).unwrap_err(), unsupported, "{input:?}");
        assert_eq!(parse_certificates(input).unwrap_err(), no_start_line, "{input:?}");
        assert_eq!(parse_crls(input).unwrap_err(), crl, "{input:?}");
    }
    assert_eq!(
        parse_pkcs12(b"garbage", None).unwrap_err(),
        TlsError::new("ERR_OSSL_ASN1_NOT_ENOUGH_DATA", "not enough data")
    );
    assert_eq!(parse_pkcs12(b"", None).unwrap_err(), TlsError::new("ERR_OSSL_ASN1_NOT_ENOUGH_DATA", "not enough data"));
    let pem = b"-----BEGIN CERTIFICATE-----\nMIIBejCCAR+gAwIBAgIUQ74tJUCbOhbGA0j5wqH+TrTKpB4wCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n";
    assert_eq!(parse_pkcs12(pem, None).unwrap_err(), TlsError::new("ERR_OSSL_ASN1_WRONG_TAG", "wrong tag"));
}

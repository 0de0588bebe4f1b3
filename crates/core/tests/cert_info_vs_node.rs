//! `cert_info::certificate_object` against Node itself.
//!
//! Every case makes a certificate in a temporary directory, mostly with the
//! `openssl` CLI; a few shapes the CLI cannot produce (odd string types,
//! duplicated or broken extensions, unusual time encodings) are assembled as
//! DER here, around an `openssl`-made public key, with a dummy signature
//! (Node does not check signatures when parsing). One `node` process then
//! prints `new crypto.X509Certificate(der).toLegacyObject()` for all of them as
//! JSON, Buffers left out and `pubkey` as hex, and each case must match
//! exactly: same fields, same values, same key order.
//!
//! The `x509_parser_*` tests prove the reason `cert_info` gives for its own
//! DER reader: on some of these crafted certificates x509-parser differs from
//! OpenSSL, while `certificate_object` agrees with Node.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use rustls_node_core::cert_info::{certificate_object, public_key_der};
use serde_json::Value;
use x509_parser::certificate::X509Certificate;
use x509_parser::error::X509Error;
use x509_parser::nom;
use x509_parser::prelude::FromDer;
use x509_parser::x509::X509Name;

type Make = fn(&Workdir) -> Vec<u8>;

/// Certificates made with the `openssl` CLI.
const OPENSSL_CASES: &[(&str, Make)] = &[
    ("rsa2048 server certificate", |w| {
        let key = w.key("rsa2048", &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]);
        w.req(
            "rsa2048",
            &key,
            "/C=US/ST=California/L=San Francisco/O=Example Inc/OU=Web/CN=rsa.example/emailAddress=admin@rsa.example",
            &Config {
                ext: "basicConstraints = CA:FALSE\n\
                      keyUsage = digitalSignature, keyEncipherment\n\
                      extendedKeyUsage = serverAuth, clientAuth\n\
                      subjectAltName = DNS:rsa.example, DNS:*.rsa.example",
                ..Config::default()
            },
            &["-set_serial", "1"],
        )
    }),
    ("ecdsa p-256 without extensions", |w| {
        let key = w.ec_key("P-256");
        w.req("p256-bare", &key, "/CN=bare.example", &Config::default(), &[])
    }),
    ("ecdsa p-384 with every SAN kind", |w| {
        let key = w.ec_key("P-384");
        w.req(
            "p384-san",
            &key,
            "/CN=p384.example",
            &Config {
                ext: "subjectAltName = @alt\n\
                      extendedKeyUsage = serverAuth, clientAuth, codeSigning, emailProtection, \
                      timeStamping, OCSPSigning, 1.2.3.4.5, 2.5.29.37.0",
                sections: "[alt]\n\
                           DNS.1 = p384.example\n\
                           DNS.2 = *.wild.example\n\
                           IP.1 = 127.0.0.1\n\
                           IP.2 = ::1\n\
                           IP.3 = 2001:db8::1\n\
                           IP.4 = fe80::1:2:3:4\n\
                           IP.5 = 10.0.255.1\n\
                           email.1 = me@p384.example\n\
                           URI.1 = https://p384.example/path?q=1&r=2#frag\n\
                           RID.1 = 1.2.3.4.5\n\
                           otherName.1 = 1.3.6.1.4.1.311.20.2.3;UTF8:upn@p384.example\n\
                           otherName.2 = 1.3.6.1.5.5.7.8.7;IA5:_sip._tcp.p384.example\n\
                           otherName.3 = 1.3.6.1.5.5.7.8.9;UTF8:smtp@p384.example\n\
                           otherName.4 = 1.2.3.4;UTF8:unknown type\n\
                           otherName.5 = 1.3.6.1.4.1.311.20.2.3;IA5:wrong string type\n\
                           dirName.1 = dir\n\
                           [dir]\n\
                           C = DE\n\
                           O = Comma, Plus+ <angle> semi; back\\\\slash=equals\n\
                           CN = \\#hash\n",
                ..Config::default()
            },
            &["-set_serial", "0x0a0b"],
        )
    }),
    ("ed25519", |w| {
        let key = w.key("ed25519", &["-algorithm", "ED25519"]);
        w.req("ed25519", &key, "/O=Edwards/CN=ed25519.example", &Config::default(), &[])
    }),
    ("certificate authority", |w| w.ca()),
    ("leaf issued by the CA", |w| {
        w.ca();
        let key = w.ec_key("P-256");
        w.issue(
            "leaf",
            &key,
            "/C=GB/O=Leaf Ltd/CN=leaf.example",
            "basicConstraints = critical, CA:FALSE\n\
             subjectAltName = DNS:leaf.example\n\
             authorityInfoAccess = OCSP;URI:http://ocsp.example/, caIssuers;URI:http://ca.example/ca.crt",
        )
    }),
    ("CA flag without keyCertSign", |w| {
        let key = w.ec_key("P-256");
        let ext = Config { ext: "basicConstraints = CA:TRUE\nkeyUsage = digitalSignature", ..Config::default() };
        w.req("ca-no-certsign", &key, "/CN=not really a CA", &ext, &[])
    }),
    ("multi-valued RDN and repeated attributes", |w| {
        let key = w.ec_key("P-256");
        w.req(
            "multivalue",
            &key,
            "/CN=a+OU=b/O=x/O=y/OU=c+OU=d/DC=example/DC=com",
            &Config::default(),
            &["-multivalue-rdn"],
        )
    }),
    ("UTF-8 subject", |w| {
        let key = w.ec_key("P-256");
        w.req("utf8", &key, "/C=DE/L=Zürich/O=Grüße & Söhne/CN=日本語 😀 example", &Config::default(), &["-utf8"])
    }),
    ("T61String and BMPString subject", |w| {
        // string_mask "default" picks T61String (raw Latin-1) or BMPString
        // for values that are not PrintableString.
        let key = w.ec_key("P-256");
        let config = Config { string_mask: "default", ..Config::default() };
        w.req("t61-bmp", &key, "/L=Zürich/O=Gräfin/CN=Ωmega 日本", &config, &["-utf8"])
    }),
    ("attribute types without an OpenSSL name", |w| {
        let key = w.ec_key("P-256");
        let config = Config {
            top: "oid_section = oids\n[oids]\nmyAttribute = 1.3.6.1.4.1.55555.1\n",
            ext: "subjectAltName = dirName:dir\n",
            sections: "[dir]\nmyAttribute = in a dirName\nCN = known\n",
            ..Config::default()
        };
        w.req("unknown-oid", &key, "/myAttribute=value/title=Dr/serialNumber=1234/jurisdictionC=US", &config, &[])
    }),
    ("authorityInfoAccess with several methods and locations", |w| {
        let key = w.ec_key("P-256");
        let config = Config {
            ext: "authorityInfoAccess = @aia\n",
            sections: "[aia]\n\
                       OCSP;URI.1 = http://ocsp.example/\n\
                       caIssuers;URI.2 = http://ca.example/ca.crt\n\
                       OCSP;URI.3 = http://ocsp2.example/a,b\n\
                       1.3.6.1.5.5.7.48.5;URI.4 = http://repo.example/\n\
                       1.2.3.4;IP.5 = 2001:db8::42\n\
                       caIssuers;dirName.6 = aiadir\n\
                       caIssuers;email.7 = ca@example\n\
                       [aiadir]\nCN = aia, dir\n",
            ..Config::default()
        };
        w.req("aia", &key, "/CN=aia.example", &config, &[])
    }),
    ("names that Node quotes and escapes", |w| {
        let key = w.ec_key("P-256");
        let names = [
            der(0x82, b"comma,example"),
            der(0x82, b"new\nline"),
            der(0x81, b"caf\xe9@latin1.example"),
            der(0x86, b"http://q.example/\"quoted\"\\back'single'\x7f"),
            other_name("1.3.6.1.4.1.311.20.2.3", &der(0x0c, "upn,é@example".as_bytes())),
            other_name("1.3.6.1.4.1.311.20.2.3", &der(0x0c, b"bad\xff\xfeutf8")),
            der(0x87, &[1, 2, 3, 4, 5, 6, 7, 8]),
        ];
        let config =
            Config { ext: &format!("subjectAltName = DER:{}", hex(&der(0x30, &names.concat()))), ..Config::default() };
        w.req("unsafe-names", &key, "/CN=escapes", &config, &[])
    }),
    ("serial with a leading zero byte", |w| {
        let key = w.ec_key("P-256");
        w.req("serial-ff01", &key, "/CN=serial", &Config::default(), &["-set_serial", "0xff01"])
    }),
    ("negative serial", |w| {
        let key = w.ec_key("P-256");
        w.req("serial-negative", &key, "/CN=negative", &Config::default(), &["-set_serial", "-300"])
    }),
    ("serial zero", |w| {
        let key = w.ec_key("P-256");
        w.req("serial-zero", &key, "/CN=zero", &Config::default(), &["-set_serial", "0"])
    }),
    ("validity past 2049 (GeneralizedTime)", |w| {
        let key = w.ec_key("P-256");
        w.req("long-validity", &key, "/CN=long", &Config::default(), &["-days", "36500"])
    }),
    ("rsa with exponent 3 and an odd number of modulus digits", |w| {
        let key = w.key(
            "rsa1028",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1028", "-pkeyopt", "rsa_keygen_pubexp:3"],
        );
        w.req("rsa1028", &key, "/CN=rsa1028", &Config::default(), &[])
    }),
    ("ecdsa p-521 with a compressed point", |w| {
        let key = w.ec_key("P-521");
        let compressed = w.path("p521-compressed.key");
        w.openssl(&["ec", "-in", s(&key), "-conv_form", "compressed", "-out", s(&compressed)]);
        w.req("p521-compressed", &compressed, "/CN=p521", &Config::default(), &[])
    }),
    ("curves without a NIST name", |w| {
        let key = w.ec_key("secp256k1");
        w.req("secp256k1", &key, "/CN=k1", &Config::default(), &[])
    }),
    ("brainpool", |w| {
        let key = w.ec_key("brainpoolP384r1");
        w.req("brainpool", &key, "/CN=brainpool", &Config::default(), &[])
    }),
    ("explicit p-256 parameters", |w| w.explicit_curve("prime256v1", "uncompressed")),
    ("explicit p-384 parameters, compressed", |w| w.explicit_curve("secp384r1", "compressed")),
    ("explicit p-521 parameters", |w| w.explicit_curve("secp521r1", "uncompressed")),
    ("explicit secp256k1 parameters", |w| w.explicit_curve("secp256k1", "uncompressed")),
    ("v1 certificate", |w| {
        let key = w.ec_key("P-256");
        let csr = w.path("v1.csr");
        let config = w.config("v1", &Config::default());
        w.openssl(&["req", "-new", "-config", s(&config), "-key", s(&key), "-subj", "/CN=v1", "-out", s(&csr)]);
        let out = w.path("v1.der");
        w.openssl(&["x509", "-req", "-in", s(&csr), "-key", s(&key), "-days", "1", "-outform", "DER", "-out", s(&out)]);
        fs::read(out).unwrap()
    }),
];

/// Certificates assembled here, for shapes the CLI does not make.
const CRAFTED_CASES: &[(&str, Make)] = &[
    ("unusual time encodings", |w| {
        w.crafted(
            "times",
            Crafted {
                not_before: der(0x18, b"20260307010203.250Z"),
                not_after: der(0x17, b"3001020304Z"),
                ..Crafted::default()
            },
        )
    }),
    ("time offsets", |w| {
        w.crafted(
            "offsets",
            Crafted {
                not_before: der(0x17, b"261231230000-0130"),
                not_after: der(0x18, b"20240301003000+0100"),
                ..Crafted::default()
            },
        )
    }),
    ("times OpenSSL cannot read", |w| {
        w.crafted(
            "bad-times",
            Crafted {
                not_before: der(0x17, b"261327084000Z"),
                not_after: der(0x18, b"20260307010203"),
                ..Crafted::default()
            },
        )
    }),
    ("string types in names", |w| {
        let subject = name(&[
            &[("2.5.4.3", 0x1c, &[0, 0, 0, b'U', 0, 1, 0xf6, 0x00])], // UniversalString
            &[("2.5.4.10", 0x1e, &[0x04, 0x1f, 0x00, b'!'])],         // BMPString
            &[("2.5.4.7", 0x14, b"Z\xfcrich")],                       // T61String, Latin-1
            &[("2.5.4.11", 0x16, b"ia5"), ("2.5.4.11", 0x13, b"caf\xe9"), ("2.5.4.11", 0x0c, b"nul\0inside")],
            &[("2.5.4.5", 0x12, b"not numeric")],
            &[("1.3.6.1.4.1.55555.2", 0x0c, "\u{fffe}".as_bytes())],
            &[("2.5.4.12", 0x13, b"")],
            // a BER constructed UTF8String in two pieces
            &[("2.5.4.3", 0x2c, &[0x0c, 0x02, b'a', b'b', 0x0c, 0x01, b'c'])],
        ]);
        w.crafted("string-types", Crafted { subject, ..Crafted::default() })
    }),
    ("names Node leaves out", |w| {
        let subject = name(&[&[("2.5.4.3", 0x0c, b"fine")], &[("2.5.4.10", 0x07, b"ObjectDescriptor")]]);
        let issuer = name(&[&[("2.5.4.3", 0x30, &[0x02, 0x01, 0x05])]]);
        w.crafted("left-out-names", Crafted { subject, issuer, ..Crafted::default() })
    }),
    ("refused: invalid UTF-8 in the subject", |w| {
        let subject = name(&[&[("2.5.4.3", 0x0c, b"\xc3(")]]);
        w.crafted("refused-utf8", Crafted { subject, ..Crafted::default() })
    }),
    ("refused: surrogates in a BMPString", |w| {
        let issuer = name(&[&[("2.5.4.3", 0x1e, &[0xd8, 0x3d, 0xde, 0x00])]]);
        w.crafted("refused-bmp", Crafted { issuer, ..Crafted::default() })
    }),
    ("refused: GeneralString value", |w| {
        let subject = name(&[&[("2.5.4.3", 0x1b, b"general")]]);
        w.crafted("refused-generalstring", Crafted { subject, ..Crafted::default() })
    }),
    ("refused: padded serial", |w| {
        w.crafted("refused-serial", Crafted { serial: vec![0x00, 0x01], ..Crafted::default() })
    }),
    ("duplicated and empty extensions", |w| {
        let eku = der(0x30, &oid("1.3.6.1.5.5.7.3.1"));
        w.crafted(
            "duplicates",
            Crafted {
                extensions: vec![
                    extension("2.5.29.19", &der(0x30, &der(0x01, &[0xff]))),
                    extension("2.5.29.37", &eku),
                    extension("2.5.29.37", &eku),
                    extension("2.5.29.17", &der(0x30, &[])),
                    extension("2.5.29.17", &der(0x30, &der(0x82, b"second.example"))),
                    extension("1.3.6.1.5.5.7.1.1", &der(0x30, &[])),
                ],
                ..Crafted::default()
            },
        )
    }),
    ("extensions OpenSSL cannot decode", |w| {
        w.crafted(
            "undecodable",
            Crafted {
                extensions: vec![
                    // basicConstraints CA:TRUE with a negative pathLenConstraint
                    extension("2.5.29.19", &der(0x30, &[der(0x01, &[0xff]), der(0x02, &[0xff])].concat())),
                    extension("2.5.29.37", &der(0x30, &der(0x0c, b"not an OID"))),
                    extension("2.5.29.17", &der(0x04, b"garbage")),
                    extension("1.3.6.1.5.5.7.1.1", &der(0x30, &der(0x30, &oid("1.3.6.1.5.5.7.48.1")))),
                ],
                ..Crafted::default()
            },
        )
    }),
    ("lenient encodings OpenSSL accepts", |w| {
        let mut san = der(0x30, &[der(0xa2, &[der(0x16, b"split."), der(0x16, b"example")].concat())].concat());
        san.extend([0, 0]); // trailing bytes after the value
        w.crafted(
            "lenient",
            Crafted {
                extensions: vec![
                    extension("2.5.29.19", &der(0x30, &der(0x01, &[0x01]))),
                    extension("2.5.29.17", &san),
                    extension("2.5.29.15", &der(0x03, &[0x02, 0x04])),
                    extension("2.5.29.37", &der(0x30, &[])),
                ],
                ..Crafted::default()
            },
        )
    }),
    ("BER forms OpenSSL accepts", |w| {
        // lists in primitive form, a split OCTET STRING, a multi-octet tag
        let rdn = der(0x11, &der(0x30, &[oid("2.5.4.3"), der(0x0c, b"primitive lists")].concat()));
        let san_list = der(0x10, &der(0x82, b"list.example"));
        let split_value = der(0x24, &[der(0x04, &san_list[..3]), der(0x04, &san_list[3..])].concat());
        let mut eku = extension("2.5.29.37", &der(0x10, &oid("1.3.6.1.5.5.7.3.2")));
        let at = eku.len() - 2 - 12; // the OCTET STRING's identifier
        eku.splice(at..=at, [0x1f, 0x04]);
        eku[1] += 1;
        w.crafted(
            "ber",
            Crafted {
                subject: der(0x10, &rdn),
                extensions: vec![der(0x30, &[oid("2.5.29.17"), split_value].concat()), eku],
                ..Crafted::default()
            },
        )
    }),
    ("RSA key integers read as unsigned", |w| {
        let mut modulus = vec![0xff, 0x35];
        modulus.extend((0..126).map(|i| (i * 37 + 11) as u8));
        let key = der(0x30, &[der(0x02, &modulus), der(0x02, &[0x03])].concat());
        let algorithm = der(0x30, &[oid("1.2.840.113549.1.1.1"), vec![0x05, 0x00]].concat());
        // one unused bit, which OpenSSL clears: the exponent becomes 2
        let spki = der(0x30, &[algorithm, der(0x03, &[&[1u8][..], &key].concat())].concat());
        w.crafted("rsa-unsigned", Crafted { spki: Some(spki), ..Crafted::default() })
    }),
    ("CA with a malformed CRL distribution point", |w| {
        let point = der(0x30, &der(0xa0, &der(0xa0, &der(0x89, b"unknown choice"))));
        w.crafted(
            "ca-bad-crldp",
            Crafted {
                extensions: vec![
                    extension("2.5.29.19", &der(0x30, &der(0x01, &[0xff]))),
                    extension("2.5.29.31", &der(0x30, &point)),
                ],
                ..Crafted::default()
            },
        )
    }),
    ("CA whose extensions OpenSSL finds invalid", |w| {
        w.crafted(
            "ca-invalid-skid",
            Crafted {
                extensions: vec![
                    extension("2.5.29.19", &der(0x30, &der(0x01, &[0xff]))),
                    extension("2.5.29.14", &der(0x30, &[])),
                ],
                ..Crafted::default()
            },
        )
    }),
    ("dirName entries with odd strings", |w| {
        let dir = name(&[
            &[("2.5.4.6", 0x13, b"NZ")],
            &[("2.5.4.10", 0x1e, &[0x00, b' ', 0x04, 0x1f, 0x00, b'#'])],
            &[("2.5.4.11", 0x0c, b" utf8 \xc3\xa9\n"), ("2.5.4.3", 0x13, b"#")],
            &[("2.5.4.3", 0x07, b"descriptor"), ("1.3.6.1.4.1.55555.3", 0x0c, b"unknown")],
            &[("2.5.4.5", 0x14, b"caf\xe9 #1")],
        ]);
        let san = der(0x30, &[der(0xa4, &dir), der(0x82, b"after.example")].concat());
        w.crafted("dirname", Crafted { extensions: vec![extension("2.5.29.17", &san)], ..Crafted::default() })
    }),
    ("dirName OpenSSL cannot decode", |w| {
        let dir = name(&[&[("2.5.4.3", 0x1e, &[0x00, b'a', 0x00])]]); // BMPString of odd length
        let san = der(0x30, &[der(0x82, b"before.example"), der(0xa4, &dir)].concat());
        let aia = der(0x30, &der(0x30, &[oid("1.3.6.1.5.5.7.48.2"), der(0xa4, &dir)].concat()));
        w.crafted(
            "dirname-undecodable",
            Crafted {
                extensions: vec![extension("2.5.29.17", &san), extension("1.3.6.1.5.5.7.1.1", &aia)],
                ..Crafted::default()
            },
        )
    }),
    ("EC point in hybrid form", |w| {
        let mut spki = w.p256_spki();
        let at = spki.len() - 65;
        let y_is_odd = spki[spki.len() - 1] & 1;
        spki[at] = 6 | y_is_odd;
        w.crafted("hybrid-point", Crafted { spki: Some(spki), ..Crafted::default() })
    }),
    ("EC point not on the curve", |w| {
        let mut spki = w.p256_spki();
        let last = spki.len() - 1;
        spki[last] ^= 1;
        w.crafted("off-curve", Crafted { spki: Some(spki), ..Crafted::default() })
    }),
];

#[test]
fn certificate_objects_match_node() {
    require_tool("openssl", "version");
    require_tool("node", "--version");
    let w = Workdir::new();
    let mut cases = Vec::new();
    for (name, make) in OPENSSL_CASES.iter().chain(CRAFTED_CASES) {
        let der = make(&w);
        let file = w.path(&format!("case-{}.der", cases.len()));
        fs::write(&file, &der).unwrap();
        cases.push((*name, der, file));
    }
    let files: Vec<&Path> = cases.iter().map(|(_, _, file)| file.as_path()).collect();
    let expected = node_legacy_objects(&files);

    let failures: Vec<String> =
        cases.iter().zip(&expected).filter_map(|((name, der, _), expected)| compare(name, der, expected)).collect();
    assert!(failures.is_empty(), "{} mismatches with Node:\n\n{}", failures.len(), failures.join("\n\n"));
}

/// Real-world certificates: every CA of the system trust store, if there is
/// one, and the certificate files (`.pem`, `.crt`, `.cer`, `.der`) under the
/// directory named by `CERT_INFO_VS_NODE_DIR`, if set.
#[test]
fn certificate_files_match_node() {
    let mut files = Vec::new();
    let bundle = PathBuf::from("/etc/ssl/certs/ca-certificates.crt");
    if bundle.exists() {
        files.push(bundle);
    }
    if let Some(dir) = std::env::var_os("CERT_INFO_VS_NODE_DIR") {
        collect_certificate_files(Path::new(&dir), &mut files);
    }
    if files.is_empty() {
        eprintln!("no trust store and no CERT_INFO_VS_NODE_DIR: nothing to compare");
        return;
    }
    require_tool("node", "--version");
    // Each PEM certificate of a file, or else the whole file as DER (and then
    // Node's error, if any, must be ours too).
    let script = format!(
        "{NODE_LEGACY}\n\
         const {{ X509Certificate }} = require('crypto');\n\
         const out = [];\n\
         for (const file of process.argv.slice(1)) {{\n\
           const bytes = require('fs').readFileSync(file);\n\
           const text = bytes.toString('latin1');\n\
           const pems = text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);\n\
           if (!pems && text.includes('-----BEGIN')) continue; // other PEM, or broken PEM\n\
           for (const input of pems || [bytes]) {{\n\
             try {{\n\
               const cert = new X509Certificate(input);\n\
               out.push({{ file, der: cert.raw.toString('hex'), ...legacy(cert) }});\n\
             }} catch (e) {{\n\
               if (!pems) out.push({{ file, der: bytes.toString('hex'), error: e.code }});\n\
             }}\n\
           }}\n\
         }}\n\
         process.stdout.write(JSON.stringify(out));"
    );
    let out = run(Command::new("node").arg("-e").arg(script).args(&files));
    let expected: Vec<Value> = serde_json::from_str(&out).expect("node printed JSON");
    assert!(!expected.is_empty(), "no certificates found in {files:?}");
    let failures: Vec<String> = expected
        .iter()
        .enumerate()
        .filter_map(|(i, expected)| {
            let der = unhex(expected["der"].as_str().unwrap());
            compare(&format!("certificate #{i} of {}", expected["file"]), &der, expected)
        })
        .collect();
    assert!(failures.is_empty(), "{} mismatches with Node:\n\n{}", failures.len(), failures.join("\n\n"));
}

fn collect_certificate_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_certificate_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| ["pem", "crt", "cer", "der"].iter().any(|x| e.eq_ignore_ascii_case(x)))
        {
            out.push(path);
        }
    }
}

/// Our object and pubkey for `der` against what Node printed; a description
/// of the differences, if any.
fn compare(name: &str, der: &[u8], expected: &Value) -> Option<String> {
    if let Some(code) = expected.get("error") {
        // Node refuses the certificate; so must we.
        return match certificate_object(der) {
            Err(e) if e.code == code => None,
            other => Some(format!("{name}: node throws {code}, ours gives {other:?}")),
        };
    }
    let ours = match certificate_object(der) {
        Ok(ours) => ours,
        Err(e) => return Some(format!("{name}: {e}")),
    };
    let mut failures = Vec::new();
    let node = &expected["object"];
    // serde_json keeps insertion order, so the text also compares key order.
    if ours != *node || serde_json::to_string(&ours).unwrap() != serde_json::to_string(node).unwrap() {
        failures.push(format!(
            "{name}\n  ours: {}\n  node: {}",
            serde_json::to_string_pretty(&ours).unwrap(),
            serde_json::to_string_pretty(node).unwrap()
        ));
    }
    let our_pubkey = public_key_der(der).map(|k| hex(&k));
    if our_pubkey.as_deref() != expected["pubkey"].as_str() {
        failures.push(format!("{name}: pubkey\n  ours: {our_pubkey:?}\n  node: {}", expected["pubkey"]));
    }
    (!failures.is_empty()).then(|| failures.join("\n"))
}

/// Spelled out, so that losing serde_json's `preserve_order` (both sides of
/// the comparison above would then be sorted alike) does not go unnoticed.
#[test]
fn keys_come_in_nodes_order() {
    require_tool("openssl", "version");
    let w = Workdir::new();
    let key = w.ec_key("P-256");
    let config = Config {
        ext: "subjectAltName = DNS:order.example\n\
              authorityInfoAccess = OCSP;URI:http://ocsp.example/\n\
              extendedKeyUsage = serverAuth",
        ..Config::default()
    };
    let object = certificate_object(&w.req("order", &key, "/CN=order.example", &config, &[])).unwrap();
    let keys: Vec<&str> = object.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "subject",
            "issuer",
            "subjectaltname",
            "infoAccess",
            "ca",
            "bits",
            "asn1Curve",
            "nistCurve",
            "valid_from",
            "valid_to",
            "fingerprint",
            "fingerprint256",
            "fingerprint512",
            "ext_key_usage",
            "serialNumber",
        ]
    );
}

#[test]
fn garbage_is_rejected_with_nodes_error() {
    for input in [&b"junk"[..], &[], &[0x30, 0x03, 0x01, 0x02, 0x03], &[0x30, 0x80]] {
        let err = certificate_object(input).unwrap_err();
        assert_eq!(err.code, "ERR_OSSL_PEM_NO_START_LINE");
        assert_eq!(err.message, "error:0480006C:PEM routines::no start line");
        assert_eq!(public_key_der(input), None);
    }
    // Node throws the same for these inputs:
    require_tool("node", "--version");
    let script = "const { X509Certificate } = require('crypto');\n\
                  for (const hex of ['6a756e6b', '', '3003010203', '3080']) {\n\
                    try { new X509Certificate(Buffer.from(hex, 'hex')); console.log('parsed'); }\n\
                    catch (e) { console.log(e.code, e.message); }\n\
                  }";
    let out = run(Command::new("node").args(["-e", script]));
    assert_eq!(out.lines().count(), 4);
    for line in out.lines() {
        assert_eq!(line, "ERR_OSSL_PEM_NO_START_LINE error:0480006C:PEM routines::no start line");
    }
}

// ---------------------------------------------------------------------------
// Why cert_info does not read certificates with x509-parser
//
// The doc comment of `cert_info` (src/cert_info/mod.rs) gives the reason for
// its own DER reader: x509-parser, which the crate depends on anyway, reads
// some certificates differently from OpenSSL. Each test below shows one claim
// of it on concrete certificates: what Node does with the bytes, what
// x509-parser's `X509Certificate::from_der` does with the same bytes, and
// that `certificate_object` agrees with Node on them.

/// Node shows the time of each of these certificates, or `Bad time value`
/// for a date that does not exist; x509-parser refuses the whole certificate.
#[test]
fn x509_parser_refuses_validity_times_node_reads() {
    let w = Workdir::new();
    let utc = |text: &[u8]| der(0x17, text);
    let generalized = |text: &[u8]| der(0x18, text);
    // (case, certificate, the field of Node's object with that time, its value)
    let cases = [
        (
            "GeneralizedTime with an offset",
            w.crafted(
                "time-gt-offset",
                Crafted { not_after: generalized(b"20240301003000+0100"), ..Crafted::default() },
            ),
            "valid_to",
            "Feb 29 23:30:00 2024 GMT",
        ),
        (
            "UTCTime in a 13th month",
            w.crafted("time-month-13", Crafted { not_before: utc(b"261327084000Z"), ..Crafted::default() }),
            "valid_from",
            "Bad time value",
        ),
        (
            "UTCTime on February 30th",
            w.crafted("time-feb-30", Crafted { not_before: utc(b"260230120000Z"), ..Crafted::default() }),
            "valid_from",
            "Bad time value",
        ),
        (
            "UTCTime at hour 24",
            w.crafted("time-hour-24", Crafted { not_before: utc(b"260101240000Z"), ..Crafted::default() }),
            "valid_from",
            "Bad time value",
        ),
        (
            "GeneralizedTime without a time zone",
            w.crafted("time-gt-no-zone", Crafted { not_after: generalized(b"20260307010203"), ..Crafted::default() }),
            "valid_to",
            "Bad time value",
        ),
    ];
    let certificates: Vec<(&str, Vec<u8>)> = cases.iter().map(|(case, der, _, _)| (*case, der.clone())).collect();
    let node = node_reads_as_we_do(&w, &certificates);
    for ((case, der, field, shown), node) in cases.iter().zip(&node) {
        assert_eq!(node["object"][field], *shown, "{case}: Node's {field}");
        assert!(
            matches!(x509_parser_reads(der), Err(nom::Err::Error(X509Error::InvalidDate))),
            "{case}: x509-parser should refuse the certificate as InvalidDate"
        );
    }

    // Offsets in a UTCTime, by contrast, x509-parser reads, as the instant Node shows.
    let der = w.crafted("time-utc-offset", Crafted { not_before: utc(b"261231230000-0130"), ..Crafted::default() });
    let node = node_reads_as_we_do(&w, &[("UTCTime with an offset", der.clone())]);
    assert_eq!(node[0]["object"]["valid_from"], "Jan  1 00:30:00 2027 GMT");
    let not_before = x509_parser_reads(&der).expect("x509-parser reads a UTCTime offset").validity().not_before;
    assert_eq!(not_before.timestamp(), 1_798_763_400); // 2027-01-01T00:30:00Z
}

/// Node refuses each of these certificates for its subject; x509-parser
/// takes it, reading the malformed attribute as shown (`#` and hex where it
/// has no text for the value).
#[test]
fn x509_parser_takes_malformed_names_node_refuses() {
    let w = Workdir::new();
    let one_attribute =
        |attribute_type: Vec<u8>, value: Vec<u8>| der(0x30, &der(0x31, &der(0x30, &[attribute_type, value].concat())));
    // (case, subject, x509-parser's attributes of it)
    let cases = [
        ("UTF8String that is not UTF-8", name(&[&[("2.5.4.3", 0x0c, b"\xc3(")]]), "2.5.4.3=#c328"),
        ("GeneralString value", name(&[&[("2.5.4.3", 0x1b, b"general")]]), "2.5.4.3=#67656e6572616c"),
        (
            "BMPString with UTF-16 surrogates",
            name(&[&[("2.5.4.3", 0x1e, &[0xd8, 0x3d, 0xde, 0x00])]]),
            "2.5.4.3=#d83dde00",
        ),
        ("attribute type that is an INTEGER", one_attribute(der(0x02, &[1]), der(0x0c, b"x")), "0.1=x"),
        (
            "attribute type with a padded arc",
            one_attribute(der(0x06, &[0x55, 0x80, 0x04, 0x03]), der(0x0c, b"x")),
            "2.5.4.3=x",
        ),
        (
            "attribute type whose last arc is unterminated",
            one_attribute(der(0x06, &[0x55, 0x04, 0x83]), der(0x0c, b"x")),
            "2.5.4.3=x",
        ),
    ];
    let certificates: Vec<(&str, Vec<u8>)> = cases
        .iter()
        .enumerate()
        .map(|(i, (case, subject, _))| {
            let der = w.crafted(&format!("name-{i}"), Crafted { subject: subject.clone(), ..Crafted::default() });
            (*case, der)
        })
        .collect();
    let node = node_reads_as_we_do(&w, &certificates);
    for (((case, der), (_, _, attributes)), node) in certificates.iter().zip(&cases).zip(&node) {
        assert_eq!(node["error"], "ERR_OSSL_PEM_NO_START_LINE", "{case}: Node should refuse the certificate");
        let certificate = x509_parser_reads(der).unwrap_or_else(|e| panic!("{case}: x509-parser refused it: {e:?}"));
        assert_eq!(x509_parser_attributes(certificate.subject()), [*attributes], "{case}: x509-parser's subject");
    }
}

/// Node refuses each of these certificates for the AlgorithmIdentifier of
/// its public key; x509-parser takes it, reading the algorithm as shown.
#[test]
fn x509_parser_takes_malformed_algorithm_identifiers_node_refuses() {
    let w = Workdir::new();
    let p256_key = {
        let spki = w.p256_spki();
        let key = spki[spki.len() - 68..].to_vec();
        assert_eq!(key[..3], [0x03, 0x42, 0x00], "the subjectPublicKey BIT STRING ends the SubjectPublicKeyInfo");
        key
    };
    let ec_public_key = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]; // 1.2.840.10045.2.1
    let mut unterminated = ec_public_key;
    unterminated[6] |= 0x80;
    let p256 = oid("1.2.840.10045.3.1.7");
    // (case, AlgorithmIdentifier, x509-parser's algorithm)
    let cases = [
        (
            "an algorithm whose last arc is unterminated",
            der(0x30, &[der(0x06, &unterminated), p256.clone()].concat()),
            "1.2.840.10045.2.1",
        ),
        ("an empty algorithm", der(0x30, &[der(0x06, &[]), p256.clone()].concat()), ""),
        (
            "a third element after the parameters",
            der(0x30, &[der(0x06, &ec_public_key), p256.clone(), vec![0x05, 0x00]].concat()),
            "1.2.840.10045.2.1",
        ),
    ];
    let certificates: Vec<(&str, Vec<u8>)> = cases
        .iter()
        .enumerate()
        .map(|(i, (case, algorithm, _))| {
            let spki = der(0x30, &[algorithm.clone(), p256_key.clone()].concat());
            (*case, w.crafted(&format!("algorithm-{i}"), Crafted { spki: Some(spki), ..Crafted::default() }))
        })
        .collect();
    let node = node_reads_as_we_do(&w, &certificates);
    for (((case, der), (_, _, algorithm)), node) in certificates.iter().zip(&cases).zip(&node) {
        assert_eq!(node["error"], "ERR_OSSL_PEM_NO_START_LINE", "{case}: Node should refuse the certificate");
        let certificate = x509_parser_reads(der).unwrap_or_else(|e| panic!("{case}: x509-parser refused it: {e:?}"));
        assert_eq!(certificate.public_key().algorithm.algorithm.to_id_string(), *algorithm, "{case}: x509-parser");
    }
}

/// Node refuses each of these certificates, whose subject starts with
/// `CN=head` and goes on with something malformed; x509-parser takes it and
/// gives the subject as `CN=head` alone, without a sign of the rest.
#[test]
fn x509_parser_silently_drops_the_malformed_tail_of_a_name_node_refuses() {
    let w = Workdir::new();
    let head = der(0x30, &[oid("2.5.4.3"), der(0x0c, b"head")].concat());
    let first_rdn = der(0x31, &head);
    let cases = [
        ("a NULL after the first RDN", der(0x30, &[first_rdn.clone(), vec![0x05, 0x00]].concat())),
        ("an RDN cut off after the first", der(0x30, &[first_rdn.clone(), vec![0x31, 0x05, 0x30]].concat())),
        ("a NULL after the first attribute of an RDN", der(0x30, &der(0x31, &[head, vec![0x05, 0x00]].concat()))),
    ];
    let certificates: Vec<(&str, Vec<u8>)> = cases
        .iter()
        .enumerate()
        .map(|(i, (case, subject))| {
            (*case, w.crafted(&format!("name-tail-{i}"), Crafted { subject: subject.clone(), ..Crafted::default() }))
        })
        .collect();
    let node = node_reads_as_we_do(&w, &certificates);
    for ((case, der), node) in certificates.iter().zip(&node) {
        assert_eq!(node["error"], "ERR_OSSL_PEM_NO_START_LINE", "{case}: Node should refuse the certificate");
        let certificate = x509_parser_reads(der).unwrap_or_else(|e| panic!("{case}: x509-parser refused it: {e:?}"));
        assert_eq!(x509_parser_attributes(certificate.subject()), ["2.5.4.3=head"], "{case}: x509-parser's subject");
    }
}

/// Node's reading of each certificate (`legacy()`, or `{ error }`), once
/// `certificate_object` has been checked to read each the same.
fn node_reads_as_we_do(w: &Workdir, certificates: &[(&str, Vec<u8>)]) -> Vec<Value> {
    require_tool("openssl", "version");
    require_tool("node", "--version");
    let files: Vec<PathBuf> = certificates
        .iter()
        .map(|(case, der)| {
            let file = w.path(&format!("{}.node.der", case.replace(' ', "-")));
            fs::write(&file, der).unwrap();
            file
        })
        .collect();
    let node = node_legacy_objects(&files.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    let failures: Vec<String> =
        certificates.iter().zip(&node).filter_map(|((case, der), expected)| compare(case, der, expected)).collect();
    assert!(failures.is_empty(), "{} mismatches with Node:\n\n{}", failures.len(), failures.join("\n\n"));
    node
}

/// x509-parser's reading of a whole certificate.
fn x509_parser_reads(der: &[u8]) -> Result<X509Certificate<'_>, nom::Err<X509Error>> {
    let (rest, certificate) = X509Certificate::from_der(der)?;
    assert!(rest.is_empty(), "x509-parser left {} bytes", rest.len());
    Ok(certificate)
}

/// The attributes of a name as x509-parser reads them: `type=value`, the
/// value as its text or, where x509-parser has none, `#` and its bytes in hex.
fn x509_parser_attributes(name: &X509Name<'_>) -> Vec<String> {
    name.iter_attributes()
        .map(|attribute| {
            let value = attribute.as_str().map_or_else(|_| format!("#{}", hex(attribute.as_slice())), str::to_owned);
            format!("{}={value}", attribute.attr_type().to_id_string())
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Node

/// JavaScript: `legacy(x509)` is `{ object, pubkey }`, the object of
/// `toLegacyObject()` without its Buffer fields and `pubkey` as hex (or null).
const NODE_LEGACY: &str = "function legacy(x509) {\n\
                             const full = x509.toLegacyObject();\n\
                             const object = {};\n\
                             for (const [key, value] of Object.entries(full)) {\n\
                               if (!Buffer.isBuffer(value)) object[key] = value;\n\
                             }\n\
                             const pubkey = Buffer.isBuffer(full.pubkey) ? full.pubkey.toString('hex') : null;\n\
                             return { object, pubkey };\n\
                           }";

/// `legacy()` of each file, or `{ error }` with the code of the error Node
/// throws for it.
fn node_legacy_objects(files: &[&Path]) -> Vec<Value> {
    let script = format!(
        "{NODE_LEGACY}\n\
         const {{ X509Certificate }} = require('crypto');\n\
         const out = process.argv.slice(1).map((file) => {{\n\
           let cert;\n\
           try {{ cert = new X509Certificate(require('fs').readFileSync(file)); }}\n\
           catch (e) {{ return {{ error: e.code }}; }}\n\
           return legacy(cert);\n\
         }});\n\
         process.stdout.write(JSON.stringify(out));"
    );
    let out = run(Command::new("node").arg("-e").arg(script).args(files));
    let parsed: Vec<Value> = serde_json::from_str(&out).expect("node printed JSON");
    assert_eq!(parsed.len(), files.len());
    parsed
}

fn require_tool(tool: &str, version_arg: &str) {
    let found = Command::new(tool).arg(version_arg).output().is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{tool}` must be on PATH: this test compares against Node (v20) and makes certificates with the openssl CLI"
    );
}

fn run(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(output.status.success(), "{command:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

// ---------------------------------------------------------------------------
// openssl

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Sections of the `openssl req` configuration of one certificate.
struct Config<'a> {
    /// Before `[req]`, e.g. `oid_section`.
    top: &'a str,
    string_mask: &'a str,
    /// Lines of the extension section.
    ext: &'a str,
    /// Further sections the extensions refer to.
    sections: &'a str,
}

impl Default for Config<'_> {
    fn default() -> Self {
        Self { top: "", string_mask: "utf8only", ext: "", sections: "" }
    }
}

/// A temporary directory, removed at the end.
struct Workdir {
    dir: PathBuf,
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Workdir {
    fn new() -> Self {
        // Tests run in parallel threads: each gets a directory of its own.
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let count = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let dir = std::env::temp_dir().join(format!("rustls-node-cert-info-{}-{count}-{nanos}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn openssl(&self, args: &[&str]) -> String {
        run(Command::new("openssl").args(args).current_dir(&self.dir))
    }

    /// An EC key on the named curve, made once per curve.
    fn ec_key(&self, curve: &str) -> PathBuf {
        let paramgen = format!("ec_paramgen_curve:{curve}");
        self.key(curve, &["-algorithm", "EC", "-pkeyopt", &paramgen])
    }

    /// A private key made by `openssl genpkey`, made once per name.
    fn key(&self, name: &str, genpkey_args: &[&str]) -> PathBuf {
        let path = self.path(&format!("{name}.key"));
        if !path.exists() {
            let mut args = vec!["genpkey"];
            args.extend(genpkey_args);
            args.extend(["-out", s(&path)]);
            self.openssl(&args);
        }
        path
    }

    fn config(&self, name: &str, config: &Config<'_>) -> PathBuf {
        let text = format!(
            "{}\n[req]\ndistinguished_name = dn\nx509_extensions = ext\nreq_extensions = ext\n\
             string_mask = {}\nutf8 = yes\n[dn]\n[ext]\n{}\n{}\n",
            config.top, config.string_mask, config.ext, config.sections
        );
        let path = self.path(&format!("{name}.cnf"));
        fs::write(&path, text).unwrap();
        path
    }

    /// A self-signed certificate from `openssl req -x509`.
    fn req(&self, name: &str, key: &Path, subject: &str, config: &Config<'_>, extra: &[&str]) -> Vec<u8> {
        let config = self.config(name, config);
        let out = self.path(&format!("{name}.der"));
        let mut args = vec!["req", "-new", "-x509", "-config", s(&config), "-key", s(key), "-subj", subject];
        args.extend(["-days", "30", "-outform", "DER", "-out", s(&out)]);
        args.extend(extra);
        self.openssl(&args);
        fs::read(out).unwrap()
    }

    /// The test CA (made once): RSA, basicConstraints CA:TRUE with keyCertSign.
    fn ca(&self) -> Vec<u8> {
        let pem = self.path("ca.pem");
        if !pem.exists() {
            let key = self.key("ca", &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]);
            let config = self.config(
                "ca",
                &Config {
                    ext: "basicConstraints = critical, CA:TRUE, pathlen:0\n\
                      keyUsage = critical, keyCertSign, cRLSign\n\
                      subjectKeyIdentifier = hash",
                    ..Config::default()
                },
            );
            let subject = "/C=US/O=Test CA Org/OU=Certificate Authority/CN=Test Root CA";
            self.openssl(&[
                "req",
                "-new",
                "-x509",
                "-config",
                s(&config),
                "-key",
                s(&key),
                "-subj",
                subject,
                "-days",
                "3650",
                "-set_serial",
                "0x00ca",
                "-out",
                s(&pem),
            ]);
            self.openssl(&["x509", "-in", s(&pem), "-outform", "DER", "-out", s(&self.path("ca.der"))]);
        }
        fs::read(self.path("ca.der")).unwrap()
    }

    /// A certificate for `key` issued by the test CA.
    fn issue(&self, name: &str, key: &Path, subject: &str, ext: &str) -> Vec<u8> {
        let config = self.config(name, &Config { ext, ..Config::default() });
        let csr = self.path(&format!("{name}.csr"));
        self.openssl(&["req", "-new", "-config", s(&config), "-key", s(key), "-subj", subject, "-out", s(&csr)]);
        let out = self.path(&format!("{name}.der"));
        let (ca, ca_key) = (self.path("ca.pem"), self.path("ca.key"));
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            s(&csr),
            "-CA",
            s(&ca),
            "-CAkey",
            s(&ca_key),
            "-extfile",
            s(&config),
            "-extensions",
            "ext",
            "-days",
            "90",
            "-set_serial",
            "0x00ff00ee",
            "-outform",
            "DER",
            "-out",
            s(&out),
        ]);
        fs::read(out).unwrap()
    }

    /// A self-signed certificate whose EC key carries explicit parameters.
    fn explicit_curve(&self, curve: &str, point_form: &str) -> Vec<u8> {
        let named = self.ec_key(curve);
        let key = self.path(&format!("{curve}-explicit-{point_form}.key"));
        self.openssl(&["ec", "-in", s(&named), "-param_enc", "explicit", "-conv_form", point_form, "-out", s(&key)]);
        self.req(&format!("{curve}-explicit-{point_form}"), &key, "/CN=explicit", &Config::default(), &[])
    }

    /// The SubjectPublicKeyInfo of the P-256 test key.
    fn p256_spki(&self) -> Vec<u8> {
        let key = self.ec_key("P-256");
        let spki = self.path("p256.spki");
        if !spki.exists() {
            self.openssl(&["pkey", "-in", s(&key), "-pubout", "-outform", "DER", "-out", s(&spki)]);
        }
        fs::read(spki).unwrap()
    }

    /// A certificate assembled from `parts` (by default around the P-256 key).
    fn crafted(&self, name: &str, parts: Crafted) -> Vec<u8> {
        let signature_algorithm = der(0x30, &oid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256
        let mut tbs = vec![
            der(0xa0, &der(0x02, &[2])),
            der(0x02, &parts.serial),
            signature_algorithm.clone(),
            parts.issuer,
            der(0x30, &[parts.not_before, parts.not_after].concat()),
            parts.subject,
            parts.spki.unwrap_or_else(|| self.p256_spki()),
        ];
        if !parts.extensions.is_empty() {
            tbs.push(der(0xa3, &der(0x30, &parts.extensions.concat())));
        }
        let signature = der(0x03, &[0, 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]);
        let cert = der(0x30, &[der(0x30, &tbs.concat()), signature_algorithm, signature].concat());
        fs::write(self.path(&format!("{name}.der")), &cert).unwrap();
        cert
    }
}

// ---------------------------------------------------------------------------
// DER assembly for the crafted cases

struct Crafted {
    serial: Vec<u8>,
    issuer: Vec<u8>,
    not_before: Vec<u8>,
    not_after: Vec<u8>,
    subject: Vec<u8>,
    spki: Option<Vec<u8>>,
    extensions: Vec<Vec<u8>>,
}

impl Default for Crafted {
    fn default() -> Self {
        let cn = name(&[&[("2.5.4.3", 0x0c, b"crafted")]]);
        Self {
            serial: vec![0x01, 0x02],
            issuer: cn.clone(),
            not_before: der(0x17, b"260101000000Z"),
            not_after: der(0x17, b"270101000000Z"),
            subject: cn,
            spki: None,
            extensions: Vec::new(),
        }
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match content.len() {
        len @ 0..=0x7f => out.push(len as u8),
        len @ 0x80..=0xff => out.extend([0x81, len as u8]),
        len => out.extend([0x82, (len >> 8) as u8, len as u8]),
    }
    out.extend(content);
    out
}

fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut content = Vec::new();
    for arc in std::iter::once(arcs[0] * 40 + arcs[1]).chain(arcs[2..].iter().copied()) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        content.extend(groups.iter().rev());
    }
    der(0x06, &content)
}

/// A Name from RDNs of (attribute type, string tag, value bytes).
fn name(rdns: &[&[(&str, u8, &[u8])]]) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = rdns
        .iter()
        .map(|rdn| {
            let attributes: Vec<Vec<u8>> =
                rdn.iter().map(|(t, tag, value)| der(0x30, &[oid(t), der(*tag, value)].concat())).collect();
            der(0x31, &attributes.concat())
        })
        .collect();
    der(0x30, &rdns.concat())
}

fn extension(id: &str, value: &[u8]) -> Vec<u8> {
    der(0x30, &[oid(id), der(0x04, value)].concat())
}

fn other_name(type_id: &str, value: &[u8]) -> Vec<u8> {
    der(0xa0, &[oid(type_id), der(0xa0, value)].concat())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

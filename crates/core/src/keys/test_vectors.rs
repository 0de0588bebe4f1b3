//! Keys, certificates and DER builders shared by the unit tests of `keys`.

use super::pem;
use crate::Result;

// A P-256 key and a self-signed certificate for it, made with OpenSSL 3:
//   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256
//   openssl ec -aes128 / openssl pkcs8 -topk8 -v2 aes-256-cbc / -v1 PBE-SHA1-3DES
// All encrypted ones with the passphrase "hunter2".
pub(super) const PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIKGEX6/okPzY0Axv
BUaME8jJx+oYulfux+t7suDjVmmhRANCAARb3KcieoxlDUyUzbnSO0pZEoY8fpGH
sdazVmnibnJ9yL1A2fUqnh5yIW3+5E8DVI1tRDc9qdCrziYpapIwSEQF
-----END PRIVATE KEY-----
";
pub(super) const SEC1: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEICChhF+v6JD82NAMbwVGjBPIycfqGLpX7sfre7Lg41ZpoAoGCCqGSM49
AwEHoUQDQgAEW9ynInqMZQ1MlM250jtKWRKGPH6Rh7HWs1Zp4m5yfci9QNn1Kp4e
ciFt/uRPA1SNbUQ3PanQq84mKWqSMEhEBQ==
-----END EC PRIVATE KEY-----
";
pub(super) const SEC1_AES128: &str = "-----BEGIN EC PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-128-CBC,02412F23D2AF862333B4FBEA5473A598

Lt8IOTbEkws9PD4HU56YWdel8N8kk8+h588lFNyr6fqF4p8RoskwQtTXkkS6VXYK
Op6k9Wwwz5zYpo9H9z5htQ+7XVP+PjxDfSJ6kJ/AWY4p05APfxRbl/g2/gLlsEDa
0j+X8mErE7u0DDDkQgv8T45+gUV4huZGwKHlQn7oytY=
-----END EC PRIVATE KEY-----
";
pub(super) const PKCS8_PBES2_AES256: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgnqrW43VRCMAICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEOxXStRZxEQlJm5VocDOZvYEgZBg
anA1X+O8uXdWrY0yB0wNfZ72MbO4dV19umMT54fV94kuwspvoBjG0vtU2wuDi7TI
W93Vd68UOSM3Crhy1YDwUeKU4pAxMEgFNwfZtS/LuuAHOf1pNPiUldXG+kl0NUkw
f5NfoBVRG1ZHTdxdru/rKwzfPWO4UNq6kmYqnFFyjhOvxK9GSc1NWhhA7bJpMJg=
-----END ENCRYPTED PRIVATE KEY-----
";
pub(super) const PKCS8_PBE_SHA1_3DES: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIGxMBwGCiqGSIb3DQEMAQMwDgQIdoQIZcJPGN0CAggABIGQh7/Y7YTgqGEgiVLC
dhPTWUSL2ecF5BP/Wd2Y8blv15dFhkvavEERCeu/A5yX3Yl+4iVNJe0NBSVnAb+v
Z2BrtK340DcczV9W3CwbpS0mijHIBx/NymFyXJS6Y5OZFnZ7RH6I5wHE284+cxLF
JOr7iZDlgE9gv50mlk4y+rsZa07n/UnLOMc57lmdiq8CrKL0
-----END ENCRYPTED PRIVATE KEY-----
";
pub(super) const CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBejCCAR+gAwIBAgIUQ74tJUCbOhbGA0j5wqH+TrTKpB4wCgYIKoZIzj0EAwIw
EjEQMA4GA1UEAwwHZml4dHVyZTAeFw0yNjExMjcwODQ4MDVaFw0zNjExMjQwODQ4
MDVaMBIxEDAOBgNVBAMMB2ZpeHR1cmUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AARb3KcieoxlDUyUzbnSO0pZEoY8fpGHsdazVmnibnJ9yL1A2fUqnh5yIW3+5E8D
VI1tRDc9qdCrziYpapIwSEQFo1MwUTAdBgNVHQ4EFgQUsXILHCZZ4vbI5gdkI8ZD
ToU8QLQwHwYDVR0jBBgwFoAUsXILHCZZ4vbI5gdkI8ZDToU8QLQwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAhShApw6TDUECV8w7Cfe8lRkkF4Fg
Kz9AjH2k+rLFb3ECIQDP3hyN2n31AsNiiZvUXkyc7UnwNECKnPAEYfctcyHXng==
-----END CERTIFICATE-----
";
pub(super) const PASS: Option<&[u8]> = Some(b"hunter2");

pub(super) fn code<T: std::fmt::Debug>(result: Result<T>) -> &'static str {
    result.expect_err("expected an error").code
}

pub(super) fn pem_body(pem: &str) -> Vec<u8> {
    let pem::Block::Section(section) = pem::blocks(pem.as_bytes()).remove(0) else { panic!() };
    section.decode().unwrap()
}

pub(super) fn pkcs8_der() -> Vec<u8> {
    pem_body(PKCS8)
}

/// DER for the key-derivation tests below.
pub(super) mod der_build {
    pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match content.len() {
            n if n < 0x80 => out.push(n as u8),
            n if n < 0x100 => out.extend_from_slice(&[0x81, n as u8]),
            n => out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(content);
        out
    }
    pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }
    pub fn int(n: u64) -> Vec<u8> {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
        let mut content = bytes[skip..].to_vec();
        if content[0] & 0x80 != 0 {
            content.insert(0, 0);
        }
        tlv(0x02, &content)
    }
    /// An EncryptedPrivateKeyInfo: `algorithm` (OID contents) with
    /// `parameters`, and 32 bytes that never get decrypted.
    pub fn encrypted_key(algorithm: &[u8], parameters: &[u8]) -> Vec<u8> {
        seq(&[&seq(&[&tlv(0x06, algorithm), parameters]), &tlv(0x04, &[0; 32])])
    }
    pub const PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
    pub const PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
    pub const SCRYPT: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];
    pub const AES128_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02];
    pub const SHA1_3DES: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03];
    /// PBES2 parameters around the key derivation function `kdf`
    /// (OID contents) with `kdf_parameters`, and AES-128-CBC.
    pub fn pbes2(kdf: &[u8], kdf_parameters: &[u8]) -> Vec<u8> {
        seq(&[&seq(&[&tlv(0x06, kdf), kdf_parameters]), &seq(&[&tlv(0x06, AES128_CBC), &tlv(0x04, &[0; 16])])])
    }
}

//! The few ClientHello fields Node needs that rustls's `Acceptor` does not
//! expose, read straight from the first bytes a client sent.
//!
//! A strict, bounds-checked reader of:
//!
//! - the record layer (RFC 8446 §5.1, RFC 5246 §6.2.1): `ContentType`,
//!   `legacy_record_version`, a 16-bit length of at most 2^14; the ClientHello
//!   may be fragmented over several handshake records, which are joined;
//! - the handshake header (RFC 8446 §4): `msg_type` 1, a 24-bit length;
//! - the ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2), and of its
//!   extensions only `server_name` (RFC 6066 §3), `status_request`
//!   (RFC 6066 §8), `session_ticket` (RFC 5077 §3.2) and `pre_shared_key`
//!   (RFC 8446 §4.2.11).
//!
//! Errors carry the codes Node v20 (OpenSSL 3) gives the same bytes in a
//! `tlsClientError`, as measured: `ERR_SSL_WRONG_VERSION_NUMBER` when the
//! record version's major byte is not 3 (`ERR_SSL_HTTP_REQUEST` /
//! `ERR_SSL_HTTPS_PROXY_REQUEST` when the connection starts like plain HTTP
//! or a proxy `CONNECT`), `ERR_SSL_UNEXPECTED_MESSAGE` for a record of
//! another content type or a handshake message that is not a ClientHello,
//! `ERR_SSL_DATA_LENGTH_TOO_LONG` for a record over 2^14 bytes,
//! `ERR_SSL_EXCESSIVE_MESSAGE_SIZE` for a handshake length no ClientHello can
//! have. Everything malformed inside the ClientHello is
//! `ERR_SSL_PROTOCOL_ERROR` (OpenSSL has a dozen finer codes there).

use crate::{ssl_error, Result, TlsError};

/// What Node needs from a ClientHello.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelloInfo {
    /// `legacy_session_id`: the TLS 1.2 session id (the id of Node's
    /// `resumeSession` event). TLS 1.3 clients in middlebox compatibility
    /// mode send 32 random bytes here.
    pub legacy_session_id: Vec<u8>,
    /// Identities of the `pre_shared_key` extension (41): TLS 1.3 tickets.
    pub psk_identities: Vec<Vec<u8>>,
    /// The `session_ticket` extension (35): TLS 1.2. `Some(empty)` when the
    /// client supports tickets but has none to offer.
    pub session_ticket: Option<Vec<u8>>,
    /// `status_request` (5) asking for OCSP: the client wants a stapled
    /// response. Status types other than `ocsp` are ignored, as OpenSSL does.
    pub status_request: bool,
    /// SNI `host_name`, exactly as sent.
    pub server_name: Option<String>,
    /// The versions the client offers: `supported_versions` (RFC 8446
    /// §4.2.1) when it sends that, else `legacy_version`.
    pub offers: OfferedVersions,
}

/// Which of the versions rustls speaks a ClientHello offers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OfferedVersions {
    pub tls12: bool,
    pub tls13: bool,
}

impl OfferedVersions {
    pub fn any(self) -> bool {
        self.tls12 || self.tls13
    }
}

const CONTENT_HANDSHAKE: u8 = 22;
const HANDSHAKE_CLIENT_HELLO: u8 = 1;
const RECORD_HEADER_LEN: usize = 5;
const HANDSHAKE_HEADER_LEN: usize = 4;
/// RFC 8446 §5.1: a TLSPlaintext fragment is at most 2^14 bytes.
const MAX_FRAGMENT_LEN: usize = 1 << 14;
/// The longest body a ClientHello can have: version, random, session id
/// <0..32>, cipher suites <2..2^16-2>, compression <1..2^8-1>, extensions
/// <0..2^16-1>, each vector with its length prefix.
const MAX_CLIENT_HELLO_LEN: usize = 2 + 32 + (1 + 32) + (2 + 0xfffe) + (1 + 0xff) + (2 + 0xffff);

const EXT_SERVER_NAME: u16 = 0;
const EXT_STATUS_REQUEST: u16 = 5;
const EXT_SESSION_TICKET: u16 = 35;
const EXT_PRE_SHARED_KEY: u16 = 41;
const EXT_SUPPORTED_VERSIONS: u16 = 43;

/// How OpenSSL names a first record that is plain text (`ssl3_get_record`).
const PLAINTEXT_STARTS: [(&[u8], ssl_error::SslReason); 5] = [
    (b"GET ", ssl_error::HTTP_REQUEST),
    (b"POST ", ssl_error::HTTP_REQUEST),
    (b"HEAD ", ssl_error::HTTP_REQUEST),
    (b"PUT ", ssl_error::HTTP_REQUEST),
    (b"CONNE", ssl_error::HTTPS_PROXY_REQUEST),
];

/// Plain text where a ClientHello should be, named as OpenSSL names it: an
/// HTTP request, or a `CONNECT` (the port used as an HTTPS proxy).
fn plaintext_request(data: &[u8]) -> Option<ssl_error::SslReason> {
    PLAINTEXT_STARTS.iter().find(|(start, _)| data.starts_with(start)).map(|(_, reason)| *reason)
}

/// The fatal alert OpenSSL sends with each of this reader's errors (RFC
/// 8446 §6.2 names them), or none: to bytes that are not TLS at all
/// (plain text, HTTP) OpenSSL says nothing, it only closes.
pub fn alert_for(err: &TlsError) -> Option<u8> {
    const UNEXPECTED_MESSAGE: u8 = 10;
    const RECORD_OVERFLOW: u8 = 22;
    const ILLEGAL_PARAMETER: u8 = 47;
    const DECODE_ERROR: u8 = 50;
    const PROTOCOL_VERSION: u8 = 70;
    match err.code {
        c if c == ssl_error::WRONG_VERSION_NUMBER.code => None,
        c if c == ssl_error::HTTP_REQUEST.code || c == ssl_error::HTTPS_PROXY_REQUEST.code => None,
        c if c == ssl_error::UNEXPECTED_MESSAGE.code => Some(UNEXPECTED_MESSAGE),
        c if c == ssl_error::DATA_LENGTH_TOO_LONG.code => Some(RECORD_OVERFLOW),
        c if c == ssl_error::EXCESSIVE_MESSAGE_SIZE.code => Some(ILLEGAL_PARAMETER),
        c if c == ssl_error::BAD_LEGACY_VERSION.code => Some(PROTOCOL_VERSION),
        _ => Some(DECODE_ERROR),
    }
}

/// Reads the ClientHello at the start of `bytes` (everything the client has
/// sent so far). `Ok(None)` while more bytes are needed, `Err` as soon as the
/// bytes cannot be the start of a ClientHello. Bytes after the ClientHello
/// are ignored. Never panics.
pub fn parse_client_hello(bytes: &[u8]) -> Result<Option<HelloInfo>> {
    let mut message: Vec<u8> = Vec::new();
    let mut pos = 0;
    loop {
        if !message.is_empty() && message[0] != HANDSHAKE_CLIENT_HELLO {
            return Err(ssl_error::UNEXPECTED_MESSAGE.error());
        }
        if message.len() >= HANDSHAKE_HEADER_LEN {
            let len = u24(&message[1..HANDSHAKE_HEADER_LEN]);
            if len > MAX_CLIENT_HELLO_LEN {
                return Err(ssl_error::EXCESSIVE_MESSAGE_SIZE.error());
            }
            if let Some(body) = message.get(HANDSHAKE_HEADER_LEN..HANDSHAKE_HEADER_LEN + len) {
                return parse_body(body).map(Some);
            }
        }
        let rest = bytes.get(pos..).unwrap_or_default();
        let Some(len) = record_header(rest, pos == 0)? else {
            return Ok(None);
        };
        // Say no to a wrong handshake type before the whole record is here.
        if message.is_empty() {
            if let Some(&t) = rest.get(RECORD_HEADER_LEN) {
                if t != HANDSHAKE_CLIENT_HELLO {
                    return Err(ssl_error::UNEXPECTED_MESSAGE.error());
                }
            }
        }
        let Some(fragment) = rest.get(RECORD_HEADER_LEN..RECORD_HEADER_LEN + len) else {
            return Ok(None);
        };
        message.extend_from_slice(fragment);
        pos += RECORD_HEADER_LEN + len;
    }
}

/// Checks the (possibly partial) record header at the start of `rest`:
/// `Ok(Some(fragment length))`, `Ok(None)` when more bytes are needed to
/// tell.
fn record_header(rest: &[u8], first: bool) -> Result<Option<usize>> {
    let Some(&content_type) = rest.first() else {
        return Ok(None);
    };
    let Some(&major) = rest.get(1) else {
        // One byte: a handshake record, or the start of plain text, may
        // still turn out fine or be named more precisely; anything else
        // waits for its version byte too, which decides the error's name.
        return Ok(None);
    };
    if major != 3 {
        if first {
            if let Some(reason) = plaintext_request(rest) {
                return Err(reason.error());
            }
            if PLAINTEXT_STARTS.iter().any(|(start, _)| start.starts_with(&rest[..rest.len().min(start.len())])) {
                return Ok(None);
            }
        }
        return Err(ssl_error::WRONG_VERSION_NUMBER.error());
    }
    if content_type != CONTENT_HANDSHAKE {
        return Err(ssl_error::UNEXPECTED_MESSAGE.error());
    }
    let Some(len) = rest.get(3..RECORD_HEADER_LEN) else {
        return Ok(None);
    };
    let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
    if len > MAX_FRAGMENT_LEN {
        return Err(ssl_error::DATA_LENGTH_TOO_LONG.error());
    }
    if len == 0 {
        // RFC 8446 §5.1: no zero-length handshake fragments.
        return Err(bad("empty handshake record"));
    }
    Ok(Some(len))
}

fn parse_body(body: &[u8]) -> Result<HelloInfo> {
    let mut r = Reader(body);
    let (legacy_version, _random) = (r.take(2)?, r.take(32)?);
    let legacy_version = u16::from_be_bytes([legacy_version[0], legacy_version[1]]);
    let session_id = r.vec8()?;
    if session_id.len() > 32 {
        return Err(bad("session id longer than 32 bytes"));
    }
    let suites = r.vec16()?;
    if suites.is_empty() || suites.len() % 2 != 0 {
        return Err(bad("bad cipher suite list"));
    }
    if r.vec8()?.is_empty() {
        return Err(bad("no compression methods"));
    }
    let mut info = HelloInfo {
        legacy_session_id: session_id.to_vec(),
        offers: OfferedVersions { tls12: legacy_version >= 0x0303, tls13: false },
        ..HelloInfo::default()
    };
    if r.is_empty() {
        // RFC 5246 §7.4.1.2: a ClientHello without extensions ends here.
        return Ok(info);
    }
    let mut exts = Reader(r.vec16()?);
    r.end()?;
    let mut seen: Vec<u16> = Vec::new();
    while !exts.is_empty() {
        let ext_type = exts.u16()?;
        let data = exts.vec16()?;
        if seen.contains(&ext_type) {
            // RFC 8446 §4.2
            return Err(bad("duplicate extension"));
        }
        if seen.last() == Some(&EXT_PRE_SHARED_KEY) {
            // RFC 8446 §4.2.11
            return Err(bad("pre_shared_key is not the last extension"));
        }
        seen.push(ext_type);
        match ext_type {
            EXT_SERVER_NAME => info.server_name = server_name(data)?,
            EXT_STATUS_REQUEST => info.status_request = status_request(data)?,
            EXT_SESSION_TICKET => info.session_ticket = Some(data.to_vec()),
            EXT_PRE_SHARED_KEY => info.psk_identities = psk_identities(data)?,
            EXT_SUPPORTED_VERSIONS => info.offers = offered_versions(data)?,
            _ => {}
        }
    }
    // With supported_versions, legacy_version only says the client is no
    // SSL 3.0 (or older, or garbage) one: OpenSSL refuses anything at or
    // below 0x0300 there with protocol_version (`ssl_choose_server_version`),
    // as tlsfuzzer's test-tls13-legacy-version expects. Without the
    // extension such a hello offers nothing we speak and gets the same alert
    // as "unsupported protocol" (see `Pump::receive`).
    if seen.contains(&EXT_SUPPORTED_VERSIONS) && legacy_version <= 0x0300 {
        return Err(ssl_error::BAD_LEGACY_VERSION.error());
    }
    Ok(info)
}

/// RFC 8446 §4.2.1: `ProtocolVersion versions<2..254>`; TLS 1.2 is 0x0303,
/// TLS 1.3 0x0304.
fn offered_versions(data: &[u8]) -> Result<OfferedVersions> {
    let mut outer = Reader(data);
    let versions = outer.vec8()?;
    outer.end()?;
    if versions.is_empty() || versions.len() % 2 != 0 {
        return Err(bad("bad supported_versions"));
    }
    Ok(OfferedVersions {
        tls12: versions.chunks(2).any(|v| v == [3, 3]),
        tls13: versions.chunks(2).any(|v| v == [3, 4]),
    })
}

/// RFC 6066 §3: `ServerNameList server_name_list<1..2^16-1>` of
/// `(NameType name_type, HostName host_name<1..2^16-1>)`.
fn server_name(data: &[u8]) -> Result<Option<String>> {
    let mut outer = Reader(data);
    let mut list = Reader(outer.vec16()?);
    outer.end()?;
    if list.is_empty() {
        return Err(bad("empty server name list"));
    }
    let mut host = None;
    while !list.is_empty() {
        let name_type = list.u8()?;
        let name = list.vec16()?;
        if name.is_empty() {
            return Err(bad("empty server name"));
        }
        if name_type != 0 {
            continue; // other name types are not defined; skip them
        }
        if host.is_some() {
            return Err(bad("more than one host_name"));
        }
        // An ASCII DNS name: no NUL, no controls, no spaces, no UTF-8.
        if !name.iter().all(|b| b.is_ascii_graphic()) {
            return Err(bad("bad server name"));
        }
        host = Some(name.iter().map(|&b| char::from(b)).collect());
    }
    Ok(host)
}

/// RFC 6066 §8: `CertificateStatusType status_type`, then for `ocsp` (1)
/// `ResponderID responder_id_list<0..2^16-1>` (each `<1..2^16-1>`) and
/// `Extensions request_extensions` (`<0..2^16-1>`).
fn status_request(data: &[u8]) -> Result<bool> {
    let mut r = Reader(data);
    if r.u8()? != 1 {
        return Ok(false);
    }
    let mut ids = Reader(r.vec16()?);
    while !ids.is_empty() {
        if ids.vec16()?.is_empty() {
            return Err(bad("empty OCSP responder id"));
        }
    }
    r.vec16()?;
    r.end()?;
    Ok(true)
}

/// RFC 8446 §4.2.11: `PskIdentity identities<7..2^16-1>` of
/// `(opaque identity<1..2^16-1>, uint32 obfuscated_ticket_age)`, then
/// `PskBinderEntry binders<33..2^16-1>` of `opaque <32..255>`, as many
/// binders as identities.
fn psk_identities(data: &[u8]) -> Result<Vec<Vec<u8>>> {
    let mut r = Reader(data);
    let mut ids = Reader(r.vec16()?);
    let mut binders = Reader(r.vec16()?);
    r.end()?;
    let mut identities = Vec::new();
    while !ids.is_empty() {
        let identity = ids.vec16()?;
        ids.take(4)?;
        if identity.is_empty() {
            return Err(bad("empty PSK identity"));
        }
        identities.push(identity.to_vec());
    }
    let mut count = 0;
    while !binders.is_empty() {
        if binders.vec8()?.len() < 32 {
            return Err(bad("PSK binder too short"));
        }
        count += 1;
    }
    if identities.is_empty() || count != identities.len() {
        return Err(bad("PSK identities and binders do not match"));
    }
    Ok(identities)
}

fn bad(what: &str) -> TlsError {
    ssl_error::BAD_PACKET.error_with(&format!("malformed ClientHello: {what}"))
}

fn u24(b: &[u8]) -> usize {
    b.iter().fold(0, |acc, &x| (acc << 8) | usize::from(x))
}

/// A cursor that only ever hands out bytes it has.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.0.len() {
            return Err(bad("length past the end"));
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn vec8(&mut self) -> Result<&'a [u8]> {
        let n = self.u8()?;
        self.take(usize::from(n))
    }

    fn vec16(&mut self) -> Result<&'a [u8]> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }

    fn end(&self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(bad("trailing bytes"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_named_as_openssl_names_it() {
        assert_eq!(plaintext_request(b"GET / HTTP/1.1\r\n"), Some(ssl_error::HTTP_REQUEST));
        assert_eq!(plaintext_request(b"POST /x"), Some(ssl_error::HTTP_REQUEST));
        assert_eq!(plaintext_request(b"CONNECT example.com:443 HTTP/1.1"), Some(ssl_error::HTTPS_PROXY_REQUEST));
        assert_eq!(plaintext_request(b"\x16\x03\x01\x02\x00"), None);
        assert_eq!(plaintext_request(b"GE"), None);
        let http = parse_client_hello(b"GET / HTTP/1.1\r\n").unwrap_err();
        assert_eq!((http.code, alert_for(&http)), ("ERR_SSL_HTTP_REQUEST", None));
        let junk = parse_client_hello(b"blah\nblah\n").unwrap_err();
        assert_eq!((junk.code, alert_for(&junk)), ("ERR_SSL_WRONG_VERSION_NUMBER", None));
        let data = parse_client_hello(&[23, 3, 3, 0, 2, 1, 2]).unwrap_err();
        assert_eq!((data.code, alert_for(&data)), ("ERR_SSL_UNEXPECTED_MESSAGE", Some(10)));
    }
    use std::sync::Arc;

    use rustls::pki_types::ServerName;
    use rustls::{ClientConfig, ClientConnection, RootCertStore};

    fn provider() -> Arc<rustls::crypto::CryptoProvider> {
        Arc::new(rustls::crypto::aws_lc_rs::default_provider())
    }

    fn client_config(versions: &[&'static rustls::SupportedProtocolVersion]) -> Arc<ClientConfig> {
        Arc::new(
            ClientConfig::builder_with_provider(provider())
                .with_protocol_versions(versions)
                .unwrap()
                .with_root_certificates(RootCertStore::empty())
                .with_no_client_auth(),
        )
    }

    fn first_flight(config: Arc<ClientConfig>, name: &str) -> Vec<u8> {
        let mut c = ClientConnection::new(config, ServerName::try_from(name.to_string()).unwrap()).unwrap();
        let mut out = Vec::new();
        while c.wants_write() {
            c.write_tls(&mut out).unwrap();
        }
        out
    }

    fn ext(t: u16, data: &[u8]) -> Vec<u8> {
        let mut v = t.to_be_bytes().to_vec();
        v.extend_from_slice(&(data.len() as u16).to_be_bytes());
        v.extend_from_slice(data);
        v
    }

    fn vec16(data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(data);
        v
    }

    /// A ClientHello handshake message; `exts: None` leaves the extensions
    /// block out entirely.
    fn hello(session_id: &[u8], exts: Option<&[Vec<u8>]>) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[0x42; 32]);
        body.push(session_id.len() as u8);
        body.extend_from_slice(session_id);
        body.extend_from_slice(&vec16(&[0xc0, 0x2f, 0x00, 0x9c]));
        body.extend_from_slice(&[1, 0]);
        if let Some(exts) = exts {
            body.extend_from_slice(&vec16(&exts.concat()));
        }
        let mut msg = vec![1];
        msg.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        msg.extend_from_slice(&body);
        msg
    }

    /// `msg` in handshake records of at most `chunk` bytes.
    fn records(msg: &[u8], chunk: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for part in msg.chunks(chunk) {
            out.extend_from_slice(&[22, 3, 1]);
            out.extend_from_slice(&(part.len() as u16).to_be_bytes());
            out.extend_from_slice(part);
        }
        out
    }

    fn sni(name: &[u8]) -> Vec<u8> {
        let mut entry = vec![0];
        entry.extend_from_slice(&vec16(name));
        ext(EXT_SERVER_NAME, &vec16(&entry))
    }

    fn tls12_hello() -> Vec<u8> {
        let ticket = b"an opaque tls1.2 session ticket".to_vec();
        let exts = vec![
            sni(b"tls12.example"),
            ext(EXT_SESSION_TICKET, &ticket),
            ext(EXT_STATUS_REQUEST, &[1, 0, 0, 0, 0]),
            ext(0xff01, &[0]),
        ];
        records(&hello(&[7; 32], Some(&exts)), 1 << 14)
    }

    fn code(r: Result<Option<HelloInfo>>) -> &'static str {
        r.unwrap_err().code
    }

    #[test]
    fn rustls_tls13_client_hello() {
        let bytes = first_flight(client_config(rustls::DEFAULT_VERSIONS), "example.com");
        let info = parse_client_hello(&bytes).unwrap().unwrap();
        assert_eq!(info.server_name.as_deref(), Some("example.com"));
        assert!(info.status_request);
        assert_eq!(info.legacy_session_id.len(), 32, "middlebox compatibility session id");
        assert!(info.psk_identities.is_empty());
        assert_eq!(info.session_ticket, Some(vec![]), "TLS 1.2 tickets wanted, none held");
        for n in 0..bytes.len() {
            assert_eq!(parse_client_hello(&bytes[..n]), Ok(None), "prefix {n}");
        }
    }

    #[test]
    fn rustls_client_without_sni() {
        let bytes = first_flight(client_config(&[&rustls::version::TLS13]), "127.0.0.1");
        let info = parse_client_hello(&bytes).unwrap().unwrap();
        assert_eq!(info.server_name, None);
        assert_eq!(info.session_ticket, None);
    }

    /// Tickets issued through [`crate::ticketer::NodeTicketer`] come back as
    /// TLS 1.3 PSK identities / TLS 1.2 session tickets starting with the
    /// key name.
    #[test]
    fn rustls_resumption_hellos_carry_our_tickets() {
        use crate::ticketer::{NodeTicketer, TicketKeys};
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        use rustls::{ServerConfig, ServerConnection};

        let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let cert: CertificateDer<'static> = ck.cert.der().clone();
        let key_bytes = [0x5a; 48];
        let mut server = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der())),
            )
            .unwrap();
        server.ticketer = Arc::new(NodeTicketer::new(Arc::new(TicketKeys::new(&key_bytes).unwrap()), 300));
        let server = Arc::new(server);

        for version in [&rustls::version::TLS13, &rustls::version::TLS12] {
            let mut roots = RootCertStore::empty();
            roots.add(cert.clone()).unwrap();
            let client = Arc::new(
                ClientConfig::builder_with_provider(provider())
                    .with_protocol_versions(&[version])
                    .unwrap()
                    .with_root_certificates(roots)
                    .with_no_client_auth(),
            );
            let name = ServerName::try_from("localhost").unwrap();
            let mut c = ClientConnection::new(client.clone(), name.clone()).unwrap();
            let mut s = ServerConnection::new(server.clone()).unwrap();
            crate::test_support::exchange(&mut c, &mut s, 10);
            assert!(!c.is_handshaking());

            let bytes = first_flight(client.clone(), "localhost");
            let info = parse_client_hello(&bytes).unwrap().unwrap();
            assert_eq!(info.server_name.as_deref(), Some("localhost"));
            if version.version == rustls::ProtocolVersion::TLSv1_3 {
                assert_eq!(info.psk_identities.len(), 1, "{info:?}");
                assert_eq!(&info.psk_identities[0][..16], &key_bytes[..16]);
            } else {
                assert!(info.psk_identities.is_empty());
                let ticket = info.session_ticket.unwrap();
                assert_eq!(&ticket[..16], &key_bytes[..16]);
                assert!(!info.legacy_session_id.is_empty());
            }
        }
    }

    #[test]
    fn offered_versions() {
        let with_versions = |versions: &[u8]| {
            let mut data = vec![versions.len() as u8];
            data.extend_from_slice(versions);
            parse_client_hello(&records(&hello(&[], Some(&[ext(EXT_SUPPORTED_VERSIONS, &data)])), 1 << 14))
                .unwrap()
                .unwrap()
                .offers
        };
        assert_eq!(with_versions(&[3, 4, 3, 3]), OfferedVersions { tls12: true, tls13: true });
        assert_eq!(with_versions(&[3, 3]), OfferedVersions { tls12: true, tls13: false });
        assert_eq!(with_versions(&[3, 4]), OfferedVersions { tls12: false, tls13: true });
        assert!(!with_versions(&[3, 2, 3, 1]).any());
        let mut old = hello(&[], None);
        old[5] = 2; // legacy_version TLS 1.1, no supported_versions
        assert!(!parse_client_hello(&records(&old, 1 << 14)).unwrap().unwrap().offers.any());
    }

    /// tlsfuzzer's test-tls13-legacy-version: with supported_versions
    /// offering TLS 1.3, a legacy_version of SSL 3.0 or below (or not 3.x at
    /// all) is refused with protocol_version, as OpenSSL does (Node's code
    /// ERR_SSL_BAD_LEGACY_VERSION); a TLS 1.0-1.2 one is fine.
    #[test]
    fn bad_legacy_version_with_supported_versions() {
        let versions = ext(EXT_SUPPORTED_VERSIONS, &[4, 3, 4, 3, 3]);
        for (major, minor) in [(0, 2), (2, 0), (3, 0), (1, 0), (1, 3), (1, 2), (0, 1), (0, 0)] {
            let mut msg = hello(&[], Some(std::slice::from_ref(&versions)));
            msg[4..6].copy_from_slice(&[major, minor]);
            let err = parse_client_hello(&records(&msg, 1 << 14)).unwrap_err();
            assert_eq!(err.code, "ERR_SSL_BAD_LEGACY_VERSION", "{major}.{minor}");
            assert_eq!(alert_for(&err), Some(70), "{major}.{minor}");
        }
        for (major, minor) in [(3, 1), (3, 3), (3, 4), (4, 0)] {
            let mut msg = hello(&[], Some(std::slice::from_ref(&versions)));
            msg[4..6].copy_from_slice(&[major, minor]);
            let info = parse_client_hello(&records(&msg, 1 << 14)).unwrap().unwrap();
            assert!(info.offers.tls13, "{major}.{minor}");
        }
        // Without supported_versions a hello that is not 3.x parses, offers
        // nothing we speak, and is refused as unsupported (Pump::receive).
        let mut msg = hello(&[], None);
        msg[4..6].copy_from_slice(&[2, 0]);
        assert!(!parse_client_hello(&records(&msg, 1 << 14)).unwrap().unwrap().offers.any());
    }

    #[test]
    fn hand_built_tls12_hello() {
        let info = parse_client_hello(&tls12_hello()).unwrap().unwrap();
        assert_eq!(
            info,
            HelloInfo {
                legacy_session_id: vec![7; 32],
                psk_identities: vec![],
                session_ticket: Some(b"an opaque tls1.2 session ticket".to_vec()),
                status_request: true,
                server_name: Some("tls12.example".into()),
                offers: OfferedVersions { tls12: true, tls13: false },
            }
        );
    }

    #[test]
    fn hello_without_extensions() {
        let info = parse_client_hello(&records(&hello(&[1, 2, 3], None), 1 << 14)).unwrap().unwrap();
        assert_eq!(info.legacy_session_id, vec![1, 2, 3]);
        assert_eq!(
            info,
            HelloInfo {
                legacy_session_id: vec![1, 2, 3],
                offers: OfferedVersions { tls12: true, tls13: false },
                ..Default::default()
            }
        );
    }

    #[test]
    fn hello_split_across_records() {
        let msg = hello(&[9; 16], Some(&[sni(b"split.example"), ext(EXT_SESSION_TICKET, &[1; 200])]));
        let whole = parse_client_hello(&records(&msg, 1 << 14)).unwrap().unwrap();
        for chunk in [1, 2, 3, 4, 5, 50, msg.len() - 1] {
            let bytes = records(&msg, chunk);
            assert_eq!(parse_client_hello(&bytes).unwrap().as_ref(), Some(&whole), "chunk {chunk}");
            for n in 0..bytes.len() {
                assert_eq!(parse_client_hello(&bytes[..n]), Ok(None), "chunk {chunk} prefix {n}");
            }
        }
        // two records exactly
        let (a, b) = msg.split_at(msg.len() / 2);
        let mut two = records(a, 1 << 14);
        two.extend_from_slice(&records(b, 1 << 14));
        assert_eq!(parse_client_hello(&two).unwrap(), Some(whole.clone()));
        // whatever follows the hello is not looked at
        two.extend_from_slice(&[0x17, 3, 3, 0, 1, 0]);
        assert_eq!(parse_client_hello(&two).unwrap(), Some(whole));
    }

    #[test]
    fn every_truncation_of_a_valid_hello_waits() {
        for bytes in [tls12_hello(), first_flight(client_config(rustls::DEFAULT_VERSIONS), "a.example")] {
            for n in 0..bytes.len() {
                assert_eq!(parse_client_hello(&bytes[..n]), Ok(None), "prefix {n}");
            }
            assert!(parse_client_hello(&bytes).unwrap().is_some());
        }
    }

    #[test]
    fn psk_identities_are_read() {
        let mut ids = Vec::new();
        for id in [&b"first"[..], b"second"] {
            ids.extend_from_slice(&vec16(id));
            ids.extend_from_slice(&[0, 0, 0, 1]);
        }
        let mut binders = Vec::new();
        for _ in 0..2 {
            binders.push(32);
            binders.extend_from_slice(&[0xbb; 32]);
        }
        let psk = [vec16(&ids), vec16(&binders)].concat();
        let msg = hello(&[], Some(&[sni(b"psk.example"), ext(EXT_PRE_SHARED_KEY, &psk)]));
        let info = parse_client_hello(&records(&msg, 100)).unwrap().unwrap();
        assert_eq!(info.psk_identities, vec![b"first".to_vec(), b"second".to_vec()]);

        // pre_shared_key must be last
        let msg = hello(&[], Some(&[ext(EXT_PRE_SHARED_KEY, &psk), sni(b"psk.example")]));
        assert_eq!(code(parse_client_hello(&records(&msg, 1 << 14))), "ERR_SSL_BAD_PACKET");
        // one binder for two identities
        let short = [vec16(&ids), vec16(&binders[..33])].concat();
        let msg = hello(&[], Some(&[ext(EXT_PRE_SHARED_KEY, &short)]));
        assert_eq!(code(parse_client_hello(&records(&msg, 1 << 14))), "ERR_SSL_BAD_PACKET");
    }

    #[test]
    fn status_request_types() {
        let parse = |data: &[u8]| {
            let msg = hello(&[], Some(&[ext(EXT_STATUS_REQUEST, data)]));
            parse_client_hello(&records(&msg, 1 << 14))
        };
        assert!(parse(&[1, 0, 0, 0, 0]).unwrap().unwrap().status_request);
        assert!(parse(&[1, 0, 3, 0, 1, 9, 0, 0]).unwrap().unwrap().status_request);
        assert!(!parse(&[2, 0, 0, 0, 0]).unwrap().unwrap().status_request, "not ocsp");
        for bad in [&[][..], &[1], &[1, 0, 0, 0], &[1, 0, 0, 0, 0, 0], &[1, 0, 2, 0, 0, 0, 0]] {
            assert_eq!(code(parse(bad)), "ERR_SSL_BAD_PACKET", "{bad:?}");
        }
    }

    #[test]
    fn malformed_hellos() {
        let p = |msg: Vec<u8>| code(parse_client_hello(&records(&msg, 1 << 14)));
        let protocol = "ERR_SSL_BAD_PACKET";
        assert_eq!(p(hello(&[0; 33], None)), protocol, "long session id");
        assert_eq!(p(hello(&[], Some(&[sni(b"a"), sni(b"b")]))), protocol, "duplicate extension");
        assert_eq!(p(hello(&[], Some(&[sni(b"")]))), protocol, "empty name");
        assert_eq!(p(hello(&[], Some(&[sni(b"a\0b")]))), protocol, "NUL in name");
        assert_eq!(p(hello(&[], Some(&[sni("é.example".as_bytes())]))), protocol);
        assert_eq!(p(hello(&[], Some(&[ext(EXT_SERVER_NAME, &[0, 0])]))), protocol);
        assert_eq!(p(hello(&[], Some(&[ext(EXT_SERVER_NAME, &[])]))), protocol);
        // an extension running past its block
        let mut m = hello(&[], Some(&[sni(b"x.example")]));
        let last = m.len() - 1;
        m.truncate(last);
        m[3] -= 1; // keep the handshake length consistent
        assert_eq!(p(m), protocol);
        // bytes after the extensions block
        let mut m = hello(&[], Some(&[]));
        m.push(0);
        m[3] += 1;
        assert_eq!(p(m), protocol);
        // odd cipher suite list
        let mut m = hello(&[], None);
        m[4 + 2 + 32 + 1 + 1] = 3;
        assert_eq!(p(m), protocol);
        // a handshake length shorter than the hello
        let mut m = hello(&[], None);
        m[3] -= 1;
        assert_eq!(p(m), protocol);
    }

    #[test]
    fn record_layer_errors_use_nodes_codes() {
        let p = |b: &[u8]| parse_client_hello(b);
        assert_eq!(p(b""), Ok(None));
        assert_eq!(p(&[22]), Ok(None));
        assert_eq!(p(&[22, 3]), Ok(None));
        assert_eq!(code(p(&[22, 2])), "ERR_SSL_WRONG_VERSION_NUMBER");
        assert_eq!(code(p(&[0x80, 0x2e, 1, 3, 1])), "ERR_SSL_WRONG_VERSION_NUMBER", "SSLv2 hello");
        assert_eq!(code(p(b"hello world\r\n")), "ERR_SSL_WRONG_VERSION_NUMBER");
        assert_eq!(code(p(b"GET / HTTP/1.1\r\n")), "ERR_SSL_HTTP_REQUEST");
        assert_eq!(code(p(b"POST / HTTP/1.1\r\n")), "ERR_SSL_HTTP_REQUEST");
        assert_eq!(code(p(b"CONNECT a:443 HTTP/1.1\r\n")), "ERR_SSL_HTTPS_PROXY_REQUEST");
        assert_eq!(p(b"GE"), Ok(None));
        assert_eq!(p(b"CONN"), Ok(None));
        assert_eq!(code(p(b"GEX")), "ERR_SSL_WRONG_VERSION_NUMBER");
        assert_eq!(code(p(&[0x17, 3])), "ERR_SSL_UNEXPECTED_MESSAGE");
        assert_eq!(code(p(&[0x15, 3, 3, 0, 2, 2, 40])), "ERR_SSL_UNEXPECTED_MESSAGE");
        assert_eq!(code(p(&[0x00, 3, 3, 0, 1, 1])), "ERR_SSL_UNEXPECTED_MESSAGE");
        assert_eq!(code(p(&[22, 3, 1, 0, 4, 2])), "ERR_SSL_UNEXPECTED_MESSAGE", "not a ClientHello");
        assert_eq!(code(p(&[22, 3, 1, 0x40, 0x01])), "ERR_SSL_DATA_LENGTH_TOO_LONG");
        assert_eq!(code(p(&[22, 3, 1, 0, 4, 1, 0xff, 0xff, 0xff])), "ERR_SSL_EXCESSIVE_MESSAGE_SIZE");
        assert_eq!(code(p(&[22, 3, 1, 0, 0])), "ERR_SSL_BAD_PACKET", "empty record");
        // a second record of another type or version
        let msg = hello(&[], None);
        let mut b = records(&msg[..10], 1 << 14);
        b.extend_from_slice(&[0x17, 3, 3, 0, 1, 0]);
        assert_eq!(code(p(&b)), "ERR_SSL_UNEXPECTED_MESSAGE");
        let mut b = records(&msg[..10], 1 << 14);
        b.extend_from_slice(&[22, 4]);
        assert_eq!(code(p(&b)), "ERR_SSL_WRONG_VERSION_NUMBER");
        // plain text is only recognised at the very start
        let mut b = records(&msg[..10], 1 << 14);
        b.extend_from_slice(b"GET / HTTP/1.1");
        assert_eq!(code(p(&b)), "ERR_SSL_WRONG_VERSION_NUMBER");
    }

    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let seeds = [tls12_hello(), first_flight(client_config(rustls::DEFAULT_VERSIONS), "fuzz.example")];
        let mut results = [0usize; 3];
        for i in 0..6000 {
            let input: Vec<u8> = match i % 3 {
                // pure noise
                0 => (0..rng.below(300)).map(|_| rng.next() as u8).collect(),
                // noise in valid record and handshake headers, to reach the body parser
                1 => {
                    let body: Vec<u8> = (0..rng.below(400)).map(|_| rng.next() as u8).collect();
                    let mut msg = vec![1];
                    msg.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
                    msg.extend_from_slice(&body);
                    records(&msg, 1 + rng.below(500))
                }
                // real hellos with a few bytes changed and maybe cut short
                _ => {
                    let mut b = seeds[rng.below(seeds.len())].clone();
                    for _ in 0..1 + rng.below(4) {
                        let at = rng.below(b.len());
                        b[at] = rng.next() as u8;
                    }
                    if rng.below(2) == 0 {
                        b.truncate(rng.below(b.len() + 1));
                    }
                    b
                }
            };
            match parse_client_hello(&input) {
                Ok(None) => results[0] += 1,
                Ok(Some(_)) => results[1] += 1,
                Err(e) => {
                    assert!(e.code.starts_with("ERR_SSL_"), "{e:?}");
                    results[2] += 1
                }
            }
        }
        // all three outcomes were exercised
        assert!(results.iter().all(|&n| n > 0), "{results:?}");
    }
}

// The module-level API of the implementation: constants, classes,
// checkServerIdentity, createSecureContext errors and argument validation.
// Expectations are what node:tls does (TLS_IMPL=node runs this file against
// node:tls).

import test from 'ava'
import { X509Certificate } from 'node:crypto'
import net from 'node:net'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import { tcpServer } from './helpers/peers.mjs'

const f = await fixtures()

// ---------------------------------------------------------------------------
// Constants and lists

test('getCiphers(): unique lower-case names including TLS 1.3 and ECDHE suites', (t) => {
  const ciphers = tls.getCiphers()
  t.true(Array.isArray(ciphers))
  t.true(ciphers.length > 0)
  for (const c of ciphers) {
    t.is(typeof c, 'string')
    t.is(c, c.toLowerCase())
  }
  t.is(new Set(ciphers).size, ciphers.length)
  for (const name of [
    'tls_aes_128_gcm_sha256',
    'tls_aes_256_gcm_sha384',
    'tls_chacha20_poly1305_sha256',
    'ecdhe-ecdsa-aes128-gcm-sha256',
    'ecdhe-ecdsa-aes256-gcm-sha384',
    'ecdhe-ecdsa-chacha20-poly1305',
    'ecdhe-rsa-aes128-gcm-sha256',
    'ecdhe-rsa-aes256-gcm-sha384',
    'ecdhe-rsa-chacha20-poly1305',
  ]) {
    t.true(ciphers.includes(name), name)
  }
})

test('rootCertificates: a frozen array of PEM strings, as many as node:tls has', (t) => {
  const roots = tls.rootCertificates
  t.true(Array.isArray(roots))
  t.true(Object.isFrozen(roots))
  t.is(roots.length, nodeTls.rootCertificates.length)
  for (const pem of roots) {
    t.is(typeof pem, 'string')
    t.true(pem.startsWith('-----BEGIN CERTIFICATE-----\n'))
    t.true(pem.endsWith('\n-----END CERTIFICATE-----'))
  }
  // Every entry is a parseable CA certificate.
  const parsed = roots.map((pem) => new X509Certificate(pem))
  t.true(parsed.every((x) => x.ca))
  // Read-only: assignment does not change it.
  t.throws(
    () => {
      roots.push('x')
    },
    { instanceOf: TypeError },
  )
  t.is(tls.rootCertificates.length, nodeTls.rootCertificates.length)
})

test('DEFAULT_* constants', (t) => {
  t.is(tls.DEFAULT_MIN_VERSION, 'TLSv1.2')
  t.is(tls.DEFAULT_MAX_VERSION, 'TLSv1.3')
  t.is(typeof tls.DEFAULT_ECDH_CURVE, 'string')
  t.not(tls.DEFAULT_ECDH_CURVE, '')
  t.is(typeof tls.DEFAULT_CIPHERS, 'string')
})

// ---------------------------------------------------------------------------
// Classes

test('new tls.TLSSocket(socket) is a net.Socket', (t) => {
  const raw = new net.Socket()
  const socket = new tls.TLSSocket(raw)
  t.teardown(() => {
    socket.destroy()
    raw.destroy()
  })
  t.true(socket instanceof tls.TLSSocket)
  t.true(socket instanceof net.Socket)
  t.true(socket.encrypted)
  t.is(typeof socket.getPeerCertificate, 'function')
  t.is(typeof socket.getProtocol, 'function')
})

test('tls.Server is a net.Server; createServer() returns one', (t) => {
  t.true(tls.Server.prototype instanceof net.Server)
  const server = tls.createServer({ key: f.rsa.key, cert: f.rsa.chain })
  t.true(server instanceof tls.Server)
  t.true(server instanceof net.Server)
  t.false(server.listening)
  const viaNew = new tls.Server({ key: f.rsa.key, cert: f.rsa.chain })
  t.true(viaNew instanceof tls.Server)
})

test('tls.connect() returns a TLSSocket synchronously', async (t) => {
  // A plain TCP server that accepts and says nothing: only the returned
  // object is inspected.
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
  })
  const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: f.ca.cert })
  socket.on('error', () => {})
  t.teardown(() => socket.destroy())
  t.true(socket instanceof tls.TLSSocket)
  t.true(socket instanceof net.Socket)
  t.false(socket.authorized)
})

// ---------------------------------------------------------------------------
// checkServerIdentity

const matches = [
  ['exact DNS SAN', 'localhost', { subject: { CN: 'x' }, subjectaltname: 'DNS:localhost' }],
  ['wildcard covers one label', 'www.example.com', { subject: { CN: 'x' }, subjectaltname: 'DNS:*.example.com' }],
  ['case-insensitive', 'WWW.Example.COM', { subject: { CN: 'x' }, subjectaltname: 'DNS:*.example.com' }],
  ['trailing dot on host', 'www.example.com.', { subject: { CN: 'x' }, subjectaltname: 'DNS:www.example.com' }],
  ['one of several SANs', 'b.example', { subject: { CN: 'x' }, subjectaltname: 'DNS:a.example, DNS:b.example' }],
  ['IPv4 SAN', '127.0.0.1', { subject: { CN: 'x' }, subjectaltname: 'IP Address:127.0.0.1' }],
  ['IPv6 SAN', '::1', { subject: { CN: 'x' }, subjectaltname: 'IP Address:0:0:0:0:0:0:0:1' }],
  ['CN fallback without SANs', 'localhost', { subject: { CN: 'localhost' } }],
  [
    'CN fallback when SANs have no DNS entry',
    'localhost',
    { subject: { CN: 'localhost' }, subjectaltname: 'IP Address:127.0.0.1' },
  ],
  ['wildcard CN fallback', 'foo.example.com', { subject: { CN: '*.example.com' } }],
]

for (const [what, host, cert] of matches) {
  test(`checkServerIdentity matches: ${what}`, (t) => {
    t.is(tls.checkServerIdentity(host, cert), undefined)
  })
}

const mismatches = [
  [
    'wildcard does not cover the bare domain',
    'example.com',
    { subject: { CN: 'x' }, subjectaltname: 'DNS:*.example.com' },
    "Host: example.com. is not in the cert's altnames: DNS:*.example.com",
  ],
  [
    'wildcard does not cover two labels',
    'a.b.example.com',
    { subject: { CN: 'x' }, subjectaltname: 'DNS:*.example.com' },
    "Host: a.b.example.com. is not in the cert's altnames: DNS:*.example.com",
  ],
  [
    'bare * matches nothing',
    'www.example.com',
    { subject: { CN: 'x' }, subjectaltname: 'DNS:*' },
    "Host: www.example.com. is not in the cert's altnames: DNS:*",
  ],
  [
    'CN ignored when DNS SANs exist',
    'localhost',
    { subject: { CN: 'localhost' }, subjectaltname: 'DNS:other.example' },
    "Host: localhost. is not in the cert's altnames: DNS:other.example",
  ],
  [
    'IP not among the IP SANs',
    '10.0.0.1',
    { subject: { CN: '10.0.0.1' }, subjectaltname: 'IP Address:127.0.0.1' },
    "IP: 10.0.0.1 is not in the cert's list: 127.0.0.1",
  ],
  [
    'IP host never matches DNS SANs or CN',
    '127.0.0.1',
    { subject: { CN: '127.0.0.1' }, subjectaltname: 'DNS:localhost' },
    "IP: 127.0.0.1 is not in the cert's list: ",
  ],
  ['CN mismatch without SANs', 'other', { subject: { CN: 'localhost' } }, "Host: other. is not cert's CN: localhost"],
  ['no name at all', 'localhost', { subject: {} }, 'Cert does not contain a DNS name'],
]

for (const [what, host, cert, reason] of mismatches) {
  test(`checkServerIdentity mismatch: ${what}`, (t) => {
    const err = tls.checkServerIdentity(host, cert)
    t.true(err instanceof Error)
    t.is(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID')
    t.is(err.reason, reason)
    t.is(err.host, host)
    t.is(err.cert, cert)
    t.is(err.message, `Hostname/IP does not match certificate's altnames: ${reason}`)
  })
}

test('checkServerIdentity works on a real peer certificate object', (t) => {
  const cert = { subject: { CN: 'localhost' }, subjectaltname: f.rsa.x509.subjectAltName }
  t.is(tls.checkServerIdentity('localhost', cert), undefined)
  t.is(tls.checkServerIdentity('127.0.0.1', cert), undefined)
  t.is(tls.checkServerIdentity('::1', cert), undefined)
  t.is(tls.checkServerIdentity('other.example', cert)?.code, 'ERR_TLS_CERT_ALTNAME_INVALID')
})

// ---------------------------------------------------------------------------
// createSecureContext: bad material throws synchronously with a code

function thrown(t, fn) {
  const err = t.throws(fn)
  t.truthy(err, 'threw synchronously')
  return err ?? {}
}

test('createSecureContext: garbage (non-PEM) certificate -> ERR_OSSL_PEM_NO_START_LINE', (t) => {
  const err = thrown(t, () => tls.createSecureContext({ key: f.rsa.key, cert: 'garbage' }))
  t.is(err.code, 'ERR_OSSL_PEM_NO_START_LINE')
})

test('createSecureContext: garbage key / corrupt PEM bodies throw with an ERR_OSSL_* code', (t) => {
  // node:tls says ERR_OSSL_UNSUPPORTED for an undecodable key and
  // ERR_OSSL_ASN1_WRONG_TAG for a certificate whose base64 body is not a
  // certificate; these are OpenSSL decoder details, so only the family is
  // pinned.
  const cases = [
    { key: 'garbage', cert: f.rsa.cert },
    { key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', cert: f.rsa.cert },
    { key: f.rsa.key, cert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' },
  ]
  for (const options of cases) {
    const err = thrown(t, () => tls.createSecureContext(options))
    t.true(err instanceof Error)
    t.regex(String(err.code), /^ERR_OSSL_/)
  }
})

test('createSecureContext: encrypted key with wrong or missing passphrase -> ERR_OSSL_BAD_DECRYPT', (t) => {
  for (const passphrase of ['wrong', undefined]) {
    const err = thrown(t, () => tls.createSecureContext({ key: f.encrypted.key, passphrase, cert: f.rsa.cert }))
    t.is(err.code, 'ERR_OSSL_BAD_DECRYPT', String(passphrase))
  }
  t.notThrows(() => tls.createSecureContext({ key: f.encrypted.key, passphrase: 'secret', cert: f.rsa.cert }))
})

test('createSecureContext: key/cert given as Buffers and arrays are accepted', (t) => {
  t.notThrows(() => tls.createSecureContext({ key: Buffer.from(f.rsa.key), cert: Buffer.from(f.rsa.chain) }))
  t.notThrows(() =>
    tls.createSecureContext({ key: [f.ecdsa.key], cert: [f.ecdsa.chain], ca: [f.ca.cert, f.clientCa.cert] }),
  )
  t.notThrows(() =>
    tls.createSecureContext({ key: [{ pem: f.encrypted.key, passphrase: 'secret' }], cert: f.rsa.chain }),
  )
})

test('createSecureContext: unknown cipher list -> ERR_SSL_NO_CIPHER_MATCH', (t) => {
  const err = thrown(t, () => tls.createSecureContext({ ciphers: 'NOPE-NOPE' }))
  t.is(err.code, 'ERR_SSL_NO_CIPHER_MATCH')
})

// ---------------------------------------------------------------------------
// Argument validation (codes and error classes as node:tls throws them)

test('tls.connect({ port: "x" }) throws ERR_SOCKET_BAD_PORT (RangeError)', (t) => {
  t.throws(() => tls.connect({ port: 'x' }), { code: 'ERR_SOCKET_BAD_PORT', instanceOf: RangeError })
  t.throws(() => tls.connect({ port: 70000 }), { code: 'ERR_SOCKET_BAD_PORT', instanceOf: RangeError })
})

test('tls.connect({ port: {} }) throws ERR_INVALID_ARG_TYPE; tls.connect({}) throws ERR_MISSING_ARGS', (t) => {
  t.throws(() => tls.connect({ port: {} }), { code: 'ERR_INVALID_ARG_TYPE', instanceOf: TypeError })
  t.throws(() => tls.connect({}), { code: 'ERR_MISSING_ARGS', instanceOf: TypeError })
})

test('createSecureContext({ key: 42 }) and friends throw ERR_INVALID_ARG_TYPE (TypeError)', (t) => {
  for (const name of ['key', 'cert', 'ca']) {
    const err = t.throws(() => tls.createSecureContext({ [name]: 42 }), {
      code: 'ERR_INVALID_ARG_TYPE',
      instanceOf: TypeError,
    })
    t.true(err.message.includes(`"options.${name}"`), err.message)
  }
  t.throws(() => tls.createServer({ key: 42 }), { code: 'ERR_INVALID_ARG_TYPE', instanceOf: TypeError })
})

test('invalid protocol options: ERR_TLS_INVALID_PROTOCOL_VERSION / _METHOD / _VERSION_CONFLICT', (t) => {
  t.throws(() => tls.createSecureContext({ minVersion: 'TLSv9' }), {
    code: 'ERR_TLS_INVALID_PROTOCOL_VERSION',
    instanceOf: TypeError,
  })
  t.throws(() => tls.createSecureContext({ maxVersion: 12 }), {
    code: 'ERR_TLS_INVALID_PROTOCOL_VERSION',
    instanceOf: TypeError,
  })
  t.throws(() => tls.createSecureContext({ secureProtocol: 'Foo_method' }), {
    code: 'ERR_TLS_INVALID_PROTOCOL_METHOD',
    instanceOf: TypeError,
  })
  t.throws(() => tls.createSecureContext({ secureProtocol: 'TLS_method', minVersion: 'TLSv1.2' }), {
    code: 'ERR_TLS_PROTOCOL_VERSION_CONFLICT',
    instanceOf: TypeError,
  })
})

// createSecureContext input: every way of handing over keys, certificates,
// CAs, CRLs, PKCS#12 files and passphrases, good, bad and odd, and what
// node:tls does with each — the synchronous error (class, code, message) or
// a working handshake. The handshakes use the implementation as the server
// and node:tls as the client. (TLS_IMPL=node runs this file against
// node:tls.)

import test from 'ava'
import { createPrivateKey } from 'node:crypto'
import nodeTls from 'node:tls'

import { tls, underTest } from './helpers/impl.mjs'
import { moreFixtures } from './helpers/more-fixtures.mjs'
import { LOOPBACK, collect, connect, connectError, listen, readUntil, tcpServer, until } from './helpers/peers.mjs'

const m = await moreFixtures()
const L = m.leaves
const E = m.encrypted
const PASS = m.passphrase

const BROKEN_CERT_PEM = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'

/** Runs fn, which must throw synchronously; returns the error (or {}). */
function thrown(t, fn) {
  const err = t.throws(fn)
  return err ?? {}
}

/**
 * Starts the implementation's server with `options`, connects a node:tls
 * client trusting m.root, and returns { client, server } once the data
 * 'hello' has arrived (proving the handshake worked end to end).
 */
async function handshake(t, options, clientOptions = {}) {
  const { port } = await listen(t, tls, options, (s) => {
    s.on('error', () => {})
    s.end('hello')
  })
  const client = await connect(t, nodeTls, { port, servername: 'localhost', ca: m.root.cert, ...clientOptions })
  const peer = client.getPeerCertificate(true)
  const cipher = client.getCipher().name
  const protocol = client.getProtocol()
  const data = (await collect(client)).toString()
  return { client, peer, data, cipher, protocol, authorized: client.authorized }
}

// ---------------------------------------------------------------------------
// Argument types: node:tls's ERR_INVALID_ARG_TYPE & co, with their messages.

const MUST_BE_DATA = 'must be of type string or an instance of Buffer, TypedArray, or DataView.'
const TYPE_ERRORS = [
  {
    options: { key: 42 },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.key" property ${MUST_BE_DATA} Received type number (42)`,
  },
  {
    options: { key: true },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.key" property ${MUST_BE_DATA} Received type boolean (true)`,
  },
  {
    label: '{ key: { pem } } (an object, not in an array)',
    options: { key: { pem: 'x' } },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.key" property ${MUST_BE_DATA} Received an instance of Object`,
  },
  {
    options: { key: [42] },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.key" property ${MUST_BE_DATA} Received type number (42)`,
  },
  {
    options: { key: [null] },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.key" property ${MUST_BE_DATA} Received null`,
  },
  {
    label: '{ key: [{ passphrase }] } (no pem)',
    options: { key: [{ passphrase: 'x' }] },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.key" property ${MUST_BE_DATA} Received an instance of Object`,
  },
  {
    options: { key: [{ pem: 42 }] },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.key" property ${MUST_BE_DATA} Received type number (42)`,
  },
  {
    options: { cert: 42 },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.cert" property ${MUST_BE_DATA} Received type number (42)`,
  },
  {
    options: { cert: {} },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.cert" property ${MUST_BE_DATA} Received an instance of Object`,
  },
  {
    options: { ca: 42 },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.ca" property ${MUST_BE_DATA} Received type number (42)`,
  },
  {
    options: { ca: {} },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.ca" property ${MUST_BE_DATA} Received an instance of Object`,
  },
  {
    label: '{ ca: [pem, 42] }',
    options: { ca: ['-', 42] },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.ca" property ${MUST_BE_DATA} Received type number (42)`,
  },
  {
    options: { ca: [null] },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.ca" property ${MUST_BE_DATA} Received null`,
  },
  {
    options: { crl: 42 },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.crl" property ${MUST_BE_DATA} Received type number (42)`,
  },
  {
    label: '{ key: <encrypted>, passphrase: 42 }',
    options: { key: E.rsaPkcs8.key, passphrase: 42 },
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.passphrase" property must be of type string. Received type number (42)',
  },
  {
    label: '{ key: <encrypted>, passphrase: Buffer }',
    options: { key: E.rsaPkcs8.key, passphrase: Buffer.from(PASS) },
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.passphrase" property must be of type string. Received an instance of Buffer',
  },
  // A passphrase inside a key object is reported as options.passphrase.
  {
    label: '{ key: [{ pem, passphrase: 42 }] }',
    options: { key: [{ pem: 'x', passphrase: 42 }] },
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.passphrase" property must be of type string. Received type number (42)',
  },
  // pfx is not type-checked in JS: anything that is not data fails to load.
  {
    options: { pfx: 42 },
    name: 'Error',
    code: 'ERR_CRYPTO_OPERATION_FAILED',
    message: 'Unable to load PFX certificate',
  },
  {
    label: '{ pfx: { buf, passphrase } } (an object, not in an array)',
    options: { pfx: { buf: 'x', passphrase: 'x' } },
    name: 'Error',
    code: 'ERR_CRYPTO_OPERATION_FAILED',
    message: 'Unable to load PFX certificate',
  },
  {
    label: '{ pfx: [{ passphrase }] } (no buf)',
    options: { pfx: [{ passphrase: 'x' }] },
    name: 'Error',
    code: 'ERR_CRYPTO_OPERATION_FAILED',
    message: 'Unable to load PFX certificate',
  },
  {
    label: '{ pfx: [{ buf, passphrase: 42 }] }',
    options: { pfx: [{ buf: 'x', passphrase: 42 }] },
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'Pass phrase must be a buffer',
  },
  {
    options: { ciphers: 42 },
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.ciphers" property must be of type string. Received type number (42)',
  },
  {
    options: { ecdhCurve: 42 },
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.ecdhCurve" property must be of type string. Received type number (42)',
  },
  {
    options: { ecdhCurve: 'nope' },
    name: 'Error',
    code: 'ERR_CRYPTO_OPERATION_FAILED',
    message: 'Failed to set ECDH curve',
  },
  {
    options: { sigalgs: 42 },
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.sigalgs" property must be of type string. Received type number (42)',
  },
  {
    options: { sigalgs: '' },
    code: 'ERR_INVALID_ARG_VALUE',
    message: "The property 'options.sigalgs' is invalid. Received ''",
  },
  {
    options: { dhparam: 42 },
    code: 'ERR_INVALID_ARG_TYPE',
    message: `The "options.dhparam" property ${MUST_BE_DATA} Received type number (42)`,
  },
  {
    options: { sessionIdContext: 42 },
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.sessionIdContext" property must be of type string. Received type number (42)',
  },
  {
    options: { sessionTimeout: 'x' },
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.sessionTimeout" property must be of type number. Received type string (\'x\')',
  },
  {
    options: { secureOptions: 'x' },
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "secureOptions" argument must be of type number. Received type string (\'x\')',
  },
  {
    label: '{ ticketKeys: Buffer(10) }',
    options: { ticketKeys: Buffer.alloc(10) },
    code: 'ERR_INVALID_ARG_VALUE',
    message: "The property 'options.ticketKeys' must be exactly 48 bytes. Received 10",
  },
  {
    label: '{ ticketKeys: a 48-character string }',
    options: { ticketKeys: 'x'.repeat(48) },
    code: 'ERR_INVALID_ARG_TYPE',
    message:
      'The "options.ticketKeys" property must be an instance of Buffer, TypedArray, or DataView. Received type string (\'xxxxxxxxxxxxxxxxxxxxxxxxx...\')',
  },
]

for (const c of TYPE_ERRORS) {
  const label = c.label ?? JSON.stringify(c.options)
  const name = c.name ?? 'TypeError'
  test(`createSecureContext(${label}) throws ${name} ${c.code}`, (t) => {
    const err = thrown(t, () => tls.createSecureContext(c.options))
    t.is(err.constructor?.name, name)
    t.is(err.code, c.code)
    t.is(err.message, c.message)
  })
}

test('createSecureContext(options) with a non-object options argument: ERR_INVALID_ARG_TYPE', (t) => {
  for (const [options, received] of [
    [42, 'type number (42)'],
    ['x', "type string ('x')"],
    [true, 'type boolean (true)'],
  ]) {
    const err = thrown(t, () => tls.createSecureContext(options))
    t.true(err instanceof TypeError)
    t.is(err.code, 'ERR_INVALID_ARG_TYPE')
    t.is(err.message, `The "options" argument must be of type object. Received ${received}`)
  }
  // No options at all, undefined and null are fine.
  t.notThrows(() => tls.createSecureContext())
  t.notThrows(() => tls.createSecureContext(undefined))
  t.notThrows(() => tls.createSecureContext(null))
})

test('falsy key/cert/ca/crl/pfx/passphrase values (null, undefined, "", 0, false, []) count as not given', (t) => {
  for (const value of [null, undefined, '', 0, false]) {
    t.notThrows(() => tls.createSecureContext({ key: value, cert: value, ca: value }), String(value))
  }
  // passphrase: only null, undefined and '' (0 is type-checked: not a string).
  for (const value of [null, undefined, '']) {
    t.notThrows(
      () => tls.createSecureContext({ key: L.rsa.key, cert: L.rsa.chain, passphrase: value }),
      `passphrase ${value}`,
    )
  }
  t.throws(() => tls.createSecureContext({ key: L.rsa.key, cert: L.rsa.chain, passphrase: 0 }), {
    code: 'ERR_INVALID_ARG_TYPE',
  })
  for (const value of [null, undefined]) {
    t.notThrows(() => tls.createSecureContext({ crl: value, pfx: value }), `crl/pfx ${value}`)
  }
  t.notThrows(() => tls.createSecureContext({ key: [], cert: [], ca: [], crl: [], pfx: [] }))
  // An empty string inside a ca array is skipped too.
  t.notThrows(() => tls.createSecureContext({ ca: [''] }))
})

test('a context with "" as key and cert still serves handshakes with its other options (client side)', async (t) => {
  const { port } = await listen(t, nodeTls, { key: L.rsa.key, cert: L.rsa.chain }, (s) => {
    s.on('error', () => {})
    s.end()
  })
  // Created first, so that a throw cannot leave a half-made connection behind.
  const secureContext = tls.createSecureContext({ key: '', cert: '', ca: m.root.cert })
  const socket = await connect(t, tls, { port, servername: 'localhost', secureContext })
  t.true(socket.authorized)
})

// ---------------------------------------------------------------------------
// Data that is not what it should be: OpenSSL's errors.

const DECODER_UNSUPPORTED = {
  code: 'ERR_OSSL_UNSUPPORTED',
  message: 'error:1E08010C:DECODER routines::unsupported',
  library: 'DECODER routines',
  reason: 'unsupported',
}
const PEM_NO_START_LINE = {
  code: 'ERR_OSSL_PEM_NO_START_LINE',
  message: 'error:0480006C:PEM routines::no start line',
  library: 'PEM routines',
  reason: 'no start line',
}
const BAD_DECRYPT = {
  code: 'ERR_OSSL_BAD_DECRYPT',
  message: 'error:1C800064:Provider routines::bad decrypt',
  library: 'Provider routines',
  reason: 'bad decrypt',
}
const CRL_PARSE = { code: 'ERR_CRYPTO_OPERATION_FAILED', message: 'Failed to parse CRL' }

const DATA_ERRORS = [
  { label: 'garbage key', options: { key: 'garbage', cert: L.rsa.cert }, error: DECODER_UNSUPPORTED },
  { label: 'empty Buffer key', options: { key: Buffer.alloc(0), cert: L.rsa.cert }, error: DECODER_UNSUPPORTED },
  {
    label: 'a certificate where the key is expected',
    options: { key: L.rsa.cert, cert: L.rsa.cert },
    error: DECODER_UNSUPPORTED,
  },
  {
    label: 'garbage key as the second of two keys',
    options: { key: [L.rsa.key, 'garbage'], cert: L.rsa.cert },
    error: DECODER_UNSUPPORTED,
  },
  { label: '"" inside a key array', options: { key: [''], cert: L.rsa.cert }, error: DECODER_UNSUPPORTED },
  {
    label: 'a PRIVATE KEY block with a body that is no key',
    options: { key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', cert: L.rsa.cert },
    error: DECODER_UNSUPPORTED,
  },
  { label: 'garbage cert', options: { key: L.rsa.key, cert: 'garbage' }, error: PEM_NO_START_LINE },
  { label: 'empty Buffer cert', options: { key: L.rsa.key, cert: Buffer.alloc(0) }, error: PEM_NO_START_LINE },
  {
    label: 'a key where the certificate is expected',
    options: { key: L.rsa.key, cert: L.rsa.key },
    error: PEM_NO_START_LINE,
  },
  { label: 'a DER certificate Buffer', options: { key: L.rsa.key, cert: L.rsa.der }, error: PEM_NO_START_LINE },
  { label: '"" inside a cert array', options: { key: L.rsa.key, cert: [''] }, error: PEM_NO_START_LINE },
  {
    label: 'garbage as the second of two certs',
    options: { key: L.rsa.key, cert: [L.rsa.cert, 'garbage'] },
    error: PEM_NO_START_LINE,
  },
  {
    label: 'encrypted key, wrong passphrase',
    options: { key: E.rsaPkcs8.key, passphrase: 'wrong', cert: L.rsa.cert },
    error: BAD_DECRYPT,
  },
  {
    label: 'encrypted key, empty passphrase',
    options: { key: E.rsaPkcs8.key, passphrase: '', cert: L.rsa.cert },
    error: BAD_DECRYPT,
  },
  { label: 'garbage crl', options: { crl: 'garbage' }, error: CRL_PARSE },
  { label: 'empty string crl', options: { crl: '' }, error: CRL_PARSE },
  { label: 'empty Buffer crl', options: { crl: Buffer.alloc(0) }, error: CRL_PARSE },
  { label: 'a certificate as crl', options: { crl: L.rsa.cert }, error: CRL_PARSE },
]

for (const c of DATA_ERRORS) {
  test(`createSecureContext: ${c.label} -> ${c.error.code}`, (t) => {
    const err = thrown(t, () => tls.createSecureContext(c.options))
    t.is(err.constructor?.name, 'Error')
    t.is(err.code, c.error.code)
    t.is(err.message, c.error.message)
  })
}

test("OpenSSL errors carry library and reason, as node:tls's do", (t) => {
  for (const c of DATA_ERRORS.filter((c) => c.error.library)) {
    const err = thrown(t, () => tls.createSecureContext(c.options))
    t.is(err.library, c.error.library, c.label)
    t.is(err.reason, c.error.reason, c.label)
  }
})

test('data that node:tls accepts without complaint: junk as ca, a key as ca, an empty Buffer ca', (t) => {
  for (const ca of [
    'garbage',
    L.rsa.key,
    Buffer.alloc(0),
    BROKEN_CERT_PEM,
    [BROKEN_CERT_PEM],
    m.root.cert + BROKEN_CERT_PEM,
  ]) {
    t.notThrows(() => tls.createSecureContext({ ca }))
  }
  // A passphrase for a key that is not encrypted is ignored.
  t.notThrows(() => tls.createSecureContext({ key: L.rsa.key, cert: L.rsa.cert, passphrase: 'unused' }))
  // Text before the PEM block is skipped.
  t.notThrows(() => tls.createSecureContext({ key: `junk\n${L.rsa.key}`, cert: `junk\n${L.rsa.cert}` }))
})

test('options are loaded in the order ca, cert, key: the first bad one is reported', (t) => {
  t.is(
    thrown(t, () => tls.createSecureContext({ key: 42, cert: 42, ca: 42 })).message,
    `The "options.ca" property ${MUST_BE_DATA} Received type number (42)`,
  )
  t.is(
    thrown(t, () => tls.createSecureContext({ key: 'garbage', cert: 42 })).message,
    `The "options.cert" property ${MUST_BE_DATA} Received type number (42)`,
  )
  // The certificate is parsed before the key's type is even checked.
  t.is(thrown(t, () => tls.createSecureContext({ key: 42, cert: 'garbage' })).code, 'ERR_OSSL_PEM_NO_START_LINE')
  t.is(thrown(t, () => tls.createSecureContext({ key: 'garbage', cert: 'garbage' })).code, 'ERR_OSSL_PEM_NO_START_LINE')
})

test('tls.connect() with bad context options throws synchronously and opens no TCP connection', async (t) => {
  let connections = 0
  const { port } = await tcpServer(t, (s) => {
    connections++
    s.destroy()
  })
  const cases = [
    { crl: 42 },
    { crl: 'garbage' },
    { ca: 42 },
    { key: 'garbage', cert: L.rsa.cert },
    { key: E.rsaPkcs8.key, passphrase: 'wrong', cert: L.rsa.cert },
  ]
  for (const options of cases) {
    let socket
    t.throws(() => {
      socket = tls.connect({ port, host: LOOPBACK, ...options })
    })
    socket?.destroy()
  }
  // Give a connection that was started anyway the time to arrive.
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.is(connections, 0)
})

test('tls.createServer() with bad context options throws synchronously', (t) => {
  t.throws(() => tls.createServer({ key: 'garbage', cert: L.rsa.cert }), { code: 'ERR_OSSL_UNSUPPORTED' })
  t.throws(() => tls.createServer({ key: E.p256Pkcs8.key, cert: L.p256.cert }), { code: 'ERR_OSSL_BAD_DECRYPT' })
  t.throws(() => tls.createServer({ key: L.rsa.key, cert: 42 }), { code: 'ERR_INVALID_ARG_TYPE' })
})

// ---------------------------------------------------------------------------
// CA bundles.

/**
 * Connects the implementation to a node:tls server with m.leaves.rsa, using
 * a context made from `ca`; returns the authorizationError. (The context is
 * created first, so that a throw cannot leave a half-made connection behind.)
 */
async function verifyWithCa(t, ca) {
  const secureContext = tls.createSecureContext({ ca })
  const { port } = await listen(t, nodeTls, { key: L.rsa.key, cert: L.rsa.chain }, (s) => {
    s.on('error', () => {})
    s.end()
  })
  const socket = await connect(t, tls, { port, servername: 'localhost', secureContext, rejectUnauthorized: false })
  return socket.authorizationError
}

test('ca: a bundle with comments and junk text between the PEM blocks is read', async (t) => {
  const bundle =
    'Bundle of trusted CAs\n# unrelated root:\n' +
    m.otherRoot.cert +
    '\nsome junk text between\n\n# the one we need:\n' +
    m.root.cert +
    'trailing junk without newline'
  t.is(await verifyWithCa(t, bundle), null)
  t.is(await verifyWithCa(t, Buffer.from(bundle)), null)
})

test('ca: CRLF line endings', async (t) => {
  t.is(await verifyWithCa(t, (m.otherRoot.cert + m.root.cert).replace(/\n/g, '\r\n')), null)
})

test('ca: as Uint8Array and DataView', async (t) => {
  const bytes = Buffer.from(m.root.cert)
  t.is(await verifyWithCa(t, new Uint8Array(bytes)), null)
  t.is(await verifyWithCa(t, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)), null)
})

test('ca: a broken PEM block in an array is skipped; the other entries are trusted', async (t) => {
  t.is(await verifyWithCa(t, [m.otherRoot.cert, BROKEN_CERT_PEM, m.root.cert]), null)
})

test('ca: a broken PEM block inside one string ends the bundle; what follows is not trusted', async (t) => {
  t.is(await verifyWithCa(t, m.otherRoot.cert + BROKEN_CERT_PEM + m.root.cert), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY')
})

test('ca: junk only trusts nothing (no error at createSecureContext, verification fails)', async (t) => {
  t.is(await verifyWithCa(t, 'garbage'), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY')
})

// ---------------------------------------------------------------------------
// Certificates and chains.

test('cert: a concatenated chain in one string is sent whole', async (t) => {
  const { peer, authorized, data } = await handshake(t, { key: L.rsa.key, cert: L.rsa.chain })
  t.is(data, 'hello')
  t.true(authorized)
  t.is(peer.fingerprint256, L.rsa.x509.fingerprint256)
  t.is(peer.issuerCertificate.subject.CN, 'More Fixtures Intermediate CA')
})

test('cert: the long chain (3 intermediates) in one string is sent whole', async (t) => {
  const { peer, authorized } = await handshake(t, { key: L.longChain.key, cert: Buffer.from(L.longChain.chain) })
  t.true(authorized)
  t.deepEqual(
    [peer.issuerCertificate.subject.CN, peer.issuerCertificate.issuerCertificate.subject.CN],
    ['More Fixtures Chain CA 3', 'More Fixtures Chain CA 2'],
  )
})

test('cert: an array [leaf, intermediate] is two certificates, not a chain: the last one does not match the key', (t) => {
  const err = thrown(t, () => tls.createSecureContext({ key: L.rsa.key, cert: [L.rsa.cert, m.intermediate.cert] }))
  t.is(err.code, 'ERR_OSSL_X509_KEY_VALUES_MISMATCH')
})

test('key: unencrypted PKCS#1 (BEGIN RSA PRIVATE KEY) and SEC1 (BEGIN EC PRIVATE KEY) keys work', async (t) => {
  const pkcs1 = createPrivateKey(L.rsa.key).export({ type: 'pkcs1', format: 'pem' })
  const sec1 = createPrivateKey(L.p384.key).export({ type: 'sec1', format: 'pem' })
  t.regex(pkcs1, /^-----BEGIN RSA PRIVATE KEY-----/)
  t.regex(sec1, /^-----BEGIN EC PRIVATE KEY-----/)
  t.is((await handshake(t, { key: pkcs1, cert: L.rsa.chain })).peer.fingerprint256, L.rsa.x509.fingerprint256)
  t.is((await handshake(t, { key: sec1, cert: L.p384.chain })).peer.fingerprint256, L.p384.x509.fingerprint256)
})

test('key/cert/ca as Buffers, single-element arrays and typed arrays all serve the same handshake', async (t) => {
  const forms = [
    { key: Buffer.from(L.p384.key), cert: Buffer.from(L.p384.chain) },
    { key: [L.p384.key], cert: [L.p384.chain] },
    { key: [Buffer.from(L.p384.key)], cert: [new Uint8Array(Buffer.from(L.p384.chain))] },
    { key: [{ pem: L.p384.key }], cert: L.p384.chain },
  ]
  for (const options of forms) {
    const { peer, authorized } = await handshake(t, options, { ca: [Buffer.from(m.root.cert)] })
    t.true(authorized)
    t.is(peer.fingerprint256, L.p384.x509.fingerprint256)
  }
})

test('key/cert: junk text before the PEM blocks is skipped', async (t) => {
  const { peer } = await handshake(t, { key: `junk line\n${L.p256.key}`, cert: `junk line\n${L.p256.chain}` })
  t.is(peer.fingerprint256, L.p256.x509.fingerprint256)
})

// ---------------------------------------------------------------------------
// Encrypted private keys.

const ENCRYPTED = [
  ['RSA, PKCS#8 AES-256-CBC', E.rsaPkcs8, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/],
  [
    'RSA, traditional AES-256',
    E.rsaTraditional,
    /^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,/,
  ],
  ['P-256, PKCS#8 AES-256-CBC', E.p256Pkcs8, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/],
  [
    'P-256, traditional 3DES',
    E.p256Traditional,
    /^-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,/,
  ],
  ['P-384, PKCS#8 AES-256-CBC', E.p384Pkcs8, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/],
  [
    'P-384, traditional 3DES',
    E.p384Traditional,
    /^-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,/,
  ],
  ['Ed25519, PKCS#8 AES-256-CBC', E.ed25519Pkcs8, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/],
]

for (const [title, enc, format] of ENCRYPTED) {
  test(`encrypted key ${title}: right passphrase -> handshake with that certificate`, async (t) => {
    t.regex(enc.key, format)
    const { peer, authorized, data } = await handshake(t, { key: enc.key, passphrase: PASS, cert: enc.leaf.chain })
    t.true(authorized)
    t.is(data, 'hello')
    t.is(peer.fingerprint256, enc.leaf.x509.fingerprint256)
  })

  test(`encrypted key ${title}: key: [{ pem, passphrase }] and key: [{ pem }] + passphrase work`, async (t) => {
    const a = await handshake(t, { key: [{ pem: enc.key, passphrase: PASS }], cert: enc.leaf.chain })
    t.is(a.peer.fingerprint256, enc.leaf.x509.fingerprint256)
    const b = await handshake(t, { key: [{ pem: Buffer.from(enc.key) }], passphrase: PASS, cert: enc.leaf.chain })
    t.is(b.peer.fingerprint256, enc.leaf.x509.fingerprint256)
  })

  test(`encrypted key ${title}: wrong, missing or overridden passphrase -> ERR_OSSL_BAD_DECRYPT`, (t) => {
    const cases = [
      { key: enc.key, passphrase: 'wrong', cert: enc.leaf.cert },
      { key: enc.key, cert: enc.leaf.cert },
      { key: [{ pem: enc.key, passphrase: 'wrong' }], cert: enc.leaf.cert },
      // The passphrase in the object wins over the top-level one.
      { key: [{ pem: enc.key, passphrase: 'wrong' }], passphrase: PASS, cert: enc.leaf.cert },
    ]
    for (const options of cases) {
      const err = thrown(t, () => tls.createSecureContext(options))
      t.is(err.code, 'ERR_OSSL_BAD_DECRYPT')
      t.is(err.message, BAD_DECRYPT.message)
    }
  })
}

test('two keys in one array with their own passphrases (RSA + P-256)', async (t) => {
  const options = {
    key: [
      { pem: E.rsaTraditional.key, passphrase: PASS },
      { pem: E.p256Pkcs8.key, passphrase: PASS },
    ],
    cert: [L.rsa.chain, L.p256.chain],
  }
  const ecdsa = await handshake(t, options, { sigalgs: 'ecdsa_secp256r1_sha256' })
  t.is(ecdsa.peer.fingerprint256, L.p256.x509.fingerprint256)
  const rsa = await handshake(t, options, { sigalgs: 'rsa_pss_rsae_sha256' })
  t.is(rsa.peer.fingerprint256, L.rsa.x509.fingerprint256)
})

// ---------------------------------------------------------------------------
// PKCS#12.

const PFX = [
  ['default (AES-256-CBC, PBKDF2)', m.pkcs12.aes, L.rsa],
  ['-descert -keypbe PBE-SHA1-3DES', m.pkcs12.des, L.rsa],
  ['P-256 key, default', m.pkcs12.ecdsa, L.p256],
]

for (const [title, pfx, leaf] of PFX) {
  test(`pfx ${title}: handshake with its certificate and its chain`, async (t) => {
    const { peer, authorized, data } = await handshake(t, { pfx, passphrase: m.pfxPassword })
    t.is(data, 'hello')
    // The intermediate in the file is sent along: the client needs only the root.
    t.true(authorized)
    t.is(peer.fingerprint256, leaf.x509.fingerprint256)
    t.is(peer.issuerCertificate.subject.CN, 'More Fixtures Intermediate CA')
  })

  test(`pfx ${title}: pfx: [{ buf, passphrase }] and pfx: [buf] + passphrase`, async (t) => {
    const a = await handshake(t, { pfx: [{ buf: pfx, passphrase: m.pfxPassword }] })
    t.is(a.peer.fingerprint256, leaf.x509.fingerprint256)
    const b = await handshake(t, { pfx: [new Uint8Array(pfx)], passphrase: m.pfxPassword })
    t.is(b.peer.fingerprint256, leaf.x509.fingerprint256)
  })

  test(`pfx ${title}: wrong or missing password -> 'mac verify failure'`, (t) => {
    for (const options of [
      { pfx, passphrase: 'wrong' },
      { pfx },
      { pfx: [{ buf: pfx, passphrase: 'wrong' }] },
      { pfx: [{ buf: pfx, passphrase: 'wrong' }], passphrase: m.pfxPassword },
    ]) {
      const err = thrown(t, () => tls.createSecureContext(options))
      t.is(err.message, 'mac verify failure')
      // node:tls gives this error no code; rustls-node adds one.
      if (underTest === 'rustls-node') t.is(err.code, 'ERR_OSSL_PKCS12_MAC_VERIFY_FAILURE')
    }
  })
}

test('pfx -legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)', async (t) => {
  if (underTest === 'rustls-node') {
    // Deliberate difference: rustls-node reads legacy PKCS#12 files, which
    // Node 20 (OpenSSL 3 without the legacy provider) refuses.
    const { peer, authorized } = await handshake(t, { pfx: m.pkcs12.legacy, passphrase: m.pfxPassword })
    t.true(authorized)
    t.is(peer.fingerprint256, L.rsa.x509.fingerprint256)
  } else {
    const err = thrown(t, () => tls.createSecureContext({ pfx: m.pkcs12.legacy, passphrase: m.pfxPassword }))
    t.is(err.code, 'ERR_CRYPTO_UNSUPPORTED_OPERATION')
    t.is(err.message, 'Unsupported PKCS12 PFX data')
  }
  // A wrong password is found out first either way.
  const err = thrown(t, () => tls.createSecureContext({ pfx: m.pkcs12.legacy, passphrase: 'wrong' }))
  t.is(err.message, 'mac verify failure')
})

test("pfx that is not PKCS#12: OpenSSL's ASN.1 message (no code in Node; rustls-node adds one)", (t) => {
  for (const [pfx, message] of [
    [Buffer.from('garbage'), 'not enough data'],
    ['garbage', 'not enough data'],
    [Buffer.alloc(0), 'not enough data'],
    // The file's bytes as base64 text are not the file.
    [m.pkcs12.aes.toString('base64'), 'wrong tag'],
  ]) {
    const err = thrown(t, () => tls.createSecureContext({ pfx, passphrase: m.pfxPassword }))
    t.is(err.constructor?.name, 'Error')
    t.is(err.message, message)
    // Deliberate difference: every rustls-node error carries a code.
    if (underTest === 'rustls-node') t.regex(err.code, /^ERR_OSSL_ASN1_/)
    else t.is(err.code, undefined)
  }
})

// ---------------------------------------------------------------------------
// Key and certificate that do not belong together.

test('key/cert mismatch of the same key type -> ERR_OSSL_X509_KEY_VALUES_MISMATCH', (t) => {
  const err = thrown(t, () => tls.createSecureContext({ key: L.good.key, cert: L.rsa.cert }))
  t.is(err.code, 'ERR_OSSL_X509_KEY_VALUES_MISMATCH')
  t.is(err.message, 'error:05800074:x509 certificate routines::key values mismatch')
})

test('key/cert of different key types (P-256 key, RSA certificate): no error until a handshake finds no pair', async (t) => {
  const options = { key: L.p256.key, cert: L.rsa.chain }
  // OpenSSL files the key and the certificate under different key types
  // and only fails when a handshake finds no usable pair.
  t.notThrows(() => tls.createSecureContext(options))
  for (const [version, serverCode] of [
    ['TLSv1.3', 'ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM'],
    ['TLSv1.2', 'ERR_SSL_NO_SHARED_CIPHER'],
  ]) {
    const { port, clientErrors } = await listen(t, tls, options, (s) => {
      s.on('error', () => {})
      s.end()
    })
    const err = await connectError(t, nodeTls, { port, servername: 'localhost', ca: m.root.cert, maxVersion: version })
    t.is(err.code, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')
    await until(() => clientErrors.length > 0, 5000, 'tlsClientError')
    t.is(clientErrors[0].code, serverCode)
  }
})

// ---------------------------------------------------------------------------
// Two key/certificate pairs in one context.

const TWO_PAIRS = { key: [L.rsa.key, L.p256.key], cert: [L.rsa.chain, L.p256.chain] }

for (const version of ['TLSv1.2', 'TLSv1.3']) {
  const v = { minVersion: version, maxVersion: version }
  test(`two pairs (RSA + ECDSA), ${version}: the client's sigalgs pick the certificate`, async (t) => {
    const ecdsa = await handshake(t, TWO_PAIRS, { ...v, sigalgs: 'ecdsa_secp256r1_sha256' })
    t.is(ecdsa.peer.fingerprint256, L.p256.x509.fingerprint256)
    t.is(ecdsa.protocol, version)
    const rsa = await handshake(t, TWO_PAIRS, { ...v, sigalgs: 'rsa_pss_rsae_sha256' })
    t.is(rsa.peer.fingerprint256, L.rsa.x509.fingerprint256)
    if (version === 'TLSv1.2') {
      t.regex(ecdsa.cipher, /^ECDHE-ECDSA-/)
      t.regex(rsa.cipher, /^ECDHE-RSA-/)
    }
  })

  test(`two pairs (RSA + ECDSA), ${version}: with default sigalgs node:tls picks ${version === 'TLSv1.3' ? 'ECDSA' : 'RSA'}, whatever the order`, async (t) => {
    // TLS 1.3: the first of the client's signature algorithms that a
    // certificate can serve (node:tls clients list ECDSA first). TLS 1.2: the
    // first suite of the server's cipher list (ECDHE-RSA before ECDHE-ECDSA)
    // that it holds a pair for, as OpenSSL does.
    const expected = version === 'TLSv1.3' ? L.p256 : L.rsa
    for (const options of [TWO_PAIRS, { key: [...TWO_PAIRS.key].reverse(), cert: [...TWO_PAIRS.cert].reverse() }]) {
      const { peer } = await handshake(t, options, v)
      t.is(peer.fingerprint256, expected.x509.fingerprint256)
    }
  })

  test(`two pairs (RSA + ECDSA), ${version}: a client whose sigalgs fit neither gets handshake_failure`, async (t) => {
    const { port, clientErrors } = await listen(t, tls, TWO_PAIRS, (s) => {
      s.on('error', () => {})
      s.end()
    })
    const err = await connectError(t, nodeTls, {
      port,
      servername: 'localhost',
      ca: m.root.cert,
      ...v,
      sigalgs: 'ed25519',
    })
    t.is(err.code, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')
    await until(() => clientErrors.length > 0, 5000, 'tlsClientError')
    t.is(
      clientErrors[0].code,
      version === 'TLSv1.3' ? 'ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM' : 'ERR_SSL_NO_SHARED_CIPHER',
    )
  })
}

test('two pairs from two pfx files (RSA + ECDSA): sigalgs pick the certificate', async (t) => {
  const options = { pfx: [m.pkcs12.aes, { buf: m.pkcs12.ecdsa }], passphrase: m.pfxPassword }
  const ecdsa = await handshake(t, options, { sigalgs: 'ecdsa_secp256r1_sha256' })
  t.is(ecdsa.peer.fingerprint256, L.p256.x509.fingerprint256)
  const rsa = await handshake(t, options, { sigalgs: 'rsa_pss_rsae_sha256' })
  t.is(rsa.peer.fingerprint256, L.rsa.x509.fingerprint256)
})

// ---------------------------------------------------------------------------
// server.setSecureContext()

test('server.setSecureContext(): new connections get the new certificate, an existing one keeps working', async (t) => {
  const { server, port } = await listen(t, tls, { key: L.rsa.key, cert: L.rsa.chain }, (s) => {
    s.on('error', () => {})
    s.pipe(s)
  })
  const first = await connect(t, nodeTls, { port, servername: 'localhost', ca: m.root.cert })
  t.is(first.getPeerCertificate().fingerprint256, L.rsa.x509.fingerprint256)

  server.setSecureContext({ key: L.p256.key, cert: L.p256.chain })

  const second = await connect(t, nodeTls, { port, servername: 'localhost', ca: m.root.cert })
  t.true(second.authorized)
  t.is(second.getPeerCertificate().fingerprint256, L.p256.x509.fingerprint256)

  // The first connection is unaffected.
  const echo = readUntil(first, 'still here')
  first.write('still here')
  t.is(await echo, 'still here')
  t.is(first.getPeerCertificate().fingerprint256, L.rsa.x509.fingerprint256)

  // And once more, with an encrypted key and a passphrase.
  server.setSecureContext({ key: E.ed25519Pkcs8.key, passphrase: PASS, cert: L.ed25519.chain })
  const third = await connect(t, nodeTls, { port, servername: 'localhost', ca: m.root.cert })
  t.is(third.getPeerCertificate().fingerprint256, L.ed25519.x509.fingerprint256)
})

test('server.setSecureContext() with bad input throws synchronously and keeps the old context', async (t) => {
  const { server, port } = await listen(t, tls, { key: L.rsa.key, cert: L.rsa.chain }, (s) => {
    s.on('error', () => {})
    s.end()
  })
  t.throws(() => server.setSecureContext({ key: 'garbage', cert: L.p256.cert }), { code: 'ERR_OSSL_UNSUPPORTED' })
  t.throws(() => server.setSecureContext({ key: E.p256Pkcs8.key, passphrase: 'wrong', cert: L.p256.cert }), {
    code: 'ERR_OSSL_BAD_DECRYPT',
  })
  t.throws(() => server.setSecureContext({ key: L.p256.key, cert: 42 }), { code: 'ERR_INVALID_ARG_TYPE' })
  const client = await connect(t, nodeTls, { port, servername: 'localhost', ca: m.root.cert })
  t.is(client.getPeerCertificate().fingerprint256, L.rsa.x509.fingerprint256)
})

test('server.setSecureContext() with a non-object: ERR_INVALID_ARG_TYPE', async (t) => {
  const { server } = await listen(t, tls, { key: L.rsa.key, cert: L.rsa.chain })
  for (const [value, received] of [
    [42, 'type number (42)'],
    ['x', "type string ('x')"],
    [undefined, 'undefined'],
    [null, 'null'],
  ]) {
    const err = thrown(t, () => server.setSecureContext(value))
    t.is(err.code, 'ERR_INVALID_ARG_TYPE', String(value))
    t.is(err.message, `The "options" argument must be of type object. Received ${received}`)
  }
})

test('TLS_IMPL sanity: the module under test is the one requested', (t) => {
  t.is(tls === nodeTls, underTest === 'node:tls')
})

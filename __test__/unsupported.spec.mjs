// What rustls does not do, said clearly: each option or method gives a
// coded error or a coded warning, never a silent no-op or a hang. These are
// rustls-node's own rules (node:tls supports these), so they run against
// rustls-node only; the renegotiation constants are checked for both.

import test from 'ava'
import { constants } from 'node:crypto'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { connect, listen } from './helpers/peers.mjs'

const f = await fixtures()
const rsa = { key: f.rsa.key, cert: f.rsa.chain }
const ours = underTest === 'rustls-node' ? test : test.skip

/** Runs fn and returns the process warnings it emitted (by code). */
async function warningsOf(fn) {
  const seen = []
  const onWarning = (w) => seen.push(w.code)
  process.on('warning', onWarning)
  try {
    fn()
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    process.removeListener('warning', onWarning)
  }
  return seen
}

test('CLIENT_RENEG_LIMIT and CLIENT_RENEG_WINDOW are exported with the documented defaults', (t) => {
  t.is(tls.CLIENT_RENEG_LIMIT, 3)
  t.is(tls.CLIENT_RENEG_WINDOW, 600)
})

test("renegotiate() over TLS 1.3 returns false and calls back with OpenSSL's wrong ssl version, as Node", async (t) => {
  const { port } = await listen(t, nodeTls, rsa, (s) => {
    s.on('error', () => {})
    s.resume()
  })
  const socket = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert })
  const err = await new Promise((resolve) => t.false(socket.renegotiate({ rejectUnauthorized: true }, resolve)))
  t.like(err, {
    code: 'ERR_SSL_WRONG_SSL_VERSION',
    message: 'error:0A00010A:SSL routines::wrong ssl version',
    library: 'SSL routines',
    reason: 'wrong ssl version',
  })
  t.throws(() => socket.renegotiate(), { code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => socket.renegotiate({}, null), { code: 'ERR_INVALID_ARG_TYPE' })
  // the connection is unaffected
  t.is(socket.getProtocol(), 'TLSv1.3')
})

ours(
  'renegotiate() over TLS 1.2 returns false and calls back with ERR_TLS_RENEGOTIATION_UNSUPPORTED; disableRenegotiation() exists',
  async (t) => {
    const { port } = await listen(t, nodeTls, { ...rsa, maxVersion: 'TLSv1.2' }, (s) => {
      s.on('error', () => {})
      s.resume()
    })
    const socket = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert })
    const err = await new Promise((resolve) => t.false(socket.renegotiate({ rejectUnauthorized: true }, resolve)))
    t.is(err.code, 'ERR_TLS_RENEGOTIATION_UNSUPPORTED')
    t.is(typeof socket.disableRenegotiation, 'function')
    socket.disableRenegotiation()
    t.is(socket.getProtocol(), 'TLSv1.2')
  },
)

ours('pskCallback / pskIdentityHint throw ERR_TLS_PSK_UNSUPPORTED', (t) => {
  t.throws(() => tls.createServer({ ...rsa, pskCallback: () => null }), { code: 'ERR_TLS_PSK_UNSUPPORTED' })
  t.throws(() => tls.createServer({ ...rsa, pskIdentityHint: 'hint' }), { code: 'ERR_TLS_PSK_UNSUPPORTED' })
  t.throws(() => tls.connect({ port: 1, pskCallback: () => null }), { code: 'ERR_TLS_PSK_UNSUPPORTED' })
})

ours('clientCertEngine / privateKeyEngine throw ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED', (t) => {
  t.throws(() => tls.createSecureContext({ clientCertEngine: 'dynamic' }), {
    code: 'ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED',
  })
  t.throws(() => tls.createSecureContext({ privateKeyEngine: 'dynamic', privateKeyIdentifier: 'x' }), {
    code: 'ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED',
  })
})

ours('dhparam, NPNProtocols, unknown secureOptions bits and enableTrace warn with a code', async (t) => {
  t.deepEqual(await warningsOf(() => tls.createSecureContext({ dhparam: 'auto' })), ['RUSTLS_NODE_DHPARAM_IGNORED'])
  t.deepEqual(await warningsOf(() => tls.createServer({ ...rsa, NPNProtocols: ['http/1.1'] })), [
    'RUSTLS_NODE_NPN_UNSUPPORTED',
  ])
  t.deepEqual(await warningsOf(() => tls.createSecureContext({ secureOptions: constants.SSL_OP_PRIORITIZE_CHACHA })), [
    'RUSTLS_NODE_SECURE_OPTIONS_IGNORED',
  ])
  const socket = new tls.TLSSocket(undefined, {})
  t.deepEqual(await warningsOf(() => socket.enableTrace()), ['RUSTLS_NODE_TRACE_UNAVAILABLE'])
  socket.destroy()
})

test('a DHE-only cipher list leaves TLS 1.3, as in Node', (t) => {
  t.notThrows(() => tls.createSecureContext({ ciphers: 'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA' }))
})

ours('a DHE-only cipher list without TLS 1.3 has no usable suite: ERR_SSL_NO_CIPHER_MATCH', (t) => {
  const err = t.throws(
    () => tls.createSecureContext({ ciphers: 'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA', maxVersion: 'TLSv1.2' }),
    { code: 'ERR_SSL_NO_CIPHER_MATCH' },
  )
  t.regex(err.message, /no cipher match/)
})

ours("getFinished / getPeerFinished / a client's getTLSTicket throw a coded error", async (t) => {
  const { port } = await listen(t, nodeTls, rsa, (s) => {
    s.on('error', () => {})
    s.resume()
  })
  const socket = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert })
  for (const method of ['getFinished', 'getPeerFinished', 'getTLSTicket']) {
    t.throws(() => socket[method](), { code: 'ERR_TLS_UNSUPPORTED_BY_RUSTLS' }, method)
  }
})

// sigalgs: the signature schemes a side offers, accepts and signs with,
// and the server's choice between an RSA and an ECDSA certificate by what
// the client offers. Peers: node:tls.

import test from 'ava'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { collect, connect, connectError, listen } from './helpers/peers.mjs'

const f = await fixtures()
const both = { key: [f.rsa.key, f.ecdsa.key], cert: [f.rsa.chain, f.ecdsa.chain] }

async function servedBy(t, serverTls, serverOptions, clientTls, clientOptions) {
  const { port } = await listen(t, serverTls, serverOptions, (s) => {
    s.on('error', () => {})
    s.end()
  })
  const socket = await connect(t, clientTls, { port, servername: 'localhost', ca: f.ca.cert, ...clientOptions })
  const fp = socket.getPeerCertificate().fingerprint256
  await collect(socket)
  return fp
}

for (const version of ['TLSv1.2', 'TLSv1.3']) {
  test(`${version}: client sigalgs pick the certificate of a node:tls server holding RSA and ECDSA`, async (t) => {
    const ec = await servedBy(t, nodeTls, both, tls, { maxVersion: version, sigalgs: 'ecdsa_secp256r1_sha256' })
    t.is(ec, f.ecdsa.x509.fingerprint256)
    const rsa = await servedBy(t, nodeTls, both, tls, {
      maxVersion: version,
      sigalgs: 'rsa_pss_rsae_sha256:RSA+SHA256',
    })
    t.is(rsa, f.rsa.x509.fingerprint256)
  })

  test(`${version}: a server with RSA and ECDSA serves what a node:tls client's sigalgs allow`, async (t) => {
    t.is(
      await servedBy(t, tls, both, nodeTls, { maxVersion: version, sigalgs: 'ecdsa_secp256r1_sha256' }),
      f.ecdsa.x509.fingerprint256,
    )
    t.is(
      await servedBy(t, tls, both, nodeTls, { maxVersion: version, sigalgs: 'rsa_pss_rsae_sha256' }),
      f.rsa.x509.fingerprint256,
    )
  })

  // node:tls fails this over TLS 1.2: OpenSSL picks an ECDHE-RSA suite
  // before it looks at the signature schemes it may use, then cannot sign.
  // rustls picks the certificate first and a suite that fits it.
  const serverTest = version === 'TLSv1.2' && underTest === 'node:tls' ? test.skip : test
  serverTest(`${version}: server sigalgs limit what it signs with`, async (t) => {
    t.is(
      await servedBy(t, tls, { ...both, sigalgs: 'rsa_pss_rsae_sha256' }, nodeTls, { maxVersion: version }),
      f.rsa.x509.fingerprint256,
    )
    t.is(
      await servedBy(t, tls, { ...both, sigalgs: 'ecdsa_secp256r1_sha256' }, nodeTls, { maxVersion: version }),
      f.ecdsa.x509.fingerprint256,
    )
  })
}

test('no signature scheme in common: the handshake fails on both sides', async (t) => {
  const { port, clientErrors } = await listen(t, nodeTls, { key: f.ecdsa.key, cert: f.ecdsa.chain }, () =>
    t.fail('connected'),
  )
  const err = await connectError(t, tls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    sigalgs: 'rsa_pss_rsae_sha256',
  })
  t.regex(err.code, /^ERR_SSL_/)
  t.true(clientErrors.length <= 1)
})

test('sigalgs validation: empty is ERR_INVALID_ARG_VALUE, a number ERR_INVALID_ARG_TYPE, an unknown name throws', (t) => {
  t.throws(() => tls.createSecureContext({ sigalgs: '' }), { code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => tls.createSecureContext({ sigalgs: 5 }), { code: 'ERR_INVALID_ARG_TYPE' })
  const err = t.throws(() => tls.createSecureContext({ sigalgs: 'foo' }))
  // Node reports OpenSSL's empty error (no code); rustls-node names it.
  if (underTest === 'rustls-node') t.is(err.code, 'ERR_TLS_INVALID_SIGALGS')
})

// Certificates that OpenSSL, and so node:tls, accepts and a stricter X.509
// library would not: version 1 certificates (what `openssl x509 -req` makes
// without an extensions file), a self-signed certificate with CA:TRUE as a
// server's own (what `openssl req -x509` makes), RSA keys under 2048 bits at
// OpenSSL's security levels, and pairing of keys with certificates.
//
// Each case runs the module under test against a node:tls peer, and where
// it is a client, the same connection with a node:tls client, and expects
// both to agree on the exact outcome. TLS_IMPL=node runs it all on node:tls.

import test from 'ava'
import nodeTls from 'node:tls'

import { legacyFixtures } from './helpers/legacy-fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import { LOOPBACK, collect, listen } from './helpers/peers.mjs'

const l = await legacyFixtures()

/**
 * Connects with `tlsModule` and reports what the socket says once the
 * handshake is over (or the error that ended it).
 */
async function outcome(tlsModule, options) {
  const socket = tlsModule.connect({ host: LOOPBACK, servername: 'localhost', ...options })
  try {
    await new Promise((resolve, reject) => {
      socket.once('secureConnect', resolve)
      socket.once('error', reject)
    })
    return { authorized: socket.authorized, authorizationError: socket.authorizationError ?? null }
  } catch (err) {
    return { error: err.code }
  } finally {
    socket.destroy()
  }
}

/** The module's client and a node:tls client see the same, and that is `expected`. */
async function bothClients(t, options, expected) {
  const ours = await outcome(tls, options)
  const node = await outcome(nodeTls, options)
  t.deepEqual(node, expected, 'node:tls')
  t.deepEqual(ours, expected)
}

const serve = (t, options) =>
  listen(t, nodeTls, options, (s) => {
    s.on('error', () => {})
    s.end('ok')
  })

// ---------------------------------------------------------------------------
// X.509 v1

test('v1 leaf and key: a context and a server; a node:tls client trusting the v1 root is authorized', async (t) => {
  t.notThrows(() => tls.createSecureContext({ key: l.v1Leaf.key, cert: l.v1Leaf.cert }))
  const { port } = await listen(t, tls, { key: l.v1Leaf.key, cert: l.v1Leaf.cert }, (s) => s.end('hello'))
  const client = nodeTls.connect({ host: LOOPBACK, port, servername: 'localhost', ca: l.v1Root.cert })
  t.teardown(() => client.destroy())
  t.is(String(await collect(client)), 'hello')
  t.true(client.authorized)
})

test('v1 server certificate: verified against its v1 root, or reported as untrusted', async (t) => {
  const { port } = await serve(t, { key: l.v1Leaf.key, cert: l.v1Leaf.cert })
  await bothClients(t, { port, ca: l.v1Root.cert }, { authorized: true, authorizationError: null })
  await bothClients(
    t,
    { port, rejectUnauthorized: false },
    { authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
  )
  await bothClients(t, { port }, { error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
})

test('v3 leaf under a v3 intermediate under a v1 root: trusted with the root, SELF_SIGNED_CERT_IN_CHAIN when the server sends an unknown v1 root', async (t) => {
  const chain = l.leafUnderV3.cert + l.v3Intermediate.cert
  const { port } = await serve(t, { key: l.leafUnderV3.key, cert: chain })
  await bothClients(t, { port, ca: l.v1Root.cert }, { authorized: true, authorizationError: null })
  const withRoot = await serve(t, { key: l.leafUnderV3.key, cert: chain + l.v1Root.cert })
  await bothClients(t, { port: withRoot.port }, { error: 'SELF_SIGNED_CERT_IN_CHAIN' })
})

test('v1 client certificate: a server asking for one authorizes it against the v1 root', async (t) => {
  const seen = []
  const { port } = await listen(
    t,
    tls,
    {
      key: l.leafUnderV3.key,
      cert: l.leafUnderV3.cert + l.v3Intermediate.cert,
      ca: l.v1Root.cert,
      requestCert: true,
    },
    (s) => {
      seen.push({ authorized: s.authorized, cn: s.getPeerCertificate().subject.CN })
      s.end()
    },
  )
  const client = nodeTls.connect({
    host: LOOPBACK,
    port,
    servername: 'localhost',
    ca: l.v1Root.cert,
    key: l.v1Leaf.key,
    cert: l.v1Leaf.cert,
  })
  t.teardown(() => client.destroy())
  await collect(client)
  t.deepEqual(seen, [{ authorized: true, cn: 'localhost' }])
})

// ---------------------------------------------------------------------------
// A self-signed CA:TRUE certificate as the server's own

test('self-signed certificate with CA:TRUE: DEPTH_ZERO_SELF_SIGNED_CERT, or trusted when it is the ca', async (t) => {
  const { port } = await serve(t, { key: l.caTrueSelfSigned.key, cert: l.caTrueSelfSigned.cert })
  await bothClients(t, { port }, { error: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
  await bothClients(t, { port, ca: l.caTrueSelfSigned.cert }, { authorized: true, authorizationError: null })
})

// ---------------------------------------------------------------------------
// OpenSSL security levels

test('RSA 1024-bit certificate: accepted at the default level 1, "ee key too small" at @SECLEVEL=2', async (t) => {
  const pair = { key: l.rsa1024.key, cert: l.rsa1024.cert }
  t.notThrows(() => tls.createSecureContext(pair))
  for (const m of [tls, nodeTls]) {
    t.throws(() => m.createSecureContext({ ...pair, ciphers: 'DEFAULT@SECLEVEL=2' }), {
      code: 'ERR_SSL_EE_KEY_TOO_SMALL',
      message: /ee key too small/,
    })
  }
  const { port } = await listen(t, tls, pair, (s) => s.end('small'))
  const client = nodeTls.connect({ host: LOOPBACK, port, servername: 'localhost', ca: l.v1Root.cert })
  t.teardown(() => client.destroy())
  t.is(String(await collect(client)), 'small')
  t.true(client.authorized)
})

test('RSA 1024-bit server certificate: a client at the default level verifies it', async (t) => {
  const { port } = await serve(t, { key: l.rsa1024.key, cert: l.rsa1024.cert })
  await bothClients(t, { port, ca: l.v1Root.cert }, { authorized: true, authorizationError: null })
})

test('RSA 512-bit certificate: refused at level 1; at @SECLEVEL=0 a TLS 1.2 handshake works', async (t) => {
  const pair = { key: l.rsa512.key, cert: l.rsa512.cert }
  for (const m of [tls, nodeTls]) t.throws(() => m.createSecureContext(pair), { code: 'ERR_SSL_EE_KEY_TOO_SMALL' })
  // TLS 1.2: a 512-bit key can make PKCS#1 signatures, not RSA-PSS ones.
  const { port } = await listen(t, tls, { ...pair, ciphers: 'DEFAULT@SECLEVEL=0', maxVersion: 'TLSv1.2' }, (s) =>
    s.end('tiny'),
  )
  const client = nodeTls.connect({
    host: LOOPBACK,
    port,
    servername: 'localhost',
    ca: l.v1Root.cert,
    ciphers: 'DEFAULT@SECLEVEL=0',
    maxVersion: 'TLSv1.2',
  })
  t.teardown(() => client.destroy())
  t.is(String(await collect(client)), 'tiny')
  t.true(client.authorized)
})

// ---------------------------------------------------------------------------
// Keys and certificates paired per key type, as OpenSSL's certificate slots

test('a certificate without its key, or a key without its certificate, is no error', (t) => {
  for (const options of [
    { cert: l.v1Leaf.cert },
    { key: l.v1Leaf.key },
    { key: l.caTrueSelfSigned.key, cert: l.v1Leaf.cert },
  ]) {
    t.notThrows(() => tls.createSecureContext(options), Object.keys(options).join('+'))
    t.notThrows(() => nodeTls.createSecureContext(options), `node:tls ${Object.keys(options).join('+')}`)
  }
})

test('a key for another certificate of the same type: key values mismatch', (t) => {
  for (const m of [tls, nodeTls]) {
    t.throws(() => m.createSecureContext({ key: l.rsa1024.key, cert: l.v1Leaf.cert }), {
      code: 'ERR_OSSL_X509_KEY_VALUES_MISMATCH',
    })
  }
})

test('RSA and ECDSA pairs given in any order, keys before certificates or after, serve both', async (t) => {
  const key = [l.caTrueSelfSigned.key, l.v1Leaf.key]
  const cert = [l.v1Leaf.cert, l.caTrueSelfSigned.cert]
  const { port } = await listen(t, tls, { key, cert }, (s) => s.end())
  for (const [sigalgs, issuer] of [
    ['ecdsa_secp256r1_sha256', 'localhost'],
    ['rsa_pss_rsae_sha256', 'legacy v1 root'],
  ]) {
    const client = nodeTls.connect({
      host: LOOPBACK,
      port,
      servername: 'localhost',
      rejectUnauthorized: false,
      sigalgs,
    })
    t.teardown(() => client.destroy())
    await new Promise((resolve) => client.once('secureConnect', resolve))
    t.is(client.getPeerCertificate().issuer.CN, issuer, sigalgs)
    client.destroy()
  }
})

test('TLS 1.2 client limited to an ECDHE-RSA suite gets the RSA certificate of an RSA+ECDSA server', async (t) => {
  const { port } = await listen(
    t,
    tls,
    { key: [l.v1Leaf.key, l.caTrueSelfSigned.key], cert: [l.v1Leaf.cert, l.caTrueSelfSigned.cert] },
    (s) => s.end(),
  )
  for (const m of [tls, nodeTls]) {
    const client = m.connect({
      host: LOOPBACK,
      port,
      servername: 'localhost',
      rejectUnauthorized: false,
      ciphers: 'ECDHE-RSA-AES256-GCM-SHA384',
      maxVersion: 'TLSv1.2',
    })
    t.teardown(() => client.destroy())
    await new Promise((resolve, reject) => {
      client.once('secureConnect', resolve)
      client.once('error', reject)
    })
    t.is(client.getCipher().name, 'ECDHE-RSA-AES256-GCM-SHA384')
    t.is(client.getPeerCertificate().issuer.CN, 'legacy v1 root')
    client.destroy()
  }
})

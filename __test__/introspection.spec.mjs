// ciphers, honorCipherOrder, ecdhCurve, getEphemeralKeyInfo,
// exportKeyingMaterial and getCiphers against node:tls peers: what one side
// reports must be what the other side negotiated.

import test from 'ava'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { collect, connect, connectError, listen, until } from './helpers/peers.mjs'

const f = await fixtures()
const ecdsa = { key: f.ecdsa.key, cert: f.ecdsa.chain }
const client = { servername: 'localhost', ca: f.ca.cert }

async function pair(t, serverOptions, clientOptions, { serverTls = nodeTls, clientTls = tls } = {}) {
  let server
  const { port } = await listen(t, serverTls, { ...ecdsa, ...serverOptions }, (s) => {
    server = s
    s.on('error', () => {})
    s.resume()
  })
  const socket = await connect(t, clientTls, { port, ...client, ...clientOptions })
  // In TLS 1.3 the server finishes after the client: wait for its side.
  await until(() => server !== undefined, 5000, 'secureConnection')
  return { socket, server: () => server }
}

for (const suite of [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_256_GCM_SHA384',
]) {
  test(`ciphers '${suite}': both sides report that suite`, async (t) => {
    const tls12 = !suite.startsWith('TLS_')
    const { socket } = await pair(t, {}, { ciphers: suite, maxVersion: tls12 ? 'TLSv1.2' : 'TLSv1.3' })
    t.is(socket.getCipher().name, suite)
    t.is(socket.getCipher().version, tls12 ? 'TLSv1.2' : 'TLSv1.3')
  })
}

test('ciphers naming nothing rustls has throws ERR_SSL_NO_CIPHER_MATCH', (t) => {
  t.throws(() => tls.createSecureContext({ ciphers: 'RC4-MD5:DES-CBC3-SHA' }), { code: 'ERR_SSL_NO_CIPHER_MATCH' })
})

test('honorCipherOrder: the server order wins over the client order', async (t) => {
  const serverSide = []
  const { port } = await listen(
    t,
    tls,
    {
      ...ecdsa,
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384',
      honorCipherOrder: true,
    },
    (s) => {
      serverSide.push(s.getCipher().name)
      s.end()
    },
  )
  const socket = await connect(t, nodeTls, {
    port,
    ...client,
    maxVersion: 'TLSv1.2',
    ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305',
  })
  t.is(socket.getCipher().name, 'ECDHE-ECDSA-CHACHA20-POLY1305')
  await collect(socket)
  t.deepEqual(serverSide, ['ECDHE-ECDSA-CHACHA20-POLY1305'])
})

for (const [curve, name, size] of [
  ['X25519', 'X25519', 253],
  ['P-256', 'prime256v1', 256],
  ['P-384', 'secp384r1', 384],
]) {
  test(`ecdhCurve ${curve}: getEphemeralKeyInfo() says ${name}, as the node:tls server negotiated`, async (t) => {
    const { socket } = await pair(
      t,
      { ecdhCurve: curve === 'P-256' ? 'prime256v1' : curve === 'P-384' ? 'secp384r1' : curve },
      { ecdhCurve: curve },
    )
    t.deepEqual(socket.getEphemeralKeyInfo(), { type: 'ECDH', name, size })
  })
}

test('getEphemeralKeyInfo() on the server side is null (what node:tls returns; its docs say {})', async (t) => {
  const { server } = await pair(t, {}, {}, { serverTls: tls, clientTls: nodeTls })
  t.is(server().getEphemeralKeyInfo(), null)
})

test('no common ecdhCurve: the handshake fails', async (t) => {
  const { port } = await listen(t, nodeTls, { ...ecdsa, ecdhCurve: 'secp384r1' }, () => t.fail('connected'))
  const err = await connectError(t, tls, { port, ...client, ecdhCurve: 'X25519' })
  t.regex(err.code, /^ERR_SSL_/)
})

test('rustls-node to rustls-node negotiates the X25519MLKEM768 hybrid by default', async (t) => {
  if (underTest !== 'rustls-node') return t.pass() // node:tls 20 has no ML-KEM
  const { socket, server } = await pair(t, {}, {}, { serverTls: tls, clientTls: tls })
  // Node 24's shape for a group that is no elliptic curve (checked with
  // Node 24.22 against this server).
  t.deepEqual(socket.getEphemeralKeyInfo(), { type: 'TLSGroup', name: 'X25519MLKEM768' })
  // rustls-node's own getNegotiatedGroup() answers on both sides.
  t.is(socket.getNegotiatedGroup(), 'X25519MLKEM768')
  t.is(server().getNegotiatedGroup(), 'X25519MLKEM768')
})

for (const version of ['TLSv1.2', 'TLSv1.3']) {
  test(`${version}: exportKeyingMaterial gives the same bytes on both sides (RFC 5705)`, async (t) => {
    const { socket, server } = await pair(t, {}, { maxVersion: version })
    const ours = socket.exportKeyingMaterial(64, 'EXPORTER-test', Buffer.from('ctx'))
    const theirs = server().exportKeyingMaterial(64, 'EXPORTER-test', Buffer.from('ctx'))
    t.is(ours.length, 64)
    t.deepEqual(ours, theirs)
    t.notDeepEqual(socket.exportKeyingMaterial(64, 'EXPORTER-other'), ours)
  })
}

test('getCiphers() lists exactly what createSecureContext accepts one by one', (t) => {
  const names = tls.getCiphers()
  t.true(names.length >= 9)
  for (const name of names) {
    t.notThrows(() => tls.createSecureContext({ ciphers: name.toUpperCase() }), name)
  }
})

test('getSharedSigalgs(): server side lists what the client offered and both support, in its order', async (t) => {
  const { server } = await pair(t, {}, {}, { serverTls: tls, clientTls: nodeTls })
  const ours = server().getSharedSigalgs()
  const { server: nodeServer } = await pair(t, {}, {}, { serverTls: nodeTls, clientTls: nodeTls })
  const reference = nodeServer().getSharedSigalgs()
  t.true(
    ours.includes('ECDSA+SHA256') && ours.includes('RSA-PSS+SHA256') && ours.includes('Ed25519+UNDEF'),
    String(ours),
  )
  // a subset of node:tls's answer (OpenSSL also lists DSA, SHA-224, Ed448,
  // and RSA-PSS twice, for rsae and pss keys), in the same order
  const unique = (list) => list.filter((n, i, a) => a.indexOf(n) === i)
  t.deepEqual(unique(ours), unique(reference.filter((name) => ours.includes(name))))
})

test('getSharedSigalgs(): a client is [] unless the server asked for a certificate', async (t) => {
  const { socket } = await pair(t, {}, {})
  t.deepEqual(socket.getSharedSigalgs(), [])
  const asked = await pair(
    t,
    { requestCert: true, rejectUnauthorized: false },
    { key: f.client.key, cert: f.client.cert },
  )
  t.true(asked.socket.getSharedSigalgs().includes('ECDSA+SHA256'), String(asked.socket.getSharedSigalgs()))
})

test('getTLSTicket() on a server socket is undefined, as Node', async (t) => {
  const { server } = await pair(t, {}, {}, { serverTls: tls, clientTls: nodeTls })
  t.is(server().getTLSTicket(), undefined)
})

// Post-quantum key exchange: ecdhCurve with OpenSSL 3.5's ML-KEM group
// names, getEphemeralKeyInfo() as Node 24 (OpenSSL 3.5) reports those
// groups, and peers that offer only classical groups. The reference is a
// Node 24 binary (helpers/node24.mjs); the local openssl CLI (3.0) has no
// ML-KEM and serves as the classical-only peer.

import test from 'ava'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { node24, node24Client, node24Server } from './helpers/node24.mjs'
import { LOOPBACK, connect, listen, runOpensslClient, startOpensslServer } from './helpers/peers.mjs'

const f = await fixtures()
const isNode = underTest === 'node:tls'
const ours = isNode ? test.skip : test
const with24 = node24 && !isNode ? test : test.skip

const serverOptions = (extra = {}) => ({ key: f.ecdsa.key, cert: f.ecdsa.chain, ...extra })
const clientOptions = (extra = {}) => ({ servername: 'localhost', ca: f.ca.cert, ...extra })

// [server ecdhCurve, client ecdhCurve] (undefined: the default, 'auto')
const PAIRS = [
  [undefined, undefined],
  ['X25519MLKEM768', 'X25519MLKEM768'],
  ['SecP256r1MLKEM768', 'SecP256r1MLKEM768'],
  ['MLKEM768', 'MLKEM768'],
  ['MLKEM1024', 'MLKEM1024'],
  [undefined, 'X25519'],
  [undefined, 'P-256'],
  ['X25519MLKEM768:X25519', 'X25519:X25519MLKEM768'],
]

with24('getEphemeralKeyInfo(): what Node 24 reports for the same groups against the same Node 24 server', async (t) => {
  for (const [sc, cc] of PAIRS) {
    const label = `${sc ?? 'default'} / ${cc ?? 'default'}`
    const port = await node24Server(t, serverOptions(sc && { ecdhCurve: sc }))
    const reference = await node24Client(t, clientOptions({ port, ...(cc && { ecdhCurve: cc }) }))
    const socket = await connect(t, tls, clientOptions({ port, ...(cc && { ecdhCurve: cc }) }))
    t.deepEqual(socket.getEphemeralKeyInfo(), reference.ephemeral, label)
    t.is(socket.getProtocol(), reference.protocol, label)
  }
})

with24('a Node 24 client negotiates each ML-KEM group with a rustls-node server, which reports it', async (t) => {
  for (const [sc, cc] of PAIRS) {
    const label = `${sc ?? 'default'} / ${cc ?? 'default'}`
    let group
    const { port } = await listen(t, tls, serverOptions(sc && { ecdhCurve: sc }), (s) => {
      group = s.getNegotiatedGroup()
      s.end()
    })
    const res = await node24Client(t, clientOptions({ port, ...(cc && { ecdhCurve: cc }) }))
    t.is(res.protocol, 'TLSv1.3', label)
    const expected = res.ephemeral.name
    t.is(group, expected, label)
  }
})

ours("ecdhCurve: OpenSSL 3.5's ML-KEM names in any case; the group is negotiated and reported", async (t) => {
  const cases = {
    X25519MLKEM768: 'X25519MLKEM768',
    x25519mlkem768: 'X25519MLKEM768',
    SecP256r1MLKEM768: 'SecP256r1MLKEM768',
    secp256r1mlkem768: 'SecP256r1MLKEM768',
    MLKEM768: 'MLKEM768',
    mlkem768: 'MLKEM768',
    MLKEM1024: 'MLKEM1024',
  }
  for (const [spelling, name] of Object.entries(cases)) {
    let serverGroup
    const { port } = await listen(t, tls, serverOptions({ ecdhCurve: spelling }), (s) => {
      serverGroup = s.getNegotiatedGroup()
      s.end()
    })
    const socket = await connect(t, tls, clientOptions({ port, ecdhCurve: spelling }))
    t.deepEqual(socket.getEphemeralKeyInfo(), { type: 'TLSGroup', name }, spelling)
    t.is(socket.getNegotiatedGroup(), name, spelling)
    await new Promise((resolve) => socket.once('end', resolve).resume())
    t.is(serverGroup, name, spelling)
  }
  // what OpenSSL 3.5 has and rustls does not: refused as Node refuses an unknown curve
  const err = t.throws(() => tls.createSecureContext({ ecdhCurve: 'SecP384r1MLKEM1024' }))
  t.is(err.code, 'ERR_CRYPTO_OPERATION_FAILED')
})

ours('the default offers X25519MLKEM768 first: rustls-node to rustls-node negotiates it', async (t) => {
  const { port } = await listen(t, tls, serverOptions(), (s) => s.end())
  const socket = await connect(t, tls, clientOptions({ port }))
  t.deepEqual(socket.getEphemeralKeyInfo(), { type: 'TLSGroup', name: 'X25519MLKEM768' })
})

test('classical-only peers still connect: openssl s_client -groups X25519 and node:tls with ecdhCurve P-256', async (t) => {
  const { port } = await listen(t, tls, serverOptions(), (s) => {
    s.on('error', () => {})
    s.end('hi')
  })
  for (const groups of ['X25519', 'P-256']) {
    const res = await runOpensslClient(
      t,
      [
        '-connect',
        `${LOOPBACK}:${port}`,
        '-servername',
        'localhost',
        '-groups',
        groups,
        '-verify_return_error',
        '-CAfile',
        f.path('ca.cert.pem'),
      ],
      '',
      { waitFor: 'hi' },
    )
    t.regex(res.stdout, /Verify return code: 0/, groups)
    t.regex(res.stdout, groups === 'X25519' ? /Server Temp Key: X25519/ : /Server Temp Key: ECDH, prime256v1/, groups)
  }
  // node:tls of this process (Node 20/22: OpenSSL without ML-KEM)
  const { default: nodeTls } = await import('node:tls')
  const socket = await connect(t, nodeTls, clientOptions({ port, ecdhCurve: 'P-256' }))
  t.deepEqual(socket.getEphemeralKeyInfo(), { type: 'ECDH', name: 'prime256v1', size: 256 })
})

test('a rustls-node client with the default groups connects to an OpenSSL 3.0 server without ML-KEM', async (t) => {
  const server = await startOpensslServer(t, [...f.opensslServerArgs('ecdsa'), '-www'])
  const socket = await connect(t, tls, clientOptions({ port: server.port }))
  t.deepEqual(socket.getEphemeralKeyInfo(), { type: 'ECDH', name: 'X25519', size: 253 })
})

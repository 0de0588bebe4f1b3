// Certificate compression (RFC 8879): Node's `certificateCompression`
// option and tls.getCertificateCompressionAlgorithms() (Node 24.x), against
// rustls-node itself and Node 24's node:tls (OpenSSL 3.5) as the peer; the
// local openssl CLI (3.0) has no -cert_comp. Each test counts the server's
// first flight (ServerHello .. Finished) through a proxy: compressed, it is
// smaller.
//
// rustls-node compresses by default (Node does not): a client offers brotli
// and zlib, a server compresses when offered. `[]` turns it off.

import test from 'ava'
import net from 'node:net'

import { firstFlightProxy } from '../scripts/first-flight-proxy.mjs'
import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { node24, node24Client, node24Server } from './helpers/node24.mjs'
import { LOOPBACK, connect, listen, withTimeout } from './helpers/peers.mjs'

const f = await fixtures()
const isNode = underTest === 'node:tls'
const ours = isNode ? test.skip : test
const with24 = node24 && !isNode ? test : test.skip

/**
 * A proxy to `port`. `flight()` resolves with the bytes the server sent
 * before the client's first non-handshake record (its second flight).
 */
async function flightProxy(t, port) {
  const proxy = await firstFlightProxy(port, LOOPBACK)
  t.teardown(proxy.close)
  return { port: proxy.port, flight: () => withTimeout(proxy.flight, 10_000, 'server flight') }
}

// ECDSA signatures vary by a byte or two: "the same size" is within 8 bytes,
// "compressed" is at least 100 bytes smaller.
const near = (t, a, b) => t.true(Math.abs(a - b) <= 8, `${a} ~ ${b}`)
const smaller = (t, a, b) => t.true(a < b - 100, `${a} < ${b} - 100`)

const serverOptions = (extra = {}) => ({ key: f.ecdsa.key, cert: f.ecdsa.chain, ...extra })
const clientOptions = (extra = {}) => ({ servername: 'localhost', ca: f.ca.cert, ...extra })

/** The server's first-flight bytes between a rustls-node server and client with these options. */
async function flight(t, serverExtra, clientExtra) {
  const { port } = await listen(t, tls, serverOptions(serverExtra), (s) => {
    s.on('error', () => {})
    s.end()
  })
  const proxy = await flightProxy(t, port)
  const socket = await connect(t, tls, clientOptions({ port: proxy.port, ...clientExtra }))
  t.is(socket.authorized, true)
  t.is(socket.getProtocol(), 'TLSv1.3')
  return proxy.flight()
}

ours(
  "getCertificateCompressionAlgorithms(): the algorithms rustls has, in Node's order, a fresh array each time",
  (t) => {
    const list = tls.getCertificateCompressionAlgorithms()
    t.deepEqual(list, ['zlib', 'brotli'])
    list.push('x')
    t.deepEqual(tls.getCertificateCompressionAlgorithms(), ['zlib', 'brotli'])
  },
)

with24("getCertificateCompressionAlgorithms(): a subset of Node 24's, in the same order", async (t) => {
  const { runNode24 } = await import('./helpers/node24.mjs')
  const { line } = await runNode24(
    t,
    'console.log(JSON.stringify(require("tls").getCertificateCompressionAlgorithms()))',
  )
  const node = JSON.parse(line)
  const mine = tls.getCertificateCompressionAlgorithms()
  t.deepEqual(
    node.filter((a) => mine.includes(a)),
    mine,
  )
})

ours("certificateCompression: Node's checks and errors (Node 24's)", (t) => {
  const make = (v) => () => tls.createSecureContext({ certificateCompression: v })
  let err = t.throws(make('zlib'))
  t.is(err.code, 'ERR_INVALID_ARG_TYPE')
  t.is(
    err.message,
    'The "options.certificateCompression" property must be an instance of Array. Received type string (\'zlib\')',
  )
  err = t.throws(make(['gzip']))
  t.is(err.code, 'ERR_INVALID_ARG_VALUE')
  t.is(
    err.message,
    "The property 'options.certificateCompression[0]' must be 'zlib', 'brotli', or 'zstd'. Received 'gzip'",
  )
  err = t.throws(make(['zlib', 'brotli', 'zstd', 'zlib']))
  t.is(err.code, 'ERR_INVALID_ARG_VALUE')
  t.regex(err.message, /can specify at most 3 algorithms/)
  // duplicates: OpenSSL refuses the preference list
  err = t.throws(make(['zlib', 'zlib']))
  t.is(err.code, 'ERR_CRYPTO_OPERATION_FAILED')
  t.is(err.message, 'Failed to set certificate compression preference')
  for (const ok of [undefined, null, [], ['zlib'], ['brotli', 'zlib'], ['zstd', 'brotli', 'zlib']]) {
    t.notThrows(make(ok), JSON.stringify(ok))
  }
})

ours(
  "rustls-node to rustls-node: compressed by default, off with [] on either side, algorithms by the server's preference",
  async (t) => {
    const plain = await flight(t, { certificateCompression: [] })
    near(t, await flight(t, {}, { certificateCompression: [] }), plain)
    smaller(t, await flight(t, {}), plain)
    const zlib = await flight(t, { certificateCompression: ['zlib', 'brotli'] })
    const brotli = await flight(t, { certificateCompression: ['brotli', 'zlib'] })
    smaller(t, zlib, plain)
    smaller(t, brotli, plain)
    t.not(zlib, brotli, "the server's first choice is used")
    // nothing in common, or only zstd (no codec): uncompressed
    near(t, await flight(t, { certificateCompression: ['zlib'] }, { certificateCompression: ['brotli'] }), plain)
    near(t, await flight(t, { certificateCompression: ['zstd'] }), plain)
  },
)

ours('client certificates are compressed too (the client compresses when the server offers)', async (t) => {
  // a server that asks for a client certificate; count the client's bytes instead
  const measure = async (cc) => {
    const { port } = await listen(t, tls, serverOptions({ requestCert: true, rejectUnauthorized: false }), (s) => {
      s.on('error', () => {})
      s.end()
    })
    let clientBytes = 0
    const proxy = net.createServer((down) => {
      const up = net.connect(port, LOOPBACK)
      down.on('data', (d) => {
        clientBytes += d.length
        up.write(d)
      })
      up.pipe(down)
      for (const s of [up, down])
        s.on('error', () => {
          up.destroy()
          down.destroy()
        })
    })
    await new Promise((resolve) => proxy.listen(0, LOOPBACK, resolve))
    t.teardown(() => proxy.close())
    // a leaf and its intermediate, as a client certificate
    const socket = await connect(
      t,
      tls,
      clientOptions({ port: proxy.address().port, key: f.rsa.key, cert: f.rsa.chain, ...cc }),
    )
    await new Promise((resolve) => socket.once('close', resolve).resume())
    return clientBytes
  }
  const plain = await measure({ certificateCompression: [] })
  smaller(t, await measure({}), plain)
})

ours("server.setSecureContext() carries certificateCompression, as Node's does", async (t) => {
  const { server, port } = await listen(t, tls, serverOptions(), (s) => {
    s.on('error', () => {})
    s.end()
  })
  t.is(server.certificateCompression, undefined)
  server.setSecureContext(serverOptions({ certificateCompression: [] }))
  t.deepEqual(server.certificateCompression, [])
  const proxy = await flightProxy(t, port)
  await connect(t, tls, clientOptions({ port: proxy.port }))
  const off = await proxy.flight()
  server.setSecureContext(serverOptions())
  const proxy2 = await flightProxy(t, port)
  await connect(t, tls, clientOptions({ port: proxy2.port }))
  smaller(t, await proxy2.flight(), off)
})

with24(
  "Node 24 (OpenSSL 3.5) client: rustls-node's server compresses with what it offers, and not when it offers nothing",
  async (t) => {
    const { port } = await listen(t, tls, serverOptions(), (s) => {
      s.on('error', () => {})
      s.end()
    })
    const sizes = {}
    for (const cc of [undefined, ['zlib'], ['brotli']]) {
      const proxy = await flightProxy(t, port)
      const res = await node24Client(t, {
        port: proxy.port,
        servername: 'localhost',
        ca: f.ca.cert,
        ...(cc && { certificateCompression: cc }),
      })
      t.is(res.protocol, 'TLSv1.3', JSON.stringify(res))
      sizes[cc?.[0] ?? 'none'] = await proxy.flight()
    }
    smaller(t, sizes.zlib, sizes.none)
    smaller(t, sizes.brotli, sizes.none)
  },
)

with24(
  "Node 24 (OpenSSL 3.5) server: rustls-node's client decompresses and verifies its zlib and brotli chains",
  async (t) => {
    const sizes = {}
    for (const cc of [undefined, ['zlib'], ['brotli']]) {
      const port = await node24Server(t, serverOptions(cc && { certificateCompression: cc }))
      const proxy = await flightProxy(t, port)
      const socket = await connect(t, tls, clientOptions({ port: proxy.port }))
      t.is(socket.authorized, true)
      t.is(socket.getPeerCertificate().subject.CN, 'localhost')
      sizes[cc?.[0] ?? 'none'] = await proxy.flight()
    }
    smaller(t, sizes.zlib, sizes.none)
    smaller(t, sizes.brotli, sizes.none)
    // and with [] the client offers nothing: the server sends it uncompressed
    const port = await node24Server(t, serverOptions({ certificateCompression: ['brotli'] }))
    const proxy = await flightProxy(t, port)
    await connect(t, tls, clientOptions({ port: proxy.port, certificateCompression: [] }))
    near(t, await proxy.flight(), sizes.none)
  },
)

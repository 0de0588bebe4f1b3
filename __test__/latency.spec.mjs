// Latency stalls and write batching: what a request/response protocol sees
// on a new connection with Nagle's algorithm on (Node's default), and how a
// batch of writes leaves the socket. A stall here is the peer's delayed ACK:
// about 40 ms on Linux, far above every bound below.
//
// The module is tested in both roles against node:tls. Where node:tls itself
// stalls (a TLS 1.3 server answering a little after the request: its
// session tickets go out alone, and the reply waits behind them), the test
// runs on rustls-node only and says so.

import test from 'ava'
import net from 'node:net'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { LOOPBACK, listen, once, until } from './helpers/peers.mjs'

const f = await fixtures()
const creds = { key: f.ecdsa.key, cert: f.ecdsa.chain }
const STALL_MS = 25

/** A server that echoes every chunk, at once or `delayMs` later. */
function echo(serverTls, options, delayMs) {
  return (t) =>
    listen(t, serverTls, { ...creds, ...options }, (s) => {
      s.on('error', () => {})
      s.on('data', (d) => (delayMs ? setTimeout(() => s.write(d), delayMs) : s.write(d)))
    })
}

/**
 * `rounds` new connections, each: handshake, then two request/response
 * exchanges. Returns the median over connections of each one's slowest
 * exchange (ms): a stall hits every new connection, so it moves the median
 * past 40 ms, while a busy machine only delays some of them.
 */
async function slowestExchange(t, clientTls, port, version, rounds = 9) {
  const perConnection = []
  for (let i = 0; i < rounds; i++) {
    const c = clientTls.connect({ host: LOOPBACK, port, servername: 'localhost', ca: f.ca.cert, maxVersion: version })
    t.teardown(() => c.destroy())
    await once(c, 'secureConnect')
    let slowest = 0
    for (const message of ['request one', 'request two']) {
      const start = performance.now()
      c.write(message)
      await once(c, 'data')
      slowest = Math.max(slowest, performance.now() - start)
    }
    perConnection.push(slowest)
    c.destroy()
  }
  perConnection.sort((a, b) => a - b)
  return perConnection[rounds >> 1]
}

for (const version of ['TLSv1.2', 'TLSv1.3']) {
  for (const delayMs of [0, 3]) {
    const when = delayMs ? `answering ${delayMs} ms later` : 'answering at once'
    const serverTest = delayMs && version === 'TLSv1.3' && underTest === 'node:tls' ? test.skip : test
    serverTest(`${version} server ${when}: no request waits for a delayed ACK (node:tls client)`, async (t) => {
      const { port } = await echo(tls, { maxVersion: version }, delayMs)(t)
      const slowest = await slowestExchange(t, nodeTls, port, version)
      t.true(slowest < STALL_MS + delayMs, `median slowest exchange ${slowest.toFixed(1)} ms`)
    })
  }
  test(`${version} client: no request waits for a delayed ACK (node:tls server answering at once)`, async (t) => {
    const { port } = await echo(nodeTls, { maxVersion: version }, 0)(t)
    const slowest = await slowestExchange(t, tls, port, version)
    t.true(slowest < STALL_MS, `median slowest exchange ${slowest.toFixed(1)} ms`)
  })
  test(`${version} client and server of the module: no stall, answering at once or later`, async (t) => {
    for (const delayMs of [0, 3]) {
      const { port } = await echo(tls, { maxVersion: version }, delayMs)(t)
      const slowest = await slowestExchange(t, tls, port, version)
      if (!(delayMs && version === 'TLSv1.3' && underTest === 'node:tls')) {
        t.true(slowest < STALL_MS + delayMs, `delay ${delayMs}: median slowest exchange ${slowest.toFixed(1)} ms`)
      }
    }
  })
}

/**
 * A TCP relay between a client and `port` that records the size of every
 * chunk it reads from the side named `watch` ('client' or 'server').
 */
async function relay(t, port, watch) {
  const chunks = []
  const server = net.createServer((a) => {
    const b = net.connect(port, LOOPBACK)
    a.setNoDelay(true)
    b.setNoDelay(true)
    const from = watch === 'client' ? a : b
    from.on('data', (d) => chunks.push(d.length))
    a.pipe(b).pipe(a)
    a.on('error', () => b.destroy())
    b.on('error', () => a.destroy())
  })
  await new Promise((resolve) => server.listen(0, LOOPBACK, resolve))
  t.teardown(() => server.close())
  return { port: server.address().port, chunks }
}

/**
 * Once the handshake's segments have gone through the relay `r`, writes a
 * corked batch of ten parts to `socket`; `received()` must then be all of
 * them (waited for, bounded), and they must have crossed the relay in one
 * TCP segment.
 */
async function assertCorkedBatchInOneSegment(t, r, socket, received) {
  await new Promise((resolve) => setTimeout(resolve, 50)) // the handshake's segments are read
  const before = r.chunks.length
  socket.cork()
  for (let i = 0; i < 10; i++) socket.write(`part ${i};`)
  socket.uncork()
  const expected = Array.from({ length: 10 }, (_, i) => `part ${i};`).join('')
  const deadline = Date.now() + 5000
  while (received().length < expected.length && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 5))
  t.is(received(), expected)
  t.is(r.chunks.length - before, 1, `segments: ${r.chunks.slice(before)}`)
}

test('a corked batch of writes leaves the client in one TCP segment', async (t) => {
  let received = ''
  const { port } = await listen(t, nodeTls, creds, (s) =>
    s.on('data', (d) => {
      received += d
    }),
  )
  const r = await relay(t, port, 'client')
  const c = tls.connect({ host: LOOPBACK, port: r.port, servername: 'localhost', ca: f.ca.cert })
  t.teardown(() => c.destroy())
  await once(c, 'secureConnect')
  await assertCorkedBatchInOneSegment(t, r, c, () => received)
})

test('a corked batch of writes leaves the server in one TCP segment', async (t) => {
  let serverSocket
  const { port } = await listen(t, tls, creds, (s) => {
    serverSocket = s
  })
  const r = await relay(t, port, 'server')
  const c = nodeTls.connect({ host: LOOPBACK, port: r.port, servername: 'localhost', ca: f.ca.cert })
  t.teardown(() => c.destroy())
  let received = ''
  c.on('data', (d) => {
    received += d
  })
  await once(c, 'secureConnect')
  await until(() => serverSocket, 5000, "the server's secureConnection")
  // TLS 1.3 tickets may ride along, in the same segment.
  await assertCorkedBatchInOneSegment(t, r, serverSocket, () => received)
})

test('1,000 sequential connections with a request and a reply: no slower than node:tls x 1.5', async (t) => {
  t.timeout(120_000)
  const N = 1000
  async function run(serverTls, clientTls) {
    const { port } = await echo(serverTls, {}, 0)(t)
    const start = performance.now()
    for (let i = 0; i < N; i++) {
      const c = clientTls.connect({ host: LOOPBACK, port, servername: 'localhost', ca: f.ca.cert })
      await once(c, 'secureConnect')
      c.write('ping')
      await once(c, 'data')
      c.destroy()
    }
    return performance.now() - start
  }
  const reference = await run(nodeTls, nodeTls)
  const ours = await run(tls, tls)
  t.log(`node:tls ${reference.toFixed(0)} ms, under test ${ours.toFixed(0)} ms`)
  t.true(ours < reference * 1.5, `${ours.toFixed(0)} ms vs node:tls ${reference.toFixed(0)} ms`)
})

// Stream semantics of the implementation's TLSSocket (Duplex / net.Socket
// behaviour), always against a node:tls peer. Expectations are what a
// node:tls socket does (TLS_IMPL=node runs this file against node:tls).

import test from 'ava'
import { createHash } from 'node:crypto'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import {
  LOOPBACK,
  closed,
  collect,
  connect,
  delay,
  drain,
  eventLog,
  listen,
  once,
  pseudoRandomChunks,
  pump,
  sha256Stream,
  squash,
  until,
  watchClose,
  withTimeout,
} from './helpers/peers.mjs'

const f = await fixtures()
const serverCreds = { key: f.rsa.key, cert: f.rsa.chain }
const clientCreds = { servername: 'localhost', ca: f.ca.cert }
const MiB = 1 << 20

/**
 * A connected pair: `impl` is the implementation's socket, `peer` the
 * node:tls one. `role` says which side the implementation plays.
 * `serverOptions`/`clientOptions` are merged into the respective side.
 */
async function pair(t, role, { serverOptions = {}, clientOptions = {} } = {}) {
  const serverModule = role === 'server' ? tls : nodeTls
  const clientModule = role === 'server' ? nodeTls : tls
  let accepted
  const gotSocket = new Promise((resolve) => {
    accepted = resolve
  })
  const { port } = await listen(t, serverModule, { ...serverCreds, ...serverOptions }, (socket) => accepted(socket))
  const client = await connect(t, clientModule, { port, ...clientCreds, ...clientOptions })
  const server = await withTimeout(gotSocket, 10_000, 'secureConnection')
  watchClose(server)
  t.teardown(() => server.destroy())
  return role === 'server' ? { impl: server, peer: client } : { impl: client, peer: server }
}

// ---------------------------------------------------------------------------
// Bulk data

for (const role of ['client', 'server']) {
  test.serial(`64 MiB each way at once, SHA-256 verified (implementation as ${role})`, async (t) => {
    const total = 64 * MiB
    const { impl, peer } = await pair(t, role)
    // Both directions run concurrently; neither side ends until it has
    // received everything (with allowHalfOpen false an early end would end
    // the other side's writable too).
    const [implGot, implSent, peerGot, peerSent] = await Promise.all([
      sha256Stream(impl, { bytes: total }),
      pump(impl, total, { seed: 1, end: false }),
      sha256Stream(peer, { bytes: total }),
      pump(peer, total, { seed: 2, end: false }),
    ])
    t.is(implGot.bytes, total)
    t.is(peerGot.bytes, total)
    t.is(implGot.hash, peerSent.hash)
    t.is(peerGot.hash, implSent.hash)
    const peerEnded = once(peer, 'end')
    impl.end()
    await peerEnded
    await Promise.all([closed(impl), closed(peer)])
  })
}

test('thousands of tiny writes arrive complete and in order, both directions', async (t) => {
  const n = 5000
  const { impl, peer } = await pair(t, 'client')
  const expected = Array.from({ length: n }, (_, i) => `${i};`).join('')
  const peerGot = collect(peer)
  const implGot = collect(impl)
  for (let i = 0; i < n; i++) {
    impl.write(`${i};`)
    peer.write(`${i};`)
  }
  impl.end()
  peer.end()
  t.is((await peerGot).toString(), expected)
  t.is((await implGot).toString(), expected)
})

// ---------------------------------------------------------------------------
// Backpressure

/**
 * While `receiver` is paused, `sender` writes 64 KiB chunks as fast as
 * backpressure allows. Checks that write() returns false, that the amount
 * accepted while the receiver is paused stays bounded (the data is not being
 * slurped into some unbounded buffer), that the buffered lengths on both
 * sides stay small, and that after resume() 'drain' comes and every byte
 * arrives intact.
 */
async function slowReader(t, sender, receiver) {
  const total = 32 * MiB
  const chunk = 64 * 1024
  receiver.pause()
  const stats = { accepted: 0, falseWrites: 0, drains: 0 }
  const hashIn = sha256Stream(receiver, { bytes: total, ms: 60_000 })
  receiver.pause() // sha256Stream added a 'data' listener; stay paused
  const writer = (async () => {
    const h = createHash('sha256')
    for (const c of pseudoRandomChunks(total, chunk, 7)) {
      h.update(c)
      stats.accepted += c.length
      if (!sender.write(c)) {
        stats.falseWrites++
        await drain(sender, 60_000)
        stats.drains++
      }
    }
    return h.digest('hex')
  })()

  let maxReadable = 0
  let maxWritable = 0
  for (let i = 0; i < 8; i++) {
    await delay(60)
    maxReadable = Math.max(maxReadable, receiver.readableLength)
    maxWritable = Math.max(maxWritable, sender.writableLength)
  }
  const acceptedWhilePaused = stats.accepted
  t.true(receiver.isPaused())
  t.true(stats.falseWrites > 0, 'write() returned false')
  t.true(acceptedWhilePaused < 16 * MiB, `accepted ${acceptedWhilePaused} bytes while the reader was paused`)
  t.true(maxReadable < 4 * MiB, `receiver.readableLength reached ${maxReadable}`)
  t.true(maxWritable < 4 * MiB, `sender.writableLength reached ${maxWritable}`)

  receiver.resume()
  const [sentHash, got] = await Promise.all([writer, hashIn])
  t.is(got.bytes, total)
  t.is(got.hash, sentHash)
  t.is(stats.drains, stats.falseWrites, "every false write() was followed by 'drain'")
  t.true(stats.drains > 0)
}

test.serial('slow reader: the implementation sends to a paused node:tls reader', async (t) => {
  const { impl, peer } = await pair(t, 'client')
  await slowReader(t, impl, peer)
})

test.serial('slow reader: node:tls sends to a paused implementation reader', async (t) => {
  const { impl, peer } = await pair(t, 'client')
  await slowReader(t, peer, impl)
})

// ---------------------------------------------------------------------------
// Flow control, encodings, half-close

test('pause() stops data events even with a data listener; resume() delivers in order', async (t) => {
  const { impl, peer } = await pair(t, 'client')
  impl.pause()
  const chunks = []
  impl.on('data', (d) => chunks.push(d.toString()))
  peer.write('one,')
  peer.write('two,')
  await delay(150)
  peer.write('three')
  await delay(150)
  t.true(impl.isPaused())
  t.deepEqual(chunks, [])
  impl.resume()
  await until(() => chunks.join('') === 'one,two,three', 5000, 'data after resume()')
  t.false(impl.isPaused())
  t.is(chunks.join(''), 'one,two,three')
})

test("setEncoding('utf8'): multi-byte characters split across records decode correctly", async (t) => {
  const { impl, peer } = await pair(t, 'client')
  const text = 'grüße — 日本語 — 🦀🔒'
  const bytes = Buffer.from(text, 'utf8')
  impl.setEncoding('utf8')
  const parts = []
  impl.on('data', (d) => parts.push(d))
  // Write one byte at a time with pauses, so characters straddle records.
  for (let i = 0; i < bytes.length; i++) {
    peer.write(bytes.subarray(i, i + 1))
    if (i % 5 === 0) await delay(5)
  }
  peer.end()
  await once(impl, 'end')
  t.true(parts.length > 1)
  t.true(parts.every((p) => typeof p === 'string'))
  t.is(parts.join(''), text)
  t.false(parts.join('').includes('\uFFFD'))
})

const halfCloseCases = [
  { role: 'client', first: 'impl', version: undefined },
  { role: 'client', first: 'peer', version: undefined },
  { role: 'client', first: 'peer', version: 'TLSv1.2' },
  { role: 'server', first: 'peer', version: undefined },
  { role: 'server', first: 'impl', version: undefined },
]

for (const { role, first, version } of halfCloseCases) {
  const title =
    `allowHalfOpen: ${first === 'impl' ? 'the implementation' : 'node:tls'} ends first, ` +
    `the other side still writes, then ends (implementation as ${role}${version ? `, ${version}` : ''})`
  test(title, async (t) => {
    const versionOpts = version ? { maxVersion: version } : {}
    const { impl, peer } = await pair(t, role, {
      serverOptions: { allowHalfOpen: true, ...versionOpts },
      clientOptions: { allowHalfOpen: true, ...versionOpts },
    })
    const [a, b] = first === 'impl' ? [impl, peer] : [peer, impl]
    const aLog = eventLog(a, ['end', 'finish', 'close', 'error'])
    const bLog = eventLog(b, ['end', 'finish', 'close', 'error'])
    const aGot = collect(a)
    const bGot = collect(b)
    a.end('request')
    t.is((await bGot).toString(), 'request')
    // b has seen 'end' but is still writable.
    t.true(b.writable)
    await delay(20)
    t.true(b.write('response after end, '))
    b.end('goodbye')
    t.is((await aGot).toString(), 'response after end, goodbye')
    await Promise.all([closed(a), closed(b)])
    t.deepEqual(aLog, ['finish', 'end', 'close'])
    t.deepEqual(bLog, ['end', 'finish', 'close'])
  })
}

test('allowHalfOpen false (default): when the peer ends, the socket ends its side and closes', async (t) => {
  const { impl, peer } = await pair(t, 'client')
  const log = eventLog(impl, ['data', 'end', 'finish', 'close', 'error'])
  const got = collect(impl)
  const peerGot = collect(peer)
  peer.end('bye')
  t.is((await got).toString(), 'bye')
  await closed(impl)
  t.is((await peerGot).length, 0)
  t.deepEqual(squash(log), ['data', 'end', 'finish', 'close'])
  t.false(impl.writable)
})

// ---------------------------------------------------------------------------
// Lifecycle

test('write() + end() before the handshake completes: data delivered, clean close', async (t) => {
  const received = []
  const { port } = await listen(t, nodeTls, serverCreds, (s) => {
    s.on('error', () => {})
    let data = ''
    s.on('data', (d) => {
      data += d
    })
    s.on('end', () => {
      received.push(data)
      s.end()
    })
  })
  const socket = tls.connect({ port, host: LOOPBACK, ...clientCreds })
  t.teardown(() => socket.destroy())
  watchClose(socket)
  const log = eventLog(socket, ['secureConnect', 'end', 'finish', 'close', 'error'])
  t.true(socket.write('hello '))
  socket.end('world')
  socket.resume()
  await closed(socket)
  t.deepEqual(received, ['hello world'])
  t.true(log.includes('secureConnect'))
  t.false(log.includes('error'))
  t.is(log.at(-1), 'close')
})

test('destroy() after connect: close without error, the peer sees the connection go', async (t) => {
  const { impl, peer } = await pair(t, 'client')
  peer.on('error', () => {})
  peer.resume()
  const log = eventLog(impl, ['end', 'finish', 'close', 'error'])
  impl.destroy()
  t.true(impl.destroyed)
  await closed(impl)
  t.deepEqual(log, ['close'])
  await closed(peer)
})

test('destroy(err): emits that error, then close', async (t) => {
  const { impl, peer } = await pair(t, 'client')
  peer.on('error', () => {})
  const log = eventLog(impl, ['end', 'close', 'error'])
  const boom = new Error('boom')
  const errP = once(impl, 'error')
  impl.destroy(boom)
  t.is(await errP, boom)
  await closed(impl)
  t.deepEqual(log, ['error', 'close'])
})

test('destroy() during the handshake: no secureConnect, no error, close', async (t) => {
  const { port } = await listen(t, nodeTls, serverCreds, (s) => {
    s.on('error', () => {})
  })
  const socket = tls.connect({ port, host: LOOPBACK, ...clientCreds })
  t.teardown(() => socket.destroy())
  watchClose(socket)
  const log = eventLog(socket, ['secureConnect', 'data', 'end', 'close', 'error'])
  socket.destroy()
  await closed(socket)
  await delay(50)
  t.deepEqual(log, ['close'])
})

test("setTimeout(): 'timeout' fires on idle without destroying; setTimeout(0) disables it", async (t) => {
  const { impl } = await pair(t, 'client')
  const started = Date.now()
  let callbackCalls = 0
  t.is(
    impl.setTimeout(200, () => {
      callbackCalls++
    }),
    impl,
  )
  await once(impl, 'timeout', 5000)
  const elapsed = Date.now() - started
  t.true(elapsed >= 150, `timeout after ${elapsed} ms`)
  t.is(callbackCalls, 1)
  t.false(impl.destroyed)
  t.true(impl.writable)
  impl.setTimeout(0)
  let more = 0
  impl.on('timeout', () => {
    more++
  })
  await delay(400)
  t.is(more, 0)
})

test('setTimeout(): activity postpones the timeout', async (t) => {
  const { impl, peer } = await pair(t, 'client')
  const echo = (d) => peer.write(d)
  peer.on('data', echo)
  let fired = 0
  impl.setTimeout(300)
  impl.on('timeout', () => {
    fired++
  })
  impl.resume()
  // Keep traffic flowing every 100 ms for 600 ms: no timeout.
  for (let i = 0; i < 6; i++) {
    impl.write('x')
    await delay(100)
  }
  t.is(fired, 0)
  await once(impl, 'timeout', 5000)
  t.is(fired, 1)
  impl.setTimeout(0)
})

test('bytesRead / bytesWritten count application bytes, as node:tls', async (t) => {
  const { port } = await listen(t, nodeTls, { key: f.rsa.key, cert: f.rsa.chain }, (s) => {
    s.on('error', () => {})
    s.once('data', () => s.end('hello'))
  })
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert })
  t.teardown(() => socket.destroy())
  socket.on('secureConnect', () => socket.write('abc'))
  await collect(socket)
  t.is(socket.bytesRead, 5)
  t.is(socket.bytesWritten, 3)
})

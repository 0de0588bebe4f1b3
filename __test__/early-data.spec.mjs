// TLS 1.3 early data (0-RTT): tls.connect's earlyData, createServer's
// maxEarlyData, socket.earlyDataAccepted. Against real peers: a rustls-node
// server, `openssl s_server -early_data` and `openssl s_client -early_data`.
// What the server gets is checked by hash: all of the early data, once,
// before what was written after it, whether it was accepted as 0-RTT or
// resent after a rejection. node:tls has no early data: rustls-node only.

import test from 'ava'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import {
  LOOPBACK,
  collect,
  listen,
  runOpensslClient,
  startOpensslServer,
  until,
  withTimeout,
} from './helpers/peers.mjs'

const f = await fixtures()
const ownTest = underTest === 'rustls-node' ? test : test.skip
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex')

/**
 * A server that answers each connection, once the client ends, with
 * `<accepted> <reused> <sha256 of all bytes received>`.
 */
async function hashServer(t, options = {}) {
  const seen = []
  const s = await listen(t, tls, { key: f.rsa.key, cert: f.rsa.chain, ...options }, (socket) => {
    socket.on('error', () => {})
    const chunks = []
    socket.on('data', (d) => chunks.push(d))
    socket.on('end', () => {
      const data = Buffer.concat(chunks)
      seen.push({ accepted: socket.earlyDataAccepted, reused: socket.isSessionReused(), data })
      socket.end(`${socket.earlyDataAccepted} ${socket.isSessionReused()} ${sha(data)}`)
    })
  })
  return { ...s, seen }
}

/** A full handshake that ends as soon as the session (with its ticket) arrives. */
async function firstSession(t, port) {
  const socket = tls.connect({ host: LOOPBACK, port, servername: 'localhost', ca: f.ca.cert })
  t.teardown(() => socket.destroy())
  socket.on('error', () => {})
  const session = await withTimeout(new Promise((resolve) => socket.once('session', resolve)), 10_000, 'session')
  socket.end()
  return session
}

/** Connects with `earlyData`, writes `later` after 'secureConnect', ends; resolves with what the server answered. */
async function sendEarly(t, port, options, later) {
  const socket = tls.connect({ host: LOOPBACK, port, servername: 'localhost', ca: f.ca.cert, ...options })
  t.teardown(() => socket.destroy())
  const answer = collect(socket)
  await withTimeout(
    new Promise((resolve, reject) => {
      socket.once('secureConnect', resolve)
      socket.once('error', reject)
    }),
    10_000,
    'secureConnect',
  )
  const state = { earlyDataAccepted: socket.earlyDataAccepted, reused: socket.isSessionReused() }
  if (later) socket.write(later)
  socket.end()
  return { socket: state, answer: (await answer).toString() }
}

ownTest('rustls-node → rustls-node: earlyData is accepted as 0-RTT and arrives first, in order', async (t) => {
  const { port, seen } = await hashServer(t, { maxEarlyData: 16384 })
  const session = await firstSession(t, port)
  const early = crypto.randomBytes(10_000)
  const later = crypto.randomBytes(50_000)
  const { socket, answer } = await sendEarly(t, port, { session, earlyData: early }, later)
  t.true(socket.reused)
  t.true(socket.earlyDataAccepted)
  t.is(answer, `true true ${sha(Buffer.concat([early, later]))}`)
  t.true(seen.at(-1).accepted)
})

/**
 * A TCP proxy that holds the client's second flight: once the server has
 * sent anything, the client's bytes wait until `release()`.
 */
async function gateProxy(t, target) {
  const gates = []
  const proxy = net.createServer((inbound) => {
    const outbound = net.connect(target, LOOPBACK)
    const gate = { serverSpoke: false, held: [], open: false }
    gate.release = () => {
      gate.open = true
      for (const d of gate.held) outbound.write(d)
      gate.held = []
    }
    gates.push(gate)
    inbound.on('data', (d) => {
      if (gate.serverSpoke && !gate.open) gate.held.push(d)
      else outbound.write(d)
    })
    outbound.on('data', (d) => {
      gate.serverSpoke = true
      inbound.write(d)
    })
    inbound.on('error', () => outbound.destroy())
    outbound.on('error', () => inbound.destroy())
    inbound.on('close', () => outbound.destroy())
    outbound.on('close', () => inbound.destroy())
  })
  await new Promise((resolve) => proxy.listen(0, LOOPBACK, resolve))
  t.teardown(() => proxy.close())
  return { port: proxy.address().port, gates }
}

ownTest("the server answers early data before the client's Finished (0.5-RTT): a round trip saved", async (t) => {
  const events = []
  const { port } = await listen(t, tls, { key: f.rsa.key, cert: f.rsa.chain, maxEarlyData: 16384 }, (socket) => {
    socket.on('error', () => {})
    events.push(`secureConnection ${socket.earlyDataAccepted}`)
    socket.on('data', (d) => socket.write(`answer to ${d}`))
  })
  const session = await firstSession(t, port)
  const gate = await gateProxy(t, port)
  const socket = tls.connect({
    host: LOOPBACK,
    port: gate.port,
    servername: 'localhost',
    ca: f.ca.cert,
    session,
    earlyData: 'GET /',
  })
  t.teardown(() => socket.destroy())
  socket.on('error', () => {})
  // The client's Finished is held by the proxy: the answer can only come
  // from a server that answered the early data at once.
  const answer = await withTimeout(new Promise((resolve) => socket.once('data', resolve)), 10_000, 'answer')
  t.is(answer.toString(), 'answer to GET /')
  t.true(socket.earlyDataAccepted)
  t.is(events.at(-1), 'secureConnection true')
  gate.gates.at(-1).release()
  // The handshake still completes, and the connection goes on.
  const next = new Promise((resolve) => socket.once('data', resolve))
  socket.write('more')
  t.is((await withTimeout(next, 10_000, 'second answer')).toString(), 'answer to more')
})

ownTest(
  'earlyData larger than maxEarlyData: the part that fits goes early, the rest after, nothing lost',
  async (t) => {
    const { port } = await hashServer(t, { maxEarlyData: 1000 })
    const session = await firstSession(t, port)
    const early = crypto.randomBytes(40_000)
    const { socket, answer } = await sendEarly(t, port, { session, earlyData: early }, 'after')
    t.true(socket.earlyDataAccepted)
    t.is(answer, `true true ${sha(Buffer.concat([early, Buffer.from('after')]))}`)
  },
)

ownTest('a server that rejects early data: the client resends it after the handshake, nothing lost', async (t) => {
  // The session allows early data (its server had maxEarlyData); a server
  // without it, that cannot resume the ticket, rejects the early data.
  const first = await hashServer(t, { maxEarlyData: 16384 })
  const session = await firstSession(t, first.port)
  const other = await hashServer(t, {})
  const early = Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')
  const { socket, answer } = await sendEarly(t, other.port, { session, earlyData: early }, 'and then')
  t.false(socket.earlyDataAccepted)
  t.false(socket.reused)
  t.is(answer, `false false ${sha(Buffer.concat([early, Buffer.from('and then')]))}`)
})

ownTest('a server without maxEarlyData issues no 0-RTT tickets: earlyData goes after the handshake', async (t) => {
  const { port } = await hashServer(t, {})
  const session = await firstSession(t, port)
  const early = Buffer.from('early bytes')
  const { socket, answer } = await sendEarly(t, port, { session, earlyData: early }, 'late bytes')
  t.true(socket.reused)
  t.false(socket.earlyDataAccepted)
  t.is(answer, `false true ${sha(Buffer.from('early byteslate bytes'))}`)
})

ownTest('earlyData without a session is ordinary data', async (t) => {
  const { port } = await hashServer(t, { maxEarlyData: 16384 })
  const { socket, answer } = await sendEarly(t, port, { earlyData: 'hello' }, ' world')
  t.false(socket.earlyDataAccepted)
  t.is(answer, `false false ${sha(Buffer.from('hello world'))}`)
})

ownTest('rustls-node client → openssl s_server -early_data: the server reads the early data', async (t) => {
  const server = await startOpensslServer(t, [...f.opensslServerArgs('rsa'), '-tls1_3', '-early_data'])
  const session = await firstSession(t, server.port)
  const socket = tls.connect({
    host: LOOPBACK,
    port: server.port,
    servername: 'localhost',
    ca: f.ca.cert,
    session,
    earlyData: 'zero-rtt-payload\n',
  })
  t.teardown(() => socket.destroy())
  socket.on('error', () => {})
  await withTimeout(new Promise((resolve) => socket.once('secureConnect', resolve)), 10_000, 'secureConnect')
  t.true(socket.isSessionReused())
  t.true(socket.earlyDataAccepted)
  socket.write('after-handshake\n')
  await until(() => server.output().stdout.includes('after-handshake'), 10_000, 'data at s_server')
  const out = server.output().stdout
  // s_server writes what it reads straight to stdout, its own lines
  // through a buffer: the payload may come before its "Early data" line.
  t.true(out.includes('Early data received:'))
  t.true(out.includes('End of early data'))
  t.is(out.split('zero-rtt-payload').length, 2, 'once')
  t.true(out.indexOf('zero-rtt-payload') < out.indexOf('after-handshake'))
})

ownTest(
  'openssl s_client -early_data → rustls-node server: accepted once; the same ticket again is not (anti-replay)',
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'early-data-'))
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
    const sess = path.join(dir, 'sess.pem')
    const earlyFile = path.join(dir, 'early.txt')
    fs.writeFileSync(earlyFile, 'GET /idempotent\n')
    const seen = []
    const { port } = await listen(t, tls, { key: f.rsa.key, cert: f.rsa.chain, maxEarlyData: 4096 }, (socket) => {
      socket.on('error', () => {})
      const chunks = []
      const entry = { accepted: socket.earlyDataAccepted, reused: socket.isSessionReused(), data: '' }
      seen.push(entry)
      socket.on('data', (d) => {
        chunks.push(d)
        entry.data = Buffer.concat(chunks).toString()
      })
      socket.write('hello\n')
    })
    const common = ['-connect', `${LOOPBACK}:${port}`, '-servername', 'localhost', '-CAfile', f.path('ca.cert.pem')]
    await runOpensslClient(t, [...common, '-tls1_3', '-sess_out', sess], '', { waitFor: 'hello' })
    t.true(fs.existsSync(sess))
    const a = await runOpensslClient(t, [...common, '-sess_in', sess, '-early_data', earlyFile], '', {
      waitFor: 'hello',
    })
    t.regex(a.stdout, /Reused, TLSv1\.3/)
    await until(() => seen.length === 2 && seen[1].data.includes('GET /idempotent'), 5000, 'early data at server')
    t.true(seen[1].accepted)
    t.true(seen[1].reused)
    // The very same ticket again (a replay): the server took it out of its
    // store on first use, so no resumption and no 0-RTT.
    const b = await runOpensslClient(t, [...common, '-sess_in', sess, '-early_data', earlyFile], '', {
      waitFor: 'hello',
    })
    t.regex(b.stdout, /New, TLSv1\.3/)
    await until(() => seen.length === 3, 5000, 'third connection')
    t.false(seen[2].accepted)
    t.false(seen[2].reused)
    t.false(seen[2].data.includes('GET /idempotent'))
  },
)

ownTest('option checks: earlyData and maxEarlyData', (t) => {
  t.throws(() => tls.connect({ port: 1, earlyData: 42 }), { code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => tls.connect({ port: 1, earlyData: '' }), { code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => tls.createSecureContext({ maxEarlyData: 'lots' }), { code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => tls.createSecureContext({ maxEarlyData: -1 }), { code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => tls.createServer({ maxEarlyData: 1.5 }), { code: 'ERR_OUT_OF_RANGE' })
  t.notThrows(() => tls.createSecureContext({ maxEarlyData: 0 }))
})

// How a TLSSocket comes to life and goes away, against node:tls peers:
//
//  - transports: tls.connect({ socket }) over a net.Socket that connects
//    only later, or over a plain Duplex bridged to TCP; new TLSSocket()
//    without a socket, then connect()
//  - a server that starts its sockets paused (pauseOnConnect)
//  - AbortSignal: tls.connect({ signal }) aborted before, during and just
//    after connect(); new TLSSocket(undefined, { signal })
//  - teardown: a write queued before the handshake when the server drops the
//    connection; a server TLSSocket whose net.Socket is destroyed under it
//  - STARTTLS-style server sockets (new TLSSocket(raw, { isServer: true,
//    server: netServer })) that have no tls.Server behind them
//  - what the errors carry (host/port/localAddress/path, library/reason)
//  - argument validation, compared with node:tls in-process (same name,
//    code and message), and null/false option values meaning "not set"
//
// Expectations are node:tls's (TLS_IMPL=node runs this file against it).

import test from 'ava'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import {
  LOOPBACK,
  closed,
  connect,
  connectError,
  delay,
  duplexPair,
  echoServer,
  eventLog,
  listen,
  once,
  readUntil,
  tcpConnect,
  tcpServer,
  until,
  watchClose,
  withTimeout,
} from './helpers/peers.mjs'

const f = await fixtures()
const serverCreds = { key: f.rsa.key, cert: f.rsa.chain }
const clientCreds = { servername: 'localhost', ca: f.ca.cert }

/** Writes `text` and resolves with what comes back until it has all arrived. */
function roundTrip(socket, text) {
  const back = readUntil(socket, text)
  socket.write(text)
  return back
}

/**
 * `socket` verified the node:tls server's certificate and echoes `text`
 * (the servers here echo); then it ends and has closed.
 */
async function assertEchoesThenCloses(t, socket, text) {
  t.true(socket.authorized)
  t.is(socket.getPeerCertificate().subject.CN, 'localhost')
  t.is(await roundTrip(socket, text), text)
  socket.end()
  await closed(socket)
}

/** server.getConnections() as a promise. */
function connectionCount(server) {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))))
}

/** server.close(), resolving when it has closed (bounded). */
function closeServer(server, ms = 5000) {
  return withTimeout(new Promise((resolve) => server.close(() => resolve())), ms, 'server.close()')
}

/** What `fn` throws, or null. */
function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  return null
}

/** The parts of an error that are compared with node:tls's. */
function shape(err) {
  if (!err) return null
  return { constructor: err.constructor?.name, name: err.name, code: err.code, message: err.message }
}

/**
 * Calls `call(tls)` and `call(nodeTls)`; both must throw the same error. With
 * `code`, node:tls's error must have that code (so the expectation is pinned
 * and TLS_IMPL=node checks it too).
 */
function throwsLikeNode(t, label, call, code) {
  const reference = thrown(() => call(nodeTls))
  t.truthy(reference, `${label}: node:tls throws`)
  if (code !== undefined) t.is(reference?.code, code, `${label}: node:tls's code`)
  t.deepEqual(shape(thrown(() => call(tls))), shape(reference), label)
}

// ---------------------------------------------------------------------------
// Transports

test('connect({ socket }) over a net.Socket that is not connected yet: the handshake waits for its connect', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds)
  const raw = new net.Socket()
  t.teardown(() => raw.destroy())
  const socket = tls.connect({ socket: raw, ...clientCreds })
  watchClose(socket)
  t.teardown(() => socket.destroy())
  const log = eventLog(socket, ['error', 'secureConnect', 'close'])
  const secured = once(socket, 'secureConnect')
  // The transport stays unconnected for a while: nothing may fail meanwhile
  // (no ERR_SOCKET_CLOSED because the socket has no handle yet).
  await delay(50)
  t.deepEqual(log, [])
  raw.connect(port, LOOPBACK)
  await secured
  await assertEchoesThenCloses(t, socket, 'after a late connect\n')
  t.deepEqual(log, ['secureConnect', 'close'])
})

test('connect({ socket }) over a Duplex that is not a net.Socket (bridged to a TCP connection)', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds)
  const [near, far] = duplexPair()
  t.teardown(() => {
    near.destroy()
    far.destroy()
  })
  const raw = await tcpConnect(t, port)
  far.pipe(raw).pipe(far)
  const socket = await connect(t, tls, { socket: near, ...clientCreds })
  const log = eventLog(socket, ['error', 'end', 'close'])
  // The echo server ends when the client ends: the orderly close travels
  // through the Duplex and the TCP connection both ways.
  await assertEchoesThenCloses(t, socket, 'through a Duplex\n')
  t.deepEqual(log, ['end', 'close'])
})

test('new TLSSocket() without a socket, then connect({ port, host }): the connection is TLS', async (t) => {
  let accepted
  const serverSaw = new Promise((resolve) => {
    accepted = resolve
  })
  const { port } = await listen(t, nodeTls, serverCreds, (s) => {
    accepted(s)
    s.on('error', () => {})
    s.pipe(s)
  })
  const socket = new tls.TLSSocket()
  watchClose(socket)
  t.teardown(() => socket.destroy())
  const log = eventLog(socket, ['connect', 'secure', 'secureConnect', 'error'])
  const secure = once(socket, 'secure')
  socket.connect({ port, host: LOOPBACK })
  // Only tls.connect() starts the handshake by itself; here (as in Node)
  // the first write does.
  const echoed = roundTrip(socket, 'over a bare TLSSocket\n')
  await secure
  t.true(socket.encrypted)
  t.is(socket.getProtocol(), 'TLSv1.3')
  t.is(socket.getPeerCertificate().subject.CN, 'localhost')
  t.is(await echoed, 'over a bare TLSSocket\n')
  const serverSide = await withTimeout(serverSaw, 5000, 'secureConnection')
  t.is(serverSide.getProtocol(), 'TLSv1.3')
  // 'secureConnect' belongs to tls.connect(); a bare socket emits 'secure'.
  t.deepEqual(log, ['connect', 'secure'])
})

test('new TLSSocket() then connect(): a plaintext server sees a TLS handshake record, not the data', async (t) => {
  const received = []
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    raw.on('data', (d) => received.push(d))
  })
  const socket = new tls.TLSSocket()
  watchClose(socket)
  t.teardown(() => socket.destroy())
  socket.on('error', () => {})
  socket.connect({ port, host: LOOPBACK })
  socket.write('secret plaintext')
  await until(() => Buffer.concat(received).length >= 5, 5000, 'bytes at the server')
  const bytes = Buffer.concat(received)
  t.is(bytes[0], 0x16, 'a handshake record')
  t.is(bytes[1], 0x03)
  t.is(bytes[5], 0x01, 'a ClientHello')
  t.false(bytes.includes('secret plaintext'))
})

// ---------------------------------------------------------------------------
// pauseOnConnect

test('createServer({ pauseOnConnect: true }): the secure socket starts paused and reads after resume()', async (t) => {
  let accepted
  const gotSocket = new Promise((resolve) => {
    accepted = resolve
  })
  const { port } = await listen(t, tls, { ...serverCreds, pauseOnConnect: true }, (s) => {
    s.on('error', () => {})
    accepted({ socket: s, paused: s.isPaused() })
  })
  const client = await connect(t, nodeTls, { port, ...clientCreds })
  client.on('error', () => {})
  const { socket: serverSide, paused } = await withTimeout(gotSocket, 10_000, 'secureConnection')
  watchClose(serverSide)
  t.teardown(() => serverSide.destroy())
  t.true(paused, "paused in 'secureConnection'")
  // A 'data' listener does not resume a stream paused explicitly.
  const chunks = []
  serverSide.on('data', (d) => chunks.push(d))
  const text = 'sent while paused'
  client.write(text)
  await until(() => serverSide.readableLength >= text.length, 5000, 'data buffered at the server')
  t.deepEqual(chunks, [])
  t.true(serverSide.isPaused())
  serverSide.resume()
  await until(() => Buffer.concat(chunks).toString() === text, 5000, 'data after resume()')
  t.false(serverSide.isPaused())
})

// ---------------------------------------------------------------------------
// AbortSignal

for (const when of ['before tls.connect()', 'right after tls.connect()', 'on the next tick']) {
  test(`connect({ signal }) aborted ${when}: AbortError, close, the server keeps no connection`, async (t) => {
    const { server, port } = await listen(t, nodeTls, serverCreds, (s) => {
      s.on('error', () => {})
      s.resume()
    })
    const controller = new AbortController()
    if (when === 'before tls.connect()') controller.abort()
    const socket = tls.connect({ port, host: LOOPBACK, ...clientCreds, signal: controller.signal })
    watchClose(socket)
    t.teardown(() => socket.destroy())
    const log = eventLog(socket, ['secureConnect', 'error', 'close'])
    const error = once(socket, 'error')
    if (when === 'right after tls.connect()') controller.abort()
    if (when === 'on the next tick') process.nextTick(() => controller.abort())
    const err = await error
    t.is(err.name, 'AbortError')
    t.is(err.code, 'ABORT_ERR')
    await closed(socket)
    t.deepEqual(log, ['error', 'close'])
    await until(async () => (await connectionCount(server)) === 0, 5000, 'no server connections')
    await closeServer(server)
    t.pass()
  })
}

test('new TLSSocket(undefined, { signal }): an aborted signal, before or after, errors AbortError and closes', async (t) => {
  const early = new AbortController()
  early.abort()
  const late = new AbortController()
  for (const [controller, label] of [
    [early, 'aborted before'],
    [late, 'aborted after'],
  ]) {
    const socket = new tls.TLSSocket(undefined, { signal: controller.signal })
    watchClose(socket)
    t.teardown(() => socket.destroy())
    const log = eventLog(socket, ['error', 'close'])
    // Emitted asynchronously: a listener added after the constructor sees it.
    const error = once(socket, 'error')
    controller.abort()
    const err = await error
    t.is(err.name, 'AbortError', label)
    t.is(err.code, 'ABORT_ERR', label)
    await closed(socket)
    t.deepEqual(log, ['error', 'close'], label)
  }
})

// ---------------------------------------------------------------------------
// Teardown

/** A TCP server that drops every connection as it comes; resolves with its port. */
async function droppingServer(t) {
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    raw.destroy()
  })
  return port
}

test('a write queued before the handshake, server drops the TCP connection: ECANCELED to the write after _undestroy()', async (t) => {
  const port = await droppingServer(t)
  const socket = tls.connect({ port, host: LOOPBACK, ...clientCreds })
  watchClose(socket)
  t.teardown(() => socket.destroy())
  const errors = []
  socket.on('error', (err) => {
    errors.push(err)
    // What Node's own tests do to see the fate of the pending write.
    if (errors.length === 1) socket._undestroy()
  })
  const result = await withTimeout(new Promise((resolve) => socket.write('queued', resolve)), 10_000, 'write callback')
  t.is(errors[0]?.code, 'ECONNRESET')
  t.true(result instanceof Error)
  t.is(result?.code, 'ECANCELED')
  t.is(result?.syscall, 'write')
  t.is(result?.errno, -os.constants.errno.ECANCELED)
  // node:tls: 'write ECANCELED Canceled because of SSL destruction'.
  t.regex(result?.message ?? '', /^write ECANCELED\b/)
})

test('a write queued before the handshake, server drops the TCP connection: the write callback gets null, as in Node', async (t) => {
  const port = await droppingServer(t)
  const socket = tls.connect({ port, host: LOOPBACK, ...clientCreds })
  watchClose(socket)
  t.teardown(() => socket.destroy())
  const log = eventLog(socket, ['secureConnect', 'error', 'close'])
  const errors = []
  socket.on('error', (err) => errors.push(err))
  const result = await withTimeout(new Promise((resolve) => socket.write('queued', resolve)), 10_000, 'write callback')
  t.is(result, null)
  await closed(socket)
  t.is(errors.length, 1)
  t.is(errors[0].code, 'ECONNRESET')
  t.deepEqual(log, ['error', 'close'])
})

for (const unread of [false, true]) {
  test(`server TLSSocket over an emitted connection is destroyed by the time its net.Socket closes${unread ? ', with unread plaintext buffered' : ''}`, async (t) => {
    const tlsServer = tls.createServer(serverCreds)
    tlsServer.on('tlsClientError', () => {})
    let secured
    const gotSecure = new Promise((resolve) => {
      secured = resolve
    })
    tlsServer.on('secureConnection', (s) => {
      s.on('error', () => {})
      if (unread) s.pause()
      watchClose(s)
      t.teardown(() => s.destroy())
      secured(s)
    })
    let secureSide = null
    let rawSide
    let rawClosed
    const sawRawClose = new Promise((resolve) => {
      rawClosed = resolve
    })
    const { port } = await tcpServer(t, (raw) => {
      rawSide = raw
      raw.on('error', () => {})
      tlsServer.emit('connection', raw)
      // Added after the TLS socket took the connection: runs after its own
      // listeners.
      raw.on('close', () => rawClosed(secureSide?.destroyed))
    })
    const client = await connect(t, nodeTls, { port, ...clientCreds })
    client.on('error', () => {})
    secureSide = await withTimeout(gotSecure, 10_000, 'secureConnection')
    if (unread) {
      const text = 'never read by the server'
      client.write(text)
      await until(() => secureSide.readableLength >= text.length, 5000, 'plaintext buffered')
    } else {
      // Not from within the 'secureConnection' emit: node:tls (Node 20)
      // crashes when a socket is torn down inside its handshake callback.
      await delay(10)
    }
    rawSide.destroy()
    t.true(await withTimeout(sawRawClose, 5000, "raw 'close'"), "destroyed in the raw socket's 'close'")
    await closed(secureSide)
  })
}

// ---------------------------------------------------------------------------
// STARTTLS-style server sockets: new TLSSocket(raw, { isServer, server })
// on a plain net.Server, as smtp-server does.

/**
 * A plain net.Server whose connections become server TLSSockets at once
 * (requestCert, rejectUnauthorized false; they echo once secure). Resolves
 * with { port, netServerEvents, next() }: `netServerEvents` logs any
 * 'secureConnection'/'tlsClientError' on the net.Server; next() resolves with
 * the next connection's { socket, log, errors, atSecure }, where `atSecure`
 * is { authorized, authorizationError } as a 'secure' listener saw them
 * (null until 'secure').
 */
async function starttlsServer(t) {
  const secureContext = tls.createSecureContext(serverCreds)
  const made = []
  const waiters = []
  let netServer = null
  const { server, port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    const socket = new tls.TLSSocket(raw, {
      isServer: true,
      server: netServer,
      secureContext,
      requestCert: true,
      rejectUnauthorized: false,
    })
    watchClose(socket)
    t.teardown(() => socket.destroy())
    const entry = { socket, atSecure: null, log: eventLog(socket, ['secure', 'error', 'close']), errors: [] }
    socket.on('error', (err) => entry.errors.push(err))
    socket.on('secure', () => {
      entry.atSecure = { authorized: socket.authorized, authorizationError: socket.authorizationError }
      socket.pipe(socket)
    })
    const waiter = waiters.shift()
    if (waiter) waiter(entry)
    else made.push(entry)
  })
  netServer = server
  const netServerEvents = eventLog(netServer, ['secureConnection', 'tlsClientError'])
  const next = () =>
    withTimeout(
      new Promise((resolve) => {
        if (made.length) resolve(made.shift())
        else waiters.push(resolve)
      }),
      10_000,
      'server TLSSocket',
    )
  return { port, netServerEvents, next }
}

test('STARTTLS server TLSSocket on a net.Server: handshake and data; no secureConnection on the net.Server', async (t) => {
  const { port, netServerEvents, next } = await starttlsServer(t)
  const client = await connect(t, nodeTls, { port, ...clientCreds })
  const entry = await next()
  t.is(await roundTrip(client, 'after STARTTLS\n'), 'after STARTTLS\n')
  t.truthy(entry.atSecure, "'secure' was emitted")
  t.is(entry.socket.getProtocol(), 'TLSv1.3')
  client.end()
  await closed(entry.socket)
  t.deepEqual(entry.log, ['secure', 'close'])
  t.deepEqual(netServerEvents, [])
})

test("STARTTLS server TLSSocket, client without a certificate: authorized/authorizationError in 'secure'", async (t) => {
  // node:tls verifies the client in the 'secure' listener that tls.Server
  // adds to its own sockets; a TLSSocket made by hand on a net.Server never
  // gets it, so authorized stays false and authorizationError null, even
  // with requestCert. Deliberate difference (README): rustls-node verifies
  // the client of such a socket too and says so before 'secure', so that
  // STARTTLS servers (smtp-server) can trust `authorized`.
  const { port, next } = await starttlsServer(t)
  const client = await connect(t, nodeTls, { port, ...clientCreds })
  client.on('error', () => {})
  const entry = await next()
  await until(() => entry.atSecure !== null || entry.socket.destroyed, 5000, "'secure'")
  t.deepEqual(
    entry.atSecure,
    underTest === 'rustls-node'
      ? { authorized: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT' }
      : { authorized: false, authorizationError: null },
  )
})

test('STARTTLS server TLSSocket fed non-TLS bytes: error ERR_SSL_WRONG_VERSION_NUMBER on the socket, not tlsClientError', async (t) => {
  const { port, netServerEvents, next } = await starttlsServer(t)
  const raw = await tcpConnect(t, port)
  raw.on('error', () => {})
  raw.resume()
  raw.write('hello, this is not TLS\r\n\r\n')
  const { socket, log, errors } = await next()
  await closed(socket)
  t.deepEqual(log, ['error', 'close'])
  t.is(errors.length, 1)
  const err = errors[0]
  t.is(err.code, 'ERR_SSL_WRONG_VERSION_NUMBER')
  t.regex(err.message, /error:0A00010B:SSL routines:[a-z0-9_]*:wrong version number/)
  t.is(err.library, 'SSL routines')
  t.is(err.reason, 'wrong version number')
  t.deepEqual(netServerEvents, [])
  await closed(raw)
})

// ---------------------------------------------------------------------------
// What errors carry

test('ECONNRESET before the handshake carries host, port and localAddress from the options', async (t) => {
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    raw.once('data', () => raw.end())
  })
  const err = await connectError(t, tls, { port, host: LOOPBACK, localAddress: LOOPBACK, ...clientCreds })
  t.is(err.code, 'ECONNRESET')
  t.is(err.message, 'Client network socket disconnected before secure TLS connection was established')
  t.is(err.host, LOOPBACK)
  t.is(err.port, port)
  t.is(err.localAddress, LOOPBACK)
  t.true('path' in err)
  t.is(err.path, undefined)
})

test('ECONNRESET before the handshake over a Unix socket carries the path', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-lifecycle-'))
  const sockPath = path.join(dir, 'server.sock')
  const server = net.createServer((raw) => {
    raw.on('error', () => {})
    raw.once('data', () => raw.end())
  })
  t.teardown(async () => {
    await closeServer(server).catch(() => {})
    fs.rmSync(dir, { recursive: true, force: true })
  })
  await withTimeout(
    new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(sockPath, resolve)
    }),
    5000,
    'unix listen',
  )
  const socket = tls.connect({ path: sockPath, ...clientCreds })
  watchClose(socket)
  t.teardown(() => socket.destroy())
  const err = await once(socket, 'error')
  await closed(socket)
  t.is(err.code, 'ECONNRESET')
  t.is(err.message, 'Client network socket disconnected before secure TLS connection was established')
  t.is(err.path, sockPath)
  t.is(err.host, undefined)
  t.is(err.port, undefined)
})

test("tls.Server fed non-TLS bytes: tlsClientError with OpenSSL's message, library and reason", async (t) => {
  const { port, clientErrors } = await listen(t, tls, serverCreds, (s) => {
    s.on('error', () => {})
  })
  const raw = await tcpConnect(t, port)
  raw.on('error', () => {})
  raw.resume()
  raw.write('hello, this is not TLS\r\n\r\n')
  await until(() => clientErrors.length > 0, 5000, 'tlsClientError')
  const err = clientErrors[0]
  t.true(err instanceof Error)
  t.is(err.code, 'ERR_SSL_WRONG_VERSION_NUMBER')
  // node:tls (OpenSSL 3): '<thread id>:error:0A00010B:SSL routines:
  // ssl3_get_record:wrong version number:<file>:<line>:'; the function and
  // location parts vary.
  t.regex(err.message, /error:0A00010B:SSL routines:[a-z0-9_]*:wrong version number/)
  t.is(err.library, 'SSL routines')
  t.is(err.reason, 'wrong version number')
})

// ---------------------------------------------------------------------------
// Argument validation, compared with node:tls in this process

/** A connected client socket of each module (against a node:tls server). */
async function clientsOfBoth(t) {
  const { port } = await echoServer(t, nodeTls, serverCreds)
  return {
    ours: await connect(t, tls, { port, ...clientCreds }),
    theirs: await connect(t, nodeTls, { port, ...clientCreds }),
  }
}

test('exportKeyingMaterial() argument errors match node:tls', async (t) => {
  const sockets = await clientsOfBoth(t)
  const socketOf = (m) => (m === nodeTls ? sockets.theirs : sockets.ours)
  const cases = [
    ['length as a string', (s) => s.exportKeyingMaterial('32', 'label'), 'ERR_INVALID_ARG_TYPE'],
    ['length 0', (s) => s.exportKeyingMaterial(0, 'label'), 'ERR_OUT_OF_RANGE'],
    ['length -1', (s) => s.exportKeyingMaterial(-1, 'label'), 'ERR_OUT_OF_RANGE'],
    ['length 1.5', (s) => s.exportKeyingMaterial(1.5, 'label'), 'ERR_OUT_OF_RANGE'],
    ['no label', (s) => s.exportKeyingMaterial(32), 'ERR_INVALID_ARG_TYPE'],
    ['label as a number', (s) => s.exportKeyingMaterial(32, 42), 'ERR_INVALID_ARG_TYPE'],
    ['context as a string', (s) => s.exportKeyingMaterial(32, 'label', 'context'), 'ERR_INVALID_ARG_TYPE'],
    ['context null', (s) => s.exportKeyingMaterial(32, 'label', null), 'ERR_INVALID_ARG_TYPE'],
    ['context as a number', (s) => s.exportKeyingMaterial(32, 'label', 42), 'ERR_INVALID_ARG_TYPE'],
  ]
  for (const [label, call, code] of cases) {
    throwsLikeNode(t, label, (m) => call(socketOf(m)), code)
  }
  // A Uint8Array context is fine and gives the same bytes as a Buffer.
  const bytes = new Uint8Array([1, 2, 3])
  t.deepEqual(
    sockets.ours.exportKeyingMaterial(16, 'label', bytes),
    sockets.ours.exportKeyingMaterial(16, 'label', Buffer.from(bytes)),
  )
})

test('setMaxSendFragment() argument errors match node:tls', async (t) => {
  const sockets = await clientsOfBoth(t)
  const socketOf = (m) => (m === nodeTls ? sockets.theirs : sockets.ours)
  const cases = [
    ['a string', (s) => s.setMaxSendFragment('1024'), 'ERR_INVALID_ARG_TYPE'],
    ['no argument', (s) => s.setMaxSendFragment(), 'ERR_INVALID_ARG_TYPE'],
    ['a fraction', (s) => s.setMaxSendFragment(1000.5), 'ERR_OUT_OF_RANGE'],
    ['NaN', (s) => s.setMaxSendFragment(NaN), 'ERR_OUT_OF_RANGE'],
  ]
  for (const [label, call, code] of cases) {
    throwsLikeNode(t, label, (m) => call(socketOf(m)), code)
  }
  // A negative integer is out of 512..16384: false, no throw.
  t.false(sockets.ours.setMaxSendFragment(-1))
})

test('server.setTicketKeys() with a wrong-sized or non-buffer argument throws as node:tls', (t) => {
  // Node 20 rejects a wrong size with an internal assertion
  // (ERR_INTERNAL_ASSERTION, whose message adds a "this is a bug" note).
  for (const [label, keys] of [
    ['47 bytes', Buffer.alloc(47)],
    ['49 bytes', Buffer.alloc(49)],
    ['a string', 'k'.repeat(48)],
  ]) {
    const ours = thrown(() => tls.createServer(serverCreds).setTicketKeys(keys))
    const theirs = thrown(() => nodeTls.createServer(serverCreds).setTicketKeys(keys))
    t.truthy(theirs, label)
    const firstLine = (err) => err && { ...shape(err), message: err.message.split('\n')[0] }
    t.deepEqual(firstLine(ours), firstLine(theirs), label)
  }
  t.notThrows(() => tls.createServer(serverCreds).setTicketKeys(Buffer.alloc(48)))
})

test('new TLSSocket(x) with something that is not a stream throws as node:tls', (t) => {
  for (const [label, value] of [
    ['42', 42],
    ['a string', 'socket'],
    ['{}', {}],
    ['an object with only pause()', { pause() {} }],
  ]) {
    throwsLikeNode(t, label, (m) => new m.TLSSocket(value))
  }
})

test('createServer({ SNICallback: not a function }) throws as node:tls', (t) => {
  for (const value of ['x', 42, {}]) {
    throwsLikeNode(
      t,
      `SNICallback ${JSON.stringify(value)}`,
      (m) => m.createServer({ ...serverCreds, SNICallback: value }),
      'ERR_INVALID_ARG_TYPE',
    )
  }
})

test('engine options: type errors as node:tls, before any engine is looked at', (t) => {
  const cases = [
    [
      'privateKeyEngine 42 with an identifier',
      { privateKeyEngine: 42, privateKeyIdentifier: 'key' },
      'ERR_INVALID_ARG_TYPE',
    ],
    ['privateKeyIdentifier 42', { privateKeyEngine: 'engine', privateKeyIdentifier: 42 }, 'ERR_INVALID_ARG_TYPE'],
    ['an identifier without an engine', { privateKeyIdentifier: 'key' }, 'ERR_INVALID_ARG_VALUE'],
    [
      'an identifier with a null engine',
      { privateKeyEngine: null, privateKeyIdentifier: 'key' },
      'ERR_INVALID_ARG_VALUE',
    ],
    ['clientCertEngine 42', { clientCertEngine: 42 }, 'ERR_INVALID_ARG_TYPE'],
    [
      'a key and an identifier',
      { key: f.rsa.key, privateKeyEngine: 'engine', privateKeyIdentifier: 'key' },
      'ERR_INVALID_ARG_VALUE',
    ],
  ]
  for (const [label, options, code] of cases) {
    throwsLikeNode(t, `createSecureContext: ${label}`, (m) => m.createSecureContext(options), code)
    throwsLikeNode(t, `createServer: ${label}`, (m) => m.createServer(options), code)
  }
  // Node looks at privateKeyEngine only together with privateKeyIdentifier.
  t.notThrows(() => tls.createSecureContext({ privateKeyEngine: 42 }))
  t.notThrows(() => tls.createSecureContext({ privateKeyEngine: 'engine' }))
})

test('engine options naming an engine: an error (rustls-node: ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED)', (t) => {
  for (const options of [
    { privateKeyEngine: 'no-such-engine', privateKeyIdentifier: 'key' },
    { clientCertEngine: 'no-such-engine' },
  ]) {
    const err = t.throws(() => tls.createSecureContext(options))
    // node:tls fails to load the engine (an OpenSSL DSO error on this
    // build). rustls-node has no engines and says so, with the code Node
    // uses when OpenSSL is built without engines (README, differences).
    if (underTest === 'rustls-node') {
      t.is(err?.code, 'ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED')
      t.is(err?.message, 'Custom engines not supported by this OpenSSL')
    }
  }
})

// ---------------------------------------------------------------------------
// null / false option values mean "not set"

test('client: servername null, ALPNProtocols null, key/cert false are not set', async (t) => {
  let accepted
  const gotSocket = new Promise((resolve) => {
    accepted = resolve
  })
  const { port } = await listen(
    t,
    nodeTls,
    {
      ...serverCreds,
      ALPNProtocols: ['h2', 'http/1.1'],
      requestCert: true,
      rejectUnauthorized: false,
      ca: f.clientCa.cert,
    },
    (s) => {
      s.on('error', () => {})
      accepted({ servername: s.servername, alpnProtocol: s.alpnProtocol, peerCertificate: s.getPeerCertificate() })
      s.pipe(s)
    },
  )
  const socket = await connect(t, tls, {
    port,
    host: LOOPBACK,
    ca: f.ca.cert,
    servername: null,
    ALPNProtocols: null,
    key: false,
    cert: false,
  })
  // Identity checked against the host (the certificate has IP:127.0.0.1).
  t.true(socket.authorized)
  t.is(socket.alpnProtocol, false)
  t.is(await roundTrip(socket, 'null options\n'), 'null options\n')
  t.deepEqual(await withTimeout(gotSocket, 5000, 'secureConnection'), {
    servername: false,
    alpnProtocol: false,
    peerCertificate: {},
  })
})

test('client: ca null means the default trust store', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds)
  const err = await connectError(t, tls, { port, servername: 'localhost', ca: null })
  t.is(err.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY')
})

test('server: null ca, ALPNProtocols, SNICallback, ALPNCallback, handshakeTimeout, ticketKeys are not set', async (t) => {
  const tlsServer = tls.createServer(
    {
      ...serverCreds,
      ca: null,
      ALPNProtocols: null,
      SNICallback: null,
      ALPNCallback: null,
      handshakeTimeout: null,
      ticketKeys: null,
    },
    (s) => {
      s.on('error', () => {})
      s.pipe(s)
    },
  )
  tlsServer.on('tlsClientError', () => {})
  // Connections are handed over with emit('connection') so that a throw
  // from the server's connection handling is seen here instead of being an
  // uncaught exception that would end the test process.
  const handoverErrors = []
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    try {
      tlsServer.emit('connection', raw)
    } catch (err) {
      handoverErrors.push(err)
      raw.destroy()
    }
  })
  const client = await connect(t, nodeTls, { port, ...clientCreds, ALPNProtocols: ['h2'] }).catch((err) => err)
  t.deepEqual(
    handoverErrors.map((err) => err.message),
    [],
  )
  t.false(client instanceof Error, `client: ${client?.message}`)
  if (client instanceof Error) return
  t.true(client.authorized)
  t.is(client.alpnProtocol, false)
  t.is(await roundTrip(client, 'null options\n'), 'null options\n')
})

test('createSecureContext: null or false key, cert, ca, crl, pfx, passphrase are not set', (t) => {
  const options = { key: false, cert: false, ca: null, crl: null, pfx: null, passphrase: null }
  t.notThrows(() => nodeTls.createSecureContext(options))
  t.notThrows(() => tls.createSecureContext(options))
})

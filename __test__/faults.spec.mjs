// Misbehaving peers: resets during the handshake and mid-stream, junk and
// plaintext on the TLS port, a TLS client pointed at a non-TLS server. The
// implementation must report Node's error codes, close the socket, and keep
// serving. Expectations are what node:tls does (TLS_IMPL=node).

import test from 'ava'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import {
  LOOPBACK,
  captureClientHello,
  closed,
  connect,
  connectError,
  delay,
  echoServer,
  eventLog,
  listen,
  once,
  readUntil,
  tcpConnect,
  tcpServer,
  until,
  watchClose,
} from './helpers/peers.mjs'

const f = await fixtures()
const serverCreds = { key: f.rsa.key, cert: f.rsa.chain }
const clientCreds = { servername: 'localhost', ca: f.ca.cert }

/** The server still completes a normal handshake and echoes. */
async function assertStillServes(t, port) {
  const client = await connect(t, nodeTls, { port, ...clientCreds })
  t.true(client.authorized)
  const echo = readUntil(client, 'still serving')
  client.write('still serving')
  t.is(await echo, 'still serving')
  client.destroy()
}

/** Waits for the first tlsClientError collected by listen(). */
async function firstClientError(clientErrors) {
  await until(() => clientErrors.length > 0, 5000, 'tlsClientError')
  return clientErrors[0]
}

// ---------------------------------------------------------------------------
// The implementation as server

test('server: client sends a partial ClientHello, then resets -> tlsClientError ECONNRESET, keeps serving', async (t) => {
  const hello = await captureClientHello(t, nodeTls, clientCreds)
  const { port, clientErrors } = await echoServer(t, tls, serverCreds)
  const raw = await tcpConnect(t, port)
  raw.on('error', () => {})
  raw.write(hello.subarray(0, 40))
  await delay(50)
  raw.resetAndDestroy()
  const err = await firstClientError(clientErrors)
  t.is(err.code, 'ECONNRESET')
  t.is(clientErrors.length, 1)
  await assertStillServes(t, port)
})

test('server: client sends a partial ClientHello, then closes cleanly -> tlsClientError ECONNRESET', async (t) => {
  const hello = await captureClientHello(t, nodeTls, clientCreds)
  const { port, clientErrors } = await echoServer(t, tls, serverCreds)
  const raw = await tcpConnect(t, port)
  raw.on('error', () => {})
  raw.end(hello.subarray(0, 40))
  const err = await firstClientError(clientErrors)
  t.is(err.code, 'ECONNRESET')
  await closed(raw)
  await assertStillServes(t, port)
})

const junk = [
  ['text junk', Buffer.from('hello, this is not TLS at all\r\n\r\n'), 'ERR_SSL_WRONG_VERSION_NUMBER'],
  ['zero bytes', Buffer.alloc(32), 'ERR_SSL_WRONG_VERSION_NUMBER'],
  [
    'a handshake record with a bogus version',
    Buffer.from([0x16, 0x09, 0x09, 0x00, 0x05, 1, 2, 3, 4, 5]),
    'ERR_SSL_WRONG_VERSION_NUMBER',
  ],
  ['a plaintext HTTP GET', Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'), 'ERR_SSL_HTTP_REQUEST'],
  [
    'a plaintext HTTP POST',
    Buffer.from('POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n'),
    'ERR_SSL_HTTP_REQUEST',
  ],
]

for (const [what, bytes, code] of junk) {
  test(`server: ${what} on the TLS port -> tlsClientError ${code}, connection closed, keeps serving`, async (t) => {
    // The helper must not destroy the socket here: the server has to close
    // the connection by itself.
    const { port, clientErrors } = await listen(
      t,
      tls,
      serverCreds,
      (s) => {
        s.on('error', () => {})
        s.pipe(s)
      },
      { destroyOnClientError: false },
    )
    const raw = await tcpConnect(t, port)
    raw.on('error', () => {})
    raw.resume()
    raw.write(bytes)
    const err = await firstClientError(clientErrors)
    t.is(err.code, code)
    t.true(err instanceof Error)
    await closed(raw, 5000)
    t.is(clientErrors.length, 1)
    await assertStillServes(t, port)
  })
}

// ---------------------------------------------------------------------------
// The implementation as client

test('client: server accepts then resets -> error ECONNRESET, then close', async (t) => {
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    raw.resetAndDestroy()
  })
  const socket = tls.connect({ port, host: LOOPBACK, ...clientCreds })
  t.teardown(() => socket.destroy())
  watchClose(socket)
  const log = eventLog(socket, ['secureConnect', 'data', 'end', 'error', 'close'])
  const err = await once(socket, 'error')
  await closed(socket)
  t.is(err.code, 'ECONNRESET')
  t.false(log.includes('secureConnect'))
  t.is(log.at(-1), 'close')
})

test('client: server reads the ClientHello then resets -> error ECONNRESET, then close', async (t) => {
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    raw.once('data', () => raw.resetAndDestroy())
  })
  const err = await connectError(t, tls, { port, ...clientCreds })
  t.is(err.code, 'ECONNRESET')
})

test('client: server reads the ClientHello then closes cleanly -> ECONNRESET "Client network socket disconnected..."', async (t) => {
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    raw.once('data', () => raw.end())
  })
  const err = await connectError(t, tls, { port, ...clientCreds })
  t.is(err.code, 'ECONNRESET')
  t.is(err.message, 'Client network socket disconnected before secure TLS connection was established')
})

test('client: a plain TCP echo server (the ClientHello comes back) -> an ERR_SSL_* error', async (t) => {
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    raw.pipe(raw)
  })
  const err = await connectError(t, tls, { port, ...clientCreds })
  // node:tls says ERR_SSL_UNEXPECTED_MESSAGE (a ClientHello where a
  // ServerHello belongs); any ERR_SSL_ code describing a protocol error is
  // acceptable here.
  t.is(typeof err.code, 'string')
  t.regex(err.code, /^ERR_SSL_/)
})

for (const [what, greeting] of [
  ['an SMTP banner', '220 mail.example ESMTP ready\r\n'],
  ['an HTTP response', 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'],
]) {
  test(`client: a plaintext server answering with ${what} -> ERR_SSL_WRONG_VERSION_NUMBER`, async (t) => {
    const { port } = await tcpServer(t, (raw) => {
      raw.on('error', () => {})
      raw.once('data', () => raw.write(greeting))
    })
    const err = await connectError(t, tls, { port, ...clientCreds })
    t.is(err.code, 'ERR_SSL_WRONG_VERSION_NUMBER')
  })
}

// ---------------------------------------------------------------------------
// Mid-stream resets

test('client: the server resets mid-stream -> error ECONNRESET, then close, no crash', async (t) => {
  let rawServerSide
  const { server, port } = await listen(t, nodeTls, serverCreds, (s) => {
    s.on('error', () => {})
    s.write('first chunk')
    s.once('data', () => rawServerSide.resetAndDestroy())
  })
  server.on('connection', (raw) => {
    rawServerSide = raw
  })
  const socket = await connect(t, tls, { port, ...clientCreds })
  const log = eventLog(socket, ['data', 'end', 'error', 'close'])
  t.is(await readUntil(socket, 'first chunk'), 'first chunk')
  const errP = once(socket, 'error')
  socket.write('trigger the reset')
  const err = await errP
  await closed(socket)
  t.is(err.code, 'ECONNRESET')
  t.deepEqual(
    log.filter((e) => e !== 'data'),
    ['error', 'close'],
  )
})

test('server: the client resets mid-stream -> the server socket emits error ECONNRESET, then close', async (t) => {
  let serverSocket
  let log
  const errors = []
  const { port } = await listen(t, tls, serverCreds, (s) => {
    serverSocket = s
    watchClose(s)
    log = eventLog(s, ['end', 'error', 'close'])
    s.on('error', (e) => errors.push(e))
    s.write('hello')
  })
  const raw = await tcpConnect(t, port)
  raw.on('error', () => {})
  const client = await connect(t, nodeTls, { socket: raw, ...clientCreds })
  client.on('error', () => {})
  t.is(await readUntil(client, 'hello'), 'hello')
  await until(() => serverSocket, 5000, 'secureConnection')
  raw.resetAndDestroy()
  await closed(serverSocket)
  t.deepEqual(log, ['error', 'close'])
  t.is(errors[0].code, 'ECONNRESET')
})

test('resetAndDestroy() on a TLS socket throws ERR_INVALID_HANDLE_TYPE, as node:tls', async (t) => {
  const { port } = await listen(t, nodeTls, { key: f.rsa.key, cert: f.rsa.chain }, (s) => {
    s.on('error', () => {})
    s.resume()
  })
  const socket = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert })
  t.throws(() => socket.resetAndDestroy(), { code: 'ERR_INVALID_HANDLE_TYPE', instanceOf: TypeError })
  t.false(socket.destroyed)
})

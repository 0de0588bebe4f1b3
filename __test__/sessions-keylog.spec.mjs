// Client sessions ('session', getSession, session, isSessionReused) and key
// logging ('keylog' on sockets and servers), against node:tls and openssl
// peers. TLS_IMPL=node runs the same expectations against node:tls.

import test from 'ava'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { collect, echoServer, listen, runOpensslClient, until } from './helpers/peers.mjs'

const f = await fixtures()
const rsa = { key: f.rsa.key, cert: f.rsa.chain }

/** Connects, exchanges a byte so TLS 1.3 tickets arrive, returns { socket, sessions }. */
async function connectAndTalk(t, options) {
  const sessions = []
  const socket = tls.connect({ host: '127.0.0.1', servername: 'localhost', ca: f.ca.cert, ...options })
  t.teardown(() => socket.destroy())
  let fromGetSession
  socket.on('session', (s) => {
    sessions.push(s)
    fromGetSession = socket.getSession()
  })
  await new Promise((resolve, reject) => {
    socket.once('secureConnect', resolve)
    socket.once('error', reject)
  })
  // handle-backed getters answer null once the socket is closed: ask now
  const reused = socket.isSessionReused()
  const authorized = socket.authorized
  // The server may have ended already (and so, without allowHalfOpen, have we).
  if (!socket.writableEnded) socket.end('x')
  await collect(socket)
  return { socket, sessions, reused, authorized, fromGetSession, session: () => sessions.at(-1) }
}

for (const version of ['TLSv1.2', 'TLSv1.3']) {
  test(`${version}: 'session' events, getSession() and resumption against a node:tls server`, async (t) => {
    const reused = []
    const { port } = await listen(t, nodeTls, { ...rsa, maxVersion: version }, (s) => {
      reused.push(s.isSessionReused())
      s.on('error', () => {})
      s.resume()
      s.end('ok') // TLS 1.3 tickets go out with the server's first write
    })
    const first = await connectAndTalk(t, { port, maxVersion: version })
    t.false(first.reused)
    t.is(first.sessions.length, version === 'TLSv1.3' ? 2 : 1)
    for (const s of first.sessions) t.true(Buffer.isBuffer(s) && s.length > 0)
    const session = first.session()
    t.true(Buffer.isBuffer(session))
    t.true(Buffer.isBuffer(first.fromGetSession))

    const second = await connectAndTalk(t, { port, maxVersion: version, session })
    t.true(second.reused)
    await until(() => reused.length === 2)
    t.deepEqual(reused, [false, true])
  })
}

test('a session does not resume with a different server', async (t) => {
  const make = () =>
    listen(t, nodeTls, { ...rsa, maxVersion: 'TLSv1.2' }, (s) => {
      s.resume()
      s.end()
    })
  const a = await make()
  const b = await make()
  const first = await connectAndTalk(t, { port: a.port, maxVersion: 'TLSv1.2' })
  const other = await connectAndTalk(t, { port: b.port, maxVersion: 'TLSv1.2', session: first.session() })
  t.false(other.reused)
  t.true(other.authorized)
})

test('garbage as session is ignored: a full handshake', async (t) => {
  const { port } = await listen(t, nodeTls, rsa, (s) => {
    s.resume()
    s.end()
  })
  const { reused, authorized } = await connectAndTalk(t, { port, session: Buffer.from('definitely not a session') })
  t.false(reused)
  t.true(authorized)
})

test('the server resumes openssl s_client sessions (-sess_out / -sess_in)', async (t) => {
  const { port } = await echoServer(t, tls, rsa)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-sess-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const sess = path.join(dir, 'sess.pem')
  const args = ['-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', f.path('ca.cert.pem')]
  const first = await runOpensslClient(t, [...args, '-sess_out', sess], 'hello\n', { waitFor: 'hello' })
  t.regex(first.stdout, /New, TLSv1\.3/)
  t.true(fs.existsSync(sess))
  const second = await runOpensslClient(t, [...args, '-sess_in', sess], 'again\n', { waitFor: 'again' })
  t.regex(second.stdout, /Reused, TLSv1\.3/)
})

test("'keylog' on the client: the node:tls server logs the very same secrets", async (t) => {
  const serverLines = []
  const { server, port } = await listen(t, nodeTls, rsa, (s) => {
    s.resume()
    s.end()
  })
  server.on('keylog', (line) => serverLines.push(line.toString()))
  const clientLines = []
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert })
  t.teardown(() => socket.destroy())
  socket.on('keylog', (line) => clientLines.push(line.toString()))
  await collect(socket)
  t.true(clientLines.length >= 5, `${clientLines.length} lines`)
  for (const line of clientLines) t.regex(line, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,}\n$/)
  t.deepEqual([...clientLines].sort(), [...serverLines].sort())
})

test("server 'keylog' (line, socket) matches openssl s_client -keylogfile", async (t) => {
  const lines = []
  let sawSocket = false
  const { server, port } = await echoServer(t, tls, rsa)
  server.on('keylog', (line, socket) => {
    lines.push(line.toString())
    sawSocket ||= typeof socket.getProtocol === 'function'
  })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-keylog-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'keys.log')
  await runOpensslClient(
    t,
    ['-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-keylogfile', file],
    'hi\n',
    { waitFor: 'hi' },
  )
  const fromOpenssl = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
  t.true(sawSocket)
  t.deepEqual(lines.map((l) => l.trim()).sort(), fromOpenssl.sort())
})

test('one session Buffer reused by consecutive connections (https.Agent style)', async (t) => {
  for (const version of ['TLSv1.2', 'TLSv1.3']) {
    const { port } = await listen(t, nodeTls, { ...rsa, maxVersion: version }, (s) => {
      s.on('error', () => {})
      s.resume()
      s.end('ok')
    })
    const first = await connectAndTalk(t, { port, maxVersion: version })
    const session = first.session()
    const reused = []
    for (let i = 0; i < 5; i++) reused.push((await connectAndTalk(t, { port, maxVersion: version, session })).reused)
    if (version === 'TLSv1.3' && underTest === 'rustls-node') {
      // Deliberate difference: rustls uses each TLS 1.3 ticket once (RFC
      // 8446 §C.4); the Buffer names the pool of tickets the server sent
      // (two from a node:tls server, which sends none on resumption), so the
      // first two reuses resume, then a full handshake refills the pool.
      t.deepEqual(reused.slice(0, 2), [true, true], version)
      t.true(reused.filter(Boolean).length >= 3, version)
    } else {
      t.deepEqual(reused, [true, true, true, true, true], version)
    }
  }
})

test('a listener that throws in secureConnect raises an uncaught exception, not a socket error', async (t) => {
  const { port } = await listen(t, nodeTls, rsa, (s) => {
    s.on('error', () => {})
    s.end()
  })
  const boom = new Error('thrown by the application')
  const uncaught = new Promise((resolve) => {
    const saved = process.listeners('uncaughtException')
    process.removeAllListeners('uncaughtException')
    process.once('uncaughtException', (err) => {
      for (const l of saved) process.on('uncaughtException', l)
      resolve(err)
    })
  })
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert })
  t.teardown(() => socket.destroy())
  const socketErrors = []
  socket.on('error', (e) => socketErrors.push(e))
  socket.on('secureConnect', () => {
    throw boom
  })
  t.is(await uncaught, boom)
  t.deepEqual(socketErrors, [])
})

test('setSession() right after connect() resumes; after the start it throws', async (t) => {
  const { port } = await listen(t, nodeTls, { ...rsa, maxVersion: 'TLSv1.2' }, (s) => {
    s.on('error', () => {})
    s.resume()
    s.end('ok')
  })
  const first = await connectAndTalk(t, { port, maxVersion: 'TLSv1.2' })
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert, maxVersion: 'TLSv1.2' })
  t.teardown(() => socket.destroy())
  socket.setSession(first.session())
  await new Promise((resolve) => socket.once('secureConnect', resolve))
  t.true(socket.isSessionReused())
  if (underTest === 'rustls-node') t.throws(() => socket.setSession(first.session()), { code: 'ERR_TLS_INVALID_STATE' })
  await collect(socket)
})

for (const version of ['TLSv1.2', 'TLSv1.3']) {
  test(`${version}: getSession() is the session at 'secureConnect' (1.2), a placeholder before the ticket (1.3), and each 'session' event's own Buffer`, async (t) => {
    const { port } = await listen(t, nodeTls, { ...rsa, maxVersion: version }, (s) => {
      s.on('error', () => {})
      s.resume()
      s.end('ok')
    })
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert, maxVersion: version })
    t.teardown(() => socket.destroy())
    const events = []
    socket.on('session', (session) => events.push({ session, during: socket.getSession() }))
    let atSecureConnect
    socket.once('secureConnect', () => {
      atSecureConnect = socket.getSession()
    })
    socket.resume()
    await collect(socket)
    t.true(Buffer.isBuffer(atSecureConnect))
    t.is(events.length, version === 'TLSv1.3' ? 2 : 1)
    // In its 'session' event, getSession() is that very session.
    for (const { session, during } of events) t.true(session.equals(during))
    if (version === 'TLSv1.2') t.true(atSecureConnect.equals(events[0].session))
    else {
      // TLS 1.3: what getSession() gives before a ticket came cannot resume
      // as such; each ticket is a session of its own.
      t.false(atSecureConnect.equals(events[0].session))
      t.false(events[0].session.equals(events[1].session))
    }
  })

  test(`${version}: a resumed connection emits no 'session', and getSession() is the session it resumed`, async (t) => {
    // The module's own server: unlike a node:tls one, a rustls server also
    // sends tickets after a TLS 1.3 resumption; they refill the session
    // rather than being new ones, so neither client reports them.
    const { port } = await listen(t, tls, { ...rsa, maxVersion: version }, (s) => {
      s.on('error', () => {})
      s.resume()
      s.end('ok')
    })
    const first = await connectAndTalk(t, { port, maxVersion: version })
    const session = first.session()
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: f.ca.cert,
      maxVersion: version,
      session,
    })
    t.teardown(() => socket.destroy())
    const events = []
    socket.on('session', (s) => events.push(s))
    let reused, resumedFrom
    socket.once('secureConnect', () => {
      reused = socket.isSessionReused()
      resumedFrom = socket.getSession()
    })
    socket.resume()
    await collect(socket)
    t.true(reused)
    t.true(resumedFrom.equals(session))
    t.deepEqual(events, [])
  })
}

// Encrypted Client Hello, client side (tls.connect's echConfigList and
// echGrease, socket.echAccepted, ERR_TLS_ECH_REJECTED with retryConfigs),
// against a real ECH server: Go's crypto/tls (helpers/ech-server, built
// here with `go build`). Each connection to it is answered with what the
// server saw: whether it accepted ECH, the name of the ClientHello it
// answered, and the server name and ECH extension of the ClientHello in
// the clear. node:tls has no ECH, so these run on rustls-node only.

import test from 'ava'
import { execFile, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { collect, connect, connectError, echoServer, LOOPBACK, withTimeout } from './helpers/peers.mjs'

const SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'ech-server')
const REAL = 'secret.example'
const PUBLIC = 'public.example'

const hasGo = !spawnSync('go', ['version'], { stdio: 'ignore' }).error
const rustlsOnly = underTest === 'rustls-node'
const goTest = rustlsOnly && hasGo ? test : test.skip
if (rustlsOnly && !hasGo)
  console.warn('ech.spec.mjs: `go` is not on PATH; the tests against the Go ECH server are skipped')
const ownTest = rustlsOnly ? test : test.skip

/** Builds the Go server once per source version (a cache in the temp dir, safe when ava workers race). */
async function buildServer() {
  const hash = createHash('sha256')
  for (const file of ['go.mod', 'main.go']) hash.update(fs.readFileSync(path.join(SOURCE, file)))
  const binary = path.join(os.tmpdir(), `rustls-node-ech-server-${hash.digest('hex').slice(0, 16)}`)
  if (fs.existsSync(binary)) return binary
  const partial = `${binary}.${process.pid}`
  await promisify(execFile)('go', ['build', '-o', partial, '.'], {
    cwd: SOURCE,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    timeout: 120_000,
  })
  fs.renameSync(partial, binary)
  return binary
}

let built
/** A running ECH server: { port, ca, echConfigList, staleEchConfigList } (base64 lists); killed in teardown. */
async function echServer(t, args = []) {
  built ??= buildServer()
  const child = spawn(await built, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => child.kill())
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d
  })
  t.teardown(() => {
    if (stderr) t.log(`ech-server: ${stderr.trim()}`)
  })
  const lines = readline.createInterface({ input: child.stdout })
  const [line] = await withTimeout(
    new Promise((resolve, reject) => {
      lines.once('line', (l) => resolve([l]))
      child.once('exit', (code) => reject(new Error(`ech-server exited (${code}): ${stderr}`)))
    }),
    30_000,
    'ech-server start',
  )
  return JSON.parse(line)
}

/** Connects, and returns the socket, its echAccepted in 'secureConnect', and the server's report. */
async function connectAndReport(t, options) {
  let atSecureConnect
  const socket = tls.connect({ host: LOOPBACK, servername: REAL, ...options }, () => {
    atSecureConnect = socket.echAccepted
  })
  t.teardown(() => socket.destroy())
  const report = JSON.parse((await collect(socket)).toString())
  return { socket, report, atSecureConnect }
}

/** Connects as connectAndReport() does, where the connection must fail; returns the error. */
function connectRefused(t, options) {
  return connectError(t, tls, { host: LOOPBACK, servername: REAL, ...options })
}

goTest('ECH accepted: the real name only inside, the public name in the clear', async (t) => {
  const server = await echServer(t)
  const { socket, report, atSecureConnect } = await connectAndReport(t, {
    port: server.port,
    ca: server.ca,
    echConfigList: server.echConfigList,
  })
  t.true(atSecureConnect, 'echAccepted is set by secureConnect')
  t.true(socket.echAccepted)
  t.true(socket.authorized)
  t.is(socket.getProtocol(), 'TLSv1.3')
  t.deepEqual(report, { echAccepted: true, serverName: REAL, outerServerName: PUBLIC, outerOffersEch: true })
  // the list as bytes works the same
  const again = await connectAndReport(t, {
    port: server.port,
    ca: server.ca,
    echConfigList: Buffer.from(server.echConfigList, 'base64'),
  })
  t.true(again.socket.echAccepted)
  t.is(again.report.serverName, REAL)
})

goTest('ECH without an explicit servername: the host is the inner name', async (t) => {
  const server = await echServer(t, ['-name', 'localhost'])
  const socket = await connect(t, tls, {
    host: 'localhost',
    port: server.port,
    ca: server.ca,
    echConfigList: server.echConfigList,
  })
  const report = JSON.parse((await collect(socket)).toString())
  t.true(socket.echAccepted)
  t.deepEqual(report, { echAccepted: true, serverName: 'localhost', outerServerName: PUBLIC, outerOffersEch: true })
})

goTest('no ECH offered: echAccepted is false and the name goes in the clear', async (t) => {
  const server = await echServer(t)
  const { socket, report, atSecureConnect } = await connectAndReport(t, { port: server.port, ca: server.ca })
  t.false(atSecureConnect)
  t.false(socket.echAccepted)
  t.deepEqual(report, { echAccepted: false, serverName: REAL, outerServerName: REAL, outerOffersEch: false })
})

goTest('a stale ECH config: ERR_TLS_ECH_REJECTED with the retry configs, which then work', async (t) => {
  const server = await echServer(t)
  const err = await connectRefused(t, { port: server.port, ca: server.ca, echConfigList: server.staleEchConfigList })
  t.is(err.code, 'ERR_TLS_ECH_REJECTED')
  t.true(Buffer.isBuffer(err.retryConfigs))
  t.is(err.retryConfigs.toString('base64'), server.echConfigList)
  const { socket, report } = await connectAndReport(t, {
    port: server.port,
    ca: server.ca,
    echConfigList: err.retryConfigs,
  })
  t.true(socket.echAccepted)
  t.is(report.serverName, REAL)
})

goTest('a rejection from a server that does not prove the public name carries no retry configs', async (t) => {
  const server = await echServer(t, ['-public-in-cert=false'])
  const err = await connectRefused(t, { port: server.port, ca: server.ca, echConfigList: server.staleEchConfigList })
  t.is(err.code, 'ERR_TLS_ECH_REJECTED')
  t.is(err.retryConfigs, undefined)
})

goTest('a rejection from an untrusted server carries no retry configs (rejectUnauthorized: false)', async (t) => {
  const server = await echServer(t)
  const err = await connectRefused(t, {
    port: server.port,
    rejectUnauthorized: false,
    echConfigList: server.staleEchConfigList,
  })
  t.is(err.code, 'ERR_TLS_ECH_REJECTED')
  t.is(err.retryConfigs, undefined)
})

goTest('GREASE: an ECH extension in the clear, no ECH, a normal connection (Go server)', async (t) => {
  const server = await echServer(t)
  const { socket, report } = await connectAndReport(t, { port: server.port, ca: server.ca, echGrease: true })
  t.false(socket.echAccepted)
  t.deepEqual(report, { echAccepted: false, serverName: REAL, outerServerName: REAL, outerOffersEch: true })
})

goTest('maxVersion TLSv1.2 rules out ECH', async (t) => {
  const server = await echServer(t)
  const err = await connectRefused(t, {
    port: server.port,
    ca: server.ca,
    maxVersion: 'TLSv1.2',
    echConfigList: server.echConfigList,
  })
  t.is(err.code, 'ERR_TLS_INVALID_PROTOCOL_VERSION')
})

ownTest('GREASE connects normally to a server without ECH (node:tls)', async (t) => {
  const f = await fixtures()
  const { port } = await echoServer(t, (await import('node:tls')).default, { key: f.rsa.key, cert: f.rsa.chain })
  const socket = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert, echGrease: true })
  t.true(socket.authorized)
  t.false(socket.echAccepted)
  t.is(socket.getProtocol(), 'TLSv1.3')
  socket.write('ping')
  socket.end()
  t.is((await collect(socket)).toString(), 'ping')
})

ownTest('option checks: types throw at once, unusable lists fail the connection', async (t) => {
  t.throws(() => tls.connect({ port: 1, echConfigList: 42 }), { code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => tls.connect({ port: 1, echConfigList: 'not base64!' }), { code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => tls.connect({ port: 1, echConfigList: Buffer.alloc(0) }), { code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => tls.connect({ port: 1, echGrease: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE' })
  const f = await fixtures()
  const { port } = await echoServer(t, tls, { key: f.rsa.key, cert: f.rsa.chain })
  const garbage = await connectError(t, tls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    echConfigList: Buffer.from([0, 3, 1, 2, 3]),
  })
  t.is(garbage.code, 'ERR_INVALID_ARG_VALUE')
  // a well-formed list of an ECH version this client does not know
  const unknown = await connectError(t, tls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    echConfigList: Buffer.from([0, 4, 0xfe, 0x0c, 0, 0]),
  })
  t.is(unknown.code, 'ERR_INVALID_ARG_VALUE')
  t.regex(unknown.message, /no ECH config this client supports/)
})

ownTest('echAccepted is read-only', async (t) => {
  const socket = new tls.TLSSocket(null)
  t.false(socket.echAccepted)
  t.throws(
    () => {
      socket.echAccepted = true
    },
    { instanceOf: TypeError },
  )
  t.false(socket.echAccepted)
})

goTest(
  "rustls-node's own tls.Server has no ECH: GREASE connects, a real offer is rejected without retry configs",
  async (t) => {
    const { echConfigList } = await echServer(t)
    const f = await fixtures()
    const { port } = await echoServer(t, tls, { key: f.rsa.key, cert: f.rsa.chain })
    const grease = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert, echGrease: true })
    t.false(grease.echAccepted)
    const err = await connectError(t, tls, { port, servername: 'localhost', ca: f.ca.cert, echConfigList })
    t.is(err.code, 'ERR_TLS_ECH_REJECTED')
    t.is(err.retryConfigs, undefined)
  },
)

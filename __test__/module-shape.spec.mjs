// The module as libraries see it, beyond the API surface (api-surface.spec.mjs):
//
//   - its shape through require() and import: the same keys as node:tls, plain
//     writable properties whose assignment takes effect, TypeScript/Babel
//     default-import interop, a read-only rootCertificates;
//   - monkeypatching: a wrapped tls.createSecureContext (ssl-root-cas,
//     syswide-cas) is what tls.connect() and tls.createServer() use;
//   - constructors called the pre-class way (without `new`, `X.call(this)`
//     with util.inherits);
//   - sockets that are instances of node:tls's TLSSocket, so Node's http2 and
//     http2-wrapper/got work over them (got runs in a child process whose
//     `require('tls')` is redirected to the module under test);
//   - the SecureContext `.context` verbs libraries call directly, the
//     deprecated Server#setOptions, captureRejections;
//   - socket.bufferSize and the `onread` option of tls.connect().
//
// Expectations are what node:tls does: TLS_IMPL=node runs this file against
// node:tls. Tests that change module-wide state (properties of the module
// object, EventEmitter.captureRejections) are serial and restore it.

import test from 'ava'
import { EventEmitter } from 'node:events'
import http2 from 'node:http2'
import https from 'node:https'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import nodeTls from 'node:tls'
import { fileURLToPath } from 'node:url'
import util from 'node:util'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import {
  LOOPBACK,
  closed,
  collect,
  connect,
  connectError,
  delay,
  listen,
  once,
  runNode,
  until,
  watchClose,
  withTimeout,
} from './helpers/peers.mjs'

const f = await fixtures()
const require = createRequire(import.meta.url)
const here = path.dirname(fileURLToPath(import.meta.url))
const projectRoot = path.join(here, '..')

const isNode = underTest === 'node:tls'
// The module under test as CommonJS and as ESM, and node:tls's ESM namespace.
const cjs = require(isNode ? 'node:tls' : '../dist/index.js')
const esm = await import(isNode ? 'node:tls' : '../index.mjs')
const nodeEsm = await import('node:tls')

const serverOptions = { key: f.rsa.key, cert: f.rsa.chain }
const clientOptions = { servername: 'localhost', ca: f.ca.cert }

/** Sets `obj[key] = value` and restores the previous value in teardown. */
function override(t, obj, key, value) {
  const previous = obj[key]
  obj[key] = value
  t.teardown(() => {
    obj[key] = previous
  })
}

/** Connects with `tlsModule`, writes `text`, resolves with what comes back until 'end'. */
async function roundTrip(t, tlsModule, options, text = 'ping') {
  const socket = await connect(t, tlsModule, options)
  socket.end(text)
  return (await collect(socket)).toString()
}

// ---------------------------------------------------------------------------
// Module shape: CommonJS

// Node 22.15/24.5 added tls.getCACertificates() and setDefaultCACertificates()
// after rootCertificates, and Node 24 getCertificateCompressionAlgorithms()
// after getCiphers; rustls-node has them on Node 20 too.
const NEWER_NODE_KEYS = ['getCACertificates', 'setDefaultCACertificates']
const expectedKeys = (() => {
  let keys = Object.keys(nodeTls)
  if (isNode) return keys
  if (!keys.includes('getCertificateCompressionAlgorithms')) {
    const at = keys.indexOf('getCiphers') + 1
    keys = [...keys.slice(0, at), 'getCertificateCompressionAlgorithms', ...keys.slice(at)]
  }
  if (keys.includes(NEWER_NODE_KEYS[0])) return keys
  const at = keys.indexOf('rootCertificates') + 1
  return [...keys.slice(0, at), ...NEWER_NODE_KEYS, ...keys.slice(at)]
})()

test("require(): a plain object with node:tls's enumerable keys, in its order, and the ESM default", (t) => {
  t.is(Object.getPrototypeOf(cjs), Object.prototype)
  t.deepEqual(Object.keys(cjs), expectedKeys)
  // import and require give the same object.
  t.is(tls, cjs)
  t.is(esm.default, cjs)
})

test('require(): every property but rootCertificates is a writable, configurable data property, as in node:tls', (t) => {
  for (const key of Object.keys(nodeTls)) {
    const mine = Object.getOwnPropertyDescriptor(cjs, key)
    const ref = Object.getOwnPropertyDescriptor(nodeTls, key)
    t.truthy(mine, key)
    t.is('value' in mine, 'value' in ref, key)
    t.is(mine.writable, ref.writable, key)
    t.is(mine.enumerable, ref.enumerable, key)
    t.is(mine.configurable, ref.configurable, key)
    t.is(typeof cjs[key], typeof nodeTls[key], key)
  }
})

test.serial('require(): assignments to CLIENT_RENEG_*, DEFAULT_* are read back', (t) => {
  const values = {
    CLIENT_RENEG_LIMIT: 1,
    CLIENT_RENEG_WINDOW: 60,
    DEFAULT_MIN_VERSION: 'TLSv1.3',
    DEFAULT_MAX_VERSION: 'TLSv1.2',
    DEFAULT_ECDH_CURVE: 'prime256v1',
    DEFAULT_CIPHERS: 'ECDHE-RSA-AES128-GCM-SHA256',
  }
  for (const [key, value] of Object.entries(values)) {
    t.not(cjs[key], value, `${key} starts with another value`)
    override(t, cjs, key, value)
    t.is(cjs[key], value, key)
    t.is(tls[key], value, `${key} through the ESM default`)
  }
})

test.serial('tls.DEFAULT_MAX_VERSION assigned on the module object applies to the next tls.connect()', async (t) => {
  const { port } = await listen(t, nodeTls, serverOptions, (s) => {
    s.on('error', () => {})
    s.end()
  })
  const before = await connect(t, tls, { port, ...clientOptions })
  t.is(before.getProtocol(), 'TLSv1.3')
  override(t, cjs, 'DEFAULT_MAX_VERSION', 'TLSv1.2')
  const after = await connect(t, tls, { port, ...clientOptions })
  t.is(after.getProtocol(), 'TLSv1.2')
})

test('TypeScript/Babel interop: __importDefault and __importStar of require() reach the module', (t) => {
  // What tsc (esModuleInterop) and Babel emit for `import tls from 'tls'` and
  // `import * as tls from 'tls'`.
  const importDefault = (mod) => (mod?.__esModule ? mod : { default: mod })
  const importStar = (mod) => {
    if (mod?.__esModule) return mod
    const result = {}
    for (const k in mod) if (k !== 'default' && Object.hasOwn(mod, k)) result[k] = mod[k]
    result.default = mod
    return result
  }
  t.is(importDefault(cjs).default, cjs)
  t.is(typeof importDefault(cjs).default.connect, 'function')
  const star = importStar(cjs)
  t.is(star.default, cjs)
  t.deepEqual(Object.keys(star).sort(), [...expectedKeys, 'default'].sort())
  t.is(star.connect, cjs.connect)
  // node:tls has no `default`. rustls-node deliberately adds a non-enumerable
  // one pointing at itself, so code compiled from `import tls from 'tls'`
  // WITHOUT esModuleInterop (`tls_1.default.connect`) works too; it is not
  // among the keys (checked above), so the module's shape is Node's.
  t.true(cjs.default === undefined || cjs.default === cjs)
  t.false(Object.keys(cjs).includes('default'))
})

test("rootCertificates: node:tls's certificates; a getter that ignores assignment (sloppy), throws (strict), cannot be deleted", (t) => {
  t.deepEqual([...cjs.rootCertificates], [...nodeTls.rootCertificates])
  t.true(Object.isFrozen(cjs.rootCertificates))
  t.is(cjs.rootCertificates, cjs.rootCertificates, 'the same array on every read')

  const mine = Object.getOwnPropertyDescriptor(cjs, 'rootCertificates')
  const ref = Object.getOwnPropertyDescriptor(nodeTls, 'rootCertificates')
  t.is(typeof mine.get, typeof ref.get)
  t.is(mine.set, ref.set)
  t.is(mine.enumerable, ref.enumerable)
  t.is(mine.configurable, ref.configurable)

  const roots = cjs.rootCertificates
  // Function-constructor code is sloppy mode: the assignment is ignored.
  const sloppyAssign = new Function('m', 'v', 'm.rootCertificates = v; return m.rootCertificates')
  t.is(sloppyAssign(cjs, []), roots)
  const sloppyDelete = new Function('m', 'return delete m.rootCertificates')
  t.false(sloppyDelete(cjs))
  // This module is strict mode: both throw.
  t.throws(
    () => {
      cjs.rootCertificates = []
    },
    { instanceOf: TypeError },
  )
  t.throws(
    () => {
      delete cjs.rootCertificates
    },
    { instanceOf: TypeError },
  )
  t.is(cjs.rootCertificates, roots)
})

// ---------------------------------------------------------------------------
// Module shape: ESM

test("import(): node:tls's named exports, each the same value as on the default export", (t) => {
  const newer = isNode ? [] : [...NEWER_NODE_KEYS, 'getCertificateCompressionAlgorithms'].filter((k) => !(k in nodeEsm))
  t.deepEqual(Object.keys(esm).sort(), [...Object.keys(nodeEsm), ...newer].sort())
  for (const name of Object.keys(nodeEsm)) {
    if (name === 'default') continue
    t.is(esm[name], esm.default[name], name)
  }
})

// ---------------------------------------------------------------------------
// Monkeypatching the module object

/** Wraps cjs.createSecureContext the way ssl-root-cas does; restored in teardown. */
function wrapCreateSecureContext(t, extraCa) {
  const calls = []
  const original = cjs.createSecureContext
  cjs.createSecureContext = function (options) {
    calls.push(options)
    const context = original.apply(this, arguments)
    if (!options?.ca) context.context.addCACert(extraCa)
    return context
  }
  t.teardown(() => {
    cjs.createSecureContext = original
  })
  return calls
}

test.serial('a wrapped tls.createSecureContext (ssl-root-cas style) is what tls.connect() uses', async (t) => {
  const { port } = await listen(t, nodeTls, serverOptions, (s) => {
    s.on('error', () => {})
    s.pipe(s)
  })
  // Without the wrapper the test CA is unknown.
  const err = await connectError(t, tls, { port, servername: 'localhost' })
  t.is(err.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY')

  const calls = wrapCreateSecureContext(t, f.ca.cert)
  const socket = await connect(t, tls, { port, servername: 'localhost' })
  t.true(socket.authorized)
  t.is(calls.length, 1)
  socket.end('ping')
  t.is((await collect(socket)).toString(), 'ping')
})

test.serial('a wrapped tls.createSecureContext is what tls.createServer() uses', async (t) => {
  // The wrapper adds the client CA, so the server can verify a client
  // certificate although it was given no `ca`.
  const calls = wrapCreateSecureContext(t, f.clientCa.cert)
  let peer
  const { port } = await listen(t, tls, { ...serverOptions, requestCert: true, rejectUnauthorized: true }, (s) => {
    peer = { authorized: s.authorized, cn: s.getPeerCertificate().subject?.CN }
    s.on('error', () => {})
    s.end('ok')
  })
  t.true(calls.length >= 1)
  t.true(calls.some((options) => options?.key === f.rsa.key))
  const text = await roundTrip(t, nodeTls, { port, ...clientOptions, key: f.client.key, cert: f.client.cert })
  t.is(text, 'ok')
  t.deepEqual(peer, { authorized: true, cn: 'test-client' })
})

// ---------------------------------------------------------------------------
// Constructors the pre-class way

test('tls.Server(options, listener) without new returns a Server that serves', async (t) => {
  const server = tls.Server(serverOptions, (s) => {
    s.on('error', () => {})
    s.end('hello')
  })
  t.true(server instanceof tls.Server)
  t.true(server instanceof net.Server)
  t.is(server.listenerCount('secureConnection'), 1)
  t.teardown(() => server.close())
  await withTimeout(new Promise((resolve) => server.listen(0, LOOPBACK, resolve)), 10_000, 'listen')
  const socket = nodeTls.connect({ host: LOOPBACK, port: server.address().port, ...clientOptions })
  t.teardown(() => socket.destroy())
  t.is((await collect(socket)).toString(), 'hello')
})

test('tls.SecureContext() without new returns a usable SecureContext, like new tls.SecureContext()', async (t) => {
  const viaCall = tls.SecureContext()
  const viaNew = new tls.SecureContext()
  for (const sc of [viaCall, viaNew]) {
    t.true(sc instanceof tls.SecureContext)
    t.is(typeof sc.context, 'object')
  }
  const { port } = await listen(t, nodeTls, serverOptions, (s) => {
    s.on('error', () => {})
    s.pipe(s)
  })
  viaCall.context.addCACert(f.ca.cert)
  const socket = await connect(t, tls, { port, servername: 'localhost', secureContext: viaCall })
  t.true(socket.authorized)
})

test('tls.TLSSocket() without new throws a TypeError', (t) => {
  const raw = new net.Socket()
  t.teardown(() => raw.destroy())
  t.throws(() => tls.TLSSocket(raw), { instanceOf: TypeError })
})

test('util.inherits + tls.Server.call(this, options, listener): a Server subclass that listens and serves', async (t) => {
  function MyServer(options, listener) {
    tls.Server.call(this, options, listener)
    this.mine = true
  }
  util.inherits(MyServer, tls.Server)
  const server = new MyServer(serverOptions, (s) => {
    s.on('error', () => {})
    s.end('from MyServer')
  })
  t.true(server instanceof MyServer)
  t.true(server instanceof tls.Server)
  t.true(server.mine)
  t.teardown(() => server.close())
  await withTimeout(new Promise((resolve) => server.listen(0, LOOPBACK, resolve)), 10_000, 'listen')
  const socket = nodeTls.connect({ host: LOOPBACK, port: server.address().port, ...clientOptions })
  t.teardown(() => socket.destroy())
  t.is((await collect(socket)).toString(), 'from MyServer')
})

test('util.inherits + tls.TLSSocket.call(this, socket, options): a TLSSocket subclass that talks TLS', async (t) => {
  function MySocket(socket, options) {
    tls.TLSSocket.call(this, socket, options)
    this.mine = true
  }
  util.inherits(MySocket, tls.TLSSocket)
  const { port } = await listen(t, nodeTls, serverOptions, (s) => {
    s.on('error', () => {})
    s.pipe(s)
  })
  const raw = net.connect(port, LOOPBACK)
  t.teardown(() => raw.destroy())
  await once(raw, 'connect')
  const socket = new MySocket(raw, {
    isServer: false,
    servername: 'localhost',
    secureContext: tls.createSecureContext({ ca: f.ca.cert }),
  })
  t.teardown(() => socket.destroy())
  t.true(socket instanceof MySocket)
  t.true(socket instanceof tls.TLSSocket)
  t.true(socket.mine)
  // As in Node, a client TLSSocket made this way starts its handshake with
  // the first write.
  const secure = once(socket, 'secure')
  const data = once(socket, 'data')
  socket.write('ping')
  await secure
  t.is((await data).toString(), 'ping')
})

// ---------------------------------------------------------------------------
// Sockets are node:tls TLSSockets

test("client and server sockets from the module are instances of node:tls's TLSSocket", async (t) => {
  let serverSide
  const { port } = await listen(t, tls, serverOptions, (s) => {
    serverSide = s
    s.on('error', () => {})
    s.pipe(s)
  })
  const client = await connect(t, tls, { port, ...clientOptions })
  await until(() => serverSide, 5000, 'secureConnection')
  for (const socket of [client, serverSide]) {
    t.true(socket instanceof tls.TLSSocket)
    t.true(socket instanceof nodeTls.TLSSocket)
    t.true(socket instanceof net.Socket)
  }
})

// Only meaningful when the module has a TLSSocket of its own: rustls-node's
// prototype chains to node:tls's (for the instanceof above), and must define
// every property that prototype has so that none of Node's OpenSSL-backed
// methods is ever inherited. For node:tls both are the same object.
;(isNode ? test.skip : test)("TLSSocket.prototype has an own definition of every own property of node:tls's", (t) => {
  t.not(tls.TLSSocket.prototype, nodeTls.TLSSocket.prototype)
  t.is(Object.getPrototypeOf(tls.TLSSocket.prototype), nodeTls.TLSSocket.prototype)
  const own = new Set(Reflect.ownKeys(tls.TLSSocket.prototype))
  const missing = Reflect.ownKeys(nodeTls.TLSSocket.prototype)
    .filter((k) => !own.has(k))
    .map(String)
  t.deepEqual(missing, [])
})

// ---------------------------------------------------------------------------
// http2 and got over the module's sockets

/**
 * Starts `server` (an http2 or https server) on 127.0.0.1, port 0; resolves
 * with the port. In teardown, destroys what its `event` ('session' or
 * 'secureConnection') gave that is still open, and closes it.
 */
async function serve(t, server, event) {
  const live = new Set()
  server.on(event, (s) => {
    live.add(s)
    s.on('close', () => live.delete(s))
  })
  t.teardown(() => {
    for (const s of live) s.destroy()
    server.close()
  })
  await withTimeout(new Promise((resolve) => server.listen(0, LOOPBACK, resolve)), 10_000, 'listen')
  return server.address().port
}

test('node:http2 client session over tls.connect(): encrypted, h2, originSet, a response', async (t) => {
  const server = http2.createSecureServer(serverOptions, (req, res) => res.end(`hello ${req.httpVersion}`))
  const port = await serve(t, server, 'session')

  let socket
  const session = http2.connect(`https://localhost:${port}`, {
    createConnection: () => {
      socket = tls.connect({ port, host: LOOPBACK, ...clientOptions, ALPNProtocols: ['h2'] })
      return socket
    },
  })
  t.teardown(() => session.destroy())
  session.on('error', () => {})
  await once(session, 'remoteSettings')
  t.true(socket instanceof tls.TLSSocket)
  t.true(session.encrypted)
  t.is(session.alpnProtocol, 'h2')
  t.deepEqual(session.originSet, [`https://localhost:${port}`])

  const req = session.request({ ':path': '/' })
  const [headers] = await Promise.all([once(req, 'response'), req.end()])
  t.is(headers[':status'], 200)
  t.is((await collect(req)).toString(), 'hello 2.0')
})

test("http2-wrapper's load-time probe: new TLSSocket(duplex)._handle._parentWrap is a JSStreamSocket", (t) => {
  const socket = new tls.TLSSocket(new PassThrough())
  t.teardown(() => socket.destroy())
  const JSStreamSocket = socket._handle._parentWrap.constructor
  t.is(typeof JSStreamSocket, 'function')
  const wrapped = new JSStreamSocket(new PassThrough())
  t.teardown(() => wrapped.destroy())
  t.true(wrapped instanceof net.Socket)
})

// The got client runs in a child process: `require('tls')` there (in
// http2-wrapper, resolve-alpn and below) is the module under test through the
// --require preload helpers/tls-redirect.cjs; with TLS_IMPL=node it is Node's
// own. It wraps that module's connect() to count the connections made with it.
const GOT_CLIENT = `
import { createRequire } from 'node:module'
import https from 'node:https'
import nodeTls from 'node:tls'
const [url, ca, mode] = process.argv.slice(1)
const tls = createRequire(process.cwd() + '/')('tls')
let connects = 0
const connect = tls.connect
tls.connect = function () { connects++; return connect.apply(this, arguments) }
const { default: got } = await import('got')
const options = { https: { certificateAuthority: ca }, http2: mode !== 'http1', retry: { limit: 0 }, timeout: { request: 15000 } }
if (mode === 'http1') {
  const agent = new https.Agent()
  agent.createConnection = (opts) => tls.connect(opts)
  options.agent = { https: agent }
}
const response = await got(url, options)
console.log(JSON.stringify({ redirected: tls !== nodeTls, connects, body: response.body, httpVersion: response.httpVersion }))
`

async function runGot(t, url, mode) {
  const preload = isNode ? [] : ['--require', path.join(here, 'helpers', 'tls-redirect.cjs')]
  const { code, stdout, stderr } = await runNode(
    [...preload, '--input-type=module', '-e', GOT_CLIENT, url, f.ca.cert, mode],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], ms: 30_000 },
  )
  t.is(code, 0, stderr)
  const result = JSON.parse(stdout.trim().split('\n').pop() || 'null')
  t.is(result?.redirected, !isNode, 'require("tls") in the child is the module under test')
  t.true(result?.connects >= 1, 'connections were made with the module under test')
  return result
}

async function h2Server(t, options = {}) {
  const server = http2.createSecureServer({ ...serverOptions, allowHTTP1: true, ...options }, (req, res) =>
    res.end(`hello ${req.httpVersion}`),
  )
  return `https://localhost:${await serve(t, server, 'secureConnection')}/`
}

test('got, HTTP/1.1 (http2: false), over an https.Agent whose createConnection is tls.connect', async (t) => {
  const url = await h2Server(t)
  const result = await runGot(t, url, 'http1')
  t.is(result?.body, 'hello 1.1')
  t.is(result?.httpVersion, '1.1')
})

test("got, HTTP/2 (http2: true): http2-wrapper negotiates h2 over the module's socket", async (t) => {
  const url = await h2Server(t)
  const result = await runGot(t, url, 'http2')
  t.is(result?.body, 'hello 2.0')
  t.is(result?.httpVersion, '2.0')
})

test('got, http2: true against an HTTP/1.1-only server: the ALPN socket carries HTTP/1.1', async (t) => {
  const server = https.createServer(serverOptions, (req, res) => res.end(`hello ${req.httpVersion}`))
  const port = await serve(t, server, 'secureConnection')
  const result = await runGot(t, `https://localhost:${port}/`, 'http2')
  t.is(result?.body, 'hello 1.1')
  t.is(result?.httpVersion, '1.1')
})

// ---------------------------------------------------------------------------
// SecureContext verbs, Server#setOptions, captureRejections

test('createSecureContext().context.addCACert(pem): a client trusts that CA', async (t) => {
  const { port } = await listen(t, nodeTls, serverOptions, (s) => {
    s.on('error', () => {})
    s.pipe(s)
  })
  const without = tls.createSecureContext()
  const err = await connectError(t, tls, { port, servername: 'localhost', secureContext: without })
  t.is(err.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY')

  const withCa = tls.createSecureContext()
  withCa.context.addCACert(f.ca.cert)
  const socket = await connect(t, tls, { port, servername: 'localhost', secureContext: withCa })
  t.true(socket.authorized)
})

test('context.setCiphers(): the TLS 1.2 suite a client then negotiates', async (t) => {
  const { port } = await listen(t, nodeTls, { key: f.ecdsa.key, cert: f.ecdsa.chain }, (s) => {
    s.on('error', () => {})
    s.end()
  })
  for (const suite of ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305']) {
    const secureContext = tls.createSecureContext({ ca: f.ca.cert, maxVersion: 'TLSv1.2' })
    secureContext.context.setCiphers(suite)
    const socket = await connect(t, tls, { port, servername: 'localhost', secureContext })
    t.is(socket.getProtocol(), 'TLSv1.2')
    t.is(socket.getCipher().name, suite)
  }
})

test('context.setCert()/setKey() on an empty context give a server its certificate (via SNICallback)', async (t) => {
  const { port } = await listen(
    t,
    tls,
    {
      ...serverOptions,
      SNICallback: (_name, cb) => {
        const sc = tls.createSecureContext()
        sc.context.setCert(f.ecdsa.chain)
        sc.context.setKey(f.ecdsa.key)
        cb(null, sc)
      },
    },
    (s) => {
      s.on('error', () => {})
      s.end()
    },
  )
  const socket = await connect(t, nodeTls, { port, ...clientOptions })
  t.true(socket.authorized)
  t.is(socket.getPeerCertificate().fingerprint256, f.ecdsa.x509.fingerprint256)
})

test('Server#setOptions() applies requestCert/rejectUnauthorized and warns DEP0122', async (t) => {
  const warnings = []
  const onWarning = (w) => warnings.push(w)
  process.on('warning', onWarning)
  t.teardown(() => process.removeListener('warning', onWarning))

  const server = tls.createServer(serverOptions)
  t.is(typeof tls.Server.prototype.setOptions, 'function')
  server.setOptions({ requestCert: true, rejectUnauthorized: false })
  t.true(server.requestCert)
  t.false(server.rejectUnauthorized)
  await until(() => warnings.length > 0, 5000, 'the deprecation warning')
  t.is(warnings[0].name, 'DeprecationWarning')
  t.is(warnings[0].code, 'DEP0122')
})

test.serial(
  'captureRejections: a rejecting async secureConnection listener destroys that socket with the error',
  async (t) => {
    const previous = EventEmitter.captureRejections
    let server
    const serverSockets = []
    try {
      // net.Server takes no captureRejections option; the global default is
      // read when the server is constructed.
      EventEmitter.captureRejections = true
      server = tls.createServer(serverOptions, async (s) => {
        serverSockets.push(s)
        s.on('error', () => {})
        if (serverSockets.length === 1) throw new Error('boom')
        s.end('second')
      })
    } finally {
      EventEmitter.captureRejections = previous
    }
    t.is(typeof server[Symbol.for('nodejs.rejection')], 'function')
    const serverErrors = []
    server.on('error', (err) => serverErrors.push(err))
    t.teardown(() => {
      for (const s of serverSockets) s.destroy()
      server.close()
    })
    await withTimeout(new Promise((resolve) => server.listen(0, LOOPBACK, resolve)), 10_000, 'listen')
    const port = server.address().port

    const first = nodeTls.connect({ host: LOOPBACK, port, ...clientOptions })
    watchClose(first)
    t.teardown(() => first.destroy())
    first.on('error', () => {})
    const socketError = await until(() => serverSockets[0], 10_000, 'secureConnection').then(
      () => serverSockets[0].errored ?? once(serverSockets[0], 'error'),
    )
    t.is(socketError.message, 'boom')
    await closed(first)
    t.true(serverSockets[0].destroyed)
    t.deepEqual(serverErrors, [])

    // The server is still serving.
    const second = nodeTls.connect({ host: LOOPBACK, port, ...clientOptions })
    t.teardown(() => second.destroy())
    t.is((await collect(second)).toString(), 'second')
  },
)

// ---------------------------------------------------------------------------
// socket.bufferSize and the onread option

test('socket.bufferSize: 0 when idle, writableLength while a write is pending, undefined once destroyed', async (t) => {
  const { port } = await listen(t, nodeTls, serverOptions, (s) => {
    s.on('error', () => {})
    s.resume()
  })
  const socket = await connect(t, tls, { port, ...clientOptions })
  t.is(socket.bufferSize, 0)
  t.is(socket.writableLength, 0)
  const written = new Promise((resolve, reject) => {
    socket.write(Buffer.alloc(1 << 20), (err) => (err ? reject(err) : resolve()))
  })
  t.true(socket.bufferSize > 0)
  t.is(socket.bufferSize, socket.writableLength)
  await withTimeout(written, 10_000, 'write callback')
  await until(() => socket.writableLength === 0, 5000, 'writableLength 0')
  t.is(socket.bufferSize, 0)
  socket.destroy()
  t.is(socket.bufferSize, undefined)
})

const PAYLOAD = 'the quick brown fox jumps over the lazy dog'

test('tls.connect({ onread: { buffer, callback } }): data goes into that buffer, with no data events', async (t) => {
  const { port } = await listen(t, nodeTls, serverOptions, (s) => {
    s.on('error', () => {})
    s.end(PAYLOAD)
  })
  const buffer = Buffer.alloc(8)
  const calls = []
  let dataEvents = 0
  const socket = tls.connect({
    host: LOOPBACK,
    port,
    ...clientOptions,
    onread: {
      buffer,
      callback: (nread, buf) => {
        calls.push({ nread, same: buf === buffer, text: buf.toString('latin1', 0, nread) })
      },
    },
  })
  t.teardown(() => socket.destroy())
  socket.on('data', () => {
    dataEvents++
  })
  await once(socket, 'end')
  t.true(calls.length >= Math.ceil(PAYLOAD.length / buffer.length))
  t.true(
    calls.every((c) => c.same && c.nread > 0 && c.nread <= buffer.length),
    JSON.stringify(calls),
  )
  t.is(calls.map((c) => c.text).join(''), PAYLOAD)
  t.is(dataEvents, 0)
})

test('onread: a buffer function supplies the buffers; a callback returning false pauses until resume()', async (t) => {
  let second
  const { port } = await listen(t, nodeTls, serverOptions, (s) => {
    s.on('error', () => {})
    s.write('first')
    second = delay(50)
      .then(() => new Promise((resolve) => s.end('second', resolve)))
      .then(() => true)
  })
  const buffers = []
  const texts = []
  const socket = tls.connect({
    host: LOOPBACK,
    port,
    ...clientOptions,
    onread: {
      buffer: () => {
        const b = Buffer.alloc(16)
        buffers.push(b)
        return b
      },
      callback: (nread, buf) => {
        t.true(buffers.includes(buf))
        texts.push(buf.toString('latin1', 0, nread))
        return false
      },
    },
  })
  t.teardown(() => socket.destroy())
  const ended = once(socket, 'end')
  await until(() => texts.length > 0, 10_000, 'the first read')
  t.deepEqual(texts, ['first'])
  await until(() => second, 5000, 'the server to send more')
  await delay(100)
  t.deepEqual(texts, ['first'], 'nothing delivered while paused')
  socket.resume()
  await ended
  t.deepEqual(texts, ['first', 'second'])
  t.true(buffers.length >= 1)
})

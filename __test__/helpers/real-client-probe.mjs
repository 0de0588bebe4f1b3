// Run in a child process by real-clients.spec.mjs, with or without
// `--import rustls-node/register`: application-shaped code using real client
// libraries (pg, ioredis, redis, mysql2, nodemailer + smtp-server, ws,
// undici, axios, got, http2) as their documentation shows, with nothing of
// rustls-node in it. Prints one JSON line:
//
//   { marker, result, sockets }
//
// `result` is what the application saw (including the server's own view of
// the connection's TLS where the server can tell), `marker` and `sockets`
// are `require('node:tls').rustls` (null when node:tls is Node's own).
//
//   node [--import rustls-node/register] real-client-probe.mjs <scenario> <json config>
//
// config: { fixtures, pg?, redis?, maria?, https? } with the ports the spec's
// servers listen on.

import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http2 from 'node:http2'
import https from 'node:https'
import path from 'node:path'
import tls from 'node:tls'

const [scenario, json] = process.argv.slice(2)
const cfg = JSON.parse(json)
const file = (name) => path.join(cfg.fixtures, name)
const read = (name) => fs.readFileSync(file(name), 'utf8')
const ca = read('ca.cert.pem')
const wrongCa = read('client-ca.cert.pem') // a root that did not issue the servers' certificates
const serverKey = read('rsa.key.pem')
const serverCert = read('rsa.chain.pem')
const clientKey = read('client.key.pem')
const clientCert = read('client.cert.pem')

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex')
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))
const close = (server) => new Promise((resolve) => server.close(() => resolve()))

/** What a test compares of an error: its code (and its cause's, for wrapping libraries). */
function errorInfo(err) {
  if (!err) return null
  const out = { code: err.code ?? null, message: String(err.message).split('\n')[0] }
  if (err.cause) out.cause = errorInfo(err.cause)
  if (Array.isArray(err.errors) && err.errors.length) out.errors = err.errors.map(errorInfo)
  return out
}

async function failure(promise) {
  try {
    await promise
    return null
  } catch (err) {
    return errorInfo(err)
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
async function timeEach(n, fn) {
  const times = []
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    await fn(i)
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  const sorted = [...times].sort((a, b) => a - b)
  return {
    n,
    median: median(times),
    p90: sorted[Math.floor(n * 0.9)],
    max: sorted.at(-1),
    total: times.reduce((a, b) => a + b, 0),
  }
}

// ---------------------------------------------------------------------------
// PostgreSQL (pg)

const PG_SSL_VIEW =
  'SELECT ssl, version, cipher, client_dn, current_user AS "user" FROM pg_stat_ssl WHERE pid = pg_backend_pid()'

async function pgCa() {
  const { default: pg } = await import('pg')
  const { port, password } = cfg.pg
  const client = new pg.Client({ host: 'localhost', port, user: 'app', password, database: 'postgres', ssl: { ca } })
  await client.connect()
  const { rows } = await client.query(PG_SSL_VIEW)
  const {
    rows: [sum],
  } = await client.query('SELECT $1::int + $2::int AS sum', [20, 22])
  await client.end()
  return { server: rows[0], sum: sum.sum }
}

async function pgVerifyFull() {
  const { default: pg } = await import('pg')
  const { port, password } = cfg.pg
  const url = `postgresql://app:${password}@localhost:${port}/postgres?sslmode=verify-full&sslrootcert=${encodeURIComponent(file('ca.cert.pem'))}`
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  const [a, b] = await Promise.all([pool.query(PG_SSL_VIEW), pool.query('SELECT pg_sleep(0.05), 1 AS one')])
  await pool.end()
  return { server: a.rows[0], one: b.rows[0].one }
}

async function pgClientCert() {
  const { default: pg } = await import('pg')
  const { port } = cfg.pg
  // pg_hba: `hostssl all test-client 127.0.0.1/32 cert`: no password, the
  // certificate's CN is the role.
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'test-client',
    database: 'postgres',
    ssl: { ca, servername: 'localhost', cert: clientCert, key: clientKey },
  })
  await client.connect()
  const { rows } = await client.query(PG_SSL_VIEW)
  await client.end()
  // The same role without a certificate is refused by the server.
  const refused = await failure(
    (async () => {
      const c = new pg.Client({
        host: '127.0.0.1',
        port,
        user: 'test-client',
        database: 'postgres',
        ssl: { ca, servername: 'localhost' },
      })
      c.on('error', () => {})
      try {
        await c.connect()
      } finally {
        await c.end().catch(() => {})
      }
    })(),
  )
  return { server: rows[0], withoutCertificate: refused }
}

async function pgWrongCa() {
  const { default: pg } = await import('pg')
  const { port, password } = cfg.pg
  const client = new pg.Client({
    host: 'localhost',
    port,
    user: 'app',
    password,
    database: 'postgres',
    ssl: { ca: wrongCa },
  })
  client.on('error', () => {})
  const error = await failure(client.connect())
  await client.end().catch(() => {})
  return { error }
}

// ---------------------------------------------------------------------------
// redis-server (TLS port only, client certificates required)

async function ioredisMtls() {
  const { default: Redis } = await import('ioredis')
  const { port } = cfg.redis
  const redis = new Redis({
    host: 'localhost',
    port,
    tls: { ca, cert: clientCert, key: clientKey },
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  await redis.set('greeting', 'hello over mTLS')
  const greeting = await redis.get('greeting')
  const [pipelined] = await redis.pipeline().incr('counter').exec()
  const clientInfo = await redis.client('INFO')
  const [, plainPort] = await redis.config('GET', 'port')
  const [, tlsPort] = await redis.config('GET', 'tls-port')
  await redis.quit()

  const attempt = async (tlsOptions) => {
    const r = new Redis({
      host: 'localhost',
      port,
      tls: tlsOptions,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    })
    let error = null
    r.on('error', (err) => {
      error ??= err
    })
    const failed = await failure(
      (async () => {
        await r.connect()
        await r.ping()
      })(),
    )
    r.disconnect()
    return error ? errorInfo(error) : failed
  }
  return {
    greeting,
    incr: pipelined[1],
    plainPort,
    tlsPort,
    laddrPort: Number(/laddr=\S+:(\d+)/.exec(clientInfo)?.[1]),
    wrongCa: await attempt({ ca: wrongCa, cert: clientCert, key: clientKey }),
    withoutCertificate: await attempt({ ca }),
  }
}

async function nodeRedisMtls() {
  const { createClient } = await import('redis')
  const { port } = cfg.redis
  const client = createClient({
    socket: { host: 'localhost', port, tls: true, ca, cert: clientCert, key: clientKey, reconnectStrategy: false },
  })
  client.on('error', () => {})
  await client.connect()
  await client.hSet('user:1', { name: 'Ada', lang: 'en' })
  const user = await client.hGetAll('user:1')
  const clientInfo = await client.sendCommand(['CLIENT', 'INFO'])
  const ports = { plain: (await client.configGet('port')).port, tls: (await client.configGet('tls-port'))['tls-port'] }
  ;(await client.quit?.()) ?? client.close()
  return { user: { ...user }, ports, laddrPort: Number(/laddr=\S+:(\d+)/.exec(clientInfo)?.[1]) }
}

// ---------------------------------------------------------------------------
// MariaDB (mysql2)

async function mysql2Ca() {
  const { default: mysql } = await import('mysql2/promise')
  const { port, user, password, database } = cfg.maria
  // mysql2 caches TLS sessions per `ssl` object: later connections with the
  // same one resume. (Whether one did is only on mysql2's socket,
  // conn.connection.stream: MariaDB's Ssl_sessions_reused does not count
  // TLS 1.3 ticket resumptions.)
  const ssl = { ca }
  const conn = await mysql.createConnection({ host: 'localhost', port, user, password, database, ssl })
  const [status] = await conn.query("SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_cipher', 'Ssl_version')")
  await conn.query('CREATE TABLE IF NOT EXISTS notes (id INT PRIMARY KEY, body TEXT)')
  await conn.execute('REPLACE INTO notes VALUES (?, ?)', [1, 'stored over TLS'])
  const [[note]] = await conn.execute('SELECT body FROM notes WHERE id = ?', [1])
  const reused = [conn.connection.stream.isSessionReused()]
  await conn.end()
  const again = await mysql.createConnection({ host: 'localhost', port, user, password, database, ssl })
  const [[{ body: noteAgain }]] = await again.execute('SELECT body FROM notes WHERE id = ?', [1])
  reused.push(again.connection.stream.isSessionReused())
  await again.end()
  // A pool (several connections at once).
  const pool = mysql.createPool({ host: 'localhost', port, user, password, database, ssl: { ca }, connectionLimit: 2 })
  const results = await Promise.all([0, 1].map(() => pool.query('SELECT SLEEP(0.05) AS s, 7 AS seven')))
  await pool.end()
  return {
    server: Object.fromEntries(status.map((r) => [r.Variable_name, r.Value])),
    notes: [note.body, noteAgain],
    resumed: reused,
    pooled: results.map(([[row]]) => row.seven),
  }
}

async function mysql2WrongCa() {
  const { default: mysql } = await import('mysql2/promise')
  const { port, user, password, database } = cfg.maria
  const error = await failure(
    mysql.createConnection({ host: 'localhost', port, user, password, database, ssl: { ca: wrongCa } }),
  )
  return { error }
}

// ---------------------------------------------------------------------------
// nodemailer → smtp-server, both in this process

async function smtp(secure) {
  const { SMTPServer } = await import('smtp-server')
  const { default: nodemailer } = await import('nodemailer')
  const received = []
  const server = new SMTPServer({
    secure,
    key: serverKey,
    cert: serverCert,
    authOptional: true,
    disabledCommands: ['AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks = []
      stream.on('data', (c) => chunks.push(c))
      stream.on('end', () => {
        received.push({
          secure: session.secure,
          tls: session.tlsOptions ?? null,
          body: Buffer.concat(chunks).toString(),
        })
        callback()
      })
    },
  })
  const port = await new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(server.server.address().port)),
  )
  const transport = nodemailer.createTransport({
    host: 'localhost',
    port,
    secure,
    requireTLS: !secure,
    tls: { ca },
  })
  const info = await transport.sendMail({
    from: 'app@example.test',
    to: 'ops@example.test',
    subject: 'rustls',
    text: `sent ${secure ? 'over implicit TLS' : 'after STARTTLS'}`,
  })
  transport.close()
  await close(server)
  const [mail] = received
  return {
    accepted: info.accepted,
    server: { secure: mail.secure, protocol: mail.tls?.version ?? null, hasCipher: typeof mail.tls?.name === 'string' },
    bodyArrived: mail.body.includes(`sent ${secure ? 'over implicit TLS' : 'after STARTTLS'}`),
  }
}

// ---------------------------------------------------------------------------
// ws: wss:// server (on https.createServer) and client, both in this process

async function wss() {
  const { WebSocket, WebSocketServer } = await import('ws')
  const server = https.createServer({ key: serverKey, cert: serverCert })
  const wssServer = new WebSocketServer({ server })
  const serverView = []
  wssServer.on('connection', (socket, req) => {
    serverView.push({ encrypted: req.socket.encrypted === true, protocol: req.socket.getProtocol() })
    socket.send('hello from the server')
    socket.on('message', (data, isBinary) => socket.send(isBinary ? sha256(data) : `echo: ${data}`))
  })
  const port = await listen(server)
  const ws = new WebSocket(`wss://localhost:${port}/chat`, { ca })
  const messages = []
  const big = randomBytes(1 << 20)
  await new Promise((resolve, reject) => {
    ws.on('error', reject)
    ws.on('open', () => {
      ws.send('hi from the client')
      ws.send(big)
    })
    ws.on('message', (data) => {
      messages.push(String(data))
      if (messages.length === 3) resolve()
    })
  })
  ws.close()
  await new Promise((resolve) => ws.once('close', resolve))
  wssServer.close()
  await close(server)
  return { messages, bigEchoed: messages[2] === sha256(big), server: serverView }
}

// ---------------------------------------------------------------------------
// HTTP clients against the spec's HTTPS server (Node's own, in the test
// process: it answers with its view of the connection as JSON)

const httpsUrl = (p) => `https://localhost:${cfg.https.port}${p}`

async function undiciClients() {
  const undici = await import('undici')
  const out = {}
  // Default connector: trusts the test CA through NODE_EXTRA_CA_CERTS.
  const r1 = await undici.request(httpsUrl('/default'))
  out.defaultConnector = await r1.body.json()
  // The `connect` option: the connector's TLS options.
  const agent = new undici.Agent({ connect: { ca } })
  out.connectOptions = []
  for (const p of ['/connect-options', '/connect-options-again']) {
    const { body } = await undici.request(httpsUrl(p), { dispatcher: agent })
    out.connectOptions.push(await body.json())
    // undici frees the connection a tick after the body ends: a request made
    // in the same tick would open another one (so on node:tls too).
    await new Promise((resolve) => setImmediate(resolve))
  }
  await agent.close()
  // The `connect` option as a function: the application's own tls.connect.
  const custom = new undici.Agent({
    connect(opts, callback) {
      const socket = tls.connect({
        host: opts.hostname,
        port: Number(opts.port),
        servername: opts.servername,
        ca,
        ALPNProtocols: ['http/1.1'],
      })
      socket.once('secureConnect', () => callback(null, socket)).once('error', (err) => callback(err, null))
    },
  })
  const r4 = await undici.request(httpsUrl('/connect-function'), { dispatcher: custom })
  out.connectFunction = await r4.body.json()
  await custom.close()
  // undici.fetch with the `connect` option, and a wrong CA.
  const wrong = new undici.Agent({ connect: { ca: wrongCa } })
  out.wrongCa = await failure(undici.fetch(httpsUrl('/wrong'), { dispatcher: wrong }))
  await wrong.close()
  return out
}

async function axiosAgent() {
  const { default: axios } = await import('axios')
  const httpsAgent = new https.Agent({ ca, keepAlive: true, maxSockets: 1 })
  const api = axios.create({ baseURL: httpsUrl(''), httpsAgent })
  const got = []
  for (const p of ['/a', '/b', '/c']) got.push((await api.get(p)).data)
  const posted = (await api.post('/echo', { hello: 'axios' })).data
  httpsAgent.destroy()
  return { got, posted }
}

async function gotAgent() {
  const { default: got } = await import('got')
  const agent = new https.Agent({ ca, keepAlive: true, maxSockets: 1 })
  const client = got.extend({ prefixUrl: httpsUrl(''), agent: { https: agent }, retry: { limit: 0 } })
  const replies = []
  for (const p of ['one', 'two']) replies.push(await client(p).json())
  const posted = await client.post('echo', { json: { hello: 'got' } }).json()
  agent.destroy()
  return { replies, posted }
}

async function gotHttp2() {
  const { default: got } = await import('got')
  const client = got.extend({
    prefixUrl: httpsUrl(''),
    http2: true,
    https: { certificateAuthority: ca },
    retry: { limit: 0 },
  })
  const first = await client('h2-one')
  const second = await client('h2-two')
  const posted = await client.post('echo', { json: { hello: 'got h2' } }).json()
  return { httpVersion: first.httpVersion, replies: [JSON.parse(first.body), JSON.parse(second.body)], posted }
}

// ---------------------------------------------------------------------------
// http2.connect ↔ http2.createSecureServer, both here: 8 MiB each way

async function http2Large() {
  const size = 8 << 20
  const upload = randomBytes(size)
  const download = randomBytes(size)
  const server = http2.createSecureServer({ key: serverKey, cert: serverCert })
  const serverView = {}
  server.on('stream', (stream, _headers) => {
    const hash = createHash('sha256')
    let n = 0
    stream.on('data', (d) => {
      hash.update(d)
      n += d.length
    })
    stream.on('end', () => {
      const socket = stream.session.socket
      Object.assign(serverView, {
        received: n,
        sha256: hash.digest('hex'),
        alpn: socket.alpnProtocol,
        protocol: socket.getProtocol(),
      })
      stream.respond({ ':status': 200, 'x-upload-sha256': serverView.sha256 })
      stream.end(download)
    })
  })
  const port = await listen(server)
  const session = http2.connect(`https://localhost:${port}`, { ca })
  const req = session.request({ ':method': 'POST', ':path': '/upload' })
  req.end(upload)
  const [headers, body] = await new Promise((resolve, reject) => {
    let h
    const chunks = []
    req.on('response', (x) => {
      h = x
    })
    req.on('data', (d) => chunks.push(d))
    req.on('end', () => resolve([h, Buffer.concat(chunks)]))
    req.on('error', reject)
  })
  await new Promise((resolve) => session.close(resolve))
  await close(server)
  return {
    status: headers[':status'],
    uploadIntact: headers['x-upload-sha256'] === sha256(upload) && serverView.received === size,
    downloadIntact: body.length === size && sha256(body) === sha256(download),
    alpn: session.alpnProtocol ?? serverView.alpn,
    server: { alpn: serverView.alpn, protocol: serverView.protocol },
  }
}

// ---------------------------------------------------------------------------
// Latency: N sequential small requests on one warm connection per client.

async function latency() {
  const n = cfg.n ?? 100
  const out = {}
  {
    const { default: pg } = await import('pg')
    const client = new pg.Client({
      host: 'localhost',
      port: cfg.pg.port,
      user: 'app',
      password: cfg.pg.password,
      database: 'postgres',
      ssl: { ca },
    })
    await client.connect()
    await client.query('SELECT 1')
    out.pg = await timeEach(n, (i) => client.query('SELECT $1::int AS i', [i]))
    await client.end()
  }
  {
    const { default: Redis } = await import('ioredis')
    const redis = new Redis({
      host: 'localhost',
      port: cfg.redis.port,
      tls: { ca, cert: clientCert, key: clientKey },
      maxRetriesPerRequest: 0,
    })
    await redis.ping()
    out.ioredis = await timeEach(n, (i) => redis.set(`k${i % 10}`, String(i)))
    await redis.quit()
  }
  {
    const { default: mysql } = await import('mysql2/promise')
    const { port, user, password, database } = cfg.maria
    const conn = await mysql.createConnection({ host: 'localhost', port, user, password, database, ssl: { ca } })
    await conn.query('SELECT 1')
    out.mysql2 = await timeEach(n, (i) => conn.query('SELECT ? AS i', [i]))
    await conn.end()
  }
  {
    const agent = new https.Agent({ ca, keepAlive: true, maxSockets: 1 })
    const get = () =>
      new Promise((resolve, reject) => {
        https
          .get(httpsUrl('/tiny'), { agent }, (res) => {
            res.resume()
            res.on('end', resolve)
          })
          .on('error', reject)
      })
    await get()
    out.https = await timeEach(n, get)
    agent.destroy()
  }
  return out
}

const scenarios = {
  'pg-ca': pgCa,
  'pg-verify-full': pgVerifyFull,
  'pg-client-cert': pgClientCert,
  'pg-wrong-ca': pgWrongCa,
  'ioredis-mtls': ioredisMtls,
  'node-redis-mtls': nodeRedisMtls,
  'mysql2-ca': mysql2Ca,
  'mysql2-wrong-ca': mysql2WrongCa,
  'smtp-starttls': () => smtp(false),
  'smtp-implicit': () => smtp(true),
  wss,
  undici: undiciClients,
  'axios-agent': axiosAgent,
  'got-agent': gotAgent,
  'got-http2': gotHttp2,
  'http2-large': http2Large,
  latency,
}

const run = scenarios[scenario]
if (!run) throw new Error(`unknown scenario ${scenario}`)
const result = await run()
console.log(JSON.stringify({ marker: tls.rustls?.version ?? null, result, sockets: tls.rustls?.sockets ?? null }))
// Some clients keep timers (reconnect, idle pools) for a while after closing.
process.exit(0)

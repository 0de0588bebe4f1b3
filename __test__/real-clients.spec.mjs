// Real client libraries against real servers, under the one-flag migration.
//
// Each test runs helpers/real-client-probe.mjs, application code using a
// client library as its documentation shows, in a child process under
// `--import rustls-node/register` (nothing else changed), against:
//   - PostgreSQL, redis-server (TLS port only, client certificates required)
//     and MariaDB (secure transport required), started here from their
//     Debian packages (helpers/real-servers.mjs; .ci/run installs them);
//   - Node's own HTTPS/HTTP2 server (OpenSSL) in this test process, for
//     undici, axios and got;
//   - servers in the child itself (smtp-server, ws on https.createServer,
//     http2.createSecureServer): both ends on rustls-node.
// Verification is on throughout (the fixtures' test CA), a wrong CA must fail
// with Node's coded error, and each test checks that rustls-node carried the
// connections (`tls.rustls.sockets`, by role) and that the server saw TLS
// (pg_stat_ssl, MariaDB's Ssl_cipher, redis' TLS-only port, the HTTPS
// server's own view).
//
// TLS_IMPL=node runs the same probe without the flag, on Node's own tls: the
// same results minus rustls-node's marker.
//
// Servers are started once for the file. With RUSTLS_NODE_SKIP_REAL_SERVERS=1
// the tests of a server whose binaries are missing are skipped; otherwise a
// missing binary fails them with a message naming the Debian package.

import test from 'ava'
import http2 from 'node:http2'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { fixtures } from './helpers/fixtures.mjs'
import { underTest } from './helpers/impl.mjs'
import { runNode } from './helpers/peers.mjs'
import { fileTeardown, skipped, startMariadb, startPostgres, startRedis } from './helpers/real-servers.mjs'

const f = await fixtures()
const here = path.dirname(fileURLToPath(import.meta.url))
const REPO = path.join(here, '..')
const PROBE = path.join(here, 'helpers', 'real-client-probe.mjs')
const onRustls = underTest === 'rustls-node'

// Node's code for a chain that does not lead to a trusted root (the wrong
// CA is the fixtures' client-certificate root).
const WRONG_CA_CODE = 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'

// ---------------------------------------------------------------------------
// Servers, once for the file

const servers = fileTeardown()
test.after.always(() => servers.run())

const memo = (fn) => {
  let p
  return () => (p ??= fn())
}
const pgServer = memo(() => startPostgres(servers, { fixtures: f }))
const redisServer = memo(() => startRedis(servers, { fixtures: f }))
const mariaServer = memo(() => startMariadb(servers, { fixtures: f }))

// Node's own (OpenSSL) HTTPS server, HTTP/1.1 and HTTP/2: answers each
// request with its view of the connection.
const httpsServer = memo(async () => {
  let connections = 0
  const server = http2.createSecureServer({ key: f.rsa.key, cert: f.rsa.chain, allowHTTP1: true })
  server.on('secureConnection', (socket) => {
    socket.connectionId = ++connections
  })
  server.on('request', (req, res) => {
    const socket = req.httpVersion === '2.0' ? req.stream.session.socket : req.socket
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (d) => {
      body += d
    })
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      res.end(
        JSON.stringify({
          path: req.url,
          method: req.method,
          httpVersion: req.httpVersion,
          alpn: socket.alpnProtocol,
          protocol: socket.getProtocol(),
          connection: socket.connectionId,
          body: body ? JSON.parse(body) : null,
        }),
      )
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.teardown(
    () =>
      new Promise((resolve) => {
        server.close(resolve)
        server.closeAllConnections?.()
      }),
  )
  return { port: server.address().port, connectionsSoFar: () => connections }
})

// ---------------------------------------------------------------------------
// The child

// At most this many probe processes at once (two cores, shared).
let running = 0
const waiting = []
async function limited(fn) {
  if (running >= 4)
    await new Promise((resolve) => waiting.push(resolve)) // the slot is handed over
  else running++
  try {
    return await fn()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}

/** Runs the probe's `scenario` (under the flag when testing rustls-node, unless flag: false). */
function probe(scenario, config = {}, { flag = onRustls } = {}) {
  return limited(async () => {
    const args = [
      ...(flag ? ['--import', 'rustls-node/register'] : []),
      PROBE,
      scenario,
      JSON.stringify({ fixtures: f.dir, ...config }),
    ]
    const { code, signal, stdout, stderr } = await runNode(args, {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: f.path('ca.cert.pem') },
    })
    const last = stdout.trim().split('\n').at(-1)
    if (code !== 0 || !last)
      throw new Error(`probe ${scenario} exited ${signal ?? code}\nstdout:\n${stdout}\nstderr:\n${stderr}`)
    return { ...JSON.parse(last), stderr }
  })
}

/** rustls-node carried exactly these sockets (and Node's tls none), or, under TLS_IMPL=node, no marker. */
function carriedBy(t, out, sockets) {
  if (onRustls) {
    t.is(typeof out.marker, 'string', 'node:tls is rustls-node in the child')
    t.deepEqual(out.sockets, sockets, 'TLS sockets made by rustls-node, by role')
  } else {
    t.is(out.marker, null)
    t.is(out.sockets, null)
  }
}

const realServerTest = (kind) => (skipped(kind) ? test.skip : test)
const pgTest = realServerTest('postgres')
const redisTest = realServerTest('redis')
const mariaTest = realServerTest('mariadb')

// ---------------------------------------------------------------------------
// PostgreSQL: pg

const pgConfig = async () => {
  const { port, password } = await pgServer()
  return { pg: { port, password } }
}

pgTest('pg: ssl: { ca } verifies the server; pg_stat_ssl shows the session is TLS 1.3', async (t) => {
  const out = await probe('pg-ca', await pgConfig())
  t.is(out.result.sum, 42)
  t.like(out.result.server, { ssl: true, version: 'TLSv1.3', client_dn: null, user: 'app' })
  t.regex(out.result.server.cipher, /^TLS_/)
  carriedBy(t, out, { client: 1, server: 0 })
})

pgTest('pg: a pool from a sslmode=verify-full connection string (sslrootcert)', async (t) => {
  const out = await probe('pg-verify-full', await pgConfig())
  t.is(out.result.one, 1)
  t.like(out.result.server, { ssl: true, version: 'TLSv1.3', user: 'app' })
  carriedBy(t, out, { client: 2, server: 0 })
})

pgTest('pg: client-certificate authentication (pg_hba cert); without the certificate the server refuses', async (t) => {
  const out = await probe('pg-client-cert', await pgConfig())
  t.like(out.result.server, { ssl: true, version: 'TLSv1.3', client_dn: '/CN=test-client', user: 'test-client' })
  // PostgreSQL's FATAL for a cert rule without a certificate (SQLSTATE 28000).
  t.is(out.result.withoutCertificate?.code, '28000', JSON.stringify(out.result.withoutCertificate))
  t.regex(out.result.withoutCertificate.message, /certificate/)
  carriedBy(t, out, { client: 2, server: 0 })
})

pgTest(`pg: a wrong CA fails the connection with ${WRONG_CA_CODE}`, async (t) => {
  const out = await probe('pg-wrong-ca', await pgConfig())
  t.is(out.result.error?.code, WRONG_CA_CODE, JSON.stringify(out.result.error))
  t.is(out.result.error.message, 'unable to get local issuer certificate')
  carriedBy(t, out, { client: 1, server: 0 })
})

// ---------------------------------------------------------------------------
// redis-server: ioredis and node-redis with client certificates

const redisConfig = async () => ({ redis: { port: (await redisServer()).port } })

redisTest('ioredis: mTLS to a TLS-only redis-server; a wrong CA and a missing client certificate fail', async (t) => {
  const config = await redisConfig()
  const out = await probe('ioredis-mtls', config)
  const r = out.result
  t.is(r.greeting, 'hello over mTLS')
  t.is(typeof r.incr, 'number')
  // The server's view: no plaintext port, and this client is on the TLS one.
  t.is(r.plainPort, '0')
  t.is(r.tlsPort, String(config.redis.port))
  t.is(r.laddrPort, config.redis.port)
  t.is(r.wrongCa?.code, WRONG_CA_CODE, JSON.stringify(r.wrongCa))
  // redis-server requires a client certificate (--tls-auth-clients yes): in
  // TLS 1.3 the client's handshake is over before the server checks, so the
  // client learns it from the server's certificate_required alert or, when
  // its own write meets the closed connection first, from the reset (on
  // node:tls as well: a race between the alert and the client's command).
  t.true(
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ECONNRESET', 'EPIPE'].includes(r.withoutCertificate?.code),
    JSON.stringify(r.withoutCertificate),
  )
  t.log('ioredis without a client certificate:', JSON.stringify(r.withoutCertificate))
  // The connection, the wrong-CA attempt, the certificate-less attempt.
  carriedBy(t, out, { client: 3, server: 0 })
})

redisTest('redis (node-redis): mTLS to a TLS-only redis-server', async (t) => {
  const config = await redisConfig()
  const out = await probe('node-redis-mtls', config)
  t.deepEqual(out.result.user, { name: 'Ada', lang: 'en' })
  t.deepEqual(out.result.ports, { plain: '0', tls: String(config.redis.port) })
  t.is(out.result.laddrPort, config.redis.port)
  carriedBy(t, out, { client: 1, server: 0 })
})

// ---------------------------------------------------------------------------
// MariaDB: mysql2

const mariaConfig = async () => {
  const { port, user, password, database } = await mariaServer()
  return { maria: { port, user, password, database } }
}

mariaTest(
  'mysql2: ssl: { ca } to MariaDB with require_secure_transport; the server reports the TLS cipher; the next connection resumes',
  async (t) => {
    const out = await probe('mysql2-ca', await mariaConfig())
    t.deepEqual(out.result.notes, ['stored over TLS', 'stored over TLS'])
    t.deepEqual(out.result.pooled, [7, 7])
    t.is(out.result.server.Ssl_version, 'TLSv1.3')
    t.regex(out.result.server.Ssl_cipher, /^TLS_/)
    // mysql2's own TLS session cache: the second connection with the same ssl
    // options resumes the first one's session.
    t.deepEqual(out.result.resumed, [false, true])
    carriedBy(t, out, { client: 4, server: 0 })
  },
)

mariaTest("mysql2: a wrong CA fails the connection (HANDSHAKE_SSL_ERROR, with node:tls's reason)", async (t) => {
  const out = await probe('mysql2-wrong-ca', await mariaConfig())
  // mysql2 replaces the TLS error's code with its own and keeps its message.
  t.is(out.result.error?.code, 'HANDSHAKE_SSL_ERROR', JSON.stringify(out.result.error))
  t.is(out.result.error.message, 'unable to get local issuer certificate')
  carriedBy(t, out, { client: 1, server: 0 })
})

// ---------------------------------------------------------------------------
// nodemailer → smtp-server (both in the child)

for (const [scenario, title] of [
  ['smtp-starttls', 'STARTTLS'],
  ['smtp-implicit', 'implicit TLS'],
]) {
  test(`nodemailer to smtp-server over ${title}: both ends on rustls-node`, async (t) => {
    const out = await probe(scenario)
    t.deepEqual(out.result.accepted, ['ops@example.test'])
    t.true(out.result.bodyArrived)
    t.deepEqual(out.result.server, { secure: true, protocol: 'TLSv1.3', hasCipher: true })
    carriedBy(t, out, { client: 1, server: 1 })
  })
}

// ---------------------------------------------------------------------------
// ws (both in the child)

test('ws: wss:// server on https.createServer and ws client, messages both ways (1 MiB binary too)', async (t) => {
  const out = await probe('wss')
  t.deepEqual(out.result.messages.slice(0, 2), ['hello from the server', 'echo: hi from the client'])
  t.true(out.result.bigEchoed)
  t.deepEqual(out.result.server, [{ encrypted: true, protocol: 'TLSv1.3' }])
  carriedBy(t, out, { client: 1, server: 1 })
})

// ---------------------------------------------------------------------------
// HTTP clients against Node's own HTTPS server (OpenSSL, in this process)

const httpsConfig = async () => ({ https: { port: (await httpsServer()).port } })

test('undici: default connector (NODE_EXTRA_CA_CERTS), connect options, a connect function; a wrong CA fails', async (t) => {
  const out = await probe('undici', await httpsConfig())
  const r = out.result
  t.like(r.defaultConnector, { path: '/default', httpVersion: '1.1', protocol: 'TLSv1.3' })
  t.like(r.connectOptions[0], { path: '/connect-options', protocol: 'TLSv1.3' })
  t.like(
    r.connectOptions[1],
    { path: '/connect-options-again', connection: r.connectOptions[0].connection },
    'kept alive',
  )
  t.like(r.connectFunction, { path: '/connect-function', protocol: 'TLSv1.3' })
  // fetch rejects with a TypeError whose cause is the TLS error.
  t.is(r.wrongCa?.cause?.code, WRONG_CA_CODE, JSON.stringify(r.wrongCa))
  carriedBy(t, out, { client: 4, server: 0 })
})

test('axios over a keep-alive https.Agent with a CA: one connection for four requests', async (t) => {
  const out = await probe('axios-agent', await httpsConfig())
  const { got, posted } = out.result
  t.deepEqual(
    got.map((r) => r.path),
    ['/a', '/b', '/c'],
  )
  t.true(got.every((r) => r.protocol === 'TLSv1.3' && r.alpn === false && r.connection === got[0].connection))
  t.like(posted, { method: 'POST', body: { hello: 'axios' }, connection: got[0].connection })
  carriedBy(t, out, { client: 1, server: 0 })
})

test('got over a keep-alive https.Agent with a CA', async (t) => {
  const out = await probe('got-agent', await httpsConfig())
  const { replies, posted } = out.result
  t.deepEqual(
    replies.map((r) => r.path),
    ['/one', '/two'],
  )
  t.is(replies[1].connection, replies[0].connection)
  t.like(posted, { method: 'POST', body: { hello: 'got' }, protocol: 'TLSv1.3', connection: replies[0].connection })
  // Loading got made one more: http2-wrapper builds a TLSSocket over a
  // PassThrough at load to find Node's JSStreamSocket.
  carriedBy(t, out, { client: 2, server: 0 })
})

test('got with http2: true negotiates h2 and reuses the session', async (t) => {
  const out = await probe('got-http2', await httpsConfig())
  const { httpVersion, replies, posted } = out.result
  t.is(httpVersion, '2.0')
  t.like(replies[0], { path: '/h2-one', httpVersion: '2.0', alpn: 'h2', protocol: 'TLSv1.3' })
  t.like(replies[1], { path: '/h2-two', httpVersion: '2.0', alpn: 'h2' })
  t.like(posted, { body: { hello: 'got h2' }, httpVersion: '2.0', connection: replies[1].connection })
  // One client socket per connection the server saw (http2-wrapper's ALPN
  // probe for the first request, then its session), plus the TLSSocket
  // http2-wrapper builds at load.
  const connections = new Set([replies[0].connection, replies[1].connection, posted.connection]).size
  carriedBy(t, out, { client: 1 + connections, server: 0 })
})

test('http2.connect ↔ http2.createSecureServer: 8 MiB up and 8 MiB down, hash-checked', async (t) => {
  const out = await probe('http2-large')
  t.like(out.result, { status: 200, uploadIntact: true, downloadIntact: true, alpn: 'h2' })
  t.deepEqual(out.result.server, { alpn: 'h2', protocol: 'TLSv1.3' })
  carriedBy(t, out, { client: 1, server: 1 })
})

// ---------------------------------------------------------------------------
// Latency: sequential small requests on a warm connection, under the flag
// and without it (Node's OpenSSL), same servers. A delayed-ACK/Nagle stall
// would put every request at ~40 ms.

const latencyTest = skipped('postgres') || skipped('redis') || skipped('mariadb') ? test.skip : test.serial

latencyTest('latency: pg, ioredis, mysql2 and https keep-alive requests are no slower than on node:tls', async (t) => {
  const config = {
    ...(await pgConfig()),
    ...(await redisConfig()),
    ...(await mariaConfig()),
    ...(await httpsConfig()),
    n: 100,
  }
  const node = (await probe('latency', config, { flag: false })).result
  if (!onRustls) {
    for (const [client, m] of Object.entries(node)) {
      t.log(`${client} on node:tls: median ${m.median.toFixed(2)} ms, p90 ${m.p90.toFixed(2)} ms`)
      t.true(m.median < 20, `${client}: ${JSON.stringify(m)}`)
    }
    return
  }
  const withFlag = await probe('latency', config)
  t.is(typeof withFlag.marker, 'string')
  for (const [client, m] of Object.entries(withFlag.result)) {
    const ref = node[client]
    t.log(
      `${client}: rustls-node median ${m.median.toFixed(2)} ms (p90 ${m.p90.toFixed(2)}), node:tls median ${ref.median.toFixed(2)} ms (p90 ${ref.p90.toFixed(2)})`,
    )
    t.true(
      m.median <= ref.median * 1.5 + 3,
      `${client}: rustls-node ${JSON.stringify(m)} vs node:tls ${JSON.stringify(ref)}`,
    )
    t.true(m.median < 20, `${client}: no 40 ms-class stall: ${JSON.stringify(m)}`)
  }
  // One client socket per client (pg, ioredis, mysql2, https).
  t.deepEqual(withFlag.sockets, { client: 4, server: 0 })
})

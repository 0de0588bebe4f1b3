// rustls-node (A) against node:tls (B), side by side in one process.
//
//   npm run bench                      full run (about four minutes)
//   node bench/run.js --quick          CI smoke run (under half a minute)
//   node bench/run.js --only=handshakes,memory --json
//
// Units of A and B alternate (A B, then B A, ... for several rounds) so that
// both sides see the same machine noise; each row reports the median per
// side and the ratio A/B. See bench/README.md for what each metric means.
// Most units run in this process; memory and the 1-core/all-cores row run
// in child processes of this same script (--child=...).

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')
const { execFileSync, spawn } = require('node:child_process')
const { monitorEventLoopDelay, performance } = require('node:perf_hooks')

// ---------------------------------------------------------------------------
// Configuration

const IMPLS = {
  A: { label: 'rustls-node', load: () => require(path.join(__dirname, '..')) },
  B: { label: 'node:tls', load: () => require('node:tls') },
  // Not a side of the comparison: the plain-TCP control of the bulk rows.
  T: { label: 'plain TCP', load: () => require('node:net') },
}

// Pinned on both sides, client and server: the same suite, group and version.
const PIN = {
  ciphers: 'TLS_AES_128_GCM_SHA256',
  ecdhCurve: 'X25519',
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
}
const PIN_CHACHA = { ...PIN, ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }

const HOST = '127.0.0.1'
const SERVERNAME = 'localhost'

const PROFILES = {
  full: {
    rounds: 5,
    throughputBytes: 256 * 1024 * 1024,
    handshakes: 1500,
    rsaHandshakes: 1000,
    concurrency: 16,
    memoryConns: 2000,
    resumed: 1000,
    latencyConns: 500,
    stormHandshakes: 1024,
    stormConcurrency: 64,
    coresHandshakes: 800,
    unitTimeoutMs: 120_000,
  },
  quick: {
    rounds: 2,
    throughputBytes: 32 * 1024 * 1024,
    handshakes: 200,
    rsaHandshakes: 100,
    concurrency: 16,
    memoryConns: 200,
    resumed: 200,
    latencyConns: 50,
    stormHandshakes: 192,
    stormConcurrency: 64,
    coresHandshakes: 150,
    unitTimeoutMs: 20_000,
  },
}

// In the order the table shows them. throughput, chacha and tcp run as one
// interleaved group (see benchBulk).
const METRICS = ['handshakes', 'rsa', 'resumed', 'throughput', 'chacha', 'tcp', 'latency', 'memory', 'storm', 'cores']
const METRIC_ALIASES = {
  aes: ['throughput'],
  bulk: ['throughput', 'chacha', 'tcp'],
  chacha20: ['chacha'],
  ecdsa: ['handshakes'],
  loop: ['storm'],
  'event-loop': ['storm'],
  resumption: ['resumed'],
  mem: ['memory'],
  multicore: ['cores'],
}
const BULK = ['throughput', 'chacha', 'tcp']

const CHUNK = Buffer.alloc(16 * 1024, 0x61)
const noop = () => {}
const log = (...a) => console.error(...a)

function parseArgs(argv) {
  const o = {
    quick: false,
    json: false,
    only: null,
    rounds: null,
    side: null,
    certs: null,
    child: null,
    conns: null,
    handshakeOnLoop: false,
    handshakeOffLoop: false,
  }
  for (const a of argv) {
    const [k, v] = a.split(/=(.*)/s)
    if (k === '--quick') o.quick = true
    else if (k === '--json') o.json = true
    else if (k === '--only') o.only = (v || '').split(',').flatMap((m) => METRIC_ALIASES[m] || [m])
    else if (k === '--rounds') o.rounds = Number(v)
    else if (k === '--side') o.side = v
    else if (k === '--certs') o.certs = v
    else if (k === '--conns') o.conns = Number(v)
    else if (k === '--handshake-on-loop') o.handshakeOnLoop = true
    else if (k === '--handshake-off-loop') o.handshakeOffLoop = true
    else if (k === '--child') o.child = v
    else if (k === '--help' || k === '-h') o.help = true
    else throw new Error(`unknown option ${a} (try --help)`)
  }
  for (const m of o.only || [])
    if (!METRICS.includes(m)) throw new Error(`--only: unknown metric ${m}; one of ${METRICS}`)
  if (o.only) o.only = METRICS.filter((m) => o.only.includes(m)) // table order, no duplicates
  if (o.side && o.side !== 'A' && o.side !== 'B') throw new Error('--side must be A or B')
  if (o.rounds !== null && !(o.rounds >= 1 && o.rounds <= 50)) throw new Error('--rounds must be 1..50')
  if (o.conns !== null && !(Number.isInteger(o.conns) && o.conns >= 10 && o.conns <= 50_000)) {
    throw new Error('--conns must be an integer 10..50000')
  }
  return o
}

const USAGE = `usage: node bench/run.js [--quick] [--json] [--only=METRIC[,...]] [--rounds=N]
                         [--side=A|B] [--certs=DIR] [--conns=N] [--handshake-on-loop]
  A = rustls-node, B = node:tls.
  metrics (table order): ${METRICS.join(' ')}
    handshakes  full handshakes/s, ECDSA P-256, 16 concurrent (shared context, and ca per connect)
    rsa         full handshakes/s, RSA-2048 leaf and CA, 16 concurrent
    resumed     resumed handshakes/s
    throughput  bulk MB/s and CPU s/GB, TLS_AES_128_GCM_SHA256
    chacha      bulk MB/s and CPU s/GB, TLS_CHACHA20_POLY1305_SHA256
    tcp         the same bulk transfer over plain net sockets (control: the transport ceiling)
    latency     handshake latency p50/p99 (connect to secureConnect) and connect to 1st byte
    memory      server RSS and client RSS per idle connection (two child processes)
    storm       1 ms timer delay p99/max while 64 clients handshake in the same process
    cores       full handshakes/s in a child under taskset -c 0 vs on all cores
  aliases: ${Object.entries(METRIC_ALIASES)
    .map(([k, v]) => `${k}=${v.join('+')}`)
    .join(' ')}
  --side=A|B runs one side only (for profiling).
  --conns=N idle connections for the memory row (default 2000, --quick 200),
    e.g. --only=memory --conns=10000 --rounds=3.
  A places each handshake step itself: on the event loop, or on libuv's thread
    pool while the process is busy with handshakes (src-ts/handshake-placement.ts).
  --handshake-on-loop sets RUSTLS_NODE_HANDSHAKE_ON_LOOP=1 for A (every step on
    the event loop), --handshake-off-loop RUSTLS_NODE_HANDSHAKE_OFF_LOOP=1 (every
    step on the pool); children included.
  --certs=DIR keeps the certificates (ca.pem, leaf.pem, leaf.key and rsa-*.pem)
    in DIR: made there when missing, reused when present, never deleted.`

// ---------------------------------------------------------------------------
// Certificates: a CA and a leaf for localhost / 127.0.0.1, ECDSA P-256
// (ca.pem, leaf.pem, leaf.key) and RSA-2048 (rsa-ca.pem, rsa-leaf.pem, rsa-leaf.key).

const KEY_ALGS = {
  ecdsa: { prefix: '', genpkey: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] },
  rsa: { prefix: 'rsa-', genpkey: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] },
}

function makeCerts(dir, alg) {
  const { prefix: p, genpkey } = KEY_ALGS[alg]
  const w = (name, text) => fs.writeFileSync(path.join(dir, name), text)
  w(
    'ca.cnf',
    `[req]\nprompt = no\ndistinguished_name = dn\nx509_extensions = v3_ca\n[dn]\nCN = rustls-node bench CA\n` +
      `[v3_ca]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n`,
  )
  w('leaf.cnf', `[req]\nprompt = no\ndistinguished_name = dn\n[dn]\nCN = localhost\n`)
  w(
    'leaf.ext',
    `[v3_leaf]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n` +
      `extendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost, IP:127.0.0.1\n` +
      `subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n`,
  )
  const ossl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  ossl('genpkey', ...genpkey, '-out', `${p}ca.key`)
  ossl(
    'req',
    '-x509',
    '-new',
    '-key',
    `${p}ca.key`,
    '-sha256',
    '-days',
    '30',
    '-config',
    'ca.cnf',
    '-out',
    `${p}ca.pem`,
  )
  ossl('genpkey', ...genpkey, '-out', `${p}leaf.key`)
  ossl('req', '-new', '-key', `${p}leaf.key`, '-config', 'leaf.cnf', '-out', `${p}leaf.csr`)
  const serial = `0x${require('node:crypto').randomBytes(8).toString('hex')}`
  ossl(
    'x509',
    '-req',
    '-in',
    `${p}leaf.csr`,
    '-CA',
    `${p}ca.pem`,
    '-CAkey',
    `${p}ca.key`,
    '-set_serial',
    serial,
    '-days',
    '30',
    '-sha256',
    '-extfile',
    'leaf.ext',
    '-extensions',
    'v3_leaf',
    '-out',
    `${p}leaf.pem`,
  )
}

function loadCerts(dir, alg = 'ecdsa') {
  const p = KEY_ALGS[alg].prefix
  const r = (n) => fs.readFileSync(path.join(dir, p + n))
  return { ca: r('ca.pem'), cert: r('leaf.pem'), key: r('leaf.key') }
}

function ensureCerts(dir) {
  for (const alg of Object.keys(KEY_ALGS)) {
    if (!fs.existsSync(path.join(dir, `${KEY_ALGS[alg].prefix}leaf.key`))) makeCerts(dir, alg)
  }
}

// ---------------------------------------------------------------------------
// Small helpers: statistics, interleaving, per-unit resource scope.

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Nearest-rank percentile (p in 0..100). */
function percentile(xs, p) {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

/** Half the range relative to the median, in percent: the run-to-run swing. */
function spread(xs) {
  if (xs.length < 2) return 0
  const m = median(xs)
  return m ? ((Math.max(...xs) - Math.min(...xs)) / 2 / Math.abs(m)) * 100 : 0
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9

/**
 * Every server and socket a unit opens goes through a Scope, so it can all be
 * torn down whatever happened. `failed` rejects on the first scope.fail().
 */
class Scope {
  constructor() {
    this.sockets = new Set()
    this.servers = new Set()
    this.children = new Set()
    this.settled = false
    this.failed = new Promise((_, reject) => (this._reject = reject))
    this.failed.catch(noop)
  }
  fail(err) {
    if (!this.settled) this._reject(err instanceof Error ? err : new Error(String(err)))
  }
  socket(s) {
    this.sockets.add(s)
    s.once('close', () => this.sockets.delete(s))
    return s
  }
  /** Listens on loopback; tracks the raw sockets it accepts. */
  listen(server) {
    this.servers.add(server)
    server.on('connection', (raw) => this.socket(raw))
    server.on('error', (e) => this.fail(e))
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen({ port: 0, host: HOST, backlog: 1024 }, () => resolve(server.address().port))
    })
  }
  async close() {
    this.settled = true
    for (const s of this.sockets) s.destroy()
    this.sockets.clear()
    const closing = [...this.servers].map((srv) => new Promise((r) => srv.close(() => r())))
    this.servers.clear()
    for (const c of this.children) c.kill()
    this.children.clear()
    const grace = new Promise((r) => setTimeout(r, 2000).unref())
    await Promise.race([Promise.all(closing), grace])
  }
}

// An exception thrown from inside an implementation's event handlers would
// otherwise kill the whole run: it fails the unit that is running instead.
let currentScope = null
let uncaught = 0
function failCurrentUnit(err) {
  if (!currentScope || ++uncaught > 100) {
    log('uncaught outside any unit:', err)
    process.exit(1)
  }
  log(`  uncaught in a unit: ${err?.stack ? err.stack : err}`)
  currentScope.fail(err)
}
process.on('uncaughtException', failCurrentUnit)
process.on('unhandledRejection', failCurrentUnit)
// Output piped into something that went away (`| head`): stop right there.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => process.exit(1))

/** Runs one unit with a fresh Scope and a time limit; always cleans up. */
async function runUnit(fn, timeoutMs) {
  const scope = new Scope()
  currentScope = scope
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`unit timed out after ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return await Promise.race([fn(scope), scope.failed, timeout])
  } finally {
    clearTimeout(timer)
    await scope.close()
    if (currentScope === scope) currentScope = null
  }
}

/**
 * Runs jobs alternately, round by round: in even rounds in the given order,
 * in odd rounds reversed, after one unrecorded warm-up unit per job that has
 * one. A job is { name, side, unit, warmup?, timeoutMs? }; `unit(impl, scope, side)` gets
 * the side's module (tls, or net for T). Returns one { samples, errors } per
 * job, samples being the objects the unit returned.
 */
async function interleaveJobs(ctx, jobs) {
  const out = jobs.map(() => ({ samples: [], errors: [] }))
  const run = async (job, fn, tag) => {
    const t0 = process.hrtime.bigint()
    try {
      const impl = ctx.impl[job.side]
      if (impl instanceof Error) throw impl
      const r = await runUnit((scope) => fn(impl, scope, job.side), job.timeoutMs || ctx.cfg.unitTimeoutMs)
      log(`  ${job.name} ${tag} ${job.side}: ${fmtSample(r)} (${seconds(t0).toFixed(1)} s)`)
      return r
    } catch (err) {
      log(`  ${job.name} ${tag} ${job.side}: FAILED ${err?.stack ? err.stack : err}`)
      throw err
    }
  }
  for (const job of jobs) if (job.warmup) await run(job, job.warmup, 'warm-up').catch(noop)
  for (let round = 0; round < ctx.cfg.rounds; round++) {
    const order = jobs.map((_, i) => i)
    if (round % 2) order.reverse()
    for (const i of order) {
      try {
        out[i].samples.push(await run(jobs[i], jobs[i].unit, `round ${round + 1}`))
      } catch (err) {
        out[i].errors.push(errText(err))
      }
    }
  }
  return out
}

/**
 * `unit` for each side in ctx.sides, interleaved (A B, B A, ...).
 * Returns { A: { samples, errors }, B: ... }.
 */
async function interleave(name, ctx, unit, warmup, timeoutMs) {
  const r = await interleaveJobs(
    ctx,
    ctx.sides.map((side) => ({ name, side, unit, warmup, timeoutMs })),
  )
  return Object.fromEntries(ctx.sides.map((side, i) => [side, r[i]]))
}

function errText(err) {
  if (!(err instanceof Error)) return String(err)
  return err.code ? `${err.code}: ${err.message}` : err.message
}

function fmtSample(r) {
  return Object.entries(r)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(2) : v}`)
    .join(' ')
}

// ---------------------------------------------------------------------------
// TLS plumbing shared by the metrics.

function serverOptions(certs, pin = PIN) {
  return { key: certs.key, cert: certs.cert, ...pin }
}

function clientContext(tls, certs, pin = PIN) {
  return tls.createSecureContext({ ca: certs.ca, ...pin })
}

/** tls.connect() that resolves on 'secureConnect' and rejects on an earlier error/close. */
function connectTls(tls, scope, port, opts, onSocket) {
  return new Promise((resolve, reject) => {
    const s = scope.socket(tls.connect({ host: HOST, port, servername: SERVERNAME, ...opts }))
    if (onSocket) onSocket(s)
    const onError = (e) => {
      s.off('close', onClose)
      reject(e)
    }
    const onClose = () => {
      s.off('error', onError)
      reject(new Error('socket closed before secureConnect'))
    }
    s.once('error', onError)
    s.once('close', onClose)
    s.once('secureConnect', () => {
      s.off('error', onError)
      s.off('close', onClose)
      s.on('error', (e) => scope.fail(e))
      if (!s.authorized) reject(new Error(`not authorized: ${s.authorizationError}`))
      else resolve(s)
    })
  })
}

/**
 * A TLS 1.3 client is done one flight before its server: a client that
 * destroys right after 'secureConnect' may hang up before the server has read
 * its Finished, which the server reports as 'tlsClientError' ECONNRESET.
 * That is the benchmark's doing; anything else fails the unit.
 */
function failUnlessHangUp(scope) {
  return (err) => {
    if (err && err.code === 'ECONNRESET') scope.hangUps = (scope.hangUps || 0) + 1
    else scope.fail(err)
  }
}

/** A session from the 'session' event, else from getSession() after `waitMs`. */
function sessionOf(socket, waitMs) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(socket.getSession()), waitMs)
    socket.once('session', (s) => {
      clearTimeout(timer)
      resolve(s)
    })
  })
}

/**
 * `count` calls of `each(i, worker)` over `concurrency` workers. Stops handing out
 * work after the first failure or once the scope is closed (unit timed out).
 */
async function pool(scope, count, concurrency, each) {
  let next = 0
  let failed = false
  const worker = async (w) => {
    while (!failed && !scope.settled && next < count) {
      try {
        await each(next++, w)
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, (_, w) => worker(w)))
}

// ---------------------------------------------------------------------------
// Bulk throughput over one connection: TLS with a pinned suite, and the same
// transfer over plain net sockets as the control.

/** Writes `bytes` in 16 KiB Buffers as fast as write()/'drain' allow; resolves with the rates. */
async function pumpAndMeasure(client, bytes, received, done) {
  const t0 = process.hrtime.bigint()
  const cpu0 = process.cpuUsage()
  let sent = 0
  const pump = () => {
    while (sent < bytes) {
      sent += CHUNK.length
      if (!client.write(CHUNK)) {
        client.once('drain', pump)
        return
      }
    }
  }
  pump()
  await done
  const secs = seconds(t0)
  const cpu = process.cpuUsage(cpu0)
  const n = received()
  return { MBps: n / 1e6 / secs, cpuSecPerGB: (cpu.user + cpu.system) / 1e6 / (n / 1e9) }
}

/** A server that counts bytes and resolves `done` once it has `bytes`. */
function byteSink(scope, bytes) {
  let received = 0
  let finish
  const done = new Promise((r) => (finish = r))
  const onSocket = (s) => {
    s.on('error', (e) => scope.fail(e))
    s.on('data', (c) => {
      received += c.length
      if (received >= bytes) finish()
    })
  }
  return { onSocket, done, received: () => received }
}

async function throughputUnit(tls, scope, certs, bytes, pin) {
  const sink = byteSink(scope, bytes)
  const server = tls.createServer(serverOptions(certs, pin), sink.onSocket)
  server.on('tlsClientError', (e) => scope.fail(e))
  const port = await scope.listen(server)
  const client = await connectTls(tls, scope, port, { secureContext: clientContext(tls, certs, pin) })
  const c = client.getCipher() || {}
  if ((c.standardName || c.name) !== pin.ciphers)
    throw new Error(`negotiated ${c.standardName || c.name}, not ${pin.ciphers}`)
  return pumpAndMeasure(client, bytes, sink.received, sink.done)
}

async function tcpThroughputUnit(net, scope, bytes) {
  const sink = byteSink(scope, bytes)
  const port = await scope.listen(net.createServer(sink.onSocket))
  const client = scope.socket(net.connect({ host: HOST, port }))
  await new Promise((resolve, reject) => {
    client.once('error', reject)
    client.once('connect', () => {
      client.off('error', reject)
      client.on('error', (e) => scope.fail(e))
      resolve()
    })
  })
  return pumpAndMeasure(client, bytes, sink.received, sink.done)
}

// ---------------------------------------------------------------------------
// Full handshakes per second, and event-loop delay meanwhile.

async function handshakeUnit(tls, scope, certs, { count, concurrency, caPerConnect }) {
  const server = tls.createServer(serverOptions(certs), (s) => s.on('error', noop))
  server.on('tlsClientError', failUnlessHangUp(scope))
  const port = await scope.listen(server)
  const opts = caPerConnect ? { ca: certs.ca, ...PIN } : { secureContext: clientContext(tls, certs) }

  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  const t0 = process.hrtime.bigint()
  await pool(scope, count, concurrency, async () => {
    const s = await connectTls(tls, scope, port, opts)
    s.destroy()
  })
  const secs = seconds(t0)
  delay.disable()
  return {
    perSec: count / secs,
    p99ms: delay.percentile(99) / 1e6,
    maxms: delay.max / 1e6,
    hangUps: scope.hangUps || 0,
  }
}

// ---------------------------------------------------------------------------
// Handshake storm: `concurrency` (64) clients handshake at once against a
// server, all in this process, while a 1 ms setInterval timer records how
// late each of its ticks fires (gap between ticks minus 1 ms): the longest
// time the event loop could not run a callback.

async function stormUnit(tls, scope, certs, { count, concurrency }) {
  const server = tls.createServer(serverOptions(certs), (s) => s.on('error', noop))
  server.on('tlsClientError', failUnlessHangUp(scope))
  const port = await scope.listen(server)
  const secureContext = clientContext(tls, certs)
  const late = []
  let last = performance.now()
  const ticker = setInterval(() => {
    const now = performance.now()
    late.push(Math.max(0, now - last - 1))
    last = now
  }, 1)
  await sleep(20) // the timer is running before the storm starts
  const t0 = process.hrtime.bigint()
  try {
    await pool(scope, count, concurrency, async () => {
      const s = await connectTls(tls, scope, port, { secureContext })
      s.destroy()
    })
  } finally {
    clearInterval(ticker)
  }
  const secs = seconds(t0)
  return {
    p99ms: percentile(late, 99),
    maxms: Math.max(...late),
    ticks: late.length,
    perSec: count / secs,
    hangUps: scope.hangUps || 0,
  }
}

// ---------------------------------------------------------------------------
// Handshake latency: one client at a time connects; the unit times connect()
// to 'secureConnect' (the handshake) and connect() to the first byte, which
// the server writes on 'secureConnection'. Default socket options (Nagle
// on), as a plain tls server has them: the first-byte time is where a server
// that sends its session tickets and its first write as separate TCP
// segments meets the peer's delayed ACK (~40 ms on Linux).

async function latencyUnit(tls, scope, certs, { count }) {
  const server = tls.createServer(serverOptions(certs), (s) => {
    s.on('error', noop)
    s.write('x')
  })
  server.on('tlsClientError', failUnlessHangUp(scope))
  const port = await scope.listen(server)
  const secureContext = clientContext(tls, certs)
  const handshake = []
  const firstByte = []
  for (let i = 0; i < count && !scope.settled; i++) {
    const t0 = process.hrtime.bigint()
    let gotData
    const data = new Promise((r) => (gotData = r))
    const s = await connectTls(tls, scope, port, { secureContext }, (x) => x.once('data', () => gotData()))
    handshake.push(seconds(t0) * 1000)
    let timer
    await Promise.race([
      data,
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error('no data from the server within 2 s')), 2000)),
      ),
    ]).finally(() => clearTimeout(timer))
    firstByte.push(seconds(t0) * 1000)
    s.destroy()
  }
  return { p50ms: percentile(handshake, 50), p99ms: percentile(handshake, 99), firstByteMs: median(firstByte) }
}

// ---------------------------------------------------------------------------
// Resumed handshakes per second.
//
// The server writes one byte once a connection is secure; any session
// tickets it sends come before that byte. `chain`: each of the 16 clients
// resumes with the newest session its own previous connection received (as
// a session cache keeping the latest 'session' does), reading the byte first
// so the new tickets are in, and every handshake must resume. Otherwise every
// connect reuses one session from a first connection and closes right after
// 'secureConnect'; that unit reports the share of handshakes that resumed
// (TLS 1.3 tickets may be single-use, RFC 8446 §C.4).

async function resumedUnit(tls, scope, certs, { count, concurrency, chain }) {
  // noDelay: this row is about resumption cost; the Nagle stall a write
  // right after the handshake can hit is the latency metric's business.
  const server = tls.createServer({ ...serverOptions(certs), noDelay: true }, (s) => {
    s.on('error', noop)
    s.write('x')
  })
  server.on('tlsClientError', failUnlessHangUp(scope))
  const port = await scope.listen(server)
  const secureContext = clientContext(tls, certs)

  /** Connects with `session`, reads the server's byte; resolves with the session to use next. */
  const connectForSession = async (session) => {
    let newest
    const opts = { secureContext, session, noDelay: true }
    const s = await connectTls(tls, scope, port, opts, (x) => x.on('session', (v) => (newest = v)))
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no data from the server within 2 s')), 2000)
      s.once('data', () => {
        clearTimeout(timer)
        setImmediate(resolve) // node:tls emits 'session' just after the data
      })
    })
    const resumed = s.isSessionReused()
    s.destroy()
    return { resumed, next: newest || (resumed ? session : undefined) }
  }
  // One starting session per client in `chain` mode, one shared otherwise.
  const starts = []
  for (let i = 0; i < (chain ? concurrency : 1); i++) {
    const { next } = await connectForSession(undefined)
    if (!next) throw new Error('no session from the first connection (getSession() returned undefined)')
    starts.push(next)
  }

  let reused = 0
  const t0 = process.hrtime.bigint()
  await pool(scope, count, concurrency, async (_, worker) => {
    if (chain) {
      const { resumed, next } = await connectForSession(starts[worker])
      if (resumed) reused++
      if (next) starts[worker] = next
    } else {
      const s = await connectTls(tls, scope, port, { secureContext, session: starts[0], noDelay: true })
      if (s.isSessionReused()) reused++
      s.destroy()
    }
  })
  const secs = seconds(t0)
  if (chain && reused < count) throw new Error(`only ${reused}/${count} handshakes resumed their session`)
  return { perSec: count / secs, resumedPct: (reused / count) * 100 }
}

/** Whether this implementation hands out sessions at all. */
async function probeSession(tls, certs) {
  return runUnit(async (scope) => {
    const server = tls.createServer(serverOptions(certs), (s) => s.on('error', noop))
    const port = await scope.listen(server)
    let pending
    const s = await connectTls(
      tls,
      scope,
      port,
      { secureContext: clientContext(tls, certs) },
      (x) => (pending = sessionOf(x, 300)),
    )
    const session = await pending
    return {
      session: session !== undefined && session !== null,
      protocol: s.getProtocol(),
      cipher: s.getCipher()?.standardName || s.getCipher()?.name,
      group: s.getEphemeralKeyInfo()?.name,
    }
  }, 10_000)
}

// ---------------------------------------------------------------------------
// Child processes: this script with --child=KIND:SIDE, driven over stdin
// with one command per line, answering each with one JSON line on stdout
// ({ error } when it failed). Used where one process must hold one role
// alone (memory: server and client in separate processes) or run under a
// different CPU affinity (cores).

class Child {
  /**
   * `nofile`: open files the child needs. It is then started through
   * `sh -c 'ulimit -n ...'`, which raises its soft limit to the hard one
   * (unprivileged processes may), and checks what it got itself.
   */
  constructor(kind, side, ctx, scope, { taskset = null, nofile = 0 } = {}) {
    const nodeArgs = ['--expose-gc', __filename, `--child=${kind}:${side}:${nofile}`, `--certs=${ctx.certDir}`]
    let cmd = process.execPath
    let args = nodeArgs
    if (nofile) {
      args = [
        '-c',
        `ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n ${nofile} 2>/dev/null; exec "$@"`,
        'sh',
        cmd,
        ...args,
      ]
      cmd = '/bin/sh'
    }
    if (taskset) {
      args = ['-c', taskset, cmd, ...args]
      cmd = 'taskset'
    }
    this.name = `${kind} child ${side}`
    this.proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    this.stderr = ''
    this.waiting = []
    this.exited = null
    this.proc.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)))
    this.proc.stdin.on('error', noop)
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const w = this.waiting.shift()
      if (!w) return
      let msg
      try {
        msg = JSON.parse(line)
      } catch {
        return w.reject(new Error(`${this.name}: bad answer ${line.slice(0, 200)}`))
      }
      if (msg.error) w.reject(new Error(`${this.name}: ${msg.error}`))
      else w.resolve(msg)
    })
    const gone = (why) => {
      this.exited = why
      const tail = this.stderr.trim().split('\n').slice(-3).join(' | ')
      for (const w of this.waiting.splice(0)) w.reject(new Error(`${this.name} ${why}${tail ? `: ${tail}` : ''}`))
    }
    this.proc.on('error', (e) => gone(`failed to start (${e.message})`))
    this.proc.on('exit', (code, signal) => gone(signal ? `killed (${signal})` : `exited ${code}`))
    scope.children.add(this) // killed when the unit ends, however it ends
  }
  request(cmd) {
    if (this.exited) return Promise.reject(new Error(`${this.name} ${this.exited}`))
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject })
      this.proc.stdin.write(`${cmd}\n`)
    })
  }
  kill() {
    if (!this.exited) this.proc.kill('SIGKILL')
  }
}

/** Soft RLIMIT_NOFILE of this process (Linux), or null. */
function openFilesLimit() {
  try {
    const m = /^Max open files\s+(\S+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'))
    return m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : null
  } catch {
    return null
  }
}

async function childMain(spec, certDir) {
  const [kind, side, nofile] = spec.split(':')
  const tls = IMPLS[side].load()
  const certs = loadCerts(certDir)
  const scope = new Scope()
  currentScope = scope
  const limit = openFilesLimit()
  const limitError =
    limit !== null && limit < Number(nofile)
      ? `open-files limit is ${limit}, need ${nofile} (raise the hard limit: ulimit -Hn)`
      : null
  const gc = async () => {
    for (let i = 0; i < 3; i++) {
      global.gc()
      await new Promise((r) => setImmediate(r))
    }
  }
  const waitFor = async (what, cond, ms) => {
    for (const t0 = Date.now(); !cond(); await sleep(10)) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    }
  }

  // Server role: secure connections it holds.
  const held = new Set()
  let port = null
  // Client role: connections it opened.
  const clients = new Set()
  let closedWhileIdle = 0

  const commands = {
    async listen() {
      if (limitError) throw new Error(limitError)
      const server = tls.createServer(serverOptions(certs), (s) => {
        held.add(s)
        s.on('error', noop)
        s.once('close', () => held.delete(s))
      })
      server.on('tlsClientError', failUnlessHangUp(scope))
      port = await scope.listen(server)
      return { port }
    },
    async held(n) {
      await waitFor(
        `${n} secure connections at the server (has ${held.size})`,
        () => held.size === Number(n),
        20_000 + 10 * n,
      )
      return { held: held.size }
    },
    async open(n, p) {
      if (limitError) throw new Error(limitError)
      const secureContext = clientContext(tls, certs)
      await pool(scope, Number(n), 32, async () => {
        const s = await connectTls(tls, scope, Number(p), { secureContext })
        clients.add(s)
        s.once('close', () => {
          if (clients.delete(s)) closedWhileIdle++
        })
      })
      return { open: clients.size }
    },
    async close() {
      const all = [...clients]
      clients.clear()
      await Promise.all(
        all.map(
          (s) =>
            new Promise((r) => {
              if (s.destroyed) return r()
              s.once('close', r)
              s.destroy()
            }),
        ),
      )
      return { open: 0 }
    },
    async sample() {
      await gc()
      const m = process.memoryUsage()
      return { rss: m.rss, js: m.heapUsed + m.external, held: held.size, open: clients.size, closedWhileIdle }
    },
    async handshakes(n, concurrency) {
      // Its own scope, so its server and sockets are gone afterwards.
      return runUnit(
        (s) => handshakeUnit(tls, s, certs, { count: Number(n), concurrency: Number(concurrency) }),
        120_000,
      )
    },
  }
  if (kind !== 'memory' && kind !== 'cores') throw new Error(`unknown child ${kind}`)

  const rl = readline.createInterface({ input: process.stdin })
  let queue = Promise.resolve()
  rl.on('line', (line) => {
    const [cmd, ...args] = line.trim().split(/\s+/)
    queue = queue.then(async () => {
      let answer
      try {
        if (!commands[cmd]) throw new Error(`unknown command ${cmd}`)
        currentScope = scope
        answer = await Promise.race([commands[cmd](...args), scope.failed])
      } catch (err) {
        answer = { error: errText(err) }
      }
      currentScope = scope
      process.stdout.write(`${JSON.stringify(answer)}\n`)
    })
  })
  rl.on('close', () => queue.then(() => process.exit(0)))
}

// ---------------------------------------------------------------------------
// Memory per idle connection: a server child and a client child, each
// measuring its own RSS and V8 heap+external, before and after `count` idle
// connections.

async function memoryUnit(side, ctx, scope, count) {
  const nofile = count + 256
  const server = new Child('memory', side, ctx, scope, { nofile })
  const client = new Child('memory', side, ctx, scope, { nofile })
  try {
    const { port } = await server.request('listen')
    // Warm-up: lazy initialisation, JIT, and allocator pools are not per-connection costs.
    await client.request(`open 32 ${port}`)
    await server.request('held 32')
    await client.request('close')
    await server.request('held 0')
    await sleep(100)
    const [s0, c0] = await Promise.all([server.request('sample'), client.request('sample')])
    await client.request(`open ${count} ${port}`)
    await server.request(`held ${count}`)
    await sleep(300) // post-handshake messages (session tickets) land
    const [s1, c1] = await Promise.all([server.request('sample'), client.request('sample')])
    if (s1.held !== count || c1.open !== count || c1.closedWhileIdle) {
      throw new Error(`a connection closed while idle (server holds ${s1.held}, client ${c1.open} of ${count})`)
    }
    return {
      serverRssKiB: (s1.rss - s0.rss) / 1024 / count,
      clientRssKiB: (c1.rss - c0.rss) / 1024 / count,
      serverJsKiB: (s1.js - s0.js) / 1024 / count,
      clientJsKiB: (c1.js - c0.js) / 1024 / count,
    }
  } finally {
    server.kill()
    client.kill()
  }
}

// ---------------------------------------------------------------------------
// Multi-core: full handshakes/s (ECDSA, shared context, 16 concurrent) in a
// child pinned to CPU 0 with taskset, and in a child on every CPU this
// process may use. Each child warms up with a quarter of the count first.

function tasksetWorks() {
  try {
    execFileSync('taskset', ['-c', '0', process.execPath, '-e', ''], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

async function coresUnit(side, ctx, scope, count) {
  const concurrency = ctx.cfg.concurrency
  const rate = async (taskset) => {
    const child = new Child('cores', side, ctx, scope, { taskset })
    try {
      await child.request(`handshakes ${Math.ceil(count / 4)} ${concurrency}`)
      return (await child.request(`handshakes ${count} ${concurrency}`)).perSec
    } finally {
      child.kill()
    }
  }
  const one = await rate('0')
  const all = await rate(null)
  return { onePerSec: one, allPerSec: all, scale: all / one }
}

// ---------------------------------------------------------------------------
// The run: metrics, rows, table.

/**
 * A row: label, unit, which direction is better, and how to get the value
 * from a unit's sample. Rows with `na` print that text instead of numbers.
 */
function rowsFrom(results, key, label, unit, better, pick) {
  const row = { key, label, unit, better, sides: {} }
  for (const [side, r] of Object.entries(results)) {
    const values = r.samples.map(pick)
    row.sides[side] = {
      median: values.length ? median(values) : null,
      spreadPct: spread(values),
      samples: values,
      errors: r.errors,
    }
  }
  const a = row.sides.A
  const b = row.sides.B
  row.ratio = a && b && a.median !== null && b.median !== null && b.median !== 0 ? a.median / b.median : null
  return row
}

const CIPHER_LABEL = { throughput: 'AES-128-GCM', chacha: 'ChaCha20-Poly1305' }

/**
 * throughput (AES-128-GCM), chacha (ChaCha20-Poly1305) and tcp (plain net,
 * the control), as many as are selected, interleaved in the same rounds so
 * the control sees the same machine as the TLS rows.
 */
async function benchBulk(ctx, selected) {
  const bytes = ctx.cfg.throughputBytes
  log(`bulk (${selected.join(', ')}): ${bytes / 2 ** 20} MiB per unit, 16 KiB writes`)
  const jobs = []
  for (const m of selected) {
    if (m === 'tcp') {
      const unit = (n) => (net, scope) => tcpThroughputUnit(net, scope, n)
      jobs.push({ metric: m, name: 'bulk/tcp', side: 'T', unit: unit(bytes), warmup: unit(bytes / 4) })
      continue
    }
    const pin = m === 'chacha' ? PIN_CHACHA : PIN
    const unit = (n) => (tls, scope) => throughputUnit(tls, scope, ctx.certs, n, pin)
    const name = `bulk/${m === 'chacha' ? 'chacha' : 'aes'}`
    for (const side of ctx.sides) jobs.push({ metric: m, name, side, unit: unit(bytes), warmup: unit(bytes / 4) })
  }
  const out = await interleaveJobs(ctx, jobs)
  const byMetric = {}
  for (const [i, job] of jobs.entries()) {
    byMetric[job.metric] ||= {}
    byMetric[job.metric][job.side] = out[i]
  }

  const rows = []
  for (const m of selected.filter((x) => x !== 'tcp')) {
    const cipher = CIPHER_LABEL[m]
    rows.push(rowsFrom(byMetric[m], m, `bulk MB/s, ${cipher}`, 'MB/s', 'higher', (s) => s.MBps))
    rows.push(rowsFrom(byMetric[m], `${m}_cpu`, `  CPU s/GB, ${cipher} (user+sys)`, 's', 'lower', (s) => s.cpuSecPerGB))
  }
  if (byMetric.tcp) {
    const tcp = rowsFrom(byMetric.tcp, 'tcp', 'bulk MB/s, plain TCP (control)', 'MB/s', 'higher', (s) => s.MBps)
    const cpu = rowsFrom(
      byMetric.tcp,
      'tcp_cpu',
      '  CPU s/GB, plain TCP (user+sys)',
      's',
      'lower',
      (s) => s.cpuSecPerGB,
    )
    for (const r of [tcp, cpu]) r.note = 'control: no TLS'
    rows.push(tcp, cpu)
    // Each TLS row as a share of the control's median: how close to the
    // ceiling that Node's socket layer sets each side gets.
    const t = tcp.sides.T.median
    for (const m of selected.filter((x) => x !== 'tcp')) {
      const tlsRow = rows.find((r) => r.key === m)
      const share = {
        key: `${m}_tcp_pct`,
        label: `  ${CIPHER_LABEL[m]} as % of plain TCP`,
        unit: '%',
        better: 'higher',
        sides: {},
        ratio: null,
      }
      for (const [side, s] of Object.entries(tlsRow.sides)) {
        share.sides[side] = {
          median: t && s.median !== null ? (s.median / t) * 100 : null,
          spreadPct: s.spreadPct,
          samples: [],
          errors: [],
        }
      }
      rows.push(share)
    }
  }
  return rows
}

async function benchHandshakes(ctx) {
  const { handshakes: count, concurrency } = ctx.cfg
  const rows = []
  for (const caPerConnect of [false, true]) {
    const variant = caPerConnect ? 'ca per connect' : 'shared ctx'
    const tag = caPerConnect ? 'ca' : 'ctx'
    log(`handshakes, ECDSA P-256 (${variant}): ${count} per unit, ${concurrency} concurrent`)
    const unit = (n) => (tls, scope) => handshakeUnit(tls, scope, ctx.certs, { count: n, concurrency, caPerConnect })
    const r = await interleave(`handshakes/${tag}`, ctx, unit(count), unit(Math.ceil(count / 4)))
    rows.push(
      rowsFrom(r, `handshakes_${tag}`, `full handshakes/s, ECDSA P-256 (${variant})`, '1/s', 'higher', (s) => s.perSec),
    )
    rows.push(rowsFrom(r, `loop_p99_${tag}`, `  loop delay p99 (${tag})`, 'ms', 'lower', (s) => s.p99ms))
    rows.push(rowsFrom(r, `loop_max_${tag}`, `  loop delay max (${tag})`, 'ms', 'lower', (s) => s.maxms))
  }
  return rows
}

async function benchRsa(ctx) {
  const { rsaHandshakes: count, concurrency } = ctx.cfg
  log(`handshakes, RSA-2048 (shared ctx): ${count} per unit, ${concurrency} concurrent`)
  const unit = (n) => (tls, scope) => handshakeUnit(tls, scope, ctx.rsaCerts, { count: n, concurrency })
  const r = await interleave('handshakes/rsa', ctx, unit(count), unit(Math.ceil(count / 4)))
  return [rowsFrom(r, 'handshakes_rsa', 'full handshakes/s, RSA-2048 (shared ctx)', '1/s', 'higher', (s) => s.perSec)]
}

async function benchLatency(ctx) {
  const count = ctx.cfg.latencyConns
  log(`latency: ${count} sequential connections per unit, server writes 1 byte when secure`)
  const unit = (n) => (tls, scope) => latencyUnit(tls, scope, ctx.certs, { count: n })
  const r = await interleave('latency', ctx, unit(count), unit(Math.ceil(count / 4)))
  return [
    rowsFrom(r, 'handshake_p50_ms', 'handshake latency p50 (to secureConnect)', 'ms', 'lower', (s) => s.p50ms),
    rowsFrom(r, 'handshake_p99_ms', 'handshake latency p99 (to secureConnect)', 'ms', 'lower', (s) => s.p99ms),
    rowsFrom(r, 'first_byte_ms', "  connect to server's 1st byte, median", 'ms', 'lower', (s) => s.firstByteMs),
  ]
}

async function benchMemory(ctx) {
  const count = ctx.cfg.memoryConns
  log(`memory: ${count} idle connections per unit, server and client in two child processes (node --expose-gc)`)
  const timeoutMs = Math.max(ctx.cfg.unitTimeoutMs, 30_000 + 20 * count)
  const r = await interleave('memory', ctx, (_tls, scope, side) => memoryUnit(side, ctx, scope, count), null, timeoutMs)
  return [
    rowsFrom(r, 'memory_server_rss', `server RSS/idle conn (${count} conns)`, 'KiB', 'lower', (s) => s.serverRssKiB),
    rowsFrom(r, 'memory_client_rss', `client RSS/idle conn (${count} conns)`, 'KiB', 'lower', (s) => s.clientRssKiB),
    rowsFrom(r, 'memory_server_js', '  server heap+external/idle conn', 'KiB', 'lower', (s) => s.serverJsKiB),
    rowsFrom(r, 'memory_client_js', '  client heap+external/idle conn', 'KiB', 'lower', (s) => s.clientJsKiB),
  ]
}

async function benchResumed(ctx) {
  const { resumed: count, concurrency } = ctx.cfg
  const sessionless = ctx.sides.filter((side) => ctx.probe[side] && !ctx.probe[side].session)
  const sides = ctx.sides.filter((side) => !sessionless.includes(side))
  const only = { ...ctx, sides }
  const rows = []
  for (const chain of [true, false]) {
    const n = chain ? count : Math.ceil(count / 4)
    log(
      `resumed handshakes (${chain ? 'newest session per client' : 'one session for all'}): ${n} per unit` +
        (sessionless.length ? ` (no sessions from ${sessionless.join(', ')})` : ''),
    )
    const unit = (k) => (tls, scope) => resumedUnit(tls, scope, ctx.certs, { count: k, concurrency, chain })
    const r = sides.length
      ? await interleave(`resumed/${chain ? 'chain' : 'shared'}`, only, unit(n), unit(Math.ceil(n / 4)))
      : {}
    rows.push(
      chain
        ? rowsFrom(r, 'resumed', 'resumed handshakes/s', '1/s', 'higher', (s) => s.perSec)
        : rowsFrom(r, 'resumed_shared_pct', '  resumed, one session for all', '%', 'higher', (s) => s.resumedPct),
    )
  }
  for (const row of rows) for (const side of sessionless) row.sides[side] = { na: 'n/a (sessions not implemented)' }
  return rows
}

async function benchStorm(ctx) {
  const { stormHandshakes: count, stormConcurrency: concurrency } = ctx.cfg
  log(`handshake storm: ${count} per unit, ${concurrency} concurrent, 1 ms interval timer`)
  const unit = (n) => (tls, scope) => stormUnit(tls, scope, ctx.certs, { count: n, concurrency })
  const r = await interleave('storm', ctx, unit(count), unit(Math.ceil(count / 4)))
  return [
    rowsFrom(r, 'storm_p99_ms', `storm (${concurrency} conc): 1 ms timer delay p99`, 'ms', 'lower', (s) => s.p99ms),
    rowsFrom(r, 'storm_max_ms', `storm (${concurrency} conc): 1 ms timer delay max`, 'ms', 'lower', (s) => s.maxms),
    rowsFrom(r, 'storm_handshakes', `  storm full handshakes/s`, '1/s', 'higher', (s) => s.perSec),
  ]
}

async function benchCores(ctx) {
  const count = ctx.cfg.coresHandshakes
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  log(`cores: ${count} handshakes per child, ${ctx.cfg.concurrency} concurrent, taskset -c 0 vs all ${cpus} cpus`)
  const labels = [
    ['cores_one', 'full handshakes/s, 1 core (taskset -c 0)', '1/s', 'higher', (s) => s.onePerSec],
    ['cores_all', `full handshakes/s, all ${cpus} cores`, '1/s', 'higher', (s) => s.allPerSec],
    ['cores_scale', `  scale factor, ${cpus} cores / 1`, 'x', 'higher', (s) => s.scale],
  ]
  if (!tasksetWorks()) {
    const r = Object.fromEntries(
      ctx.sides.map((side) => [side, { samples: [], errors: ['taskset (util-linux) not found or not permitted'] }]),
    )
    return labels.map((l) => rowsFrom(r, ...l))
  }
  const timeoutMs = Math.max(ctx.cfg.unitTimeoutMs, 60_000)
  const r = await interleave('cores', ctx, (_tls, scope, side) => coresUnit(side, ctx, scope, count), null, timeoutMs)
  return labels.map((l) => rowsFrom(r, ...l))
}

const BENCHES = {
  handshakes: benchHandshakes,
  rsa: benchRsa,
  resumed: benchResumed,
  latency: benchLatency,
  memory: benchMemory,
  storm: benchStorm,
  cores: benchCores,
}

// ---- output ---------------------------------------------------------------

function fmtNum(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-'
  const a = Math.abs(x)
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2)
}

function cell(s, rounds) {
  if (!s) return '-'
  if (s.na) return s.na
  if (s.median === null) return s.errors.length ? 'ERROR (see below)' : '-'
  let t = `${fmtNum(s.median)} ±${s.spreadPct.toFixed(0)}%`
  if (s.errors.length) t += ` (${s.errors.length}/${rounds} failed)`
  return t
}

/** Which side wins, unless the ratio is within ±10% or within either side's own swing. */
function verdict(row) {
  if (row.ratio === null) return ''
  const noise = Math.max(0.1, row.sides.A.spreadPct / 100, row.sides.B.spreadPct / 100)
  if (row.ratio < 1 + noise && row.ratio > 1 / (1 + noise)) return 'within noise'
  const aBetter = row.better === 'higher' ? row.ratio > 1 : row.ratio < 1
  return aBetter ? 'A better' : 'B better'
}

function table(rows, ctx) {
  const head = ['metric', 'unit', `A ${IMPLS.A.label}`, `B ${IMPLS.B.label}`, 'A/B', 'better', 'verdict']
  const body = rows.map((r) => [
    r.label,
    r.unit,
    // The control row has one measurement; it is the ceiling for both sides.
    cell(r.sides.T || r.sides.A, ctx.cfg.rounds),
    cell(r.sides.T || r.sides.B, ctx.cfg.rounds),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
    r.better,
    r.note || verdict(r),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cols) =>
    cols
      .map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)]
  const failures = []
  const seen = new Set() // rows from the same units share one errors array
  for (const r of rows) {
    for (const [side, s] of Object.entries(r.sides)) {
      if (!s.errors?.length || seen.has(s.errors)) continue
      seen.add(s.errors)
      failures.push(`  ${r.label.trim()} [${side} ${IMPLS[side].label}]: ${[...new Set(s.errors)].join('; ')}`)
    }
  }
  if (failures.length) out.push('', 'failures:', ...new Set(failures))
  return out.join('\n')
}

// ---- main -------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  if (opts.help) {
    console.log(USAGE)
    return
  }
  // Before rustls-node is loaded (it reads the switch once); children inherit it.
  if (opts.handshakeOnLoop) process.env.RUSTLS_NODE_HANDSHAKE_ON_LOOP = '1'
  if (opts.handshakeOffLoop) process.env.RUSTLS_NODE_HANDSHAKE_OFF_LOOP = '1'
  if (opts.child) return childMain(opts.child, opts.certs)

  const cfg = { ...PROFILES[opts.quick ? 'quick' : 'full'] }
  if (opts.rounds) cfg.rounds = opts.rounds
  if (opts.conns) cfg.memoryConns = opts.conns
  const sides = opts.side ? [opts.side] : ['A', 'B']
  const certDir = opts.certs || fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-bench-'))
  if (!opts.certs) {
    // Also on process.exit() and Ctrl-C, not only when main() returns.
    process.on('exit', () => fs.rmSync(certDir, { recursive: true, force: true }))
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, () => process.exit(130))
  }
  try {
    ensureCerts(certDir)
    const certs = loadCerts(certDir)
    const rsaCerts = loadCerts(certDir, 'rsa')
    const impl = {}
    for (const side of [...sides, 'T']) {
      try {
        impl[side] = IMPLS[side].load()
      } catch (err) {
        impl[side] = err // every unit of this side reports it
      }
    }
    const handshakeOnLoop = process.env.RUSTLS_NODE_HANDSHAKE_ON_LOOP === '1'
    const placement = handshakeOnLoop
      ? 'on the event loop (RUSTLS_NODE_HANDSHAKE_ON_LOOP=1)'
      : process.env.RUSTLS_NODE_HANDSHAKE_OFF_LOOP === '1'
        ? "on libuv's thread pool (RUSTLS_NODE_HANDSHAKE_OFF_LOOP=1)"
        : 'on the loop, on the thread pool when busy'
    const ctx = { cfg, sides, certs, rsaCerts, certDir, impl, probe: {} }
    const loadStart = os.loadavg()

    log(
      `rustls-node bench: ${opts.quick ? 'quick' : 'full'}, ${cfg.rounds} rounds, node ${process.version}, ` +
        `${os.cpus().length} cpus (${os.cpus()[0]?.model}), load ${loadStart.map((x) => x.toFixed(2)).join(' ')}`,
    )
    log(
      `  A's handshake steps: ${placement}` + `, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE || '4 (default)'}`,
    )
    for (const side of sides) {
      try {
        if (impl[side] instanceof Error) throw impl[side]
        ctx.probe[side] = await probeSession(impl[side], certs)
        const p = ctx.probe[side]
        log(
          `  ${side} ${IMPLS[side].label}: ${p.protocol} ${p.cipher} ${p.group}, session: ${p.session ? 'yes' : 'no'}`,
        )
      } catch (err) {
        log(`  ${side} ${IMPLS[side].label}: probe connection FAILED: ${errText(err)}`)
      }
    }

    const rows = []
    const started = process.hrtime.bigint()
    const selected = opts.only || METRICS
    for (const m of selected) {
      if (BULK.includes(m)) {
        if (m === selected.find((x) => BULK.includes(x)))
          rows.push(
            ...(await benchBulk(
              ctx,
              selected.filter((x) => BULK.includes(x)),
            )),
          )
      } else {
        rows.push(...(await BENCHES[m](ctx)))
      }
    }
    const elapsed = seconds(started)
    const loadEnd = os.loadavg()

    const text = table(rows, ctx)
    const legend =
      `\nmedians of ${cfg.rounds} interleaved rounds (±: half the min-max range). A/B > 1 means A's number is larger;` +
      `\n"better" says which direction wins for that row. A's handshake steps: ${placement}.` +
      `\nTook ${elapsed.toFixed(0)} s; load average ${loadStart[0].toFixed(2)} at the start, ${loadEnd[0].toFixed(2)} at the end.`
    if (opts.json) {
      log(`\n${text}${legend}`)
      const json = {
        node: process.version,
        platform: `${os.platform()} ${os.arch()}`,
        cpus: os.cpus().length,
        mode: opts.quick ? 'quick' : 'full',
        config: cfg,
        pinned: PIN,
        pinnedChacha: PIN_CHACHA,
        handshakePlacement: placement,
        impls: { A: IMPLS.A.label, B: IMPLS.B.label, T: IMPLS.T.label },
        probe: ctx.probe,
        loadavg: { start: loadStart, end: loadEnd },
        seconds: elapsed,
        rows,
      }
      console.log(JSON.stringify(json, null, 2))
    } else {
      console.log(`\n${text}${legend}`)
    }
  } finally {
    if (!opts.certs) fs.rmSync(certDir, { recursive: true, force: true })
  }
}

main().then(
  () => {
    // Everything was closed; if something still holds the loop open, say what
    // and exit anyway (this timer does not keep the process alive itself).
    // (A child keeps running on its stdin until the parent closes it.)
    if (process.argv.some((a) => a.startsWith('--child='))) return
    setTimeout(() => {
      log(`warning: still open after the run: ${process.getActiveResourcesInfo().join(', ')}`)
      process.exit(process.exitCode || 0)
    }, 3000).unref()
  },
  (err) => {
    log(err?.stack ? err.stack : err)
    process.exit(1)
  },
)

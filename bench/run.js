'use strict'
// rustls-node (A) against node:tls (B), side by side in one process.
//
//   npm run bench                      full run (one to two minutes)
//   node bench/run.js --quick          CI smoke run (a few seconds)
//   node bench/run.js --only=handshakes,memory --json
//
// Units of A and B alternate (A B, then B A, ... for several rounds) so that
// both sides see the same machine noise; each row reports the median per
// side and the ratio A/B. See bench/README.md for what each metric means.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync, spawn } = require('node:child_process')
const { monitorEventLoopDelay } = require('node:perf_hooks')

// ---------------------------------------------------------------------------
// Configuration

const IMPLS = {
  A: { label: 'rustls-node', load: () => require(path.join(__dirname, '..')) },
  B: { label: 'node:tls', load: () => require('node:tls') },
}

// Pinned on both sides, client and server: the same suite, group and version.
const PIN = {
  ciphers: 'TLS_AES_128_GCM_SHA256',
  ecdhCurve: 'X25519',
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
}

const HOST = '127.0.0.1'
const SERVERNAME = 'localhost'

const PROFILES = {
  full: {
    rounds: 5,
    throughputBytes: 256 * 1024 * 1024,
    handshakes: 2000,
    concurrency: 16,
    memoryConns: 500,
    resumed: 1000,
    latencyConns: 40,
    unitTimeoutMs: 120_000,
  },
  quick: {
    rounds: 2,
    throughputBytes: 32 * 1024 * 1024,
    handshakes: 200,
    concurrency: 16,
    memoryConns: 100,
    resumed: 200,
    latencyConns: 10,
    unitTimeoutMs: 20_000,
  },
}

const METRICS = ['throughput', 'handshakes', 'latency', 'memory', 'resumed']
const METRIC_ALIASES = { loop: 'handshakes', 'event-loop': 'handshakes', resumption: 'resumed', mem: 'memory' }

const CHUNK = Buffer.alloc(16 * 1024, 0x61)
const noop = () => {}
const log = (...a) => console.error(...a)

function parseArgs(argv) {
  const o = { quick: false, json: false, only: null, rounds: null, side: null, certs: null, child: null }
  for (const a of argv) {
    const [k, v] = a.split(/=(.*)/s)
    if (k === '--quick') o.quick = true
    else if (k === '--json') o.json = true
    else if (k === '--only') o.only = (v || '').split(',').map((m) => METRIC_ALIASES[m] || m)
    else if (k === '--rounds') o.rounds = Number(v)
    else if (k === '--side') o.side = v
    else if (k === '--certs') o.certs = v
    else if (k === '--child') o.child = v
    else if (k === '--help' || k === '-h') o.help = true
    else throw new Error(`unknown option ${a} (try --help)`)
  }
  for (const m of o.only || []) if (!METRICS.includes(m)) throw new Error(`--only: unknown metric ${m}; one of ${METRICS}`)
  if (o.side && !IMPLS[o.side]) throw new Error('--side must be A or B')
  if (o.rounds !== null && !(o.rounds >= 1 && o.rounds <= 50)) throw new Error('--rounds must be 1..50')
  return o
}

const USAGE = `usage: node bench/run.js [--quick] [--json] [--only=${METRICS.join('|')}[,...]]
                         [--rounds=N] [--side=A|B] [--certs=DIR]
  A = rustls-node, B = node:tls. --side runs one side only (for profiling).
  --certs=DIR keeps the certificates (ca.pem, leaf.pem, leaf.key) in DIR:
  made there when missing, reused when present, never deleted.`

// ---------------------------------------------------------------------------
// Certificates: an ECDSA P-256 CA and a leaf for localhost / 127.0.0.1.

function makeCerts(dir) {
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
  ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key')
  ossl('req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '30', '-config', 'ca.cnf', '-out', 'ca.pem')
  ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'leaf.key')
  ossl('req', '-new', '-key', 'leaf.key', '-config', 'leaf.cnf', '-out', 'leaf.csr')
  const serial = '0x' + require('node:crypto').randomBytes(8).toString('hex')
  ossl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial, '-days', '30',
    '-sha256', '-extfile', 'leaf.ext', '-extensions', 'v3_leaf', '-out', 'leaf.pem')
}

function loadCerts(dir) {
  const r = (n) => fs.readFileSync(path.join(dir, n))
  return { ca: r('ca.pem'), cert: r('leaf.pem'), key: r('leaf.key') }
}

// ---------------------------------------------------------------------------
// Small helpers: statistics, interleaving, per-unit resource scope.

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
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
      server.listen(0, HOST, () => resolve(server.address().port))
    })
  }
  async close() {
    this.settled = true
    for (const s of this.sockets) s.destroy()
    this.sockets.clear()
    const closing = [...this.servers].map((srv) => new Promise((r) => srv.close(() => r())))
    this.servers.clear()
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
  log(`  uncaught in a unit: ${err && err.stack ? err.stack : err}`)
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
 * Runs `unit(tls, side)` for A and B alternately: A B, B A, A B, ... for
 * `rounds` rounds, after one unrecorded warm-up unit per side (when given).
 * Returns { A: { samples: [...], errors: [...] }, B: ... }, samples being
 * the objects the unit returned.
 */
async function interleave(name, ctx, unit, warmup) {
  const out = {}
  for (const side of ctx.sides) out[side] = { samples: [], errors: [] }
  const run = async (side, fn, tag) => {
    const t0 = process.hrtime.bigint()
    try {
      const tls = ctx.tls[side]
      if (tls instanceof Error) throw tls
      const r = await runUnit((scope) => fn(tls, scope, side), ctx.cfg.unitTimeoutMs)
      log(`  ${name} ${tag} ${side}: ${fmtSample(r)} (${seconds(t0).toFixed(1)} s)`)
      return r
    } catch (err) {
      log(`  ${name} ${tag} ${side}: FAILED ${err && err.stack ? err.stack : err}`)
      throw err
    }
  }
  if (warmup) {
    for (const side of ctx.sides) await run(side, warmup, 'warm-up').catch(noop)
  }
  for (let round = 0; round < ctx.cfg.rounds; round++) {
    const order = round % 2 ? [...ctx.sides].reverse() : ctx.sides
    for (const side of order) {
      try {
        out[side].samples.push(await run(side, unit, `round ${round + 1}`))
      } catch (err) {
        out[side].errors.push(errText(err))
      }
    }
  }
  return out
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

function serverOptions(certs) {
  return { key: certs.key, cert: certs.cert, ...PIN }
}

function clientContext(tls, certs) {
  return tls.createSecureContext({ ca: certs.ca, ...PIN })
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
// Metric 1: bulk throughput over one connection.

async function throughputUnit(tls, scope, certs, bytes) {
  let received = 0
  let finish
  const done = new Promise((r) => (finish = r))
  const server = tls.createServer(serverOptions(certs), (s) => {
    s.on('error', (e) => scope.fail(e))
    s.on('data', (c) => {
      received += c.length
      if (received >= bytes) finish()
    })
  })
  server.on('tlsClientError', (e) => scope.fail(e))
  const port = await scope.listen(server)
  const client = await connectTls(tls, scope, port, { secureContext: clientContext(tls, certs) })

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
  return { MBps: received / 1e6 / secs, cpuSecPerGB: (cpu.user + cpu.system) / 1e6 / (received / 1e9) }
}

// ---------------------------------------------------------------------------
// Metric 2 + 4: full handshakes per second, and event-loop delay meanwhile.

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
  return { perSec: count / secs, p99ms: delay.percentile(99) / 1e6, maxms: delay.max / 1e6, hangUps: scope.hangUps || 0 }
}

// ---------------------------------------------------------------------------
// Extra: time to the server's first byte. One client at a time connects; the
// server writes one byte on 'secureConnection'; default socket options
// (Nagle on), as a plain tls server has them. This is where a server that
// sends its session tickets and its first write as separate TCP segments
// meets the peer's delayed ACK (~40 ms on Linux).

async function latencyUnit(tls, scope, certs, { count }) {
  const server = tls.createServer(serverOptions(certs), (s) => {
    s.on('error', noop)
    s.write('x')
  })
  server.on('tlsClientError', failUnlessHangUp(scope))
  const port = await scope.listen(server)
  const secureContext = clientContext(tls, certs)
  const times = []
  for (let i = 0; i < count && !scope.settled; i++) {
    const t0 = process.hrtime.bigint()
    const s = await connectTls(tls, scope, port, { secureContext })
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no data from the server within 2 s')), 2000)
      s.once('data', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    times.push(seconds(t0) * 1000)
    s.destroy()
  }
  return { medianMs: median(times) }
}

// ---------------------------------------------------------------------------
// Metric 5: resumed handshakes per second.
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
      const timer = setTimeout(() => reject(new Error("no data from the server within 2 s")), 2000)
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
    const s = await connectTls(tls, scope, port, { secureContext: clientContext(tls, certs) }, (x) => (pending = sessionOf(x, 300)))
    const session = await pending
    return {
      session: session !== undefined && session !== null,
      protocol: s.getProtocol(),
      cipher: (s.getCipher() || {}).standardName || (s.getCipher() || {}).name,
      group: (s.getEphemeralKeyInfo() || {}).name,
    }
  }, 10_000)
}

// ---------------------------------------------------------------------------
// Metric 3: memory per idle connection, measured in a child `node --expose-gc`.

function memoryUnit(side, ctx) {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', __filename, `--child=memory:${side}:${ctx.cfg.memoryConns}`, `--certs=${ctx.certDir}`]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), ctx.cfg.unitTimeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const last = stdout.trim().split('\n').pop()
      if (code === 0 && last) {
        try {
          return resolve(JSON.parse(last))
        } catch {}
      }
      const tail = stderr.trim().split('\n').slice(-3).join(' | ')
      reject(new Error(`memory child ${signal ? `killed (${signal})` : `exited ${code}`}: ${tail || stdout.trim()}`))
    })
  })
}

async function memoryChild(side, count, certDir) {
  const tls = IMPLS[side].load()
  const certs = loadCerts(certDir)
  const gc = async () => {
    for (let i = 0; i < 3; i++) {
      global.gc()
      await new Promise((r) => setImmediate(r))
    }
  }
  const sample = () => {
    const m = process.memoryUsage()
    return { rss: m.rss, js: m.heapUsed + m.external }
  }
  const result = await runUnit(async (scope) => {
    const accepted = []
    const server = tls.createServer(serverOptions(certs), (s) => {
      s.on('error', (e) => scope.fail(e))
      accepted.push(s)
    })
    server.on('tlsClientError', (e) => scope.fail(e))
    const port = await scope.listen(server)
    const secureContext = clientContext(tls, certs)
    const open = async (n) => {
      const clients = []
      await pool(scope, n, 32, async () => clients.push(await connectTls(tls, scope, port, { secureContext })))
      for (let i = 0; i < 200 && accepted.length < n; i++) await sleep(10)
      if (accepted.length < n) throw new Error(`server saw ${accepted.length}/${n} secure connections`)
      return clients
    }
    // Warm-up: lazy initialisation, JIT, and allocator pools are not per-connection costs.
    for (const s of await open(32)) s.destroy()
    for (const s of accepted.splice(0)) s.destroy()
    await sleep(100)
    await gc()
    const before = sample()
    const clients = await open(count)
    await sleep(300) // post-handshake messages (session tickets) land
    await gc()
    const after = sample()
    if (clients.some((s) => s.destroyed) || accepted.some((s) => s.destroyed)) throw new Error('a connection closed while idle')
    return {
      rssKiB: (after.rss - before.rss) / 1024 / count,
      jsKiB: (after.js - before.js) / 1024 / count,
    }
  }, 60_000)
  process.stdout.write(JSON.stringify(result) + '\n')
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

async function benchThroughput(ctx) {
  log(`throughput: ${ctx.cfg.throughputBytes / 2 ** 20} MiB per unit, 16 KiB writes`)
  const unit = (bytes) => (tls, scope) => throughputUnit(tls, scope, ctx.certs, bytes)
  const r = await interleave('throughput', ctx, unit(ctx.cfg.throughputBytes), unit(ctx.cfg.throughputBytes / 4))
  return [
    rowsFrom(r, 'throughput', 'throughput', 'MB/s', 'higher', (s) => s.MBps),
    rowsFrom(r, 'throughput_cpu', '  CPU time per GB (user+sys)', 's', 'lower', (s) => s.cpuSecPerGB),
  ]
}

async function benchHandshakes(ctx) {
  const { handshakes: count, concurrency } = ctx.cfg
  const rows = []
  for (const caPerConnect of [false, true]) {
    const variant = caPerConnect ? 'ca per connect' : 'shared secureContext'
    const tag = caPerConnect ? 'ca' : 'ctx'
    log(`handshakes (${variant}): ${count} per unit, ${concurrency} concurrent`)
    const unit = (n) => (tls, scope) => handshakeUnit(tls, scope, ctx.certs, { count: n, concurrency, caPerConnect })
    const r = await interleave(`handshakes/${tag}`, ctx, unit(count), unit(Math.ceil(count / 4)))
    rows.push(rowsFrom(r, `handshakes_${tag}`, `handshakes/s (${variant})`, '1/s', 'higher', (s) => s.perSec))
    rows.push(rowsFrom(r, `loop_p99_${tag}`, `  loop delay p99 (${tag})`, 'ms', 'lower', (s) => s.p99ms))
    rows.push(rowsFrom(r, `loop_max_${tag}`, `  loop delay max (${tag})`, 'ms', 'lower', (s) => s.maxms))
  }
  return rows
}

async function benchLatency(ctx) {
  const count = ctx.cfg.latencyConns
  log(`latency: ${count} sequential connections per unit, server writes 1 byte when secure`)
  const unit = (n) => (tls, scope) => latencyUnit(tls, scope, ctx.certs, { count: n })
  const r = await interleave('latency', ctx, unit(count), unit(Math.ceil(count / 4)))
  return [rowsFrom(r, 'first_byte_ms', "connect to server's 1st byte", 'ms', 'lower', (s) => s.medianMs)]
}

async function benchMemory(ctx) {
  log(`memory: ${ctx.cfg.memoryConns} idle connections per unit, child node --expose-gc`)
  const r = await interleave('memory', ctx, (_tls, _scope, side) => memoryUnit(side, ctx))
  return [
    rowsFrom(r, 'memory_rss', 'memory/idle conn, RSS', 'KiB', 'lower', (s) => s.rssKiB),
    rowsFrom(r, 'memory_js', 'memory/idle conn, heap+external', 'KiB', 'lower', (s) => s.jsKiB),
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
    log(`resumed handshakes (${chain ? 'newest session per client' : 'one session for all'}): ${n} per unit` +
      (sessionless.length ? ` (no sessions from ${sessionless.join(', ')})` : ''))
    const unit = (k) => (tls, scope) => resumedUnit(tls, scope, ctx.certs, { count: k, concurrency, chain })
    const r = sides.length ? await interleave(`resumed/${chain ? 'chain' : 'shared'}`, only, unit(n), unit(Math.ceil(n / 4))) : {}
    rows.push(
      chain
        ? rowsFrom(r, 'resumed', 'resumed handshakes/s', '1/s', 'higher', (s) => s.perSec)
        : rowsFrom(r, 'resumed_shared_pct', '  resumed, one session for all', '%', 'higher', (s) => s.resumedPct),
    )
  }
  for (const row of rows) for (const side of sessionless) row.sides[side] = { na: 'n/a (sessions not implemented)' }
  return rows
}

const BENCHES = {
  throughput: benchThroughput,
  handshakes: benchHandshakes,
  latency: benchLatency,
  memory: benchMemory,
  resumed: benchResumed,
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
    cell(r.sides.A, ctx.cfg.rounds),
    cell(r.sides.B, ctx.cfg.rounds),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
    r.better,
    verdict(r),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cols) =>
    cols.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)]
  const failures = []
  const seen = new Set() // rows from the same units share one errors array
  for (const r of rows) {
    for (const [side, s] of Object.entries(r.sides)) {
      if (!s.errors || !s.errors.length || seen.has(s.errors)) continue
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
  if (opts.child) {
    const [kind, side, count] = opts.child.split(':')
    if (kind !== 'memory') throw new Error(`unknown child ${kind}`)
    return memoryChild(side, Number(count), opts.certs)
  }

  const cfg = { ...PROFILES[opts.quick ? 'quick' : 'full'] }
  if (opts.rounds) cfg.rounds = opts.rounds
  const sides = opts.side ? [opts.side] : ['A', 'B']
  const certDir = opts.certs || fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-bench-'))
  if (!opts.certs) {
    // Also on process.exit() and Ctrl-C, not only when main() returns.
    process.on('exit', () => fs.rmSync(certDir, { recursive: true, force: true }))
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, () => process.exit(130))
  }
  try {
    if (!fs.existsSync(path.join(certDir, 'ca.pem'))) makeCerts(certDir)
    const certs = loadCerts(certDir)
    const tls = {}
    for (const side of sides) {
      try {
        tls[side] = IMPLS[side].load()
      } catch (err) {
        tls[side] = err // every unit of this side reports it
      }
    }
    const ctx = { cfg, sides, certs, certDir, tls, probe: {} }

    log(`rustls-node bench: ${opts.quick ? 'quick' : 'full'}, ${cfg.rounds} rounds, node ${process.version}, ` +
      `${os.cpus().length} cpus (${(os.cpus()[0] || {}).model}), load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`)
    for (const side of sides) {
      try {
        if (tls[side] instanceof Error) throw tls[side]
        ctx.probe[side] = await probeSession(tls[side], certs)
        const p = ctx.probe[side]
        log(`  ${side} ${IMPLS[side].label}: ${p.protocol} ${p.cipher} ${p.group}, session: ${p.session ? 'yes' : 'no'}`)
      } catch (err) {
        log(`  ${side} ${IMPLS[side].label}: probe connection FAILED: ${errText(err)}`)
      }
    }

    const rows = []
    const started = process.hrtime.bigint()
    for (const m of opts.only || METRICS) rows.push(...(await BENCHES[m](ctx)))
    const elapsed = seconds(started)

    const text = table(rows, ctx)
    const legend =
      `\nmedians of ${cfg.rounds} interleaved rounds (±: half the min-max range). A/B > 1 means A's number is larger;` +
      `\n"better" says which direction wins for that row. Took ${elapsed.toFixed(0)} s.`
    if (opts.json) {
      log('\n' + text + legend)
      const json = {
        node: process.version,
        platform: `${os.platform()} ${os.arch()}`,
        cpus: os.cpus().length,
        mode: opts.quick ? 'quick' : 'full',
        config: cfg,
        pinned: PIN,
        impls: { A: IMPLS.A.label, B: IMPLS.B.label },
        probe: ctx.probe,
        seconds: elapsed,
        rows,
      }
      console.log(JSON.stringify(json, null, 2))
    } else {
      console.log('\n' + text + legend)
    }
  } finally {
    if (!opts.certs) fs.rmSync(certDir, { recursive: true, force: true })
  }
}

main().then(
  () => {
    // Everything was closed; if something still holds the loop open, say what
    // and exit anyway (this timer does not keep the process alive itself).
    setTimeout(() => {
      log(`warning: still open after the run: ${process.getActiveResourcesInfo().join(', ')}`)
      process.exit(process.exitCode || 0)
    }, 3000).unref()
  },
  (err) => {
    log(err && err.stack ? err.stack : err)
    process.exit(1)
  },
)

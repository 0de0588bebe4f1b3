// Each metric's rows: benchBulk (throughput, chacha and the plain-TCP control,
// interleaved as one group) and one bench<Metric> per other metric (BENCHES),
// each running its units through the harness and turning the samples into
// table rows (median, spread and A/B ratio per row).

const os = require('node:os')
const { PIN, PIN_CHACHA, log } = require('./lib/options')
const { median, spread, interleaveJobs, interleave } = require('./lib/harness')
const { throughputUnit, tcpThroughputUnit } = require('./units/bulk')
const { handshakeUnit } = require('./units/handshakes')
const { stormUnit } = require('./units/storm')
const { latencyUnit } = require('./units/latency')
const { resumedUnit } = require('./units/resumed')
const { memoryUnit } = require('./units/memory')
const { tasksetWorks, coresUnit } = require('./units/cores')

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

module.exports = { benchBulk, BENCHES }

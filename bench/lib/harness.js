// The harness: statistics (median, percentile, spread), the per-unit resource
// Scope, the current unit that an uncaught exception fails, runUnit, and the
// interleaving of A and B units over rounds (interleaveJobs, interleave).

const { HOST, noop, log } = require('./options')

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

/** Makes `scope` the one an uncaught exception fails (a child's, between units). */
function setCurrentScope(scope) {
  currentScope = scope
}

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

module.exports = {
  median,
  percentile,
  spread,
  sleep,
  seconds,
  Scope,
  setCurrentScope,
  runUnit,
  interleaveJobs,
  interleave,
  errText,
}

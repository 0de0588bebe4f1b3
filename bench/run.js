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
//
// The files: lib/options.js (sides, pins, profiles, the command line),
// lib/certs.js, lib/harness.js (statistics, interleaving, per-unit scopes),
// lib/peers.js (TLS plumbing), lib/child.js (the child processes), one
// units/<metric>.js per measurement, rows.js (each metric's rows); this file
// formats the table and runs it all.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { IMPLS, PIN, PIN_CHACHA, PROFILES, METRICS, BULK, log, parseArgs, USAGE } = require('./lib/options')
const { loadCerts, ensureCerts } = require('./lib/certs')
const { seconds, errText } = require('./lib/harness')
const { probeSession } = require('./units/resumed')
const { childMain } = require('./lib/child')
const { benchBulk, BENCHES } = require('./rows')

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

#!/usr/bin/env node
// Soak test: long runs that must neither lose data nor grow memory.
//
//   npm run soak                        the full soak against rustls-node
//   node scripts/soak.mjs --quick       a ~30 s version
//   node scripts/soak.mjs --impl=node   the same against node:tls (comparison)
//   node scripts/soak.mjs --only=handshakes,bulk --handshakes=20000
//
// Phases (each in a fresh pair of processes, server and client, so that RSS
// is per role; both run with --expose-gc):
//
//   handshakes  sequential full handshakes (no resumption) against one server
//   idle        cycles of N concurrent idle connections opened, then destroyed
//   bulk        one connection, B bytes each way at once, SHA-256 checked
//   writes      one connection, W writes of 1-100 bytes each way, SHA-256 checked
//
// Warm-up: 10 % of the phase's work (handshakes, bytes or writes; at least
// 500 handshakes, 16 MiB, 1000 writes), or one extra cycle for idle.
// Every phase first runs its warm-up, then both processes
// report RSS after global.gc() (the "warm" figure), then the phase runs in
// full and both report RSS after gc again ("end"); "mid" is taken half-way.
// A phase fails when a role's RSS grew by more than max(5 % of its warm RSS,
// 2 MiB) over the second half of the work (end - mid) — or when a hash or a
// count does not match, or a process fails. The second half is the leak
// signal: in the first half glibc's malloc arenas (one per thread that
// allocates: the event loop and libuv's pool) and V8's code space still grow
// to their working size, for node:tls as for rustls-node (node:tls grows
// more there), while a leak keeps growing at the same rate to the end. The
// whole growth (end - warm) is reported too. Exit code 1 on any
// failure. The table goes to stdout; --json prints the figures as JSON too.
//
// Certificates: the test fixtures (ECDSA P-256 leaf + intermediate, cached in
// .fixtures/ by __test__/helpers/fixtures.mjs with the openssl CLI).
// TLS 1.3 with each side's default settings.
//
// The idle phase needs about N + 100 open files per process: the children
// are started through `sh -c 'ulimit -n <hard limit>'` (an unprivileged
// process may raise its soft limit up to the hard one) and check what they
// got.

import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const SELF = fileURLToPath(import.meta.url)
const REPO = path.resolve(path.dirname(SELF), '..')
const MiB = 1024 * 1024

const PROFILES = {
  full: { handshakes: 100_000, idleCycles: 10, idleConns: 5000, bulkMiB: 1024, writes: 100_000 },
  quick: { handshakes: 2500, idleCycles: 3, idleConns: 1000, bulkMiB: 128, writes: 20_000 },
}
const PHASES = ['handshakes', 'idle', 'bulk', 'writes']
const GROWTH_RATIO = 0.05
const GROWTH_FLOOR = 2 * MiB
// The warm-up: this share of the phase's work (at least a minimum), run
// before the warm RSS is taken, so that JIT code, V8's heap and the
// allocators' arenas have reached their working size.
const WARM_SHARE = 0.1

// ---------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const flags = {}
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!m) throw new Error(`unknown argument ${arg} (see --help)`)
    flags[m[1]] = m[2] ?? true
  }
  return flags
}

const HELP = `node scripts/soak.mjs [flags]
  --impl=rustls|node     the implementation (default rustls = rustls-node)
  --quick                small counts, about 30 s
  --only=a,b             phases: ${PHASES.join(', ')}
  --handshakes=N         sequential full handshakes (default ${PROFILES.full.handshakes})
  --idle-cycles=N        idle-connection cycles (default ${PROFILES.full.idleCycles})
  --idle-conns=N         concurrent idle connections per cycle (default ${PROFILES.full.idleConns})
  --bulk-mib=N           MiB each way through one connection (default ${PROFILES.full.bulkMiB})
  --writes=N             small writes each way (default ${PROFILES.full.writes})
  --json                 also print the results as JSON
`

// ---------------------------------------------------------------------------
// Child side: one role, driven over IPC ({ id, cmd, args } -> { id, result | error })

async function childMain(role, impl) {
  const { fixtures } = await import(path.join(REPO, '__test__/helpers/fixtures.mjs'))
  const tlsModule = impl === 'node' ? await import('node:tls') : await import(path.join(REPO, 'index.mjs'))
  const tls = tlsModule.default ?? tlsModule
  const f = await fixtures()
  const creds = { key: f.ecdsa.key, cert: f.ecdsa.chain }
  // One client context for all connections (not a CA parse per connect).
  const trust = { secureContext: tls.createSecureContext({ ca: f.ca.cert }), servername: 'localhost' }
  const _noop = () => {}

  const held = new Set() // server: secure connections; client: idle connections
  let stream = null // the bulk/writes connection on this side
  let server = null
  let mode = 'handshake'
  const errors = []
  const noteError = (err) => {
    if (errors.length < 20) errors.push(`${err.code ?? ''} ${err.message}`)
  }

  const commands = {
    async limits() {
      const m = /^Max open files\s+(\S+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'))
      return { nofile: m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : null }
    },
    async rss() {
      for (let i = 0; i < 4; i++) {
        global.gc()
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      const m = process.memoryUsage()
      return {
        rss: m.rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
      }
    },
    async errors() {
      return errors.splice(0)
    },

    // --- server role
    async listen() {
      server = tls.createServer(creds, (s) => {
        s.on('error', noteError)
        held.add(s)
        s.once('close', () => held.delete(s))
        if (mode === 'handshake') s.end('ok')
        else if (mode === 'stream') attachStream(s)
        // 'idle': hold it, read nothing
      })
      server.on('tlsClientError', (err, s) => {
        noteError(err)
        s?.destroy()
      })
      await new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, '127.0.0.1', 511, resolve)
      })
      return { port: server.address().port }
    },
    async mode(m) {
      mode = m
    },
    async held(n, ms = 120_000) {
      await until(() => held.size === n, ms, `the server to hold ${n} connections (has ${held.size})`)
      await until(() => countConnections().then((c) => c === n), ms, `${n} server connections`)
      return { held: held.size }
    },

    // --- client role
    async handshakes(port, n) {
      let reused = 0
      for (let i = 0; i < n; i++) {
        const socket = tls.connect({ port, host: '127.0.0.1', ...trust })
        await withTimeout(
          new Promise((resolve, reject) => {
            let data = ''
            socket.once('secureConnect', () => {
              if (socket.isSessionReused()) reused++
            })
            socket.on('data', (d) => {
              data += d
            })
            socket.once('end', () => {
              if (data !== 'ok') reject(new Error(`handshake ${i}: got ${JSON.stringify(data)}`))
            })
            socket.once('error', reject)
            socket.once('close', () =>
              data === 'ok' ? resolve() : reject(new Error(`handshake ${i}: closed with ${JSON.stringify(data)}`)),
            )
          }),
          30_000,
          `handshake ${i}`,
        )
      }
      return { n, reused }
    },
    async openIdle(port, n, parallel = 100) {
      let next = 0
      const one = () =>
        new Promise((resolve, reject) => {
          const socket = tls.connect({ port, host: '127.0.0.1', ...trust })
          socket.once('secureConnect', () => {
            socket.removeListener('error', reject)
            socket.on('error', noteError)
            resolve(socket)
          })
          socket.once('error', reject)
        })
      const worker = async () => {
        while (next < n) {
          next++
          const socket = await withTimeout(one(), 60_000, 'an idle connection')
          held.add(socket)
          socket.once('close', () => held.delete(socket))
        }
      }
      await Promise.all(Array.from({ length: parallel }, worker))
      return { open: held.size }
    },
    async closeIdle() {
      for (const s of held) s.destroy()
      await until(() => held.size === 0, 60_000, 'idle connections to close')
      return { open: held.size }
    },
    async connectStream(port) {
      const socket = tls.connect({ port, host: '127.0.0.1', ...trust })
      await withTimeout(
        new Promise((resolve, reject) => {
          socket.once('secureConnect', resolve)
          socket.once('error', reject)
        }),
        30_000,
        'the stream connection',
      )
      socket.on('error', noteError)
      attachStream(socket)
      return {}
    },

    // --- both roles, on the stream connection
    async streamReady(ms = 30_000) {
      await until(() => stream !== null, ms, 'the stream connection')
      return {}
    },
    async sendBulk(bytes) {
      return sendBulk(stream.socket, bytes)
    },
    async sendSmall(n) {
      return sendSmall(stream.socket, n)
    },
    async receive(bytes, ms) {
      return stream.receive(bytes, ms)
    },
    async closeStream() {
      stream.socket.end()
      await until(() => stream.socket.destroyed, 30_000, 'the stream connection to close')
      stream = null
      return {}
    },
  }

  function countConnections() {
    return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))))
  }

  /**
   * What arrives on `socket` is hashed in segments: receive(bytes) resolves
   * with the hash of the next `bytes` bytes once they have all arrived.
   */
  function attachStream(socket) {
    let hash = createHash('sha256')
    let count = 0
    let waiter = null
    const check = () => {
      if (waiter && count >= waiter.bytes) {
        const w = waiter
        waiter = null
        if (count > w.bytes) w.reject(new Error(`received ${count} bytes, expected ${w.bytes}`))
        else w.resolve({ bytes: count, hash: hash.digest('hex') })
        hash = createHash('sha256')
        count = 0
      }
    }
    socket.on('data', (chunk) => {
      hash.update(chunk)
      count += chunk.length
      check()
    })
    stream = {
      socket,
      receive(bytes, ms = 600_000) {
        return withTimeout(
          new Promise((resolve, reject) => {
            waiter = { bytes, resolve, reject }
            socket.once('close', () => reject(new Error(`closed after ${count} of ${bytes} bytes`)))
            check()
          }),
          ms,
          `receiving ${bytes} bytes (have ${count})`,
        )
      },
    }
  }

  process.on('message', async ({ id, cmd, args = [] }) => {
    try {
      if (!commands[cmd]) throw new Error(`unknown command ${cmd}`)
      const result = await commands[cmd](...args)
      process.send({ id, result: result ?? {} })
    } catch (err) {
      process.send({ id, error: String(err?.stack ?? err) })
    }
  })
  process.on('disconnect', () => process.exit(0))
  process.send({ id: 0, result: { ready: role } })
}

/** Writes `bytes` bytes (1 MiB blocks, each stamped with its index) honouring backpressure. */
async function sendBulk(socket, bytes) {
  const block = randomBytes(MiB)
  const hash = createHash('sha256')
  const started = process.hrtime.bigint()
  for (let sent = 0, i = 0; sent < bytes; i++) {
    const chunk = Buffer.from(block.subarray(0, Math.min(MiB, bytes - sent)))
    if (chunk.length >= 4) chunk.writeUInt32LE(i >>> 0, 0)
    hash.update(chunk)
    sent += chunk.length
    if (!socket.write(chunk)) await drained(socket)
  }
  return { bytes, hash: hash.digest('hex'), ms: Number(process.hrtime.bigint() - started) / 1e6 }
}

/** `n` writes of 1-100 random bytes, honouring backpressure. */
async function sendSmall(socket, n) {
  const pool = randomBytes(MiB)
  const hash = createHash('sha256')
  let bytes = 0
  let off = 0
  for (let i = 0; i < n; i++) {
    const size = 1 + (pool[(i * 7) % pool.length] % 100)
    if (off + size > pool.length) off = 0
    const chunk = pool.subarray(off, off + size)
    off += size
    hash.update(chunk)
    bytes += size
    if (!socket.write(chunk)) await drained(socket)
  }
  return { writes: n, bytes, hash: hash.digest('hex') }
}

function drained(socket) {
  return new Promise((resolve, reject) => {
    const done = (err) => {
      socket.off('drain', onDrain)
      socket.off('close', onClose)
      err ? reject(err) : resolve()
    }
    const onDrain = () => done()
    const onClose = () => done(new Error('closed while waiting for drain'))
    socket.on('drain', onDrain)
    socket.on('close', onClose)
  })
}

function withTimeout(promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

async function until(predicate, ms, what) {
  const deadline = Date.now() + ms
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

// ---------------------------------------------------------------------------
// Parent side

class Child {
  constructor(role, impl, nofile) {
    this.role = role
    this.pending = new Map()
    this.nextId = 1
    const node = [process.execPath, '--expose-gc', SELF, `--child=${role}`, `--impl=${impl}`]
    // Raise the soft open-files limit to the hard one (or at least `nofile`).
    this.proc = spawn(
      '/bin/sh',
      ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n ${nofile} 2>/dev/null; exec "$@"`, 'sh', ...node],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    )
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve, reject })
    })
    this.proc.on('message', ({ id, result, error }) => {
      const p = this.pending.get(id)
      if (!p) return
      this.pending.delete(id)
      error ? p.reject(new Error(`${role}: ${error}`)) : p.resolve(result)
    })
    this.proc.on('exit', (code, signal) => {
      this.exited = true
      for (const p of this.pending.values()) p.reject(new Error(`${role} process exited (${signal ?? code})`))
      this.pending.clear()
    })
  }

  call(cmd, ...args) {
    if (this.exited) return Promise.reject(new Error(`${this.role} process has exited`))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.proc.send({ id, cmd, args })
    })
  }

  kill() {
    if (!this.exited) this.proc.kill('SIGKILL')
  }
}

async function withPair(impl, nofile, fn) {
  const server = new Child('server', impl, nofile)
  const client = new Child('client', impl, nofile)
  try {
    await Promise.all([server.ready, client.ready])
    for (const c of [server, client]) {
      const { nofile: limit } = await c.call('limits')
      if (limit !== null && limit < nofile)
        throw new Error(`${c.role}: open-files limit is ${limit}, need ${nofile} (raise the hard limit: ulimit -Hn)`)
    }
    const { port } = await server.call('listen')
    return await fn({ server, client, port })
  } finally {
    server.kill()
    client.kill()
  }
}

const rssBoth = async ({ server, client }) => ({ server: await server.call('rss'), client: await client.call('rss') })

/**
 * A data phase on one stream connection: opened before `fn(pair)`, closed
 * after it, and then both children checked for errors.
 */
async function withStream(impl, fn) {
  return withPair(impl, 256, async (pair) => {
    const { client, server, port } = pair
    await server.call('mode', 'stream')
    await client.call('connectStream', port)
    await server.call('streamReady')
    const result = await fn(pair)
    await client.call('closeStream')
    await checkErrors(pair)
    return result
  })
}

/**
 * Both ends `send` (sendBulk or sendSmall) `n` at once, then each reads what
 * the other sent; a SHA-256 that differs goes to `problems`. Returns what
 * the client and the server sent.
 */
async function exchange({ client, server }, send, n, unit, problems) {
  const [cs, ss] = await Promise.all([client.call(send, n), server.call(send, n)])
  const [sr, cr] = await Promise.all([server.call('receive', cs.bytes), client.call('receive', ss.bytes)])
  if (sr.hash !== cs.hash) problems.push(`client->server: SHA-256 mismatch over ${n} ${unit}`)
  if (cr.hash !== ss.hash) problems.push(`server->client: SHA-256 mismatch over ${n} ${unit}`)
  return [cs, ss]
}

async function checkErrors({ server, client }, allowed = null) {
  const errs = [
    ...(await server.call('errors')).map((e) => `server: ${e}`),
    ...(await client.call('errors')).map((e) => `client: ${e}`),
  ].filter((e) => !allowed?.test(e))
  if (errs.length) throw new Error(`errors during the phase: ${errs.join('; ')}`)
}

/**
 * The shape of every phase: the warm-up, then the work in two halves, with
 * both roles' RSS after gc before, between and after them ("warm", "mid",
 * "end"); `secs` times the two halves.
 */
async function checkpoints(pair, warmUp, firstHalf, secondHalf) {
  await warmUp()
  const warm = await rssBoth(pair)
  const t0 = Date.now()
  const first = await firstHalf()
  const mid = await rssBoth(pair)
  const second = await secondHalf()
  const secs = (Date.now() - t0) / 1000
  const end = await rssBoth(pair)
  return { warm, mid, end, secs, first, second }
}

const phases = {
  async handshakes(impl, o) {
    const warmN = Math.max(500, Math.round(o.handshakes * WARM_SHARE))
    return withPair(impl, 256, async (pair) => {
      const { client, server, port } = pair
      await server.call('mode', 'handshake')
      // Each part waits until the server holds no connection.
      const run = async (n) => {
        const r = await client.call('handshakes', port, n)
        await server.call('held', 0)
        return r
      }
      const half = Math.floor(o.handshakes / 2)
      const { warm, mid, end, secs, first, second } = await checkpoints(
        pair,
        () => run(warmN),
        () => run(half),
        () => run(o.handshakes - half),
      )
      const reused = first.reused + second.reused
      await checkErrors(pair)
      const problems = reused ? [`${reused} handshakes were resumptions`] : []
      return {
        warm,
        mid,
        end,
        problems,
        detail: `${o.handshakes} handshakes (+${warmN} warm-up) in ${secs.toFixed(1)} s, ${Math.round(o.handshakes / secs)}/s`,
      }
    })
  },

  async idle(impl, o) {
    const n = o.idleConns
    return withPair(impl, n + 256, async (pair) => {
      const { client, server, port } = pair
      await server.call('mode', 'idle')
      const cycle = async () => {
        await client.call('openIdle', port, n)
        await server.call('held', n)
        await client.call('closeIdle')
        await server.call('held', 0)
      }
      const cycles = async (k) => {
        for (let i = 0; i < k; i++) await cycle()
      }
      const half = Math.floor(o.idleCycles / 2)
      const { warm, mid, end, secs } = await checkpoints(
        pair,
        () => cycles(1),
        () => cycles(half),
        () => cycles(o.idleCycles - half),
      )
      // destroy() on a connection with unread bytes (a session ticket) may
      // send a reset: ECONNRESET on the server is the expected outcome.
      await checkErrors(pair, /^server: ECONNRESET /)
      return {
        warm,
        mid,
        end,
        problems: [],
        detail: `${o.idleCycles} cycles (+1 warm-up) of ${n} concurrent idle connections in ${secs.toFixed(1)} s`,
      }
    })
  },

  async bulk(impl, o) {
    const bytes = o.bulkMiB * MiB
    const warmBytes = Math.max(16 * MiB, Math.round((bytes * WARM_SHARE) / MiB) * MiB)
    return withStream(impl, async (pair) => {
      const problems = []
      const run = async (n) => {
        const [cs, ss] = await exchange(pair, 'sendBulk', n, 'bytes', problems)
        return Math.max(cs.ms, ss.ms)
      }
      const half = Math.floor(o.bulkMiB / 2) * MiB
      const { warm, mid, end, secs } = await checkpoints(
        pair,
        () => run(warmBytes),
        () => run(half),
        () => run(bytes - half),
      )
      return {
        warm,
        mid,
        end,
        problems,
        detail: `${o.bulkMiB} MiB each way (+${warmBytes / MiB} MiB warm-up) in ${secs.toFixed(1)} s, ${((2 * bytes) / MiB / secs).toFixed(0)} MiB/s both ways, SHA-256 ${problems.length ? 'MISMATCH' : 'ok'}`,
      }
    })
  },

  async writes(impl, o) {
    const warmN = Math.max(1000, Math.round(o.writes * WARM_SHARE))
    return withStream(impl, async (pair) => {
      const problems = []
      const run = async (n) => {
        const [cs, ss] = await exchange(pair, 'sendSmall', n, 'writes', problems)
        return cs.bytes + ss.bytes
      }
      const half = Math.floor(o.writes / 2)
      const { warm, mid, end, secs, first, second } = await checkpoints(
        pair,
        () => run(warmN),
        () => run(half),
        () => run(o.writes - half),
      )
      const bytes = first + second
      return {
        warm,
        mid,
        end,
        problems,
        detail: `${o.writes} writes of 1-100 bytes each way (+${warmN} warm-up), ${(bytes / MiB).toFixed(1)} MiB in ${secs.toFixed(1)} s, SHA-256 ${problems.length ? 'MISMATCH' : 'ok'}`,
      }
    })
  },
}

const mib = (n) => (n / MiB).toFixed(1)

async function main() {
  const flags = parseArgs(process.argv.slice(2))
  if (flags.child) return childMain(flags.child, flags.impl)
  if (flags.help) {
    process.stdout.write(HELP)
    return
  }
  const impl = flags.impl === 'node' ? 'node' : 'rustls'
  if (flags.impl && !['node', 'rustls', 'rustls-node'].includes(flags.impl))
    throw new Error(`--impl=${flags.impl}: use rustls or node`)
  const base = flags.quick ? PROFILES.quick : PROFILES.full
  const num = (name, dflt) => {
    if (flags[name] === undefined) return dflt
    const v = Number(flags[name])
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`)
    return v
  }
  const o = {
    handshakes: num('handshakes', base.handshakes),
    idleCycles: num('idle-cycles', base.idleCycles),
    idleConns: num('idle-conns', base.idleConns),
    bulkMiB: num('bulk-mib', base.bulkMiB),
    writes: num('writes', base.writes),
  }
  const only = flags.only ? String(flags.only).split(',') : PHASES
  for (const p of only) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p}; phases: ${PHASES.join(', ')}`)

  const label = impl === 'node' ? 'node:tls' : 'rustls-node'
  console.log(
    `soak: ${label}, ${flags.quick ? 'quick' : 'full'} profile, node ${process.version}, ${JSON.stringify(o)}`,
  )
  console.log(
    `RSS limit per role and phase: growth over the 2nd half <= max(${GROWTH_RATIO * 100} % of the warm RSS, ${mib(GROWTH_FLOOR)} MiB)`,
  )
  const started = Date.now()
  const results = []
  for (const name of PHASES.filter((p) => only.includes(p))) {
    const t0 = Date.now()
    let r
    try {
      r = await phases[name](impl, o)
    } catch (err) {
      r = { error: err.message }
    }
    r.name = r.phase = name
    r.secs = (Date.now() - t0) / 1000
    r.roles = {}
    if (!r.error) {
      for (const role of ['server', 'client']) {
        const warm = r.warm[role].rss
        const end = r.end[role].rss
        const limit = Math.max(warm * GROWTH_RATIO, GROWTH_FLOOR)
        const mid = r.mid[role].rss
        r.roles[role] = {
          warm,
          mid,
          end,
          growth: end - warm,
          secondHalf: end - mid,
          limit,
          ok: end - mid <= limit,
          heapWarm: r.warm[role].heapUsed,
          heapEnd: r.end[role].heapUsed,
        }
      }
    }
    r.ok = !r.error && r.problems.length === 0 && Object.values(r.roles).every((x) => x.ok)
    console.log(
      `  ${name}: ${r.error ? `FAILED: ${r.error}` : r.detail}${r.problems?.length ? ` — ${r.problems.join('; ')}` : ''} (${r.secs.toFixed(1)} s)`,
    )
    results.push(r)
  }

  // The table.
  const signed = (n) => (n >= 0 ? '+' : '') + mib(n)
  const rows = [
    [
      'phase',
      'role',
      'warm RSS MiB',
      'mid RSS MiB',
      'end RSS MiB',
      'growth MiB',
      'limit MiB',
      '2nd half MiB',
      'heap warm→end MiB',
      'result',
    ],
  ]
  for (const r of results) {
    if (r.error) {
      rows.push([r.phase, '-', '-', '-', '-', '-', '-', '-', '-', 'FAIL (error)'])
      continue
    }
    for (const [role, x] of Object.entries(r.roles)) {
      rows.push([
        r.phase,
        role,
        mib(x.warm),
        mib(x.mid),
        mib(x.end),
        signed(x.growth),
        mib(x.limit),
        signed(x.secondHalf),
        `${mib(x.heapWarm)}→${mib(x.heapEnd)}`,
        x.ok && !r.problems.length ? 'ok' : 'FAIL',
      ])
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)))
  const line = (row) => `| ${row.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`
  console.log()
  console.log(line(rows[0]))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows.slice(1)) console.log(line(row))
  const ok = results.every((r) => r.ok)
  console.log(`\n${ok ? 'PASS' : 'FAIL'}: ${label}, ${((Date.now() - started) / 1000).toFixed(0)} s`)
  if (flags.json) console.log(JSON.stringify({ impl: label, options: o, results }, null, 2))
  process.exitCode = ok ? 0 : 1
}

main().catch((err) => {
  console.error(err?.stack ?? err)
  process.exit(1)
})

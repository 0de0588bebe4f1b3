// Child processes: bench/run.js with --child=KIND:SIDE, driven over stdin
// with one command per line, answering each with one JSON line on stdout
// ({ error } when it failed). Used where one process must hold one role
// alone (memory: server and client in separate processes) or run under a
// different CPU affinity (cores).

const fs = require('node:fs')
const path = require('node:path')
const readline = require('node:readline')
const { spawn } = require('node:child_process')
const { IMPLS, noop } = require('./options')
const { loadCerts } = require('./certs')
const { sleep, Scope, setCurrentScope, runUnit, errText } = require('./harness')
const { serverOptions, clientContext, connectTls, failUnlessHangUp, pool } = require('./peers')
const { handshakeUnit } = require('../units/handshakes')

/** The script children run: bench/run.js, with --child=. */
const RUN_JS = path.join(__dirname, '..', 'run.js')

class Child {
  /**
   * `nofile`: open files the child needs. It is then started through
   * `sh -c 'ulimit -n ...'`, which raises its soft limit to the hard one
   * (unprivileged processes may), and checks what it got itself.
   */
  constructor(kind, side, ctx, scope, { taskset = null, nofile = 0 } = {}) {
    const nodeArgs = ['--expose-gc', RUN_JS, `--child=${kind}:${side}:${nofile}`, `--certs=${ctx.certDir}`]
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
  setCurrentScope(scope)
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
        setCurrentScope(scope)
        answer = await Promise.race([commands[cmd](...args), scope.failed])
      } catch (err) {
        answer = { error: errText(err) }
      }
      setCurrentScope(scope)
      process.stdout.write(`${JSON.stringify(answer)}\n`)
    })
  })
  rl.on('close', () => queue.then(() => process.exit(0)))
}

module.exports = { Child, childMain }

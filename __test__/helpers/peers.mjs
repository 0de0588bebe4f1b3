// Peers and small utilities shared by the specs.
//
// Everything that starts a process, a server or a socket takes the ava `t`
// first and registers its cleanup with t.teardown(), so nothing outlives a
// test even when an assertion fails half-way. Everything that waits has a
// bounded timeout.

import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import net from 'node:net'
import { Duplex } from 'node:stream'

export const LOOPBACK = '127.0.0.1'

// ---------------------------------------------------------------------------
// Timing helpers

/** Resolves after `ms` milliseconds. */
export const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Rejects with a descriptive error if `promise` is not settled within `ms`. */
export function withTimeout(promise, ms, label = 'operation') {
  let timer
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Polls `predicate` every 10 ms until it returns truthy (bounded). */
export function until(predicate, ms = 5000, label = 'condition') {
  let expired = false
  return withTimeout(
    (async () => {
      while (!expired && !(await predicate())) await delay(10)
    })(),
    ms,
    `waiting for ${label}`,
  ).finally(() => {
    expired = true
  })
}

/**
 * Listens on `emitter` for the events named in `handlers` until one of them
 * settles the returned promise (bounded): each handler is called with the
 * event's first argument and `{ resolve, reject }`; once either is called,
 * every listener this added is removed.
 */
function settleOn(emitter, handlers, ms, label) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const listeners = Object.entries(handlers).map(([event, handler]) => [event, (arg) => handler(arg, settle)])
      const cleanup = () => {
        for (const [event, listener] of listeners) emitter.removeListener(event, listener)
      }
      const settle = {
        resolve: (value) => {
          cleanup()
          resolve(value)
        },
        reject: (err) => {
          cleanup()
          reject(err)
        },
      }
      for (const [event, listener] of listeners) emitter.on(event, listener)
    }),
    ms,
    label,
  )
}

/** The handler for settleOn() that rejects with the emitted error. */
const rejectWith = (err, { reject }) => reject(err)

/**
 * Waits for `event` on `emitter` (bounded). Rejects on 'error' unless
 * `event` is 'error' itself. Resolves with the first argument of the event.
 */
export function once(emitter, event, ms = 10_000) {
  const handlers = { [event]: (arg, { resolve }) => resolve(arg) }
  if (event !== 'error') handlers.error = rejectWith
  return settleOn(emitter, handlers, ms, `waiting for '${event}'`)
}

const closePromises = new WeakMap()

/**
 * Starts watching `emitter` for 'close' (idempotent) and returns an unbounded
 * promise for it. Call this as soon as a socket is created when a test will
 * later wait for 'close': neither `socket.closed` nor the stream state's
 * `closeEmitted` say whether a net.Socket has actually emitted 'close'.
 */
export function watchClose(emitter) {
  let p = closePromises.get(emitter)
  if (!p) {
    p = new Promise((resolve) => emitter.once('close', (...args) => resolve(args[0])))
    closePromises.set(emitter, p)
  }
  return p
}

/**
 * Waits (bounded) until `emitter` emits 'close', whether or not it errored.
 * Only sees a 'close' that happened earlier if watchClose() was called before
 * it (the helpers that create sockets do that).
 */
export function closed(emitter, ms = 10_000) {
  return withTimeout(watchClose(emitter), ms, "waiting for 'close'")
}

// ---------------------------------------------------------------------------
// Data helpers

/** Hex SHA-256 of a Buffer/string. */
export function sha256(data) {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * Hashes what a readable stream emits until 'end' — or, with { bytes }, until
 * exactly that many bytes have arrived (without waiting for 'end'). Resolves
 * with { hash, bytes }. Rejects on 'error', on a premature 'end'/'close' and
 * after `ms`.
 */
export function sha256Stream(stream, { bytes: expected, ms = 60_000 } = {}) {
  const hash = createHash('sha256')
  let bytes = 0
  const result = () => ({ hash: hash.digest('hex'), bytes })
  return settleOn(
    stream,
    {
      data: (chunk, { resolve }) => {
        bytes += chunk.length
        hash.update(chunk)
        if (expected !== undefined && bytes >= expected) resolve(result())
      },
      end: (_arg, { resolve, reject }) => {
        if (expected === undefined) resolve(result())
        else reject(new Error(`stream ended after ${bytes} of ${expected} bytes`))
      },
      close: (_arg, { reject }) => reject(new Error(`stream closed after ${bytes} bytes`)),
      error: rejectWith,
    },
    ms,
    'sha256Stream',
  )
}

/**
 * A deterministic pseudo-random byte source: `total` bytes in chunks of
 * `chunkSize`, each chunk different (its index is mixed in every 4 KiB, so
 * reordering or duplication changes the hash).
 */
export function* pseudoRandomChunks(total, chunkSize = 1 << 20, seed = 1) {
  const base = Buffer.alloc(chunkSize)
  let x = seed >>> 0 || 1
  for (let i = 0; i < chunkSize; i += 4) {
    // xorshift32
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    base.writeUInt32LE(x, i)
  }
  for (let sent = 0, n = 0; sent < total; n++) {
    const size = Math.min(chunkSize, total - sent)
    const chunk = Buffer.from(base.subarray(0, size))
    // Stamp the chunk index every 4 KiB.
    for (let off = 0; off + 4 <= size; off += 4096) chunk.writeUInt32LE((chunk.readUInt32LE(off) ^ n) >>> 0, off)
    sent += size
    yield chunk
  }
}

/**
 * Writes `total` pseudo-random bytes to `stream` honouring backpressure, then
 * ends it unless { end: false }. Resolves with { hash, bytes, falseWrites,
 * drains } once everything has been handed to the stream.
 */
export async function pump(stream, total, { chunkSize = 1 << 20, seed = 1, end = true, ms = 60_000 } = {}) {
  const hash = createHash('sha256')
  let bytes = 0
  let falseWrites = 0
  let drains = 0
  for (const chunk of pseudoRandomChunks(total, chunkSize, seed)) {
    hash.update(chunk)
    bytes += chunk.length
    if (!stream.write(chunk)) {
      falseWrites++
      await drain(stream, ms)
      drains++
    }
  }
  if (end) stream.end()
  return { hash: hash.digest('hex'), bytes, falseWrites, drains }
}

/**
 * Waits for 'drain' (bounded); rejects if the stream errors, closes or
 * finishes first (a Writable that is ending never emits 'drain').
 */
export function drain(stream, ms = 10_000) {
  return settleOn(
    stream,
    {
      drain: (_arg, { resolve }) => resolve(),
      error: rejectWith,
      close: (_arg, { reject }) => reject(new Error("stream closed while waiting for 'drain'")),
      finish: (_arg, { reject }) => reject(new Error("stream finished while waiting for 'drain'")),
    },
    ms,
    "waiting for 'drain'",
  )
}

/** Concatenates everything `stream` emits until 'end' (bounded). */
export function collect(stream, ms = 20_000) {
  const chunks = []
  // 'end' may have come already (a peer that closes right after the
  // handshake): nothing was read, so nothing is missed.
  if (stream.readableEnded) return Promise.resolve(Buffer.alloc(0))
  return withTimeout(
    new Promise((resolve, reject) => {
      stream.on('data', (chunk) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk))
      stream.once('end', () => resolve(Buffer.concat(chunks)))
      stream.once('error', reject)
    }),
    ms,
    'collect',
  )
}

/** Reads from `stream` until the accumulated text matches `pattern` (bounded). */
export function readUntil(stream, pattern, ms = 10_000) {
  let text = ''
  return settleOn(
    stream,
    {
      data: (chunk, { resolve }) => {
        text += chunk.toString()
        if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) resolve(text)
      },
      end: (_arg, { reject }) => reject(new Error(`stream ended before ${pattern}; got ${JSON.stringify(text)}`)),
      error: rejectWith,
    },
    ms,
    `readUntil ${pattern}`,
  )
}

/**
 * Records the names of the events `emitter` emits, in order, without adding
 * listeners (so the stream's flowing state is not changed). Pass `names` to
 * record only those events. Returns the (live) array.
 */
export function eventLog(emitter, names) {
  const log = []
  const filter = names ? new Set(names) : null
  const emit = emitter.emit
  emitter.emit = function (name, ...args) {
    if (!filter || filter.has(name)) log.push(name)
    return emit.call(this, name, ...args)
  }
  return log
}

/** Collapses consecutive repeats: ['a','data','data','b'] -> ['a','data','b']. */
export function squash(log) {
  return log.filter((name, i) => i === 0 || log[i - 1] !== name)
}

/**
 * An in-memory pair of connected Duplex streams (what one writes, the other
 * reads), like the transports STARTTLS drivers hand to tls.connect({socket}).
 */
export function duplexPair() {
  const make = () =>
    new Duplex({
      read() {},
      write(chunk, _encoding, callback) {
        this.peer.push(chunk)
        callback()
      },
      final(callback) {
        this.peer.push(null)
        callback()
      },
      destroy(err, callback) {
        if (!this.peer.destroyed) this.peer.destroy()
        callback(err)
      },
    })
  const a = make()
  const b = make()
  a.peer = b
  b.peer = a
  return [a, b]
}

// ---------------------------------------------------------------------------
// TLS servers and clients from a given tls module (the one under test or
// node:tls as the reference peer).

/** Destroys every socket the server accepted and closes it (bounded); never throws. */
export function shutdownServer(server, sockets) {
  for (const s of sockets) s.destroy()
  return new Promise((resolve) => {
    try {
      server.close(() => resolve())
    } catch {
      resolve()
    }
    setTimeout(resolve, 2000).unref()
  })
}

/**
 * Starts `tlsModule.createServer(options, onSecureConnection)` on 127.0.0.1
 * (or options.host), port 0. Resolves with { server, port, host, sockets },
 * where `sockets` is the live set of raw and TLS sockets accepted. Everything
 * is closed in teardown. A 'tlsClientError' listener is always installed (so a
 * failing client never crashes the test); the errors are collected in
 * `clientErrors` and the socket is destroyed unless `destroyOnClientError` is
 * false (to observe whether the server closes it by itself).
 */
export async function listen(t, tlsModule, options, onSecureConnection, { destroyOnClientError = true } = {}) {
  const { host = LOOPBACK, ...serverOptions } = options
  const server = tlsModule.createServer(serverOptions, onSecureConnection)
  const sockets = new Set()
  const clientErrors = []
  const track = (s) => {
    sockets.add(s)
    watchClose(s).then(() => sockets.delete(s))
  }
  server.on('connection', track)
  server.on('secureConnection', track)
  server.on('tlsClientError', (err, socket) => {
    clientErrors.push(err)
    if (destroyOnClientError) socket?.destroy()
  })
  t.teardown(() => shutdownServer(server, sockets))
  await withTimeout(
    new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, host, () => {
        server.removeListener('error', reject)
        resolve()
      })
    }),
    10_000,
    'server listen',
  )
  return { server, port: server.address().port, host, sockets, clientErrors }
}

/**
 * A server that echoes every byte back and ends when the client ends.
 */
export function echoServer(t, tlsModule, options) {
  return listen(t, tlsModule, options, (socket) => {
    socket.on('error', () => {})
    socket.pipe(socket)
  })
}

/**
 * `tlsModule.connect(options)`; resolves with the socket on 'secureConnect',
 * rejects on an 'error' before it. The socket is destroyed in teardown.
 * Defaults host to 127.0.0.1.
 */
export function connect(t, tlsModule, options, ms = 10_000) {
  const socket = tlsModule.connect({ host: LOOPBACK, ...options })
  watchClose(socket)
  t.teardown(() => socket.destroy())
  return settleOn(
    socket,
    { error: rejectWith, secureConnect: (_arg, { resolve }) => resolve(socket) },
    ms,
    'tls connect',
  )
}

/**
 * Like connect() but expects failure: resolves with the 'error' emitted before
 * 'secureConnect' (and fails the test if the connection succeeds instead).
 * Also waits for 'close'.
 */
export async function connectError(t, tlsModule, options, ms = 10_000) {
  const socket = tlsModule.connect({ host: LOOPBACK, ...options })
  watchClose(socket)
  t.teardown(() => socket.destroy())
  const err = await withTimeout(
    new Promise((resolve, reject) => {
      socket.once('error', resolve)
      socket.once('secureConnect', () => reject(new Error('connection unexpectedly succeeded')))
    }),
    ms,
    'tls connect error',
  )
  await closed(socket, ms)
  return err
}

/**
 * `tlsModule.connect(options)` (host defaults to 127.0.0.1) read to its end
 * (bounded); resolves with { text, session }: what it received, and the
 * last session its 'session' events gave (undefined if none).
 */
export async function readWithSession(tlsModule, options) {
  const socket = tlsModule.connect({ host: LOOPBACK, ...options })
  let session
  socket.on('session', (s) => {
    session = s
  })
  const text = (await collect(socket)).toString()
  return { text, session }
}

/** Opens a plain TCP connection (bounded); destroyed in teardown. */
export function tcpConnect(t, port, host = LOOPBACK, ms = 10_000) {
  const socket = net.connect(port, host)
  watchClose(socket)
  t.teardown(() => socket.destroy())
  return settleOn(socket, { connect: (_arg, { resolve }) => resolve(socket), error: rejectWith }, ms, 'tcp connect')
}

/** A plain TCP server on 127.0.0.1:0 calling `onConnection`; closed in teardown. */
export async function tcpServer(t, onConnection) {
  const server = net.createServer(onConnection)
  const sockets = new Set()
  server.on('connection', (s) => {
    sockets.add(s)
    watchClose(s).then(() => sockets.delete(s))
  })
  t.teardown(() => shutdownServer(server, sockets))
  await withTimeout(
    new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, LOOPBACK, resolve)
    }),
    10_000,
    'tcp listen',
  )
  return { server, port: server.address().port, sockets }
}

/**
 * The first bytes a `tlsModule` client connecting with `options` sends (its
 * ClientHello), as a plain TCP server receives them (bounded); the client
 * is destroyed in teardown.
 */
export async function captureClientHello(t, tlsModule, options) {
  let resolve
  const hello = new Promise((r) => {
    resolve = r
  })
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    raw.once('data', (d) => {
      resolve(d)
      raw.destroy()
    })
  })
  const client = tlsModule.connect({ port, host: LOOPBACK, ...options })
  client.on('error', () => {})
  t.teardown(() => client.destroy())
  return withTimeout(hello, 5000, 'ClientHello')
}

/** Finds a currently free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, LOOPBACK, () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// ---------------------------------------------------------------------------
// Child-process peers

function spawnTracked(t, cmd, args, options = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options })
  const state = { stdout: '', stderr: '', exited: false, code: null, signal: null }
  child.stdout.setEncoding('utf8').on('data', (d) => {
    state.stdout += d
  })
  child.stderr.setEncoding('utf8').on('data', (d) => {
    state.stderr += d
  })
  child.stdin.on('error', () => {}) // EPIPE when the child exits first
  state.exit = new Promise((resolve) => {
    child.once('error', (err) => {
      state.exited = true
      state.spawnError = err
      resolve(state)
    })
    child.once('close', (code, signal) => {
      state.exited = true
      state.code = code
      state.signal = signal
      resolve(state)
    })
  })
  const kill = async () => {
    if (state.exited) return
    child.kill('SIGKILL')
    await withTimeout(state.exit, 5000, `${cmd} exit`).catch(() => {})
  }
  t.teardown(kill)
  return { child, state, kill }
}

/**
 * Runs `node ...args` to its end (`options` go to spawn); resolves with
 * { code, signal, stdout, stderr }, rejects if it cannot start. Killed
 * (SIGKILL) if it runs longer than `ms`.
 */
export function runNode(args, { ms = 60_000, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, options)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), ms)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/**
 * Starts `openssl s_server -accept 127.0.0.1:<free port> ...args` and waits
 * until it listens (it prints ACCEPT). Retries with another port if the bind
 * fails. Resolves with { port, child, output() -> {stdout, stderr}, stop() }.
 */
export async function startOpensslServer(t, args, { attempts = 5, ms = 10_000 } = {}) {
  let lastError
  for (let i = 0; i < attempts; i++) {
    const port = await freePort()
    const { child, state, kill } = spawnTracked(t, 'openssl', ['s_server', '-accept', `${LOOPBACK}:${port}`, ...args])
    try {
      await withTimeout(
        new Promise((resolve, reject) => {
          const check = () => {
            if (/ACCEPT/.test(state.stdout)) {
              cleanup()
              resolve()
            }
          }
          const onExit = () => {
            cleanup()
            reject(new Error(`openssl s_server exited (${state.code}): ${state.stderr}`))
          }
          const cleanup = () => {
            child.stdout.removeListener('data', check)
          }
          child.stdout.on('data', check)
          state.exit.then(onExit)
          check()
        }),
        ms,
        'openssl s_server start',
      )
      return {
        port,
        child,
        output: () => ({ stdout: state.stdout, stderr: state.stderr }),
        stop: kill,
      }
    } catch (err) {
      lastError = err
      await kill()
    }
  }
  throw lastError
}

/**
 * Runs `openssl s_client -connect 127.0.0.1:<port> ...args`, writes `input`
 * to its stdin and, once stdout matches `waitFor` (or right away when none is
 * given), closes stdin so the client says goodbye. Resolves with
 * { code, stdout, stderr } when it exits; killed after `ms`.
 */
export async function runOpensslClient(t, args, input = '', { waitFor, ms = 15_000 } = {}) {
  const { child, state, kill } = spawnTracked(t, 'openssl', ['s_client', ...args])
  if (input) child.stdin.write(input)
  const matched = waitFor
    ? new Promise((resolve) => {
        const check = () => {
          if (typeof waitFor === 'string' ? state.stdout.includes(waitFor) : waitFor.test(state.stdout)) {
            child.stdout.removeListener('data', check)
            resolve()
          }
        }
        child.stdout.on('data', check)
      })
    : Promise.resolve()
  const timer = setTimeout(kill, ms)
  try {
    await Promise.race([matched, state.exit])
    child.stdin.end()
    await state.exit
  } finally {
    clearTimeout(timer)
  }
  return { code: state.code, signal: state.signal, stdout: state.stdout, stderr: state.stderr }
}

/**
 * Runs `curl -sS --max-time 10 ...args`. Resolves with { code, stdout, stderr }.
 */
export async function runCurl(t, args, { ms = 15_000 } = {}) {
  const { child, state, kill } = spawnTracked(t, 'curl', ['-sS', '--max-time', '10', ...args])
  child.stdin.end()
  const timer = setTimeout(kill, ms)
  try {
    await state.exit
  } finally {
    clearTimeout(timer)
  }
  return { code: state.code, signal: state.signal, stdout: state.stdout, stderr: state.stderr }
}

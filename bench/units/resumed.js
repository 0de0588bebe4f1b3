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

const { noop } = require('../lib/options')
const { seconds, runUnit } = require('../lib/harness')
const { serverOptions, clientContext, connectTls, failUnlessHangUp, sessionOf, pool } = require('../lib/peers')

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

module.exports = { resumedUnit, probeSession }

// Full handshakes per second, and event-loop delay meanwhile.

const { monitorEventLoopDelay } = require('node:perf_hooks')
const { PIN, noop } = require('../lib/options')
const { seconds } = require('../lib/harness')
const { serverOptions, clientContext, connectTls, failUnlessHangUp, pool } = require('../lib/peers')

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

module.exports = { handshakeUnit }

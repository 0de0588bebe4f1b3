// Handshake storm: `concurrency` (64) clients handshake at once against a
// server, all in this process, while a 1 ms setInterval timer records how
// late each of its ticks fires (gap between ticks minus 1 ms): the longest
// time the event loop could not run a callback.

const { performance } = require('node:perf_hooks')
const { noop } = require('../lib/options')
const { percentile, sleep, seconds } = require('../lib/harness')
const { serverOptions, clientContext, connectTls, failUnlessHangUp, pool } = require('../lib/peers')

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

module.exports = { stormUnit }

// Handshake latency: one client at a time connects; the unit times connect()
// to 'secureConnect' (the handshake) and connect() to the first byte, which
// the server writes on 'secureConnection'. Default socket options (Nagle
// on), as a plain tls server has them: the first-byte time is where a server
// that sends its session tickets and its first write as separate TCP
// segments meets the peer's delayed ACK (~40 ms on Linux).

const { noop } = require('../lib/options')
const { median, percentile, seconds } = require('../lib/harness')
const { serverOptions, clientContext, connectTls, failUnlessHangUp } = require('../lib/peers')

async function latencyUnit(tls, scope, certs, { count }) {
  const server = tls.createServer(serverOptions(certs), (s) => {
    s.on('error', noop)
    s.write('x')
  })
  server.on('tlsClientError', failUnlessHangUp(scope))
  const port = await scope.listen(server)
  const secureContext = clientContext(tls, certs)
  const handshake = []
  const firstByte = []
  for (let i = 0; i < count && !scope.settled; i++) {
    const t0 = process.hrtime.bigint()
    let gotData
    const data = new Promise((r) => (gotData = r))
    const s = await connectTls(tls, scope, port, { secureContext }, (x) => x.once('data', () => gotData()))
    handshake.push(seconds(t0) * 1000)
    let timer
    await Promise.race([
      data,
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error('no data from the server within 2 s')), 2000)),
      ),
    ]).finally(() => clearTimeout(timer))
    firstByte.push(seconds(t0) * 1000)
    s.destroy()
  }
  return { p50ms: percentile(handshake, 50), p99ms: percentile(handshake, 99), firstByteMs: median(firstByte) }
}

module.exports = { latencyUnit }

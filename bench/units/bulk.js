// Bulk throughput over one connection: TLS with a pinned suite, and the same
// transfer over plain net sockets as the control.

const { HOST, CHUNK } = require('../lib/options')
const { seconds } = require('../lib/harness')
const { serverOptions, clientContext, connectTls } = require('../lib/peers')

/** Writes `bytes` in 16 KiB Buffers as fast as write()/'drain' allow; resolves with the rates. */
async function pumpAndMeasure(client, bytes, received, done) {
  const t0 = process.hrtime.bigint()
  const cpu0 = process.cpuUsage()
  let sent = 0
  const pump = () => {
    while (sent < bytes) {
      sent += CHUNK.length
      if (!client.write(CHUNK)) {
        client.once('drain', pump)
        return
      }
    }
  }
  pump()
  await done
  const secs = seconds(t0)
  const cpu = process.cpuUsage(cpu0)
  const n = received()
  return { MBps: n / 1e6 / secs, cpuSecPerGB: (cpu.user + cpu.system) / 1e6 / (n / 1e9) }
}

/** A server that counts bytes and resolves `done` once it has `bytes`. */
function byteSink(scope, bytes) {
  let received = 0
  let finish
  const done = new Promise((r) => (finish = r))
  const onSocket = (s) => {
    s.on('error', (e) => scope.fail(e))
    s.on('data', (c) => {
      received += c.length
      if (received >= bytes) finish()
    })
  }
  return { onSocket, done, received: () => received }
}

async function throughputUnit(tls, scope, certs, bytes, pin) {
  const sink = byteSink(scope, bytes)
  const server = tls.createServer(serverOptions(certs, pin), sink.onSocket)
  server.on('tlsClientError', (e) => scope.fail(e))
  const port = await scope.listen(server)
  const client = await connectTls(tls, scope, port, { secureContext: clientContext(tls, certs, pin) })
  const c = client.getCipher() || {}
  if ((c.standardName || c.name) !== pin.ciphers)
    throw new Error(`negotiated ${c.standardName || c.name}, not ${pin.ciphers}`)
  return pumpAndMeasure(client, bytes, sink.received, sink.done)
}

async function tcpThroughputUnit(net, scope, bytes) {
  const sink = byteSink(scope, bytes)
  const port = await scope.listen(net.createServer(sink.onSocket))
  const client = scope.socket(net.connect({ host: HOST, port }))
  await new Promise((resolve, reject) => {
    client.once('error', reject)
    client.once('connect', () => {
      client.off('error', reject)
      client.on('error', (e) => scope.fail(e))
      resolve()
    })
  })
  return pumpAndMeasure(client, bytes, sink.received, sink.done)
}

module.exports = { throughputUnit, tcpThroughputUnit }

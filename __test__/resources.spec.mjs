// Failed connections free what they hold: after hundreds of junk, reset and
// half-finished handshakes, the server has no connections left, the process
// no extra handles, and it still serves a normal client.

import test from 'ava'
import net from 'node:net'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import { collect, connect, listen, until } from './helpers/peers.mjs'

const f = await fixtures()
const rsa = { key: f.rsa.key, cert: f.rsa.chain }

function raw(port, send, how) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      if (send) s.write(send)
      if (how === 'reset') setImmediate(() => s.resetAndDestroy())
      else if (how === 'end') s.end()
    })
    s.on('error', () => {})
    s.on('data', () => {})
    s.on('close', resolve)
    setTimeout(() => s.destroy(), 2000).unref()
  })
}

test('hundreds of failed connections leave no connection or handle behind', async (t) => {
  const { server, port, clientErrors } = await listen(t, tls, { ...rsa, handshakeTimeout: 500 }, (s) => {
    s.on('error', () => {})
    s.end('ok')
  })
  const hello = await new Promise((resolve) => {
    // a real ClientHello prefix, from node:tls, to cut off half way
    const probe = net.createServer((s) => {
      s.once('data', (d) => {
        resolve(d)
        s.destroy()
        probe.close()
      })
    })
    probe.listen(0, '127.0.0.1', () => {
      const c = nodeTls.connect({ port: probe.address().port, host: '127.0.0.1', servername: 'localhost' })
      c.on('error', () => {})
    })
  })
  const baseline = process.getActiveResourcesInfo().length
  const kinds = [
    [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'end'],
    [Buffer.from('\x00\x01\x02junk junk junk'), 'end'],
    [hello.subarray(0, 20), 'reset'],
    [hello.subarray(0, 20), 'end'],
    [hello, 'reset'],
    [null, 'end'],
  ]
  for (let round = 0; round < 40; round++) {
    await Promise.all(kinds.map(([data, how]) => raw(port, data, how)))
  }
  await until(
    () => new Promise((resolve) => server.getConnections((_e, n) => resolve(n === 0))),
    10_000,
    'no connections',
  )
  t.true(clientErrors.length >= 200, `${clientErrors.length} tlsClientError events`)
  for (const e of clientErrors) t.is(typeof e.code, 'string')
  await until(() => process.getActiveResourcesInfo().length <= baseline + 2, 10_000, 'handles released')
  // and it still serves
  const socket = await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  t.is((await collect(socket)).toString(), 'ok')
})

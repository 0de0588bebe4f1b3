// setMaxSendFragment really limits the size of the records on the wire: a
// TCP proxy between the peers parses the TLS record headers it forwards.

import test from 'ava'
import net from 'node:net'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import { collect, listen, withTimeout } from './helpers/peers.mjs'

const f = await fixtures()
const rsa = { key: f.rsa.key, cert: f.rsa.chain }

/** A proxy to `port` that records the length of each TLS record the server sends. */
async function recordingProxy(t, port) {
  const lengths = []
  let pending = Buffer.alloc(0)
  const proxy = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1')
    client.pipe(upstream)
    upstream.on('data', (d) => {
      pending = Buffer.concat([pending, d])
      while (pending.length >= 5) {
        const len = pending.readUInt16BE(3)
        if (pending.length < 5 + len) break
        if (pending[0] === 23) lengths.push(len) // application_data records
        pending = pending.subarray(5 + len)
      }
      client.write(d)
    })
    upstream.on('end', () => client.end())
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  t.teardown(() => proxy.close())
  return { port: proxy.address().port, lengths }
}

/** Everything a node:tls client (TLS 1.2) reads from the server behind `proxy`. */
function readThrough(proxy) {
  const socket = nodeTls.connect({
    host: '127.0.0.1',
    port: proxy.port,
    servername: 'localhost',
    ca: f.ca.cert,
    maxVersion: 'TLSv1.2',
  })
  return withTimeout(collect(socket), 10_000, 'collect')
}

for (const size of [512, 4096]) {
  test(`setMaxSendFragment(${size}): no record carries more than ${size} bytes of data`, async (t) => {
    const payload = Buffer.alloc(64 * 1024, 'x')
    const { port } = await listen(t, tls, { ...rsa, maxVersion: 'TLSv1.2' }, (s) => {
      s.on('error', () => {})
      t.true(s.setMaxSendFragment(size))
      s.end(payload)
    })
    const proxy = await recordingProxy(t, port)
    const got = await readThrough(proxy)
    t.true(got.equals(payload))
    // TLS 1.2 AES-GCM: 8-byte explicit nonce + 16-byte tag around the data
    const dataRecords = proxy.lengths.filter((l) => l > 24 + 2) // skip the close_notify-sized ones
    t.true(dataRecords.length >= payload.length / size)
    t.true(Math.max(...dataRecords) <= size + 24, `largest record ${Math.max(...dataRecords)}`)
  })
}

test('setMaxSendFragment outside 512..16384 returns false; a non-number throws', async (t) => {
  const { port } = await listen(t, tls, rsa, (s) => {
    s.on('error', () => {})
    s.end()
  })
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert })
  t.teardown(() => socket.destroy())
  await new Promise((resolve) => socket.once('secureConnect', resolve))
  t.false(socket.setMaxSendFragment(100))
  t.false(socket.setMaxSendFragment(16385))
  t.true(socket.setMaxSendFragment(16384))
  t.throws(() => socket.setMaxSendFragment('big'), { code: 'ERR_INVALID_ARG_TYPE' })
})

// A batch of small writes (cork ... uncork, or writes queued behind one in
// flight) is sealed as one stream into full records, as node:tls joins a
// writev batch before SSL_write: not one record (and 22+ bytes) per write.
for (const fragment of [undefined, 512]) {
  test(`a corked batch of 2,000 small writes fills full records${fragment ? ` (setMaxSendFragment(${fragment}))` : ''}`, async (t) => {
    const pieces = Array.from({ length: 2000 }, (_, i) => Buffer.alloc(1 + (i % 10), 97 + (i % 26)))
    const payload = Buffer.concat(pieces)
    const { port } = await listen(t, tls, { ...rsa, maxVersion: 'TLSv1.2' }, (s) => {
      s.on('error', () => {})
      if (fragment) t.true(s.setMaxSendFragment(fragment))
      s.cork()
      for (const p of pieces) s.write(p)
      s.uncork()
      s.end()
    })
    const proxy = await recordingProxy(t, port)
    const got = await readThrough(proxy)
    t.true(got.equals(payload))
    const dataRecords = proxy.lengths.filter((l) => l > 24 + 2)
    const recordSize = fragment ?? 16384
    t.true(
      dataRecords.length <= Math.ceil(payload.length / recordSize) + 1,
      `${dataRecords.length} records for ${payload.length} bytes`,
    )
    t.true(Math.max(...dataRecords) <= recordSize + 24)
  })
}

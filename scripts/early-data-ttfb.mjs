// Time to the first response byte on a resumed TLS 1.3 connection, with and
// without early data (0-RTT): a rustls-node client and server, the server
// (maxEarlyData) answering each request line at once. Without early data
// the client writes its request right after tls.connect() (it leaves with
// the client's Finished); with it, the request is `earlyData`. Measured
// from tls.connect() to the first byte of the answer, over loopback and,
// through a proxy that delays every chunk, over a simulated round trip.
// Runs alternate between the two modes; medians are reported.
//
//   node scripts/early-data-ttfb.mjs [runs=300] [rttMs=20]
//
// Needs a build (npm run build) and the openssl CLI.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const tls = require('../dist/index.js')
const runs = Number(process.argv[2] ?? 300)
const rtt = Number(process.argv[3] ?? 20)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'early-data-'))
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost',
    '-keyout',
    'key.pem',
    '-out',
    'cert.pem',
  ],
  { cwd: dir, stdio: 'ignore' },
)
const key = fs.readFileSync(path.join(dir, 'key.pem'))
const cert = fs.readFileSync(path.join(dir, 'cert.pem'))
const REQUEST = 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'

const server = tls.createServer({ key, cert, maxEarlyData: 16384 }, (socket) => {
  socket.on('error', () => {})
  socket.on('data', () => socket.write('HTTP/1.1 204 No Content\r\n\r\n'))
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))

/** A TCP proxy that delays each chunk by `oneWay` ms in each direction (order kept). */
async function delayProxy(target, oneWay) {
  const proxy = net.createServer((inbound) => {
    const outbound = net.connect(target, '127.0.0.1')
    inbound.setNoDelay(true)
    outbound.setNoDelay(true)
    const relay = (from, to) => {
      from.on('data', (d) => setTimeout(() => to.writable && to.write(d), oneWay))
      from.on('end', () => setTimeout(() => to.end(), oneWay))
      from.on('error', () => to.destroy())
    }
    relay(inbound, outbound)
    relay(outbound, inbound)
  })
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  return proxy
}

let session
/**
 * One connection (resumed once `session` is set); resolves with [ms to
 * first byte, earlyDataAccepted]. A second request and its answer follow,
 * so that the server's new tickets (sent after the client's Finished)
 * have reached the session's group before the next connection resumes
 * from it.
 */
function once(port, early) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: cert,
      session,
      ...(early ? { earlyData: REQUEST } : {}),
    })
    if (!early) socket.write(REQUEST)
    let ttfb
    socket.once('session', (s) => {
      session ??= s
    })
    socket.on('data', () => {
      if (ttfb === undefined) {
        ttfb = performance.now() - t0
        socket.write(REQUEST)
        return
      }
      socket.destroy()
      resolve([ttfb, socket.earlyDataAccepted])
    })
    socket.on('error', reject)
  })
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function measure(label, port) {
  session = undefined
  await once(port, false) // a full handshake, for the first session
  const times = { plain: [], early: [] }
  let accepted = 0
  for (let i = 0; i < 20; i++) await once(port, i % 2 === 0) // warm-up
  for (let i = 0; i < runs * 2; i++) {
    const early = i % 2 === 1
    const [ms, ok] = await once(port, early)
    times[early ? 'early' : 'plain'].push(ms)
    if (early && ok) accepted++
  }
  const [p, e] = [median(times.plain), median(times.early)]
  console.log(
    `${label}: resumed, request after handshake ${p.toFixed(3)} ms; with earlyData ${e.toFixed(3)} ms ` +
      `(${(p - e).toFixed(3)} ms less, ${((1 - e / p) * 100).toFixed(0)}%); 0-RTT accepted ${accepted}/${runs}`,
  )
}

const port = server.address().port
await measure('loopback', port)
const proxy = await delayProxy(port, rtt / 2)
await measure(`${rtt} ms round trip`, proxy.address().port)
proxy.close()
server.close()

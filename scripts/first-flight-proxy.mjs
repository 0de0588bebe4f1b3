// A TCP proxy in front of a TLS server that counts the bytes the server
// sends in its first flight: everything before the client's first record
// that is not a handshake record (the client's second flight). Used by
// scripts/cert-compression-bytes.mjs and __test__/cert-compression.spec.mjs.

import net from 'node:net'

/**
 * Listens on `host` for one connection to forward to `port`. Resolves with
 * `{ port, flight, close }`: `flight` resolves with that connection's
 * first-flight byte count (NaN if it closed before the flight ended).
 */
export function firstFlightProxy(port, host = '127.0.0.1') {
  let resolveFlight
  const flight = new Promise((resolve) => {
    resolveFlight = resolve
  })
  const proxy = net.createServer((down) => {
    const up = net.connect(port, host)
    let serverBytes = 0
    let clientBytes = Buffer.alloc(0)
    let done = false
    down.on('data', (d) => {
      up.write(d)
      if (done) return
      clientBytes = Buffer.concat([clientBytes, d])
      for (let p = 0; p + 5 <= clientBytes.length; p += 5 + clientBytes.readUInt16BE(p + 3)) {
        if (clientBytes[p] !== 22) {
          done = true
          resolveFlight(serverBytes)
          break
        }
      }
    })
    up.on('data', (d) => {
      if (!done) serverBytes += d.length
      down.write(d)
    })
    const end = () => {
      up.destroy()
      down.destroy()
      if (!done) {
        done = true
        resolveFlight(Number.NaN)
      }
    }
    for (const s of [up, down]) {
      s.on('error', end)
      s.on('close', end)
    }
  })
  return new Promise((resolve) =>
    proxy.listen(0, host, () => resolve({ port: proxy.address().port, flight, close: () => proxy.close() })),
  )
}

#!/usr/bin/env node
'use strict'
// The TLS server that scripts/tlsfuzzer.sh points tlsfuzzer at: one file, the
// same for both implementations, so that any difference in the results comes
// from the TLS stack and not from the application.
//
//   node scripts/tlsfuzzer-server.cjs --impl=rustls|node --port=4433 --cert=cert.pem --key=key.pem
//
// Behaves like `openssl s_server -www` as tlsfuzzer's scripts expect: each
// HTTP request head (up to its blank line, in however many records it came)
// is answered with a small HTTP response; when the client closes
// (close_notify, or TCP FIN) the server ends its side too.
// Every option is the implementation's default (TLS 1.2 and 1.3, default
// cipher list and groups); only the certificate and key are given.
// Prints "listening <port>" on stdout once it accepts connections.

const fs = require('node:fs')
const path = require('node:path')

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a)
    if (!m) throw new Error(`bad argument ${a}`)
    return [m[1], m[2] ?? '']
  }),
)
const impl = args.impl || 'rustls'
const tls = impl === 'node' ? require('node:tls') : impl === 'rustls' ? require(path.resolve(__dirname, '..')) : null
if (!tls) throw new Error(`--impl must be rustls or node, not ${impl}`)

// --trace: each chunk of data received, on stderr.
const trace = 'trace' in args
const response = Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n')

const server = tls.createServer(
  {
    key: fs.readFileSync(args.key),
    cert: fs.readFileSync(args.cert),
  },
  (socket) => {
    let request = ''
    socket.on('data', (data) => {
      if (trace) process.stderr.write(`data ${JSON.stringify(data.toString('latin1'))}\n`)
      // One answer per request head (up to its blank line), however the
      // client split it into records.
      request += data.toString('latin1')
      if (/\r?\n\r?\n/.test(request)) {
        request = ''
        socket.write(response)
      }
    })
    socket.on('error', () => {})
  },
)
// A failed handshake is the expected outcome of most probes: no output.
server.on('tlsClientError', () => {})
server.listen(Number(args.port || 4433), args.host || '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port} ${impl}\n`)
})
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0))

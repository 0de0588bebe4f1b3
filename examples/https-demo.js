#!/usr/bin/env node
// `npm start`: an ordinary Node HTTPS server, `https.createServer`, run with
// `node --import rustls-node/register`. Nothing in this file names
// rustls-node: the flag moves Node's own https onto it, and each response
// says which TLS stack served it.
//
// No files are needed: a fresh self-signed certificate for localhost is made
// in memory at start. Its PEM is also written to a temp file so the printed
// curl command can verify it.

const https = require('node:https')
const tls = require('node:tls')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { generateSelfSigned } = require('../dist/demo-certificate')

const port = Number(process.env.PORT ?? 8443)
const host = process.env.HOST ?? '127.0.0.1'
const { cert, key } = generateSelfSigned(['localhost', '127.0.0.1', '::1'])
const caFile = path.join(os.tmpdir(), `rustls-node-demo-${process.pid}.pem`)
fs.writeFileSync(caFile, cert)

const stack = tls.rustls
  ? `rustls-node ${tls.rustls.version} (rustls)`
  : `node:tls (OpenSSL ${process.versions.openssl})`

const server = https.createServer({ key, cert }, (req, res) => {
  const socket = req.socket
  const body = JSON.stringify(
    {
      message: `hello over ${stack}`,
      protocol: socket.getProtocol(),
      cipher: socket.getCipher().name,
      keyExchange:
        typeof socket.getNegotiatedGroup === 'function'
          ? socket.getNegotiatedGroup()
          : 'unknown (node:tls cannot tell on a server)',
      alpn: socket.alpnProtocol,
      servername: socket.servername,
      method: req.method,
      url: req.url,
    },
    null,
    2,
  )
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(`${body}\n`)
})
server.on('tlsClientError', (err, socket) => {
  console.error(`TLS error from ${socket.remoteAddress}: ${err.code} ${err.message}`)
})
server.listen(port, host, () => {
  const { port: actual } = server.address()
  console.log(`HTTPS demo on ${stack}, listening on https://localhost:${actual}/`)
  console.log(`try:  curl --cacert ${caFile} https://localhost:${actual}/`)
})

function shutdown() {
  fs.rmSync(caFile, { force: true })
  server.close()
  process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)

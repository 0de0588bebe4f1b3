#!/usr/bin/env node
// `npm start`: an HTTPS server whose TLS is rustls-node. Node's http module
// parses the requests; rustls-node's tls.Server does the TLS and hands each
// secure socket to it, exactly as https.Server does with node:tls.
//
// No files are needed: a fresh self-signed certificate for localhost is
// made in memory at start. Its PEM is also written to a temp file so the
// printed curl command can verify it.

'use strict'
const http = require('node:http')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const tls = require('..')
const { generateSelfSigned } = require('../dist/demo-certificate')

const port = Number(process.env.PORT ?? 8443)
const host = process.env.HOST ?? '127.0.0.1'
const { cert, key } = generateSelfSigned(['localhost', '127.0.0.1', '::1'])
const caFile = path.join(os.tmpdir(), `rustls-node-demo-${process.pid}.pem`)
fs.writeFileSync(caFile, cert)

const app = http.createServer((req, res) => {
  const socket = req.socket
  const body = JSON.stringify(
    {
      message: 'hello over rustls',
      protocol: socket.getProtocol(),
      cipher: socket.getCipher(),
      alpn: socket.alpnProtocol,
      servername: socket.servername,
      method: req.method,
      url: req.url,
    },
    null,
    2,
  )
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body + '\n')
})

const server = tls.createServer({ key, cert, ALPNProtocols: ['http/1.1'] }, (socket) => {
  app.emit('connection', socket)
})
server.on('tlsClientError', (err, socket) => {
  console.error(`TLS error from ${socket.remoteAddress}: ${err.code} ${err.message}`)
})
server.listen(port, host, () => {
  const { port: actual } = server.address()
  console.log(`rustls-node HTTPS demo listening on https://localhost:${actual}/`)
  console.log(`try:  curl --cacert ${caFile} https://localhost:${actual}/`)
})

function shutdown() {
  fs.rmSync(caFile, { force: true })
  server.close()
  process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)

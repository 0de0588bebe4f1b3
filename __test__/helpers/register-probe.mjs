// Run in a child process by register.spec.mjs, with or without
// `--import rustls-node/register` (or `-r`): uses Node's own https, fetch,
// http2 and tls the way an application does, and prints one JSON line of
// what happened, including which TLS stack carried it.
//
//   node [--import rustls-node/register] register-probe.mjs <fixtures-dir>

import fs from 'node:fs'
import http2 from 'node:http2'
import https from 'node:https'
import net from 'node:net'
import path from 'node:path'
import tls, { connect as namedConnect } from 'node:tls'

const dir = process.argv[2]
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8')
const key = read('rsa.key.pem')
const cert = read('rsa.chain.pem')
const ca = read('ca.cert.pem')
const result = { marker: tls.rustls?.version ?? null, namedImportSwapped: namedConnect === tls.connect }

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))
const body = (res) =>
  new Promise((resolve, reject) => {
    let text = ''
    res.setEncoding('utf8')
    res.on('data', (d) => {
      text += d
    })
    res.on('end', () => resolve(text))
    res.on('error', reject)
  })

// https.createServer, https.request through a keep-alive Agent, three requests:
// the first makes a connection, the second reuses it, the third (after the
// socket is gone) resumes the TLS session the Agent cached.
const seenByServer = []
const httpsServer = https.createServer({ key, cert }, (req, res) => {
  seenByServer.push({ protocol: req.socket.getProtocol(), reused: req.socket.isSessionReused() })
  res.end(`hello ${req.url}`)
})
const httpsPort = await listen(httpsServer)
const agent = new https.Agent({ keepAlive: true, maxSockets: 1 })
const get = (p) =>
  new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port: httpsPort, path: p, servername: 'localhost', ca, agent }, (res) =>
        body(res).then(resolve, reject),
      )
      .on('error', reject)
  })
result.https = [await get('/one'), await get('/two')]
agent.destroy() // closes the idle socket; the Agent keeps its TLS session
await new Promise((resolve) => setTimeout(resolve, 50))
result.https.push(await get('/three'))
result.httpsServer = seenByServer

// fetch: Node's bundled undici, trusting the test CA through the default
// store is not possible without NODE_EXTRA_CA_CERTS (set by the test).
const res = await fetch(`https://localhost:${httpsPort}/fetch`)
result.fetch = { status: res.status, text: await res.text() }

// http2: createSecureServer and connect.
const h2 = http2.createSecureServer({ key, cert }, (req, res) => res.end(`h2 ${req.url}`))
const h2Port = await listen(h2)
const session = http2.connect(`https://localhost:${h2Port}`, { ca })
const stream = session.request({ ':path': '/stream' })
let h2Text = ''
stream.setEncoding('utf8')
stream.on('data', (d) => {
  h2Text += d
})
await new Promise((resolve, reject) => {
  stream.on('end', resolve)
  stream.on('error', reject)
})
result.http2 = { text: h2Text, alpn: session.alpnProtocol }
session.close()

// STARTTLS over a net socket: tls.connect({ socket }) and new tls.TLSSocket.
const plain = net.createServer((raw) => {
  raw.once('data', () => {
    raw.write('GO\n')
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: tls.createSecureContext({ key, cert }) })
    secure.on('data', (d) => secure.end(`secure ${d}`))
  })
})
const plainPort = await listen(plain)
const raw = net.connect(plainPort, '127.0.0.1')
raw.write('STARTTLS\n')
await new Promise((resolve) => raw.once('data', resolve))
const upgraded = tls.connect({ socket: raw, servername: 'localhost', ca })
upgraded.write('ping')
result.starttls = await body(upgraded)

result.sockets = tls.rustls?.sockets ?? null
httpsServer.close()
h2.close()
plain.close()
console.log(JSON.stringify(result))

// OCSP stapling: the server's 'OCSPRequest'(certificate, issuer, cb) and the
// client's requestOCSP / 'OCSPResponse', with a real OCSP response made by
// `openssl ocsp`, against node:tls and openssl s_client/s_server peers.

import test from 'ava'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import { collect, listen, runOpensslClient, startOpensslServer } from './helpers/peers.mjs'

const f = await fixtures()
const rsa = { key: f.rsa.key, cert: f.rsa.chain }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-ocsp-'))
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))

/** A signed OCSP response for the RSA leaf, from the intermediate CA. */
function ocspResponse() {
  const file = (name, text) => {
    const p = path.join(dir, name)
    fs.writeFileSync(p, text)
    return p
  }
  const issuer = file('issuer.pem', f.intermediate.cert)
  const leaf = file('leaf.pem', f.rsa.cert)
  const signerKey = file('issuer.key', f.intermediate.key)
  const index = file('index.txt', '')
  const req = path.join(dir, 'req.der')
  const resp = path.join(dir, 'resp.der')
  execFileSync('openssl', ['ocsp', '-issuer', issuer, '-cert', leaf, '-reqout', req, '-no_nonce'], { stdio: 'ignore' })
  execFileSync(
    'openssl',
    [
      'ocsp',
      '-index',
      index,
      '-CA',
      issuer,
      '-rsigner',
      issuer,
      '-rkey',
      signerKey,
      '-reqin',
      req,
      '-respout',
      resp,
      '-ndays',
      '1',
    ],
    { stdio: 'ignore' },
  )
  return { der: fs.readFileSync(resp), path: resp }
}
const response = ocspResponse()

test("server 'OCSPRequest' gets the certificate and issuer; a node:tls client receives the staple", async (t) => {
  const seen = []
  const { server, port } = await listen(t, tls, rsa, (s) => {
    s.on('error', () => {})
    s.end('ok')
  })
  server.on('OCSPRequest', (certificate, issuer, cb) => {
    seen.push({ certificate, issuer })
    setTimeout(() => cb(null, response.der), 10) // may answer later
  })
  const socket = nodeTls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert, requestOCSP: true })
  const got = []
  socket.on('OCSPResponse', (r) => got.push(r))
  await collect(socket)
  t.is(seen.length, 1)
  t.deepEqual(seen[0].certificate, f.rsa.der)
  t.deepEqual(seen[0].issuer, Buffer.from(f.intermediate.cert.replace(/-----[^-]+-----|\s/g, ''), 'base64'))
  t.deepEqual(got, [response.der])
})

test("no 'OCSPRequest' without a client status request; null answer staples nothing", async (t) => {
  const { server, port } = await listen(t, tls, rsa, (s) => {
    s.on('error', () => {})
    s.end('ok')
  })
  let calls = 0
  server.on('OCSPRequest', (_c, _i, cb) => {
    calls++
    cb(null, null)
  })
  // node:tls asks for status only with requestOCSP
  await collect(nodeTls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert }))
  t.is(calls, 0)
  const socket = nodeTls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert, requestOCSP: true })
  const got = []
  socket.on('OCSPResponse', (r) => got.push(r))
  await collect(socket)
  t.is(calls, 1)
  t.deepEqual(got, [null])
})

test('openssl s_client -status sees the stapled response as a real OCSP response', async (t) => {
  const { server, port } = await listen(t, tls, rsa, (s) => {
    s.on('error', () => {})
    s.end('ok\n')
  })
  server.on('OCSPRequest', (_c, _i, cb) => cb(null, response.der))
  const { stdout } = await runOpensslClient(
    t,
    ['-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-status'],
    '',
    { waitFor: 'ok' },
  )
  t.regex(stdout, /OCSP Response Status: successful/)
  t.regex(stdout, /Cert Status: unknown/) // the responder's index lists nothing
})

test("client requestOCSP: 'OCSPResponse' before 'secureConnect', from openssl s_server -status_file", async (t) => {
  const { port } = await startOpensslServer(t, [...f.opensslServerArgs('rsa'), '-status_file', response.path, '-www'])
  const order = []
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert, requestOCSP: true })
  socket.on('OCSPResponse', (r) => order.push(['OCSPResponse', r]))
  socket.on('secureConnect', () => {
    order.push(['secureConnect'])
    socket.end('GET / HTTP/1.0\r\n\r\n')
  })
  await collect(socket)
  t.deepEqual(order, [['OCSPResponse', response.der], ['secureConnect']])
})

test("client requestOCSP against a server with no staple: 'OCSPResponse' with null, as Node", async (t) => {
  const { port } = await listen(t, nodeTls, rsa, (s) => {
    s.on('error', () => {})
    s.end('ok')
  })
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f.ca.cert, requestOCSP: true })
  const got = []
  socket.on('OCSPResponse', (r) => got.push(r))
  await collect(socket)
  t.deepEqual(got, [null])
})

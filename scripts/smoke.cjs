#!/usr/bin/env node
'use strict'
// Smoke test of an installed rustls-node on whatever Node.js runs it (18 and
// up; no test framework, no dependencies): the addon loads, and TLS works
// both ways against node:tls and against itself, with certificate
// verification (a good chain, an unknown issuer, a wrong host name) and
// session resumption. Used by scripts/test-package.mjs on Node 18, 20, 22 and
// 24, and by the release workflow on every platform.
//
//   node scripts/smoke.cjs                 rustls-node as resolved from the current directory
//   node scripts/smoke.cjs --module <path> a given copy (e.g. the repository root)
//
// Needs the openssl command-line tool (to make a CA and a leaf certificate).

const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const { createRequire } = require('node:module')
const nodeTls = require('node:tls')
const os = require('node:os')
const path = require('node:path')

function resolveModule() {
  const i = process.argv.indexOf('--module')
  if (i > 0) return require.resolve(path.resolve(process.argv[i + 1]))
  // As code in the current directory would: this script's own package (the
  // repository, named rustls-node) must not answer by self-reference.
  return createRequire(path.join(process.cwd(), 'smoke-entry.js')).resolve('rustls-node')
}

function makeCertificates(dir) {
  const run = (args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=rustls-node smoke CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ])
  run(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost'])
  fs.writeFileSync(
    path.join(dir, 'leaf.ext'),
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
      'subjectAltName=DNS:localhost,IP:127.0.0.1\n',
  )
  run([
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'leaf.pem',
    '-days',
    '2',
    '-extfile',
    'leaf.ext',
  ])
  // An unrelated CA, to see an unknown issuer refused.
  run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'other.key',
    '-out',
    'other.pem',
    '-days',
    '2',
    '-subj',
    '/CN=another CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ])
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8')
  return { ca: read('ca.pem'), key: read('leaf.key'), cert: read('leaf.pem'), otherCa: read('other.pem') }
}

function withTimeout(promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** An echo server of `impl` that answers 'pong:<data>' once per connection. */
function echoServer(impl, certs, extra = {}) {
  return new Promise((resolve, reject) => {
    const server = impl.createServer({ key: certs.key, cert: certs.cert, ...extra }, (socket) => {
      socket.once('data', (d) => socket.end(`pong:${d}`))
      socket.on('error', () => {})
    })
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

/** One exchange from a client of `impl`; resolves with what was learnt. */
function exchange(impl, port, options) {
  return withTimeout(
    new Promise((resolve, reject) => {
      let session
      const socket = impl.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => {
        socket.write('ping')
      })
      socket.on('session', (s) => {
        session = s
      })
      let data = ''
      socket.setEncoding('utf8')
      socket.on('data', (d) => {
        data += d
      })
      socket.on('error', reject)
      socket.on('end', () => {
        resolve({
          data,
          authorized: socket.authorized,
          protocol: socket.getProtocol(),
          alpn: socket.alpnProtocol,
          reused: socket.isSessionReused(),
          session: session ?? socket.getSession(),
        })
      })
    }),
    10_000,
    'TLS exchange',
  )
}

/** The error a client of `impl` gets, or null. */
function refusal(impl, port, options) {
  return withTimeout(
    new Promise((resolve) => {
      const socket = impl.connect({ host: '127.0.0.1', port, ...options }, () => {
        socket.destroy()
        resolve(null)
      })
      socket.on('error', (err) => resolve(err))
    }),
    10_000,
    'refused TLS connection',
  )
}

async function main() {
  const modulePath = resolveModule()
  const t0 = process.hrtime.bigint()
  const tls = require(modulePath)
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6
  assert.equal(typeof tls.connect, 'function')
  assert.equal(typeof tls.createServer, 'function')
  console.log(
    `node ${process.version} (Node-API ${process.versions.napi}), ${process.platform}-${process.arch}: ` +
      `rustls-node from ${path.dirname(modulePath)} loaded in ${loadMs.toFixed(1)} ms`,
  )

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-smoke-'))
  // Also when an uncaught error ends the process.
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  const certs = makeCertificates(dir)
  const servers = []
  const checks = []
  const check = async (name, fn) => {
    await fn()
    checks.push(name)
    console.log(`  ok ${name}`)
  }
  try {
    const nodeServer = await echoServer(nodeTls, certs, { ALPNProtocols: ['h2', 'http/1.1'] })
    const ownServer = await echoServer(tls, certs, { ALPNProtocols: ['h2', 'http/1.1'] })
    servers.push(nodeServer, ownServer)
    const nodePort = nodeServer.address().port
    const ownPort = ownServer.address().port

    await check('connect: rustls-node client -> node:tls server, chain verified, ALPN', async () => {
      const r = await exchange(tls, nodePort, { ca: certs.ca, ALPNProtocols: ['http/1.1'] })
      assert.equal(r.data, 'pong:ping')
      assert.equal(r.authorized, true)
      assert.equal(r.protocol, 'TLSv1.3')
      assert.equal(r.alpn, 'http/1.1')
    })

    await check('server: node:tls client -> rustls-node server, chain verified, ALPN', async () => {
      const r = await exchange(nodeTls, ownPort, { ca: certs.ca, ALPNProtocols: ['h2'] })
      assert.equal(r.data, 'pong:ping')
      assert.equal(r.authorized, true)
      assert.equal(r.protocol, 'TLSv1.3')
      assert.equal(r.alpn, 'h2')
    })

    await check('connect + server: rustls-node on both sides, TLS 1.2', async () => {
      const r = await exchange(tls, ownPort, { ca: certs.ca, maxVersion: 'TLSv1.2' })
      assert.equal(r.data, 'pong:ping')
      assert.equal(r.protocol, 'TLSv1.2')
    })

    await check('sessions: a rustls-node client resumes with node:tls (TLS 1.3 ticket)', async () => {
      const first = await exchange(tls, nodePort, { ca: certs.ca })
      assert.ok(first.session, 'a session was offered')
      const second = await exchange(tls, nodePort, { ca: certs.ca, session: first.session })
      assert.equal(second.reused, true)
    })

    await check('sessions: a node:tls client resumes with a rustls-node server (TLS 1.3 ticket)', async () => {
      const first = await exchange(nodeTls, ownPort, { ca: certs.ca })
      assert.ok(first.session, 'a session was offered')
      const second = await exchange(nodeTls, ownPort, { ca: certs.ca, session: first.session })
      assert.equal(second.reused, true)
    })

    await check(
      'certificate verification: unknown issuer and wrong host refused as node:tls refuses them',
      async () => {
        for (const [what, options] of [
          ['unknown issuer', { ca: certs.otherCa, servername: 'localhost' }],
          ['wrong host', { ca: certs.ca, servername: 'wrong.example' }],
        ]) {
          const ours = await refusal(tls, nodePort, options)
          const theirs = await refusal(nodeTls, nodePort, options)
          assert.ok(theirs, `node:tls refuses the ${what}`)
          assert.ok(ours, `rustls-node refuses the ${what}`)
          assert.equal(ours.code, theirs.code, `${what}: same error code as node:tls`)
        }
        const lenient = await exchange(tls, nodePort, { ca: certs.otherCa, rejectUnauthorized: false })
        assert.equal(lenient.authorized, false)
        assert.equal(lenient.data, 'pong:ping')
      },
    )
  } finally {
    for (const s of servers) s.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  console.log(`smoke: ${checks.length} passed, 0 failed`)
}

main().catch((err) => {
  console.error(`smoke FAILED on node ${process.version}:`, err)
  process.exit(1)
})

// The implementation under test as a TLS *server* (tls.createServer), with
// real clients: node:tls, `openssl s_client` and `curl`. Expectations are
// what a node:tls server does (TLS_IMPL=node runs this file against node:tls).

import test from 'ava'
import net from 'node:net'
import nodeTls from 'node:tls'

import { fixtures, pemFile } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import {
  LOOPBACK,
  closed,
  collect,
  connect,
  connectError,
  delay,
  echoServer,
  listen,
  once,
  readUntil,
  runCurl,
  runOpensslClient,
  tcpConnect,
  until,
  watchClose,
  withTimeout,
} from './helpers/peers.mjs'

const f = await fixtures()
const KINDS = ['rsa', 'ecdsa', 'ed25519']
const VERSIONS = ['TLSv1.2', 'TLSv1.3']
const serverCreds = (kind) => ({ key: f[kind].key, cert: f[kind].chain })
/** A server that requires a client certificate from the client CA. */
const requireClientCert = { ...serverCreds('rsa'), requestCert: true, rejectUnauthorized: true, ca: f.clientCa.cert }

/** A server answering every request with a minimal HTTP/1.1 response. */
function httpServer(t, options, body = 'hello from the tls server\n') {
  return listen(t, tls, options, (socket) => {
    socket.on('error', () => {})
    let request = ''
    socket.setEncoding('utf8')
    socket.on('data', (d) => {
      request += d
      if (!request.includes('\r\n\r\n')) return
      socket.end(
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      )
    })
  })
}

// ---------------------------------------------------------------------------
// node:tls client

for (const kind of KINDS) {
  for (const version of VERSIONS) {
    test(`node:tls client, ${kind} cert, ${version}: handshake, secureConnection socket, echo`, async (t) => {
      const accepted = []
      const { port } = await listen(t, tls, serverCreds(kind), (socket) => {
        accepted.push({
          encrypted: socket.encrypted,
          servername: socket.servername,
          remoteAddress: socket.remoteAddress,
          remotePort: socket.remotePort,
          protocol: socket.getProtocol(),
          authorized: socket.authorized,
          peerCertificateKeys: Object.keys(socket.getPeerCertificate() ?? { missing: true }),
          isTLSSocket: socket instanceof tls.TLSSocket,
        })
        socket.on('error', () => {})
        socket.pipe(socket)
      })
      const client = await connect(t, nodeTls, {
        port,
        servername: 'localhost',
        ca: f.ca.cert,
        minVersion: version,
        maxVersion: version,
      })
      t.true(client.authorized)
      t.is(client.getProtocol(), version)
      t.is(client.getPeerCertificate().fingerprint256, f[kind].x509.fingerprint256)
      const echo = readUntil(client, 'round trip\n')
      client.write('round trip\n')
      t.is(await echo, 'round trip\n')
      t.deepEqual(accepted, [
        {
          encrypted: true,
          servername: 'localhost',
          remoteAddress: LOOPBACK,
          remotePort: client.localPort,
          protocol: version,
          // No client certificate was requested.
          authorized: false,
          peerCertificateKeys: [],
          isTLSSocket: true,
        },
      ])
    })
  }
}

test('secureConnection socket: getCertificate() describes the local certificate', async (t) => {
  let local
  const { port } = await listen(t, tls, serverCreds('ecdsa'), (socket) => {
    local = socket.getCertificate()
    socket.on('error', () => {})
    socket.end()
  })
  const client = await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  await collect(client)
  t.is(local.subject.CN, 'localhost')
  t.is(local.issuer.CN, 'rustls-node Test Intermediate CA')
  t.true(Buffer.from(local.raw).equals(f.ecdsa.der))
  t.is(local.fingerprint256, f.ecdsa.x509.fingerprint256)
})

test('servername is false on the server when the client sends no SNI', async (t) => {
  const names = []
  const { port } = await listen(t, tls, serverCreds('rsa'), (socket) => {
    names.push(socket.servername)
    socket.on('error', () => {})
    socket.end()
  })
  // node:tls sends no SNI without an explicit servername.
  const client = await connect(t, nodeTls, { port, host: LOOPBACK, ca: f.ca.cert })
  await collect(client)
  t.deepEqual(names, [false])
})

test('encrypted private key with passphrase', async (t) => {
  const { port } = await echoServer(t, tls, { key: f.encrypted.key, passphrase: 'secret', cert: f.rsa.chain })
  const client = await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  t.true(client.authorized)
  t.is(client.getPeerCertificate().fingerprint256, f.rsa.x509.fingerprint256)
})

test('SNICallback picks the context by server name; default context otherwise', async (t) => {
  // Both contexts hold RSA certificates: with mixed key types OpenSSL's
  // certificate choice after an SNI context switch depends on the protocol
  // version, which is not something to pin down here.
  const calls = []
  const rsaContext = tls.createSecureContext(serverCreds('rsa'))
  const { port } = await echoServer(t, tls, {
    key: f.selfSigned.key,
    cert: f.selfSigned.cert,
    SNICallback: (name, cb) => {
      calls.push(name)
      cb(null, name === 'localhost' ? rsaContext : undefined)
    },
  })
  const a = await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  t.true(a.authorized)
  t.is(a.getPeerCertificate().fingerprint256, f.rsa.x509.fingerprint256)
  // No SNI: SNICallback is not consulted and the default certificate is used.
  const b = await connect(t, nodeTls, { port, host: LOOPBACK, rejectUnauthorized: false })
  t.is(b.getPeerCertificate().fingerprint256, f.selfSigned.x509.fingerprint256)
  t.deepEqual(calls, ['localhost'])
})

test('ALPNProtocols on the server: the client sees the selected protocol', async (t) => {
  let serverSide
  const { port } = await listen(t, tls, { ...serverCreds('rsa'), ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => {
    serverSide = socket.alpnProtocol
    socket.on('error', () => {})
    socket.end()
  })
  const client = await connect(t, nodeTls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    ALPNProtocols: ['http/1.1'],
  })
  t.is(client.alpnProtocol, 'http/1.1')
  await collect(client)
  t.is(serverSide, 'http/1.1')
})

// ---------------------------------------------------------------------------
// Client certificates on the server side

test('requestCert + ca: a valid client certificate makes socket.authorized true', async (t) => {
  const seen = []
  const { port } = await listen(t, tls, requireClientCert, (socket) => {
    const peer = socket.getPeerCertificate()
    seen.push({ authorized: socket.authorized, error: socket.authorizationError, cn: peer.subject.CN, raw: peer.raw })
    socket.on('error', () => {})
    socket.end('welcome')
  })
  const client = await connect(t, nodeTls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    key: f.client.key,
    cert: f.client.cert,
  })
  t.is((await collect(client)).toString(), 'welcome')
  t.is(seen.length, 1)
  t.true(seen[0].authorized)
  t.is(seen[0].error, null)
  t.is(seen[0].cn, 'test-client')
  t.true(Buffer.from(seen[0].raw).equals(f.client.der))
})

test('requestCert, rejectUnauthorized false, no client certificate: connection allowed, authorized false', async (t) => {
  const seen = []
  const { port } = await listen(t, tls, { ...requireClientCert, rejectUnauthorized: false }, (socket) => {
    seen.push({
      authorized: socket.authorized,
      error: socket.authorizationError,
      peerKeys: Object.keys(socket.getPeerCertificate()),
    })
    socket.on('error', () => {})
    socket.end('anonymous ok')
  })
  const client = await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  t.is((await collect(client)).toString(), 'anonymous ok')
  // Node reports a missing client certificate as UNABLE_TO_GET_ISSUER_CERT.
  t.deepEqual(seen, [{ authorized: false, error: 'UNABLE_TO_GET_ISSUER_CERT', peerKeys: [] }])
})

/**
 * A node:tls client the server refuses: resolves, once it has closed, with
 * the error it got, what it received and whether it saw 'secureConnect'.
 */
async function refusedClient(t, options) {
  const client = nodeTls.connect({ host: LOOPBACK, servername: 'localhost', ca: f.ca.cert, ...options })
  t.teardown(() => client.destroy())
  watchClose(client)
  const seen = { received: '', secure: false }
  client.on('data', (d) => {
    seen.received += d
  })
  client.on('secureConnect', () => {
    seen.secure = true
  })
  const err = await once(client, 'error')
  await closed(client)
  return { err, ...seen }
}

test('requestCert + rejectUnauthorized, TLS 1.3 client without certificate: both sides fail', async (t) => {
  const { port, clientErrors } = await listen(t, tls, requireClientCert, (socket) => {
    socket.on('error', () => {})
    socket.end('should not get here')
  })
  const { err, received } = await refusedClient(t, { port, minVersion: 'TLSv1.3' })
  t.is(err.code, 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')
  t.is(received, '')
  await until(() => clientErrors.length > 0, 5000, 'tlsClientError')
  t.is(clientErrors[0].code, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE')
})

test('requestCert + rejectUnauthorized, TLS 1.2 client certificate from an untrusted CA: refused', async (t) => {
  const secureConnections = []
  const { port, clientErrors } = await listen(t, tls, { ...requireClientCert, ca: f.ca.cert }, (socket) => {
    secureConnections.push(socket)
    socket.on('error', () => {})
    socket.end('should not get here')
  })
  // f.client is signed by the client CA, which this server does not trust.
  const { err, received, secure } = await refusedClient(t, {
    port,
    key: f.client.key,
    cert: f.client.cert,
    maxVersion: 'TLSv1.2',
  })
  await until(() => clientErrors.length > 0, 5000, 'tlsClientError')
  t.false(secure)
  t.is(received, '')
  t.deepEqual(secureConnections, [])
  // As node:tls: the handshake completes, then the server checks the client
  // certificate and destroys the socket without an alert. The TLS 1.2 client
  // never gets the server's Finished and sees the connection reset.
  t.is(err.code, 'ECONNRESET')
  t.deepEqual(
    clientErrors.map((e) => [e.code, e.message]),
    [['ECONNRESET', 'socket hang up']],
  )
})

// ---------------------------------------------------------------------------
// openssl s_client

for (const kind of KINDS) {
  for (const version of VERSIONS) {
    test(`openssl s_client ${version === 'TLSv1.3' ? '-tls1_3' : '-tls1_2'}, ${kind} cert: verifies, echoes a line`, async (t) => {
      const names = []
      const { port } = await listen(t, tls, serverCreds(kind), (socket) => {
        names.push(socket.servername)
        socket.on('error', () => {})
        socket.pipe(socket)
      })
      const line = `hello from openssl ${kind} ${version}`
      const res = await runOpensslClient(
        t,
        [
          '-connect',
          `${LOOPBACK}:${port}`,
          '-servername',
          'localhost',
          '-verify_hostname',
          'localhost',
          '-verify_return_error',
          '-CAfile',
          f.path('ca.cert.pem'),
          version === 'TLSv1.3' ? '-tls1_3' : '-tls1_2',
        ],
        `${line}\n`,
        { waitFor: line },
      )
      t.is(res.code, 0, res.stderr)
      t.regex(res.stdout, /Verify return code: 0 \(ok\)/)
      t.true(res.stdout.includes(`New, ${version}, Cipher is `), res.stdout)
      t.true(res.stdout.includes(line))
      t.deepEqual(names, ['localhost'])
    })
  }
}

// ---------------------------------------------------------------------------
// curl

for (const kind of KINDS) {
  for (const version of VERSIONS) {
    test(`curl --cacert, ${kind} cert, ${version}: HTTPS request gets the response`, async (t) => {
      const { port } = await httpServer(t, serverCreds(kind))
      const caFile = await pemFile(f.ca.cert, 'ca')
      const versionArgs = version === 'TLSv1.3' ? ['--tlsv1.3'] : ['--tlsv1.2', '--tls-max', '1.2']
      const res = await runCurl(t, [
        '-v',
        '--cacert',
        caFile,
        '--resolve',
        `localhost:${port}:${LOOPBACK}`,
        ...versionArgs,
        '-w',
        '\n%{http_code} %{ssl_verify_result}',
        `https://localhost:${port}/`,
      ])
      t.is(res.code, 0, res.stderr)
      t.is(res.stdout, 'hello from the tls server\n\n200 0')
      t.true(res.stderr.includes(`SSL connection using ${version} / `), res.stderr)
    })
  }
}

test('curl without the CA fails verification (exit 60)', async (t) => {
  const { port } = await httpServer(t, serverCreds('rsa'))
  const res = await runCurl(t, ['--resolve', `localhost:${port}:${LOOPBACK}`, `https://localhost:${port}/`])
  t.is(res.code, 60, res.stderr)
})

// ---------------------------------------------------------------------------
// net.Server behaviour of the TLS server

test('server.address() and listening', async (t) => {
  const { server, port } = await echoServer(t, tls, serverCreds('rsa'))
  t.true(server.listening)
  t.deepEqual(server.address(), { address: LOOPBACK, family: 'IPv4', port })
  t.true(server instanceof net.Server)
  t.true(server instanceof tls.Server)
})

test('getConnections() counts open connections', async (t) => {
  const { server, port } = await echoServer(t, tls, serverCreds('rsa'))
  const count = () =>
    new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))))
  t.is(await count(), 0)
  const a = await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  const b = await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  t.is(await count(), 2)
  a.end()
  b.end()
  await Promise.all([closed(a), closed(b)])
  await until(async () => (await count()) === 0, 5000, 'connections to drop to 0')
  t.is(await count(), 0)
})

test('maxConnections: connections beyond the limit are dropped', async (t) => {
  const { server, port } = await echoServer(t, tls, serverCreds('rsa'))
  server.maxConnections = 1
  const drops = []
  server.on('drop', (info) => drops.push(info))
  const first = await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  const err = await connectError(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  t.is(err.code, 'ECONNRESET')
  t.is(drops.length, 1)
  t.is(drops[0].remoteAddress, LOOPBACK)
  // The first connection is unaffected.
  const echo = readUntil(first, 'still here')
  first.write('still here')
  t.is(await echo, 'still here')
})

test('close(): stops accepting, keeps existing connections, calls back after the last one ends', async (t) => {
  const { server, port } = await echoServer(t, tls, serverCreds('rsa'))
  const client = await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  let closedCalled = false
  const serverClosed = new Promise((resolve) =>
    server.close(() => {
      closedCalled = true
      resolve()
    }),
  )
  t.false(server.listening)
  // New connections are refused.
  const refused = await connectError(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert })
  t.is(refused.code, 'ECONNREFUSED')
  // The existing connection still works.
  const echo = readUntil(client, 'after close()')
  client.write('after close()')
  t.is(await echo, 'after close()')
  await delay(50)
  t.false(closedCalled)
  client.end()
  await withTimeout(serverClosed, 5000, 'server close callback')
  t.true(closedCalled)
})

test('handshakeTimeout: a client that sends nothing gets tlsClientError ERR_TLS_HANDSHAKE_TIMEOUT', async (t) => {
  const timeoutMs = 300
  const { server, port } = await echoServer(t, tls, { ...serverCreds('rsa'), handshakeTimeout: timeoutMs })
  const errors = new Promise((resolve) =>
    server.once('tlsClientError', (err, socket) => resolve({ err, socket, at: Date.now() })),
  )
  const started = Date.now()
  const raw = await tcpConnect(t, port)
  raw.on('error', () => {})
  const { err, socket, at } = await withTimeout(errors, 5000, 'tlsClientError')
  t.is(err.code, 'ERR_TLS_HANDSHAKE_TIMEOUT')
  t.is(err.message, 'TLS handshake timeout')
  t.true(socket instanceof tls.TLSSocket)
  t.true(at - started >= timeoutMs - 50, `fired after ${at - started} ms`)
  // The helper's tlsClientError listener destroys the socket; the raw
  // client then sees the connection close.
  await closed(raw)
})

test('a TLS 1.2-only client is served by a default server; a TLS 1.3-only server refuses it', async (t) => {
  const { port } = await echoServer(t, tls, serverCreds('rsa'))
  const a = await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert, maxVersion: 'TLSv1.2' })
  t.is(a.getProtocol(), 'TLSv1.2')
  const only13 = await echoServer(t, tls, { ...serverCreds('rsa'), minVersion: 'TLSv1.3' })
  const err = await connectError(t, nodeTls, {
    port: only13.port,
    servername: 'localhost',
    ca: f.ca.cert,
    maxVersion: 'TLSv1.2',
  })
  t.is(err.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION')
  await until(() => only13.clientErrors.length > 0, 5000, 'tlsClientError')
  t.is(only13.clientErrors[0].code, 'ERR_SSL_UNSUPPORTED_PROTOCOL')
})

test('setKeyCert() on a server-side TLSSocket before the handshake: the client sees the new certificate', async (t) => {
  const first = tls.createSecureContext({ key: f.rsa.key, cert: f.rsa.chain })
  const second = tls.createSecureContext({ key: f.ecdsa.key, cert: f.ecdsa.chain })
  const server = net.createServer((raw) => {
    const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: first })
    socket.setKeyCert(second)
    socket.on('error', () => {})
    socket.on('secure', () => socket.end('hi'))
  })
  await new Promise((resolve) => server.listen(0, LOOPBACK, resolve))
  t.teardown(() => server.close())
  const client = await connect(t, nodeTls, { port: server.address().port, servername: 'localhost', ca: f.ca.cert })
  t.is(client.getPeerCertificate().fingerprint256, f.ecdsa.x509.fingerprint256)
  await collect(client)
})

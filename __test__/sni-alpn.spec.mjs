// Server-side SNI and ALPN selection: server.addContext (with wildcards),
// SNICallback answering later or failing, ALPNCallback; node:tls and
// `openssl s_client -servername/-alpn` as the clients. TLS_IMPL=node runs
// the same expectations against node:tls.

import test from 'ava'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import { collect, connect, connectError, delay, echoServer, listen, runOpensslClient, until } from './helpers/peers.mjs'

const f = await fixtures()
const rsa = { key: f.rsa.key, cert: f.rsa.chain }
const other = { key: f.wrongName.key, cert: f.wrongName.cert } // CN/SAN other.example

async function servedFingerprint(t, port, servername) {
  const socket = await connect(t, nodeTls, { port, ...(servername ? { servername } : {}), rejectUnauthorized: false })
  const fp = socket.getPeerCertificate().fingerprint256
  socket.end()
  return fp
}

test('addContext: exact and wildcard names pick their context; others get the default', async (t) => {
  const { server, port } = await echoServer(t, tls, rsa)
  server.addContext('other.example', other)
  server.addContext('*.wild.example', tls.createSecureContext(other))
  t.is(await servedFingerprint(t, port, 'other.example'), f.wrongName.x509.fingerprint256)
  t.is(await servedFingerprint(t, port, 'a.wild.example'), f.wrongName.x509.fingerprint256)
  // a wildcard covers one label only
  t.is(await servedFingerprint(t, port, 'a.b.wild.example'), f.rsa.x509.fingerprint256)
  t.is(await servedFingerprint(t, port, 'localhost'), f.rsa.x509.fingerprint256)
  t.is(await servedFingerprint(t, port, undefined), f.rsa.x509.fingerprint256)
})

test('addContext without a name throws ERR_TLS_REQUIRED_SERVER_NAME', async (t) => {
  const server = tls.createServer(rsa)
  t.throws(() => server.addContext('', other), { code: 'ERR_TLS_REQUIRED_SERVER_NAME' })
})

test('SNICallback may answer later; data written early by the client is not lost', async (t) => {
  const names = []
  const { port } = await echoServer(t, tls, {
    ...rsa,
    SNICallback: (name, cb) => {
      names.push(name)
      setTimeout(() => cb(null, tls.createSecureContext(other)), 50)
    },
  })
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'other.example', rejectUnauthorized: false })
  t.teardown(() => socket.destroy())
  socket.end('written before the handshake finished')
  const echoed = await collect(socket)
  t.is(echoed.toString(), 'written before the handshake finished')
  t.deepEqual(names, ['other.example'])
})

test('SNICallback error aborts the handshake: tlsClientError on the server, an error on the client', async (t) => {
  const boom = Object.assign(new Error('no such tenant'), { code: 'TENANT_UNKNOWN' })
  const { port, clientErrors } = await listen(
    t,
    tls,
    {
      ...rsa,
      SNICallback: (name, cb) => (name === 'nobody.example' ? cb(boom) : cb(null)),
    },
    (s) => s.end(),
  )
  const err = await connectError(t, nodeTls, { port, servername: 'nobody.example', rejectUnauthorized: false })
  t.is(typeof err.code, 'string')
  t.not(err.code, undefined)
  await until(() => clientErrors.length === 1)
  t.is(clientErrors[0], boom)
  // the server still serves others
  t.is(await servedFingerprint(t, port, 'localhost'), f.rsa.x509.fingerprint256)
})

test('socket.servername on the server is the SNI name, false without SNI', async (t) => {
  const seen = []
  const { port } = await listen(t, tls, rsa, (s) => {
    seen.push(s.servername)
    s.end()
  })
  await collect(await connect(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert }))
  await collect(await connect(t, nodeTls, { port, ca: f.ca.cert, checkServerIdentity: () => undefined }))
  t.deepEqual(seen, ['localhost', false])
})

test('ALPNCallback chooses among the offered protocols', async (t) => {
  const calls = []
  const { port } = await listen(
    t,
    tls,
    {
      ...rsa,
      ALPNCallback: ({ servername, protocols }) => {
        calls.push({ servername, protocols })
        return protocols.at(-1)
      },
    },
    (s) => {
      s.end(s.alpnProtocol)
    },
  )
  const socket = await connect(t, nodeTls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    ALPNProtocols: ['h2', 'http/1.1'],
  })
  t.is(socket.alpnProtocol, 'http/1.1')
  t.is((await collect(socket)).toString(), 'http/1.1')
  t.deepEqual(calls, [{ servername: 'localhost', protocols: ['h2', 'http/1.1'] }])
})

test('ALPNCallback returning undefined refuses with no_application_protocol', async (t) => {
  const { port } = await listen(t, tls, { ...rsa, ALPNCallback: () => undefined }, () => t.fail('secureConnection'))
  const err = await connectError(t, nodeTls, { port, servername: 'localhost', ca: f.ca.cert, ALPNProtocols: ['h2'] })
  t.is(err.code, 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL')
})

test('ALPNCallback and ALPNProtocols together throw ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS', (t) => {
  t.throws(() => tls.createServer({ ...rsa, ALPNCallback: () => 'h2', ALPNProtocols: ['h2'] }), {
    code: 'ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS',
  })
})

test('openssl s_client -servername -alpn: the SNI context and the ALPN choice', async (t) => {
  const { server, port } = await listen(t, tls, { ...rsa, ALPNProtocols: ['h2', 'http/1.1'] }, (s) => {
    s.on('error', () => {})
    s.end(`served ${s.servername}\n`)
  })
  server.addContext('other.example', other)
  const { stdout: out } = await runOpensslClient(
    t,
    ['-connect', `127.0.0.1:${port}`, '-servername', 'other.example', '-alpn', 'http/1.1'],
    '',
    { waitFor: /served other\.example/ },
  )
  t.regex(out, /subject=.*CN ?= ?other\.example/)
  t.regex(out, /ALPN protocol: http\/1\.1/)
  t.regex(out, /served other\.example/)
  await delay(10)
})

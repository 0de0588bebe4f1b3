// The implementation under test as a TLS *client*, talking to real peers:
// node:tls servers and `openssl s_server`. Expectations are what node:tls
// itself does as a client (TLS_IMPL=node runs this file against node:tls).

import test from 'ava'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import nodeTls from 'node:tls'

import { fixtures, refusedLeaves } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import {
  LOOPBACK,
  closed,
  collect,
  connect,
  connectError,
  duplexPair,
  echoServer,
  eventLog,
  listen,
  once,
  readUntil,
  squash,
  startOpensslServer,
  tcpConnect,
  tcpServer,
  watchClose,
  withTimeout,
} from './helpers/peers.mjs'

const f = await fixtures()
const KINDS = ['rsa', 'ecdsa', 'ed25519']
const VERSIONS = ['TLSv1.2', 'TLSv1.3']

const serverCreds = (kind) => ({ key: f[kind].key, cert: f[kind].chain })
/** A server that requires a client certificate from the client CA. */
const requireClientCert = { ...serverCreds('rsa'), requestCert: true, rejectUnauthorized: true, ca: f.clientCa.cert }

/** Writes `text` and reads until `expected` (default: the same text) has come back (bounded). */
async function roundTrip(socket, text, expected = text) {
  const reply = readUntil(socket, expected)
  socket.write(text)
  return reply
}

// ---------------------------------------------------------------------------
// Handshake + data with node:tls and openssl peers, per key type and version.

for (const kind of KINDS) {
  for (const version of VERSIONS) {
    test(`node:tls server, ${kind} cert, ${version}: verified against ca, data round-trips`, async (t) => {
      const { port } = await echoServer(t, nodeTls, serverCreds(kind))
      const socket = await connect(t, tls, {
        port,
        servername: 'localhost',
        ca: f.ca.cert,
        minVersion: version,
        maxVersion: version,
      })
      t.is(socket.getProtocol(), version)
      t.true(socket.authorized)
      t.is(socket.authorizationError, null)
      t.true(socket.encrypted)
      t.is(socket.getPeerCertificate().fingerprint256, f[kind].x509.fingerprint256)
      const cipher = socket.getCipher()
      t.is(cipher.version, version)
      if (version === 'TLSv1.3') {
        t.regex(cipher.name, /^TLS_/)
      } else {
        // The TLS 1.2 suite names the signature algorithm of the certificate.
        t.regex(cipher.name, kind === 'rsa' ? /^ECDHE-RSA-/ : /^ECDHE-ECDSA-/)
      }
      t.is(await roundTrip(socket, 'ping over tls\n'), 'ping over tls\n')
    })

    test(`openssl s_server, ${kind} cert, ${version}: verified against ca, echo (-rev) works`, async (t) => {
      const flag = version === 'TLSv1.3' ? '-tls1_3' : '-tls1_2'
      const server = await startOpensslServer(t, [...f.opensslServerArgs(kind), flag, '-rev'])
      const socket = await connect(t, tls, { port: server.port, servername: 'localhost', ca: f.ca.cert })
      t.is(socket.getProtocol(), version)
      t.true(socket.authorized)
      t.is(socket.getPeerCertificate().fingerprint256, f[kind].x509.fingerprint256)
      // -rev answers each line reversed.
      t.is(await roundTrip(socket, 'hello rustls\n', 'sltsur olleh\n'), 'sltsur olleh\n')
    })
  }
}

test('openssl s_server -www: HTTP/1.0 request gets the status page, then end before close', async (t) => {
  const server = await startOpensslServer(t, [...f.opensslServerArgs('rsa'), '-www'])
  const socket = await connect(t, tls, { port: server.port, servername: 'localhost', ca: f.ca.cert })
  const protocol = socket.getProtocol()
  const cipher = socket.getCipher().name
  const log = eventLog(socket, ['data', 'end', 'close', 'error'])
  const body = collect(socket)
  socket.write('GET / HTTP/1.0\r\n\r\n')
  const page = (await body).toString()
  await closed(socket)
  t.regex(page, /^HTTP\/1\.0 200 ok\r\n/)
  t.true(page.includes(`New, ${protocol}, Cipher is ${cipher}`), page)
  t.deepEqual(squash(log), ['data', 'end', 'close'])
})

test('ca may be a Buffer, an array, or a bundle of several PEMs', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds('rsa'))
  for (const ca of [Buffer.from(f.ca.cert), [f.clientCa.cert, f.ca.cert], f.clientCa.cert + f.ca.cert]) {
    const socket = await connect(t, tls, { port, servername: 'localhost', ca })
    t.true(socket.authorized)
    socket.destroy()
  }
})

test('secureContext option: a context from createSecureContext({ ca }) is used for verification', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds('ecdsa'))
  const secureContext = tls.createSecureContext({ ca: f.ca.cert })
  const socket = await connect(t, tls, { port, servername: 'localhost', secureContext })
  t.true(socket.authorized)
  // The same context can be reused for another connection.
  const again = await connect(t, tls, { port, servername: 'localhost', secureContext })
  t.true(again.authorized)
  // Without the CA in the context, the same server is not trusted.
  const err = await connectError(t, tls, { port, servername: 'localhost', secureContext: tls.createSecureContext({}) })
  t.is(err.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY')
})

test('a self-signed server certificate is accepted when it is itself given as ca', async (t) => {
  const { port } = await echoServer(t, nodeTls, { key: f.selfSigned.key, cert: f.selfSigned.cert })
  const socket = await connect(t, tls, { port, servername: 'localhost', ca: f.selfSigned.cert })
  t.true(socket.authorized)
  t.is(await roundTrip(socket, 'x'), 'x')
})

// ---------------------------------------------------------------------------
// Verification failures: Node's error codes, with and without
// rejectUnauthorized.

const verifyFailures = [
  {
    title: 'only the leaf is sent (intermediate missing)',
    server: { key: f.rsa.key, cert: f.rsa.cert },
    client: { ca: f.ca.cert },
    code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  },
  {
    title: 'leaf + intermediate, root not trusted',
    server: { key: f.rsa.key, cert: f.rsa.chain },
    client: { ca: f.clientCa.cert },
    code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  },
  {
    title: 'leaf + intermediate + untrusted root (default trust store)',
    server: { key: f.rsa.key, cert: f.rsa.chainWithRoot },
    client: {},
    code: 'SELF_SIGNED_CERT_IN_CHAIN',
  },
  {
    title: 'self-signed leaf',
    server: { key: f.selfSigned.key, cert: f.selfSigned.cert },
    client: { ca: f.ca.cert },
    code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  },
  ...refusedLeaves(f),
]

for (const c of verifyFailures) {
  test(`rejects: ${c.title} -> ${c.code}`, async (t) => {
    const { port } = await echoServer(t, nodeTls, c.server)
    const socket = tls.connect({ port, host: LOOPBACK, servername: 'localhost', ...c.client })
    t.teardown(() => socket.destroy())
    watchClose(socket)
    const log = eventLog(socket, ['secureConnect', 'data', 'error', 'close'])
    const err = await once(socket, 'error')
    await closed(socket)
    t.true(err instanceof Error)
    t.is(err.code, c.code)
    t.is(typeof err.message, 'string')
    t.not(err.message, '')
    t.deepEqual(log, ['error', 'close'])
    t.false(socket.authorized)
    if (c.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      t.is(err.host, 'localhost')
      t.is(err.reason, "Host: localhost. is not in the cert's altnames: DNS:other.example")
      t.is(err.cert.subject.CN, 'other.example')
    }
  })

  test(`rejectUnauthorized: false proceeds: ${c.title} -> authorizationError ${c.code}`, async (t) => {
    const { port } = await echoServer(t, nodeTls, c.server)
    const socket = await connect(t, tls, {
      port,
      servername: 'localhost',
      rejectUnauthorized: false,
      ...c.client,
    })
    t.false(socket.authorized)
    t.is(socket.authorizationError, c.code)
    t.is(await roundTrip(socket, 'still talking'), 'still talking')
  })
}

// ---------------------------------------------------------------------------
// Server name: SNI and the name the identity check uses.

/**
 * A node:tls server recording, per connection, the SNI name it received
 * (`sni`, from SNICallback, which only runs when the client sent SNI) and the
 * `servername` of the established socket (`servernames`).
 */
async function sniRecorder(t, creds = serverCreds('rsa'), host = LOOPBACK) {
  const sni = []
  const servernames = []
  const srv = await listen(
    t,
    nodeTls,
    {
      ...creds,
      host,
      SNICallback: (name, cb) => {
        sni.push(name)
        cb(null)
      },
    },
    (socket) => {
      servernames.push(socket.servername)
      socket.on('error', () => {})
      socket.end('hi')
    },
  )
  return { ...srv, sni, servernames }
}

test('servername: identity is checked against host when no servername is given; no SNI is sent', async (t) => {
  const { port, sni, servernames } = await sniRecorder(t)
  const hosts = []
  const checkServerIdentity = (host, cert) => {
    hosts.push(host)
    return nodeTls.checkServerIdentity(host, cert)
  }
  const socket = await connect(t, tls, { port, host: 'localhost', ca: f.ca.cert, checkServerIdentity })
  t.true(socket.authorized)
  await collect(socket)
  t.deepEqual(hosts, ['localhost'])
  // node:tls only sends SNI when servername is given explicitly (https.Agent
  // fills it in, tls.connect does not): no SNICallback call, and the
  // server-side socket's servername is `false`.
  t.deepEqual(sni, [])
  t.deepEqual(servernames, [false])
})

test('servername: an IP host is checked against the IP SANs (IPv4 and IPv6), no SNI', async (t) => {
  for (const host of [LOOPBACK, '::1']) {
    const { port, sni, servernames } = await sniRecorder(t, serverCreds('ecdsa'), host)
    const hosts = []
    const checkServerIdentity = (h, cert) => {
      hosts.push(h)
      return nodeTls.checkServerIdentity(h, cert)
    }
    const socket = await connect(t, tls, { port, host, ca: f.ca.cert, checkServerIdentity })
    t.true(socket.authorized, host)
    t.is(socket.remoteAddress, host)
    await collect(socket)
    t.deepEqual(hosts, [host])
    t.deepEqual(sni, [])
    t.deepEqual(servernames, [false])
  }
})

test('servername: an explicit servername is sent as SNI and used for the identity check', async (t) => {
  const { port, sni, servernames } = await sniRecorder(t)
  const hosts = []
  const checkServerIdentity = (h, cert) => {
    hosts.push(h)
    return nodeTls.checkServerIdentity(h, cert)
  }
  const socket = await connect(t, tls, {
    port,
    host: LOOPBACK,
    servername: 'localhost',
    ca: f.ca.cert,
    checkServerIdentity,
  })
  t.true(socket.authorized)
  await collect(socket)
  t.deepEqual(hosts, ['localhost'])
  t.deepEqual(sni, ['localhost'])
  t.deepEqual(servernames, ['localhost'])
})

test('servername: a name not in the certificate fails the identity check', async (t) => {
  const { port, sni } = await sniRecorder(t)
  const err = await connectError(t, tls, { port, servername: 'nope.example', ca: f.ca.cert })
  t.is(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID')
  t.is(err.host, 'nope.example')
  t.deepEqual(sni, ['nope.example'])
})

// ---------------------------------------------------------------------------
// checkServerIdentity override

test('checkServerIdentity: called with (hostname, peer certificate); its Error is the one emitted', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds('rsa'))
  const calls = []
  const myError = new Error('pinned key mismatch')
  myError.code = 'MY_PIN_MISMATCH'
  const err = await connectError(t, tls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    checkServerIdentity(host, cert) {
      calls.push({ host, cert })
      return myError
    },
  })
  t.is(err, myError)
  t.is(calls.length, 1)
  t.is(calls[0].host, 'localhost')
  t.is(calls[0].cert.subject.CN, 'localhost')
  t.true(Buffer.from(calls[0].cert.raw).equals(f.rsa.der))
  // The certificate passed is the detailed one, with its issuer chain.
  t.is(calls[0].cert.issuerCertificate.subject.CN, 'rustls-node Test Intermediate CA')
})

test('checkServerIdentity: returning undefined accepts a certificate for another name', async (t) => {
  const { port } = await echoServer(t, nodeTls, { key: f.wrongName.key, cert: f.wrongName.chain })
  const socket = await connect(t, tls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    checkServerIdentity: () => undefined,
  })
  t.true(socket.authorized)
  t.is(await roundTrip(socket, 'ok'), 'ok')
})

test('checkServerIdentity: with rejectUnauthorized false, an error without code becomes authorizationError = message', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds('rsa'))
  const socket = await connect(t, tls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    rejectUnauthorized: false,
    checkServerIdentity: () => new Error('nope'),
  })
  t.false(socket.authorized)
  t.is(socket.authorizationError, 'nope')
})

test('checkServerIdentity: not called when chain verification already failed', async (t) => {
  const { port } = await echoServer(t, nodeTls, { key: f.selfSigned.key, cert: f.selfSigned.cert })
  let called = 0
  const socket = await connect(t, tls, {
    port,
    servername: 'localhost',
    rejectUnauthorized: false,
    checkServerIdentity: () => {
      called++
    },
  })
  t.is(called, 0)
  t.is(socket.authorizationError, 'DEPTH_ZERO_SELF_SIGNED_CERT')
})

// ---------------------------------------------------------------------------
// Peer certificate and cipher details

const colonHex = (buf) => buf.toString('hex').toUpperCase().match(/../g).join(':')

test('getPeerCertificate(): fields match the fixture (RSA leaf)', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds('rsa'))
  const socket = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert })
  const cert = socket.getPeerCertificate()
  const x = f.rsa.x509
  t.is(cert.subject.CN, 'localhost')
  t.is(cert.issuer.CN, 'rustls-node Test Intermediate CA')
  t.is(cert.subjectaltname, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1')
  t.is(cert.valid_from, x.validFrom)
  t.is(cert.valid_to, x.validTo)
  t.is(cert.serialNumber, x.serialNumber)
  t.is(cert.fingerprint, x.fingerprint)
  t.is(cert.fingerprint256, x.fingerprint256)
  t.is(cert.fingerprint256, colonHex(createHash('sha256').update(f.rsa.der).digest()))
  t.is(cert.fingerprint512, x.fingerprint512)
  t.true(Buffer.isBuffer(cert.raw))
  t.true(cert.raw.equals(f.rsa.der))
  t.is(cert.ca, false)
  t.is(cert.bits, 2048)
  t.is(cert.exponent, '0x10001')
  const jwk = x.publicKey.export({ format: 'jwk' })
  t.is(cert.modulus, Buffer.from(jwk.n, 'base64url').toString('hex').toUpperCase())
  // pubkey is the DER SubjectPublicKeyInfo for RSA (what Node's docs pin).
  t.true(cert.pubkey.equals(x.publicKey.export({ type: 'spki', format: 'der' })))
  t.deepEqual(cert.ext_key_usage, ['1.3.6.1.5.5.7.3.1'])
  // Without `true` there is no issuer chain.
  t.is(cert.issuerCertificate, undefined)
})

test('getPeerCertificate(): EC fields (ECDSA P-256 leaf)', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds('ecdsa'))
  const socket = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert })
  const cert = socket.getPeerCertificate()
  t.is(cert.bits, 256)
  t.is(cert.asn1Curve, 'prime256v1')
  t.is(cert.nistCurve, 'P-256')
  // pubkey is the raw uncompressed point for EC keys.
  const spki = f.ecdsa.x509.publicKey.export({ type: 'spki', format: 'der' })
  t.true(cert.pubkey.equals(spki.subarray(spki.length - 65)))
  t.true(cert.raw.equals(f.ecdsa.der))
})

test('getPeerCertificate(true): issuerCertificate chain up to the self-referencing root', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds('rsa'))
  const socket = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert })
  const leaf = socket.getPeerCertificate(true)
  t.is(leaf.subject.CN, 'localhost')
  const inter = leaf.issuerCertificate
  t.is(inter.subject.CN, 'rustls-node Test Intermediate CA')
  t.is(inter.ca, true)
  const root = inter.issuerCertificate
  t.is(root.subject.CN, 'rustls-node Test Root CA')
  t.is(root.issuerCertificate, root)
})

test('getCipher(): { name, standardName, version } for pinned suites', async (t) => {
  const cases = [
    ['TLSv1.2', 'ECDHE-RSA-AES256-GCM-SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
    ['TLSv1.2', 'ECDHE-RSA-CHACHA20-POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
    ['TLSv1.3', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'],
    ['TLSv1.3', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'],
  ]
  for (const [version, name, standardName] of cases) {
    const { port } = await echoServer(t, nodeTls, {
      ...serverCreds('rsa'),
      ciphers: name,
      minVersion: version,
      maxVersion: version,
    })
    const socket = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert })
    t.deepEqual({ ...socket.getCipher() }, { name, standardName, version }, name)
    t.is(socket.getProtocol(), version)
    t.true(tls.getCiphers().includes(name.toLowerCase()), `${name} listed by getCiphers()`)
    socket.destroy()
  }
})

// ---------------------------------------------------------------------------
// Call forms and transports

test('tls.connect(port, host, options, callback) form', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds('rsa'))
  const socket = await withTimeout(
    new Promise((resolve, reject) => {
      const s = tls.connect(port, LOOPBACK, { servername: 'localhost', ca: f.ca.cert }, function () {
        t.is(this, s)
        resolve(s)
      })
      t.teardown(() => s.destroy())
      s.once('error', reject)
    }),
    10_000,
    'connect',
  )
  t.true(socket.authorized)
  t.is(socket.remotePort, port)
  t.is(socket.remoteAddress, LOOPBACK)
  t.is(await roundTrip(socket, 'positional'), 'positional')
})

test('socket option: STARTTLS upgrade of a connected net.Socket', async (t) => {
  const context = nodeTls.createSecureContext(serverCreds('rsa'))
  // A tiny line protocol: greet, accept STARTTLS, then speak TLS (echo).
  const { port } = await tcpServer(t, (raw) => {
    raw.on('error', () => {})
    raw.write('220 ready\r\n')
    let buf = ''
    const onData = (d) => {
      buf += d
      if (!buf.includes('\r\n')) return
      raw.removeListener('data', onData)
      raw.write('220 go ahead\r\n')
      const secure = new nodeTls.TLSSocket(raw, { isServer: true, secureContext: context })
      secure.on('error', () => {})
      secure.pipe(secure)
    }
    raw.setEncoding('utf8')
    raw.on('data', onData)
  })
  const raw = await tcpConnect(t, port)
  t.regex(await readUntil(raw, '\r\n'), /^220 ready/)
  const goAhead = readUntil(raw, '\r\n')
  raw.write('STARTTLS\r\n')
  t.regex(await goAhead, /^220 go ahead/)

  const socket = await connect(t, tls, { socket: raw, servername: 'localhost', ca: f.ca.cert })
  t.true(socket.authorized)
  t.true(socket.encrypted)
  t.is(socket.remotePort, port)
  t.is(await roundTrip(socket, 'inside tls\n'), 'inside tls\n')
  const ended = once(socket, 'end')
  socket.end()
  await ended
  await closed(socket)
})

test('socket option: TLS over an in-memory Duplex pair', async (t) => {
  const [clientSide, serverSide] = duplexPair()
  t.teardown(() => {
    clientSide.destroy()
    serverSide.destroy()
  })
  const server = new nodeTls.TLSSocket(serverSide, {
    isServer: true,
    secureContext: nodeTls.createSecureContext(serverCreds('ecdsa')),
  })
  server.on('error', () => {})
  server.on('data', (d) => server.write(d.toString().toUpperCase()))
  server.on('end', () => server.end())

  const socket = await connect(t, tls, { socket: clientSide, servername: 'localhost', ca: f.ca.cert })
  const log = eventLog(socket, ['secureConnect', 'data', 'end', 'close', 'error'])
  t.true(socket.authorized)
  t.is(socket.getProtocol(), 'TLSv1.3')
  t.is(await roundTrip(socket, 'over a duplex', 'OVER A DUPLEX'), 'OVER A DUPLEX')
  socket.end()
  await closed(socket)
  t.deepEqual(squash(log), ['data', 'end', 'close'])
})

// ---------------------------------------------------------------------------
// ALPN

test('ALPNProtocols: negotiated protocol is exposed as alpnProtocol', async (t) => {
  const { port } = await echoServer(t, nodeTls, { ...serverCreds('rsa'), ALPNProtocols: ['h2', 'http/1.1'] })
  const a = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert, ALPNProtocols: ['http/1.1'] })
  t.is(a.alpnProtocol, 'http/1.1')
  const b = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert, ALPNProtocols: ['h2'] })
  t.is(b.alpnProtocol, 'h2')
  // No ALPN offered: false.
  const c = await connect(t, tls, { port, servername: 'localhost', ca: f.ca.cert })
  t.is(c.alpnProtocol, false)
})

test('ALPNProtocols: server without ALPN -> alpnProtocol false', async (t) => {
  const { port } = await echoServer(t, nodeTls, serverCreds('rsa'))
  const socket = await connect(t, tls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    ALPNProtocols: ['h2', 'http/1.1'],
  })
  t.is(socket.alpnProtocol, false)
})

test('ALPNProtocols: no overlap -> the server alert surfaces as ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL', async (t) => {
  const { port } = await echoServer(t, nodeTls, { ...serverCreds('rsa'), ALPNProtocols: ['h2'] })
  const err = await connectError(t, tls, { port, servername: 'localhost', ca: f.ca.cert, ALPNProtocols: ['http/1.1'] })
  t.is(err.code, 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL')
})

// ---------------------------------------------------------------------------
// Event order

test('events: connect, secureConnect, data..., end, close', async (t) => {
  const { port } = await listen(t, nodeTls, serverCreds('rsa'), (s) => {
    s.on('error', () => {})
    s.write('hello ')
    setTimeout(() => s.end('world'), 20)
  })
  const socket = tls.connect({ port, host: LOOPBACK, servername: 'localhost', ca: f.ca.cert })
  t.teardown(() => socket.destroy())
  watchClose(socket)
  const log = eventLog(socket, ['connect', 'secureConnect', 'data', 'end', 'close', 'error'])
  const body = await collect(socket)
  await closed(socket)
  t.is(body.toString(), 'hello world')
  t.deepEqual(squash(log), ['connect', 'secureConnect', 'data', 'end', 'close'])
})

test('events: a failed handshake emits error then close, never secureConnect', async (t) => {
  const { port } = await echoServer(t, nodeTls, { key: f.wrongName.key, cert: f.wrongName.chain })
  const socket = tls.connect({ port, host: LOOPBACK, servername: 'localhost', ca: f.ca.cert })
  t.teardown(() => socket.destroy())
  watchClose(socket)
  const log = eventLog(socket, ['connect', 'secureConnect', 'data', 'end', 'close', 'error'])
  socket.on('error', () => {})
  await closed(socket)
  t.deepEqual(log, ['connect', 'error', 'close'])
})

// ---------------------------------------------------------------------------
// Client certificates

for (const version of VERSIONS) {
  test(`client certificate (key/cert) accepted by a node:tls server with requestCert, ${version}`, async (t) => {
    const seen = []
    const { port } = await listen(t, nodeTls, { ...requireClientCert, maxVersion: version }, (s) => {
      seen.push({ authorized: s.authorized, cn: s.getPeerCertificate().subject?.CN })
      s.on('error', () => {})
      s.pipe(s)
    })
    const socket = await connect(t, tls, {
      port,
      servername: 'localhost',
      ca: f.ca.cert,
      key: f.client.key,
      cert: f.client.cert,
    })
    t.is(socket.getProtocol(), version)
    t.true(socket.authorized)
    t.is(await roundTrip(socket, 'with client cert'), 'with client cert')
    t.deepEqual(seen, [{ authorized: true, cn: 'test-client' }])
  })
}

test('no client certificate for a server that requires one: TLS 1.2 handshake_failure alert', async (t) => {
  const { port } = await echoServer(t, nodeTls, { ...requireClientCert, maxVersion: 'TLSv1.2' })
  const err = await connectError(t, tls, { port, servername: 'localhost', ca: f.ca.cert })
  t.is(err.code, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')
})

test('no client certificate for a server that requires one: TLS 1.3 certificate_required alert', async (t) => {
  const { port } = await echoServer(t, nodeTls, { ...requireClientCert, minVersion: 'TLSv1.3' })
  const socket = tls.connect({ port, host: LOOPBACK, servername: 'localhost', ca: f.ca.cert })
  t.teardown(() => socket.destroy())
  watchClose(socket)
  // In TLS 1.3 the client finishes its side of the handshake before the
  // server rejects it, so 'secureConnect' may come first; the alert follows.
  socket.resume()
  const err = await once(socket, 'error')
  await closed(socket)
  t.is(err.code, 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')
})

test('client certificate with an encrypted key and passphrase', async (t) => {
  // The encrypted fixture key belongs to the RSA leaf, so present that
  // certificate as the client certificate to a server trusting the root CA.
  const seen = []
  const { port } = await listen(
    t,
    nodeTls,
    {
      ...serverCreds('ecdsa'),
      requestCert: true,
      rejectUnauthorized: false,
      ca: f.ca.cert,
    },
    (s) => {
      seen.push(s.getPeerCertificate().fingerprint256)
      s.on('error', () => {})
      s.end()
    },
  )
  const socket = await connect(t, tls, {
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    key: f.encrypted.key,
    passphrase: 'secret',
    cert: f.rsa.chain,
  })
  await collect(socket)
  t.deepEqual(seen, [f.rsa.x509.fingerprint256])
})

test('TLS_IMPL sanity: the module under test is the one requested', (t) => {
  t.is(tls === nodeTls, underTest === 'node:tls')
})

test('path option: TLS over a Unix domain socket to a node:tls server', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-unix-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const socketPath = path.join(dir, 'tls.sock')
  const server = nodeTls.createServer({ key: f.rsa.key, cert: f.rsa.chain }, (s) => {
    s.on('error', () => {})
    s.end('over unix')
  })
  await new Promise((resolve) => server.listen(socketPath, resolve))
  t.teardown(() => server.close())
  const socket = await connect(t, tls, { path: socketPath, servername: 'localhost', ca: f.ca.cert })
  t.true(socket.authorized)
  t.is((await collect(socket)).toString(), 'over unix')
})

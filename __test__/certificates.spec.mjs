// Certificate objects: getPeerCertificate(), getPeerCertificate(true),
// getCertificate(), getPeerX509Certificate() and getX509Certificate() of the
// implementation under test, compared field for field with what node:tls
// itself returns for the very same connection partner. For every certificate
// in the table a single node:tls server is started and one client of each
// kind connects to it, so both observe the same certificate and chain.
// (TLS_IMPL=node runs this file against node:tls, comparing it with itself.)

import test from 'ava'
import { X509Certificate } from 'node:crypto'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { moreFixtures } from './helpers/more-fixtures.mjs'
import { collect, connect, listen, until } from './helpers/peers.mjs'

const f = await fixtures()
const m = await moreFixtures()

/** The certificate object without its issuerCertificate link. */
function own(cert) {
  const { issuerCertificate, ...rest } = cert
  return rest
}

/** 'null', 'Object', or the constructor name of the value's prototype. */
function protoName(value) {
  const proto = Object.getPrototypeOf(value)
  if (proto === null) return 'null'
  if (proto === Object.prototype) return 'Object'
  return proto.constructor?.name ?? '?'
}

/**
 * Compares two certificate objects (without issuerCertificate): the key set,
 * every field on its own (so a failure names the field), then the whole
 * object. (t.deepEqual does not compare prototypes; the null prototypes of
 * node:tls's subject/issuer/infoAccess objects have a test of their own.)
 */
function sameCert(t, actual, expected, label) {
  t.deepEqual(Object.keys(own(actual)).sort(), Object.keys(own(expected)).sort(), `${label}: keys`)
  for (const key of Object.keys(own(expected))) {
    t.deepEqual(actual[key], expected[key], `${label}: field ${key}`)
  }
  for (const key of ['raw', 'pubkey']) {
    if (key in expected) t.true(Buffer.isBuffer(actual[key]), `${label}: ${key} is a Buffer`)
  }
  t.deepEqual(own(actual), own(expected), `${label}: whole object`)
}

/**
 * Walks a detailed certificate's issuerCertificate links. Returns the list of
 * certificates and how the walk ended: 'self' (the last one is its own
 * issuer), 'none' (issuerCertificate undefined) or 'cycle' (a link back to
 * an earlier certificate that is not the last one).
 */
function walk(cert) {
  const certs = []
  const seen = new Set()
  let c = cert
  while (c && typeof c === 'object' && !seen.has(c)) {
    seen.add(c)
    certs.push(c)
    c = c.issuerCertificate
  }
  let end = 'none'
  if (c !== undefined) end = c === certs[certs.length - 1] ? 'self' : 'cycle'
  return { certs, end }
}

function sameChain(t, actual, expected, label) {
  const a = walk(actual)
  const e = walk(expected)
  t.deepEqual(
    a.certs.map((c) => c.subject?.CN),
    e.certs.map((c) => c.subject?.CN),
    `${label}: chain subjects`,
  )
  t.is(a.end, e.end, `${label}: how the chain ends`)
  t.is(a.certs.length, e.certs.length, `${label}: chain length`)
  for (let i = 0; i < Math.min(a.certs.length, e.certs.length); i++) {
    sameCert(t, a.certs[i], e.certs[i], `${label}[${i}]`)
  }
}

// ---------------------------------------------------------------------------
// Server certificates, seen by a client.

const L = m.leaves
const SERVER_CERTS = [
  { title: 'RSA-2048', leaf: L.rsa },
  { title: 'EC P-256', leaf: L.p256 },
  { title: 'EC P-384', leaf: L.p384 },
  { title: 'Ed25519', leaf: L.ed25519 },
  { title: 'multi-valued RDN subject', leaf: L.multiRdn },
  { title: 'repeated subject attributes (DC, OU)', leaf: L.repeatedAttrs },
  { title: 'IP and wildcard SANs', leaf: L.ipWildcard },
  { title: 'email, URI, RID, otherName and dirName SANs; emailAddress in subject', leaf: L.emailUri },
  { title: 'unicode UTF-8 subject', leaf: L.unicode },
  { title: 'authorityInfoAccess (OCSP + caIssuers), CRL DP, policies', leaf: L.aia },
  { title: 'extendedKeyUsage with many purposes and a private OID', leaf: L.eku },
  { title: 'long chain: root > 3 intermediates > leaf', leaf: L.longChain },
  // The fixtures.mjs hierarchy, leaf sent without its intermediate: the
  // detailed chain then stops at the leaf.
  { title: 'leaf only, issuer not sent (fixtures RSA)', leaf: { ...f.rsa, chain: f.rsa.cert, ca: f.ca.cert } },
  { title: 'self-signed (fixtures)', leaf: { ...f.selfSigned, chain: f.selfSigned.cert, ca: f.selfSigned.cert } },
  {
    title: 'chain including the root (fixtures ECDSA)',
    leaf: { ...f.ecdsa, chain: f.ecdsa.chainWithRoot, ca: f.ca.cert },
  },
]

for (const c of SERVER_CERTS) {
  test(`server certificate, ${c.title}: getPeerCertificate() and (true) equal node:tls's`, async (t) => {
    // The server keeps the connections open: a closed socket has no
    // certificate to report any more.
    const { port } = await listen(t, nodeTls, { key: c.leaf.key, cert: c.leaf.chain }, (socket) => {
      socket.on('error', () => {})
    })
    const options = { port, servername: 'localhost', ca: c.leaf.ca, rejectUnauthorized: false }
    const ref = await connect(t, nodeTls, options)
    const sut = await connect(t, tls, options)

    const expected = ref.getPeerCertificate()
    const expectedDetailed = ref.getPeerCertificate(true)
    // The reference really describes the fixture leaf.
    t.true(expected.raw.equals(c.leaf.der))
    t.is(expected.fingerprint256, c.leaf.x509.fingerprint256)

    const actual = sut.getPeerCertificate()
    t.is(actual.issuerCertificate, undefined)
    sameCert(t, actual, expected, 'getPeerCertificate()')
    sameChain(t, sut.getPeerCertificate(true), expectedDetailed, 'getPeerCertificate(true)')
    // Asking twice gives equal objects.
    sameCert(t, sut.getPeerCertificate(), actual, 'second call')

    t.is(sut.authorized, ref.authorized)
    t.is(sut.authorizationError, ref.authorizationError)

    const x = sut.getPeerX509Certificate()
    t.true(x instanceof X509Certificate)
    t.is(x.fingerprint256, ref.getPeerX509Certificate().fingerprint256)
    t.is(x.fingerprint256, c.leaf.x509.fingerprint256)
    // A client without a certificate of its own.
    t.deepEqual(sut.getCertificate(), ref.getCertificate())
    t.is(sut.getX509Certificate(), ref.getX509Certificate())
  })
}

/** The prototype names of a certificate object and its object-valued fields. */
function prototypes(cert) {
  const out = { '': protoName(cert) }
  for (const [key, value] of Object.entries(own(cert))) {
    if (value !== null && typeof value === 'object') out[key] = protoName(value)
  }
  return out
}

test("subject, issuer and infoAccess objects have the same (null) prototype as node:tls's", async (t) => {
  const seen = {}
  const serverOptions = {
    key: L.aia.key,
    cert: L.aia.chain,
    requestCert: true,
    rejectUnauthorized: false,
    ca: m.clientCa.cert,
  }
  const { port } = await listen(t, nodeTls, serverOptions, (s) => {
    s.on('error', () => {})
  })
  const sutServer = await listen(t, tls, serverOptions, (s) => {
    seen.serverPeer = prototypes(s.getPeerCertificate())
    seen.serverOwn = prototypes(s.getCertificate())
    s.on('error', () => {})
  })
  const options = { servername: 'localhost', ca: m.root.cert, key: m.client.key, cert: m.client.cert }
  const ref = await connect(t, nodeTls, { port, ...options })
  const sut = await connect(t, tls, { port, ...options })
  await connect(t, nodeTls, { port: sutServer.port, ...options })
  await until(() => seen.serverOwn, 5000, 'secureConnection')
  const expected = prototypes(ref.getPeerCertificate())
  // node:tls: the certificate object itself is a plain object, its subject,
  // issuer and infoAccess have a null prototype, Buffers and arrays are what
  // they are.
  t.deepEqual(expected, {
    '': 'Object',
    subject: 'null',
    issuer: 'null',
    infoAccess: 'null',
    pubkey: 'Buffer',
    ext_key_usage: 'Array',
    raw: 'Buffer',
  })
  t.deepEqual(prototypes(sut.getPeerCertificate()), expected, 'client getPeerCertificate()')
  t.deepEqual(prototypes(sut.getPeerCertificate(true)), expected, 'client getPeerCertificate(true)')
  t.deepEqual(prototypes(sut.getCertificate()), prototypes(ref.getCertificate()), 'client getCertificate()')
  t.deepEqual(seen.serverPeer, prototypes(ref.getCertificate()), 'server getPeerCertificate()')
  t.deepEqual(seen.serverOwn, expected, 'server getCertificate()')
})

test('the detailed chain of the long-chain certificate has all 5 certificates, ending in the self-signed root', async (t) => {
  const { port } = await listen(t, nodeTls, { key: L.longChain.key, cert: L.longChain.chain }, (s) => {
    s.on('error', () => {})
    s.end()
  })
  const sut = await connect(t, tls, { port, servername: 'localhost', ca: m.root.cert })
  t.true(sut.authorized)
  const { certs, end } = walk(sut.getPeerCertificate(true))
  t.deepEqual(
    certs.map((c) => c.subject.CN),
    [
      'localhost',
      'More Fixtures Chain CA 3',
      'More Fixtures Chain CA 2',
      'More Fixtures Chain CA 1',
      'More Fixtures Root CA',
    ],
  )
  t.is(end, 'self')
  t.deepEqual(
    certs.map((c) => c.ca),
    [false, true, true, true, true],
  )
  await collect(sut)
})

// ---------------------------------------------------------------------------
// The implementation as server: what it sees of a client certificate, and
// what it reports about its own certificate.

/**
 * Starts a server of `tlsModule` asking for a client certificate and records,
 * for each secure connection, everything the certificate getters return.
 */
async function recordingServer(t, tlsModule, extra = {}) {
  const seen = []
  const srv = await listen(
    t,
    tlsModule,
    {
      key: L.p384.key,
      cert: L.p384.chain,
      ca: m.clientCa.cert,
      requestCert: true,
      rejectUnauthorized: false,
      ...extra,
    },
    (socket) => {
      seen.push({
        peer: socket.getPeerCertificate(),
        peerDetailed: socket.getPeerCertificate(true),
        peerX509: socket.getPeerX509Certificate(),
        own: socket.getCertificate(),
        ownX509: socket.getX509Certificate(),
        authorized: socket.authorized,
        authorizationError: socket.authorizationError,
      })
      socket.on('error', () => {})
      socket.end()
    },
  )
  return { ...srv, seen }
}

const CLIENTS = [
  { title: 'valid client certificate', creds: () => ({ key: m.client.key, cert: m.client.cert }), leaf: m.client },
  {
    title: 'client certificate with its CA appended',
    creds: () => ({ key: m.client.key, cert: m.client.cert + m.clientCa.cert }),
    leaf: m.client,
  },
  {
    title: 'untrusted client certificate',
    creds: () => ({ key: m.clientUntrusted.key, cert: m.clientUntrusted.cert }),
    leaf: m.clientUntrusted,
  },
  {
    title: 'expired client certificate',
    creds: () => ({ key: m.clientExpired.key, cert: m.clientExpired.cert }),
    leaf: m.clientExpired,
  },
]

for (const version of ['TLSv1.2', 'TLSv1.3']) {
  for (const c of CLIENTS) {
    test(`server side, ${version}, ${c.title}: peer and own certificate objects equal node:tls's`, async (t) => {
      const ref = await recordingServer(t, nodeTls)
      const sut = await recordingServer(t, tls)
      for (const { port } of [ref, sut]) {
        const client = await connect(t, nodeTls, {
          port,
          servername: 'localhost',
          ca: m.root.cert,
          maxVersion: version,
          minVersion: version,
          ...c.creds(),
        })
        // What the client reports about its own certificate does not depend
        // on the server, but check it is there.
        t.true(client.getCertificate().raw.equals(c.leaf.der))
        await collect(client)
      }
      t.is(ref.seen.length, 1)
      t.is(sut.seen.length, 1)
      const [e] = ref.seen
      const [a] = sut.seen
      t.true(e.peer.raw.equals(c.leaf.der))
      sameCert(t, a.peer, e.peer, 'server getPeerCertificate()')
      t.is(a.peer.issuerCertificate, undefined)
      sameChain(t, a.peerDetailed, e.peerDetailed, 'server getPeerCertificate(true)')
      t.true(a.peerX509 instanceof X509Certificate)
      t.is(a.peerX509.fingerprint256, e.peerX509.fingerprint256)
      sameCert(t, a.own, e.own, 'server getCertificate()')
      t.true(a.ownX509 instanceof X509Certificate)
      t.is(a.ownX509.fingerprint256, e.ownX509.fingerprint256)
      t.is(a.ownX509.fingerprint256, L.p384.x509.fingerprint256)
      t.is(a.authorized, e.authorized)
      t.is(a.authorizationError, e.authorizationError)
    })
  }
}

for (const requestCert of [true, false]) {
  test(`server side, requestCert ${requestCert}, client sends no certificate: getPeerCertificate() as node:tls`, async (t) => {
    const ref = await recordingServer(t, nodeTls, { requestCert })
    const sut = await recordingServer(t, tls, { requestCert })
    for (const { port } of [ref, sut]) {
      const client = await connect(t, nodeTls, { port, servername: 'localhost', ca: m.root.cert })
      await collect(client)
    }
    const [e] = ref.seen
    const [a] = sut.seen
    // node:tls: an empty object (not null), also for the detailed form.
    t.deepEqual(e.peer, {})
    t.deepEqual(a.peer, e.peer)
    t.deepEqual(a.peerDetailed, e.peerDetailed)
    t.is(a.peerX509, e.peerX509)
    t.is(a.authorized, e.authorized)
    t.is(a.authorizationError, e.authorizationError)
    sameCert(t, a.own, e.own, 'server getCertificate()')
  })
}

// ---------------------------------------------------------------------------
// The implementation as client presenting a certificate: getCertificate()
// and getX509Certificate() on the client side.

for (const c of [
  { title: 'RSA client certificate', key: m.client.key, cert: m.client.cert, leaf: m.client },
  {
    title: 'P-256 client certificate',
    key: m.clientUntrusted.key,
    cert: m.clientUntrusted.cert,
    leaf: m.clientUntrusted,
  },
  { title: 'Ed25519 certificate with its chain', key: L.ed25519.key, cert: L.ed25519.chain, leaf: L.ed25519 },
]) {
  test(`client side, ${c.title}: getCertificate()/getX509Certificate() equal node:tls's`, async (t) => {
    const { port } = await listen(
      t,
      nodeTls,
      {
        key: L.rsa.key,
        cert: L.rsa.chain,
        requestCert: true,
        rejectUnauthorized: false,
        ca: m.clientCa.cert,
      },
      (s) => {
        s.on('error', () => {})
      },
    )
    const options = { port, servername: 'localhost', ca: m.root.cert, key: c.key, cert: c.cert }
    const ref = await connect(t, nodeTls, options)
    const sut = await connect(t, tls, options)
    const expected = ref.getCertificate()
    t.true(expected.raw.equals(c.leaf.der))
    sameCert(t, sut.getCertificate(), expected, 'client getCertificate()')
    const x = sut.getX509Certificate()
    t.true(x instanceof X509Certificate)
    t.is(x.fingerprint256, ref.getX509Certificate().fingerprint256)
    t.is(x.fingerprint256, c.leaf.x509.fingerprint256)
  })
}

test("server getCertificate() for each key type equals node:tls's", async (t) => {
  for (const leaf of [L.rsa, L.p256, L.ed25519, L.unicode, L.longChain]) {
    const seen = { ref: null, sut: null }
    for (const [which, mod] of [
      ['ref', nodeTls],
      ['sut', tls],
    ]) {
      const { port } = await listen(t, mod, { key: leaf.key, cert: leaf.chain }, (s) => {
        seen[which] = s.getCertificate()
        s.on('error', () => {})
        s.end()
      })
      await collect(await connect(t, nodeTls, { port, servername: 'localhost', ca: m.root.cert }))
    }
    t.true(seen.ref.raw.equals(leaf.der), leaf.name)
    sameCert(t, seen.sut, seen.ref, `server getCertificate() ${leaf.name}`)
  }
})

test('TLS_IMPL sanity: the module under test is the one requested', (t) => {
  t.is(tls === nodeTls, underTest === 'node:tls')
})

// Test certificates, generated with the openssl CLI and cached in
// <repo>/.fixtures/ (git-ignored).
//
// Generation happens in a private temp directory that is renamed into place
// once complete, so two ava worker processes starting at the same time never
// see a half-written set: the loser of the rename race throws its copy away
// and reads the winner's.
//
//   const f = await fixtures()
//   f.ca.cert                 root CA (RSA) PEM — the trust anchor for f.rsa & co
//   f.intermediate.cert       intermediate CA PEM (signed by the root)
//   f.rsa / f.ecdsa / f.ed25519
//        { key, cert, chain, chainWithRoot, der, x509 }
//        leaf for CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1,
//        signed by the intermediate; chain = leaf + intermediate,
//        chainWithRoot = leaf + intermediate + root; der = Buffer (leaf DER);
//        x509 = crypto.X509Certificate of the leaf (reference values)
//   f.selfSigned   { key, cert, der, x509 }  self-signed, CN/SAN localhost
//   f.expired      { key, cert, chain, ... } validity 2000-01-01..2001-01-01
//   f.notYetValid  { key, cert, chain, ... } validity 2049-01-01..2049-12-31
//   f.wrongName    { key, cert, chain, ... } CN/SAN other.example
//   f.clientCa     { key, cert }             separate root for client certs
//   f.client       { key, cert, der, x509 }  CN=test-client, EKU clientAuth
//   f.encrypted    { key, cert, chain, passphrase: 'secret' }
//        the RSA leaf's key as encrypted PKCS#8 (AES-256-CBC, passphrase 'secret')
//   f.dir          the cache directory (every PEM is also a file in there)
//   f.path(name)   absolute path of a cached file, e.g. f.path('rsa.chain.pem')
//   f.opensslServerArgs(kind)  `openssl s_server` arguments serving leaf `kind`
//                  (rsa, ecdsa, ed25519) with the intermediate: -cert, -cert_chain, -key
//
//   refusedLeaves(f)  the expired, not-yet-valid and wrong-name leaves as the
//        cases of a verification table: [{ title, server, client, code }], the
//        server's and the client's options and the error node:tls reports
//
//   await pemFile(pem)        writes a PEM to a temp file and returns its path
//                             (for openssl/curl arguments; removed at exit)

import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import { SERVER_RSA, SERVER_SIG, caExt, cert, leafExt, loadPki, serverLeaf } from './pki.mjs'

// Bump when the set of generated files or their contents change.
const VERSION = 'v1'
const PASSPHRASE = 'secret'
const ROOT = caExt({ root: true })
const EXPIRED = { notBefore: '000101000000Z', notAfter: '010101000000Z' }
const NOT_YET_VALID = { notBefore: '490101000000Z', notAfter: '491231000000Z' }

const PLAN = {
  certs: [
    cert('ca', 'rsa', '/CN=rustls-node Test Root CA', null, ROOT),
    cert('client-ca', 'rsa', '/CN=rustls-node Test Client CA', null, ROOT),
    cert('intermediate', 'rsa', '/CN=rustls-node Test Intermediate CA', 'ca', caExt({ pathlen: 0 })),
    serverLeaf('rsa', 'rsa', SERVER_RSA),
    serverLeaf('ecdsa', 'p256', SERVER_SIG),
    serverLeaf('ed25519', 'ed25519', SERVER_SIG),
    serverLeaf('expired', 'rsa', SERVER_RSA, EXPIRED),
    serverLeaf('not-yet-valid', 'rsa', SERVER_RSA, NOT_YET_VALID),
    serverLeaf('wrong-name', 'rsa', leafExt({ san: 'DNS:other.example' }), { subject: '/CN=other.example' }),
    // No keyUsage (OpenSSL only recognises a certificate as its own issuer, and
    // so reports DEPTH_ZERO_SELF_SIGNED_CERT, when keyUsage is absent or
    // includes keyCertSign) and CA:FALSE so it is a valid end entity when a
    // client trusts it directly with { ca: cert }.
    cert('self-signed', 'rsa', '/CN=localhost', null, leafExt({ keyUsage: null, selfSigned: true })),
    // Signed by the separate client CA.
    cert('client', 'rsa', '/CN=test-client', 'client-ca', leafExt({ eku: 'clientAuth', san: null })),
  ],
  // Encrypted (PKCS#8, PBES2/AES-256-CBC) copy of the RSA leaf key.
  encryptedKeys: [
    { out: 'encrypted.key.pem', key: 'rsa', format: 'pkcs8', cipher: 'aes-256-cbc', passphrase: PASSPHRASE },
  ],
}

let cached
export function fixtures() {
  cached ??= load()
  return cached
}

async function load() {
  const pki = await loadPki(VERSION, PLAN)
  const chained = new Set(PLAN.certs.filter((c) => c.chain).map((c) => c.name))
  const leaf = (name) => ({ ...pki.cred(name), ...(chained.has(name) ? pki.chains(name) : {}) })
  return Object.freeze({
    dir: pki.dir,
    path: pki.path,
    opensslServerArgs: (kind) => [
      '-cert',
      pki.path(`${kind}.cert.pem`),
      '-cert_chain',
      pki.path('intermediate.cert.pem'),
      '-key',
      pki.path(`${kind}.key.pem`),
    ],
    ca: pki.pair('ca'),
    intermediate: pki.pair('intermediate'),
    rsa: leaf('rsa'),
    ecdsa: leaf('ecdsa'),
    ed25519: leaf('ed25519'),
    selfSigned: leaf('self-signed'),
    expired: leaf('expired'),
    notYetValid: leaf('not-yet-valid'),
    wrongName: leaf('wrong-name'),
    clientCa: pki.pair('client-ca'),
    client: leaf('client'),
    encrypted: {
      ...leaf('rsa'),
      key: pki.text('encrypted.key.pem'),
      passphrase: PASSPHRASE,
    },
  })
}

/** The leaves a client trusting f.ca refuses, each with node:tls's error code (see the header). */
export function refusedLeaves(f) {
  return [
    {
      title: 'expired leaf',
      server: { key: f.expired.key, cert: f.expired.chain },
      client: { ca: f.ca.cert },
      code: 'CERT_HAS_EXPIRED',
    },
    {
      title: 'not-yet-valid leaf',
      server: { key: f.notYetValid.key, cert: f.notYetValid.chain },
      client: { ca: f.ca.cert },
      code: 'CERT_NOT_YET_VALID',
    },
    {
      title: 'certificate for another name',
      server: { key: f.wrongName.key, cert: f.wrongName.chain },
      client: { ca: f.ca.cert },
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    },
  ]
}

// ---------------------------------------------------------------------------
// Temp PEM files for command-line peers.

let tmpDir
function tempDir() {
  if (!tmpDir) {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-test-'))
    process.once('exit', () => {
      try {
        fs.rmSync(tmpDir, { recursive: true, force: true })
      } catch {}
    })
  }
  return tmpDir
}

let counter = 0
/** Writes `pem` (string or Buffer; arrays are concatenated) to a temp file and returns its path. */
export async function pemFile(pem, name = 'file') {
  const data = Array.isArray(pem) ? pem.map(String).join('') : pem
  const file = path.join(tempDir(), `${name}-${++counter}.pem`)
  await fsp.writeFile(file, data, { mode: 0o600 })
  return file
}

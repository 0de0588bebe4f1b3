// Certificates of the kinds OpenSSL accepts and webpki does not, made the way
// people make them with the openssl CLI, cached in <repo>/.fixtures/legacy-v1/:
//
//   const l = await legacyFixtures()
//   l.v1Root            { key, cert }  self-signed X.509 v1 root (`x509 -req -signkey`, no extensions)
//   l.v1Leaf            { key, cert }  v1 leaf for 'localhost' signed by v1Root (`x509 -req -CA`)
//   l.v3Intermediate    { key, cert }  v3 CA signed by v1Root
//   l.leafUnderV3       { key, cert }  v3 leaf for 'localhost' signed by v3Intermediate
//   l.caTrueSelfSigned  { key, cert }  `req -x509` for 'localhost' (OpenSSL 3 adds CA:TRUE)
//   l.rsa1024 / l.rsa512 { key, cert } leaves for 'localhost' with small RSA keys, signed by v1Root
//   l.path(name)        absolute path of a cached file

import fs from 'node:fs'
import path from 'node:path'

import { cachedDirectory, openssl } from './fixture-cache.mjs'

// Bump when the set of generated files or their contents change.
const VERSION = 'legacy-v1'
const DAYS = '3650'

const SAN_LOCALHOST = 'subjectAltName = DNS:localhost\n'
const V3_CA = 'basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\n'

async function generate (dir) {
  fs.writeFileSync(path.join(dir, 'san.ext'), SAN_LOCALHOST)
  fs.writeFileSync(path.join(dir, 'ca.ext'), V3_CA)
  const rsaKey = (name, bits) => openssl(dir, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', `${name}.key.pem`])
  const csr = (name, cn) => openssl(dir, ['req', '-new', '-key', `${name}.key.pem`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`])
  // No -extfile: what `openssl x509 -req` makes is a version 1 certificate.
  const sign = (name, issuer, extfile) => openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.cert.pem`, '-CAkey', `${issuer}.key.pem`,
    '-CAcreateserial', '-days', DAYS, '-sha256', ...(extfile ? ['-extfile', extfile] : []), '-out', `${name}.cert.pem`
  ])

  await rsaKey('v1-root', 2048)
  await csr('v1-root', 'legacy v1 root')
  await openssl(dir, ['x509', '-req', '-in', 'v1-root.csr', '-signkey', 'v1-root.key.pem', '-days', DAYS, '-sha256', '-out', 'v1-root.cert.pem'])

  await rsaKey('v1-leaf', 2048)
  await csr('v1-leaf', 'localhost')
  await sign('v1-leaf', 'v1-root')

  await rsaKey('v3-intermediate', 2048)
  await csr('v3-intermediate', 'v3 intermediate under a v1 root')
  await sign('v3-intermediate', 'v1-root', 'ca.ext')

  await rsaKey('leaf-under-v3', 2048)
  await csr('leaf-under-v3', 'localhost')
  await sign('leaf-under-v3', 'v3-intermediate', 'san.ext')

  await openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'ca-true-self-signed.key.pem', '-out', 'ca-true-self-signed.cert.pem',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-days', DAYS])

  for (const bits of [1024, 512]) {
    await rsaKey(`rsa${bits}`, bits)
    await csr(`rsa${bits}`, 'localhost')
    await sign(`rsa${bits}`, 'v1-root', 'san.ext')
  }
}

let cached
export function legacyFixtures () {
  cached ??= load()
  return cached
}

async function load () {
  const dir = await cachedDirectory(VERSION, generate)
  const cred = (name) => Object.freeze({
    key: fs.readFileSync(path.join(dir, `${name}.key.pem`), 'utf8'),
    cert: fs.readFileSync(path.join(dir, `${name}.cert.pem`), 'utf8')
  })
  return Object.freeze({
    dir,
    path: (name) => path.join(dir, name),
    v1Root: cred('v1-root'),
    v1Leaf: cred('v1-leaf'),
    v3Intermediate: cred('v3-intermediate'),
    leafUnderV3: cred('leaf-under-v3'),
    caTrueSelfSigned: cred('ca-true-self-signed'),
    rsa1024: cred('rsa1024'),
    rsa512: cred('rsa512')
  })
}

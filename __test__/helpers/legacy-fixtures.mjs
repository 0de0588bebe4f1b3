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

import { cert, loadPki } from './pki.mjs'

// Bump when the set of generated files or their contents change.
const VERSION = 'legacy-v1'

const SAN_LOCALHOST = { subjectAltName: 'DNS:localhost' }
const V3_CA = { basicConstraints: 'critical, CA:TRUE', keyUsage: 'critical, keyCertSign, cRLSign' }

// via 'x509': `openssl x509 -req`, which without an extensions file (ext:
// null) makes a version 1 certificate; via 'req-defaults': `openssl req -x509`
// under OpenSSL's own config (which adds CA:TRUE).
const X509 = { via: 'x509' }
const PLAN = {
  certs: [
    cert('v1-root', 'rsa', '/CN=legacy v1 root', null, null, X509),
    cert('v1-leaf', 'rsa', '/CN=localhost', 'v1-root', null, X509),
    cert('v3-intermediate', 'rsa', '/CN=v3 intermediate under a v1 root', 'v1-root', V3_CA, X509),
    cert('leaf-under-v3', 'rsa', '/CN=localhost', 'v3-intermediate', SAN_LOCALHOST, X509),
    cert('ca-true-self-signed', 'p256', '/CN=localhost', null, SAN_LOCALHOST, { via: 'req-defaults' }),
    cert('rsa1024', 'rsa1024', '/CN=localhost', 'v1-root', SAN_LOCALHOST, X509),
    cert('rsa512', 'rsa512', '/CN=localhost', 'v1-root', SAN_LOCALHOST, X509),
  ],
}

let cached
export function legacyFixtures() {
  cached ??= load()
  return cached
}

async function load() {
  const pki = await loadPki(VERSION, PLAN)
  const cred = (name) => Object.freeze(pki.pair(name))
  return Object.freeze({
    dir: pki.dir,
    path: pki.path,
    v1Root: cred('v1-root'),
    v1Leaf: cred('v1-leaf'),
    v3Intermediate: cred('v3-intermediate'),
    leafUnderV3: cred('leaf-under-v3'),
    caTrueSelfSigned: cred('ca-true-self-signed'),
    rsa1024: cred('rsa1024'),
    rsa512: cred('rsa512'),
  })
}

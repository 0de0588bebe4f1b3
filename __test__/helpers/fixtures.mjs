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
//
//   await pemFile(pem)        writes a PEM to a temp file and returns its path
//                             (for openssl/curl arguments; removed at exit)

import { X509Certificate, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import { cachedDirectory, openssl, pemToDer } from './fixture-cache.mjs'

// Bump when the set of generated files or their contents change.
const VERSION = 'v1'

const OPENSSL_CNF = `
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = placeholder

[ ca ]
default_ca = ca_default
[ ca_default ]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
commonName = supplied
organizationName = optional

[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_intermediate ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ server_rsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ server_sig ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ server_wrong_name ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# Self-signed leaf: no keyUsage (OpenSSL only recognises a certificate as its
# own issuer, and so reports DEPTH_ZERO_SELF_SIGNED_CERT, when keyUsage is
# absent or includes keyCertSign) and CA:FALSE so it is a valid end entity
# when a client trusts it directly with { ca: cert }.
[ server_self ]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash

[ client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`

async function genKey (cwd, name, kind) {
  const out = `${name}.key.pem`
  if (kind === 'rsa') {
    await openssl(cwd, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', out])
  } else if (kind === 'ecdsa') {
    await openssl(cwd, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out])
  } else if (kind === 'ed25519') {
    await openssl(cwd, ['genpkey', '-algorithm', 'ED25519', '-out', out])
  } else {
    throw new Error(`unknown key kind ${kind}`)
  }
}

async function selfSign (cwd, name, cn, ext, days = 3650) {
  await openssl(cwd, ['req', '-config', 'openssl.cnf', '-new', '-x509', '-key', `${name}.key.pem`,
    '-subj', `/CN=${cn}`, '-days', String(days), '-sha256', '-extensions', ext,
    '-set_serial', '0x' + randomSerial(), '-out', `${name}.cert.pem`])
}

async function caSign (cwd, name, cn, issuer, ext, { startdate, enddate, days = 3650 } = {}) {
  await openssl(cwd, ['req', '-config', 'openssl.cnf', '-new', '-key', `${name}.key.pem`,
    '-subj', `/CN=${cn}`, '-out', `${name}.csr.pem`])
  const args = ['ca', '-config', 'openssl.cnf', '-batch', '-notext', '-rand_serial',
    '-cert', `${issuer}.cert.pem`, '-keyfile', `${issuer}.key.pem`,
    '-extensions', ext, '-in', `${name}.csr.pem`, '-out', `${name}.cert.pem`]
  if (startdate) args.push('-startdate', startdate)
  if (enddate) args.push('-enddate', enddate)
  else args.push('-days', String(days))
  await openssl(cwd, args)
}

function randomSerial () {
  // 16 random bytes with the top bit clear: a positive, non-zero serial.
  const b = randomBytes(16)
  b[0] = (b[0] & 0x7f) | 0x10
  return b.toString('hex')
}

async function generate (dir) {
  await fsp.writeFile(path.join(dir, 'openssl.cnf'), OPENSSL_CNF)
  await fsp.writeFile(path.join(dir, 'index.txt'), '')
  await fsp.mkdir(path.join(dir, 'newcerts'))

  // Roots.
  await genKey(dir, 'ca', 'rsa')
  await selfSign(dir, 'ca', 'rustls-node Test Root CA', 'v3_root')
  await genKey(dir, 'client-ca', 'rsa')
  await selfSign(dir, 'client-ca', 'rustls-node Test Client CA', 'v3_root')

  // Intermediate.
  await genKey(dir, 'intermediate', 'rsa')
  await caSign(dir, 'intermediate', 'rustls-node Test Intermediate CA', 'ca', 'v3_intermediate')

  // Server leaves.
  await genKey(dir, 'rsa', 'rsa')
  await caSign(dir, 'rsa', 'localhost', 'intermediate', 'server_rsa')
  await genKey(dir, 'ecdsa', 'ecdsa')
  await caSign(dir, 'ecdsa', 'localhost', 'intermediate', 'server_sig')
  await genKey(dir, 'ed25519', 'ed25519')
  await caSign(dir, 'ed25519', 'localhost', 'intermediate', 'server_sig')

  await genKey(dir, 'expired', 'rsa')
  await caSign(dir, 'expired', 'localhost', 'intermediate', 'server_rsa',
    { startdate: '000101000000Z', enddate: '010101000000Z' })
  await genKey(dir, 'not-yet-valid', 'rsa')
  await caSign(dir, 'not-yet-valid', 'localhost', 'intermediate', 'server_rsa',
    { startdate: '490101000000Z', enddate: '491231000000Z' })
  await genKey(dir, 'wrong-name', 'rsa')
  await caSign(dir, 'wrong-name', 'other.example', 'intermediate', 'server_wrong_name')

  await genKey(dir, 'self-signed', 'rsa')
  await selfSign(dir, 'self-signed', 'localhost', 'server_self')

  // Client certificate, signed by the separate client CA.
  await genKey(dir, 'client', 'rsa')
  await caSign(dir, 'client', 'test-client', 'client-ca', 'client')

  // Encrypted (PKCS#8, PBES2/AES-256-CBC) copy of the RSA leaf key.
  await openssl(dir, ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'rsa.key.pem',
    '-out', 'encrypted.key.pem', '-passout', 'pass:secret'])

  // Chains.
  const read = (f) => fsp.readFile(path.join(dir, f), 'utf8')
  const inter = await read('intermediate.cert.pem')
  const root = await read('ca.cert.pem')
  for (const name of ['rsa', 'ecdsa', 'ed25519', 'expired', 'not-yet-valid', 'wrong-name']) {
    const leaf = await read(`${name}.cert.pem`)
    await fsp.writeFile(path.join(dir, `${name}.chain.pem`), leaf + inter)
    await fsp.writeFile(path.join(dir, `${name}.fullchain.pem`), leaf + inter + root)
  }

}

let cached
export function fixtures () {
  cached ??= load()
  return cached
}

async function load () {
  const dir = await cachedDirectory(VERSION, generate)
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8')
  const leaf = (name, extra = {}) => {
    const cert = read(`${name}.cert.pem`)
    const out = {
      key: read(`${name}.key.pem`),
      cert,
      der: pemToDer(cert),
      x509: new X509Certificate(cert),
      ...extra
    }
    if (fs.existsSync(path.join(dir, `${name}.chain.pem`))) {
      out.chain = read(`${name}.chain.pem`)
      out.chainWithRoot = read(`${name}.fullchain.pem`)
    }
    return out
  }
  return Object.freeze({
    dir,
    path: (name) => path.join(dir, name),
    ca: { key: read('ca.key.pem'), cert: read('ca.cert.pem') },
    intermediate: { key: read('intermediate.key.pem'), cert: read('intermediate.cert.pem') },
    rsa: leaf('rsa'),
    ecdsa: leaf('ecdsa'),
    ed25519: leaf('ed25519'),
    selfSigned: leaf('self-signed'),
    expired: leaf('expired'),
    notYetValid: leaf('not-yet-valid'),
    wrongName: leaf('wrong-name'),
    clientCa: { key: read('client-ca.key.pem'), cert: read('client-ca.cert.pem') },
    client: leaf('client'),
    encrypted: {
      ...leaf('rsa'),
      key: read('encrypted.key.pem'),
      passphrase: 'secret'
    }
  })
}

// ---------------------------------------------------------------------------
// Temp PEM files for command-line peers.

let tmpDir
function tempDir () {
  if (!tmpDir) {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-test-'))
    process.once('exit', () => {
      try { fs.rmSync(tmpDir, { recursive: true, force: true }) } catch {}
    })
  }
  return tmpDir
}

let counter = 0
/** Writes `pem` (string or Buffer; arrays are concatenated) to a temp file and returns its path. */
export async function pemFile (pem, name = 'file') {
  const data = Array.isArray(pem) ? pem.map(String).join('') : pem
  const file = path.join(tempDir(), `${name}-${++counter}.pem`)
  await fsp.writeFile(file, data, { mode: 0o600 })
  return file
}

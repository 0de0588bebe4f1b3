// More test certificates for the certificate / client-auth / context-input
// specs, generated with the openssl CLI and cached in <repo>/.fixtures/more-v2/
// (git-ignored). A separate hierarchy from fixtures.mjs (its own roots), so
// the two caches never need to agree with each other. Same atomic
// "generate in a temp dir, rename into place" approach as fixtures.mjs.
//
//   const m = await moreFixtures()
//   m.root.cert               root CA (RSA) PEM: trust anchor of every server leaf
//   m.intermediate.cert       intermediate CA signed by the root (signs the leaves)
//   m.otherRoot.cert          an unrelated root (trusts nothing here)
//   m.leaves.<name>           { name, key, cert, chain, chainWithRoot, der, x509, ca }
//        chain = leaf + its intermediates; ca = the root to trust.
//        names: rsa, p256, p384, ed25519, multiRdn, repeatedAttrs, ipWildcard,
//               emailUri, unicode, aia, eku, longChain (root > i1 > i2 > i3 > leaf),
//               revoked (listed in m.crl), good (same issuer, not revoked)
//   m.clientCa.cert           root for client certificates
//   m.client / m.clientExpired (signed by clientCa) / m.clientUntrusted (signed
//        by m.untrustedClientCa): { key, cert, der, x509 }
//   m.crl.pem / m.crl.der     CRL of m.intermediate revoking m.leaves.revoked
//   m.emptyCrl.pem            CRL of m.intermediate revoking nothing (older CRL number)
//   m.rootCrl.pem             CRL of m.root revoking nothing (node:tls checks
//                             CRLs for the whole chain, so it needs this one too)
//   m.encrypted.<name>        encrypted private keys, passphrase m.passphrase:
//        rsaPkcs8, rsaTraditional, p256Pkcs8, p256Traditional (ec -des3),
//        p384Pkcs8, p384Traditional, ed25519Pkcs8 → { key, leaf } (leaf = m.leaves.x)
//   m.pkcs12.<name>           Buffers of rsa leaf + key + intermediate,
//        password m.pfxPassword: aes (default), des (-descert -keypbe 3DES),
//        legacy (-legacy: RC2-40 certs, 3DES key, SHA-1 MAC); ecdsa (default, p256)
//   m.path(name)              absolute path of a cached file

import { X509Certificate, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'

import { cachedDirectory, openssl, pemToDer } from './fixture-cache.mjs'

// Bump when the set of generated files or their contents change.
const VERSION = 'more-v2'

export const PASSPHRASE = 'k3y-pass'
export const PFX_PASSWORD = 'p12-pass'

const OPENSSL_CNF = `
[ req ]
distinguished_name = req_dn
prompt = no
string_mask = utf8only
[ req_dn ]
CN = placeholder

[ ca ]
default_ca = ca_default
[ ca_default ]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
crlnumber = ./crlnumber
default_md = sha256
default_crl_days = 3650
policy = policy_loose
unique_subject = no
copy_extensions = none
preserve = yes
[ policy_loose ]
commonName = optional

[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_intermediate ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ crl_ext ]
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

[ server_ip_wildcard ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.example.com, DNS:localhost, DNS:*.test.localhost, IP:127.0.0.1, IP:10.20.30.40, IP:::1, IP:fe80::1:2
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ server_email_uri ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = @email_uri_alt
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ email_uri_alt ]
DNS.1 = localhost
email.1 = admin@example.com
email.2 = ops+tls@example.org
URI.1 = https://example.com/path?q=1&r=two
URI.2 = spiffe://example.org/ns/default/sa/web
IP.1 = 127.0.0.1
RID.1 = 1.2.3.4.5
otherName.1 = 1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com
dirName.1 = alt_dir
[ alt_dir ]
O = Alt Dir Org
CN = alt dir name

[ server_aia ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
authorityInfoAccess = OCSP;URI:http://ocsp.example.com/, OCSP;URI:http://ocsp2.example.com:8080/status, caIssuers;URI:http://ca.example.com/intermediate.cer
crlDistributionPoints = URI:http://crl.example.com/intermediate.crl
certificatePolicies = 2.23.140.1.2.1, 1.3.6.1.4.1.44947.1.1.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ server_eku ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment, dataEncipherment, keyAgreement
extendedKeyUsage = serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, 1.3.6.1.4.1.311.10.3.4, 1.2.3.4.5.6.7
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = email:client@example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`

async function genKey (cwd, name, kind) {
  const out = `${name}.key.pem`
  const algo = {
    rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
    p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
    ed25519: ['-algorithm', 'ED25519']
  }[kind]
  if (!algo) throw new Error(`unknown key kind ${kind}`)
  await openssl(cwd, ['genpkey', ...algo, '-out', out])
}

function randomSerial () {
  const b = randomBytes(16)
  b[0] = (b[0] & 0x7f) | 0x10
  return b.toString('hex')
}

async function selfSign (cwd, name, subj) {
  await openssl(cwd, ['req', '-config', 'openssl.cnf', '-new', '-x509', '-key', `${name}.key.pem`,
    '-subj', subj, '-days', '3650', '-sha256', '-extensions', 'v3_root',
    '-set_serial', '0x' + randomSerial(), '-out', `${name}.cert.pem`])
}

async function caSign (cwd, name, subj, issuer, ext, { startdate, enddate, multiRdn = false } = {}) {
  const reqArgs = ['req', '-config', 'openssl.cnf', '-new', '-key', `${name}.key.pem`,
    '-utf8', '-subj', subj, '-out', `${name}.csr.pem`]
  if (multiRdn) reqArgs.push('-multivalue-rdn')
  await openssl(cwd, reqArgs)
  const args = ['ca', '-config', 'openssl.cnf', '-batch', '-notext', '-rand_serial', '-utf8', '-preserveDN',
    '-cert', `${issuer}.cert.pem`, '-keyfile', `${issuer}.key.pem`,
    '-extensions', ext, '-in', `${name}.csr.pem`, '-out', `${name}.cert.pem`]
  if (startdate) args.push('-startdate', startdate)
  if (enddate) args.push('-enddate', enddate)
  else args.push('-days', '3650')
  await openssl(cwd, args)
}

// name, key kind, subject, issuer, extensions section, options
const LEAVES = [
  ['rsa', 'rsa', '/CN=localhost', 'intermediate', 'server_rsa'],
  ['p256', 'p256', '/CN=localhost', 'intermediate', 'server_sig'],
  ['p384', 'p384', '/CN=localhost', 'intermediate', 'server_sig'],
  ['ed25519', 'ed25519', '/CN=localhost', 'intermediate', 'server_sig'],
  ['multiRdn', 'rsa', '/C=US/O=Example Org+OU=Engineering/CN=localhost+serialNumber=1234', 'intermediate', 'server_rsa', { multiRdn: true }],
  ['repeatedAttrs', 'rsa', '/DC=com/DC=example/O=First Org/OU=One/OU=Two/OU=Three/CN=localhost', 'intermediate', 'server_rsa'],
  ['ipWildcard', 'rsa', '/CN=*.example.com', 'intermediate', 'server_ip_wildcard'],
  ['emailUri', 'rsa', '/CN=localhost/emailAddress=admin@example.com', 'intermediate', 'server_email_uri'],
  ['unicode', 'rsa', '/C=CH/L=Zürich/O=Müller & Söhne Ünïcødé GmbH/OU=日本語テスト/CN=localhost', 'intermediate', 'server_rsa'],
  ['aia', 'rsa', '/CN=localhost', 'intermediate', 'server_aia'],
  ['eku', 'p256', '/CN=localhost', 'intermediate', 'server_eku'],
  ['longChain', 'p256', '/CN=localhost', 'i3', 'server_sig'],
  ['revoked', 'rsa', '/CN=localhost', 'intermediate', 'server_rsa'],
  ['good', 'rsa', '/CN=localhost', 'intermediate', 'server_rsa']
]

async function generate (dir) {
  await fsp.writeFile(path.join(dir, 'openssl.cnf'), OPENSSL_CNF)
  await fsp.writeFile(path.join(dir, 'index.txt'), '')
  await fsp.writeFile(path.join(dir, 'crlnumber'), '1000\n')
  await fsp.mkdir(path.join(dir, 'newcerts'))
  const read = (f) => fsp.readFile(path.join(dir, f), 'utf8')
  const write = (f, data) => fsp.writeFile(path.join(dir, f), data)

  // Roots and intermediates.
  await genKey(dir, 'root', 'rsa')
  await selfSign(dir, 'root', '/O=rustls-node tests/CN=More Fixtures Root CA')
  await genKey(dir, 'other-root', 'rsa')
  await selfSign(dir, 'other-root', '/CN=More Fixtures Unrelated Root')
  await genKey(dir, 'intermediate', 'rsa')
  await caSign(dir, 'intermediate', '/O=rustls-node tests/CN=More Fixtures Intermediate CA', 'root', 'v3_intermediate')
  await genKey(dir, 'i1', 'p256')
  await caSign(dir, 'i1', '/CN=More Fixtures Chain CA 1', 'root', 'v3_intermediate')
  await genKey(dir, 'i2', 'p384')
  await caSign(dir, 'i2', '/CN=More Fixtures Chain CA 2', 'i1', 'v3_intermediate')
  await genKey(dir, 'i3', 'rsa')
  await caSign(dir, 'i3', '/CN=More Fixtures Chain CA 3', 'i2', 'v3_intermediate')

  // Client CAs and client certificates.
  await genKey(dir, 'client-ca', 'rsa')
  await selfSign(dir, 'client-ca', '/CN=More Fixtures Client CA')
  await genKey(dir, 'untrusted-client-ca', 'rsa')
  await selfSign(dir, 'untrusted-client-ca', '/CN=More Fixtures Untrusted Client CA')
  await genKey(dir, 'client', 'rsa')
  await caSign(dir, 'client', '/O=Clients/CN=good-client', 'client-ca', 'client')
  await genKey(dir, 'client-expired', 'rsa')
  await caSign(dir, 'client-expired', '/O=Clients/CN=expired-client', 'client-ca', 'client',
    { startdate: '000101000000Z', enddate: '010101000000Z' })
  await genKey(dir, 'client-untrusted', 'p256')
  await caSign(dir, 'client-untrusted', '/O=Clients/CN=untrusted-client', 'untrusted-client-ca', 'client')

  // Server leaves.
  for (const [name, kind, subj, issuer, ext, opts] of LEAVES) {
    await genKey(dir, name, kind)
    await caSign(dir, name, subj, issuer, ext, opts)
  }

  // Chains (leaf first, no root).
  const inter = await read('intermediate.cert.pem')
  const root = await read('root.cert.pem')
  const longInter = (await read('i3.cert.pem')) + (await read('i2.cert.pem')) + (await read('i1.cert.pem'))
  for (const [name, , , issuer] of LEAVES) {
    const leaf = await read(`${name}.cert.pem`)
    const chain = leaf + (issuer === 'i3' ? longInter : inter)
    await write(`${name}.chain.pem`, chain)
    await write(`${name}.fullchain.pem`, chain + root)
  }

  // CRLs. `ca -gencrl` lists every revoked entry of the (shared) database,
  // whoever issued it, so the CRLs that must revoke nothing are made first:
  // the root's, and one of the intermediate's; then the 'revoked' leaf is
  // revoked and the intermediate's CRL generated again.
  const crlArgs = ['ca', '-config', 'openssl.cnf', '-batch', '-gencrl', '-crlexts', 'crl_ext',
    '-cert', 'intermediate.cert.pem', '-keyfile', 'intermediate.key.pem']
  await openssl(dir, ['ca', '-config', 'openssl.cnf', '-batch', '-gencrl', '-crlexts', 'crl_ext',
    '-cert', 'root.cert.pem', '-keyfile', 'root.key.pem', '-out', 'root.crl.pem'])
  await openssl(dir, [...crlArgs, '-out', 'empty.crl.pem'])
  await openssl(dir, ['ca', '-config', 'openssl.cnf', '-batch', '-revoke', 'revoked.cert.pem',
    '-crl_reason', 'keyCompromise', '-cert', 'intermediate.cert.pem', '-keyfile', 'intermediate.key.pem'])
  await openssl(dir, [...crlArgs, '-out', 'revoked.crl.pem'])
  await openssl(dir, ['crl', '-in', 'revoked.crl.pem', '-outform', 'DER', '-out', 'revoked.crl.der'])

  // Encrypted private keys.
  const pass = `pass:${PASSPHRASE}`
  const pkcs8 = (name, out) => openssl(dir, ['pkcs8', '-topk8', '-v2', 'aes-256-cbc',
    '-in', `${name}.key.pem`, '-out', out, '-passout', pass])
  await pkcs8('rsa', 'enc-rsa-pkcs8.pem')
  await pkcs8('p256', 'enc-p256-pkcs8.pem')
  await pkcs8('p384', 'enc-p384-pkcs8.pem')
  await pkcs8('ed25519', 'enc-ed25519-pkcs8.pem')
  await openssl(dir, ['rsa', '-aes256', '-traditional', '-in', 'rsa.key.pem', '-out', 'enc-rsa-traditional.pem', '-passout', pass])
  await openssl(dir, ['ec', '-des3', '-in', 'p256.key.pem', '-out', 'enc-p256-traditional.pem', '-passout', pass])
  await openssl(dir, ['ec', '-des3', '-in', 'p384.key.pem', '-out', 'enc-p384-traditional.pem', '-passout', pass])

  // PKCS#12.
  const p12 = (name, leaf, extra) => openssl(dir, ['pkcs12', '-export', '-inkey', `${leaf}.key.pem`,
    '-in', `${leaf}.cert.pem`, '-certfile', 'intermediate.cert.pem', '-name', `${leaf} leaf`,
    '-passout', `pass:${PFX_PASSWORD}`, ...extra, '-out', `${name}.p12`])
  await p12('rsa-aes', 'rsa', [])
  await p12('rsa-des', 'rsa', ['-descert', '-keypbe', 'PBE-SHA1-3DES'])
  await p12('rsa-legacy', 'rsa', ['-legacy'])
  await p12('p256-aes', 'p256', [])

}

let cached
export function moreFixtures () {
  cached ??= load()
  return cached
}

async function load () {
  const dir = await cachedDirectory(VERSION, generate)
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8')
  const root = read('root.cert.pem')
  const cred = (file) => {
    const cert = read(`${file}.cert.pem`)
    return { key: read(`${file}.key.pem`), cert, der: pemToDer(cert), x509: new X509Certificate(cert) }
  }
  const leaves = {}
  for (const [name] of LEAVES) {
    leaves[name] = Object.freeze({
      name,
      ...cred(name),
      chain: read(`${name}.chain.pem`),
      chainWithRoot: read(`${name}.fullchain.pem`),
      ca: root
    })
  }
  const enc = (file, leaf) => Object.freeze({ key: read(file), leaf: leaves[leaf] })
  return Object.freeze({
    dir,
    path: (name) => path.join(dir, name),
    root: { key: read('root.key.pem'), cert: root },
    otherRoot: { key: read('other-root.key.pem'), cert: read('other-root.cert.pem') },
    intermediate: { key: read('intermediate.key.pem'), cert: read('intermediate.cert.pem') },
    chainCas: ['i1', 'i2', 'i3'].map((n) => read(`${n}.cert.pem`)),
    leaves: Object.freeze(leaves),
    clientCa: { key: read('client-ca.key.pem'), cert: read('client-ca.cert.pem') },
    untrustedClientCa: { key: read('untrusted-client-ca.key.pem'), cert: read('untrusted-client-ca.cert.pem') },
    client: cred('client'),
    clientExpired: cred('client-expired'),
    clientUntrusted: cred('client-untrusted'),
    crl: { pem: read('revoked.crl.pem'), der: fs.readFileSync(path.join(dir, 'revoked.crl.der')) },
    emptyCrl: { pem: read('empty.crl.pem') },
    rootCrl: { pem: read('root.crl.pem') },
    passphrase: PASSPHRASE,
    encrypted: Object.freeze({
      rsaPkcs8: enc('enc-rsa-pkcs8.pem', 'rsa'),
      rsaTraditional: enc('enc-rsa-traditional.pem', 'rsa'),
      p256Pkcs8: enc('enc-p256-pkcs8.pem', 'p256'),
      p256Traditional: enc('enc-p256-traditional.pem', 'p256'),
      p384Pkcs8: enc('enc-p384-pkcs8.pem', 'p384'),
      p384Traditional: enc('enc-p384-traditional.pem', 'p384'),
      ed25519Pkcs8: enc('enc-ed25519-pkcs8.pem', 'ed25519')
    }),
    pfxPassword: PFX_PASSWORD,
    pkcs12: Object.freeze({
      aes: fs.readFileSync(path.join(dir, 'rsa-aes.p12')),
      des: fs.readFileSync(path.join(dir, 'rsa-des.p12')),
      legacy: fs.readFileSync(path.join(dir, 'rsa-legacy.p12')),
      ecdsa: fs.readFileSync(path.join(dir, 'p256-aes.p12'))
    })
  })
}

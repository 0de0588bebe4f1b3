// More test certificates for the certificate / client-auth / context-input
// specs, generated with the openssl CLI and cached in <repo>/.fixtures/more-v2/
// (git-ignored). A separate hierarchy from fixtures.mjs (its own roots), so
// the two caches never need to agree with each other; made by the same
// generator (pki.mjs) from the plan below.
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

import { KU_RSA, SERVER_RSA, SERVER_SIG, caExt, cert, leafExt, loadPki, serverLeaf } from './pki.mjs'

// Bump when the set of generated files or their contents change.
const VERSION = 'more-v2'

export const PASSPHRASE = 'k3y-pass'
export const PFX_PASSWORD = 'p12-pass'

const ROOT = caExt({ root: true })
const INTERMEDIATE = caExt()
const CLIENT = leafExt({ eku: 'clientAuth', san: 'email:client@example.com' })
const EXPIRED = { notBefore: '000101000000Z', notAfter: '010101000000Z' }
const IP_WILDCARD = leafExt({
  san: 'DNS:*.example.com, DNS:localhost, DNS:*.test.localhost, IP:127.0.0.1, IP:10.20.30.40, IP:::1, IP:fe80::1:2',
})
const AIA = leafExt({
  san: 'DNS:localhost, IP:127.0.0.1',
  extra: {
    authorityInfoAccess:
      'OCSP;URI:http://ocsp.example.com/, OCSP;URI:http://ocsp2.example.com:8080/status, ' +
      'caIssuers;URI:http://ca.example.com/intermediate.cer',
    crlDistributionPoints: 'URI:http://crl.example.com/intermediate.crl',
    certificatePolicies: '2.23.140.1.2.1, 1.3.6.1.4.1.44947.1.1.1',
  },
})
const EKU = leafExt({
  keyUsage: `${KU_RSA}, dataEncipherment, keyAgreement`,
  eku: 'serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, 1.3.6.1.4.1.311.10.3.4, 1.2.3.4.5.6.7',
  san: 'DNS:localhost, IP:127.0.0.1',
})
const SUBJECT = {
  multiRdn: '/C=US/O=Example Org+OU=Engineering/CN=localhost+serialNumber=1234',
  repeatedAttrs: '/DC=com/DC=example/O=First Org/OU=One/OU=Two/OU=Three/CN=localhost',
  emailUri: '/CN=localhost/emailAddress=admin@example.com',
  unicode: '/C=CH/L=Zürich/O=Müller & Söhne Ünïcødé GmbH/OU=日本語テスト/CN=localhost',
}

const PLAN = {
  certs: [
    // Roots and intermediates.
    cert('root', 'rsa', '/O=rustls-node tests/CN=More Fixtures Root CA', null, ROOT),
    cert('other-root', 'rsa', '/CN=More Fixtures Unrelated Root', null, ROOT),
    cert('intermediate', 'rsa', '/O=rustls-node tests/CN=More Fixtures Intermediate CA', 'root', INTERMEDIATE),
    cert('i1', 'p256', '/CN=More Fixtures Chain CA 1', 'root', INTERMEDIATE),
    cert('i2', 'p384', '/CN=More Fixtures Chain CA 2', 'i1', INTERMEDIATE),
    cert('i3', 'rsa', '/CN=More Fixtures Chain CA 3', 'i2', INTERMEDIATE),

    // Client CAs and client certificates.
    cert('client-ca', 'rsa', '/CN=More Fixtures Client CA', null, ROOT),
    cert('untrusted-client-ca', 'rsa', '/CN=More Fixtures Untrusted Client CA', null, ROOT),
    cert('client', 'rsa', '/O=Clients/CN=good-client', 'client-ca', CLIENT),
    cert('client-expired', 'rsa', '/O=Clients/CN=expired-client', 'client-ca', CLIENT, EXPIRED),
    cert('client-untrusted', 'p256', '/O=Clients/CN=untrusted-client', 'untrusted-client-ca', CLIENT),

    // Server leaves (m.leaves.<name>): CN=localhost under the intermediate unless said otherwise.
    serverLeaf('rsa', 'rsa', SERVER_RSA),
    serverLeaf('p256', 'p256', SERVER_SIG),
    serverLeaf('p384', 'p384', SERVER_SIG),
    serverLeaf('ed25519', 'ed25519', SERVER_SIG),
    serverLeaf('multiRdn', 'rsa', SERVER_RSA, { subject: SUBJECT.multiRdn, multiRdn: true }),
    serverLeaf('repeatedAttrs', 'rsa', SERVER_RSA, { subject: SUBJECT.repeatedAttrs }),
    serverLeaf('ipWildcard', 'rsa', IP_WILDCARD, { subject: '/CN=*.example.com' }),
    serverLeaf('emailUri', 'rsa', leafExt({ san: '@email_uri_alt' }), { subject: SUBJECT.emailUri }),
    serverLeaf('unicode', 'rsa', SERVER_RSA, { subject: SUBJECT.unicode }),
    serverLeaf('aia', 'rsa', AIA),
    serverLeaf('eku', 'p256', EKU),
    serverLeaf('longChain', 'p256', SERVER_SIG, { issuer: 'i3' }), // root > i1 > i2 > i3 > leaf
    serverLeaf('revoked', 'rsa', SERVER_RSA),
    serverLeaf('good', 'rsa', SERVER_RSA),
  ],
  sections: {
    email_uri_alt: {
      'DNS.1': 'localhost',
      'email.1': 'admin@example.com',
      'email.2': 'ops+tls@example.org',
      'URI.1': 'https://example.com/path?q=1&r=two',
      'URI.2': 'spiffe://example.org/ns/default/sa/web',
      'IP.1': '127.0.0.1',
      'RID.1': '1.2.3.4.5',
      'otherName.1': '1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com',
      'dirName.1': 'alt_dir',
    },
    alt_dir: { O: 'Alt Dir Org', CN: 'alt dir name' },
  },
  // The CRLs that must revoke nothing come before the revocation (every
  // later CRL of the intermediate lists it).
  crls: [
    { out: 'root.crl.pem', issuer: 'root' },
    { out: 'empty.crl.pem', issuer: 'intermediate' },
    { out: 'revoked.crl.pem', issuer: 'intermediate', revoke: [['revoked', 'keyCompromise']], der: true },
  ],
  encryptedKeys: [
    ['enc-rsa-pkcs8.pem', 'rsa', 'pkcs8', 'aes-256-cbc'],
    ['enc-p256-pkcs8.pem', 'p256', 'pkcs8', 'aes-256-cbc'],
    ['enc-p384-pkcs8.pem', 'p384', 'pkcs8', 'aes-256-cbc'],
    ['enc-ed25519-pkcs8.pem', 'ed25519', 'pkcs8', 'aes-256-cbc'],
    ['enc-rsa-traditional.pem', 'rsa', 'traditional', 'aes256'],
    ['enc-p256-traditional.pem', 'p256', 'traditional', 'des3'],
    ['enc-p384-traditional.pem', 'p384', 'traditional', 'des3'],
  ].map(([out, key, format, cipher]) => ({ out, key, format, cipher, passphrase: PASSPHRASE })),
  pkcs12: [
    ['rsa-aes.p12', 'rsa', []],
    ['rsa-des.p12', 'rsa', ['-descert', '-keypbe', 'PBE-SHA1-3DES']],
    ['rsa-legacy.p12', 'rsa', ['-legacy']],
    ['p256-aes.p12', 'p256', []],
  ].map(([out, cert, args]) => ({ out, cert, args, password: PFX_PASSWORD })),
}

let cached
export function moreFixtures() {
  cached ??= load()
  return cached
}

async function load() {
  const pki = await loadPki(VERSION, PLAN)
  const root = pki.text('root.cert.pem')
  const leaves = {}
  for (const { name } of PLAN.certs.filter((c) => c.chain)) {
    leaves[name] = Object.freeze({ name, ...pki.cred(name), ...pki.chains(name), ca: root })
  }
  const enc = (file, leaf) => Object.freeze({ key: pki.text(file), leaf: leaves[leaf] })
  return Object.freeze({
    dir: pki.dir,
    path: pki.path,
    root: { key: pki.text('root.key.pem'), cert: root },
    otherRoot: pki.pair('other-root'),
    intermediate: pki.pair('intermediate'),
    chainCas: ['i1', 'i2', 'i3'].map((n) => pki.text(`${n}.cert.pem`)),
    leaves: Object.freeze(leaves),
    clientCa: pki.pair('client-ca'),
    untrustedClientCa: pki.pair('untrusted-client-ca'),
    client: pki.cred('client'),
    clientExpired: pki.cred('client-expired'),
    clientUntrusted: pki.cred('client-untrusted'),
    crl: { pem: pki.text('revoked.crl.pem'), der: pki.bytes('revoked.crl.der') },
    emptyCrl: { pem: pki.text('empty.crl.pem') },
    rootCrl: { pem: pki.text('root.crl.pem') },
    passphrase: PASSPHRASE,
    encrypted: Object.freeze({
      rsaPkcs8: enc('enc-rsa-pkcs8.pem', 'rsa'),
      rsaTraditional: enc('enc-rsa-traditional.pem', 'rsa'),
      p256Pkcs8: enc('enc-p256-pkcs8.pem', 'p256'),
      p256Traditional: enc('enc-p256-traditional.pem', 'p256'),
      p384Pkcs8: enc('enc-p384-pkcs8.pem', 'p384'),
      p384Traditional: enc('enc-p384-traditional.pem', 'p384'),
      ed25519Pkcs8: enc('enc-ed25519-pkcs8.pem', 'ed25519'),
    }),
    pfxPassword: PFX_PASSWORD,
    pkcs12: Object.freeze({
      aes: pki.bytes('rsa-aes.p12'),
      des: pki.bytes('rsa-des.p12'),
      legacy: pki.bytes('rsa-legacy.p12'),
      ecdsa: pki.bytes('p256-aes.p12'),
    }),
  })
}

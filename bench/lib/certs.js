// Certificates: a CA and a leaf for localhost / 127.0.0.1, ECDSA P-256
// (ca.pem, leaf.pem, leaf.key) and RSA-2048 (rsa-ca.pem, rsa-leaf.pem, rsa-leaf.key).

const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const KEY_ALGS = {
  ecdsa: { prefix: '', genpkey: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] },
  rsa: { prefix: 'rsa-', genpkey: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] },
}

function makeCerts(dir, alg) {
  const { prefix: p, genpkey } = KEY_ALGS[alg]
  const w = (name, text) => fs.writeFileSync(path.join(dir, name), text)
  w(
    'ca.cnf',
    `[req]\nprompt = no\ndistinguished_name = dn\nx509_extensions = v3_ca\n[dn]\nCN = rustls-node bench CA\n` +
      `[v3_ca]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n`,
  )
  w('leaf.cnf', `[req]\nprompt = no\ndistinguished_name = dn\n[dn]\nCN = localhost\n`)
  w(
    'leaf.ext',
    `[v3_leaf]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n` +
      `extendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost, IP:127.0.0.1\n` +
      `subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n`,
  )
  const ossl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  ossl('genpkey', ...genpkey, '-out', `${p}ca.key`)
  ossl(
    'req',
    '-x509',
    '-new',
    '-key',
    `${p}ca.key`,
    '-sha256',
    '-days',
    '30',
    '-config',
    'ca.cnf',
    '-out',
    `${p}ca.pem`,
  )
  ossl('genpkey', ...genpkey, '-out', `${p}leaf.key`)
  ossl('req', '-new', '-key', `${p}leaf.key`, '-config', 'leaf.cnf', '-out', `${p}leaf.csr`)
  const serial = `0x${require('node:crypto').randomBytes(8).toString('hex')}`
  ossl(
    'x509',
    '-req',
    '-in',
    `${p}leaf.csr`,
    '-CA',
    `${p}ca.pem`,
    '-CAkey',
    `${p}ca.key`,
    '-set_serial',
    serial,
    '-days',
    '30',
    '-sha256',
    '-extfile',
    'leaf.ext',
    '-extensions',
    'v3_leaf',
    '-out',
    `${p}leaf.pem`,
  )
}

function loadCerts(dir, alg = 'ecdsa') {
  const p = KEY_ALGS[alg].prefix
  const r = (n) => fs.readFileSync(path.join(dir, p + n))
  return { ca: r('ca.pem'), cert: r('leaf.pem'), key: r('leaf.key') }
}

function ensureCerts(dir) {
  for (const alg of Object.keys(KEY_ALGS)) {
    if (!fs.existsSync(path.join(dir, `${KEY_ALGS[alg].prefix}leaf.key`))) makeCerts(dir, alg)
  }
}

module.exports = { loadCerts, ensureCerts }

// The one generator behind every test certificate set (fixtures.mjs,
// more-fixtures.mjs, legacy-fixtures.mjs): each of those declares WHAT it
// wants as a plan, and this module makes it with the openssl CLI into a
// fixture-cache.mjs directory.
//
//   const pki = await loadPki('v9', {
//     certs: [                      // issued in this order; a cert's issuer comes before it
//       { name, key, subject, issuer?, ext, days?, notBefore?, notAfter?, multiRdn?, chain?, via? }
//     ],
//     sections: { name: { key: value } },   // extra config sections that ext values refer to (@name)
//     crls: [{ out, issuer, revoke?: [[name, reason]], der? }],
//     encryptedKeys: [{ out, key, format: 'pkcs8' | 'traditional', cipher, passphrase }],
//     pkcs12: [{ out, cert, password, args? }]
//   })
//
// certs:
//   name       file stem: <name>.key.pem, <name>.cert.pem (and <name>.chain.pem,
//              <name>.fullchain.pem with chain: true: the leaf and its
//              intermediates, then also the root)
//   key        rsa (2048 bits), rsa<bits>, p256, p384, ed25519
//   subject    openssl -subj form, e.g. '/O=Org/CN=localhost' (UTF-8 allowed)
//   issuer     the name of an earlier cert; absent or null: self-signed
//   ext        extensions as { name: value } (caExt(), leafExt() build the usual
//              ones); null: none at all (with via: 'x509', a version 1 certificate)
//   days       validity from now, default 3650; or notBefore/notAfter
//              ('YYMMDDHHMMSSZ', issued certificates only)
//   multiRdn   subject has multi-valued RDNs ('+')
//   via        how openssl makes it: 'ca' (default: `openssl ca` under one
//              config, or `req -x509` when self-signed), 'x509' (`x509 -req`,
//              -signkey when self-signed), 'req-defaults' (`req -x509` under
//              OpenSSL's own default config, ext added with -addext)
// crls:         in order; each first revokes `revoke` (the CA database is
//               shared, so a revocation shows in every later CRL of that issuer)
// encryptedKeys: pkcs8 = `pkcs8 -topk8 -v2 <cipher>`; traditional = `rsa -<cipher>
//               -traditional` or `ec -<cipher>` by key type
// pkcs12:       cert + key + the cert's intermediates, friendly name '<cert> leaf',
//               extra openssl arguments in args (e.g. ['-legacy'])
//
// The loaded value reads the files back: dir, path(f), text(f), bytes(f),
// pair(name) → { key, cert }, cred(name) → { key, cert, der, x509 },
// chains(name) → { chain, chainWithRoot }.

import { X509Certificate, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'

import { cachedDirectory, openssl, pemToDer } from './fixture-cache.mjs'

// ---------------------------------------------------------------------------
// Extension profiles.

export const SAN_LOCALHOST = 'DNS:localhost, IP:127.0.0.1, IP:::1'
export const KU_RSA = 'critical, digitalSignature, keyEncipherment'
export const KU_SIG = 'critical, digitalSignature'

/** A CA certificate's extensions: a root (no AKI) or an intermediate, with an optional pathlen. */
export function caExt({ root = false, pathlen } = {}) {
  return {
    basicConstraints: `critical, CA:TRUE${pathlen === undefined ? '' : `, pathlen:${pathlen}`}`,
    keyUsage: 'critical, keyCertSign, cRLSign',
    subjectKeyIdentifier: 'hash',
    ...(root ? {} : { authorityKeyIdentifier: 'keyid:always' }),
  }
}

/**
 * An end entity's extensions; keyUsage, eku or san null leaves that
 * extension out; `extra` goes after the SAN; selfSigned leaves out the AKI.
 */
export function leafExt({
  keyUsage = KU_RSA,
  eku = 'serverAuth',
  san = SAN_LOCALHOST,
  extra = {},
  selfSigned = false,
} = {}) {
  return {
    basicConstraints: 'critical, CA:FALSE',
    ...(keyUsage ? { keyUsage } : {}),
    ...(eku ? { extendedKeyUsage: eku } : {}),
    ...(san ? { subjectAltName: san } : {}),
    ...extra,
    subjectKeyIdentifier: 'hash',
    ...(selfSigned ? {} : { authorityKeyIdentifier: 'keyid:always' }),
  }
}

/** Server leaf for localhost with an RSA key (signs and encrypts) or a signature-only key. */
export const SERVER_RSA = leafExt()
export const SERVER_SIG = leafExt({ keyUsage: KU_SIG })

/** A certs entry (see the top of this file); issuer null: self-signed; `more` adds or overrides fields. */
export function cert(name, key, subject, issuer, ext, more = {}) {
  return { name, key, subject, ...(issuer ? { issuer } : {}), ext, ...more }
}

/** A certs entry for a server leaf: CN=localhost under 'intermediate', with chain files. */
export function serverLeaf(name, key, ext, more = {}) {
  return cert(name, key, '/CN=localhost', 'intermediate', ext, { chain: true, ...more })
}

// ---------------------------------------------------------------------------
// Generation.

const CNF = 'openssl.cnf'
const BASE_SECTIONS = {
  req: { distinguished_name: 'req_dn', prompt: 'no', string_mask: 'utf8only' },
  req_dn: { CN: 'placeholder' },
  ca: { default_ca: 'ca_default' },
  ca_default: {
    dir: '.',
    database: './index.txt',
    new_certs_dir: './newcerts',
    serial: './serial',
    crlnumber: './crlnumber',
    default_md: 'sha256',
    default_crl_days: '3650',
    policy: 'policy_loose',
    unique_subject: 'no',
    copy_extensions: 'none',
    preserve: 'yes',
  },
  policy_loose: { commonName: 'optional' },
  crl_ext: { authorityKeyIdentifier: 'keyid:always' },
}

const configText = (sections) =>
  Object.entries(sections)
    .map(([name, lines]) => `[ ${name} ]\n${extLines(lines)}`)
    .join('\n')
const extLines = (lines) =>
  Object.entries(lines)
    .map(([k, v]) => `${k} = ${v}\n`)
    .join('')
const extSection = (cert) => `ext_${cert.name.replace(/\W/g, '_')}`

function keyArgs(kind) {
  const rsa = /^rsa(\d*)$/.exec(kind)
  if (rsa) return ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${rsa[1] || 2048}`]
  if (kind === 'p256') return ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
  if (kind === 'p384') return ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384']
  if (kind === 'ed25519') return ['-algorithm', 'ED25519']
  throw new Error(`unknown key kind ${kind}`)
}

function randomSerial() {
  // 16 random bytes with the top bit clear: a positive, non-zero serial.
  const b = randomBytes(16)
  b[0] = (b[0] & 0x7f) | 0x10
  return b.toString('hex')
}

async function issue(dir, cert) {
  const { name, subject, issuer, ext } = cert
  const key = `${name}.key.pem`
  const out = `${name}.cert.pem`
  const csr = `${name}.csr.pem`
  const days = String(cert.days ?? 3650)
  const via = cert.via ?? 'ca'
  if ((cert.notBefore || cert.notAfter) && (!issuer || via !== 'ca')) {
    throw new Error(`${name}: notBefore/notAfter need an issuer and via 'ca'`)
  }

  if (via === 'req-defaults') {
    const addext = Object.entries(ext ?? {}).flatMap(([k, v]) => ['-addext', `${k}=${v}`])
    await openssl(dir, ['req', '-x509', '-key', key, '-subj', subject, ...addext, '-days', days, '-out', out])
  } else if (via === 'x509') {
    // The CSR under OpenSSL's default config, as someone following a how-to would make it.
    await openssl(dir, ['req', '-new', '-key', key, '-subj', subject, '-out', csr])
    const extArgs = []
    if (ext) {
      await fsp.writeFile(path.join(dir, `${name}.ext`), extLines(ext))
      extArgs.push('-extfile', `${name}.ext`)
    }
    const signer = issuer
      ? ['-CA', `${issuer}.cert.pem`, '-CAkey', `${issuer}.key.pem`, '-CAcreateserial']
      : ['-signkey', key]
    await openssl(dir, ['x509', '-req', '-in', csr, ...signer, '-days', days, '-sha256', ...extArgs, '-out', out])
  } else if (via !== 'ca') {
    throw new Error(`${name}: unknown via ${via}`)
  } else {
    const req = ['req', '-config', CNF, '-new', '-key', key, '-utf8', '-subj', subject]
    const extensions = ['-extensions', extSection(cert)]
    if (!issuer) {
      const serial = ['-set_serial', `0x${randomSerial()}`]
      await openssl(dir, [...req, '-x509', '-days', days, '-sha256', ...extensions, ...serial, '-out', out])
      return
    }
    await openssl(dir, [...req, ...(cert.multiRdn ? ['-multivalue-rdn'] : []), '-out', csr])
    const ca = ['-cert', `${issuer}.cert.pem`, '-keyfile', `${issuer}.key.pem`]
    const validity = [
      ...(cert.notBefore ? ['-startdate', cert.notBefore] : []),
      ...(cert.notAfter ? ['-enddate', cert.notAfter] : ['-days', days]),
    ]
    const flags = ['-batch', '-notext', '-rand_serial', '-utf8', '-preserveDN']
    await openssl(dir, ['ca', '-config', CNF, ...flags, ...ca, ...extensions, ...validity, '-in', csr, '-out', out])
  }
}

/** Generates everything `plan` declares into `dir` (see the top of this file). */
export async function generatePki(dir, plan) {
  const { certs, sections = {}, crls = [], encryptedKeys = [], pkcs12 = [] } = plan
  const byName = new Map(certs.map((c) => [c.name, c]))
  const read = (f) => fsp.readFile(path.join(dir, f), 'utf8')
  const write = (f, data) => fsp.writeFile(path.join(dir, f), data)
  // The issuers above a cert, nearest first; the last is the root.
  const ancestors = (cert) => {
    const out = []
    for (let c = byName.get(cert.issuer); c; c = byName.get(c.issuer)) out.push(c)
    return out
  }
  const intermediates = (cert) => ancestors(cert).filter((c) => c.issuer)

  const config = { ...BASE_SECTIONS, ...sections }
  for (const c of certs) if (c.ext && (c.via ?? 'ca') === 'ca') config[extSection(c)] = c.ext
  await write(CNF, configText(config))
  await write('index.txt', '')
  await write('crlnumber', '1000\n')
  await fsp.mkdir(path.join(dir, 'newcerts'))

  for (const c of certs) {
    if (c.issuer && !byName.has(c.issuer)) throw new Error(`${c.name}: unknown issuer ${c.issuer}`)
    await openssl(dir, ['genpkey', ...keyArgs(c.key), '-out', `${c.name}.key.pem`])
    await issue(dir, c)
  }

  for (const c of certs.filter((c) => c.chain)) {
    let chain = await read(`${c.name}.cert.pem`)
    for (const i of intermediates(c)) chain += await read(`${i.name}.cert.pem`)
    const root = ancestors(c).at(-1)
    await write(`${c.name}.chain.pem`, chain)
    await write(`${c.name}.fullchain.pem`, chain + (await read(`${root.name}.cert.pem`)))
  }

  for (const crl of crls) {
    const ca = ['-cert', `${crl.issuer}.cert.pem`, '-keyfile', `${crl.issuer}.key.pem`]
    for (const [name, reason] of crl.revoke ?? []) {
      await openssl(dir, ['ca', '-config', CNF, '-batch', '-revoke', `${name}.cert.pem`, '-crl_reason', reason, ...ca])
    }
    await openssl(dir, ['ca', '-config', CNF, '-batch', '-gencrl', '-crlexts', 'crl_ext', ...ca, '-out', crl.out])
    if (crl.der) {
      await openssl(dir, ['crl', '-in', crl.out, '-outform', 'DER', '-out', crl.out.replace(/\.pem$/, '.der')])
    }
  }

  for (const { out, key, format, cipher, passphrase } of encryptedKeys) {
    const io = ['-in', `${key}.key.pem`, '-out', out, '-passout', `pass:${passphrase}`]
    if (format === 'pkcs8') {
      await openssl(dir, ['pkcs8', '-topk8', '-v2', cipher, ...io])
    } else if (format === 'traditional') {
      const rsa = byName.get(key).key.startsWith('rsa')
      await openssl(dir, rsa ? ['rsa', `-${cipher}`, '-traditional', ...io] : ['ec', `-${cipher}`, ...io])
    } else {
      throw new Error(`${out}: unknown key format ${format}`)
    }
  }

  for (const { out, cert, password, args = [] } of pkcs12) {
    const cas = `${out}.cas.pem`
    let pem = ''
    for (const i of intermediates(byName.get(cert))) pem += await read(`${i.name}.cert.pem`)
    await write(cas, pem)
    const input = ['-inkey', `${cert}.key.pem`, '-in', `${cert}.cert.pem`, '-certfile', cas, '-name', `${cert} leaf`]
    await openssl(dir, ['pkcs12', '-export', ...input, '-passout', `pass:${password}`, ...args, '-out', out])
  }
}

// ---------------------------------------------------------------------------
// Loading.

/** Readers over a generated directory. */
export function pkiReader(dir) {
  const text = (f) => fs.readFileSync(path.join(dir, f), 'utf8')
  const pair = (name) => ({ key: text(`${name}.key.pem`), cert: text(`${name}.cert.pem`) })
  return {
    dir,
    path: (f) => path.join(dir, f),
    text,
    bytes: (f) => fs.readFileSync(path.join(dir, f)),
    pair,
    cred: (name) => {
      const { key, cert } = pair(name)
      return { key, cert, der: pemToDer(cert), x509: new X509Certificate(cert) }
    },
    chains: (name) => ({ chain: text(`${name}.chain.pem`), chainWithRoot: text(`${name}.fullchain.pem`) }),
  }
}

/** The cache directory `version` holding `plan` (generated when needed), as a pkiReader. */
export async function loadPki(version, plan) {
  return pkiReader(await cachedDirectory(version, (dir) => generatePki(dir, plan)))
}

// The CA stores of Node 22.15+/24 — tls.getCACertificates([type]),
// tls.setDefaultCACertificates(certs), NODE_USE_SYSTEM_CA / --use-system-ca,
// --use-openssl-ca, NODE_EXTRA_CA_CERTS — which rustls-node provides on
// Node 20 too. Node 20's own tls has none of them, so these run on
// rustls-node only; the expectations are Node 24's behaviour (the same calls
// were checked against Node 24.22), and every store is checked by what it
// makes a connection trust, against a node:tls server.

import test from 'ava'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import nodeTls from 'node:tls'
import { fileURLToPath } from 'node:url'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { LOOPBACK, listen, runNode } from './helpers/peers.mjs'

const f = await fixtures()
const REPO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const onRustls = underTest === 'rustls-node' ? test : test.skip
const serial = underTest === 'rustls-node' ? test.serial : test.skip

/** Runs `script` (CommonJS, `tls` bound to rustls-node) in a child with `env`; resolves its stdout JSON. */
async function child(script, { env = {}, flags = [] } = {}) {
  const { code, stdout, stderr } = await runNode(
    [...flags, '-e', `const tls = require('./dist/index.js');\n${script}`],
    {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: '', NODE_USE_SYSTEM_CA: '', ...env },
    },
  )
  if (code !== 0) throw new Error(`exit ${code}: ${stderr}`)
  return JSON.parse(stdout)
}

/** A child's connection to `port` with default trust: 'ok' or the error code. */
const CONNECT = (port) => `
  const s = tls.connect({ port: ${port}, host: '${LOOPBACK}', servername: 'localhost' })
  s.on('secureConnect', () => { console.log(JSON.stringify('ok')); s.destroy() })
  s.on('error', (e) => console.log(JSON.stringify(e.code)))`

onRustls('getCACertificates(): frozen, cached arrays; bundled is rootCertificates; type validation as Node', (t) => {
  const d = tls.getCACertificates()
  t.true(Object.isFrozen(d))
  t.is(tls.getCACertificates('default'), d)
  t.is(tls.getCACertificates('bundled'), tls.rootCertificates)
  t.deepEqual(tls.getCACertificates('bundled'), nodeTls.rootCertificates)
  for (const type of ['system', 'extra'])
    t.true(Array.isArray(tls.getCACertificates(type)) && Object.isFrozen(tls.getCACertificates(type)))
  t.throws(() => tls.getCACertificates('x'), {
    code: 'ERR_INVALID_ARG_VALUE',
    message: "The argument 'type' is invalid. Received 'x'",
  })
  t.throws(() => tls.getCACertificates(1), { code: 'ERR_INVALID_ARG_TYPE' })
})

onRustls('setDefaultCACertificates(): argument validation and errors as Node', (t) => {
  t.throws(() => tls.setDefaultCACertificates('x'), {
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "certs" argument must be an instance of Array. Received type string (\'x\')',
  })
  t.throws(() => tls.setDefaultCACertificates([1]), {
    code: 'ERR_INVALID_ARG_TYPE',
    message:
      'The "certs[0]" argument must be of type string or an instance of ArrayBufferView. Received type number (1)',
  })
  t.throws(() => tls.setDefaultCACertificates(['junk']), {
    code: 'ERR_CRYPTO_OPERATION_FAILED',
    message: 'No valid certificates found in the provided array',
  })
  t.throws(() => tls.setDefaultCACertificates(['-----BEGIN CERTIFICATE-----\nMIIB']), {
    code: 'ERR_OSSL_PEM_BAD_END_LINE',
  })
})

test('setDefaultCACertificates([ca]): later connections without ca trust it; the list reads back normalised', async (t) => {
  const { port } = await listen(t, nodeTls, { key: f.rsa.key, cert: f.rsa.chain }, (s) => s.end())
  if (underTest !== 'rustls-node') return t.pass() // Node 20's tls has no such API
  const result = await child(`
    const before = []
    const s0 = tls.connect({ port: ${port}, host: '${LOOPBACK}', servername: 'localhost' })
    s0.on('error', (e) => {
      before.push(e.code)
      tls.setDefaultCACertificates([${JSON.stringify(f.ca.cert)}, Buffer.from('junk')])
      const list = tls.getCACertificates()
      const s = tls.connect({ port: ${port}, host: '${LOOPBACK}', servername: 'localhost' })
      s.on('secureConnect', () => { console.log(JSON.stringify({ before, after: 'ok', count: list.length, pem: list[0] })); s.destroy() })
      s.on('error', (e) => console.log(JSON.stringify({ before, after: e.code })))
    })`)
  t.deepEqual(result.before, ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY'])
  t.is(result.after, 'ok')
  t.is(result.count, 1)
  t.true(result.pem.startsWith('-----BEGIN CERTIFICATE-----\n') && result.pem.endsWith('-----END CERTIFICATE-----\n'))
})

serial(
  'NODE_EXTRA_CA_CERTS: getCACertificates("extra") lists its certificates; default adds them to the bundled roots',
  async (t) => {
    const { port } = await listen(t, nodeTls, { key: f.rsa.key, cert: f.rsa.chain }, (s) => s.end())
    const result = await child(
      `
    const r = { extra: tls.getCACertificates('extra').length, default: tls.getCACertificates().length, bundled: tls.rootCertificates.length }
    const s = tls.connect({ port: ${port}, host: '${LOOPBACK}', servername: 'localhost' })
    s.on('secureConnect', () => { console.log(JSON.stringify({ ...r, connect: 'ok' })); s.destroy() })
    s.on('error', (e) => console.log(JSON.stringify({ ...r, connect: e.code })))`,
      { env: { NODE_EXTRA_CA_CERTS: f.path('ca.cert.pem') } },
    )
    t.is(result.extra, 1)
    t.is(result.default, result.bundled + 1)
    t.is(result.connect, 'ok')
  },
)

/** A directory with a CA bundle file holding only the test CA. */
function bundleDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-system-ca-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.writeFileSync(path.join(dir, 'bundle.pem'), f.ca.cert)
  return { SSL_CERT_FILE: path.join(dir, 'bundle.pem'), SSL_CERT_DIR: path.join(dir, 'none') }
}

serial('NODE_USE_SYSTEM_CA=1: the system store (SSL_CERT_FILE here) joins the default trust', async (t) => {
  const { port } = await listen(t, nodeTls, { key: f.rsa.key, cert: f.rsa.chain }, (s) => s.end())
  const paths = bundleDir(t)
  t.is(await child(CONNECT(port), { env: paths }), 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY')
  t.is(await child(CONNECT(port), { env: { ...paths, NODE_USE_SYSTEM_CA: '1' } }), 'ok')
  const stores = await child(
    `console.log(JSON.stringify({ system: tls.getCACertificates('system').length, default: tls.getCACertificates().length, bundled: tls.rootCertificates.length }))`,
    { env: { ...paths, NODE_USE_SYSTEM_CA: '1' } },
  )
  t.deepEqual(stores, { system: 1, default: stores.bundled + 1, bundled: stores.bundled })
})

serial('--use-openssl-ca: the system store replaces the bundled roots', async (t) => {
  const { port } = await listen(t, nodeTls, { key: f.rsa.key, cert: f.rsa.chain }, (s) => s.end())
  const paths = bundleDir(t)
  t.is(await child(CONNECT(port), { env: paths, flags: ['--use-openssl-ca'] }), 'ok')
  const stores = await child(`console.log(JSON.stringify({ default: tls.getCACertificates().length }))`, {
    env: paths,
    flags: ['--use-openssl-ca'],
  })
  t.deepEqual(stores, { default: 1 })
})

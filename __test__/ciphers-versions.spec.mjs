// Node's `ciphers` semantics, its TLS version CLI flags and defaults, the
// server chain built from `ca`, and the order and failures of `sigalgs`:
// each answered the way node:tls answers, checked against node:tls in the
// same test. TLS_IMPL=node runs it all on node:tls.

import test from 'ava'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import nodeTls from 'node:tls'
import { fileURLToPath } from 'node:url'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { moreFixtures } from './helpers/more-fixtures.mjs'
import { LOOPBACK, collect, connect, listen, runNode } from './helpers/peers.mjs'

const f = await fixtures()
const m = await moreFixtures()
const rsa = { key: f.rsa.key, cert: f.rsa.chain }
const MODULE =
  underTest === 'node:tls'
    ? 'node:tls'
    : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')

/** What a client with `options` negotiates with a node:tls server. */
async function negotiated(t, tlsModule, serverOptions, options) {
  const { port } = await listen(t, nodeTls, { ...rsa, ...serverOptions }, (s) => {
    s.on('error', () => {})
    s.end()
  })
  const socket = await connect(t, tlsModule, { port, servername: 'localhost', ca: f.ca.cert, ...options })
  const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name }
  socket.destroy()
  return result
}

// ---------------------------------------------------------------------------
// ciphers

test('ciphers limits TLS 1.2 only: a TLS 1.2 suite name leaves TLS 1.3 and its suites on', async (t) => {
  for (const m of [tls, nodeTls]) t.notThrows(() => m.createSecureContext({ ciphers: 'AES256-GCM-SHA384' }))
  const ours = await negotiated(t, tls, {}, { ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' })
  t.deepEqual(ours, await negotiated(t, nodeTls, {}, { ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' }))
  t.is(ours.protocol, 'TLSv1.3')
  const tls12 = await negotiated(t, tls, {}, { ciphers: 'ECDHE-RSA-AES256-GCM-SHA384', maxVersion: 'TLSv1.2' })
  t.deepEqual(tls12, { protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' })
})

test('ciphers with TLS_* names chooses the TLS 1.3 suites', async (t) => {
  const options = { ciphers: 'TLS_AES_256_GCM_SHA384' }
  const ours = await negotiated(t, tls, {}, options)
  t.deepEqual(ours, await negotiated(t, nodeTls, {}, options))
  t.deepEqual(ours, { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' })
})

test('cipher lists OpenSSL parses, with @SECLEVEL with or without a colon, are accepted', (t) => {
  for (const ciphers of [
    'DEFAULT@SECLEVEL=0',
    'RSA@SECLEVEL=0',
    'DEFAULT:@SECLEVEL=1',
    'HIGH:!aNULL:!MD5',
    'ECDHE+AESGCM:!ECDSA',
  ]) {
    t.notThrows(() => nodeTls.createSecureContext({ ciphers }), `node:tls ${ciphers}`)
    t.notThrows(() => tls.createSecureContext({ ciphers }), ciphers)
  }
})

test('a cipher list naming nothing, or an unknown TLS 1.3 suite, is "no cipher match"', (t) => {
  for (const ciphers of ['FOOBARBAZ', 'TLS_not_a_cipher']) {
    for (const m of [tls, nodeTls]) {
      const err = t.throws(() => m.createSecureContext({ ciphers }))
      t.is(err.code, 'ERR_SSL_NO_CIPHER_MATCH', ciphers)
      t.regex(err.message, /^error:0A0000B9:SSL routines::no cipher match/)
    }
  }
})

// ---------------------------------------------------------------------------
// Node's TLS command-line flags

/** Runs `script` in a child node with `flags`; resolves with its stdout lines. */
async function child(_t, { flags = [], env = {} }, script) {
  const { code, stdout, stderr } = await runNode(
    [...flags, '-e', `const tls = require(${JSON.stringify(MODULE)});\n${script}`],
    { env: { ...process.env, NODE_OPTIONS: '', ...env } },
  )
  if (code !== 0) throw new Error(`exit ${code}: ${stderr}`)
  return stdout.trim().split('\n')
}

const DEFAULTS =
  'console.log(tls.DEFAULT_MIN_VERSION); console.log(tls.DEFAULT_MAX_VERSION); console.log(tls.DEFAULT_CIPHERS)'

for (const [flag, min, max] of [
  ['--tls-min-v1.0', 'TLSv1', 'TLSv1.3'],
  ['--tls-min-v1.1', 'TLSv1.1', 'TLSv1.3'],
  ['--tls-min-v1.2', 'TLSv1.2', 'TLSv1.3'],
  ['--tls-min-v1.3', 'TLSv1.3', 'TLSv1.3'],
  ['--tls-max-v1.2', 'TLSv1.2', 'TLSv1.2'],
  ['--tls-max-v1.3', 'TLSv1.2', 'TLSv1.3'],
]) {
  test(`${flag} sets DEFAULT_MIN_VERSION/DEFAULT_MAX_VERSION, also through NODE_OPTIONS`, async (t) => {
    const [gotMin, gotMax] = await child(t, { flags: [flag] }, DEFAULTS)
    t.deepEqual([gotMin, gotMax], [min, max])
    const viaEnv = await child(t, { env: { NODE_OPTIONS: flag } }, DEFAULTS)
    t.deepEqual(viaEnv.slice(0, 2), [min, max])
  })
}

test('--tls-max-v1.2: connections negotiate TLS 1.2 by default', async (t) => {
  const { port } = await listen(t, nodeTls, rsa, (s) => {
    s.on('error', () => {})
    s.end()
  })
  const [protocol] = await child(
    t,
    { flags: ['--tls-max-v1.2'] },
    `
    const s = tls.connect({ port: ${port}, host: '${LOOPBACK}', rejectUnauthorized: false }, () => { console.log(s.getProtocol()); s.destroy() })`,
  )
  t.is(protocol, 'TLSv1.2')
})

test('--tls-cipher-list sets DEFAULT_CIPHERS and what a TLS 1.2 connection offers', async (t) => {
  const { port } = await listen(t, nodeTls, rsa, (s) => {
    s.on('error', () => {})
    s.end()
  })
  const list = 'ECDHE-RSA-AES128-GCM-SHA256'
  const lines = await child(
    t,
    { flags: [`--tls-cipher-list=${list}`] },
    `${DEFAULTS};
    const s = tls.connect({ port: ${port}, host: '${LOOPBACK}', rejectUnauthorized: false, maxVersion: 'TLSv1.2' }, () => { console.log(s.getCipher().name); s.destroy() })`,
  )
  t.is(lines[2], list)
  t.is(lines[3], list)
})

test('--tls-keylog=file appends the NSS key log of every connection', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-keylog-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'keys.log')
  const { port } = await listen(t, nodeTls, rsa, (s) => {
    s.on('error', () => {})
    s.end('x')
  })
  await child(
    t,
    { env: { NODE_OPTIONS: `--tls-keylog=${file}` } },
    `
    const s = tls.connect({ port: ${port}, host: '${LOOPBACK}', rejectUnauthorized: false }); s.resume(); s.on('end', () => s.end())`,
  )
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n')
  t.true(
    lines.some((l) => l.startsWith('CLIENT_HANDSHAKE_TRAFFIC_SECRET ')),
    lines.join('\n'),
  )
  t.true(lines.some((l) => l.startsWith('CLIENT_TRAFFIC_SECRET_0 ')))
})

// ---------------------------------------------------------------------------
// The server's chain

test('a leaf given alone is sent with its issuers from ca, as OpenSSL builds the chain', async (t) => {
  const leaf = m.leaves.rsa
  const options = { key: leaf.key, cert: leaf.cert, ca: [m.intermediate.cert, m.root.cert] }
  for (const serverModule of [tls, nodeTls]) {
    const { port } = await listen(t, serverModule, options, (s) => s.end('chained'))
    const client = nodeTls.connect({ host: LOOPBACK, port, servername: 'localhost', ca: m.root.cert })
    t.teardown(() => client.destroy())
    t.is(String(await collect(client)), 'chained')
    t.true(client.authorized, serverModule === nodeTls ? 'node:tls server' : 'server under test')
  }
})

// ---------------------------------------------------------------------------
// sigalgs

test('getSharedSigalgs() on a server with sigalgs lists them in its own order', async (t) => {
  const sigalgs = 'RSA-PSS+SHA256:ECDSA+SHA256'
  const shared = []
  const { port } = await listen(t, tls, { ...rsa, sigalgs }, (s) => {
    shared.push(s.getSharedSigalgs())
    s.end()
  })
  const client = nodeTls.connect({
    host: LOOPBACK,
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    sigalgs: 'ECDSA+SHA256:RSA-PSS+SHA512:RSA-PSS+SHA256',
  })
  t.teardown(() => client.destroy())
  await collect(client)
  t.deepEqual(shared, [['RSA-PSS+SHA256', 'ECDSA+SHA256']])
})

test('server and client sigalgs with nothing in common: "no shared signature algorithms", handshake_failure', async (t) => {
  const { port, clientErrors } = await listen(t, tls, { ...rsa, sigalgs: 'ECDSA+SHA256' }, () => t.fail('connected'))
  const client = nodeTls.connect({
    host: LOOPBACK,
    port,
    servername: 'localhost',
    ca: f.ca.cert,
    sigalgs: 'RSA-PSS+SHA384',
  })
  t.teardown(() => client.destroy())
  const err = await new Promise((resolve) => client.once('error', resolve))
  t.is(err.code, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')
  await new Promise((resolve) => setImmediate(resolve))
  t.deepEqual(
    clientErrors.map((e) => e.code),
    ['ERR_SSL_NO_SHARED_SIGNATURE_ALGORITHMS'],
  )
})

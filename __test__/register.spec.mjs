// rustls-node/register: one flag moves a process's TLS, Node's own https,
// fetch and http2 included, to rustls-node.
//
// Each test runs helpers/register-probe.mjs in a child process, which uses
// https (server, keep-alive Agent with session resumption), fetch, http2
// (server and client) and tls (STARTTLS) as an application does, and says
// which stack carried the connections (`tls.rustls`, rustls-node's marker
// and socket counts). With TLS_IMPL=node the same probe runs without the
// flag, on Node's own tls, and must give the same answers minus the marker.

import test from 'ava'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { fixtures } from './helpers/fixtures.mjs'
import { underTest } from './helpers/impl.mjs'
import { runNode } from './helpers/peers.mjs'

const f = await fixtures()
const here = path.dirname(fileURLToPath(import.meta.url))
const REPO = path.join(here, '..')
const PROBE = path.join(here, 'helpers', 'register-probe.mjs')
const onRustls = underTest === 'rustls-node'

/** Runs `node <flags> <script> <args>` in the repo; resolves { code, signal, stdout, stderr }. */
function run(flags, script, args = [], env = {}) {
  return runNode([...flags, script, ...args], {
    cwd: REPO,
    env: { ...process.env, NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: f.path('ca.cert.pem'), ...env },
  })
}

function expectProbe(t, { code, stdout, stderr }) {
  t.is(code, 0, stderr)
  const result = JSON.parse(stdout.trim().split('\n').at(-1))
  t.deepEqual(result.https, ['hello /one', 'hello /two', 'hello /three'])
  // keep-alive: the second request rode the first connection; the third,
  // on a new connection, resumed the session the Agent cached.
  t.is(result.httpsServer.length, 4) // and fetch's
  t.deepEqual(
    result.httpsServer.slice(0, 3).map((s) => s.reused),
    [false, false, true],
  )
  t.deepEqual(result.fetch, { status: 200, text: 'hello /fetch' })
  t.deepEqual(result.http2, { text: 'h2 /stream', alpn: 'h2' })
  t.is(result.starttls, 'secure ping')
  t.true(result.namedImportSwapped)
  return result
}

const flagsOf = (how) => {
  if (!onRustls) return []
  return how === 'import' ? ['--import', 'rustls-node/register'] : ['-r', 'rustls-node/register']
}

for (const how of ['import', 'require']) {
  test(`${how === 'import' ? '--import' : '-r'} rustls-node/register: https, fetch, http2 and tls all run on rustls-node`, async (t) => {
    const result = expectProbe(t, await run(flagsOf(how), PROBE, [f.dir]))
    if (onRustls) {
      t.is(typeof result.marker, 'string')
      // https (two connections: keep-alive, then a resumed one), fetch,
      // http2 and STARTTLS, each a client and a server socket of rustls-node:
      // none of them went through OpenSSL.
      t.deepEqual(result.sockets, { client: 5, server: 5 })
    } else {
      t.is(result.marker, null)
    }
  })
}

test('NODE_OPTIONS=--import rustls-node/register moves the process as the flag does', async (t) => {
  const env = onRustls ? { NODE_OPTIONS: '--import rustls-node/register' } : {}
  const result = expectProbe(t, await run([], PROBE, [f.dir], env))
  t.is(result.marker !== null, onRustls)
})

const rustlsOnly = onRustls ? test : test.skip

rustlsOnly('registering twice changes nothing; the marker and counts are on node:tls itself', async (t) => {
  const script = `
    require('rustls-node/register'); require('rustls-node/register')
    const tls = require('node:tls'), ours = require('rustls-node')
    console.log(JSON.stringify({
      same: tls.connect === ours.connect && tls.Server === ours.Server && tls.createSecureContext === ours.createSecureContext,
      marker: tls.rustls === ours.rustls,
      keys: Object.keys(tls).sort().join() === Object.keys(ours).sort().join()
    }))`
  const { code, stdout, stderr } = await run([], '-e', [script])
  t.is(code, 0, stderr)
  t.deepEqual(JSON.parse(stdout), { same: true, marker: true, keys: true })
})

rustlsOnly(
  'assignments to node:tls after registering reach rustls-node (DEFAULT_*, a wrapped createSecureContext)',
  async (t) => {
    const script = `
    require('rustls-node/register')
    const tls = require('node:tls'), ours = require('rustls-node')
    tls.DEFAULT_MAX_VERSION = 'TLSv1.2'
    const original = tls.createSecureContext
    let wrapped = 0
    tls.createSecureContext = (o) => { wrapped++; return original(o) }
    ours.createSecureContext({})
    console.log(JSON.stringify({ max: ours.DEFAULT_MAX_VERSION, wrapped, viaOurs: ours.createSecureContext !== original }))`
    const { code, stdout, stderr } = await run([], '-e', [script])
    t.is(code, 0, stderr)
    t.deepEqual(JSON.parse(stdout), { max: 'TLSv1.2', wrapped: 1, viaOurs: true })
  },
)

rustlsOnly(
  'registering after http2 loaded warns RUSTLS_NODE_REGISTER_LATE; after https loaded, https.Server is moved',
  async (t) => {
    const script = `
    const http2 = require('node:http2'), https = require('node:https')
    process.on('warning', (w) => console.log(JSON.stringify({ warning: w.code })))
    require('rustls-node/register')
    const ours = require('rustls-node')
    const s = https.createServer({})
    console.log(JSON.stringify({ httpsServerIsOurs: s instanceof ours.Server && typeof s.setSecureContext === 'function' }))`
    const { code, stdout, stderr } = await run([], '-e', [script])
    t.is(code, 0, stderr)
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    t.deepEqual(lines, [{ httpsServerIsOurs: true }, { warning: 'RUSTLS_NODE_REGISTER_LATE' }])
  },
)

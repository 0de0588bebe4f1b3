// NODE_DEBUG=tls prints a trace at the points Node's tls does, in Node's
// words, so a trace of rustls-node reads like one of node:tls. The same
// connection is traced on both implementations, and the lines that name
// the life of a connection must appear on both.

import test from 'ava'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { fixtures } from './helpers/fixtures.mjs'
import { underTest } from './helpers/impl.mjs'
import { runNode } from './helpers/peers.mjs'

const f = await fixtures()
const REPO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const MODULE = underTest === 'node:tls' ? 'node:tls' : path.join(REPO, 'dist', 'index.js')

async function trace() {
  const script = `
    const tls = require(${JSON.stringify(MODULE)})
    const fs = require('node:fs')
    const server = tls.createServer({ key: fs.readFileSync(${JSON.stringify(f.path('rsa.key.pem'))}), cert: fs.readFileSync(${JSON.stringify(f.path('rsa.chain.pem'))}) }, (s) => s.end('x'))
    server.listen(0, '127.0.0.1', () => {
      const c = tls.connect({ port: server.address().port, host: '127.0.0.1', servername: 'localhost', ca: fs.readFileSync(${JSON.stringify(f.path('ca.cert.pem'))}) })
      c.resume()
      c.on('close', () => server.close())
    })`
  const { code, stderr } = await runNode(['-e', script], {
    env: { ...process.env, NODE_DEBUG: 'tls', NODE_OPTIONS: '' },
  })
  if (code !== 0) throw new Error(`exit ${code}: ${stderr}`)
  return stderr
}

test('NODE_DEBUG=tls traces a connection as Node does', async (t) => {
  const out = await trace()
  for (const line of [
    'net.Server.on(connection): new TLSSocket',
    'server _init',
    'client _init',
    'client _start',
    'server onhandshakestart',
    'client _finishInit',
    'server _finishInit',
    'server onhandshakedone',
    'client onhandshakedone',
    'client emit secureConnect. authorized: true',
    'server emit secureConnection',
  ]) {
    t.true(out.includes(`: ${line}`), `${line}\n${out}`)
  }
  t.regex(out, /^TLS \d+: /m)
})

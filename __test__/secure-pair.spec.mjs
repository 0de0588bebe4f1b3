// tls.createSecurePair(): the deprecated SecurePair API, built on TLSSocket.
// Its `encrypted` stream carries TLS records (here piped to a TCP socket
// whose other end is a node:tls client); `cleartext` has TLSSocket's API.

import test from 'ava'
import net from 'node:net'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import { collect } from './helpers/peers.mjs'

const f = await fixtures()

test('a server-side SecurePair talks to a node:tls client, with the DEP0064 warning', async (t) => {
  const warnings = []
  const onWarning = (w) => warnings.push(w.code)
  process.on('warning', onWarning)
  t.teardown(() => process.removeListener('warning', onWarning))

  const context = tls.createSecureContext({ key: f.rsa.key, cert: f.rsa.chain })
  let secured = false
  const server = net.createServer((raw) => {
    const pair = tls.createSecurePair(context, true, false, false)
    pair.on('secure', () => {
      secured = true
    })
    raw.pipe(pair.encrypted).pipe(raw)
    pair.cleartext.on('data', (d) => pair.cleartext.end(`echo:${d}`))
    pair.cleartext.on('error', () => {})
    raw.on('error', () => {})
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())

  const client = nodeTls.connect({
    host: '127.0.0.1',
    port: server.address().port,
    servername: 'localhost',
    ca: f.ca.cert,
  })
  client.on('secureConnect', () => client.write('hello'))
  t.is((await collect(client)).toString(), 'echo:hello')
  t.true(secured)
  t.true(client.authorized)
  await new Promise((resolve) => setImmediate(resolve))
  t.true(warnings.includes('DEP0064'))
})

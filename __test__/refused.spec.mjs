// Protocol versions rustls does not implement. rustls speaks TLS 1.2 and 1.3
// only, so rustls-node refuses any configuration with nothing it can speak
// (maxVersion TLS 1.1 or older, TLSv1(_1)_method) — loudly and
// synchronously, instead of silently negotiating 1.2. A range that still
// reaches TLS 1.2 (minVersion 'TLSv1', as smtp-server and many https.Agent
// configurations say) is accepted and raised to TLS 1.2, with one coded
// warning. SSLv2/SSLv3 methods are refused as Node refuses them.
//
// node:tls accepts the TLS 1.0/1.1 configurations, so the refusal tests are
// skipped under TLS_IMPL=node; the accepted-configuration controls at the
// bottom run against both.

import test from 'ava'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { duplexPair } from './helpers/peers.mjs'

const f = await fixtures()
const rustlsOnly = underTest === 'rustls-node' ? test : test.skip

// The message must say that rustls supports TLS 1.2 and 1.3 only; the exact
// wording is the implementation's.
const MENTIONS_RUSTLS = /rustls/i
const ONLY_12_AND_13 = /TLS ?v?1\.2 and (TLS ?v?)?1\.3 only/i

const refused = [
  { maxVersion: 'TLSv1.1' },
  { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' },
  { secureProtocol: 'TLSv1_method' },
  { secureProtocol: 'TLSv1_1_method' },
]

/** The three entry points that build a secure context from options. */
const entryPoints = {
  createSecureContext: (opts) => tls.createSecureContext(opts),
  createServer: (opts) => tls.createServer({ key: f.rsa.key, cert: f.rsa.chain, ...opts }),
  // Over an in-memory transport, so that an implementation which wrongly
  // accepts the options does not touch the network (or emit stray errors).
  connect: (opts) => {
    const [transport, other] = duplexPair()
    try {
      const socket = tls.connect({ socket: transport, servername: 'localhost', ...opts })
      socket.on('error', () => {})
      socket.destroy()
      return socket
    } finally {
      transport.destroy()
      other.destroy()
    }
  },
}

for (const options of refused) {
  for (const [name, call] of Object.entries(entryPoints)) {
    rustlsOnly(`${name}(${JSON.stringify(options)}) throws ERR_TLS_PROTOCOL_VERSION_UNSUPPORTED`, (t) => {
      const err = t.throws(() => call(options), { code: 'ERR_TLS_PROTOCOL_VERSION_UNSUPPORTED' })
      t.regex(err?.message ?? '', MENTIONS_RUSTLS)
      t.regex(err?.message ?? '', ONLY_12_AND_13)
    })
  }
}

for (const [method, message] of [
  ['SSLv3_method', 'SSLv3 methods disabled'],
  ['SSLv2_method', 'SSLv2 methods disabled'],
  ['nope_method', 'Unknown method: nope_method'],
]) {
  test(`secureProtocol ${method} throws ERR_TLS_INVALID_PROTOCOL_METHOD, as Node`, (t) => {
    const err = t.throws(() => tls.createSecureContext({ secureProtocol: method }), {
      code: 'ERR_TLS_INVALID_PROTOCOL_METHOD',
    })
    t.is(err.message, message)
    t.true(err instanceof TypeError)
  })
}

for (const minVersion of ['TLSv1', 'TLSv1.1']) {
  test(`minVersion ${minVersion} is accepted and connects with TLS 1.2 or newer`, async (t) => {
    const server = tls.createServer({ key: f.rsa.key, cert: f.rsa.chain, minVersion }, (s) => s.end('hi'))
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    t.teardown(() => server.close())
    const socket = tls.connect({
      port: server.address().port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: f.ca.cert,
      minVersion,
    })
    await new Promise((resolve, reject) => {
      socket.once('secureConnect', resolve)
      socket.once('error', reject)
    })
    t.regex(socket.getProtocol(), /^TLSv1\.[23]$/)
    socket.destroy()
  })
}

rustlsOnly('a raised minVersion warns once, with a code', async (t) => {
  const { spawnSync } = await import('node:child_process')
  const script = `const tls = require(${JSON.stringify(new URL('../dist/index.js', import.meta.url).pathname)});
    tls.createSecureContext({ minVersion: 'TLSv1' }); tls.createSecureContext({ minVersion: 'TLSv1.1' })`
  const { stderr } = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  t.is(stderr.match(/RUSTLS_NODE_MIN_VERSION_RAISED/g)?.length, 1, stderr)
})

// Controls: configurations within TLS 1.2..1.3 must keep working (for both
// implementations), so the refusal above cannot be a blanket rejection of
// the options.
const accepted = [
  {},
  { minVersion: 'TLSv1.2' },
  { minVersion: 'TLSv1.3' },
  { maxVersion: 'TLSv1.2' },
  { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
  { secureProtocol: 'TLSv1_2_method' },
  { secureProtocol: 'TLS_method' },
]

for (const options of accepted) {
  test(`createSecureContext(${JSON.stringify(options)}) is accepted`, (t) => {
    t.notThrows(() => tls.createSecureContext({ key: f.rsa.key, cert: f.rsa.chain, ...options }))
  })
}

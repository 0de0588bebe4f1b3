// Protocol versions rustls does not implement. rustls speaks TLS 1.2 and 1.3
// only, so rustls-node refuses any configuration that asks for TLS 1.1 or
// older — loudly and synchronously, instead of silently negotiating 1.2.
//
// These expectations are rustls-node's own, not Node's: node:tls accepts
// minVersion 'TLSv1'/'TLSv1.1' and the TLSv1(_1)_method secureProtocols, and
// rejects SSLv3_method with a different code. So the refusal tests are
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
  { minVersion: 'TLSv1.1' },
  { minVersion: 'TLSv1' },
  { maxVersion: 'TLSv1.1' },
  { secureProtocol: 'TLSv1_method' },
  { secureProtocol: 'TLSv1_1_method' },
  { secureProtocol: 'SSLv3_method' }
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
  }
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
  { secureProtocol: 'TLS_method' }
]

for (const options of accepted) {
  test(`createSecureContext(${JSON.stringify(options)}) is accepted`, (t) => {
    t.notThrows(() => tls.createSecureContext({ key: f.rsa.key, cert: f.rsa.chain, ...options }))
  })
}

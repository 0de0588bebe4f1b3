// Regressions found by tlsfuzzer (scripts/tlsfuzzer.sh, docs/conformance.md):
// what the server answers to ClientHellos that break the rules. Expectations
// are what node:tls (OpenSSL) does; also run with TLS_IMPL=node.

import test from 'ava'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import { captureClientHello, closed, listen, tcpConnect, until } from './helpers/peers.mjs'

const f = await fixtures()
const serverCreds = { key: f.rsa.key, cert: f.rsa.chain }

// test-tls13-legacy-version: with supported_versions, a legacy_version at or
// below SSL 3.0 (or not 3.x at all) is refused with a protocol_version
// alert, not decode_error. (OpenSSL answers 3.0 itself with
// handshake_failure; only the code is compared there.)
const PROTOCOL_VERSION = 70
for (const [major, minor, alert] of [
  [0, 2, PROTOCOL_VERSION],
  [2, 0, PROTOCOL_VERSION],
  [1, 3, PROTOCOL_VERSION],
  [3, 0, null],
]) {
  test(`server: a TLS 1.3 ClientHello with legacy_version ${major}.${minor} -> ERR_SSL_BAD_LEGACY_VERSION${alert ? ', protocol_version alert' : ''}, closed`, async (t) => {
    // A real TLS 1.3 ClientHello (with supported_versions), as node:tls sends it.
    const hello = Buffer.from(await captureClientHello(t, nodeTls, { servername: 'localhost', ca: f.ca.cert }))
    t.is(hello[5], 1, 'a ClientHello')
    hello[9] = major // record header (5) + handshake header (4)
    hello[10] = minor
    const { port, clientErrors } = await listen(t, tls, serverCreds, (s) => s.on('error', () => {}), {
      destroyOnClientError: false,
    })
    const raw = await tcpConnect(t, port)
    raw.on('error', () => {})
    const got = []
    raw.on('data', (d) => got.push(d))
    raw.write(hello)
    await closed(raw, 5000)
    await until(() => clientErrors.length > 0, 5000, 'tlsClientError')
    t.is(clientErrors[0].code, 'ERR_SSL_BAD_LEGACY_VERSION')
    const reply = Buffer.concat(got)
    // One fatal alert record (its record version is the implementation's).
    t.is(reply.length, 7)
    t.is(reply[0], 21)
    t.is(reply[5], 2)
    if (alert) t.is(reply[6], alert)
  })
}

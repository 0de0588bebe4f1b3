// rustls-node: Node's `tls` API on rustls. `require('rustls-node')` is meant
// to be a drop-in for `require('node:tls')`.
//
// The module object has the shape of Node's: the same keys in the same
// order, plain writable properties (so `tls.DEFAULT_MIN_VERSION = ...` and
// `tls.createSecureContext = wrap(...)` work, and take effect inside
// connect() and createServer(), which look them up here as Node's do), and
// a non-enumerable `default` pointing at itself, for code compiled from
// `import tls from 'tls'` without esModuleInterop.

import type { SecureVersion } from 'node:tls'
import type * as api from './api'
import { live } from './tls-module'
import { CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW, getCiphers, initialDefaults, rootCertificates } from './constants'
import { getCertificateCompressionAlgorithms } from './cert-compression'
import { convertALPNProtocols } from './alpn'
import { getCACertificates, setDefaultCACertificates } from './ca-certificates'
import { checkServerIdentity } from './check-server-identity'
import { SecureContext, createSecureContext } from './secure-context'
import { TLSSocket, socketCounts } from './tls-socket'
import { Server, createServer } from './server'
import { connect } from './connect'
import { createSecurePair } from './secure-pair'

// Node's keys, in Node's order.
const tls: typeof api = Object.assign(live, {
  CLIENT_RENEG_LIMIT,
  CLIENT_RENEG_WINDOW,
  DEFAULT_CIPHERS: initialDefaults.DEFAULT_CIPHERS,
  DEFAULT_ECDH_CURVE: initialDefaults.DEFAULT_ECDH_CURVE,
  DEFAULT_MIN_VERSION: initialDefaults.DEFAULT_MIN_VERSION as SecureVersion,
  DEFAULT_MAX_VERSION: initialDefaults.DEFAULT_MAX_VERSION as SecureVersion,
  getCiphers,
  getCertificateCompressionAlgorithms,
  rootCertificates,
  getCACertificates,
  setDefaultCACertificates,
  convertALPNProtocols,
  checkServerIdentity,
  createSecureContext,
  SecureContext,
  TLSSocket,
  Server,
  createServer,
  connect,
  createSecurePair,
})

// As in Node: read-only (assigning to it throws in strict mode), one frozen array.
Object.defineProperty(tls, 'rootCertificates', { get: () => rootCertificates, enumerable: true, configurable: false })
Object.defineProperty(tls, 'default', { value: tls, enumerable: false, writable: true, configurable: true })

// Not in Node's tls: says that this is rustls-node, also on Node's own tls
// module once rustls-node/register has moved it (`require('node:tls').rustls`),
// and how many TLS sockets it has made, by role.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string }
Object.defineProperty(tls, 'rustls', {
  value: Object.freeze({
    version,
    get sockets(): { client: number; server: number } {
      return { ...socketCounts }
    },
  }),
  enumerable: false,
  writable: false,
  configurable: false,
})

export = tls as typeof api & { readonly default: typeof api; readonly rustls: api.RustlsInfo }

// ESM entry point: the CommonJS build re-exported with named exports.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const tls = require('./dist/index.js')

export default tls
export const {
  TLSSocket,
  Server,
  createServer,
  connect,
  createSecureContext,
  SecureContext,
  checkServerIdentity,
  getCiphers,
  rootCertificates,
  CLIENT_RENEG_LIMIT,
  CLIENT_RENEG_WINDOW,
} = tls
// Live bindings for the mutable defaults are only on the default export;
// these are their values at load time.
export const { DEFAULT_MIN_VERSION, DEFAULT_MAX_VERSION, DEFAULT_ECDH_CURVE, DEFAULT_CIPHERS } = tls

// ESM entry point: the CommonJS module, with Node's named exports.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const tls = require('./dist/index.js')

export default tls
export const {
  CLIENT_RENEG_LIMIT,
  CLIENT_RENEG_WINDOW,
  DEFAULT_CIPHERS,
  DEFAULT_ECDH_CURVE,
  DEFAULT_MAX_VERSION,
  DEFAULT_MIN_VERSION,
  SecureContext,
  Server,
  TLSSocket,
  checkServerIdentity,
  connect,
  convertALPNProtocols,
  createSecureContext,
  createSecurePair,
  createServer,
  getCiphers,
  getCertificateCompressionAlgorithms,
  getCACertificates,
  rootCertificates,
  setDefaultCACertificates,
} = tls

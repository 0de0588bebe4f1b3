// The public API of `require('rustls-node')`, for its types: Node's `tls`
// names. The module object itself is built in index.ts.

import type { SecureVersion } from 'node:tls'

export { CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW, getCiphers, rootCertificates } from './constants'
export { getCertificateCompressionAlgorithms } from './cert-compression'
export type {
  CertificateCompressionAlgorithm,
  CertificateCompressionOptions,
  SecureContextOptions,
  TlsOptions,
} from './cert-compression'
export { convertALPNProtocols } from './alpn'
export { getCACertificates, setDefaultCACertificates } from './ca-certificates'
export { checkServerIdentity } from './check-server-identity'
export { SecureContext, createSecureContext } from './secure-context'
export { TLSSocket } from './tls-socket'
export { Server, createServer } from './server'
export { connect } from './connect'
export type { ConnectionOptions, EchOptions, EchRejectedError } from './ech'
export type { EarlyDataOptions, MaxEarlyDataOptions } from './early-data'
export { createSecurePair } from './secure-pair'

// Plain writable properties of the module object, as in Node.
export declare let DEFAULT_CIPHERS: string
export declare let DEFAULT_ECDH_CURVE: string
export declare let DEFAULT_MIN_VERSION: SecureVersion
export declare let DEFAULT_MAX_VERSION: SecureVersion

/** `tls.rustls`: present on rustls-node (and on node:tls once rustls-node/register moved it). */
export interface RustlsInfo {
  /** rustls-node's package version. */
  readonly version: string
  /** TLS sockets made in this process so far, by role. */
  readonly sockets: { readonly client: number; readonly server: number }
}

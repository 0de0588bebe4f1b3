// Module-level constants and defaults of Node's tls API.

import * as nodeTls from 'node:tls'
import type { SecureVersion } from 'node:tls'
import { native } from './native'

/**
 * Mutable defaults, as in Node, where user code may assign
 * `tls.DEFAULT_MIN_VERSION = 'TLSv1.3'`; index.ts exposes these as
 * accessors on the module object.
 */
export const defaults: {
  DEFAULT_MIN_VERSION: SecureVersion
  DEFAULT_MAX_VERSION: SecureVersion
  DEFAULT_ECDH_CURVE: string
  DEFAULT_CIPHERS: string
} = {
  DEFAULT_MIN_VERSION: 'TLSv1.2',
  DEFAULT_MAX_VERSION: 'TLSv1.3',
  // rustls's default order puts the X25519MLKEM768 post-quantum hybrid first.
  DEFAULT_ECDH_CURVE: 'auto',
  // Same string as Node's, so code comparing against it keeps working; it
  // selects every suite rustls has.
  DEFAULT_CIPHERS: nodeTls.DEFAULT_CIPHERS,
}

/** Renegotiation limits Node documents; inert here since rustls never renegotiates. */
export const CLIENT_RENEG_LIMIT = 3
export const CLIENT_RENEG_WINDOW = 600

let ciphers: string[] | undefined
/** The suites this build supports, in lower-case OpenSSL names. */
export function getCiphers(): string[] {
  ciphers ??= native.supportedCiphers()
  return ciphers.slice()
}

/** Node's bundled root certificates: rustls-node trusts exactly what Node trusts. */
export const rootCertificates: readonly string[] = nodeTls.rootCertificates

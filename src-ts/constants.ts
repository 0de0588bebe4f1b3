// Module-level constants and the initial defaults of Node's tls API.

import { nodeDefaults, nodeRootCertificates } from './node-tls'
import type { SecureVersion } from 'node:tls'
import { native } from './native'

/**
 * The defaults as this process's Node computed them: `--tls-min-v1.0` ...
 * `--tls-max-v1.3`, `--tls-cipher-list` and the same in NODE_OPTIONS are
 * already in node:tls's values. They live on the module object afterwards
 * (see tls-module.ts), where user code may change them.
 */
export const initialDefaults: {
  DEFAULT_MIN_VERSION: SecureVersion
  DEFAULT_MAX_VERSION: SecureVersion
  DEFAULT_CIPHERS: string
  DEFAULT_ECDH_CURVE: string
} = {
  DEFAULT_MIN_VERSION: nodeDefaults.DEFAULT_MIN_VERSION,
  DEFAULT_MAX_VERSION: nodeDefaults.DEFAULT_MAX_VERSION,
  DEFAULT_CIPHERS: nodeDefaults.DEFAULT_CIPHERS,
  // rustls's default order puts the X25519MLKEM768 post-quantum hybrid first.
  DEFAULT_ECDH_CURVE: 'auto',
}

/** Node's built-in cipher list: asking for it means "rustls's defaults". */
export const NODE_DEFAULT_CIPHERS = nodeDefaults.DEFAULT_CIPHERS

/** Renegotiation limits Node documents; inert here since rustls never renegotiates. */
export const CLIENT_RENEG_LIMIT: number = 3
export const CLIENT_RENEG_WINDOW: number = 600

let ciphers: string[] | undefined
/** The suites this build supports, in lower-case OpenSSL names. */
export function getCiphers(): string[] {
  ciphers ??= native.supportedCiphers()
  return ciphers.slice()
}

/** Node's bundled root certificates (a frozen array): rustls-node trusts exactly what Node trusts. */
export const rootCertificates: readonly string[] = nodeRootCertificates

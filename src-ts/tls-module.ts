// The object `require('rustls-node')` returns, as seen from inside.
//
// Node's tls functions reach the defaults and each other through the
// module's `exports` object, so what user code assigns there takes effect:
// `tls.DEFAULT_MIN_VERSION = 'TLSv1.3'`, `tls.DEFAULT_CIPHERS = ...`, or
// `tls.createSecureContext = wrap(tls.createSecureContext)` (ssl-root-cas,
// syswide-cas, win-ca and mac-ca add CAs this way). The functions here do
// the same through `live`, which index.ts fills with the real exports.

import type { SecureContextOptions, SecureVersion, PeerCertificate } from 'node:tls'
import type { SecureContext } from './secure-context'

export interface LiveModule {
  DEFAULT_MIN_VERSION: SecureVersion
  DEFAULT_MAX_VERSION: SecureVersion
  DEFAULT_CIPHERS: string
  DEFAULT_ECDH_CURVE: string
  CLIENT_RENEG_LIMIT: number
  CLIENT_RENEG_WINDOW: number
  createSecureContext(options?: SecureContextOptions): SecureContext
  checkServerIdentity(hostname: string, cert: PeerCertificate): Error | undefined
}

export const live = {} as LiveModule

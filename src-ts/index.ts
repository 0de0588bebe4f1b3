// rustls-node: Node's `tls` API on rustls. `require('rustls-node')` is meant
// to be a drop-in for `require('node:tls')`.

import { defaults } from './constants'

export { TLSSocket } from './tls-socket'
export { Server, createServer } from './server'
export { connect } from './connect'
export { createSecureContext, SecureContext } from './secure-context'
export { checkServerIdentity } from './check-server-identity'
export { createSecurePair, SecurePair } from './secure-pair'
export { getCiphers, rootCertificates, CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW } from './constants'

// Declared for the types; the live values are the accessors defined below,
// so `tls.DEFAULT_MIN_VERSION = 'TLSv1.3'` works as it does in Node.
export declare let DEFAULT_MIN_VERSION: import('node:tls').SecureVersion
export declare let DEFAULT_MAX_VERSION: import('node:tls').SecureVersion
export declare let DEFAULT_ECDH_CURVE: string
export declare let DEFAULT_CIPHERS: string

for (const key of Object.keys(defaults) as Array<keyof typeof defaults>) {
  Object.defineProperty(exports, key, {
    enumerable: true,
    configurable: false,
    get: () => defaults[key],
    set: (v: never) => {
      defaults[key] = v
    },
  })
}

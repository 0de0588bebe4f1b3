// rustls-node/register: every TLS connection and server of the process on
// rustls-node.
//
//   node --import rustls-node/register app.js      (ESM and CommonJS apps)
//   node -r rustls-node/register app.js
//   NODE_OPTIONS='--import rustls-node/register'
//
// Node's own https, http2 and fetch (its bundled undici) reach tls through
// the one `tls` module object, the same object `require('node:tls')` and
// `import 'node:tls'` give applications and libraries: https calls
// `tls.connect()` and `tls.Server`, http2 `tls.connect()` and (when it
// loads) `tls.Server`, undici's connector `tls.connect()`. So the sturdiest
// swap is to point that object's properties at rustls-node's: each becomes
// an accessor forwarding to rustls-node's module, so that what code assigns
// to it (`tls.DEFAULT_MIN_VERSION = ...`, a wrapped `createSecureContext`)
// lands where rustls-node reads it. ESM named imports of `node:tls` are
// synchronised. `tls.rootCertificates`, non-configurable in Node, stays
// Node's own: it is the same list rustls-node trusts.
//
// https and http2 take `tls.Server` (as a prototype, and as a base class)
// when they load, so registering must come first. This is checked: if
// either is already loaded, https's prototypes are re-pointed and a late
// http2 is reported with a coded warning rather than left silently on
// OpenSSL. Registering twice does nothing.

import { syncBuiltinESMExports } from 'node:module'
import tls = require('./index')
import { nodeTlsModule } from './node-tls'

type AnyRecord = Record<PropertyKey, unknown>

/** Points Node's tls module at rustls-node. Idempotent. */
export function register(): void {
  const target = nodeTlsModule as unknown as AnyRecord
  if (target.rustls) return
  const ours = tls as unknown as AnyRecord
  for (const key of Reflect.ownKeys(ours)) {
    if (key === 'default' || key === 'rustls') continue
    const existing = Object.getOwnPropertyDescriptor(target, key)
    if (existing && !existing.configurable) continue // rootCertificates
    Object.defineProperty(target, key, {
      get: () => ours[key],
      set: (value: unknown) => {
        ours[key] = value
      },
      enumerable: existing?.enumerable ?? true,
      configurable: true,
    })
  }
  Object.defineProperty(target, 'rustls', {
    value: ours.rustls,
    enumerable: false,
    writable: false,
    configurable: false,
  })
  syncBuiltinESMExports()
  repointLoadedModules()
}

/** Node's core modules that captured tls.Server before registration. */
function repointLoadedModules(): void {
  const loaded = new Set((process as unknown as { moduleLoadList: string[] }).moduleLoadList)
  if (loaded.has('NativeModule https')) {
    // https.Server's prototype was set from tls.Server's at load; its
    // constructor calls tls.Server at each construction (now rustls-node's).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const https = require('node:https') as typeof import('node:https')
    Object.setPrototypeOf(https.Server.prototype, tls.Server.prototype)
    Object.setPrototypeOf(https.Server, tls.Server)
  }
  if (loaded.has('NativeModule internal/http2/core')) {
    process.emitWarning(
      'node:http2 was loaded before rustls-node/register: http2.createSecureServer() keeps OpenSSL. ' +
        'Register first (node --import rustls-node/register) to move it too; http2.connect() is moved either way.',
      { code: 'RUSTLS_NODE_REGISTER_LATE', type: 'Warning' },
    )
  }
}

register()

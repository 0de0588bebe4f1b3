// Preload (`node --require ./tls-redirect.cjs`): makes every CommonJS
// `require('tls')` / `require('node:tls')` in the process return rustls-node
// instead of Node's tls, the way an application swaps the implementation
// under libraries it does not control (got's http2-wrapper, resolve-alpn).
// ESM `import 'node:tls'` and Node's own internals (https, http2) are not
// affected, and neither is rustls-node's own `require('node:tls')` (it
// builds on Node's TLSSocket prototype). The module to substitute is the
// path in RUSTLS_NODE_TLS (default: this package's dist/index.js).

'use strict'

const Module = require('node:module')
const path = require('node:path')

const target = process.env.RUSTLS_NODE_TLS || path.join(__dirname, '..', '..', 'dist', 'index.js')
const targetDir = path.dirname(target) + path.sep
const load = Module._load

Module._load = function (request, parent, isMain) {
  if ((request === 'tls' || request === 'node:tls') && !parent?.filename?.startsWith(targetDir))
    return load.call(this, target, parent, isMain)
  return load.apply(this, arguments)
}

// Node's own tls module, as it is when rustls-node loads.
//
// rustls-node/register later points the properties of Node's tls module
// object at rustls-node's, so that Node's https, http2 and fetch use it.
// What rustls-node takes from Node's implementation must stay Node's: its
// TLSSocket (to find Node's stream classes, and so that sockets here are
// `instanceof` it), its bundled root certificates and the defaults its
// command line set. They are read here, once, before anything can change
// them.

import nodeTls = require('node:tls')

/** Node's tls module object itself (rustls-node/register rewires it). */
export const nodeTlsModule: typeof nodeTls = nodeTls

export const NodeTLSSocket: typeof nodeTls.TLSSocket = nodeTls.TLSSocket

/** Node's createSecureContext: its TLSSocket takes no other kind of context. */
export const nodeCreateSecureContext: typeof nodeTls.createSecureContext = nodeTls.createSecureContext

/** Node's bundled root certificates (a frozen array). */
export const nodeRootCertificates: readonly string[] = nodeTls.rootCertificates

/** The defaults as Node computed them from `--tls-*` flags and NODE_OPTIONS. */
export const nodeDefaults = {
  DEFAULT_MIN_VERSION: nodeTls.DEFAULT_MIN_VERSION,
  DEFAULT_MAX_VERSION: nodeTls.DEFAULT_MAX_VERSION,
  DEFAULT_CIPHERS: nodeTls.DEFAULT_CIPHERS,
} as const

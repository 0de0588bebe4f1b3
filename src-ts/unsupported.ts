// Options that name OpenSSL features rustls does not have. Each is refused
// (or, where Node itself ignores the option, warned about) with a code, so a
// migration never silently loses a security property. The README's
// "Differences from OpenSSL" table lists the same.

import { codedError } from './errors'

const warned = new Set<string>()

function warnOnce(code: string, message: string): void {
  if (warned.has(code)) return
  warned.add(code)
  process.emitWarning(message, { code, type: 'UnsupportedWarning' })
}

interface MaybeUnsupported {
  dhparam?: unknown
  pskCallback?: unknown
  pskIdentityHint?: unknown
  NPNProtocols?: unknown
  clientCertEngine?: unknown
  privateKeyEngine?: unknown
  privateKeyIdentifier?: unknown
}

export function refuseUnsupportedContextOptions(options: object): void {
  const o = options as MaybeUnsupported
  if (o.clientCertEngine !== undefined || o.privateKeyEngine !== undefined || o.privateKeyIdentifier !== undefined) {
    throw codedError(
      'ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED',
      'Custom engines not supported by this OpenSSL: rustls-node has no OpenSSL engines (clientCertEngine, privateKeyEngine)',
    )
  }
  if (o.dhparam !== undefined && o.dhparam !== null) {
    warnOnce(
      'RUSTLS_NODE_DHPARAM_IGNORED',
      'dhparam is ignored: rustls implements no finite-field DHE suites, key exchange is always (EC)DHE over X25519/ML-KEM/NIST curves',
    )
  }
}

export function refuseUnsupportedSocketOptions(options: object): void {
  const o = options as MaybeUnsupported
  if (o.pskCallback !== undefined || o.pskIdentityHint !== undefined) {
    throw codedError(
      'ERR_TLS_PSK_UNSUPPORTED',
      'TLS-PSK (pskCallback, pskIdentityHint) is not supported: rustls implements no external pre-shared keys',
    )
  }
  if (o.NPNProtocols !== undefined) {
    warnOnce('RUSTLS_NODE_NPN_UNSUPPORTED', 'NPNProtocols is ignored: NPN is obsolete and rustls does not implement it; use ALPNProtocols')
  }
  refuseUnsupportedContextOptions(options)
}

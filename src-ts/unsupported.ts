// Socket options that name OpenSSL features rustls does not have: refused
// with a code (or, where Node itself ignores the option, warned about), so a
// migration never silently loses a security property. The README's
// "Differences from OpenSSL" table lists the same. (Context options, such
// as engines and dhparam, are answered by createSecureContext.)

import { codedError, validateFunction, validateString } from './errors'

const warned = new Set<string>()

function warnOnce(code: string, message: string): void {
  if (warned.has(code)) return
  warned.add(code)
  process.emitWarning(message, { code, type: 'UnsupportedWarning' })
}

interface MaybeUnsupported {
  pskCallback?: unknown
  pskIdentityHint?: unknown
  NPNProtocols?: unknown
}

/** PSK is validated as Node validates it, then refused: rustls has no external PSKs. */
export function refusePsk(options: object): void {
  const o = options as MaybeUnsupported
  if (!o.pskCallback && !o.pskIdentityHint) return
  if (o.pskCallback) validateFunction(o.pskCallback, 'pskCallback')
  if (o.pskIdentityHint) validateString(o.pskIdentityHint, 'options.pskIdentityHint')
  throw codedError(
    'ERR_TLS_PSK_UNSUPPORTED',
    'TLS-PSK (pskCallback, pskIdentityHint) is not supported: rustls implements no external pre-shared keys',
  )
}

export function refuseUnsupportedSocketOptions(options: object): void {
  refusePsk(options)
  if ((options as MaybeUnsupported).NPNProtocols !== undefined) {
    warnOnce(
      'RUSTLS_NODE_NPN_UNSUPPORTED',
      'NPNProtocols is ignored: NPN is obsolete and rustls does not implement it; use ALPNProtocols',
    )
  }
}

// minVersion / maxVersion / secureProtocol → the protocol range rustls gets.
//
// Names and errors are Node's. rustls implements TLS 1.2 (RFC 5246) and TLS
// 1.3 (RFC 8446) only, so a range reaching below TLS 1.2 is clamped to it
// (with one coded warning when the user asked for the older versions:
// smtp-server, mssql/tedious and many https.Agent configurations say
// `minVersion: 'TLSv1'` without needing TLS 1.0), and a range with nothing
// rustls speaks is refused, never silently upgraded.

import type { SecureVersion } from 'node:tls'
import { codedError } from './errors'

/** Node's version names, oldest first. */
const VERSIONS: readonly string[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']
const TLS12 = VERSIONS.indexOf('TLSv1.2')

export function versionUnsupported(what: string): Error {
  return codedError(
    'ERR_TLS_PROTOCOL_VERSION_UNSUPPORTED',
    `${what} is not supported: rustls-node speaks TLS 1.2 and TLS 1.3 only (rustls implements no older protocol)`,
  )
}

/** Node's toV(): a version name to its rank, or ERR_TLS_INVALID_PROTOCOL_VERSION. */
function rank(which: 'minimum' | 'maximum', v: unknown, def: unknown): number {
  const value = v === undefined || v === null ? def : v
  const i = typeof value === 'string' ? VERSIONS.indexOf(value) : -1
  if (i < 0) {
    throw codedError(
      'ERR_TLS_INVALID_PROTOCOL_VERSION',
      `${String(value)} is not a valid ${which} TLS protocol version`,
      TypeError,
    )
  }
  return i
}

/**
 * The range a `secureProtocol` method name pins, as OpenSSL methods do in
 * Node (undefined bounds keep the requested ones).
 */
function methodRange(method: string): { min?: number; max?: number } {
  if (/^SSLv2_(server_|client_)?method$/.test(method)) {
    throw codedError('ERR_TLS_INVALID_PROTOCOL_METHOD', 'SSLv2 methods disabled', TypeError)
  }
  if (/^SSLv3_(server_|client_)?method$/.test(method)) {
    throw codedError('ERR_TLS_INVALID_PROTOCOL_METHOD', 'SSLv3 methods disabled', TypeError)
  }
  const m = /^(SSLv23|TLS|TLSv1|TLSv1_1|TLSv1_2)_(server_|client_)?method$/.exec(method)
  if (!m) throw codedError('ERR_TLS_INVALID_PROTOCOL_METHOD', `Unknown method: ${method}`, TypeError)
  switch (m[1]) {
    case 'SSLv23':
      return { max: TLS12 }
    case 'TLS':
      return { min: 0, max: VERSIONS.length - 1 }
    case 'TLSv1':
      return { min: 0, max: 0 }
    case 'TLSv1_1':
      return { min: 1, max: 1 }
    default:
      return { min: TLS12, max: TLS12 }
  }
}

let clampWarned = false

export interface VersionRange {
  minVersion: SecureVersion
  maxVersion: SecureVersion
}

/**
 * Node's SecureContext(secureProtocol, ..., minVersion, maxVersion), then
 * the clamp to what rustls speaks.
 */
export function resolveVersions(
  secureProtocol: unknown,
  minVersion: unknown,
  maxVersion: unknown,
  defaults: { DEFAULT_MIN_VERSION: unknown; DEFAULT_MAX_VERSION: unknown },
): VersionRange {
  if (secureProtocol) {
    const conflict = minVersion ?? maxVersion
    if (conflict !== undefined && conflict !== null) {
      throw codedError(
        'ERR_TLS_PROTOCOL_VERSION_CONFLICT',
        `TLS protocol version ${String(conflict)} conflicts with secureProtocol ${String(secureProtocol)}`,
        TypeError,
      )
    }
  }
  let min = rank('minimum', minVersion, defaults.DEFAULT_MIN_VERSION)
  let max = rank('maximum', maxVersion, defaults.DEFAULT_MAX_VERSION)
  const asked = min
  if (typeof secureProtocol === 'string') {
    const pinned = methodRange(secureProtocol)
    min = pinned.min ?? min
    max = pinned.max ?? max
  } else if (secureProtocol !== undefined && secureProtocol !== null && secureProtocol !== '') {
    throw codedError('ERR_INVALID_ARG_TYPE', 'The "options.secureProtocol" property must be of type string.', TypeError)
  }
  if (max < TLS12) {
    const what =
      typeof secureProtocol === 'string' && secureProtocol
        ? `secureProtocol '${secureProtocol}'`
        : `maxVersion '${VERSIONS[max]}'`
    throw versionUnsupported(what)
  }
  if (min < TLS12) {
    if (asked < TLS12 && !clampWarned) {
      clampWarned = true
      process.emitWarning(
        `minVersion ${VERSIONS[asked]} is raised to TLSv1.2: rustls implements TLS 1.2 and TLS 1.3 only ` +
          '(RFC 8996 deprecates TLS 1.0 and 1.1); peers that speak nothing newer cannot connect',
        { code: 'RUSTLS_NODE_MIN_VERSION_RAISED', type: 'UnsupportedWarning' },
      )
    }
    min = TLS12
  }
  if (min > max) {
    throw codedError(
      'ERR_TLS_PROTOCOL_VERSION_CONFLICT',
      `minVersion ${VERSIONS[min]} is higher than maxVersion ${VERSIONS[max]}`,
      TypeError,
    )
  }
  return { minVersion: VERSIONS[min] as SecureVersion, maxVersion: VERSIONS[max] as SecureVersion }
}

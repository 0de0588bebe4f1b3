// minVersion / maxVersion / secureProtocol → the protocol range rustls gets.
// rustls implements TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446) only; asking
// for anything older is an explicit error, never a silent upgrade.

import type { SecureContextOptions, SecureVersion } from 'node:tls'
import { codedError, validateString } from './errors'

const KNOWN: readonly string[] = ['TLSv1.3', 'TLSv1.2', 'TLSv1.1', 'TLSv1']
const SUPPORTED: readonly string[] = ['TLSv1.3', 'TLSv1.2']

export function versionUnsupported(what: string): Error {
  return codedError(
    'ERR_TLS_PROTOCOL_VERSION_UNSUPPORTED',
    `${what} is not supported: rustls-node speaks TLS 1.2 and TLS 1.3 only (rustls implements no older protocol)`,
  )
}

function checkVersion(v: unknown, which: 'minimum' | 'maximum', name: string): string {
  if (typeof v !== 'string' || !KNOWN.includes(v)) {
    throw codedError('ERR_TLS_INVALID_PROTOCOL_VERSION', `${JSON.stringify(v)} is not a valid ${which} TLS protocol version`, TypeError)
  }
  if (!SUPPORTED.includes(v)) throw versionUnsupported(`${name} '${v}'`)
  return v
}

/** secureProtocol method names and the versions they pin (OpenSSL's names). */
function fromSecureProtocol(method: string): { min?: string; max?: string } {
  const base = method.replace(/_(client|server)_method$/, '_method')
  switch (base) {
    case 'TLS_method':
    case 'SSLv23_method':
      return {}
    case 'TLSv1_2_method':
      return { min: 'TLSv1.2', max: 'TLSv1.2' }
    case 'TLSv1_1_method':
    case 'TLSv1_method':
    case 'SSLv3_method':
    case 'SSLv2_method':
      throw versionUnsupported(`secureProtocol '${method}'`)
    default:
      throw codedError('ERR_TLS_INVALID_PROTOCOL_METHOD', `Unknown method: ${method}`, TypeError)
  }
}

export function resolveVersions(
  options: SecureContextOptions,
  defaults: { DEFAULT_MIN_VERSION: SecureVersion; DEFAULT_MAX_VERSION: SecureVersion },
): { minVersion: string; maxVersion: string } {
  const { secureProtocol } = options
  if (secureProtocol !== undefined) {
    validateString(secureProtocol, 'options.secureProtocol')
    if (options.minVersion !== undefined || options.maxVersion !== undefined) {
      throw codedError(
        'ERR_TLS_PROTOCOL_VERSION_CONFLICT',
        `TLS protocol version ${options.minVersion ?? options.maxVersion} conflicts with secureProtocol ${secureProtocol}`,
        TypeError,
      )
    }
    const pinned = fromSecureProtocol(secureProtocol)
    return {
      minVersion: pinned.min ?? checkVersion(defaults.DEFAULT_MIN_VERSION, 'minimum', 'tls.DEFAULT_MIN_VERSION'),
      maxVersion: pinned.max ?? checkVersion(defaults.DEFAULT_MAX_VERSION, 'maximum', 'tls.DEFAULT_MAX_VERSION'),
    }
  }
  const minVersion = checkVersion(options.minVersion ?? defaults.DEFAULT_MIN_VERSION, 'minimum', 'options.minVersion')
  const maxVersion = checkVersion(options.maxVersion ?? defaults.DEFAULT_MAX_VERSION, 'maximum', 'options.maxVersion')
  if (KNOWN.indexOf(minVersion) < KNOWN.indexOf(maxVersion)) {
    throw codedError(
      'ERR_TLS_PROTOCOL_VERSION_CONFLICT',
      `minVersion ${minVersion} is higher than maxVersion ${maxVersion}`,
      TypeError,
    )
  }
  return { minVersion, maxVersion }
}

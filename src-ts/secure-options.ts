// secureOptions: OpenSSL's SSL_OP_* bitmask, mapped onto what rustls can do.
// Bits asking for what rustls always does are satisfied as they are; bits
// that change behaviour rustls has are applied; any other bit is reported
// with a warning, never dropped silently.

import { constants } from 'node:crypto'
import { invalidArgType } from './errors'

const warned = new Set<number>()

/** Bits whose request rustls always meets (no SSLv3/TLS1.0/1.1, no compression, no renegotiation, ...). */
const ALWAYS = [
  'SSL_OP_NO_SSLv2',
  'SSL_OP_NO_SSLv3',
  'SSL_OP_NO_TLSv1',
  'SSL_OP_NO_TLSv1_1',
  'SSL_OP_NO_COMPRESSION',
  'SSL_OP_NO_RENEGOTIATION',
  'SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION',
  'SSL_OP_ALL', // OpenSSL's interoperability workarounds for old peers
  'SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS',
  'SSL_OP_CRYPTOPRO_TLSEXT_BUG',
  'SSL_OP_LEGACY_SERVER_CONNECT',
  'SSL_OP_ALLOW_NO_DHE_KEX',
] as const

function bit(name: string): number {
  const value = (constants as unknown as Record<string, unknown>)[name]
  return typeof value === 'number' ? value : 0
}

export interface SecureOptionEffects {
  noTickets: boolean
  noTls12: boolean
  noTls13: boolean
  serverPreference: boolean
}

export function secureOptionEffects(value: unknown): SecureOptionEffects {
  const effects = { noTickets: false, noTls12: false, noTls13: false, serverPreference: false }
  if (value === undefined || value === null) return effects
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidArgType('secureOptions', 'of type number', value)
  let rest = value >>> 0
  const take = (name: string): boolean => {
    const b = bit(name) >>> 0
    if (b === 0 || (rest & b) !== b) return false
    rest = (rest & ~b) >>> 0
    return true
  }
  effects.noTickets = take('SSL_OP_NO_TICKET')
  effects.noTls12 = take('SSL_OP_NO_TLSv1_2')
  effects.noTls13 = take('SSL_OP_NO_TLSv1_3')
  effects.serverPreference = take('SSL_OP_CIPHER_SERVER_PREFERENCE')
  for (const name of ALWAYS) take(name)
  if (rest !== 0 && !warned.has(rest)) {
    warned.add(rest)
    process.emitWarning(`secureOptions bits 0x${rest.toString(16)} have no rustls equivalent and are ignored`, {
      code: 'RUSTLS_NODE_SECURE_OPTIONS_IGNORED',
      type: 'UnsupportedWarning',
    })
  }
  return effects
}

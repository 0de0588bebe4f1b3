// tls.createSecureContext(): validates Node's options, normalises them to
// Buffers, and hands them to the native context, which parses everything in
// Rust and throws Node's codes for bad input (at creation, never later).

import { readFileSync } from 'node:fs'
import * as nodeTls from 'node:tls'
import type { SecureContextOptions } from 'node:tls'
import { native, type NativeContext } from './native'
import { defaults } from './constants'
import { codedError, invalidArgType, invalidArgValue, validateString } from './errors'
import { refuseUnsupportedContextOptions } from './unsupported'
import { resolveVersions } from './protocol-versions'
import { secureOptionEffects } from './secure-options'

type BinaryLike = string | NodeJS.ArrayBufferView

const KEY_OR_CERT = 'of type string or an instance of Buffer, TypedArray, or DataView'

function isBinaryLike(v: unknown): v is BinaryLike {
  return typeof v === 'string' || ArrayBuffer.isView(v)
}

function toBuffer(v: BinaryLike): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'utf8')
  if (Buffer.isBuffer(v)) return v
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
}

/** Node ignores a falsy key/cert/ca (`''`, `0`, `false`, ...); only a missing crl. */
function binaryList(value: unknown, name: string): Buffer[] | undefined {
  if (name === 'options.crl' ? value === undefined || value === null : !value) return undefined
  const list = Array.isArray(value) ? value : [value]
  return list.map((item) => {
    if (!isBinaryLike(item)) throw invalidArgType(name, KEY_OR_CERT, item)
    return toBuffer(item)
  })
}

interface KeyEntry {
  pem: Buffer
  passphrase?: Buffer
}

/** Node wants the passphrase as a string (checked only when there is a key). */
function passphraseOf(v: unknown): Buffer | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw invalidArgType('options.passphrase', 'of type string', v)
  return Buffer.from(v, 'utf8')
}

/**
 * `key`: a string/Buffer or an array of them and of `{ pem, passphrase }`.
 * As in Node, the object form only counts inside an array, and a bad value
 * is reported as `options.key` whatever its shape.
 */
function keyList(value: unknown, passphrase: unknown): KeyEntry[] | undefined {
  if (!value) return undefined
  const fallback = passphraseOf(passphrase)
  const entry = (v: unknown, pass: Buffer | undefined): KeyEntry => {
    if (!isBinaryLike(v)) throw invalidArgType('options.key', KEY_OR_CERT, v)
    return { pem: toBuffer(v), passphrase: pass }
  }
  if (!Array.isArray(value)) return [entry(value, fallback)]
  return value.map((item: unknown) => {
    const o = item as { pem?: unknown; passphrase?: unknown } | null
    if (o && typeof o === 'object' && !ArrayBuffer.isView(o) && o.pem) {
      return entry(o.pem, o.passphrase !== undefined ? passphraseOf(o.passphrase) : fallback)
    }
    return entry(item, fallback)
  })
}

/**
 * `pfx`: Node does not type-check it; OpenSSL's loader reports what it
 * cannot use. The same errors, with the same words, here.
 */
function pfxList(value: unknown, passphrase: unknown): KeyEntry[] | undefined {
  if (!value) return undefined
  const unusable = () => codedError('ERR_CRYPTO_OPERATION_FAILED', 'Unable to load PFX certificate')
  const pass = (v: unknown): Buffer | undefined => {
    if (v === undefined || v === null) return undefined
    if (typeof v === 'string') return Buffer.from(v, 'utf8')
    if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
    throw codedError('ERR_INVALID_ARG_TYPE', 'Pass phrase must be a buffer', TypeError)
  }
  const inArray = Array.isArray(value)
  return (inArray ? value : [value]).map((item: unknown) => {
    const o = item as { buf?: unknown; passphrase?: unknown } | null
    // as for key, the { buf, passphrase } form only counts inside an array
    const isObject = inArray && o && typeof o === 'object' && !ArrayBuffer.isView(o)
    const body = isObject ? o.buf : item
    if (!isBinaryLike(body)) throw unusable()
    return { pem: toBuffer(body), passphrase: pass(isObject && o.passphrase !== undefined ? o.passphrase : passphrase) }
  })
}

function ticketKeysOf(keys: unknown): Buffer | undefined {
  if (keys === undefined || keys === null) return undefined
  if (!ArrayBuffer.isView(keys)) throw invalidArgType('options.ticketKeys', 'an instance of Buffer, TypedArray, or DataView', keys)
  if (keys.byteLength !== 48) {
    throw codedError('ERR_INVALID_ARG_VALUE', `The property 'options.ticketKeys' must be exactly 48 bytes. Received ${keys.byteLength}`, TypeError)
  }
  return Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength)
}

function sessionTimeoutOf(timeout: unknown): number | undefined {
  if (timeout === undefined || timeout === null || timeout === 0) return undefined
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0 || timeout > 0x7fffffff) {
    throw invalidArgType('options.sessionTimeout', 'of type number', timeout)
  }
  return timeout
}

let defaultRoots: InstanceType<typeof native.RootStore> | undefined

/** Node's default trust: its bundled roots plus NODE_EXTRA_CA_CERTS. */
function defaultRootStore(): InstanceType<typeof native.RootStore> {
  if (!defaultRoots) {
    const pems = nodeTls.rootCertificates.map((p) => Buffer.from(p))
    const extra = process.env.NODE_EXTRA_CA_CERTS
    if (extra) {
      try {
        pems.push(readFileSync(extra))
        defaultRoots = new native.RootStore(pems)
      } catch {
        // Node itself reads NODE_EXTRA_CA_CERTS at start-up and has already
        // printed "Warning: Ignoring extra certs from ..." for this file.
        if (pems.length > nodeTls.rootCertificates.length) pems.pop()
      }
    }
    defaultRoots ??= new native.RootStore(pems)
  }
  return defaultRoots
}

/** What `tls.createSecureContext()` returns; `context` is the native handle. */
export class SecureContext {
  readonly context: NativeContext

  constructor(options: SecureContextOptions = {}) {
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
    refuseUnsupportedContextOptions(options)
    const effects = secureOptionEffects(options.secureOptions)
    const versions = resolveVersions(options, defaults)
    const minVersion = effects.noTls12 ? 'TLSv1.3' : versions.minVersion
    const maxVersion = effects.noTls13 ? 'TLSv1.2' : versions.maxVersion
    for (const name of ['ciphers', 'ecdhCurve', 'sigalgs', 'sessionIdContext'] as const) {
      if (options[name] !== undefined) validateString(options[name], `options.${name}`)
    }
    if (options.dhparam !== undefined && options.dhparam !== null && !isBinaryLike(options.dhparam)) {
      throw invalidArgType('options.dhparam', KEY_OR_CERT, options.dhparam)
    }
    if (options.sigalgs === '') throw invalidArgValue('options.sigalgs', '')
    const ca = binaryList(options.ca, 'options.ca')
    const cert = binaryList(options.cert, 'options.cert')
    const roots = ca ? undefined : defaultRootStore()
    let key: KeyEntry[] | undefined
    try {
      key = keyList(options.key, options.passphrase)
    } catch (keyError) {
      // Node loads ca, then cert, then key: a bad cert is reported before
      // a bad key. Both already read; a cert error, if any, comes first.
      new native.NativeContext({ ca, cert }, roots)
      throw keyError
    }
    this.context = new native.NativeContext(
      {
        cert,
        key,
        pfx: pfxList(options.pfx, options.passphrase),
        ca,
        crl: binaryList(options.crl, 'options.crl'),
        minVersion,
        maxVersion,
        ciphers: options.ciphers ?? (defaults.DEFAULT_CIPHERS === nodeTls.DEFAULT_CIPHERS ? undefined : defaults.DEFAULT_CIPHERS),
        ecdhCurve: options.ecdhCurve ?? defaults.DEFAULT_ECDH_CURVE,
        sigalgs: options.sigalgs,
        ticketKeys: ticketKeysOf(options.ticketKeys),
        sessionTimeout: sessionTimeoutOf(options.sessionTimeout),
        noTickets: effects.noTickets,
        honorCipherOrder: effects.serverPreference || Boolean(options.honorCipherOrder),
      },
      roots,
    )
  }
}

export function createSecureContext(options?: SecureContextOptions): SecureContext {
  return new SecureContext(options ?? {})
}

export function notAContext(value: unknown): Error {
  return codedError('ERR_TLS_INVALID_CONTEXT', `context must be a SecureContext. Received ${typeof value}`)
}

// tls.createSecureContext(): validates Node's options, normalises them to
// Buffers, and hands them to the native context, which parses everything in
// Rust and throws Node's codes for bad input (at creation, never later).

import { readFileSync } from 'node:fs'
import * as nodeTls from 'node:tls'
import type { SecureContextOptions, KeyObject, PxfObject } from 'node:tls'
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

function binaryList(value: unknown, name: string): Buffer[] | undefined {
  if (value === undefined || value === null || value === false) return undefined
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

function passphraseOf(v: unknown, name: string): Buffer | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' && !ArrayBuffer.isView(v)) throw invalidArgType(name, 'of type string', v)
  return toBuffer(v as BinaryLike)
}

function keyList(value: unknown, name: string, field: 'pem' | 'buf', fallback?: Buffer): KeyEntry[] | undefined {
  if (value === undefined || value === null || value === false) return undefined
  const list = Array.isArray(value) ? value : [value]
  return list.map((item: unknown) => {
    if (isBinaryLike(item)) return { pem: toBuffer(item), passphrase: fallback }
    if (item && typeof item === 'object') {
      const o = item as Record<string, unknown>
      const body = o[field]
      if (!isBinaryLike(body)) throw invalidArgType(`${name}.${field}`, KEY_OR_CERT, body)
      return { pem: toBuffer(body), passphrase: passphraseOf(o.passphrase, `${name}.passphrase`) ?? fallback }
    }
    throw invalidArgType(name, KEY_OR_CERT, item)
  })
}

function ticketKeysOf(keys: unknown): Buffer | undefined {
  if (keys === undefined || keys === null) return undefined
  if (!ArrayBuffer.isView(keys)) throw invalidArgType('options.ticketKeys', 'an instance of Buffer, TypedArray, or DataView', keys)
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
    const passphrase = passphraseOf(options.passphrase, 'options.passphrase')
    const effects = secureOptionEffects(options.secureOptions)
    const versions = resolveVersions(options, defaults)
    const minVersion = effects.noTls12 ? 'TLSv1.3' : versions.minVersion
    const maxVersion = effects.noTls13 ? 'TLSv1.2' : versions.maxVersion
    for (const name of ['ciphers', 'ecdhCurve', 'sigalgs'] as const) {
      if (options[name] !== undefined) validateString(options[name], `options.${name}`)
    }
    if (options.sigalgs === '') throw invalidArgValue('options.sigalgs', '')
    const ca = binaryList(options.ca, 'options.ca')
    this.context = new native.NativeContext(
      {
        cert: binaryList(options.cert, 'options.cert'),
        key: keyList(options.key as BinaryLike | Array<BinaryLike | KeyObject> | undefined, 'options.key', 'pem', passphrase),
        pfx: keyList(options.pfx as BinaryLike | Array<BinaryLike | PxfObject> | undefined, 'options.pfx', 'buf', passphrase),
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
      ca ? undefined : defaultRootStore(),
    )
  }
}

export function createSecureContext(options?: SecureContextOptions): SecureContext {
  return new SecureContext(options ?? {})
}

export function isSecureContext(value: unknown): value is SecureContext {
  return value instanceof SecureContext
}

export function notAContext(value: unknown): Error {
  return codedError('ERR_TLS_INVALID_CONTEXT', `context must be a SecureContext. Received ${typeof value}`)
}

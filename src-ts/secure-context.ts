// tls.createSecureContext() and tls.SecureContext.
//
// As in Node, a SecureContext holds `context`, an object with OpenSSL's
// SSL_CTX verbs (addCACert, setCert, setKey, setCiphers, ...), and
// createSecureContext() is `new SecureContext(...)` followed by those verbs
// in Node's order, with Node's validation. Libraries that add CAs with
// `secureContext.context.addCACert()` work as they do on node:tls.
//
// The verbs record their input; the native context (parsed in Rust, where
// bad input throws Node's codes) is built once the options are all in, and
// again after any later verb. Identical inputs share their parsed material
// in Rust, so rebuilding costs little.

import { constants as cryptoConstants } from 'node:crypto'
import { maxEarlyDataBytes } from './early-data'
import { packCertificateCompression, unpackCertificateCompression, type SecureContextOptions } from './cert-compression'
import { defaultCACertificates } from './ca-certificates'
import { native, type NativeContext } from './native'
import { live } from './tls-module'
import {
  codedError,
  invalidArgType,
  invalidArgValue,
  validateBuffer,
  validateInt32,
  validateUint32,
  validateObject,
  validateString,
} from './errors'
import { resolveVersions, type VersionRange } from './protocol-versions'
import { secureOptionEffects, type SecureOptionEffects } from './secure-options'

type BinaryLike = string | NodeJS.ArrayBufferView

function isBinaryLike(v: unknown): v is BinaryLike {
  return typeof v === 'string' || ArrayBuffer.isView(v)
}

function toBuffer(v: BinaryLike): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'utf8')
  if (Buffer.isBuffer(v)) return v
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
}

/** Node's validateKeyOrCertOption. */
function validateKeyOrCert(name: string, value: unknown): asserts value is BinaryLike {
  if (!isBinaryLike(value)) {
    throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView', value)
  }
}

interface KeyEntry {
  pem: Buffer
  passphrase?: Buffer
}

/** What the verbs recorded; the native context is built from it. */
interface ContextInputs {
  defaultRoots: boolean
  ca: Buffer[]
  cert: Buffer[]
  key: KeyEntry[]
  pfx: KeyEntry[]
  crl: Buffer[]
  range: VersionRange
  cipherList?: string
  cipherSuites?: string
  ecdhCurve?: string
  sigalgs?: string
  ticketKeys?: Buffer
  sessionTimeout?: number
  /** certificateCompression, in order; the core's default when undefined. */
  certificateCompression?: string[]
  /** maxEarlyData: TLS 1.3 0-RTT bytes a server accepts (0: off). */
  maxEarlyData?: number
  effects: SecureOptionEffects
}

let defaultRoots: { store: InstanceType<typeof native.RootStore>; generation: number } | undefined

/**
 * The trust of a context given no `ca`: tls.getCACertificates('default')
 * (Node's bundled roots and NODE_EXTRA_CA_CERTS, or the system store, or
 * what setDefaultCACertificates() set), parsed once per list.
 */
function defaultRootStore(): InstanceType<typeof native.RootStore> {
  const { pems, generation } = defaultCACertificates()
  if (defaultRoots?.generation !== generation) {
    defaultRoots = { store: new native.RootStore(pems.map((p) => Buffer.from(p))), generation }
  }
  return defaultRoots.store
}

/**
 * `secureContext.context`: the SSL_CTX verbs Node's native context has,
 * over a rustls context built from what they recorded.
 */
export class NativeSecureContext {
  private readonly inputs: ContextInputs
  private built: NativeContext | null = null
  /** Verbs called by createSecureContext() build once at the end. */
  private configuring = true

  constructor(range: VersionRange, effects: SecureOptionEffects) {
    this.inputs = { defaultRoots: false, ca: [], cert: [], key: [], pfx: [], crl: [], range, effects }
  }

  /** Marks real instances (Node's accessors throw on anything else). */
  readonly #own = true

  /** Node's handle to the native context; like Node's, a TypeError on anything but the context itself. */
  get _external(): NativeContext {
    void this.#own
    return this.native
  }

  /** The rustls context; built on first use. */
  get native(): NativeContext {
    this.built ??= this.build()
    return this.built
  }

  private build(): NativeContext {
    const i = this.inputs
    return new native.NativeContext(
      {
        ca: i.ca,
        cert: i.cert,
        key: i.key,
        pfx: i.pfx,
        crl: i.crl,
        minVersion: i.range.minVersion,
        maxVersion: i.range.maxVersion,
        cipherList: i.cipherList,
        cipherSuites: i.cipherSuites,
        ecdhCurve: i.ecdhCurve,
        sigalgs: i.sigalgs,
        ticketKeys: i.ticketKeys,
        sessionTimeout: i.sessionTimeout,
        noTickets: i.effects.noTickets,
        honorCipherOrder: i.effects.serverPreference,
        certificateCompression: i.certificateCompression,
        maxEarlyData: i.maxEarlyData,
      },
      i.defaultRoots ? defaultRootStore() : undefined,
    )
  }

  /** createSecureContext() is done recording: build now, so bad input throws now. */
  commit(): void {
    this.configuring = false
    this.built = this.build()
  }

  /** A verb changed the inputs: rebuild now (errors throw from the verb, as in Node). */
  private changed(): void {
    if (this.configuring) return
    const keys = this.built?.getTicketKeys()
    if (keys) this.inputs.ticketKeys = keys
    this.built = this.build()
  }

  addCACert(cert: BinaryLike): void {
    validateKeyOrCert('cert', cert)
    this.inputs.ca.push(toBuffer(cert))
    this.changed()
  }

  addRootCerts(): void {
    this.inputs.defaultRoots = true
    this.changed()
  }

  setCert(cert: BinaryLike): void {
    validateKeyOrCert('cert', cert)
    this.inputs.cert.push(toBuffer(cert))
    this.changed()
  }

  setKey(key: BinaryLike, passphrase?: string | null): void {
    validateKeyOrCert('key', key)
    this.inputs.key.push({ pem: toBuffer(key), passphrase: passphraseBytes(passphrase) })
    this.changed()
  }

  loadPKCS12(pfx: Buffer, passphrase?: Buffer): void {
    this.inputs.pfx.push({ pem: pfx, passphrase })
    this.changed()
  }

  addCRL(crl: BinaryLike): void {
    validateKeyOrCert('crl', crl)
    this.inputs.crl.push(toBuffer(crl))
    this.changed()
  }

  /** OpenSSL's cipher list: the TLS 1.2 suites (and `@SECLEVEL=n`). */
  setCiphers(ciphers: string): void {
    validateString(ciphers, 'ciphers')
    this.inputs.cipherList = ciphers
    this.changed()
  }

  /** The TLS 1.3 suites (`TLS_*` names). */
  setCipherSuites(suites: string): void {
    validateString(suites, 'ciphers')
    this.inputs.cipherSuites = suites
    this.changed()
  }

  setECDHCurve(curve: string): void {
    validateString(curve, 'curve')
    this.inputs.ecdhCurve = curve
    this.changed()
  }

  setSigalgs(sigalgs: string): void {
    validateString(sigalgs, 'sigalgs')
    this.inputs.sigalgs = sigalgs
    this.changed()
  }

  /** Node's verb: the algorithms packed as configSecureContext() packs them (a length byte, then ids). */
  setCertificateCompression(packed: number): void {
    validateUint32(packed, 'packed')
    this.inputs.certificateCompression = unpackCertificateCompression(packed)
    this.changed()
  }

  /** rustls-node's verb for `maxEarlyData`: TLS 1.3 early data bytes a server accepts (0: none). */
  setMaxEarlyData(bytes: number): void {
    validateUint32(bytes, 'bytes')
    this.inputs.maxEarlyData = bytes
    this.changed()
  }

  /** Accepted and unused: rustls binds sessions to the server's keys and configuration itself. */
  setSessionIdContext(sessionIdContext: string): void {
    validateString(sessionIdContext, 'sessionIdContext')
  }

  setSessionTimeout(timeout: number): void {
    validateInt32(timeout, 'sessionTimeout', 0)
    this.inputs.sessionTimeout = timeout
    if (this.built) this.changed()
  }

  setOptions(options: number): void {
    this.inputs.effects = secureOptionEffects(options)
    this.changed()
  }

  getMinProto(): number {
    return protoNumber(this.inputs.range.minVersion)
  }

  getMaxProto(): number {
    return protoNumber(this.inputs.range.maxVersion)
  }

  setMinProto(version: number): void {
    this.inputs.range.minVersion = version >= TLS1_3 ? 'TLSv1.3' : 'TLSv1.2'
    this.changed()
  }

  setMaxProto(version: number): void {
    this.inputs.range.maxVersion = version >= TLS1_3 || version === 0 ? 'TLSv1.3' : 'TLSv1.2'
    this.changed()
  }

  /** The 48 bytes protecting session tickets (Node's layout: name, HMAC and AES parts). */
  getTicketKeys(): Buffer {
    return this.native.getTicketKeys()
  }

  /** Replaces the ticket keys of this context (and of servers using it). */
  setTicketKeys(keys: Buffer): void {
    if (this.configuring) this.inputs.ticketKeys = keys
    else this.native.setTicketKeys(keys)
  }

  /** DER of the context's own certificate, or null. */
  getCertificate(): Buffer | null {
    return this.native.certificate()
  }

  /** DER of its issuer (from the chain or the trust store), or null. */
  getIssuer(): Buffer | null {
    return this.native.certificateIssuer()
  }

  /** Node frees the SSL_CTX here; the rustls context goes with the last socket using it. */
  close(): void {}

  // Node's engine verbs: this build has no OpenSSL engines.
  declare setEngineKey: undefined
  declare setClientCertEngine: undefined
}

function passphraseBytes(passphrase: unknown): Buffer | undefined {
  return passphrase === undefined || passphrase === null ? undefined : Buffer.from(String(passphrase), 'utf8')
}

// OpenSSL's protocol numbers, as Node's getMinProto()/getMaxProto() return them.
const TLS1_2 = 0x0303
const TLS1_3 = 0x0304

function protoNumber(version: string): number {
  return version === 'TLSv1.3' ? TLS1_3 : TLS1_2
}

class SecureContextImpl {
  declare context: NativeSecureContext
}

/**
 * `new tls.SecureContext(secureProtocol, secureOptions, minVersion,
 * maxVersion)`, callable without `new`, as in Node.
 */
function SecureContext(
  this: SecureContextImpl,
  secureProtocol?: string,
  secureOptions?: number,
  minVersion?: string,
  maxVersion?: string,
): SecureContextImpl | undefined {
  if (!(this instanceof SecureContext))
    return new SecureContextExport(secureProtocol, secureOptions, minVersion, maxVersion)
  const range = resolveVersions(secureProtocol, minVersion, maxVersion, live)
  const effects = secureOptionEffects(secureOptions)
  if (effects.noTls12 && range.maxVersion === 'TLSv1.3') range.minVersion = 'TLSv1.3'
  if (effects.noTls13 && range.minVersion === 'TLSv1.2') range.maxVersion = 'TLSv1.2'
  this.context = new NativeSecureContext(range, effects)
}
SecureContext.prototype = SecureContextImpl.prototype
Object.defineProperty(SecureContextImpl.prototype, 'constructor', {
  value: SecureContext,
  writable: true,
  configurable: true,
})

const SecureContextExport = SecureContext as unknown as {
  new (secureProtocol?: string, secureOptions?: number, minVersion?: string, maxVersion?: string): SecureContextImpl
  (secureProtocol?: string, secureOptions?: number, minVersion?: string, maxVersion?: string): SecureContextImpl
  prototype: SecureContextImpl
}
type SecureContextExport = SecureContextImpl
export { SecureContextExport as SecureContext }

/**
 * Node's split of `ciphers`: `TLS_*` names are the TLS 1.3 suites, the rest
 * OpenSSL's (TLS 1.2) cipher list. Both empty is invalid.
 */
function splitCiphers(ciphers: string, name: string): { cipherList: string; cipherSuites: string } {
  const items = (ciphers || live.DEFAULT_CIPHERS).split(':')
  const isSuite = (c: string) => c.startsWith('TLS_') || c.startsWith('!TLS_')
  const cipherList = items.filter((c) => c.length > 0 && !isSuite(c)).join(':')
  const cipherSuites = items.filter((c) => c.length > 0 && isSuite(c)).join(':')
  if (cipherList === '' && cipherSuites === '') throw invalidArgValue(name, items)
  return { cipherList, cipherSuites }
}

/** Node's configSecureContext(): options to verbs, in Node's order and with its checks. */
function configure(context: NativeSecureContext, options: SecureContextOptions): void {
  const o = options as SecureContextOptions & {
    clientCertEngine?: unknown
    privateKeyEngine?: unknown
    privateKeyIdentifier?: unknown
  }
  const ciphers = o.ciphers === undefined ? live.DEFAULT_CIPHERS : o.ciphers
  if (ciphers !== undefined && ciphers !== null) validateString(ciphers, 'options.ciphers')
  const { cipherList, cipherSuites } = splitCiphers(ciphers ?? '', 'options.ciphers')
  if (cipherSuites !== '') context.setCipherSuites(cipherSuites)
  context.setCiphers(cipherList)
  if (cipherList === '' && context.getMinProto() < TLS1_3 && context.getMaxProto() > TLS1_2) context.setMinProto(TLS1_3)

  // ca, cert and key are allowed to be falsy (not given).
  if (o.ca) {
    for (const ca of Array.isArray(o.ca) ? o.ca : [o.ca]) {
      validateKeyOrCert('options.ca', ca)
      context.addCACert(ca)
    }
  } else {
    context.addRootCerts()
  }
  if (o.cert) {
    for (const cert of Array.isArray(o.cert) ? o.cert : [o.cert]) {
      validateKeyOrCert('options.cert', cert)
      context.setCert(cert)
    }
  }
  if (o.key) {
    const keys = Array.isArray(o.key) ? o.key : [o.key]
    for (const k of keys as unknown[]) {
      const entry = k as { pem?: unknown; passphrase?: unknown } | null
      const pem = Array.isArray(o.key) && entry?.pem !== undefined ? entry.pem : k
      const pass = Array.isArray(o.key) && entry?.passphrase !== undefined ? entry.passphrase : o.passphrase
      validateKeyOrCert('options.key', pem)
      if (pass !== undefined && pass !== null) validateString(pass, 'options.passphrase')
      context.setKey(pem, pass as string | undefined)
    }
  }
  // Node's order: after the keys, before sigalgs. `[]` is "off" here
  // (Node skips the verb for it, and is off by default).
  const compression = packCertificateCompression(o.certificateCompression)
  if (compression !== undefined) context.setCertificateCompression(compression)
  if (o.sigalgs !== undefined && o.sigalgs !== null) {
    validateString(o.sigalgs, 'options.sigalgs')
    if (o.sigalgs === '') throw invalidArgValue('options.sigalgs', '')
    context.setSigalgs(o.sigalgs)
  }
  refuseEngineKey(o.privateKeyIdentifier, o.privateKeyEngine, Boolean(o.key))
  const ecdhCurve = o.ecdhCurve === undefined ? live.DEFAULT_ECDH_CURVE || 'auto' : o.ecdhCurve
  validateString(ecdhCurve, 'options.ecdhCurve')
  context.setECDHCurve(ecdhCurve)
  if (o.dhparam !== undefined && o.dhparam !== null) {
    validateKeyOrCert('options.dhparam', o.dhparam)
    warnOnce(
      'RUSTLS_NODE_DHPARAM_IGNORED',
      'dhparam is ignored: rustls implements no finite-field DHE suites, key exchange is always (EC)DHE over X25519/ML-KEM/NIST curves',
    )
  }
  if (o.crl !== undefined && o.crl !== null) {
    for (const crl of Array.isArray(o.crl) ? o.crl : [o.crl]) {
      validateKeyOrCert('options.crl', crl)
      context.addCRL(crl)
    }
  }
  if (o.sessionIdContext !== undefined && o.sessionIdContext !== null) {
    validateString(o.sessionIdContext, 'options.sessionIdContext')
    context.setSessionIdContext(o.sessionIdContext)
  }
  if (o.pfx !== undefined && o.pfx !== null) {
    const inArray = Array.isArray(o.pfx)
    for (const item of (inArray ? o.pfx : [o.pfx]) as unknown[]) {
      const entry = item as { buf?: unknown; passphrase?: unknown }
      const raw = inArray && entry.buf ? entry.buf : item
      const pass = (inArray && entry.passphrase) || o.passphrase
      context.loadPKCS12(pfxBuffer(raw), pass !== undefined && pass !== null ? pfxPassphrase(pass) : undefined)
    }
  }
  if (typeof o.clientCertEngine === 'string') {
    throw codedError('ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED', 'Custom engines not supported by this OpenSSL')
  } else if (o.clientCertEngine !== undefined && o.clientCertEngine !== null) {
    throw invalidArgType('options.clientCertEngine', 'of type string or one of null or undefined', o.clientCertEngine)
  }
  if (o.ticketKeys !== undefined && o.ticketKeys !== null) {
    validateBuffer(o.ticketKeys, 'options.ticketKeys')
    const length = native.TICKET_KEYS_LENGTH
    if (o.ticketKeys.byteLength !== length) {
      throw invalidArgValue('options.ticketKeys', o.ticketKeys.byteLength, `must be exactly ${length} bytes`)
    }
    context.setTicketKeys(Buffer.from(o.ticketKeys.buffer, o.ticketKeys.byteOffset, length))
  }
  if (o.sessionTimeout !== undefined && o.sessionTimeout !== null) {
    validateInt32(o.sessionTimeout, 'options.sessionTimeout', 0)
    context.setSessionTimeout(o.sessionTimeout)
  }
  const maxEarlyData = maxEarlyDataBytes(o.maxEarlyData)
  if (maxEarlyData !== undefined) context.setMaxEarlyData(maxEarlyData)
}

/** Node's privateKeyEngine/privateKeyIdentifier checks; then "no engines". */
function refuseEngineKey(identifier: unknown, engine: unknown, hasKey: boolean): void {
  if (identifier === undefined || identifier === null) return
  if (engine === undefined || engine === null) throw invalidArgValue('options.privateKeyEngine', engine)
  if (hasKey) throw invalidArgValue('options.privateKeyIdentifier', identifier)
  if (typeof identifier !== 'string') {
    throw invalidArgType('options.privateKeyIdentifier', 'of type string or one of null or undefined', identifier)
  }
  if (typeof engine !== 'string') {
    throw invalidArgType('options.privateKeyEngine', 'of type string or one of null or undefined', engine)
  }
  throw codedError('ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED', 'Custom engines not supported by this OpenSSL')
}

/** Node passes a pfx to OpenSSL's loader unchecked; what it cannot read fails there. */
function pfxBuffer(value: unknown): Buffer {
  if (!isBinaryLike(value)) throw codedError('ERR_CRYPTO_OPERATION_FAILED', 'Unable to load PFX certificate')
  return toBuffer(value)
}

function pfxPassphrase(value: unknown): Buffer {
  if (!isBinaryLike(value)) throw codedError('ERR_INVALID_ARG_TYPE', 'Pass phrase must be a buffer', TypeError)
  return toBuffer(value)
}

const warned = new Set<string>()
function warnOnce(code: string, message: string): void {
  if (warned.has(code)) return
  warned.add(code)
  process.emitWarning(message, { code, type: 'UnsupportedWarning' })
}

export function createSecureContext(options?: SecureContextOptions): SecureContextImpl {
  const o = options || {}
  validateObject(o, 'options')
  let secureOptions = o.secureOptions
  if (o.honorCipherOrder) secureOptions = (secureOptions ?? 0) | cryptoConstants.SSL_OP_CIPHER_SERVER_PREFERENCE
  const ctx = new SecureContextExport(o.secureProtocol, secureOptions, o.minVersion, o.maxVersion)
  try {
    configure(ctx.context, o)
  } catch (err) {
    // Node parses each input as it goes: an unreadable certificate is
    // reported before a bad option that comes after it.
    ctx.context.commit()
    throw err
  }
  ctx.context.commit()
  return ctx
}

/**
 * A context as SNICallback, setSecureContext() and `secureContext` accept
 * it: a SecureContext, or (as Node still tolerates) its `context`.
 */
export function asSecureContext(value: unknown): SecureContextImpl | null {
  if (value instanceof SecureContextExport) return value
  if (value instanceof NativeSecureContext) {
    const ctx = Object.create(SecureContextExport.prototype) as SecureContextImpl
    ctx.context = value
    return ctx
  }
  return null
}

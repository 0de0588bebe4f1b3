// tls.TLSSocket: a net.Socket whose bytes go through rustls.
//
// As in Node, a TLSSocket is a net.Socket over a native stream handle (see
// tls-handle.ts), so net.Socket's reading, writing, half-close, timeouts and
// the C++ consumers of stream handles (http2, the HTTP parser) work as they
// do on node:tls. Under it is the transport: the net.Socket it was given or
// connected itself, or Node's JSStreamSocket around any other Duplex
// (STARTTLS drivers and in-memory pairs), as Node wraps one.
//
//   transport 'data' ─▶ conn.receive ─▶ handle.readBuffer ─▶ 'data' / consumer
//   write()/writev() ─▶ handle.onwrite ─▶ conn.write ─▶ conn.takeOutput ─▶ transport.write
//
// Reading follows the reader: while the handle is not reading (the
// readable side is full, or paused with `onread`), the transport is paused,
// except during the handshake. A write completes when the transport has
// written its records, as with Node's TLSWrap.
//
// TLSSocket is a function constructor, like Node's: subclasses written
// as `TLSSocket.call(this, socket, options)` work, as do `class extends`.
//
// Its parts live in files of their own, their methods installed on the
// prototype here: the state they share (socket-state.ts); the handshake's
// start and end (handshake.ts); the record pump (ciphertext through
// rustls, step results delivered in Node's order: record-pump.ts); a
// server's hello pipeline (from the ClientHello to rustls's accept:
// server-hello.ts); what the handle asks — writes, shutdown, reading,
// close (handle-requests.ts); the transport's events (transport-events.ts);
// and where each handshake step runs, loop or thread pool
// (handshake-placement.ts). This file keeps the construction, failures
// and the public methods.

import * as net from 'node:net'
import type { Duplex } from 'node:stream'
import { appendFile } from 'node:fs'
import type * as tls from 'node:tls'
import { NodeTLSSocket } from './node-tls'
import type { X509Certificate } from 'node:crypto'
import { native, type NativeConnection } from './native'
import { asSecureContext } from './secure-context'
import { live } from './tls-module'
import { certificateObject, detailedChain, x509Of } from './certificate'
import {
  codedError,
  invalidArgType,
  sslError,
  invalidState,
  validateBoolean,
  validateBuffer,
  validateFunction,
  validateInt32,
  validateString,
  validateUint32,
} from './errors'
import type { EchOptions, EchRejectedError } from './ech'
import type { EarlyDataOptions } from './early-data'
import { refuseUnsupportedSocketOptions } from './unsupported'
import { createHandle, wrapDuplex, type TLSHandle } from './tls-handle'
import { tlsKeylogFile, traceTls } from './cli-options'
import { debug, role } from './debug'
import { initSocketState, type SocketState } from './socket-state'
import { handshake, sessionHandle, type Handshake } from './handshake'
import { recordPump, type RecordPump } from './record-pump'
import { serverHello, type ServerHello } from './server-hello'
import { handleRequests, type HandleRequests } from './handle-requests'
import { transportEvents, type TransportEvents } from './transport-events'

/** TLS sockets made in this process, by role (`tls.rustls.sockets`). */
export const socketCounts = { client: 0, server: 0 }

/** Options accepted by `new TLSSocket()`, plus the internal ones tls.connect / tls.Server pass. */
export interface TLSSocketInternalOptions extends tls.TLSSocketOptions, EchOptions, EarlyDataOptions {
  allowHalfOpen?: boolean
  highWaterMark?: number
  handshakeTimeout?: number
  pauseOnConnect?: boolean
  servername?: string
  credentials?: tls.SecureContext
  onread?: net.OnReadOpts
  signal?: AbortSignal
  pipe?: boolean
  /** @internal tls.connect's host: what the certificate is checked against without servername. */
  host?: string
  /** Refused: rustls has no external pre-shared keys. */
  pskCallback?: unknown
}

let tracingWarned = false
let keylogWarned = false
let keylogErrorWarned = false

// The socket's state (socket-state.ts), and the methods of five parts kept
// in their own files, installed on the prototype below: TypeScript learns
// them from this interface.
/** @internal */
// biome-ignore lint/correctness/noUnusedVariables: merged with the class below
interface TLSSocketImpl extends SocketState, Handshake, RecordPump, ServerHello, HandleRequests, TransportEvents {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
class TLSSocketImpl extends net.Socket implements tls.TLSSocket {
  declare encrypted: true
  declare authorized: boolean
  declare authorizationError: Error
  declare alpnProtocol: string | false | null
  declare servername: string | false | null
  declare secureConnecting: boolean
  /** The server that accepted this socket (server side), as in Node. */
  declare server: net.Server | null
  /** Node's TLSWrap handle, as `ssl`; here the same object as `_handle`. */
  declare ssl: TLSHandle | null
  declare _handle: TLSHandle | null
  declare _parent: net.Socket | null
  declare _tlsOptions: TLSSocketInternalOptions
  declare _secureEstablished: boolean
  declare _controlReleased: boolean
  declare _requestCert: boolean
  declare _rejectUnauthorized: boolean
  declare _closeAfterHandlingError: boolean
  declare _hadError: boolean
  declare _unrefTimer: () => void
  declare connecting: boolean

  /**
   * Client: whether the server accepted Encrypted Client Hello, set before
   * 'secureConnect'; false when none was offered (or only GREASE).
   */
  get echAccepted(): boolean {
    return this._echAccepted
  }

  /**
   * Whether TLS 1.3 early data (0-RTT) went through, set before
   * 'secureConnect' / 'secureConnection': on a client, whether the server
   * accepted (some of) `earlyData` as early data (if not, it was sent after
   * the handshake); on a server, whether the client's early data was
   * accepted (it is read first, as ordinary 'data').
   */
  get earlyDataAccepted(): boolean {
    return this._earlyDataAccepted
  }

  // Never runs: the exported TLSSocket is the function constructor below,
  // which shares this prototype. Declared for the types of `new TLSSocket`.
  constructor(socket?: Duplex | net.Socket | null, options?: TLSSocketInternalOptions) {
    super()
    void socket
    void options
  }

  // ---- construction -------------------------------------------------------

  /** Constructor guts (Node's `_init`): roles, listeners, the transport. */
  _init(socket: net.Socket | null, transport: net.Socket | null): void {
    debug('%s _init', role(this._isServer), 'handle?', Boolean(this._handle))
    const options = this._tlsOptions
    this.server = options.server ?? null
    this._requestCert = Boolean(options.requestCert) || !options.isServer
    this._rejectUnauthorized = Boolean(options.rejectUnauthorized)
    // Key log lines are only collected while someone listens, as in Node.
    this.on('newListener', onKeylogListener)
    if (tlsKeylogFile) logKeysToFile(this, tlsKeylogFile)
    if (this._isServer) {
      if (options.SNICallback !== undefined) validateFunction(options.SNICallback, 'options.SNICallback')
      if (options.ALPNCallback) validateFunction(options.ALPNCallback, 'options.ALPNCallback')
      const timeout = options.handshakeTimeout ?? 0
      if (timeout > 0) {
        this._handshakeTimer = setTimeout(() => this._handleTimeout(), timeout)
        this._handshakeTimer.unref?.()
      }
    }
    if (transport) this._attach(transport, socket)
    else this.connecting = true // tls.connect() / connect() will make one
    if (this._isServer) {
      this._conn = native.NativeConnection.server(this._context.context.native)
      this._enterHandshake()
    }
  }

  /**
   * Connects a socket made without one (`new TLSSocket()` then
   * `connect(...)`, as tls.connect() does): the transport is a new TCP or
   * IPC socket, and the handshake starts once it is connected.
   */
  override connect(...args: unknown[]): this {
    if (this._transport) throw codedError('ERR_SOCKET_CONNECTING', 'Socket is already connecting')
    if (this._signal?.aborted) return this
    const normalized = (
      net as unknown as { _normalizeArgs(a: unknown[]): [net.NetConnectOpts, (() => void)?] }
    )._normalizeArgs(args)
    const [options, cb] = normalized
    // The transport only moves ciphertext; the TLS socket owns timeouts.
    const transport = new net.Socket({ allowHalfOpen: true })
    this._attach(transport, null)
    if (cb) this.once('connect', cb)
    transport.connect({ ...options, timeout: undefined } as net.NetConnectOpts)
    transport.resume()
    return this
  }

  // ---- failures ---------------------------------------------------------------

  /**
   * A Node-style `(err, value)` callback for user code that may answer
   * later: an error destroys the socket with it, a second call destroys it
   * with ERR_MULTIPLE_CALLBACK (as Node), and nothing runs once destroyed.
   *
   * @internal
   */
  _onceCallback<T>(next: (value?: T) => void): (err: Error | null, value?: T) => void {
    let called = false
    return (err, value) => {
      if (called) {
        this.destroy(codedError('ERR_MULTIPLE_CALLBACK', 'Callback called multiple times'))
        return
      }
      called = true
      if (err) this.destroy(err)
      else if (!this._handle) this.destroy(codedError('ERR_SOCKET_CLOSED', 'Socket is closed'))
      else next(value)
    }
  }

  /**
   * A TLS failure: the socket is destroyed with it. Before the handshake
   * completed it stays usable while 'error' (and a server's
   * 'tlsClientError') are handled, as in Node.
   *
   * @internal
   */
  _fail(err: Error): void {
    if (this.destroyed) return
    if ((err as { code?: string }).code === 'ERR_TLS_ECH_REJECTED') {
      const retry = this._conn?.echRetryConfigs()
      if (retry) (err as EchRejectedError).retryConfigs = retry
    }
    if (!this._secureEstablished) this._closeAfterHandlingError = true
    this.destroy(err)
  }

  /** Node's `_emitTLSError`: 'error' once the owner took control, '_tlsError' always. */
  _emitTLSError(err: Error): void {
    debug('%s onerror %s had? %j', role(this._isServer), err, this._controlReleased)
    const e = this._tlsError(err)
    if (e) this.emit('error', e)
  }

  /** Node's `_tlsError` (also the 'error' listener until control is released). */
  _tlsError(err: Error): Error | null {
    this.emit('_tlsError', err)
    return this._controlReleased ? err : null
  }

  /** The owner (tls.connect, tls.Server) takes over 'error' handling. */
  _releaseControl(): boolean {
    if (this._controlReleased) return false
    this._controlReleased = true
    this.removeListener('error', this._tlsError)
    return true
  }

  /** Node's name for freeing the TLS state; here the handle's close does it. */
  _destroySSL(): void {
    this._conn = null
  }

  // ---- TLS introspection ----------------------------------------------------

  getPeerCertificate(detailed: true): tls.DetailedPeerCertificate
  getPeerCertificate(detailed?: false): tls.PeerCertificate
  getPeerCertificate(detailed?: boolean): tls.PeerCertificate | tls.DetailedPeerCertificate
  getPeerCertificate(detailed?: boolean): tls.PeerCertificate | tls.DetailedPeerCertificate {
    const chain = this._peerDers()
    if (chain === null) return null as unknown as tls.PeerCertificate
    if (chain.length === 0) return {} as tls.PeerCertificate
    if (detailed) return detailedChain(chain, this._conn?.trustedIssuerDer()) as tls.DetailedPeerCertificate
    return certificateObject(chain[0])
  }

  /** @internal The peer's certificates as sent, or null once the socket is gone (as Node). */
  _peerDers(): Buffer[] | null {
    const conn = this._live()
    if (!conn) return null
    if (this._peerChain) return this._peerChain
    const ders: Buffer[] = []
    for (let i = 0, n = conn.peerCertificateCount(); i < n; i++) {
      const der = conn.peerCertificateDer(i)
      if (der) ders.push(der)
    }
    if (this._secureEstablished) this._peerChain = ders
    return ders
  }

  /** @internal The native connection while the socket has its handle (Node's getters go by `_handle`). */
  _live(): NativeConnection | null {
    return this._handle ? this._conn : null
  }

  getCertificate(): tls.PeerCertificate | object | null {
    if (!this._handle) return null
    const der = this._context.context.getCertificate()
    return der ? certificateObject(der) : {}
  }

  getPeerX509Certificate(): X509Certificate | undefined {
    const ders = this._peerDers()
    if (!ders?.length) return undefined
    return x509Of(ders[0], ders.slice(1), this._conn?.trustedIssuerDer() ?? undefined)
  }

  getX509Certificate(): X509Certificate | undefined {
    return this._handle ? x509Of(this._context.context.getCertificate() ?? undefined) : undefined
  }

  getCipher(): tls.CipherNameAndProtocol {
    if (!this._handle) return null as unknown as tls.CipherNameAndProtocol
    return (this._conn?.cipher() ?? {}) as tls.CipherNameAndProtocol
  }

  getProtocol(): string | null {
    if (!this._handle) return null
    return this._conn?.protocol() ?? 'unknown'
  }

  getEphemeralKeyInfo(): tls.EphemeralKeyInfo | object | null {
    // null once the socket is gone, like every handle-backed getter in Node
    const conn = this._live()
    if (!conn) return null
    if (this._isServer) return null // what node:tls returns (its docs say {})
    const name = conn.keyExchangeGroup()
    if (!name) return {}
    const bits = GROUP_BITS[name]
    // Node 24 (OpenSSL 3.5) reports a group that is no elliptic curve, such
    // as the X25519MLKEM768 hybrid, as { type: 'TLSGroup', name }.
    return bits === undefined ? { type: 'TLSGroup', name } : { type: 'ECDH', name, size: bits }
  }

  /**
   * rustls-node's own: the key exchange group this connection negotiated
   * (OpenSSL's name, e.g. 'X25519MLKEM768', 'X25519', 'prime256v1'), on
   * either side; null before the handshake. Node has no server-side way to
   * ask (getEphemeralKeyInfo() is null on a server).
   */
  getNegotiatedGroup(): string | null {
    return this._live()?.keyExchangeGroup() ?? null
  }

  exportKeyingMaterial(length: number, label: string, context?: Buffer): NonSharedBuffer {
    validateUint32(length, 'length', true)
    validateString(label, 'label')
    if (context !== undefined) validateBuffer(context, 'context')
    if (!this._secureEstablished || !this._live()) throw invalidState()
    return this._conn!.exportKeyingMaterial(length, Buffer.from(label, 'latin1'), context) as NonSharedBuffer
  }

  /**
   * The session to pass as `session` to a later connect(): an opaque Buffer
   * naming a rustls session kept in this process (rustls does not
   * serialise sessions, so it does not resume across processes).
   */
  getSession(): NonSharedBuffer | undefined {
    if (!this._handle) return null as unknown as undefined
    if (this._session) return this._session as NonSharedBuffer
    // Before a TLS 1.3 ticket came: the group its tickets will join.
    return (this._conn?.sessionHandle() ?? undefined) as NonSharedBuffer | undefined
  }

  /** Always undefined on a server (as Node); a client's raw ticket is not exposed by rustls. */
  getTLSTicket(): NonSharedBuffer | undefined {
    if (!this._handle) return null as unknown as undefined
    if (this._isServer) return undefined
    throw notSupported('getTLSTicket()', 'rustls does not expose the raw session ticket on the client')
  }

  isSessionReused(): boolean {
    const conn = this._live()
    return conn ? conn.isResumed() : (null as unknown as boolean)
  }

  getFinished(): NonSharedBuffer | undefined {
    if (!this._handle) return null as unknown as undefined
    throw notSupported('getFinished()', 'rustls does not expose the Finished message')
  }

  getPeerFinished(): NonSharedBuffer | undefined {
    if (!this._handle) return null as unknown as undefined
    throw notSupported('getPeerFinished()', 'rustls does not expose the Finished message')
  }

  /** Signature algorithms both sides support, in the peer's order, by OpenSSL's names. */
  getSharedSigalgs(): string[] {
    const conn = this._live()
    return conn ? conn.sharedSigalgs() : (null as unknown as string[])
  }

  /** Caps the plaintext per TLS record this side sends (512 to 16384 bytes). */
  setMaxSendFragment(size: number): boolean {
    validateInt32(size, 'size')
    if (size < 512 || size > 16384 || !this._handle) return false
    this._maxSendFragment = size // applied when the connection is made, if not yet
    return this._conn ? this._conn.setMaxSendFragment(size) : true
  }

  /**
   * A documented no-op: rustls has no OpenSSL-style message trace. It says
   * so once, with a warning code, rather than pretending to trace. (The
   * 'keylog' event gives what a packet capture needs to be decrypted.)
   */
  enableTrace(): void {
    warnNoTrace()
  }

  setServername(name: string): void {
    validateString(name, 'name')
    if (this._isServer) throw codedError('ERR_TLS_SNI_FROM_SERVER', 'Cannot issue SNI from a TLS server-side socket')
    if (this._started) throw codedError('ERR_TLS_SNI_AFTER_START', 'servername must be set before the handshake starts')
    this._tlsOptions.servername = name
  }

  /** The session to resume (client, before the handshake starts). */
  setSession(session: string | Buffer): void {
    sessionHandle(session) // validates
    if (this._started) throw invalidState('setSession() must be called before the handshake starts')
    this._tlsOptions.session = session as Buffer
  }

  /** Node's handshake timeout (`handshakeTimeout`): the socket fails with ERR_TLS_HANDSHAKE_TIMEOUT. */
  _handleTimeout(): void {
    this._fail(codedError('ERR_TLS_HANDSHAKE_TIMEOUT', 'TLS handshake timeout'))
  }

  /** node:tls internals that rewire OpenSSL's TLSWrap; there is none here. */
  _wrapHandle(): never {
    throw notImplemented('_wrapHandle')
  }

  _finishInit(): never {
    throw notImplemented('_finishInit')
  }

  renegotiate(options: object, callback: (err: Error | null) => void): undefined | boolean {
    debug('%s renegotiate()', role(this._isServer), 'destroyed?', this.destroyed)
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
    if (callback !== undefined) validateFunction(callback, 'callback')
    if (this.destroyed) return undefined
    // TLS 1.3 has no renegotiation: OpenSSL's own refusal. TLS 1.2 does, but
    // rustls never renegotiates.
    const err =
      this.getProtocol() === 'TLSv1.3'
        ? sslError('ERR_SSL_WRONG_SSL_VERSION', 0x10a, 'wrong ssl version')
        : codedError(
            'ERR_TLS_RENEGOTIATION_UNSUPPORTED',
            'TLS renegotiation is not supported: rustls never renegotiates (RFC 8446 removed it; use a new connection)',
          )
    if (typeof callback === 'function') process.nextTick(callback, err)
    return false
  }

  disableRenegotiation(): void {
    // rustls never renegotiates: already disabled, as asked.
  }

  /**
   * Replaces this socket's key and certificate (a SecureContext or its
   * options), before they are used: a server socket before its ClientHello
   * is answered, a client socket before it starts.
   */
  setKeyCert(context: tls.SecureContext | tls.SecureContextOptions): void {
    if (!this._handle) return
    const ctx = asSecureContext(context) ?? live.createSecureContext(context as tls.SecureContextOptions)
    const used = this._isServer ? this._conn !== null && this._conn.protocol() !== null : this._started
    if (used) throw invalidState('setKeyCert() must be called before the handshake uses the certificate')
    this._context = ctx
  }
}

/**
 * `new TLSSocket(socket?, options?)`: a function constructor like Node's,
 * so that `TLSSocket.call(this, ...)` subclasses work too.
 */
function TLSSocket(this: TLSSocketImpl, socket?: Duplex | net.Socket | null, options?: TLSSocketInternalOptions): void {
  if (!(this instanceof TLSSocket)) {
    throw new TypeError("Class constructor TLSSocket cannot be invoked without 'new'")
  }
  const tlsOptions: TLSSocketInternalOptions = { ...options }
  let enableTrace = tlsOptions.enableTrace as unknown
  if (enableTrace === undefined || enableTrace === null) {
    enableTrace = traceTls
    if (traceTls && !tracingWarned) {
      tracingWarned = true
      process.emitWarning('Enabling --trace-tls can expose sensitive data in the resulting log.')
    }
  } else {
    validateBoolean(enableTrace, 'options.enableTrace')
  }
  refuseUnsupportedSocketOptions(tlsOptions)
  // A non-socket Duplex runs under Node's JSStreamSocket, as in Node (which
  // also rejects what is not a stream, with a TypeError).
  const transport = socket ? (socket instanceof net.Socket ? socket : wrapDuplex(socket)) : null
  const given = tlsOptions.secureContext || tlsOptions.credentials
  const context = given ? asSecureContext(given) : live.createSecureContext(tlsOptions)
  if (!context) throw codedError('ERR_TLS_INVALID_CONTEXT', 'context must be a SecureContext', TypeError)

  const self = this as unknown as Record<string, unknown>
  self._tlsOptions = tlsOptions
  self._isServer = Boolean(tlsOptions.isServer)
  if (self._isServer) socketCounts.server++
  else socketCounts.client++
  self._context = context
  self._secureEstablished = false
  self._controlReleased = false
  self.secureConnecting = true
  self.servername = null
  self.alpnProtocol = null
  self.authorized = false
  self.authorizationError = null
  initSocketState(this, tlsOptions)
  self.encrypted = true

  const handle = createHandle(this)
  net.Socket.call(this, {
    handle,
    allowHalfOpen: socket ? (socket as Duplex).allowHalfOpen : tlsOptions.allowHalfOpen,
    pauseOnCreate: tlsOptions.pauseOnConnect,
    manualStart: true,
    highWaterMark: tlsOptions.highWaterMark,
    onread: socket ? null : tlsOptions.onread,
    signal: tlsOptions.signal,
  } as net.SocketConstructorOpts)
  this.ssl = handle
  this.on('error', this._tlsError)
  this._init(socket instanceof net.Socket ? socket : null, transport)
  if (enableTrace) this.enableTrace()
  // Read on the next tick, so the caller can add listeners first.
  process.nextTick(initRead, this)
}

function initRead(socket: TLSSocketImpl): void {
  debug('%s initRead', role(socket._isServer), 'handle?', Boolean(socket._handle), 'buffered?', socket.readableLength)
  if (!socket._handle) return
  const t = socket._transportSocket()
  if (t && !t.destroyed) t.resume()
  socket.read(0)
}

function onKeylogListener(this: TLSSocketImpl, event: string | symbol): void {
  if (event !== 'keylog') return
  ;(this as unknown as { _conn: NativeConnection | null })._conn?.enableKeylog(true)
}

/** `--tls-keylog=file`: append every socket's key log lines, as Node does. */
function logKeysToFile(socket: TLSSocketImpl, file: string): void {
  if (!keylogWarned) {
    keylogWarned = true
    process.emitWarning(
      `Using --tls-keylog makes TLS connections insecure by writing secret key material to file ${file}`,
    )
  }
  socket.on('keylog', (line: Buffer) => {
    appendFile(file, line, { mode: 0o600 }, (err) => {
      if (err && !keylogErrorWarned) {
        keylogErrorWarned = true
        process.emitWarning(`Failed to write TLS keylog (this warning will not be repeated): ${err}`)
      }
    })
  })
}

// The parts kept in their own files: their methods go on the prototype as
// class methods would (not enumerable).
for (const [name, method] of Object.entries({
  ...handshake,
  ...recordPump,
  ...serverHello,
  ...handleRequests,
  ...transportEvents,
})) {
  Object.defineProperty(TLSSocketImpl.prototype, name, { value: method, writable: true, configurable: true })
}
TLSSocket.prototype = TLSSocketImpl.prototype
Object.defineProperty(TLSSocketImpl.prototype, 'constructor', { value: TLSSocket, writable: true, configurable: true })
Object.setPrototypeOf(TLSSocket, net.Socket)

// Node's http2 tells a TLS socket from a plain one by `instanceof
// tls.TLSSocket` (its own tls), and only then waits for 'secureConnect'
// instead of 'connect' before reading alpnProtocol and servername. So these
// sockets are instances of Node's TLSSocket too. Every method Node's
// prototype has is defined here as well (a test checks), so none of its
// OpenSSL code runs on them.
Object.setPrototypeOf(TLSSocketImpl.prototype, NodeTLSSocket.prototype)
const kReinitializeHandle = Object.getOwnPropertySymbols(net.Socket.prototype).find(
  (s) => s.description === 'kReinitializeHandle',
)
if (kReinitializeHandle) {
  // net's happy-eyeballs connect swaps a socket's TCP handle with this; the
  // transport here is a socket of its own, which does that itself.
  Object.defineProperty(TLSSocketImpl.prototype, kReinitializeHandle, {
    value: function reinitializeHandle(): never {
      throw notImplemented('reinitializeHandle')
    },
    writable: true,
    configurable: true,
  })
}

function notImplemented(method: string): Error {
  return codedError('ERR_METHOD_NOT_IMPLEMENTED', `The ${method} method is not implemented`)
}

const TLSSocketExport = TLSSocket as unknown as typeof TLSSocketImpl
type TLSSocketExport = TLSSocketImpl
export { TLSSocketExport as TLSSocket }

// Bits of security-relevant key size per group, as OpenSSL reports in
// getEphemeralKeyInfo().size.
const GROUP_BITS: Record<string, number> = {
  X25519: 253,
  prime256v1: 256,
  secp384r1: 384,
  secp521r1: 521,
}

let traceWarned = false
function warnNoTrace(): void {
  if (traceWarned) return
  traceWarned = true
  process.emitWarning(
    'enableTrace() has no effect: rustls has no OpenSSL message trace; use the keylog event with a packet capture',
    {
      code: 'RUSTLS_NODE_TRACE_UNAVAILABLE',
      type: 'UnsupportedWarning',
    },
  )
}

function notSupported(what: string, why: string): Error {
  return codedError('ERR_TLS_UNSUPPORTED_BY_RUSTLS', `${what} is not supported by rustls-node: ${why}`)
}

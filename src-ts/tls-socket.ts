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
// Three parts live in their own files: the record pump (ciphertext through
// rustls, step results delivered in Node's order: record-pump.ts), a
// server's hello pipeline (from the ClientHello to rustls's accept:
// server-hello.ts) and where each handshake step runs, loop or thread pool
// (handshake-placement.ts). This file keeps the socket's state, the
// handle's side (writes, shutdown, close), the handshake's start and end,
// failures, and the public methods.

import * as net from 'node:net'
import { finished, type Duplex } from 'node:stream'
import { appendFile } from 'node:fs'
import type * as tls from 'node:tls'
import { NodeTLSSocket } from './node-tls'
import type { X509Certificate } from 'node:crypto'
import { native, type NativeConnection } from './native'
import { type SecureContext, asSecureContext } from './secure-context'
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
import { alpnList } from './alpn'
import { echOffer, type EchOffer, type EchOptions, type EchRejectedError } from './ech'
import { earlyDataBytes, type EarlyDataOptions } from './early-data'
import { refuseUnsupportedSocketOptions } from './unsupported'
import { createHandle, wrapDuplex, UV_ECANCELED, UV_EPIPE, type StreamRequest, type TLSHandle } from './tls-handle'
import { tlsKeylogFile, traceTls } from './cli-options'
import { debug, role } from './debug'
import { enterHandshake, leaveHandshake } from './handshake-placement'
import { recordPump, type RecordPump } from './record-pump'
import { serverHello, type ServerHello } from './server-hello'

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

interface QueuedWrite {
  req: StreamRequest
  chunks: Buffer[]
  bytes: number
}

let tracingWarned = false
let keylogWarned = false
let keylogErrorWarned = false

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

  // The record pump (record-pump.ts), installed on the prototype below.
  /** @internal */
  declare _onCiphertext: RecordPump['_onCiphertext']
  /** @internal */
  declare _afterStep: RecordPump['_afterStep']
  /** @internal */
  declare _receiveOffLoop: RecordPump['_receiveOffLoop']
  /** @internal */
  declare _holdTickets: RecordPump['_holdTickets']
  /** @internal */
  declare _releaseTickets: RecordPump['_releaseTickets']
  /** @internal */
  declare _corkUntilImmediate: RecordPump['_corkUntilImmediate']
  /** @internal */
  declare _deliver: RecordPump['_deliver']
  /** @internal */
  declare _takeSessions: RecordPump['_takeSessions']
  /** @internal */
  declare _emitPendingSession: RecordPump['_emitPendingSession']
  /** @internal */
  declare _releaseHeldCiphertext: RecordPump['_releaseHeldCiphertext']
  /** @internal */
  declare _replay: RecordPump['_replay']

  // The server's hello pipeline (server-hello.ts), installed on the prototype below.
  /** @internal */
  declare _onClientHello: ServerHello['_onClientHello']
  /** @internal */
  declare _chooseContext: ServerHello['_chooseContext']
  /** @internal */
  declare _useContext: ServerHello['_useContext']
  /** @internal */
  declare _acceptWith: ServerHello['_acceptWith']
  /** @internal */
  declare _chooseAlpn: ServerHello['_chooseAlpn']
  /** @internal */
  declare _storesSessions: ServerHello['_storesSessions']
  /** @internal */
  declare _emitNewSessions: ServerHello['_emitNewSessions']

  /** @internal */
  declare _isServer: boolean
  /** @internal */
  declare _context: SecureContext
  /** @internal */
  declare _transport: net.Socket | null
  /** @internal */
  declare _conn: NativeConnection | null
  /** @internal */
  declare _started: boolean
  /** @internal The reader wants data (the handle's read state). */
  declare _reading: boolean
  /** @internal Writes and a shutdown that came before the handshake completed. */
  declare _queuedWrites: QueuedWrite[]
  /** @internal */
  declare _pendingShutdown: StreamRequest | null
  /** @internal Writes handed to the transport and not yet written by it. */
  declare _inflight: Set<QueuedWrite>
  /** @internal */
  declare _pendingBytes: number
  /** @internal */
  declare _handshakeTimer: NodeJS.Timeout | null
  /** @internal Nagle's algorithm as the user set it (setNoDelay), applied after the first data. */
  declare _userNoDelay: boolean
  /** @internal Nagle is off until the first application data after the handshake is out. */
  declare _nagleDeferred: boolean
  /** @internal The transport's 'end'/'close' that came while bytes were held. */
  declare _heldTransportEvents: Set<'end' | 'close'>
  /** @internal Counted in handshake-placement's sockets mid-handshake. */
  declare _inHandshake: boolean
  /** @internal Server, TLS 1.3: flushes held session tickets if nothing is written first. */
  declare _ticketTimer: NodeJS.Timeout | null
  /** @internal */
  declare _peerChain: Buffer[] | null
  /** @internal */
  declare _maxSendFragment: number | undefined
  /** @internal */
  declare _eofEmitted: boolean
  /** @internal The peer's close_notify came (EOF follows the plaintext before it). */
  declare _peerClosed: boolean
  /** @internal Client: the latest session delivered by 'session' (getSession()). */
  declare _session: Buffer | undefined
  /** @internal Client: 'session' waits until the server is verified, as in Node. */
  declare _verified: boolean
  /** @internal */
  declare _pendingSessions: Buffer[]
  /** @internal Server: 'newSession' callbacks not yet called. */
  declare _newSessionsPending: number
  /** @internal Server: what to do once they are. */
  declare _afterNewSessions: (() => boolean) | null
  /** @internal Server: what 'resumeSession' found for this ClientHello. */
  declare _resumeData: Buffer | undefined
  /** @internal Server: ciphertext that arrived while callbacks (SNI, ALPN, OCSP, sessions) ran. */
  declare _heldCiphertext: Buffer[] | null
  /** @internal Server: SNICallback chose the context. */
  declare _sniChosen: boolean
  /** @internal The `signal` option: once it aborted, connect() starts nothing (net's `_aborted`). */
  declare _signal: AbortSignal | undefined
  /** @internal Client: the Encrypted Client Hello to offer (echConfigList, echGrease). */
  declare _ech: EchOffer
  /** @internal */
  declare _echAccepted: boolean
  /** @internal Client: `earlyData`, checked and copied; handed to the native connection at _start(). */
  declare _earlyData: Buffer | undefined
  /** @internal */
  declare _earlyDataAccepted: boolean

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

  /** @internal Counts this socket as mid-handshake (see handshake-placement.ts) until _leaveHandshake. */
  _enterHandshake(): void {
    if (this._inHandshake) return
    this._inHandshake = true
    enterHandshake()
  }

  /** @internal */
  _leaveHandshake(): void {
    if (!this._inHandshake) return
    this._inHandshake = false
    leaveHandshake()
  }

  /** @internal */
  _attach(transport: net.Socket, given: net.Socket | null): void {
    this._transport = transport
    this._parent = transport
    // The TLS socket ends the transport itself (after close_notify, or on
    // destroy): a transport ending its side on the peer's FIN could do so
    // before held bytes (a pending handshake step or user callback) are
    // read, and answers written to them would fail with EPIPE.
    transport.allowHalfOpen = true
    this._userNoDelay = noDelayOf(transport)
    this._nagleDeferred = true
    transport.setNoDelay(true)
    transport.on('data', (chunk: Buffer) => this._onCiphertext(chunk))
    transport.on('end', () => this._onTransportEnd())
    transport.on('error', (err: Error) => this._onTransportError(err))
    transport.on('close', () => this._onTransportClose())
    const t = given ?? transport
    this.connecting = t.connecting || (t instanceof net.Socket && !(t as TLSSocketImpl)._handle)
    if (this.connecting) {
      t.once('connect', () => {
        this.connecting = false
        this.emit('connect')
        if (!given) this.emit('ready')
      })
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

  // ---- the handle's side: what net.Socket and C++ consumers ask -----------

  /** @internal */
  _handleWrite(req: StreamRequest, chunks: Buffer[]): void {
    let bytes = 0
    for (const c of chunks) bytes += c.length
    const write: QueuedWrite = { req, chunks, bytes }
    this._pendingBytes += bytes
    if (!this._secureEstablished) {
      this._queuedWrites.push(write)
      if (!this._isServer) this._start()
      return
    }
    this._send(write)
  }

  /** @internal Encrypts one batch of writes and hands it to the transport in one write. */
  _send(write: QueuedWrite): void {
    const conn = this._conn
    const t = this._transport
    this._inflight.add(write)
    if (!conn || !t || t.destroyed || t.writableEnded) {
      process.nextTick(() => this._finishWrite(write, UV_EPIPE))
      return
    }
    let records: Buffer | null
    try {
      conn.write(write.chunks)
      this._releaseTickets() // held tickets leave with these records
      records = conn.takeOutput()
    } catch (err) {
      process.nextTick(() => this._finishWrite(write, UV_EPIPE))
      this._fail(err as Error)
      return
    }
    if (!records) {
      process.nextTick(() => this._finishWrite(write, 0))
      return
    }
    // A failed transport write fails this write with the same errno
    // (ECONNRESET from a peer that reset, EPIPE after a shutdown, ...).
    t.write(records, (err?: Error | null) => this._finishWrite(write, err ? errnoOf(err) : 0))
  }

  /** @internal */
  _finishWrite(write: QueuedWrite, status: number): void {
    if (!this._inflight.delete(write)) return // cancelled by close
    if (this._nagleDeferred) this._restoreNagle()
    this._pendingBytes -= write.bytes
    this.ssl?.finishWrite(write.req, status)
    if (this._pendingShutdown && this._inflight.size === 0) this._shutdownNow()
  }

  /** @internal setNoDelay(): applied now, or once Nagle is back (see _restoreNagle). */
  _handleNoDelay(enable: boolean): void {
    this._userNoDelay = enable
    if (!this._nagleDeferred) this._transport?.setNoDelay(enable)
  }

  /**
   * Nagle's algorithm stays off on the transport from the ClientHello to
   * the first application data sent after the handshake, then is what the
   * user asked for (Node's default: on). The handshake's flights are one
   * write each anyway; what this prevents is the first data, written a
   * little after the last flight (a client's Finished, a server's held
   * tickets), waiting for the peer's delayed ACK of that flight: about
   * 40 ms on every new connection of a request/response protocol.
   *
   * @internal
   */
  _restoreNagle(): void {
    this._nagleDeferred = false
    if (!this._userNoDelay) this._transport?.setNoDelay(false)
  }

  /** @internal */
  _handleShutdown(req: StreamRequest): void {
    this._pendingShutdown = req
    if (!this._secureEstablished) {
      if (!this._isServer) this._start()
      return
    }
    if (this._inflight.size === 0) this._shutdownNow()
  }

  /** @internal end(): close_notify (RFC 8446 §6.1), then the transport's end. */
  _shutdownNow(): void {
    const req = this._pendingShutdown
    if (!req) return
    const t = this._transport
    const finish = () => {
      if (this._pendingShutdown !== req) return
      this._pendingShutdown = null
      this.ssl?.finishShutdown(req, 0)
    }
    this._conn?.close()
    this._flush()
    if (t && !t.destroyed && !t.writableEnded) t.end(finish)
    else process.nextTick(finish)
  }

  /** @internal */
  _handleReading(reading: boolean): void {
    this._reading = reading
    this._applyFlow()
  }

  /** @internal */
  _handleClose(done: () => void): void {
    this._leaveHandshake()
    if (this._handshakeTimer) {
      clearTimeout(this._handshakeTimer)
      this._handshakeTimer = null
    }
    this._releaseTickets()
    const t = this._transport
    const cancel = () => {
      const handle = this.ssl
      for (const w of [...this._queuedWrites, ...this._inflight]) handle?.finishWrite(w.req, UV_ECANCELED)
      this._queuedWrites = []
      this._inflight.clear()
      this._pendingBytes = 0
      const shutdown = this._pendingShutdown
      this._pendingShutdown = null
      if (shutdown) handle?.finishShutdown(shutdown, UV_ECANCELED)
      this._conn = null
      this.ssl = null
      done()
    }
    if (!t || t.closed) {
      setImmediate(cancel)
      return
    }
    // Any alert was written already; as Node's TLSWrap, close at once.
    finished(t, () => setImmediate(cancel))
    t.destroy()
  }

  /** @internal */
  _transportSocket(): net.Socket | null {
    return this._transport
  }

  /** @internal */
  _pendingWriteBytes(): number {
    return this._pendingBytes
  }

  /** @internal Node's `ssl.verifyError()`: the peer chain's verification error. */
  _verifyError(): Error | null {
    const failure = this._conn?.authorizationError()
    return failure ? codedError(failure.code, failure.message) : null
  }

  /** @internal Pauses the transport while nobody reads (after the handshake) or while callbacks run. */
  _applyFlow(): void {
    const t = this._transport
    if (!t || t.destroyed) return
    const flow = this._heldCiphertext === null && (!this._secureEstablished || this._reading)
    if (flow) {
      if (t.isPaused()) t.resume()
    } else if (!t.isPaused()) {
      t.pause()
    }
  }

  // ---- handshake --------------------------------------------------------------

  /** Creates the native connection and sends the ClientHello (client side). */
  _start(): void {
    debug('%s _start', role(this._isServer), 'handle?', Boolean(this._handle), 'connecting?', this.connecting)
    if (this._started || this._isServer) return
    if (this.connecting) {
      this.once('connect', () => this._start())
      return
    }
    if (!this._handle || !this._transport) return // destroyed before connecting
    this._started = true
    try {
      const name = this._sniName() ?? this._clientHost()
      this._conn = native.NativeConnection.client(this._context.context.native, {
        servername: name,
        // With ECH the real name goes in the encrypted ClientHello, also
        // without an explicit servername (an IP address never).
        sni: this._sniName() !== undefined || (this._ech.echConfigList !== undefined && !net.isIP(name)),
        echConfigList: this._ech.echConfigList,
        echGrease: this._ech.echGrease,
        earlyData: this._earlyData,
        rejectUnauthorized: this._rejectUnauthorized,
        alpn: alpnList(this._tlsOptions.ALPNProtocols, 'options.ALPNProtocols'),
        session: sessionHandle(this._tlsOptions.session),
        keylog: this.listenerCount('keylog') > 0,
      })
      this._enterHandshake()
      if (this._maxSendFragment) this._conn.setMaxSendFragment(this._maxSendFragment)
      this._flush()
    } catch (err) {
      this._fail(err as Error)
    }
  }

  /** @internal The name the client checks the certificate against and caches sessions under. */
  _clientHost(): string {
    const host = this._tlsOptions.host ?? (this._transport as { _host?: string } | null)?._host
    return host || 'localhost'
  }

  /**
   * The SNI name: only an explicit `servername`, as in node:tls (https.Agent
   * fills it in for HTTPS); never an IP address (RFC 6066 §3).
   *
   * @internal
   */
  _sniName(): string | undefined {
    const name = this._tlsOptions.servername
    return name && !net.isIP(name) ? name : undefined
  }

  /** @internal Writes pending ciphertext (handshake, alerts, tickets) to the transport. */
  _flush(): void {
    this._releaseTickets()
    const out = this._conn?.takeOutput()
    const t = this._transport
    if (!out || !t || t.destroyed || t.writableEnded) return
    t.write(out)
  }

  /** @internal Client: the server is verified; 'session' may be emitted (tls.connect). */
  _markVerified(): void {
    this._verified = true
    this._emitPendingSession()
  }

  /** @internal */
  _onHandshakeDone(conn: NativeConnection): void {
    debug('%s onhandshakedone', role(this._isServer))
    if (!this._handle) return
    this._secureEstablished = true
    this._leaveHandshake()
    if (this._handshakeTimer) {
      clearTimeout(this._handshakeTimer)
      this._handshakeTimer = null
    }
    const alpn = conn.alpnProtocol()
    this.alpnProtocol = alpn ? alpn.toString('latin1') : false
    if (this._isServer) {
      this.servername = conn.serverName() ?? false
      // Set before 'secure', for servers built on a plain net.Server
      // (STARTTLS), which read them in their 'secure' handler.
      if (this._requestCert) {
        const failure = conn.authorizationError()
        if (failure) this.authorizationError = failure.code as unknown as Error
        else this.authorized = true
      }
    } else {
      this.servername = this._sniName() ?? false
      this._echAccepted = conn.echAccepted()
    }
    this._earlyDataAccepted = conn.earlyDataAccepted()
    debug(
      '%s _finishInit',
      role(this._isServer),
      'handle?',
      Boolean(this._handle),
      'alpn',
      this.alpnProtocol,
      'servername',
      this.servername,
    )
    if (!this._isServer) {
      if (this._tlsOptions.requestOCSP) {
        debug('client onocspresponse')
        this.emit('OCSPResponse', conn.ocspResponse())
        if (!this._handle) return
      }
    }
    this._applyFlow()
    this.emit('secure')
    if (!this._handle) return
    const queued = this._queuedWrites
    this._queuedWrites = []
    for (const write of queued) this._send(write)
    if (this._pendingShutdown && this._inflight.size === 0) this._shutdownNow()
  }

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

  /** @internal 'keylog' with NSS key log lines (a tls.Server relays them). */
  _emitKeylog(conn: NativeConnection): void {
    for (const line of conn.takeKeylog()) {
      debug('onkeylog')
      this.emit('keylog', line)
    }
  }

  // ---- ends and failures -----------------------------------------------------

  /** @internal */
  _emitEOF(): void {
    if (this._eofEmitted) return
    this._eofEmitted = true
    this._handle?.emitEOF()
  }

  /**
   * The transport failed. A failed write of ours is reported to the write
   * it belongs to (a user's write gets the error in its callback) or, for
   * handshake records, alerts and close_notify, is only followed by the
   * close, as with Node's TLSWrap; anything else (a reset while reading, a
   * refused connection) is the socket's error.
   *
   * @internal
   */
  _onTransportError(err: Error): void {
    if ((err as NodeJS.ErrnoException).syscall === 'write') return
    this._emitTLSError(err)
  }

  /** @internal */
  _onTransportEnd(): void {
    // Bytes held for a pending step (a handshake step on the thread pool,
    // a user callback) come before the end of the stream.
    if (this._heldCiphertext) {
      this._heldTransportEvents.add('end')
      return
    }
    this._emitEOF()
    // The peer left before the handshake finished: it never will. End our
    // side too, as the transport did by itself when it was not half-open,
    // so the socket closes (a server reports 'socket hang up').
    const t = this._transport
    if (!this._secureEstablished && t && !t.destroyed && !t.writableEnded) t.end()
  }

  /** @internal */
  _onTransportClose(): void {
    // Also when destroyed and then revived by `_undestroy()`: the handle
    // is gone either way.
    if (this.destroyed || !this._handle) return
    if (this._heldCiphertext && this._transport?.readableEnded === true) {
      this._heldTransportEvents.add('close')
      return
    }
    // A transport destroyed under us takes the socket with it at once, as
    // in Node; after the peer's orderly close, buffered plaintext can
    // still be read before the socket goes away.
    const orderly = this._transport?.readableEnded === true
    if (!orderly || !this._secureEstablished || this.readableEnded || this.readableLength === 0) {
      this.destroy()
      return
    }
    this._emitEOF()
    this.once('end', () => this.destroy())
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
  self._transport = null
  self._conn = null
  self._ech = self._isServer ? {} : echOffer(tlsOptions)
  self._echAccepted = false
  self._earlyData = self._isServer ? undefined : earlyDataBytes(tlsOptions.earlyData)
  self._earlyDataAccepted = false
  self._started = false
  self._reading = false
  self._queuedWrites = []
  self._pendingShutdown = null
  self._inflight = new Set()
  self._pendingBytes = 0
  self._handshakeTimer = null
  self._ticketTimer = null
  self._inHandshake = false
  self._heldTransportEvents = new Set()
  self._userNoDelay = false
  self._nagleDeferred = false
  self._peerChain = null
  self._maxSendFragment = undefined
  self._eofEmitted = false
  self._peerClosed = false
  self._session = undefined
  self._verified = false
  self._pendingSessions = []
  self._newSessionsPending = 0
  self._afterNewSessions = null
  self._resumeData = undefined
  self._heldCiphertext = null
  self._sniChosen = false
  self._signal = tlsOptions.signal
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

/** A libuv status for a transport error: its errno, EPIPE if it has none. */
function errnoOf(err: Error): number {
  const errno = (err as NodeJS.ErrnoException).errno
  return typeof errno === 'number' && errno < 0 ? errno : UV_EPIPE
}

/** Whether setNoDelay(true) is in effect on a net.Socket (net keeps it in `kSetNoDelay`). */
function noDelayOf(socket: net.Socket): boolean {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'kSetNoDelay')
  return key ? Boolean((socket as unknown as Record<symbol, unknown>)[key]) : false
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

// The record pump (record-pump.ts) and the server's hello pipeline
// (server-hello.ts): their methods go on the prototype as class methods
// would (not enumerable).
for (const [name, method] of Object.entries({ ...recordPump, ...serverHello })) {
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

/** The `session` option as bytes for the native side. */
function sessionHandle(session: unknown): Buffer | undefined {
  if (session === undefined || session === null || session === false) return undefined
  if (typeof session === 'string') return Buffer.from(session, 'latin1')
  if (ArrayBuffer.isView(session)) return Buffer.from(session.buffer, session.byteOffset, session.byteLength)
  throw invalidArgType('options.session', 'an instance of Buffer, TypedArray, or DataView', session)
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

// tls.TLSSocket: a net.Socket whose bytes go through rustls.
//
// Node's own TLSSocket swaps the socket's C++ stream handle for a TLS one.
// Node-API cannot make stream handles, so this TLSSocket is a net.Socket
// without a handle whose stream methods (_read, _write, _final, _destroy)
// drive a NativeConnection and read from / write to the transport: a
// net.Socket, or any Duplex (STARTTLS drivers pass their own).
//
//   transport 'data' ─▶ conn.receive ─▶ conn.takePlaintext ─▶ this.push
//   this.write ─▶ conn.send ─▶ conn.takeOutput ─▶ transport.write
//
// Backpressure both ways: push() returning false pauses the transport until
// _read(); transport.write() returning false holds the write callback until
// the transport's 'drain'.

import * as net from 'node:net'
import type { Duplex } from 'node:stream'
import type * as tls from 'node:tls'
import type { X509Certificate } from 'node:crypto'
import { native, type NativeConnection } from './native'
import { SecureContext, createSecureContext, notAContext } from './secure-context'
import { certificateObject, detailedChain, x509Of } from './certificate'
import { checkServerIdentity } from './check-server-identity'
import { codedError, invalidArgType, outOfRange, validateNumber, validateString } from './errors'
import { alpnList } from './alpn'
import { refuseUnsupportedSocketOptions } from './unsupported'

// Event bits NativeConnection.receive() reports in progress[1].
const HANDSHAKE_DONE = 1
const PEER_CLOSED = 2
const CLIENT_HELLO = 4
const SESSION = 8
const KEYLOG = 16
const SERVER_SESSION = 32
const OUTPUT = 64

/** What this implementation knows about the peer it is connecting to. */
interface ClientTarget {
  host?: string
  checkServerIdentity: typeof checkServerIdentity
}

/** Options accepted by `new TLSSocket()`, plus the internal ones tls.connect / tls.Server pass. */
export interface TLSSocketInternalOptions extends tls.TLSSocketOptions {
  allowHalfOpen?: boolean
  highWaterMark?: number
  handshakeTimeout?: number
  pauseOnConnect?: boolean
  servername?: string
  /** @internal set by tls.connect */
  target?: ClientTarget
}

type WriteCallback = (err?: Error | null) => void

/** receive()'s out-parameter: [bytes consumed, event bits]. One is enough: JS runs one receive at a time. */
const progress = new Float64Array(2)

function connReset(message: string): Error {
  return codedError('ECONNRESET', message)
}

export class TLSSocket extends net.Socket implements tls.TLSSocket {
  encrypted = true as const
  authorized = false
  declare authorizationError: Error
  alpnProtocol: string | false | null = null
  servername: string | false | null = null
  secureConnecting = true
  /** The tls.Server that accepted this socket (server side), as in Node. */
  server: net.Server | null = null
  /** @internal net.Socket's timeout refresher, called on I/O activity. */
  declare _unrefTimer: () => void
  /** @internal */ _secureEstablished = false
  /** @internal */ _controlReleased = false

  private readonly _tlsOptions: TLSSocketInternalOptions
  private readonly _isServer: boolean
  private readonly _requestCert: boolean
  private readonly _rejectUnauthorized: boolean
  private _context: SecureContext
  private _transport: Duplex | null
  private _conn: NativeConnection | null = null
  private _started = false
  private _transportPaused = false
  private _pendingWrite: (() => void) | null = null
  private _pendingFinal: (() => void) | null = null
  private _eofPushed = false
  private _errorReported = false
  private _handshakeTimer: NodeJS.Timeout | null = null
  private _peerChain: Buffer[] | null = null
  private _maxSendFragment: number | undefined
  /** The latest session received (client), for getSession(). */
  private _session: Buffer | undefined
  /** Server: 'newSession' callbacks not yet called. */
  private _newSessionsPending = 0
  /** Server: what to do once they are. */
  private _afterNewSessions: (() => boolean) | null = null
  /** Server: what 'resumeSession' found for this ClientHello. */
  private _resumeData: Buffer | undefined
  /** Server: ciphertext that arrived while callbacks (SNI, ALPN, OCSP, sessions) ran. */
  private _heldCiphertext: Buffer[] | null = null
  /** Application bytes received and sent (`bytesRead`, `bytesWritten`). @internal */
  _plaintextIn = 0
  /** @internal */ _plaintextOut = 0
  /** After a TLS failure: let the queued alert drain before closing the transport. */
  private _closeGracefully = false

  constructor(socket?: Duplex | net.Socket, options: TLSSocketInternalOptions = {}) {
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
    super({
      allowHalfOpen: socket ? (socket as Duplex).allowHalfOpen : options.allowHalfOpen,
      highWaterMark: options.highWaterMark,
    } as net.SocketConstructorOpts)
    refuseUnsupportedSocketOptions(options)
    if (options.enableTrace) warnNoTrace()
    this.authorizationError = null as unknown as Error
    this._tlsOptions = { ...options }
    this._isServer = Boolean(options.isServer)
    this._requestCert = Boolean(options.requestCert) || !this._isServer
    this._rejectUnauthorized = Boolean(options.rejectUnauthorized)
    const ctx = options.secureContext
    if (ctx !== undefined && !(ctx instanceof SecureContext)) {
      throw codedError('ERR_TLS_INVALID_CONTEXT', 'context must be a SecureContext created by rustls-node', TypeError)
    }
    this._context = (ctx as SecureContext | undefined) ?? createSecureContext(options)
    this.server = options.server ?? null
    this._transport = socket ?? null
    // Key log lines are only collected while someone listens, as in Node.
    this.on('newListener', (event: string | symbol) => {
      if (event === 'keylog') this._conn?.enableKeylog(true)
    })
    if (socket) this._attach(socket)
    if (this._isServer) {
      const timeout = options.handshakeTimeout ?? 0
      if (timeout > 0) {
        this._handshakeTimer = setTimeout(() => {
          this._fail(codedError('ERR_TLS_HANDSHAKE_TIMEOUT', 'TLS handshake timeout'))
        }, timeout)
        this._handshakeTimer.unref?.()
      }
      this._start()
    }
  }

  // ---- transport plumbing -------------------------------------------------

  private _attach(transport: Duplex): void {
    transport.on('data', (chunk: Buffer) => this._onCiphertext(chunk))
    transport.on('end', () => this._onTransportEnd())
    transport.on('error', (err: Error) => this._onTransportError(err))
    transport.on('close', () => this._onTransportClose())
    const t = transport as net.Socket
    if (t.connecting) {
      this._setConnecting(true)
      t.once('connect', () => {
        this._setConnecting(false)
        if (this.destroyed) return
        this.emit('connect')
        this.emit('ready')
      })
    }
  }

  private _setConnecting(value: boolean): void {
    ;(this as { connecting: boolean }).connecting = value
  }

  /** Creates the native connection and sends the ClientHello (client side). @internal */
  _start(): void {
    if (this._started || this.destroyed) return
    const transport = this._transport
    if (!transport) return
    if ((transport as net.Socket).connecting) {
      transport.once('connect', () => this._start())
      return
    }
    this._started = true
    try {
      if (this._isServer) {
        this._conn = native.NativeConnection.server(this._context.context)
      } else {
        this._conn = native.NativeConnection.client(this._context.context, {
          servername: this._sniName() ?? this._tlsOptions.target?.host ?? 'localhost',
          sni: this._sniName() !== undefined,
          rejectUnauthorized: this._rejectUnauthorized,
          alpn: alpnList(this._tlsOptions.ALPNProtocols, 'options.ALPNProtocols'),
          session: sessionHandle(this._tlsOptions.session),
          keylog: this.listenerCount('keylog') > 0,
        })
        this._flush()
      }
      if (this._maxSendFragment) this._conn.setMaxSendFragment(this._maxSendFragment)
    } catch (err) {
      this._fail(err as Error)
    }
  }

  /**
   * The SNI name: only an explicit `servername`, as in node:tls (https.Agent
   * fills it in for HTTPS); never an IP address (RFC 6066 §3).
   */
  private _sniName(): string | undefined {
    const name = this._tlsOptions.servername
    return name && !net.isIP(name) ? name : undefined
  }

  /** Writes pending ciphertext to the transport; false when it is full. */
  private _flush(): boolean {
    const out = this._conn?.takeOutput()
    const t = this._transport
    if (!out || !t || t.destroyed || t.writableEnded) return true
    return t.write(out)
  }

  private _onCiphertext(chunk: Buffer): void {
    const conn = this._conn
    if (!conn || this.destroyed) return
    if (this._heldCiphertext) {
      this._heldCiphertext.push(chunk)
      return
    }
    this._unrefTimer()
    let offset = 0
    do {
      // Only the native call is guarded: an exception from a user listener
      // run below ('secureConnect', 'data', ...) must propagate as in Node,
      // not turn into a socket error.
      let plaintext: Buffer | null
      try {
        plaintext = conn.receive(chunk, offset, progress)
      } catch (err) {
        this._flush() // the alert rustls queued for the peer
        this._fail(err as Error)
        return
      }
      const consumed = progress[0]
      const events = progress[1]
      offset += consumed
      if (events & CLIENT_HELLO) {
        this._onClientHello(chunk.subarray(offset))
        return
      }
      if (events & HANDSHAKE_DONE) this._corkUntilNextTick()
      if (events & OUTPUT) this._flush()
      if (events & KEYLOG) this._emitKeylog(conn)
      if (events & SERVER_SESSION && this._emitNewSessions(conn)) {
        // As in Node, the handshake waits for the 'newSession' callbacks:
        // hold its completion, this plaintext and all later bytes.
        this._heldCiphertext = offset < chunk.length ? [chunk.subarray(offset)] : []
        this._afterNewSessions = () => this._deliver(events, plaintext)
        return
      }
      if (!this._deliver(events, plaintext)) return
      if (consumed === 0 && !plaintext) break
    } while (offset < chunk.length)
  }

  /**
   * The last handshake flight (or TLS 1.3 tickets) and whatever the
   * application writes in its 'secure'/'secureConnect' handler go out in
   * one TCP segment, as with OpenSSL. Sent apart, the second small segment
   * waits behind Nagle for the peer's delayed ACK (about 40 ms).
   */
  private _corkUntilNextTick(): void {
    const t = this._transport as (Duplex & { cork?: () => void; uncork?: () => void }) | null
    if (!t || typeof t.cork !== 'function' || typeof t.uncork !== 'function') return
    t.cork()
    process.nextTick(() => t.uncork!())
  }

  /**
   * Handshake completion, plaintext, sessions and EOF of one receive() step,
   * in Node's order. False when the stream is done with this chunk.
   */
  private _deliver(events: number, plaintext: Buffer | null): boolean {
    const conn = this._conn
    if (!conn) return false
    if (events & HANDSHAKE_DONE) {
      this._onHandshakeDone()
      if (this.destroyed) return false
    }
    if (plaintext && !this._eofPushed) {
      this._plaintextIn += plaintext.length
      if (!this.push(plaintext)) this._pauseTransport()
    }
    if (events & SESSION) {
      for (const session of conn.takeSessions()) {
        this._session = session
        this.emit('session', session)
      }
      if (this.destroyed) return false
    }
    if (events & PEER_CLOSED) {
      this._pushEof()
      return false
    }
    return true
  }

  /**
   * Server: 'newSession'(id, data, callback) for each session rustls made,
   * when the server stores sessions itself. True while callbacks are due.
   */
  private _emitNewSessions(conn: NativeConnection): boolean {
    const flat = conn.takeServerSessions()
    const server = this.server
    if (!server) return false
    for (let i = 0; i + 1 < flat.length; i += 2) {
      this._newSessionsPending++
      let called = false
      server.emit('newSession', flat[i], flat[i + 1], () => {
        if (called) return
        called = true
        if (--this._newSessionsPending > 0 || this.destroyed) return
        const resume = this._afterNewSessions
        this._afterNewSessions = null
        if (resume && !resume()) {
          this._heldCiphertext = null
          return
        }
        this._releaseHeldCiphertext()
      })
    }
    return this._newSessionsPending > 0
  }

  /**
   * Server: the ClientHello is in. Pick the context: `SNICallback` (the
   * server's `addContext` table by default), which may answer later, then
   * `ALPNCallback`; bytes arriving meanwhile are held, as in Node where the
   * handshake waits for the callback.
   */
  private _onClientHello(rest: Buffer): void {
    const conn = this._conn!
    this._heldCiphertext = rest.length > 0 ? [rest] : []
    const id = conn.helloSessionId()
    const server = this.server
    if (!id || !server || server.listenerCount('resumeSession') === 0) {
      this._chooseContext(conn)
      return
    }
    // The session may live in an external store: ask, and wait, as Node does.
    let called = false
    server.emit('resumeSession', id, (err: Error | null, data?: Buffer | null) => {
      if (called) return
      called = true
      if (err) {
        this._fail(err)
        return
      }
      if (data) this._resumeData = data
      this._chooseContext(conn)
    })
  }

  /** Server: SNICallback (the server's addContext table by default) picks the context. */
  private _chooseContext(conn: NativeConnection): void {
    if (this.destroyed || this._conn !== conn) return
    const servername = conn.helloServerName()
    const sni = this._tlsOptions.SNICallback
    if (!servername || !sni) {
      this._useContext(undefined, servername)
      return
    }
    try {
      sni(servername, this._onceCallback((ctx?: tls.SecureContext) => this._useContext(ctx, servername)))
    } catch (err) {
      this._fail(err as Error)
    }
  }

  /**
   * Server: the context is chosen. If the client asked for OCSP stapling
   * and the server listens for 'OCSPRequest', ask it (it may answer later),
   * as Node does after SNI.
   */
  private _useContext(ctx: tls.SecureContext | undefined, servername: string | null): void {
    const conn = this._conn
    if (!conn || this.destroyed) return
    if (ctx !== undefined && ctx !== null) {
      if (!(ctx instanceof SecureContext)) {
        this._fail(notAContext(ctx))
        return
      }
      this._context = ctx
    }
    const server = this.server
    if (!server || !conn.helloWantsOcsp() || server.listenerCount('OCSPRequest') === 0) {
      this._acceptWith(conn, servername, undefined)
      return
    }
    const context = this._context.context
    server.emit(
      'OCSPRequest',
      context.certificate(),
      context.certificateIssuer(),
      this._onceCallback((response?: Buffer | null) => this._acceptWith(conn, servername, response ?? undefined)),
    )
  }

  /**
   * A Node-style `(err, value)` callback for user code that may answer
   * later: an error fails the handshake, a second call destroys the socket
   * with ERR_MULTIPLE_CALLBACK (as Node), and nothing runs once destroyed.
   */
  private _onceCallback<T>(next: (value?: T) => void): (err: Error | null, value?: T) => void {
    let called = false
    return (err, value) => {
      if (called) {
        this.destroy(codedError('ERR_MULTIPLE_CALLBACK', 'Callback called multiple times'))
        return
      }
      called = true
      if (err) this._fail(err)
      else if (!this.destroyed) next(value)
    }
  }

  private _acceptWith(conn: NativeConnection, servername: string | null, ocsp: Buffer | undefined): void {
    if (this.destroyed || this._conn !== conn) return
    try {
      conn.accept(this._context.context, {
        requestCert: Boolean(this._tlsOptions.requestCert),
        rejectUnauthorized: this._rejectUnauthorized,
        alpn: this._chooseAlpn(conn, servername),
        keylog: this.listenerCount('keylog') > 0 || (this.server?.listenerCount('keylog') ?? 0) > 0,
        ocsp: ocsp && ocsp.length > 0 ? ocsp : undefined,
        externalSessions: this._storesSessions(),
        resumeData: this._resumeData,
      })
      this._emitKeylog(conn)
    } catch (err) {
      this._flush()
      this._fail(err as Error)
      return
    }
    this._flush()
    this._releaseHeldCiphertext()
  }

  /** Feeds the ciphertext held while callbacks ran, and stops holding. */
  private _releaseHeldCiphertext(): void {
    const held = this._heldCiphertext ?? []
    this._heldCiphertext = null
    for (const chunk of held) this._onCiphertext(chunk)
  }

  /** Whether the server keeps sessions itself ('newSession'/'resumeSession' listeners). */
  private _storesSessions(): boolean {
    const server = this.server
    return Boolean(server && (server.listenerCount('newSession') > 0 || server.listenerCount('resumeSession') > 0))
  }

  /** The server's ALPN list for this connection: ALPNProtocols, or ALPNCallback's choice. */
  private _chooseAlpn(conn: NativeConnection, servername: string | null): Buffer[] | undefined {
    const callback = this._tlsOptions.ALPNCallback
    if (!callback) return alpnList(this._tlsOptions.ALPNProtocols, 'options.ALPNProtocols')
    const offered = conn.helloAlpn()
    if (offered.length === 0) return undefined
    const protocols = offered.map((p) => p.toString('ascii'))
    const chosen = callback({ servername: servername ?? '', protocols })
    if (chosen === undefined) {
      // Refuse every offered protocol: a server list that matches none of
      // them makes rustls answer with the no_application_protocol alert
      // (RFC 7301 §3.2), as Node does when the callback returns undefined.
      return [Buffer.from([0])]
    }
    if (!protocols.includes(chosen)) {
      throw codedError(
        'ERR_TLS_ALPN_CALLBACK_INVALID_RESULT',
        `ALPN callback returned a value (${chosen}) that did not match any of the client's offered protocols (${protocols.join(', ')})`,
        TypeError,
      )
    }
    return [Buffer.from(chosen, 'ascii')]
  }

  /** 'keylog' with NSS key log lines, on the socket and (server side) the server. */
  private _emitKeylog(conn: NativeConnection): void {
    for (const line of conn.takeKeylog()) {
      this.emit('keylog', line)
      if (this._isServer) this.server?.emit('keylog', line, this)
    }
  }

  private _pauseTransport(): void {
    if (!this._transportPaused && this._transport) {
      this._transportPaused = true
      this._transport.pause()
    }
  }

  private _pushEof(): void {
    if (this._eofPushed) return
    this._eofPushed = true
    this.push(null)
  }

  private _onTransportEnd(): void {
    if (!this._secureEstablished) {
      this._fail(
        connReset(
          this._isServer ? 'socket hang up' : 'Client network socket disconnected before secure TLS connection was established',
        ),
      )
      return
    }
    this._pushEof()
  }

  private _onTransportError(err: Error): void {
    if (!this._secureEstablished && !this._isServer && (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
      const e = connReset('Client network socket disconnected before secure TLS connection was established')
      this._fail(Object.assign(e, { cause: err }))
      return
    }
    this._fail(err)
  }

  private _onTransportClose(): void {
    if (this.destroyed) return
    if (!this._secureEstablished) {
      this._fail(connReset(this._isServer ? 'socket hang up' : 'Client network socket disconnected before secure TLS connection was established'))
      return
    }
    this._pushEof()
    // Let buffered plaintext be read before going away; autoDestroy then
    // finishes the job once 'end' has been emitted.
    if (this.readableEnded || this.readableLength === 0) this.destroy()
    else this.once('end', () => this.destroy())
  }

  /**
   * A TLS or transport failure. A server socket whose handshake has not
   * completed reports it as the server's 'tlsClientError'; every other
   * socket is destroyed with it ('error', then 'close').
   */
  private _fail(err: Error): void {
    if (this.destroyed) return
    this._closeGracefully = true
    const server = this._tlsOptions.server
    if (this._isServer && !this._controlReleased && server) {
      if (!this._errorReported) {
        this._errorReported = true
        server.emit('tlsClientError', err, this)
      }
      this.destroy()
      return
    }
    this.destroy(err)
  }

  private _onHandshakeDone(): void {
    const conn = this._conn
    if (!conn) return
    this._secureEstablished = true
    this.secureConnecting = false
    if (this._handshakeTimer) {
      clearTimeout(this._handshakeTimer)
      this._handshakeTimer = null
    }
    const alpn = conn.alpnProtocol()
    this.alpnProtocol = alpn ? alpn.toString('latin1') : false
    if (this._isServer) this.servername = conn.serverName() ?? false
    else this.servername = this._sniName() ?? false
    this.emit('secure')
    if (this._isServer) this._authorizeClient(conn)
    else this._authorizeServer(conn)
    if (this.destroyed) return
    const write = this._pendingWrite
    this._pendingWrite = null
    write?.()
    const final = this._pendingFinal
    this._pendingFinal = null
    final?.()
  }

  private _authorizeClient(conn: NativeConnection): void {
    if (this._requestCert) {
      const failure = conn.authorizationError()
      if (failure) {
        this.authorizationError = failure.code as unknown as Error
        if (this._rejectUnauthorized) {
          this.destroy()
          return
        }
      } else {
        this.authorized = true
      }
    }
    this._controlReleased = true
    this.server?.emit('secureConnection', this)
  }

  private _authorizeServer(conn: NativeConnection): void {
    if (this._tlsOptions.requestOCSP) {
      this.emit('OCSPResponse', conn.ocspResponse())
      if (this.destroyed) return
    }
    const failure = conn.authorizationError()
    let error: Error | undefined = failure ? codedError(failure.code, failure.message) : undefined
    const target = this._tlsOptions.target
    // A resumed session was checked when it was first made, as in Node.
    if (!error && !conn.isResumed()) {
      const hostname = this._tlsOptions.servername || target?.host || 'localhost'
      const check = target?.checkServerIdentity ?? checkServerIdentity
      // The built-in check reads only the leaf's names: spare building the
      // detailed chain unless it fails (its error carries the chain, as Node's).
      const passes = check === checkServerIdentity && !checkServerIdentity(hostname, this.getPeerCertificate(false))
      if (!passes) error = check(hostname, this.getPeerCertificate(true)) ?? undefined
    }
    this._controlReleased = true
    if (error) {
      this.authorized = false
      this.authorizationError = ((error as { code?: string }).code || error.message) as unknown as Error
      if (this._rejectUnauthorized) {
        this.destroy(error)
        return
      }
    } else {
      this.authorized = true
    }
    this.emit('secureConnect')
  }

  // ---- stream implementation ---------------------------------------------

  override _read(_size: number): void {
    if (!this._started && !this._isServer) this._start()
    if (this._transportPaused && this._transport) {
      this._transportPaused = false
      this._transport.resume()
    }
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, cb: WriteCallback): void {
    this._writeChunks([typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk], cb)
  }

  override _writev(chunks: Array<{ chunk: Buffer | string; encoding: BufferEncoding }>, cb: WriteCallback): void {
    this._writeChunks(
      chunks.map(({ chunk, encoding }) => (typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk)),
      cb,
    )
  }

  private _writeChunks(chunks: Buffer[], cb: WriteCallback): void {
    if (!this._secureEstablished) {
      this._pendingWrite = () => this._writeChunks(chunks, cb)
      if (!this._isServer) this._start()
      return
    }
    const conn = this._conn
    if (!conn) {
      cb(codedError('ERR_SOCKET_CLOSED', 'Socket is closed'))
      return
    }
    const t = this._transport!
    let ok = true
    try {
      for (const c of chunks) {
        const records = conn.send(c)
        this._plaintextOut += c.length
        if (records && !t.destroyed && !t.writableEnded) ok = t.write(records)
      }
    } catch (err) {
      cb(err as Error)
      return
    }
    this._unrefTimer()
    if (ok) cb()
    else t.once('drain', () => cb())
  }

  override _final(cb: WriteCallback): void {
    if (!this._secureEstablished) {
      if (this.destroyed || !this._transport) {
        cb()
        return
      }
      this._pendingFinal = () => this._final(cb)
      if (!this._isServer) this._start()
      return
    }
    const conn = this._conn
    const t = this._transport
    if (conn) {
      conn.close()
      this._flush()
    }
    if (t && !t.destroyed && !t.writableEnded) t.end()
    cb()
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    if (this._handshakeTimer) {
      clearTimeout(this._handshakeTimer)
      this._handshakeTimer = null
    }
    const t = this._transport as (Duplex & { destroySoon?: () => void }) | null
    this._conn = null
    this._pendingWrite = null
    this._pendingFinal = null
    if (t && !t.destroyed) {
      if (this._closeGracefully && typeof t.destroySoon === 'function') t.destroySoon()
      else t.destroy()
    }
    cb(err)
    process.nextTick(() => this.emit('close', Boolean(err)))
  }

  // ---- net.Socket surface that belongs to the transport -------------------

  /** @internal net.Socket's address getters read through this. */
  _getpeername(): { address?: string; port?: number; family?: string } {
    const t = this._transport as (Duplex & { _getpeername?: () => object }) | null
    return (t?._getpeername?.() as { address?: string }) ?? {}
  }

  /** @internal */
  _getsockname(): { address?: string; port?: number; family?: string } {
    const t = this._transport as (Duplex & { _getsockname?: () => object }) | null
    return (t?._getsockname?.() as { address?: string }) ?? {}
  }

  override address(): net.AddressInfo | {} {
    const t = this._transport as net.Socket | null
    return typeof t?.address === 'function' ? t.address() : {}
  }

  override setNoDelay(noDelay?: boolean): this {
    ;(this._transport as net.Socket | null)?.setNoDelay?.(noDelay)
    return this
  }

  override setKeepAlive(enable?: boolean, initialDelay?: number): this {
    ;(this._transport as net.Socket | null)?.setKeepAlive?.(enable, initialDelay)
    return this
  }

  /** As in Node, a TLS socket cannot be reset: its handle is not a TCP handle. */
  override resetAndDestroy(): this {
    throw codedError('ERR_INVALID_HANDLE_TYPE', 'This handle type cannot be sent', TypeError)
  }

  override ref(): this {
    ;(this._transport as net.Socket | null)?.ref?.()
    return this
  }

  override unref(): this {
    ;(this._transport as net.Socket | null)?.unref?.()
    return this
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

  /** The peer's certificates as sent, or null once the socket is gone (as Node). */
  private _peerDers(): Buffer[] | null {
    const conn = this._conn
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

  getCertificate(): tls.PeerCertificate | object | null {
    if (!this._conn) return null
    const der = this._context.context.certificate()
    return der ? certificateObject(der) : {}
  }

  getPeerX509Certificate(): X509Certificate | undefined {
    return x509Of(this._peerDers()?.[0])
  }

  getX509Certificate(): X509Certificate | undefined {
    return this._conn ? x509Of(this._context.context.certificate() ?? undefined) : undefined
  }

  getCipher(): tls.CipherNameAndProtocol {
    const c = this._conn?.cipher()
    return (c ?? null) as tls.CipherNameAndProtocol
  }

  getProtocol(): string | null {
    return this._conn?.protocol() ?? null
  }

  getEphemeralKeyInfo(): tls.EphemeralKeyInfo | object | null {
    // null once the socket is gone, like every handle-backed getter in Node
    if (!this._conn) return null
    if (this._isServer) return null // what node:tls returns (its docs say {})
    const name = this._conn.keyExchangeGroup()
    if (!name) return {}
    return { type: 'ECDH', name, size: GROUP_BITS[name] ?? 0 }
  }

  exportKeyingMaterial(length: number, label: string, context?: Buffer): NonSharedBuffer {
    validateNumber(length, 'length', 0)
    validateString(label, 'label')
    if (context !== undefined && !ArrayBuffer.isView(context)) {
      throw invalidArgType('context', 'an instance of Buffer, TypedArray, or DataView', context)
    }
    if (!this._conn) throw codedError('ERR_SOCKET_CLOSED', 'Socket is closed')
    return this._conn.exportKeyingMaterial(length, Buffer.from(label, 'latin1'), context) as NonSharedBuffer
  }

  /**
   * The session to pass as `session` to a later connect(): an opaque Buffer
   * naming a rustls session kept in this process (rustls does not
   * serialise sessions, so it does not resume across processes).
   */
  getSession(): NonSharedBuffer | undefined {
    if (this._session) return this._session as NonSharedBuffer // still there after close, as in Node
    if (!this._conn) return null as unknown as undefined
    const given = this._tlsOptions.session
    return this.isSessionReused() && given ? (Buffer.from(given as Uint8Array) as NonSharedBuffer) : undefined
  }

  /** Always undefined on a server (as Node); a client's raw ticket is not exposed by rustls. */
  getTLSTicket(): NonSharedBuffer | undefined {
    if (this._isServer) return undefined
    throw notSupported('getTLSTicket()', 'rustls does not expose the raw session ticket on the client')
  }

  isSessionReused(): boolean {
    return this._conn ? this._conn.isResumed() : (null as unknown as boolean)
  }

  getFinished(): NonSharedBuffer | undefined {
    throw notSupported('getFinished()', 'rustls does not expose the Finished message')
  }

  getPeerFinished(): NonSharedBuffer | undefined {
    throw notSupported('getPeerFinished()', 'rustls does not expose the Finished message')
  }

  /** Signature algorithms both sides support, in the peer's order, by OpenSSL's names. */
  getSharedSigalgs(): string[] {
    return this._conn ? this._conn.sharedSigalgs() : (null as unknown as string[])
  }

  /** Caps the plaintext per TLS record this side sends (512 to 16384 bytes). */
  setMaxSendFragment(size: number): boolean {
    if (typeof size !== 'number' || !Number.isInteger(size)) throw invalidArgType('size', 'of type number', size)
    if (size < -0x80000000 || size > 0x7fffffff) throw outOfRange('size', '>= -2147483648 && <= 2147483647', size)
    if (size < 512 || size > 16384 || this.destroyed) return false
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
    if (this._started) throw codedError('ERR_TLS_INVALID_STATE', 'setSession() must be called before the handshake starts')
    this._tlsOptions.session = session as Buffer
  }

  renegotiate(_options: object, callback: (err: Error | null) => void): undefined | boolean {
    if (typeof callback === 'function') {
      const err = codedError(
        'ERR_TLS_RENEGOTIATION_UNSUPPORTED',
        'TLS renegotiation is not supported: rustls never renegotiates (RFC 8446 removed it; use a new connection)',
      )
      process.nextTick(callback, err)
    }
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
    const ctx = context instanceof SecureContext ? context : createSecureContext(context as tls.SecureContextOptions)
    const used = this._isServer ? this._conn !== null && this._conn.protocol() !== null : this._started
    if (used || this.destroyed) {
      throw codedError('ERR_TLS_INVALID_STATE', 'setKeyCert() must be called before the handshake uses the certificate')
    }
    this._context = ctx
  }
}

// Bits of security-relevant key size per group, as OpenSSL reports in
// getEphemeralKeyInfo().size.
const GROUP_BITS: Record<string, number> = {
  X25519: 253,
  prime256v1: 256,
  secp384r1: 384,
  secp521r1: 521,
  X25519MLKEM768: 253,
}

/** The `session` option as bytes for the native side. */
function sessionHandle(session: unknown): Buffer | undefined {
  if (session === undefined || session === null) return undefined
  if (typeof session === 'string') return Buffer.from(session, 'latin1')
  if (ArrayBuffer.isView(session)) return Buffer.from(session.buffer, session.byteOffset, session.byteLength)
  throw invalidArgType('options.session', 'an instance of Buffer, TypedArray, or DataView', session)
}

let tracedWarned = false
function warnNoTrace(): void {
  if (tracedWarned) return
  tracedWarned = true
  process.emitWarning('enableTrace() has no effect: rustls has no OpenSSL message trace; use the keylog event with a packet capture', {
    code: 'RUSTLS_NODE_TRACE_UNAVAILABLE',
    type: 'UnsupportedWarning',
  })
}

function notSupported(what: string, why: string): Error {
  return codedError('ERR_TLS_UNSUPPORTED_BY_RUSTLS', `${what} is not supported by rustls-node: ${why}`)
}

// net.Socket defines these from its handle, which a TLSSocket never has.
// As in Node, the byte counts are of application data (plaintext).
Object.defineProperties(TLSSocket.prototype, {
  pending: {
    configurable: true,
    get(this: { _transport: unknown; connecting: boolean }) {
      return !this._transport || this.connecting
    },
  },
  bytesRead: {
    configurable: true,
    get(this: { _plaintextIn: number }) {
      return this._plaintextIn
    },
  },
  bytesWritten: {
    configurable: true,
    get(this: { _plaintextOut: number }) {
      return this._plaintextOut
    },
  },
})

// A TLSSocket's handshake, start and end: a client creates its native
// connection and sends the ClientHello (a server's start is the hello
// pipeline, server-hello.ts); when rustls reports the handshake done, the
// socket takes ALPN, servername and authorization, emits 'OCSPResponse'
// and 'secure', and sends the writes that waited. Sockets mid-handshake
// are counted for handshake-placement.ts, which decides where steps run.
//
// These are methods of TLSSocket (installed on its prototype in
// tls-socket.ts), kept here as one concept.

import * as net from 'node:net'
import { alpnList } from './alpn'
import { debug, role } from './debug'
import { invalidArgType } from './errors'
import { enterHandshake, leaveHandshake } from './handshake-placement'
import { native, type NativeConnection } from './native'
import type { TLSSocket } from './tls-socket'

export const handshake = {
  /** @internal Counts this socket as mid-handshake (see handshake-placement.ts) until _leaveHandshake. */
  _enterHandshake(this: TLSSocket): void {
    if (this._inHandshake) return
    this._inHandshake = true
    enterHandshake()
  },

  /** @internal */
  _leaveHandshake(this: TLSSocket): void {
    if (!this._inHandshake) return
    this._inHandshake = false
    leaveHandshake()
  },

  /** Creates the native connection and sends the ClientHello (client side). */
  _start(this: TLSSocket): void {
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
  },

  /** @internal The name the client checks the certificate against and caches sessions under. */
  _clientHost(this: TLSSocket): string {
    const host = this._tlsOptions.host ?? (this._transport as { _host?: string } | null)?._host
    return host || 'localhost'
  },

  /**
   * The SNI name: only an explicit `servername`, as in node:tls (https.Agent
   * fills it in for HTTPS); never an IP address (RFC 6066 §3).
   *
   * @internal
   */
  _sniName(this: TLSSocket): string | undefined {
    const name = this._tlsOptions.servername
    return name && !net.isIP(name) ? name : undefined
  },

  /** @internal Writes pending ciphertext (handshake, alerts, tickets) to the transport. */
  _flush(this: TLSSocket): void {
    this._releaseTickets()
    const out = this._conn?.takeOutput()
    const t = this._transport
    if (!out || !t || t.destroyed || t.writableEnded) return
    t.write(out)
  },

  /** @internal Client: the server is verified; 'session' may be emitted (tls.connect). */
  _markVerified(this: TLSSocket): void {
    this._verified = true
    this._emitPendingSession()
  },

  /** @internal */
  _onHandshakeDone(this: TLSSocket, conn: NativeConnection): void {
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
  },

  /** @internal 'keylog' with NSS key log lines (a tls.Server relays them). */
  _emitKeylog(this: TLSSocket, conn: NativeConnection): void {
    for (const line of conn.takeKeylog()) {
      debug('onkeylog')
      this.emit('keylog', line)
    }
  },
}

/** The handshake's methods as TLSSocket has them. */
export type Handshake = { [K in keyof typeof handshake]: OmitThisParameter<(typeof handshake)[K]> }

/** The `session` option as bytes for the native side. */
export function sessionHandle(session: unknown): Buffer | undefined {
  if (session === undefined || session === null || session === false) return undefined
  if (typeof session === 'string') return Buffer.from(session, 'latin1')
  if (ArrayBuffer.isView(session)) return Buffer.from(session.buffer, session.byteOffset, session.byteLength)
  throw invalidArgType('options.session', 'an instance of Buffer, TypedArray, or DataView', session)
}

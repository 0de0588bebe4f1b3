// The server's hello pipeline: what a server TLSSocket does between reading
// the ClientHello and answering it, in Node's order — 'resumeSession' (an
// external session store may answer later), SNICallback (the server's
// addContext table by default), 'OCSPRequest', ALPNCallback, then rustls's
// accept (on the loop or the thread pool, see handshake-placement.ts) — and
// 'newSession' once sessions are made. Bytes arriving meanwhile are held by
// the socket (`_heldCiphertext`) and replayed in order.
//
// These are methods of TLSSocket (installed on its prototype in
// tls-socket.ts), kept here as one concept.

import type * as tls from 'node:tls'
import { alpnList } from './alpn'
import { debug } from './debug'
import { codedError } from './errors'
import { afterStep, onPool, stepError, stepOffLoop } from './handshake-placement'
import type { NativeConnection } from './native'
import { asSecureContext } from './secure-context'
import type { TLSSocket } from './tls-socket'

export const serverHello = {
  /**
   * Server: 'newSession'(id, data, callback) for each session rustls made,
   * when the server stores sessions itself. True while callbacks are due.
   */
  _emitNewSessions(this: TLSSocket, conn: NativeConnection): boolean {
    const flat = conn.takeServerSessions()
    const server = this.server
    if (!server) return false
    for (let i = 0; i + 1 < flat.length; i += 2) {
      this._newSessionsPending++
      let called = false
      const done = () => {
        if (called) return
        called = true
        if (--this._newSessionsPending > 0 || !this._handle) return
        const resume = this._afterNewSessions
        this._afterNewSessions = null
        if (resume && !resume()) {
          this._heldCiphertext = null
          return
        }
        this._releaseHeldCiphertext()
      }
      debug('onnewsession')
      if (!server.emit('newSession', flat[i], flat[i + 1], done)) done()
    }
    return this._newSessionsPending > 0
  },

  /**
   * Server: the ClientHello is in. Pick the context: `SNICallback` (the
   * server's `addContext` table by default), which may answer later, then
   * `ALPNCallback`; bytes arriving meanwhile are held, as in Node where the
   * handshake waits for the callback.
   */
  _onClientHello(this: TLSSocket, rest: Buffer): void {
    const conn = this._conn!
    debug('server onhandshakestart')
    this._heldCiphertext = rest.length > 0 ? [rest] : []
    this._applyFlow()
    const id = conn.helloSessionId()
    const server = this.server
    if (!id || !server || server.listenerCount('resumeSession') === 0) {
      this._chooseContext(conn)
      return
    }
    debug('server onclienthello', 'sessionid.len', id.length, 'servername', conn.helloServerName())
    // The session may live in an external store: ask, and wait, as Node does.
    server.emit(
      'resumeSession',
      id,
      this._onceCallback((data?: Buffer | null) => {
        debug('server resumeSession callback(sess? %s)', Boolean(data))
        if (data) this._resumeData = data
        this._chooseContext(conn)
      }),
    )
  },

  /** Server: SNICallback (the server's addContext table by default) picks the context. */
  _chooseContext(this: TLSSocket, conn: NativeConnection): void {
    if (!this._handle || this._conn !== conn) return
    const servername = conn.helloServerName()
    // Set here already, as Node's SNI callback does.
    if (servername) this.servername = servername
    const sni = this._tlsOptions.SNICallback
    if (!servername || !sni) {
      this._useContext(undefined, servername)
      return
    }
    try {
      sni.call(
        this,
        servername,
        this._onceCallback((ctx?: tls.SecureContext) => this._useContext(ctx, servername)),
      )
    } catch (err) {
      this.destroy(err as Error)
    }
  },

  /**
   * Server: the context is chosen. If the client asked for OCSP stapling
   * and the server listens for 'OCSPRequest', ask it (it may answer later),
   * as Node does after SNI.
   */
  _useContext(this: TLSSocket, ctx: tls.SecureContext | undefined, servername: string | null): void {
    const conn = this._conn
    if (!conn || !this._handle) return
    if (ctx !== undefined && ctx !== null) {
      const chosen = asSecureContext(ctx)
      if (!chosen) {
        this.destroy(codedError('ERR_TLS_INVALID_CONTEXT', 'Invalid SNI context', TypeError))
        return
      }
      this._context = chosen
      this._sniChosen = true
    }
    const server = this.server
    if (!server || !conn.helloWantsOcsp() || server.listenerCount('OCSPRequest') === 0) {
      this._acceptWith(conn, servername, undefined)
      return
    }
    const context = this._context.context
    debug('server oncertcb emit OCSPRequest')
    server.emit(
      'OCSPRequest',
      context.getCertificate(),
      context.getIssuer(),
      this._onceCallback((response?: Buffer | null) => this._acceptWith(conn, servername, response ?? undefined)),
    )
  },

  _acceptWith(this: TLSSocket, conn: NativeConnection, servername: string | null, ocsp: Buffer | undefined): void {
    if (!this._handle || this._conn !== conn) return
    let alpn: Buffer[] | undefined
    try {
      alpn = this._chooseAlpn(conn, servername)
    } catch (err) {
      this.destroy(err as Error)
      return
    }
    const init = {
      requestCert: Boolean(this._tlsOptions.requestCert),
      rejectUnauthorized: this._rejectUnauthorized,
      alpn,
      keylog: this.listenerCount('keylog') > 0,
      ocsp: ocsp && ocsp.length > 0 ? ocsp : undefined,
      externalSessions: this._storesSessions(),
      resumeData: this._resumeData,
      sniContext: this._sniChosen,
      // A tls.Server refuses a client whose chain fails once the
      // handshake is done (onServerSocketSecure), as Node does.
      chainCheckedAfter: Boolean(this._tlsOptions.server),
    }
    const accepted = (error: Error | null): void => {
      if (!this._handle || this._conn !== conn) return
      if (error) {
        this._flush()
        this._fail(error)
        return
      }
      this._emitKeylog(conn)
      this._flush()
      this._releaseHeldCiphertext()
      // 0-RTT accepted: the handshake is done for the application now, with
      // the early data to read (the core's half-RTT rule), not after the
      // client's next flight.
      if (this._handle && !this._secureEstablished && !this._heldCiphertext && conn.earlyDataAccepted()) {
        this._onCiphertext(Buffer.alloc(0))
      }
    }
    if (stepOffLoop()) {
      // The key exchange and the signature run on libuv's thread pool.
      afterStep(onPool(conn.acceptAsync(this._context.context.native, init)), (step) =>
        accepted(step.error ? stepError(step.error) : null),
      )
      return
    }
    try {
      conn.accept(this._context.context.native, init)
    } catch (err) {
      accepted(err as Error)
      return
    }
    accepted(null)
  },

  /** Whether the server keeps sessions itself ('newSession'/'resumeSession' listeners). */
  _storesSessions(this: TLSSocket): boolean {
    const server = this.server
    return Boolean(server && (server.listenerCount('newSession') > 0 || server.listenerCount('resumeSession') > 0))
  },

  /** The server's ALPN list for this connection: ALPNProtocols, or ALPNCallback's choice. */
  _chooseAlpn(this: TLSSocket, conn: NativeConnection, servername: string | null): Buffer[] | undefined {
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
  },
}

/** The pipeline's methods as TLSSocket has them. */
export type ServerHello = { [K in keyof typeof serverHello]: OmitThisParameter<(typeof serverHello)[K]> }

// The record pump of a TLSSocket: ciphertext from the transport goes
// through rustls one step at a time (on the loop, or a handshake step on
// the thread pool: handshake-placement.ts), and what each step reports —
// handshake done, plaintext, sessions, key log lines, the peer's
// close_notify — is delivered in Node's order. Bytes that arrive while a
// step or a user callback is pending are held and replayed in order. A TLS
// 1.3 server's session tickets wait for its first write (no delayed-ACK
// stall), and the handshake's last flight leaves corked with what the
// application writes in its 'secure' handler.
//
// These are methods of TLSSocket (installed on its prototype in
// tls-socket.ts), kept here as one concept.

import { debug } from './debug'
import { afterStep, onPool, stepError, stepOffLoop } from './handshake-placement'
import { native, type NativeConnection } from './native'
import type { TLSSocket } from './tls-socket'

// Event bits NativeConnection.receive() reports in progress[1].
const {
  EVENT_HANDSHAKE_DONE: HANDSHAKE_DONE,
  EVENT_PEER_CLOSED: PEER_CLOSED,
  EVENT_CLIENT_HELLO: CLIENT_HELLO,
  EVENT_SESSION: SESSION,
  EVENT_KEYLOG: KEYLOG,
  EVENT_SERVER_SESSION: SERVER_SESSION,
  EVENT_OUTPUT: OUTPUT,
  EVENT_MORE_PLAINTEXT: MORE_PLAINTEXT,
} = native

/** What a receive step leaves for the caller to do. */
const STOP = 0
const DONE = 1
const MORE = 2
type Step = typeof STOP | typeof DONE | typeof MORE

/** How long a TLS 1.3 server holds its tickets for a first write to carry them. */
const TICKET_HOLD_MS = 200

/** receive()'s out-parameter: [bytes consumed, event bits, plaintext bytes]. */
const progress = new Float64Array(3)
/**
 * Where receive() puts plaintext; the handle copies it out at once. One is
 * enough: JS runs one receive at a time.
 */
const plaintextScratch = Buffer.allocUnsafeSlow(64 * 1024)

export const recordPump = {
  _onCiphertext(this: TLSSocket, chunk: Buffer): void {
    const conn = this._conn
    if (!conn || !this._handle) return
    if (this._heldCiphertext) {
      this._heldCiphertext.push(chunk)
      return
    }
    this._unrefTimer()
    let offset = 0
    let more = false
    do {
      if (conn.isHandshaking() && stepOffLoop()) {
        this._receiveOffLoop(conn, chunk, offset)
        return
      }
      // Only the native call is guarded: an exception from a user listener
      // run below ('secureConnect', 'data', ...) must propagate as in Node,
      // not turn into a socket error.
      try {
        conn.receive(chunk, offset, plaintextScratch, progress)
      } catch (err) {
        this._flush() // the alert rustls queued for the peer
        this._fail(err as Error)
        return
      }
      const consumed = progress[0]
      const plaintext = progress[2]
      offset += consumed
      const next = this._afterStep(
        conn,
        progress[1],
        plaintext > 0 ? plaintextScratch.subarray(0, plaintext) : null,
        chunk,
        offset,
      )
      if (next === STOP) return
      // One record's plaintext per step; go on while more waits.
      more = next === MORE
      if (!more && consumed === 0 && plaintext === 0) break
    } while (more || offset < chunk.length)
  },

  /**
   * What one receive() step reported, handled in Node's order. STOP when
   * this chunk is done with (or held), MORE when plaintext still waits.
   */
  _afterStep(
    this: TLSSocket,
    conn: NativeConnection,
    events: number,
    plaintext: Buffer | null,
    chunk: Buffer,
    offset: number,
  ): Step {
    if (events & CLIENT_HELLO) {
      this._onClientHello(chunk.subarray(offset))
      return STOP
    }
    if (events & HANDSHAKE_DONE) this._corkUntilImmediate()
    if (events & OUTPUT) {
      if (events & HANDSHAKE_DONE && this._isServer && conn.protocol() === 'TLSv1.3') this._holdTickets()
      else this._flush()
    }
    if (events & KEYLOG) this._emitKeylog(conn)
    if (events & SERVER_SESSION && this._emitNewSessions(conn)) {
      // As in Node, the handshake waits for the 'newSession' callbacks:
      // hold its completion, this plaintext and all later bytes.
      const held = plaintext ? Buffer.from(plaintext) : null
      this._heldCiphertext = offset < chunk.length ? [chunk.subarray(offset)] : []
      this._afterNewSessions = () => this._deliver(events, held)
      this._applyFlow()
      return STOP
    }
    if (!this._deliver(events, plaintext)) return STOP
    return events & MORE_PLAINTEXT ? MORE : DONE
  },

  /**
   * One handshake step on libuv's thread pool (see handshake_task.rs): the
   * key exchange and certificate checks it runs do not block the event
   * loop. Bytes arriving meanwhile are held, and go through in order after.
   */
  _receiveOffLoop(this: TLSSocket, conn: NativeConnection, chunk: Buffer, offset: number): void {
    this._heldCiphertext = []
    this._applyFlow()
    // What runs on completion emits events to user code: outside the
    // promise reaction, so that a listener that throws raises an uncaught
    // exception, as from any socket event, not an unhandled rejection.
    afterStep(onPool(conn.receiveAsync(chunk, offset)), (step) => {
      if (!this._handle || this._conn !== conn) return
      const held = this._heldCiphertext ?? []
      this._heldCiphertext = null
      if (step.error) {
        this._flush() // the alert rustls queued for the peer
        this._fail(stepError(step.error))
        return
      }
      const at = offset + step.consumed
      const next = this._afterStep(conn, step.events, step.plaintext ?? null, chunk, at)
      if (next === STOP) {
        // Held again ('newSession' callbacks): what came meanwhile waits too.
        const again = this._heldCiphertext as Buffer[] | null
        if (again) again.push(...held)
        else if (held.length > 0) this._heldCiphertext = held
        this._applyFlow()
        return
      }
      if (at < chunk.length || next === MORE) this._onCiphertext(chunk.subarray(at))
      const again = this._heldCiphertext as Buffer[] | null
      if (again)
        again.push(...held) // another step went off the loop: the rest waits for it
      else this._replay(held)
    })
  },

  /**
   * A TLS 1.3 server's session tickets, the only output once the client's
   * Finished is in, wait for the server's first write and leave with it.
   * Sent alone, they would be the unacknowledged segment behind which
   * Nagle holds a reply written a little later (a database answering a
   * query, a server answering after a lookup) until the client's delayed
   * ACK, about 40 ms; node:tls has that stall, this does not. With no write
   * for a while they go anyway, so that a client still gets its session.
   */
  _holdTickets(this: TLSSocket): void {
    if (this._ticketTimer) return
    this._ticketTimer = setTimeout(() => this._flush(), TICKET_HOLD_MS)
    this._ticketTimer.unref?.()
  },

  _releaseTickets(this: TLSSocket): void {
    if (!this._ticketTimer) return
    clearTimeout(this._ticketTimer)
    this._ticketTimer = null
  },

  /**
   * The last handshake flight and whatever the application writes in its
   * 'secure'/'secureConnect' handler, or in code awaiting it (a promise
   * continuation, which runs after process.nextTick callbacks), go out in
   * one TCP segment, as with OpenSSL. Sent apart, the second small segment
   * waits behind Nagle for the peer's delayed ACK (about 40 ms).
   */
  _corkUntilImmediate(this: TLSSocket): void {
    const t = this._transport
    if (!t) return
    t.cork()
    setImmediate(() => t.uncork())
  },

  /**
   * Handshake completion, plaintext, sessions and EOF of one receive() step,
   * in Node's order. False when the stream is done with this chunk.
   */
  _deliver(this: TLSSocket, events: number, plaintext: Buffer | null): boolean {
    const conn = this._conn
    if (!conn) return false
    if (events & SESSION) this._takeSessions(conn)
    if (events & HANDSHAKE_DONE) {
      this._onHandshakeDone(conn)
      if (!this._handle) return false
    }
    if (plaintext) this._handle?.readBuffer(plaintext)
    if (!this._handle) return false
    if (events & SESSION && this._verified) this._emitPendingSession()
    // close_notify ends the stream once the plaintext before it is out.
    if (events & PEER_CLOSED) this._peerClosed = true
    if (this._peerClosed && !(events & MORE_PLAINTEXT)) {
      this._emitEOF()
      return false
    }
    return true
  },

  _takeSessions(this: TLSSocket, conn: NativeConnection): void {
    for (const session of conn.takeSessions()) {
      // Before verification Node keeps only the latest.
      if (this._verified) this._pendingSessions.push(session)
      else this._pendingSessions = [session]
    }
  },

  _emitPendingSession(this: TLSSocket): void {
    const sessions = this._pendingSessions
    this._pendingSessions = []
    for (const session of sessions) {
      // During its 'session' event, getSession() is that session (Node's
      // SSL_get_session() in the new-session callback).
      this._session = session
      debug('client emit session')
      this.emit('session', session)
    }
  },

  /** Feeds the ciphertext held while callbacks ran, and stops holding. */
  _releaseHeldCiphertext(this: TLSSocket): void {
    const held = this._heldCiphertext ?? []
    this._heldCiphertext = null
    this._replay(held)
  },

  /** Feeds held bytes in order, then the transport's end and close if they came meanwhile. */
  _replay(this: TLSSocket, held: Buffer[]): void {
    for (const chunk of held) this._onCiphertext(chunk)
    if (!this._heldCiphertext) {
      const events = this._heldTransportEvents
      if (events.size > 0) {
        this._heldTransportEvents = new Set()
        if (events.has('end')) this._onTransportEnd()
        if (events.has('close')) this._onTransportClose()
      }
    }
    this._applyFlow()
  },
}

/** The pump's methods as TLSSocket has them. */
export type RecordPump = { [K in keyof typeof recordPump]: OmitThisParameter<(typeof recordPump)[K]> }

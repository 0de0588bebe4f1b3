// The transport under a TLSSocket: the net.Socket it was given or connected
// itself (or Node's JSStreamSocket around another Duplex). Its 'data' goes
// to the record pump (record-pump.ts); its 'end', 'error' and 'close'
// become the TLS socket's EOF, error and close in Node's order — after any
// bytes held for a pending step or user callback.
//
// These are methods of TLSSocket (installed on its prototype in
// tls-socket.ts), kept here as one concept.

import * as net from 'node:net'
import type { TLSSocket } from './tls-socket'

export const transportEvents = {
  /** @internal */
  _attach(this: TLSSocket, transport: net.Socket, given: net.Socket | null): void {
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
    this.connecting = t.connecting || (t instanceof net.Socket && !(t as unknown as { _handle: unknown })._handle)
    if (this.connecting) {
      t.once('connect', () => {
        this.connecting = false
        this.emit('connect')
        if (!given) this.emit('ready')
      })
    }
  },

  /** @internal */
  _emitEOF(this: TLSSocket): void {
    if (this._eofEmitted) return
    this._eofEmitted = true
    this._handle?.emitEOF()
  },

  /**
   * The transport failed. A failed write of ours is reported to the write
   * it belongs to (a user's write gets the error in its callback) or, for
   * handshake records, alerts and close_notify, is only followed by the
   * close, as with Node's TLSWrap; anything else (a reset while reading, a
   * refused connection) is the socket's error.
   *
   * @internal
   */
  _onTransportError(this: TLSSocket, err: Error): void {
    if ((err as NodeJS.ErrnoException).syscall === 'write') return
    this._emitTLSError(err)
  },

  /** @internal */
  _onTransportEnd(this: TLSSocket): void {
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
  },

  /** @internal */
  _onTransportClose(this: TLSSocket): void {
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
  },
}

/** The transport's methods as TLSSocket has them. */
export type TransportEvents = { [K in keyof typeof transportEvents]: OmitThisParameter<(typeof transportEvents)[K]> }

/** Whether setNoDelay(true) is in effect on a net.Socket (net keeps it in `kSetNoDelay`). */
function noDelayOf(socket: net.Socket): boolean {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'kSetNoDelay')
  return key ? Boolean((socket as unknown as Record<symbol, unknown>)[key]) : false
}

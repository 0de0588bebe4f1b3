// The handle's side of a TLSSocket: what its stream handle (tls-handle.ts)
// asks on behalf of net.Socket and Node's C++ stream consumers — write a
// batch, shut down, start or stop reading, set Nagle, close — answered
// through rustls and the transport. A write completes when the transport
// has written its records, as with Node's TLSWrap; writes and a shutdown
// that come before the handshake completed wait for it.
//
// These are methods of TLSSocket (installed on its prototype in
// tls-socket.ts), kept here as one concept.

import type * as net from 'node:net'
import { finished } from 'node:stream'
import { codedError } from './errors'
import { UV_ECANCELED, UV_EPIPE, type StreamRequest } from './tls-handle'
import type { TLSSocket } from './tls-socket'

/** A write batch from the handle, until the transport has written its records. */
export interface QueuedWrite {
  req: StreamRequest
  chunks: Buffer[]
  bytes: number
}

export const handleRequests = {
  /** @internal */
  _handleWrite(this: TLSSocket, req: StreamRequest, chunks: Buffer[]): void {
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
  },

  /** @internal Encrypts one batch of writes and hands it to the transport in one write. */
  _send(this: TLSSocket, write: QueuedWrite): void {
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
  },

  /** @internal */
  _finishWrite(this: TLSSocket, write: QueuedWrite, status: number): void {
    if (!this._inflight.delete(write)) return // cancelled by close
    if (this._nagleDeferred) this._restoreNagle()
    this._pendingBytes -= write.bytes
    this.ssl?.finishWrite(write.req, status)
    if (this._pendingShutdown && this._inflight.size === 0) this._shutdownNow()
  },

  /** @internal setNoDelay(): applied now, or once Nagle is back (see _restoreNagle). */
  _handleNoDelay(this: TLSSocket, enable: boolean): void {
    this._userNoDelay = enable
    if (!this._nagleDeferred) this._transport?.setNoDelay(enable)
  },

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
  _restoreNagle(this: TLSSocket): void {
    this._nagleDeferred = false
    if (!this._userNoDelay) this._transport?.setNoDelay(false)
  },

  /** @internal */
  _handleShutdown(this: TLSSocket, req: StreamRequest): void {
    this._pendingShutdown = req
    if (!this._secureEstablished) {
      if (!this._isServer) this._start()
      return
    }
    if (this._inflight.size === 0) this._shutdownNow()
  },

  /** @internal end(): close_notify (RFC 8446 §6.1), then the transport's end. */
  _shutdownNow(this: TLSSocket): void {
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
  },

  /** @internal */
  _handleReading(this: TLSSocket, reading: boolean): void {
    this._reading = reading
    this._applyFlow()
  },

  /** @internal */
  _handleClose(this: TLSSocket, done: () => void): void {
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
  },

  /** @internal */
  _transportSocket(this: TLSSocket): net.Socket | null {
    return this._transport
  },

  /** @internal */
  _pendingWriteBytes(this: TLSSocket): number {
    return this._pendingBytes
  },

  /** @internal Node's `ssl.verifyError()`: the peer chain's verification error. */
  _verifyError(this: TLSSocket): Error | null {
    const failure = this._conn?.authorizationError()
    return failure ? codedError(failure.code, failure.message) : null
  },

  /** @internal Pauses the transport while nobody reads (after the handshake) or while callbacks run. */
  _applyFlow(this: TLSSocket): void {
    const t = this._transport
    if (!t || t.destroyed) return
    const flow = this._heldCiphertext === null && (!this._secureEstablished || this._reading)
    if (flow) {
      if (t.isPaused()) t.resume()
    } else if (!t.isPaused()) {
      t.pause()
    }
  },
}

/** The handle's requests as TLSSocket has them. */
export type HandleRequests = { [K in keyof typeof handleRequests]: OmitThisParameter<(typeof handleRequests)[K]> }

/** A libuv status for a transport error: its errno, EPIPE if it has none. */
function errnoOf(err: Error): number {
  const errno = (err as NodeJS.ErrnoException).errno
  return typeof errno === 'number' && errno < 0 ? errno : UV_EPIPE
}

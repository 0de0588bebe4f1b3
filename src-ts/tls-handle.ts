// The native stream handle under every TLSSocket.
//
// Node's TLSSocket is a net.Socket whose `_handle` is a C++ TLSWrap: the
// socket's stream machinery (reads, writes, shutdown, close) talks to the
// handle, and other C++ consumers (http2's nghttp2 session, the HTTP parser)
// can take the handle over and read and write it directly. Node-API cannot
// make such handles, but Node has one that calls back into JavaScript: the
// `JSStream` behind its internal `JSStreamSocket` (how TLS runs over a
// non-socket Duplex). A TLSHandle is a JSStream whose callbacks go to the
// TLSSocket that owns it:
//
//   socket.write() / nghttp2 ──▶ onwrite(req, bufs) ──▶ owner encrypts, sends
//   owner decrypts ──▶ readBuffer(plaintext) ──▶ 'data' / nghttp2 / parser
//   socket.end() ──▶ onshutdown(req) ──▶ close_notify, transport end
//   socket.destroy() ──▶ close(cb) ──▶ owner closes the transport
//
// It also forwards what TLSWrap forwards to the transport's handle (ref,
// unref, setNoDelay, setKeepAlive, getpeername, getsockname), so net.Socket's
// own methods work on a TLSSocket unchanged.
//
// Node does not export JSStream; it is reached once, lazily, through the
// handle of a node:tls socket over a PassThrough (about 3 ms, once per
// process). Node 18 to 24 all build TLS over JS streams this way.

import type * as nodeTls from 'node:tls'
import { NodeTLSSocket, nodeCreateSecureContext } from './node-tls'
import { PassThrough, type Duplex } from 'node:stream'
import { getSystemErrorMap } from 'node:util'
import type * as net from 'node:net'

/** A native write or shutdown request (WriteWrap, ShutdownWrap). */
export type StreamRequest = object

/** What a TLSHandle asks of the socket that owns it. */
export interface HandleOwner {
  /** Plaintext to encrypt and send; finish with `handle.finishWrite(req, status)`. */
  _handleWrite(req: StreamRequest, chunks: Buffer[]): void
  /** end(): close_notify and the transport's end; finish with `finishShutdown`. */
  _handleShutdown(req: StreamRequest): void
  /** The reader wants data (true) or is full (false). */
  _handleReading(reading: boolean): void
  /** destroy(): close the transport, then call `done`. */
  _handleClose(done: () => void): void
  /** The transport, for the calls forwarded to it. */
  _transportSocket(): net.Socket | null
  /** setNoDelay() on the TLS socket. */
  _handleNoDelay(enable: boolean): void
  /** Plaintext accepted and not yet handed to the transport. */
  _pendingWriteBytes(): number
  /** `ssl.verifyError()` of Node's TLSWrap. */
  _verifyError(): Error | null
}

interface JSStreamMembers {
  readBuffer(chunk: Uint8Array): void
  emitEOF(): void
  finishWrite(req: StreamRequest, status: number): void
  finishShutdown(req: StreamRequest, status: number): void
  readonly bytesRead: number
  readonly bytesWritten: number
  readonly isStreamBase: true
  /** Set by net.Socket: whether its reader wants data. */
  reading?: boolean
}

export interface TLSHandle extends JSStreamMembers {
  owner: HandleOwner | null
  /** The JS object under this handle: the transport socket (Node: `_parentWrap`). */
  readonly _parentWrap: net.Socket | null
  readonly writeQueueSize: number
  verifyError(): Error | null
  close(cb?: () => void): void
}

interface NodeInternals {
  JSStream: new () => JSStreamMembers
  JSStreamSocket: new (stream: Duplex) => net.Socket
}

let internals: NodeInternals | undefined

function nodeInternals(): NodeInternals {
  if (!internals) {
    const probe = new NodeTLSSocket(new PassThrough(), {
      secureContext: nodeCreateSecureContext(),
    }) as nodeTls.TLSSocket & {
      _handle: { _parent: object; _parentWrap: object }
    }
    internals = {
      JSStream: probe._handle._parent.constructor as NodeInternals['JSStream'],
      JSStreamSocket: probe._handle._parentWrap.constructor as NodeInternals['JSStreamSocket'],
    }
    probe.destroy()
  }
  return internals
}

/**
 * Node's JSStreamSocket: a net.Socket over any Duplex. TLS runs over a
 * Duplex that is not a net.Socket through one, as in Node, so the
 * transport is always a net.Socket.
 */
export function wrapDuplex(stream: Duplex): net.Socket {
  return new (nodeInternals().JSStreamSocket)(stream)
}

/** libuv's code for a cancelled request (negative, platform dependent). */
export const UV_ECANCELED = uvCode('ECANCELED', -125)
export const UV_EPIPE = uvCode('EPIPE', -32)

function uvCode(name: string, fallback: number): number {
  for (const [code, [n]] of getSystemErrorMap()) if (n === name) return code
  return fallback
}

type HandleClass = new (owner: HandleOwner) => TLSHandle

let handleClass: HandleClass | undefined

function makeHandleClass(): HandleClass {
  const Base = nodeInternals().JSStream
  // JSStream's C++ side calls these by name on the handle object.
  class Handle extends Base {
    owner: HandleOwner | null

    constructor(owner: HandleOwner) {
      super()
      this.owner = owner
    }

    onreadstart(): number {
      this.owner?._handleReading(true)
      return 0
    }

    onreadstop(): number {
      this.owner?._handleReading(false)
      return 0
    }

    onwrite(req: StreamRequest, bufs: Buffer[]): number {
      if (!this.owner) return UV_EPIPE
      this.owner._handleWrite(req, bufs)
      return 0
    }

    onshutdown(req: StreamRequest): number {
      if (!this.owner) return UV_EPIPE
      this.owner._handleShutdown(req)
      return 0
    }

    isClosing(): boolean {
      return this.owner === null
    }

    close(cb?: () => void): void {
      const owner = this.owner
      if (!owner) {
        if (cb) setImmediate(cb)
        return
      }
      owner._handleClose(() => {
        this.owner = null
        cb?.()
      })
    }

    get _parentWrap(): net.Socket | null {
      return this.owner?._transportSocket() ?? null
    }

    get writeQueueSize(): number {
      return this.owner?._pendingWriteBytes() ?? 0
    }

    verifyError(): Error | null {
      return this.owner?._verifyError() ?? null
    }

    // What TLSWrap forwards to the transport's handle.
    ref(): void {
      this.owner?._transportSocket()?.ref()
    }

    unref(): void {
      this.owner?._transportSocket()?.unref()
    }

    setNoDelay(enable: boolean): number {
      this.owner?._handleNoDelay(enable)
      return 0
    }

    /** net.Socket passes the delay in seconds here, as to a TCP handle. */
    setKeepAlive(enable: boolean, delaySeconds: number): number {
      this.owner?._transportSocket()?.setKeepAlive(enable, delaySeconds * 1000)
      return 0
    }

    getpeername(out: Record<string, unknown>): number {
      return copyAddress(this.owner?._transportSocket(), '_getpeername', out)
    }

    getsockname(out: Record<string, unknown>): number {
      return copyAddress(this.owner?._transportSocket(), '_getsockname', out)
    }
  }
  return Handle as unknown as HandleClass
}

/** libuv's ENOTCONN when the transport has no address (yet). */
const UV_ENOTCONN = uvCode('ENOTCONN', -107)

function copyAddress(
  transport: net.Socket | null | undefined,
  method: '_getpeername' | '_getsockname',
  out: Record<string, unknown>,
): number {
  const get = (transport as unknown as Record<string, (() => Record<string, unknown>) | undefined> | null)?.[method]
  const address = typeof get === 'function' ? get.call(transport) : undefined
  if (!address || address.address === undefined) return UV_ENOTCONN
  Object.assign(out, address)
  return 0
}

export function createHandle(owner: HandleOwner): TLSHandle {
  handleClass ??= makeHandleClass()
  return new handleClass(owner)
}

// tls.createSecurePair() / SecurePair: the legacy API (deprecated in Node,
// DEP0064) of a TLS engine with two streams: `encrypted` carries TLS
// records, `cleartext` (a TLSSocket) carries application data. Built here,
// as in Node, from a TLSSocket over one end of an in-memory duplex pair.

import { EventEmitter } from 'node:events'
import { Duplex } from 'node:stream'
import { deprecate } from 'node:util'
import type * as tls from 'node:tls'
import { TLSSocket } from './tls-socket'
import { SecureContext, createSecureContext, notAContext } from './secure-context'

/** One end of a pair of connected in-memory Duplex streams. */
class PairEnd extends Duplex {
  other: PairEnd | null = null
  private readonly pending: Array<() => void> = []

  override _read(): void {
    const resume = this.pending.shift()
    resume?.()
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const other = this.other
    if (!other || other.destroyed) {
      cb(new Error('the other end of the pair is closed'))
      return
    }
    if (other.push(chunk)) cb()
    else other.pending.push(() => cb())
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.other?.push(null)
    cb()
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    const other = this.other
    this.other = null
    if (other && !other.destroyed) other.destroy()
    cb(err)
  }
}

function duplexPair(): [PairEnd, PairEnd] {
  const a = new PairEnd()
  const b = new PairEnd()
  a.other = b
  b.other = a
  return [a, b]
}

export class SecurePair extends EventEmitter implements tls.SecurePair {
  /**
   * The TLS-record side. At run time a Duplex, as in Node; typed as
   * @types/node types it (TLSSocket) so code written for node:tls compiles.
   */
  readonly encrypted: tls.TLSSocket
  readonly cleartext: TLSSocket
  readonly credentials: SecureContext

  constructor(
    context: tls.SecureContext | undefined,
    isServer: boolean,
    requestCert: boolean,
    rejectUnauthorized: boolean,
    options: tls.TLSSocketOptions = {},
  ) {
    super()
    const [outside, inside] = duplexPair()
    if (context !== undefined && !(context instanceof SecureContext)) throw notAContext(context)
    this.credentials = context ?? createSecureContext()
    this.encrypted = outside as unknown as tls.TLSSocket
    this.cleartext = new TLSSocket(inside, {
      ...options,
      secureContext: this.credentials as unknown as tls.SecureContext,
      isServer,
      requestCert,
      rejectUnauthorized,
    })
    this.cleartext.once('secure', () => this.emit('secure'))
    if (!isServer) this.cleartext._start()
  }
}

function createSecurePairImpl(
  context?: tls.SecureContext,
  isServer?: boolean,
  requestCert?: boolean,
  rejectUnauthorized?: boolean,
): SecurePair {
  return new SecurePair(context, Boolean(isServer), Boolean(requestCert), Boolean(rejectUnauthorized))
}

export const createSecurePair: (
  context?: tls.SecureContext,
  isServer?: boolean,
  requestCert?: boolean,
  rejectUnauthorized?: boolean,
) => SecurePair = deprecate(
  createSecurePairImpl,
  'tls.createSecurePair() is deprecated. Please use tls.TLSSocket instead.',
  'DEP0064',
)

// tls.createSecurePair(): the legacy API (deprecated in Node, DEP0064) of a
// TLS engine with two streams: `encrypted` carries TLS records, `cleartext`
// (a TLSSocket) carries application data. Built, as in Node, from a
// TLSSocket over one end of an in-memory duplex pair.

import { EventEmitter } from 'node:events'
import { Duplex } from 'node:stream'
import { deprecate } from 'node:util'
import type * as tls from 'node:tls'
import { TLSSocket, type TLSSocketInternalOptions } from './tls-socket'
import { live } from './tls-module'

/** One end of a pair of connected in-memory streams: what one writes, the other reads. */
class PairEnd extends Duplex {
  other: PairEnd | null = null
  /** The write that waits until the other side reads. */
  waiting: (() => void) | null = null

  override _read(): void {
    const resume = this.waiting
    this.waiting = null
    resume?.()
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const other = this.other
    if (chunk.length === 0 || !other) {
      process.nextTick(cb)
      return
    }
    other.push(chunk)
    other.waiting = () => cb()
  }

  override _final(cb: (err?: Error | null) => void): void {
    const other = this.other
    if (!other) {
      cb()
      return
    }
    other.on('end', () => cb())
    other.push(null)
  }
}

export class SecurePair extends EventEmitter implements tls.SecurePair {
  /**
   * The TLS-record side. At run time a Duplex, as in Node; typed as
   * @types/node types it (TLSSocket) so code written for node:tls compiles.
   */
  readonly encrypted: tls.TLSSocket
  readonly cleartext: TLSSocket
  readonly credentials: tls.SecureContext | null
  readonly server: unknown

  constructor(
    secureContext: tls.SecureContext | null = live.createSecureContext(),
    isServer = false,
    requestCert = !isServer,
    rejectUnauthorized = false,
    options: TLSSocketInternalOptions = {},
  ) {
    super()
    const outside = new PairEnd()
    const inside = new PairEnd()
    outside.other = inside
    inside.other = outside
    this.server = (options as { server?: unknown }).server
    this.credentials = secureContext
    this.encrypted = outside as unknown as tls.TLSSocket
    this.cleartext = new TLSSocket(inside, {
      secureContext: secureContext ?? undefined,
      isServer,
      requestCert,
      rejectUnauthorized,
      ...options,
    })
    this.cleartext.once('secure', () => this.emit('secure'))
  }

  destroy(): void {
    this.cleartext.destroy()
    ;(this.encrypted as unknown as Duplex).destroy()
  }
}

export const createSecurePair = deprecate(
  function createSecurePair(...args: ConstructorParameters<typeof SecurePair>): SecurePair {
    return new SecurePair(...args)
  },
  'tls.createSecurePair() is deprecated. Please use tls.TLSSocket instead.',
  'DEP0064',
) as (
  context?: tls.SecureContext,
  isServer?: boolean,
  requestCert?: boolean,
  rejectUnauthorized?: boolean,
) => SecurePair

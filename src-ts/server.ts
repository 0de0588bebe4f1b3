// tls.Server / tls.createServer(): a net.Server that wraps each accepted
// socket in a server-side TLSSocket and emits 'secureConnection' once the
// handshake completes, or 'tlsClientError' when it fails.

import * as net from 'node:net'
import type * as tls from 'node:tls'
import { SecureContext, createSecureContext } from './secure-context'
import { TLSSocket } from './tls-socket'
import { codedError, invalidArgType, validateBoolean, validateFunction, validateNumber } from './errors'
import { alpnList } from './alpn'
import { refuseUnsupportedSocketOptions } from './unsupported'

const DEFAULT_HANDSHAKE_TIMEOUT = 120_000

export class Server extends net.Server implements tls.Server {
  /** @internal */ _sharedCreds: SecureContext
  requestCert: boolean
  rejectUnauthorized: boolean
  private readonly _handshakeTimeout: number
  private readonly _options: tls.TlsOptions

  constructor(options?: tls.TlsOptions | ((socket: TLSSocket) => void), listener?: (socket: TLSSocket) => void) {
    let opts: tls.TlsOptions
    if (typeof options === 'function') {
      listener = options
      opts = {}
    } else if (options === undefined || options === null) {
      opts = {}
    } else if (typeof options === 'object') {
      opts = options
    } else {
      throw invalidArgType('options', 'of type object', options)
    }
    super(
      {
        allowHalfOpen: opts.allowHalfOpen,
        pauseOnConnect: opts.pauseOnConnect,
        noDelay: opts.noDelay,
        keepAlive: opts.keepAlive,
        keepAliveInitialDelay: opts.keepAliveInitialDelay,
        highWaterMark: opts.highWaterMark,
      },
      function (this: Server, raw: net.Socket) {
        this._onConnection(raw)
      },
    )
    refuseUnsupportedSocketOptions(opts)
    const timeout = opts.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT
    validateNumber(timeout, 'options.handshakeTimeout')
    if (opts.requestCert !== undefined) validateBoolean(opts.requestCert, 'options.requestCert')
    if (opts.rejectUnauthorized !== undefined) validateBoolean(opts.rejectUnauthorized, 'options.rejectUnauthorized')
    if (opts.SNICallback !== undefined) validateFunction(opts.SNICallback, 'options.SNICallback')
    if (opts.ALPNCallback !== undefined) {
      validateFunction(opts.ALPNCallback, 'options.ALPNCallback')
      if (opts.ALPNProtocols) {
        throw codedError(
          'ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS',
          'The ALPNCallback and ALPNProtocols TLS options are mutually exclusive',
          TypeError,
        )
      }
    }
    this._options = opts
    this._handshakeTimeout = timeout
    this.requestCert = opts.requestCert === true
    this.rejectUnauthorized = opts.rejectUnauthorized !== false
    alpnList(opts.ALPNProtocols, 'options.ALPNProtocols') // validates now, not per connection
    this._sharedCreds = createSecureContext(opts)
    if (listener) this.on('secureConnection', listener)
  }

  private _onConnection(raw: net.Socket): void {
    // The socket drives itself from here: 'secureConnection' or
    // 'tlsClientError' (a client that hangs up early is 'socket hang up').
    new TLSSocket(raw, {
      isServer: true,
      server: this as unknown as net.Server,
      secureContext: this._sharedCreds as unknown as tls.SecureContext,
      requestCert: this.requestCert,
      rejectUnauthorized: this.rejectUnauthorized,
      handshakeTimeout: this._handshakeTimeout,
      ALPNProtocols: this._options.ALPNProtocols,
      ALPNCallback: this._options.ALPNCallback,
      SNICallback: this._options.SNICallback ?? this._sniFromContexts,
    })
  }

  /** Replaces the certificates and keys used for new connections. */
  setSecureContext(options: tls.SecureContextOptions): void {
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
    this._sharedCreds = createSecureContext({ ...this._options, ...options })
  }

  /**
   * Serves `context` to clients asking for `hostname` by SNI; `*` matches
   * within one label (`*.example.com`). The latest matching entry wins.
   */
  addContext(hostname: string, context: tls.SecureContextOptions | tls.SecureContext): void {
    if (!hostname) throw codedError('ERR_TLS_REQUIRED_SERVER_NAME', '"servername" is required parameter for Server.addContext')
    const pattern = hostname.replace(/([.^$+?\-\\[\]{}])/g, '\\$1').replaceAll('*', '[^.]*')
    const ctx = context instanceof SecureContext ? context : createSecureContext(context as tls.SecureContextOptions)
    this._contexts.push([new RegExp(`^${pattern}$`), ctx])
  }

  private readonly _contexts: Array<[RegExp, SecureContext]> = []

  /** The default SNICallback: the addContext table, else the default context. */
  private readonly _sniFromContexts = (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => {
    for (let i = this._contexts.length - 1; i >= 0; i--) {
      const [re, ctx] = this._contexts[i]
      if (re.test(servername)) {
        cb(null, ctx as unknown as tls.SecureContext)
        return
      }
    }
    cb(null, undefined)
  }

  /** The 48 bytes protecting session tickets (Node's layout: name, HMAC and AES parts). */
  getTicketKeys(): NonSharedBuffer {
    return this._sharedCreds.context.getTicketKeys() as NonSharedBuffer
  }

  /**
   * Rotates the ticket keys. Tickets issued under the previous keys still
   * resume until the next rotation; give several servers the same keys to
   * let them resume each other's sessions.
   */
  setTicketKeys(keys: Buffer): void {
    if (!ArrayBuffer.isView(keys)) throw invalidArgType('buffer', 'an instance of Buffer, TypedArray, or DataView', keys)
    this._sharedCreds.context.setTicketKeys(keys)
  }
}

export function createServer(
  options?: tls.TlsOptions | ((socket: TLSSocket) => void),
  listener?: (socket: TLSSocket) => void,
): Server {
  return new Server(options, listener)
}

export { createSecureContext, SecureContext }

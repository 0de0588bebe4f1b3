// tls.Server / tls.createServer(): a net.Server that wraps each accepted
// socket in a server-side TLSSocket, emits 'secureConnection' once the
// handshake completes and the client is authorized, and 'tlsClientError'
// when it fails (a client that hangs up early is 'socket hang up').
//
// Server is a function constructor, like Node's, callable without `new`
// and as `tls.Server.call(this, ...)` (the way https.Server builds itself).

import * as net from 'node:net'
import { createHash } from 'node:crypto'
import { deprecate } from 'node:util'
import type * as tls from 'node:tls'
import type { SecureContextOptions, TlsOptions } from './cert-compression'
import { SecureContext } from './secure-context'
import { TLSSocket } from './tls-socket'
import { live } from './tls-module'
import { native } from './native'
import { debug } from './debug'
import {
  codedError,
  internalAssertion,
  invalidArgType,
  validateBuffer,
  validateFunction,
  validateNumber,
  validateObject,
} from './errors'
import { refuseUnsupportedSocketOptions } from './unsupported'
import { convertALPNProtocols } from './alpn'

const DEFAULT_HANDSHAKE_TIMEOUT = 120_000

const kHandshakeTimeout = Symbol('rustls-node.handshakeTimeout')
const kSNICallback = Symbol('rustls-node.SNICallback')
const kEnableTrace = Symbol('rustls-node.enableTrace')
const kErrorEmitted = Symbol('rustls-node.errorEmitted')

type ServerSocket = TLSSocket & { [kErrorEmitted]: boolean; _tlsOptions: { server: ServerImpl } }

/** The context options Node keeps on the server (`setSecureContext`, `setOptions`). */
const CONTEXT_OPTIONS = [
  'pfx',
  'key',
  'passphrase',
  'cert',
  'clientCertEngine',
  'ca',
  'minVersion',
  'maxVersion',
  'secureProtocol',
  'crl',
  'ciphers',
  'dhparam',
] as const

class ServerImpl extends net.Server implements tls.Server {
  declare _sharedCreds: SecureContext
  declare _contexts: Array<[RegExp, SecureContext]>
  declare requestCert: boolean
  declare rejectUnauthorized: boolean
  declare ALPNCallback: tls.TlsOptions['ALPNCallback']
  declare ALPNProtocols: Buffer | undefined
  declare sessionTimeout: number | undefined
  declare ticketKeys: Buffer | undefined
  declare honorCipherOrder: boolean
  declare secureOptions: number | undefined
  declare sessionIdContext: string
  declare sigalgs: string | undefined
  declare ecdhCurve: string | undefined
  declare privateKeyIdentifier: string | undefined
  declare privateKeyEngine: string | undefined
  declare certificateCompression: SecureContextOptions['certificateCompression']
  declare maxEarlyData: SecureContextOptions['maxEarlyData']
  declare pauseOnConnect: boolean
  declare [kHandshakeTimeout]: number
  declare [kSNICallback]: tls.TlsOptions['SNICallback']
  declare [kEnableTrace]: boolean | undefined
  /** Node's deprecated setOptions (DEP0122). */
  declare setOptions: (options: tls.TlsOptions) => void

  // Never runs: the exported Server is the function constructor below,
  // which shares this prototype. Declared for the types of `new Server`.
  constructor(options?: tls.TlsOptions | ((socket: TLSSocket) => void) | null, listener?: (socket: TLSSocket) => void) {
    super()
    void options
    void listener
  }

  /** Replaces the certificates, keys and other context options used for new connections. */
  setSecureContext(options: SecureContextOptions): void {
    validateObject(options, 'options')
    const self = this as unknown as Record<string, unknown>
    const o = options as Record<string, unknown>
    for (const name of CONTEXT_OPTIONS) self[name] = o[name] ? o[name] : undefined
    this.sigalgs = options.sigalgs
    this.ecdhCurve = options.ecdhCurve
    // Servers prefer their own suite order unless told otherwise, as in Node.
    this.honorCipherOrder = options.honorCipherOrder !== undefined ? Boolean(options.honorCipherOrder) : true
    this.secureOptions = options.secureOptions || undefined
    this.sessionIdContext = options.sessionIdContext || defaultSessionIdContext()
    if (options.sessionTimeout) this.sessionTimeout = options.sessionTimeout
    if (options.ticketKeys) this.ticketKeys = options.ticketKeys
    this.privateKeyIdentifier = options.privateKeyIdentifier
    this.privateKeyEngine = options.privateKeyEngine
    this.certificateCompression = options.certificateCompression
    this.maxEarlyData = options.maxEarlyData
    this._sharedCreds = live.createSecureContext({
      pfx: self.pfx,
      key: self.key,
      passphrase: self.passphrase,
      cert: self.cert,
      clientCertEngine: self.clientCertEngine,
      ca: self.ca,
      ciphers: self.ciphers,
      sigalgs: this.sigalgs,
      ecdhCurve: this.ecdhCurve,
      dhparam: self.dhparam,
      minVersion: self.minVersion,
      maxVersion: self.maxVersion,
      secureProtocol: self.secureProtocol,
      secureOptions: this.secureOptions,
      honorCipherOrder: this.honorCipherOrder,
      crl: self.crl,
      sessionIdContext: this.sessionIdContext,
      ticketKeys: this.ticketKeys,
      sessionTimeout: this.sessionTimeout,
      privateKeyIdentifier: this.privateKeyIdentifier,
      privateKeyEngine: this.privateKeyEngine,
      certificateCompression: this.certificateCompression,
      maxEarlyData: this.maxEarlyData,
    } as SecureContextOptions)
  }

  /**
   * Serves `context` to clients asking for `hostname` by SNI; `*` matches
   * within one label (`*.example.com`). The latest matching entry wins.
   */
  addContext(hostname: string, context: tls.SecureContextOptions | tls.SecureContext): void {
    if (!hostname)
      throw codedError('ERR_TLS_REQUIRED_SERVER_NAME', '"servername" is required parameter for Server.addContext')
    const pattern = hostname.replace(/([.^$+?\-\\[\]{}])/g, '\\$1').replaceAll('*', '[^.]*')
    const ctx =
      context instanceof SecureContext ? context : live.createSecureContext(context as tls.SecureContextOptions)
    this._contexts.push([new RegExp(`^${pattern}$`), ctx])
  }

  /** The 48 bytes protecting session tickets (Node's layout: name, HMAC and AES parts). */
  getTicketKeys(): NonSharedBuffer {
    return this._sharedCreds.context.getTicketKeys() as NonSharedBuffer
  }

  /** Replaces the ticket keys: tickets issued under the previous keys no longer resume. */
  setTicketKeys(keys: Buffer): void {
    validateBuffer(keys)
    // Node checks this with an internal assert(), so this is its error.
    const length = native.TICKET_KEYS_LENGTH
    if (keys.byteLength !== length) throw internalAssertion(`Session ticket keys must be a ${length}-byte buffer`)
    this._sharedCreds.context.setTicketKeys(keys)
  }

  /** Used by `cluster` to share ticket keys between workers. */
  _getServerData(): { ticketKeys: string } {
    return { ticketKeys: this.getTicketKeys().toString('hex') }
  }

  _setServerData(data: { ticketKeys: string }): void {
    this.setTicketKeys(Buffer.from(data.ticketKeys, 'hex'))
  }
}

/** OpenSSL's session id context as Node defaults it (unused by rustls, kept for code that reads it). */
function defaultSessionIdContext(): string {
  return createHash('sha1').update(process.argv.join(' ')).digest('hex').slice(0, 32)
}

/**
 * Node's deprecated `server.setOptions(options)`: copies options onto the
 * server for the next `setSecureContext`-style use; kept for old code.
 */
ServerImpl.prototype.setOptions = deprecate(
  function setOptions(this: ServerImpl, options: tls.TlsOptions) {
    const self = this as unknown as Record<string, unknown>
    const o = options as Record<string, unknown>
    this.requestCert = options.requestCert === true
    this.rejectUnauthorized = options.rejectUnauthorized !== false
    for (const name of CONTEXT_OPTIONS) if (o[name]) self[name] = o[name]
    if (options.ecdhCurve !== undefined) this.ecdhCurve = options.ecdhCurve
    if (options.sessionTimeout) this.sessionTimeout = options.sessionTimeout
    if (options.ticketKeys) this.ticketKeys = options.ticketKeys
    this.honorCipherOrder = options.honorCipherOrder !== undefined ? Boolean(options.honorCipherOrder) : true
    if (options.secureOptions) this.secureOptions = options.secureOptions
    if (options.ALPNProtocols) convertALPNProtocols(options.ALPNProtocols, this)
    this.sessionIdContext = options.sessionIdContext || defaultSessionIdContext()
    if (options.sigalgs) this.sigalgs = options.sigalgs
    if (options.privateKeyIdentifier !== undefined) this.privateKeyIdentifier = options.privateKeyIdentifier
    if (options.privateKeyEngine !== undefined) this.privateKeyEngine = options.privateKeyEngine
  },
  'Server.prototype.setOptions() is deprecated',
  'DEP0122',
) as (options: tls.TlsOptions) => void

/** As Node: a listener that rejects destroys the socket of 'secureConnection'. */
Object.defineProperty(ServerImpl.prototype, Symbol.for('nodejs.rejection'), {
  configurable: true,
  writable: true,
  value: function (this: ServerImpl, err: Error, event: string, ...args: unknown[]) {
    if (event === 'secureConnection') {
      ;(args[0] as net.Socket).destroy(err)
      return
    }
    const base = (net.Server.prototype as unknown as Record<symbol, (...a: unknown[]) => void>)[
      Symbol.for('nodejs.rejection')
    ]
    base.call(this, err, event, ...args)
  },
})

function Server(
  this: ServerImpl,
  options?: tls.TlsOptions | ((socket: TLSSocket) => void) | null,
  listener?: (socket: TLSSocket) => void,
): ServerImpl | undefined {
  if (!(this instanceof Server)) return new ServerExport(options, listener)
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
  this._contexts = []
  this.requestCert = opts.requestCert === true
  this.rejectUnauthorized = opts.rejectUnauthorized !== false
  this.ALPNCallback = opts.ALPNCallback ?? undefined
  if (this.ALPNCallback && opts.ALPNProtocols) {
    throw codedError(
      'ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS',
      'The ALPNCallback and ALPNProtocols TLS options are mutually exclusive',
      TypeError,
    )
  }
  if (opts.sessionTimeout) this.sessionTimeout = opts.sessionTimeout
  if (opts.ticketKeys) this.ticketKeys = opts.ticketKeys
  if (opts.ALPNProtocols) convertALPNProtocols(opts.ALPNProtocols, this)
  this.setSecureContext(opts)
  this[kHandshakeTimeout] = opts.handshakeTimeout || DEFAULT_HANDSHAKE_TIMEOUT
  this[kSNICallback] = opts.SNICallback
  validateNumber(this[kHandshakeTimeout], 'options.handshakeTimeout')
  if (this[kSNICallback]) validateFunction(this[kSNICallback], 'options.SNICallback')
  if (this.ALPNCallback) validateFunction(this.ALPNCallback, 'options.ALPNCallback')
  refuseUnsupportedSocketOptions(opts)
  net.Server.call(this, opts as net.ServerOpts, onConnection)
  if (listener) this.on('secureConnection', listener as (socket: net.Socket) => void)
  this[kEnableTrace] = opts.enableTrace
}

function onConnection(this: ServerImpl, raw: net.Socket): void {
  // The socket drives itself from here.
  debug('net.Server.on(connection): new TLSSocket')
  const socket = new TLSSocket(raw, {
    secureContext: this._sharedCreds as unknown as tls.SecureContext,
    isServer: true,
    server: this as unknown as net.Server,
    requestCert: this.requestCert,
    rejectUnauthorized: this.rejectUnauthorized,
    handshakeTimeout: this[kHandshakeTimeout],
    ALPNProtocols: this.ALPNProtocols,
    ALPNCallback: this.ALPNCallback,
    SNICallback: this[kSNICallback] || defaultSNICallback,
    enableTrace: this[kEnableTrace],
    pauseOnConnect: this.pauseOnConnect,
  }) as ServerSocket
  socket.on('secure', onServerSocketSecure)
  if (this.listenerCount('keylog') > 0) socket.on('keylog', onSocketKeylog)
  socket[kErrorEmitted] = false
  socket.on('close', onSocketClose)
  socket.on('_tlsError', onSocketTLSError)
  socket.on('error', onSocketTLSError)
}

/** The default SNICallback: the server's addContext table, latest match first. */
function defaultSNICallback(
  this: ServerSocket,
  servername: string,
  cb: (err: Error | null, ctx?: tls.SecureContext) => void,
): void {
  const contexts = this._tlsOptions.server._contexts
  for (let i = contexts.length - 1; i >= 0; i--) {
    const [re, ctx] = contexts[i]
    if (re.test(servername)) {
      cb(null, ctx as unknown as tls.SecureContext)
      return
    }
  }
  cb(null, undefined)
}

/** The handshake is done: reject an unauthorized client if asked to, else 'secureConnection'. */
function onServerSocketSecure(this: ServerSocket): void {
  if (this._requestCert && this.authorizationError && this._rejectUnauthorized) this.destroy()
  if (!this.destroyed && this._releaseControl()) {
    this.secureConnecting = false
    debug('server emit secureConnection')
    this._tlsOptions.server.emit('secureConnection', this)
  }
}

function onSocketTLSError(this: ServerSocket, err: Error): void {
  if (!this._controlReleased && !this[kErrorEmitted]) {
    this[kErrorEmitted] = true
    debug('server emit tlsClientError:', err)
    this._tlsOptions.server.emit('tlsClientError', err, this)
  }
}

function onSocketKeylog(this: ServerSocket, line: Buffer): void {
  this._tlsOptions.server.emit('keylog', line, this)
}

/** Closed before the handshake completed and without an error: 'socket hang up'. */
function onSocketClose(this: ServerSocket, hadError: boolean): void {
  if (hadError) return
  if (!this._controlReleased && !this[kErrorEmitted]) {
    this[kErrorEmitted] = true
    this._tlsOptions.server.emit('tlsClientError', codedError('ECONNRESET', 'socket hang up'), this)
  }
}

Server.prototype = ServerImpl.prototype
Object.defineProperty(ServerImpl.prototype, 'constructor', { value: Server, writable: true, configurable: true })
Object.setPrototypeOf(Server, net.Server)

const ServerExport = Server as unknown as typeof ServerImpl &
  ((
    options?: tls.TlsOptions | ((socket: TLSSocket) => void) | null,
    listener?: (socket: TLSSocket) => void,
  ) => ServerImpl)
type ServerExport = ServerImpl
export { ServerExport as Server }

export function createServer(
  options?: TlsOptions | ((socket: TLSSocket) => void),
  listener?: (socket: TLSSocket) => void,
): ServerImpl {
  return new ServerExport(options, listener)
}

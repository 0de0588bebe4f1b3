// tls.connect(): a client TLSSocket, connected (or adopting `socket`), with
// Node's defaults and Node's order of setup: rejectUnauthorized true
// (unless NODE_TLS_REJECT_UNAUTHORIZED=0), SNI only for an explicit
// `servername` (never an IP, RFC 6066 §3), the server's identity checked
// with `checkServerIdentity` against servername or host once the handshake
// is done, then 'secureConnect'.

import { debug } from './debug'
import * as net from 'node:net'
import type * as tls from 'node:tls'
import { TLSSocket } from './tls-socket'
import { live } from './tls-module'
import { checkServerIdentity } from './check-server-identity'
import { codedError, validateFunction } from './errors'
import type { ConnectionOptions, EchOptions } from './ech'
import type { EarlyDataOptions } from './early-data'

let warnedRejectUnauthorized = false
let warnedIpServername = false

/** NODE_TLS_REJECT_UNAUTHORIZED=0 turns verification off by default, with Node's warning (once). */
function allowUnauthorized(): boolean {
  const allow = process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0'
  if (allow && !warnedRejectUnauthorized) {
    warnedRejectUnauthorized = true
    process.emitWarning(
      "Setting the NODE_TLS_REJECT_UNAUTHORIZED environment variable to '0' makes TLS connections " +
        'and HTTPS requests insecure by disabling certificate verification.',
    )
  }
  return allow
}

/** The options tls.connect() settled on, kept on the socket for the checks after the handshake. */
const kConnectOptions = Symbol('rustls-node.connectOptions')

type ClientSocket = TLSSocket & { [kConnectOptions]: ConnectOptions }

interface ConnectOptions extends tls.ConnectionOptions, EchOptions, EarlyDataOptions {
  minDHSize?: number
  singleUse?: boolean
  localAddress?: string
  path?: string
  // net.Socket options tls.connect passes on
  allowHalfOpen?: boolean
  keepAlive?: boolean
  highWaterMark?: number
  onread?: net.OnReadOpts
  signal?: AbortSignal
  requestOCSP?: boolean
}

/**
 * connect(options[, cb]), connect(port[, host][, options][, cb]),
 * connect(path[, options][, cb]): net's normalisation, then the TLS
 * options object merged in (an `options.host` wins over the host argument).
 */
function normalizeConnectArgs(args: unknown[]): [ConnectOptions, (() => void) | undefined] {
  const normalized = (
    net as unknown as { _normalizeArgs(a: unknown[]): [ConnectOptions, (() => void)?] }
  )._normalizeArgs(args)
  const [options, cb] = normalized
  if (args[1] !== null && typeof args[1] === 'object') Object.assign(options, args[1])
  else if (args[2] !== null && typeof args[2] === 'object') Object.assign(options, args[2])
  return [options, cb]
}

export function connect(options: ConnectionOptions, secureConnectListener?: () => void): TLSSocket
export function connect(
  port: number,
  host?: string,
  options?: ConnectionOptions,
  secureConnectListener?: () => void,
): TLSSocket
export function connect(port: number, options?: ConnectionOptions, secureConnectListener?: () => void): TLSSocket
export function connect(...args: unknown[]): TLSSocket {
  const [given, cb] = normalizeConnectArgs(args)
  const options: ConnectOptions = {
    rejectUnauthorized: !allowUnauthorized(),
    ciphers: live.DEFAULT_CIPHERS,
    checkServerIdentity: live.checkServerIdentity,
    minDHSize: 1024,
    ...given,
  }
  if (!options.keepAlive) options.singleUse = true
  validateFunction(options.checkServerIdentity, 'options.checkServerIdentity')
  validateMinDHSize(options.minDHSize)

  const context = options.secureContext ?? live.createSecureContext(options)
  const socket = new TLSSocket(options.socket ?? null, {
    allowHalfOpen: options.allowHalfOpen,
    pipe: Boolean(options.path),
    secureContext: context,
    isServer: false,
    requestCert: true,
    rejectUnauthorized: options.rejectUnauthorized !== false,
    session: options.session,
    ALPNProtocols: options.ALPNProtocols,
    requestOCSP: options.requestOCSP,
    enableTrace: options.enableTrace,
    pskCallback: options.pskCallback,
    highWaterMark: options.highWaterMark,
    onread: options.onread,
    signal: options.signal,
    host: options.host,
    echConfigList: options.echConfigList,
    echGrease: options.echGrease,
    earlyData: options.earlyData,
  }) as ClientSocket
  options.rejectUnauthorized = options.rejectUnauthorized !== false
  socket[kConnectOptions] = options
  if (cb) socket.once('secureConnect', cb)
  if (!options.socket) {
    // A socket the user gave is theirs to connect; one made here is connected here.
    if (options.timeout) socket.setTimeout(options.timeout)
    socket.connect(options as net.NetConnectOpts, () => socket._start())
  }
  socket._releaseControl()
  if (options.session) socket.setSession(options.session as Buffer)
  if (options.servername) {
    if (!warnedIpServername && net.isIP(options.servername)) {
      warnedIpServername = true
      process.emitWarning(
        'Setting the TLS ServerName to an IP address is not permitted by RFC 6066. This will be ignored in a future version.',
        'DeprecationWarning',
        'DEP0123',
      )
    }
    socket.setServername(options.servername)
  }
  if (options.socket) socket._start()
  socket.on('secure', onConnectSecure)
  socket.prependListener('end', onConnectEnd)
  return socket
}

function validateMinDHSize(size: unknown): void {
  if (typeof size !== 'number') {
    throw codedError('ERR_INVALID_ARG_TYPE', `options.minDHSize is not a number: ${String(size)}`, TypeError)
  }
  if (!(size > 0)) {
    throw codedError('ERR_OUT_OF_RANGE', `options.minDHSize is not a positive number: ${size}`, RangeError)
  }
}

/**
 * The handshake is done: check the server's identity (the chain itself was
 * checked during the handshake, or, with rejectUnauthorized false, is
 * reported here), then 'secureConnect'. rustls never negotiates finite-field
 * DHE, so `minDHSize` has nothing to check.
 */
function onConnectSecure(this: ClientSocket): void {
  const options = this[kConnectOptions]
  let error: Error | null | undefined = this._verifyError()
  // A resumed session was checked when it was first made, as in Node.
  if (!error && !this.isSessionReused()) {
    const hostname =
      options.servername || options.host || (options.socket as { _host?: string } | undefined)?._host || 'localhost'
    const check = options.checkServerIdentity as typeof checkServerIdentity
    // The built-in check reads only the leaf's names: spare building the
    // detailed chain unless it fails (its error carries the chain, as Node's).
    const passes = check === checkServerIdentity && !checkServerIdentity(hostname, this.getPeerCertificate(false))
    if (!passes) error = check(hostname, this.getPeerCertificate(true))
  }
  if (error) {
    this.authorized = false
    this.authorizationError = ((error as { code?: string }).code || error.message) as unknown as Error
    if (options.rejectUnauthorized !== false) {
      this.destroy(error)
      return
    }
  } else {
    this.authorized = true
  }
  this.secureConnecting = false
  debug('client emit secureConnect. authorized:', this.authorized)
  this.emit('secureConnect')
  this._markVerified()
  this.removeListener('end', onConnectEnd)
}

/** The server hung up before the handshake completed: Node's ECONNRESET, with where we connected. */
function onConnectEnd(this: ClientSocket): void {
  if (this._hadError) return
  const options = this[kConnectOptions]
  this._hadError = true
  const error = Object.assign(
    codedError('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established'),
    { path: options.path, host: options.host, port: options.port, localAddress: options.localAddress },
  )
  this.destroy(error)
}

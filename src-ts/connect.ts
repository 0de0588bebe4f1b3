// tls.connect(): opens (or adopts) the transport and starts a client
// TLSSocket on it, with Node's defaults: rejectUnauthorized true (unless
// NODE_TLS_REJECT_UNAUTHORIZED=0), SNI only for an explicit `servername`
// (never an IP, RFC 6066 §3), identity checked against servername or host,
// checkServerIdentity = tls.checkServerIdentity.

import * as net from 'node:net'
import type { Duplex } from 'node:stream'
import type * as tls from 'node:tls'
import { TLSSocket } from './tls-socket'
import { checkServerIdentity } from './check-server-identity'
import { invalidArgType, validateFunction, validateString } from './errors'

let warnedRejectUnauthorized = false
let warnedIpServername = false

/** NODE_TLS_REJECT_UNAUTHORIZED=0 turns verification off by default, with Node's warning (once, even when an option overrides it). */
function defaultRejectUnauthorized(): boolean {
  if (process.env.NODE_TLS_REJECT_UNAUTHORIZED !== '0') return true
  if (!warnedRejectUnauthorized) {
    warnedRejectUnauthorized = true
    process.emitWarning(
      "Setting the NODE_TLS_REJECT_UNAUTHORIZED environment variable to '0' makes TLS connections " +
        'and HTTPS requests insecure by disabling certificate verification.',
    )
  }
  return false
}

type ConnectListener = () => void

/** Sorts out connect(options[, cb]), connect(port[, host][, options][, cb]), connect(path[, options][, cb]). */
function normalize(args: unknown[]): { options: tls.ConnectionOptions; cb?: ConnectListener } {
  let options: tls.ConnectionOptions = {}
  let cb: ConnectListener | undefined
  const rest = [...args]
  if (typeof rest[rest.length - 1] === 'function') cb = rest.pop() as ConnectListener
  const [a, b, c] = rest
  if (a !== null && typeof a === 'object') {
    options = { ...(a as tls.ConnectionOptions) }
  } else if (typeof a === 'number' || (typeof a === 'string' && /^\d+$/.test(a))) {
    options.port = Number(a)
    if (typeof b === 'string') {
      options.host = b
      if (c && typeof c === 'object') options = { ...(c as tls.ConnectionOptions), port: Number(a), host: b }
    } else if (b && typeof b === 'object') {
      options = { ...(b as tls.ConnectionOptions), port: Number(a) }
    }
  } else if (typeof a === 'string') {
    options.path = a
    if (b && typeof b === 'object') options = { ...(b as tls.ConnectionOptions), path: a }
  } else if (a !== undefined) {
    throw invalidArgType('options', 'of type object', a)
  }
  return { options, cb }
}

export function connect(options: tls.ConnectionOptions, secureConnectListener?: () => void): TLSSocket
export function connect(port: number, host?: string, options?: tls.ConnectionOptions, secureConnectListener?: () => void): TLSSocket
export function connect(port: number, options?: tls.ConnectionOptions, secureConnectListener?: () => void): TLSSocket
export function connect(...args: unknown[]): TLSSocket {
  const { options, cb } = normalize(args)
  const host = options.host ?? 'localhost'
  if (options.servername !== undefined) validateString(options.servername, 'options.servername')
  const identity = options.checkServerIdentity ?? checkServerIdentity
  validateFunction(identity, 'options.checkServerIdentity')
  if (options.servername && net.isIP(options.servername) && !warnedIpServername) {
    warnedIpServername = true
    process.emitWarning(
      'Setting the TLS ServerName to an IP address is not permitted by RFC 6066. This will be ignored in a future version.',
      'DeprecationWarning',
      'DEP0123',
    )
  }
  const envDefault = defaultRejectUnauthorized()
  const rejectUnauthorized = options.rejectUnauthorized ?? envDefault

  let transport: Duplex
  if (options.socket) {
    transport = options.socket as Duplex
  } else {
    // net validates port/host/path and throws Node's own errors.
    transport = net.connect({ ...options, host } as net.NetConnectOpts)
  }

  let socket: TLSSocket
  try {
    socket = new TLSSocket(transport, {
      ...options,
      isServer: false,
      rejectUnauthorized,
      target: {
        host: options.host ?? ((options.socket as { _host?: string } | undefined)?._host ?? host),
        checkServerIdentity: identity as typeof checkServerIdentity,
      },
    })
  } catch (err) {
    // Bad options throw here, synchronously; the connection opened for them
    // must not linger (or emit an unhandled 'error' later).
    if (!options.socket) transport.destroy()
    throw err
  }
  if (cb) socket.once('secureConnect', cb)
  if (options.timeout) socket.setTimeout(options.timeout)
  socket._start()
  return socket
}

// TLS 1.3 early data (0-RTT, RFC 8446 §2.3, §4.2.10): the options that are
// not in node:tls, checked with Node's error codes. What goes out early,
// what is resent after a rejection, and the server's single-use session
// store are decided in the core (crates/core/src/pump.rs, config.rs); this
// only reads the options.

import { invalidArgType, invalidArgValue, validateUint32 } from './errors'

/** tls.connect() option for TLS 1.3 early data. */
export interface EarlyDataOptions {
  /**
   * Bytes to send as TLS 1.3 early data (0-RTT) when `session` allows it:
   * they go with the ClientHello, before the handshake completes, and come
   * first on the connection, before anything written later. If the server
   * rejects early data, or the session allows none (or less), the rest is
   * sent as ordinary data once the handshake is done: the server gets all
   * of it, once, in order, either way; `socket.earlyDataAccepted` tells
   * which happened. A string is sent as UTF-8.
   *
   * Early data can be replayed by an attacker (RFC 8446 §8, Appendix E.5):
   * send only requests that are safe to process twice (idempotent ones,
   * such as an HTTP GET without side effects).
   */
  earlyData?: NodeJS.ArrayBufferView | string | undefined
}

/** createSecureContext() / createServer() option for TLS 1.3 early data. */
export interface MaxEarlyDataOptions {
  /**
   * Server: how many bytes of TLS 1.3 early data (0-RTT) a resumed client
   * may send; 0 (the default) accepts none. With a value above 0 the
   * server's sessions are kept in memory and each ticket resumes once (the
   * anti-replay measure of RFC 8446 §8.1), so tickets do not resume across
   * processes sharing `ticketKeys`. Servers with 'newSession' /
   * 'resumeSession' listeners accept no early data.
   */
  maxEarlyData?: number | undefined
}

/** Checks and copies `options.earlyData` (ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE, thrown at once). */
export function earlyDataBytes(value: unknown, name = 'options.earlyData'): Buffer | undefined {
  if (value === undefined || value === null) return undefined
  let bytes: Buffer
  if (typeof value === 'string') {
    bytes = Buffer.from(value, 'utf8')
  } else if (ArrayBuffer.isView(value)) {
    // A copy: later changes by the caller do not change what is sent.
    bytes = Buffer.from(Buffer.from(value.buffer, value.byteOffset, value.byteLength))
  } else {
    throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView', value)
  }
  if (bytes.length === 0) throw invalidArgValue(name, value, 'must not be empty')
  return bytes
}

/** Checks `options.maxEarlyData`: an unsigned 32-bit integer; undefined when not given. */
export function maxEarlyDataBytes(value: unknown, name = 'options.maxEarlyData'): number | undefined {
  if (value === undefined || value === null) return undefined
  validateUint32(value, name)
  return value
}

// The state of a TLSSocket that its parts share (tls-socket.ts and the
// files whose methods it installs: handshake, record-pump, server-hello,
// handle-requests, transport-events): each field's type, meaning and
// initial value, in one place. The public fields (authorized, servername,
// alpnProtocol, ...) are declared on the class itself.

import type * as net from 'node:net'
import { earlyDataBytes } from './early-data'
import { type EchOffer, echOffer } from './ech'
import type { QueuedWrite } from './handle-requests'
import type { NativeConnection } from './native'
import type { SecureContext } from './secure-context'
import type { StreamRequest } from './tls-handle'
import type { TLSSocketInternalOptions } from './tls-socket'

/** @internal */
export interface SocketState {
  /** Accepted by a server (tls.Server, or `isServer: true`). */
  _isServer: boolean
  /** The secure context: given, made from the options, or chosen by SNICallback. */
  _context: SecureContext
  /** The socket the ciphertext travels on. */
  _transport: net.Socket | null
  /** The rustls connection: a client's from _start(), null after close. */
  _conn: NativeConnection | null
  /** Client: _start() ran. */
  _started: boolean
  /** The reader wants data (the handle's read state). */
  _reading: boolean
  /** Writes and a shutdown that came before the handshake completed. */
  _queuedWrites: QueuedWrite[]
  /** end()'s shutdown, answered once the writes before it are out. */
  _pendingShutdown: StreamRequest | null
  /** Writes handed to the transport and not yet written by it. */
  _inflight: Set<QueuedWrite>
  /** Bytes of queued and in-flight writes (the handle's write queue size). */
  _pendingBytes: number
  /** Server: `handshakeTimeout`. */
  _handshakeTimer: NodeJS.Timeout | null
  /** Nagle's algorithm as the user set it (setNoDelay), applied after the first data. */
  _userNoDelay: boolean
  /** Nagle is off until the first application data after the handshake is out. */
  _nagleDeferred: boolean
  /** The transport's 'end'/'close' that came while bytes were held. */
  _heldTransportEvents: Set<'end' | 'close'>
  /** Counted in handshake-placement's sockets mid-handshake. */
  _inHandshake: boolean
  /** Server, TLS 1.3: flushes held session tickets if nothing is written first. */
  _ticketTimer: NodeJS.Timeout | null
  /** The peer's chain (DER), read once. */
  _peerChain: Buffer[] | null
  /** setMaxSendFragment() before the connection exists. */
  _maxSendFragment: number | undefined
  /** EOF went to the handle. */
  _eofEmitted: boolean
  /** The peer's close_notify came (EOF follows the plaintext before it). */
  _peerClosed: boolean
  /** Client: the latest session delivered by 'session' (getSession()). */
  _session: Buffer | undefined
  /** Client: 'session' waits until the server is verified, as in Node. */
  _verified: boolean
  /** Client: sessions waiting for the server to be verified. */
  _pendingSessions: Buffer[]
  /** Server: 'newSession' callbacks not yet called. */
  _newSessionsPending: number
  /** Server: what to do once they are. */
  _afterNewSessions: (() => boolean) | null
  /** Server: what 'resumeSession' found for this ClientHello. */
  _resumeData: Buffer | undefined
  /** Server: ciphertext that arrived while callbacks (SNI, ALPN, OCSP, sessions) ran. */
  _heldCiphertext: Buffer[] | null
  /** Server: SNICallback chose the context. */
  _sniChosen: boolean
  /** The `signal` option: once it aborted, connect() starts nothing (net's `_aborted`). */
  _signal: AbortSignal | undefined
  /** Client: the Encrypted Client Hello to offer (echConfigList, echGrease). */
  _ech: EchOffer
  /** `echAccepted`. */
  _echAccepted: boolean
  /** Client: `earlyData`, checked and copied; handed to the native connection at _start(). */
  _earlyData: Buffer | undefined
  /** `earlyDataAccepted`. */
  _earlyDataAccepted: boolean
}

/** Sets a new socket's state; `_isServer` and `_context` are set first, by the constructor. */
export function initSocketState(socket: SocketState, options: TLSSocketInternalOptions): void {
  socket._transport = null
  socket._conn = null
  socket._ech = socket._isServer ? {} : echOffer(options)
  socket._echAccepted = false
  socket._earlyData = socket._isServer ? undefined : earlyDataBytes(options.earlyData)
  socket._earlyDataAccepted = false
  socket._started = false
  socket._reading = false
  socket._queuedWrites = []
  socket._pendingShutdown = null
  socket._inflight = new Set()
  socket._pendingBytes = 0
  socket._handshakeTimer = null
  socket._ticketTimer = null
  socket._inHandshake = false
  socket._heldTransportEvents = new Set()
  socket._userNoDelay = false
  socket._nagleDeferred = false
  socket._peerChain = null
  socket._maxSendFragment = undefined
  socket._eofEmitted = false
  socket._peerClosed = false
  socket._session = undefined
  socket._verified = false
  socket._pendingSessions = []
  socket._newSessionsPending = 0
  socket._afterNewSessions = null
  socket._resumeData = undefined
  socket._heldCiphertext = null
  socket._sniChosen = false
  socket._signal = options.signal
}

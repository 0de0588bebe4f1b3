// Where a handshake step runs: on the event loop, or on libuv's thread pool.
//
// On the loop a step costs no thread hop, so a process that is not busy
// with handshakes gets its connection sooner (sequential handshakes: p50
// 0.54x node:tls's on the loop against 0.89x on the pool, p99 0.51x
// against 2.05x). On the pool the key exchange, signature and certificate
// checks leave the loop free and use the other cores, which pays once
// handshakes overlap (RSA-2048 2.12x node's rate against 1.37x on the loop,
// a 64-client storm 2.08x against 1.70x; bench/README.md has the table). So a step goes to the pool when the
// process is busy with handshakes: more than BUSY sockets are between the
// start and the end of their handshake (one connection whose both ends live
// in this process counts two), or a pool step is still running.
//
// RUSTLS_NODE_HANDSHAKE_ON_LOOP=1 keeps every step on the loop,
// RUSTLS_NODE_HANDSHAKE_OFF_LOOP=1 sends every step to the pool.

import type { StepResult } from './native'
import { codedError } from './errors'

const BUSY = 2

type Placement = 'auto' | 'loop' | 'pool'

const placement: Placement =
  process.env.RUSTLS_NODE_HANDSHAKE_ON_LOOP === '1'
    ? 'loop'
    : process.env.RUSTLS_NODE_HANDSHAKE_OFF_LOOP === '1'
      ? 'pool'
      : 'auto'

/** Sockets of this process between the start and the end of their handshake. */
let handshaking = 0
/** Handshake steps queued or running on the pool. */
let poolSteps = 0

/** How handshake steps are placed in this process (for the bench's header). */
export function handshakePlacement(): Placement {
  return placement
}

/** A socket starts its handshake. */
export function enterHandshake(): void {
  handshaking++
}

/** A socket's handshake ended (done, failed or destroyed). */
export function leaveHandshake(): void {
  handshaking--
}

/** Whether the next handshake step goes to the thread pool. */
export function stepOffLoop(): boolean {
  if (placement !== 'auto') return placement === 'pool'
  return poolSteps > 0 || handshaking > BUSY
}

/** Counts a step on the pool while it runs. */
export function onPool<T>(step: Promise<T>): Promise<T> {
  poolSteps++
  const done = () => {
    poolSteps--
  }
  step.then(done, done)
  return step
}

/** Runs `next` with a step's result on its own tick (see _receiveOffLoop). */
export function afterStep(step: Promise<StepResult>, next: (result: StepResult) => void): void {
  step.then(
    (result) => process.nextTick(next, result),
    (err: Error) =>
      process.nextTick(next, { consumed: 0, events: 0, error: { code: 'ERR_TLS_INTERNAL', message: String(err) } }),
  )
}

/** A handshake step's error, as the synchronous calls throw it. */
export function stepError(e: {
  code: string
  message: string
  library?: string | null
  reason?: string | null
}): Error {
  const err = codedError(e.code, e.message)
  if (e.library) Object.assign(err, { library: e.library, reason: e.reason })
  return err
}

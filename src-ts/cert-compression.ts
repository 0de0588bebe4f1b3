// Certificate compression (RFC 8879): Node's `certificateCompression`
// option (Node 24.x) and tls.getCertificateCompressionAlgorithms(). The
// policy (what is on by default, what a list means) is the core's
// (crates/core/src/cert_compression.rs); this checks the option as Node's
// configSecureContext() does and carries it through Node's packed
// setCertificateCompression(uint32) verb.

import type * as tls from 'node:tls'
import { invalidArgType, invalidArgValue } from './errors'
import { native } from './native'
import type { MaxEarlyDataOptions } from './early-data'

/** The algorithms Node names (TLS code points 1, 2, 3). */
export type CertificateCompressionAlgorithm = 'zlib' | 'brotli' | 'zstd'

/** The option, on createSecureContext(), createServer() and connect(). */
export interface CertificateCompressionOptions {
  /**
   * Certificate compression (RFC 8879, TLS 1.3), in preference order: a
   * server compresses its chain with the first of these that the client
   * offers; a client offers these. Both directions (client certificates
   * too). `[]` turns it off. When not given, rustls-node compresses and
   * offers brotli and zlib (Node: off); 'zstd' is accepted and skipped,
   * since rustls has no zstd codec.
   */
  certificateCompression?: readonly CertificateCompressionAlgorithm[] | null | undefined
}

/** tls.createSecureContext()'s options with the ones rustls-node reads beyond @types/node's (and maxEarlyData). */
export interface SecureContextOptions
  extends tls.SecureContextOptions,
    CertificateCompressionOptions,
    MaxEarlyDataOptions {}

/** tls.createServer()'s options with certificateCompression and maxEarlyData. */
export interface TlsOptions extends tls.TlsOptions, CertificateCompressionOptions, MaxEarlyDataOptions {}

/** Node's ids, index = code point. */
const IDS: readonly (CertificateCompressionAlgorithm | undefined)[] = [undefined, 'zlib', 'brotli', 'zstd']

let available: CertificateCompressionAlgorithm[] | undefined
/** tls.getCertificateCompressionAlgorithms(): what this build compresses and decompresses with. */
export function getCertificateCompressionAlgorithms(): CertificateCompressionAlgorithm[] {
  available ??= native.certificateCompressionAlgorithms() as CertificateCompressionAlgorithm[]
  return available.slice()
}

/**
 * Node's check and packing of `options.certificateCompression`: length in
 * bits 0-7, then one id per byte. undefined when not given (null or
 * undefined); 0 for `[]`, which Node ignores and rustls-node takes as "off".
 */
export function packCertificateCompression(value: unknown, name = 'options'): number | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw invalidArgType(`${name}.certificateCompression`, 'an instance of Array', value)
  const list = value as unknown[]
  if (list.length > 3) {
    throw invalidArgValue(`${name}.certificateCompression`, list, 'can specify at most 3 algorithms')
  }
  let packed = list.length
  list.forEach((algorithm, i) => {
    const id = IDS.indexOf(algorithm as CertificateCompressionAlgorithm)
    if (id < 1) {
      throw invalidArgValue(`${name}.certificateCompression[${i}]`, algorithm, "must be 'zlib', 'brotli', or 'zstd'")
    }
    packed |= id << (8 * (i + 1))
  })
  return packed >>> 0
}

/** The names a packed value stands for, in order. */
export function unpackCertificateCompression(packed: number): CertificateCompressionAlgorithm[] {
  const names: CertificateCompressionAlgorithm[] = []
  const length = packed & 0xff
  for (let i = 0; i < length && i < 3; i++) {
    const name = IDS[(packed >>> (8 * (i + 1))) & 0xff]
    if (name) names.push(name)
  }
  return names
}

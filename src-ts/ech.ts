// Encrypted Client Hello (RFC 9849), client side: the options of
// tls.connect() that are not in node:tls, checked with Node's error codes.
// What is offered and how (rustls's EchMode) is decided in the core
// (crates/core/src/ech.rs); this only reads the options.

import type * as tls from 'node:tls'
import { invalidArgType, invalidArgValue, validateBoolean } from './errors'
import type { CertificateCompressionOptions } from './cert-compression'
import type { EarlyDataOptions } from './early-data'

/** tls.connect() options for Encrypted Client Hello. */
export interface EchOptions {
  /**
   * The server's ECHConfigList, as published in the `ech` parameter of its
   * DNS HTTPS record (RFC 9460): the bytes, or their base64 text. The real
   * server name then goes only in the encrypted ClientHello; the
   * connection is TLS 1.3-only.
   */
  echConfigList?: NodeJS.ArrayBufferView | string | undefined
  /**
   * Send a GREASE ECH extension (random bytes shaped like one, RFC 9849
   * §6.2) when no `echConfigList` is given. TLS 1.3-only as well.
   */
  echGrease?: boolean | undefined
}

/** tls.connect()'s options with the ones rustls-node adds (and Node 24's certificateCompression). */
export interface ConnectionOptions
  extends tls.ConnectionOptions,
    EchOptions,
    EarlyDataOptions,
    CertificateCompressionOptions {}

/** The error a client socket fails with when the server rejects ECH. */
export interface EchRejectedError extends Error {
  code: 'ERR_TLS_ECH_REJECTED'
  /**
   * The ECHConfigList the server sent to retry with, when it proved to be
   * the config's public name (a trusted certificate for that name);
   * undefined otherwise.
   */
  retryConfigs?: Buffer
}

/** What the native side gets: the list's bytes, or GREASE. */
export interface EchOffer {
  echConfigList?: Buffer
  echGrease?: boolean
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** Checks and normalises the ECH options (ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE, thrown at once). */
export function echOffer(options: EchOptions): EchOffer {
  const offer: EchOffer = {}
  const list = options.echConfigList
  if (list !== undefined && list !== null) {
    let bytes: Buffer
    if (typeof list === 'string') {
      const text = list.replace(/\s+/g, '')
      if (!BASE64.test(text) || text.length % 4 !== 0) {
        throw invalidArgValue('options.echConfigList', list, 'is not base64')
      }
      bytes = Buffer.from(text, 'base64')
    } else if (ArrayBuffer.isView(list)) {
      bytes = Buffer.from(list.buffer, list.byteOffset, list.byteLength)
    } else {
      throw invalidArgType(
        'options.echConfigList',
        'of type string or an instance of Buffer, TypedArray, or DataView',
        list,
      )
    }
    if (bytes.length === 0) throw invalidArgValue('options.echConfigList', list, 'must not be empty')
    offer.echConfigList = Buffer.from(bytes) // a copy: later changes by the caller do not matter
  }
  if (options.echGrease !== undefined) {
    validateBoolean(options.echGrease, 'options.echGrease')
    if (options.echGrease) offer.echGrease = true
  }
  return offer
}

// Node's CA certificate stores: `tls.getCACertificates([type])` and
// `tls.setDefaultCACertificates(certs)` (Node 22.15/24.5 APIs, here on
// Node 20 too), and the default trust of every context given no `ca`.
//
// The stores, as in Node:
// - 'bundled': Node's bundled Mozilla roots (`tls.rootCertificates`);
// - 'system': the operating system's trusted certificates (see
//   crates/core/src/system_roots.rs);
// - 'extra': the file NODE_EXTRA_CA_CERTS names;
// - 'default': what a context without `ca` trusts: the bundled roots (the
//   system store instead with --use-openssl-ca), plus the system store with
//   --use-system-ca or NODE_USE_SYSTEM_CA=1 (the only way on Node 20, which
//   rejects the flag), plus the extra ones; or exactly the list last given
//   to setDefaultCACertificates().
// Each is a frozen array of PEM strings, made once.

import { readFileSync } from 'node:fs'
import { codedError, invalidArgType, invalidArgValue, validateString } from './errors'
import { rootCertificates } from './constants'
import { commandLineHas } from './cli-options'
import { native } from './native'

type StoreType = 'default' | 'system' | 'bundled' | 'extra'

let system: readonly string[] | undefined
let extra: readonly string[] | undefined
let defaults: readonly string[] | undefined
/** Bumped by setDefaultCACertificates(): contexts made after it use the new list. */
let generation = 0

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

/** A certificate's DER as PEM, the way OpenSSL writes it (64-column lines). */
function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64')
  const lines = b64.match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}

/** The certificates of a PEM text that parse, normalised; malformed framing throws as OpenSSL does. */
function certificatesIn(text: string): string[] {
  const begins = text.split('-----BEGIN CERTIFICATE-----').length - 1
  const blocks = text.match(PEM_BLOCK) ?? []
  if (blocks.length < begins) {
    throw Object.assign(codedError('ERR_OSSL_PEM_BAD_END_LINE', 'error:04800066:PEM routines::bad end line'), {
      library: 'PEM routines',
      reason: 'bad end line',
    })
  }
  const out: string[] = []
  for (const block of blocks) {
    const body = block.slice('-----BEGIN CERTIFICATE-----'.length, -'-----END CERTIFICATE-----'.length)
    const der = Buffer.from(body.replace(/\s+/g, ''), 'base64')
    // Like OpenSSL's loader, what is not even a DER SEQUENCE is skipped;
    // the trust store skips what does not parse as a certificate. (Parsing
    // each one here, with X509Certificate, would cost ~0.2 ms apiece, and a
    // NODE_EXTRA_CA_CERTS bundle often holds a whole system store.)
    if (der.length > 2 && der[0] === 0x30) out.push(derToPem(der))
  }
  return out
}

function systemStore(): readonly string[] {
  system ??= Object.freeze(native.systemCaCertificates().map(derToPem))
  return system
}

function extraStore(): readonly string[] {
  if (!extra) {
    const file = process.env.NODE_EXTRA_CA_CERTS
    let certs: string[] = []
    if (file) {
      try {
        certs = certificatesIn(readFileSync(file, 'latin1'))
      } catch {
        // Node reads the file at start-up and has already warned
        // "Ignoring extra certs from ..." if it could not.
      }
    }
    extra = Object.freeze(certs)
  }
  return extra
}

function useSystemCa(): boolean {
  return process.env.NODE_USE_SYSTEM_CA === '1' || commandLineHas('--use-system-ca')
}

function useOpenSslCa(): boolean {
  return commandLineHas('--use-openssl-ca') && !commandLineHas('--use-bundled-ca')
}

function defaultStore(): readonly string[] {
  if (!defaults) {
    const base = useOpenSslCa() ? systemStore() : rootCertificates
    const withSystem = useSystemCa() && !useOpenSslCa() ? [...base, ...systemStore()] : [...base]
    defaults = Object.freeze([...withSystem, ...extraStore()])
  }
  return defaults
}

/** Node's `tls.getCACertificates([type])`. */
export function getCACertificates(type: StoreType = 'default'): string[] {
  validateString(type, 'type')
  switch (type) {
    case 'default':
      return defaultStore() as string[]
    case 'bundled':
      return rootCertificates as string[]
    case 'system':
      return systemStore() as string[]
    case 'extra':
      return extraStore() as string[]
    default:
      throw invalidArgValue('type', type)
  }
}

/** Node's `tls.setDefaultCACertificates(certs)`: the trust of contexts made from now on without `ca`. */
export function setDefaultCACertificates(certs: ReadonlyArray<string | NodeJS.ArrayBufferView>): void {
  if (!Array.isArray(certs)) throw invalidArgType('certs', 'an instance of Array', certs)
  certs.forEach((cert, i) => {
    if (typeof cert !== 'string' && !ArrayBuffer.isView(cert)) {
      throw invalidArgType(`certs[${i}]`, 'of type string or an instance of ArrayBufferView', cert)
    }
  })
  const parsed: string[] = []
  for (const cert of certs) {
    const text =
      typeof cert === 'string' ? cert : Buffer.from(cert.buffer, cert.byteOffset, cert.byteLength).toString('latin1')
    parsed.push(...certificatesIn(text))
  }
  if (certs.length > 0 && parsed.length === 0) {
    throw codedError('ERR_CRYPTO_OPERATION_FAILED', 'No valid certificates found in the provided array')
  }
  defaults = Object.freeze(parsed)
  generation++
}

/** The default list and its generation, for the shared default root store. */
export function defaultCACertificates(): { pems: readonly string[]; generation: number } {
  return { pems: defaultStore(), generation }
}

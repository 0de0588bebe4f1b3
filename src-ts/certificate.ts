// Certificate objects in the shape of Node's getPeerCertificate(): the
// fields come from Rust (x509-parser), the Buffers (`raw`, `pubkey`) and the
// `issuerCertificate` links are added here.

import { X509Certificate } from 'node:crypto'
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls'
import { native } from './native'

export function certificateObject(der: Buffer): PeerCertificate {
  const obj = native.certificateObject(der) as PeerCertificate & { pubkey?: Buffer; infoAccess?: object }
  const pubkey = native.certificatePublicKey(der)
  if (pubkey) obj.pubkey = pubkey as NonSharedBuffer
  // Node builds these three with null prototypes.
  for (const field of [obj.subject, obj.issuer, obj.infoAccess]) {
    if (field && typeof field === 'object') Object.setPrototypeOf(field, null)
  }
  obj.raw = der as NonSharedBuffer
  return obj
}

/**
 * The peer's chain as Node links it: each certificate's `issuerCertificate`
 * is the next one, continuing into the trusted root that issued the last
 * one sent; a self-issued last certificate points at itself.
 */
export function detailedChain(ders: Buffer[], trustedIssuer?: Buffer | null): DetailedPeerCertificate | undefined {
  const all = trustedIssuer ? [...ders, trustedIssuer] : ders
  const certs = all.map((d) => certificateObject(d) as DetailedPeerCertificate)
  for (let i = 0; i < certs.length; i++) {
    const next = certs[i + 1]
    if (next) certs[i].issuerCertificate = next
    else if (isSelfIssued(certs[i])) certs[i].issuerCertificate = certs[i]
  }
  return certs[0]
}

function isSelfIssued(cert: PeerCertificate): boolean {
  return JSON.stringify(cert.subject) === JSON.stringify(cert.issuer)
}

/**
 * An X509Certificate for `der`. Given the rest of the peer's chain (and
 * the trusted certificate that issued its last one), `issuerCertificate`
 * links each to the next, as on the certificates Node's TLS sockets return.
 */
export function x509Of(
  der: Buffer | undefined,
  issuers: Buffer[] = [],
  trustedIssuer?: Buffer,
): X509Certificate | undefined {
  if (!der) return undefined
  const chain = [der, ...issuers]
  if (trustedIssuer) chain.push(trustedIssuer)
  const certs = chain.map((d) => new X509Certificate(d))
  for (let i = 0; i + 1 < certs.length; i++) {
    Object.defineProperty(certs[i], 'issuerCertificate', { value: certs[i + 1], enumerable: false, configurable: true })
  }
  return certs[0]
}

// tls.checkServerIdentity(hostname, cert): RFC 6125 host name checks with
// Node's exact rules, so the same certificates pass and fail as under
// node:tls:
// - IP hosts match only IP SANs (compared in canonical form);
// - DNS hosts match DNS SANs; the subject CN is consulted only when the
//   certificate has no DNS SAN at all (RFC 6125 §6.4.4);
// - a wildcard is allowed only as (part of) the left-most label, at most one,
//   never in `*.tld`, and never inside an IDNA A-label (`xn--`);
// - names with non-ASCII or control characters never match.

import { isIP } from 'node:net'
import type { PeerCertificate } from 'node:tls'
import { codedError, type CodedError } from './errors'

function withoutTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host
}

/** ASCII-only lower-casing: String#toLowerCase is locale and Unicode aware. */
function labelsOf(host: string): string[] {
  return withoutTrailingDot(host)
    .replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32))
    .split('.')
}

/** An IP address in canonical form, or undefined if it is not one (as Node's c-ares helper answers). */
function canonicalIP(ip: string): string | undefined {
  const family = isIP(ip)
  if (family === 4) return ip
  if (family !== 6) return undefined
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1)
}

function nameMatches(host: string[], pattern: string | undefined): boolean {
  if (!pattern) return false
  const want = labelsOf(pattern)
  if (want.length !== host.length || want.includes('')) return false
  if (want.some((label) => /[^\u0021-\u007F]/u.test(label))) return false
  for (let i = 1; i < want.length; i++) {
    if (want[i] !== host[i]) return false
  }
  const [first, label] = [want[0], host[0]]
  const star = first.indexOf('*')
  if (star === -1 || first.startsWith('xn--')) return first === label
  if (first.indexOf('*', star + 1) !== -1) return false
  if (want.length <= 2) return false
  const prefix = first.slice(0, star)
  const suffix = first.slice(star + 1)
  return prefix.length + suffix.length <= label.length && label.startsWith(prefix) && label.endsWith(suffix)
}

/**
 * Splits Node's `subjectaltname` string. Entries are `, `-separated; an entry
 * holding unusual characters is written as a JSON string literal.
 */
function altNameEntries(altNames: string): string[] {
  if (!altNames.includes('"')) return altNames.split(', ')
  const out: string[] = []
  let current = ''
  let i = 0
  while (i < altNames.length) {
    const ch = altNames[i]
    if (ch === '"') {
      const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(altNames.slice(i))
      if (!m) throw codedError('ERR_TLS_CERT_ALTNAME_FORMAT', 'Invalid subject alternative name string', SyntaxError)
      current += JSON.parse(m[0]) as string
      i += m[0].length
    } else if (ch === ',' && altNames[i + 1] === ' ') {
      out.push(current)
      current = ''
      i += 2
    } else {
      current += ch
      i += 1
    }
  }
  out.push(current)
  return out
}

export function checkServerIdentity(hostname: string, cert: PeerCertificate): Error | undefined {
  const host = withoutTrailingDot(String(hostname))
  const altNames = cert.subjectaltname
  const dns: string[] = []
  const ips: Array<string | undefined> = []
  for (const entry of altNames ? altNameEntries(altNames) : []) {
    if (entry.startsWith('DNS:')) dns.push(entry.slice(4))
    else if (entry.startsWith('IP Address:')) ips.push(canonicalIP(entry.slice(11)))
  }

  let reason: string | undefined
  if (isIP(host)) {
    if (!ips.includes(canonicalIP(host))) reason = `IP: ${host} is not in the cert's list: ${ips.join(', ')}`
  } else if (dns.length > 0) {
    const labels = labelsOf(host)
    if (!dns.some((p) => nameMatches(labels, p))) reason = `Host: ${host}. is not in the cert's altnames: ${altNames}`
  } else if (cert.subject?.CN) {
    const labels = labelsOf(host)
    const cn = cert.subject.CN as string | string[]
    const ok = Array.isArray(cn) ? cn.some((p) => nameMatches(labels, p)) : nameMatches(labels, cn)
    if (!ok) reason = `Host: ${host}. is not cert's CN: ${cn}`
  } else {
    reason = 'Cert does not contain a DNS name'
  }
  if (reason === undefined) return undefined
  const err = codedError(
    'ERR_TLS_CERT_ALTNAME_INVALID',
    `Hostname/IP does not match certificate's altnames: ${reason}`,
  ) as CodedError & {
    reason: string
    host: string
    cert: PeerCertificate
  }
  err.reason = reason
  err.host = host
  err.cert = cert
  return err
}

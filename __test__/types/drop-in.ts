// Compile-time check that rustls-node is a drop-in for node:tls: the whole
// module must be assignable to `typeof import('node:tls')`, so code written
// against Node's types type-checks unchanged against ours.
import type * as nodeTls from 'node:tls'
import * as ours from '../../dist/index'
import type { CertificateCompressionAlgorithm } from '../../dist/api'

export const asNodeTls: typeof nodeTls = ours

// Typical user code, written for node:tls, compiled against rustls-node.
export function typicalClient(tls: typeof ours): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: 'localhost', port: 443, servername: 'localhost', ALPNProtocols: ['h2'] }, () => {
      const cert: nodeTls.PeerCertificate = socket.getPeerCertificate()
      const cipher: nodeTls.CipherNameAndProtocol = socket.getCipher()
      resolve(`${cert.subject.CN} ${cipher.name} ${socket.getProtocol()} ${socket.alpnProtocol}`)
    })
    socket.on('error', reject)
  })
}

export function typicalServer(tls: typeof ours): nodeTls.Server {
  const ctx: nodeTls.SecureContext = tls.createSecureContext({ key: 'k', cert: 'c' })
  void ctx
  return tls.createServer({ key: 'k', cert: 'c', requestCert: true }, (s: nodeTls.TLSSocket) => s.end('hi'))
}

// rustls-node's typed additions: Node 24's certificateCompression and getCertificateCompressionAlgorithms().
export function compression(tls: typeof ours): string[] {
  tls.createSecureContext({ certificateCompression: ['brotli', 'zlib'] })
  tls.createServer({ key: 'k', cert: 'c', certificateCompression: [] })
  tls.connect({ port: 443, certificateCompression: ['zlib'] })
  const names: CertificateCompressionAlgorithm[] = tls.getCertificateCompressionAlgorithms()
  return names
}

// TLS 1.3 early data: earlyData on connect, maxEarlyData on contexts and servers, earlyDataAccepted.
export function earlyData(tls: typeof ours, session: Buffer): boolean {
  tls.createSecureContext({ maxEarlyData: 16384 })
  tls.createServer({ key: 'k', cert: 'c', maxEarlyData: 0 })
  const a = tls.connect({ port: 443, session, earlyData: 'GET / HTTP/1.1\r\n\r\n' })
  const b = tls.connect({ port: 443, session, earlyData: Buffer.from('x') })
  return a.earlyDataAccepted && b.earlyDataAccepted
}

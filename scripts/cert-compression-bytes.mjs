// Measures the server's first TLS 1.3 flight (ServerHello through Finished,
// as bytes on the wire) with and without certificate compression (RFC 8879),
// for a realistic chain (leaf + intermediate, as a public CA issues them:
// SANs, AIA, CRL distribution points, policies) with RSA-2048 and ECDSA
// P-256 keys. Needs a build (npm run build) and the openssl CLI.
//
//   node scripts/cert-compression-bytes.mjs [--node24 /path/to/node24]
//
// With --node24 (or NODE24=...), also measures against Node 24's node:tls
// (OpenSSL 3.5) as the other side, both ways.
//
// A proxy between client and server counts the server's bytes that arrive
// before the client's second flight (its first record that is not a
// handshake record: ChangeCipherSpec or the encrypted Finished).

import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'

import { firstFlightProxy } from './first-flight-proxy.mjs'

const require = createRequire(import.meta.url)
const tls = require('../dist/index.js')
const argv = process.argv.slice(2)
const node24 =
  argv[argv.indexOf('--node24') + 1] && argv.includes('--node24')
    ? argv[argv.indexOf('--node24') + 1]
    : process.env.NODE24

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-comp-'))
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })

/** root -> intermediate -> leaf, for 'rsa' (2048) or 'ec' (P-256); returns { key, chain } PEMs. */
function makeChain(kind) {
  const keyArgs = kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
  const f = (n) => `${kind}-${n}`
  openssl(
    'req',
    '-x509',
    ...keyArgs,
    '-nodes',
    '-keyout',
    f('root.key'),
    '-out',
    f('root.pem'),
    '-days',
    '3650',
    '-subj',
    `/C=US/O=Example Trust Services/CN=Example Root CA ${kind}`,
    '-addext',
    'basicConstraints=critical,CA:true',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  )
  fs.writeFileSync(
    path.join(dir, 'int.ext'),
    [
      'basicConstraints=critical,CA:true,pathlen:0',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
      'extendedKeyUsage=serverAuth,clientAuth',
      'authorityInfoAccess=caIssuers;URI:http://crt.example.com/root.crt,OCSP;URI:http://ocsp.example.com',
      'crlDistributionPoints=URI:http://crl.example.com/root.crl',
      'certificatePolicies=2.23.140.1.2.1',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'),
  )
  fs.writeFileSync(
    path.join(dir, 'leaf.ext'),
    [
      'basicConstraints=critical,CA:false',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:www.example.com,DNS:example.com,DNS:localhost,IP:127.0.0.1',
      'authorityInfoAccess=caIssuers;URI:http://crt.example.com/int.crt,OCSP;URI:http://ocsp.example.com',
      'crlDistributionPoints=URI:http://crl.example.com/int.crl',
      'certificatePolicies=2.23.140.1.2.1',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'),
  )
  openssl(
    'req',
    '-new',
    ...keyArgs,
    '-nodes',
    '-keyout',
    f('int.key'),
    '-out',
    f('int.csr'),
    '-subj',
    `/C=US/O=Example Trust Services/CN=Example Issuing CA ${kind}`,
  )
  openssl(
    'x509',
    '-req',
    '-in',
    f('int.csr'),
    '-CA',
    f('root.pem'),
    '-CAkey',
    f('root.key'),
    '-CAcreateserial',
    '-out',
    f('int.pem'),
    '-days',
    '1825',
    '-extfile',
    'int.ext',
  )
  openssl(
    'req',
    '-new',
    ...keyArgs,
    '-nodes',
    '-keyout',
    f('leaf.key'),
    '-out',
    f('leaf.csr'),
    '-subj',
    '/CN=www.example.com',
  )
  openssl(
    'x509',
    '-req',
    '-in',
    f('leaf.csr'),
    '-CA',
    f('int.pem'),
    '-CAkey',
    f('int.key'),
    '-CAcreateserial',
    '-out',
    f('leaf.pem'),
    '-days',
    '90',
    '-extfile',
    'leaf.ext',
  )
  const read = (n) => fs.readFileSync(path.join(dir, f(n)), 'utf8')
  const der = (n) => new (require('node:crypto').X509Certificate)(read(n)).raw.length
  return { key: read('leaf.key'), chain: read('leaf.pem') + read('int.pem'), sizes: [der('leaf.pem'), der('int.pem')] }
}

/** Runs `code` under the Node 24 binary; resolves once it prints a line. */
function node24Process(code, env) {
  const child = spawn(node24, ['-e', code], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve({ line: d.toString().trim(), child }))
    child.once('exit', (c) => reject(new Error(`node24 exited ${c}`)))
  })
}

const SERVER24 = `const tls=require('tls');const s=tls.createServer({key:process.env.KEY,cert:process.env.CHAIN,
  ...(process.env.CC?{certificateCompression:JSON.parse(process.env.CC)}:{})},(c)=>c.end());
  s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`
const CLIENT24 = `const tls=require('tls');const c=tls.connect({port:+process.env.PORT,host:'127.0.0.1',rejectUnauthorized:false,
  ...(process.env.CC?{certificateCompression:JSON.parse(process.env.CC)}:{})},()=>{console.log(c.getProtocol());c.end()})`

async function measure({ chain, serverCC, clientCC, server = 'rustls-node', client = 'rustls-node' }) {
  let port, stopServer
  if (server === 'rustls-node') {
    const s = tls.createServer(
      { key: chain.key, cert: chain.chain, ...(serverCC !== undefined && { certificateCompression: serverCC }) },
      (c) => c.end(),
    )
    await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve))
    port = s.address().port
    stopServer = () => s.close()
  } else {
    const { line, child } = await node24Process(SERVER24, {
      KEY: chain.key,
      CHAIN: chain.chain,
      CC: serverCC ? JSON.stringify(serverCC) : '',
    })
    port = +line
    stopServer = () => child.kill()
  }
  const proxy = await firstFlightProxy(port)
  if (client === 'rustls-node') {
    const c = tls.connect({
      port: proxy.port,
      host: '127.0.0.1',
      rejectUnauthorized: false,
      ...(clientCC !== undefined && { certificateCompression: clientCC }),
    })
    c.on('error', () => {})
    await new Promise((resolve) => c.once('secureConnect', resolve))
    // end(), not destroy(): the client's Finished (which ends the server's
    // flight for the proxy) may still be corked with the first write
    c.end()
  } else {
    const { child } = await node24Process(CLIENT24, {
      PORT: String(proxy.port),
      CC: clientCC ? JSON.stringify(clientCC) : '',
    })
    // let it finish on its own: killed now, its Finished might not be out yet
    await new Promise((resolve) => {
      child.once('exit', resolve)
      setTimeout(() => child.kill(), 5000).unref()
    })
  }
  const bytes = await proxy.flight
  proxy.close()
  stopServer()
  return bytes
}

const show = (v) => (v === undefined ? 'default' : JSON.stringify(v))
for (const kind of ['rsa', 'ec']) {
  const chain = makeChain(kind)
  console.log(
    `\n${kind === 'rsa' ? 'RSA-2048' : 'ECDSA P-256'} chain: leaf ${chain.sizes[0]} + intermediate ${chain.sizes[1]} bytes DER`,
  )
  const rows = [
    { serverCC: [], clientCC: undefined },
    { serverCC: undefined, clientCC: undefined },
    { serverCC: ['zlib'], clientCC: undefined },
    { serverCC: ['brotli'], clientCC: undefined },
  ]
  if (node24) {
    rows.push(
      { server: 'node24', serverCC: undefined, clientCC: undefined },
      { server: 'node24', serverCC: ['zlib'], clientCC: undefined },
      { server: 'node24', serverCC: ['brotli'], clientCC: undefined },
      { client: 'node24', serverCC: undefined, clientCC: undefined },
      { client: 'node24', serverCC: undefined, clientCC: ['zlib'] },
      { client: 'node24', serverCC: undefined, clientCC: ['brotli'] },
    )
  }
  let base
  for (const row of rows) {
    const bytes = await measure({ chain, ...row })
    base ??= bytes
    const pct = ((bytes / base - 1) * 100).toFixed(0)
    console.log(
      `  server ${(row.server ?? 'rustls-node').padEnd(11)} ${show(row.serverCC).padEnd(10)} client ${(row.client ?? 'rustls-node').padEnd(11)} ${show(row.clientCC).padEnd(10)} ${String(bytes).padStart(5)} bytes  ${bytes === base ? '' : `(${bytes > base ? '+' : ''}${pct}%)`}`,
    )
  }
}

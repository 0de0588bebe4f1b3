// Server session tickets: ticketKeys shared by several processes resume
// each other's sessions; getTicketKeys/setTicketKeys rotate; node:tls and
// openssl as clients (their sessions are portable, so they can carry a
// ticket from one server process to another).

import test from 'ava'
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import nodeTls from 'node:tls'

import { fixtures } from './helpers/fixtures.mjs'
import { tls } from './helpers/impl.mjs'
import { listen, readWithSession, runOpensslClient, withTimeout } from './helpers/peers.mjs'

const f = await fixtures()
const rsa = { key: f.rsa.key, cert: f.rsa.chain }
const here = path.dirname(fileURLToPath(import.meta.url))

async function serverProcess(t, keys) {
  const child = spawn(process.execPath, [path.join(here, 'helpers/ticket-server.mjs'), keys.toString('hex')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: process.env,
  })
  t.teardown(() => {
    child.stdin.end()
    setTimeout(() => child.kill(), 2000).unref()
  })
  const line = await withTimeout(
    new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve)),
    15_000,
    'server start',
  )
  return Number(line)
}

/** A node:tls client connection pinned to `version`; resolves with { text, session }. */
function nodeClient(port, version, session) {
  const pin = { minVersion: version, maxVersion: version }
  return readWithSession(nodeTls, { port, servername: 'localhost', ca: f.ca.cert, ...pin, session })
}

for (const version of ['TLSv1.2', 'TLSv1.3']) {
  test(`${version}: two server processes sharing ticketKeys resume each other's sessions`, async (t) => {
    const keys = crypto.randomBytes(48)
    const a = await serverProcess(t, keys)
    const b = await serverProcess(t, keys)
    const other = await serverProcess(t, crypto.randomBytes(48))
    const first = await nodeClient(a, version)
    t.is(first.text, 'reused=false')
    t.truthy(first.session)
    t.is((await nodeClient(b, version, first.session)).text, 'reused=true')
    const again = await nodeClient(a, version)
    t.is((await nodeClient(other, version, again.session)).text, 'reused=false')
  })
}

test('getTicketKeys/setTicketKeys: tickets under the old keys no longer resume, as in Node', async (t) => {
  const { server, port } = await listen(t, tls, { ...rsa, maxVersion: 'TLSv1.2' }, (s) => {
    s.on('error', () => {})
    s.end(`reused=${s.isSessionReused()}`)
  })
  const initial = server.getTicketKeys()
  t.is(initial.length, 48)
  const first = await nodeClient(port, 'TLSv1.2')
  server.setTicketKeys(crypto.randomBytes(48))
  t.false(server.getTicketKeys().equals(initial))
  // Rotating keys after a leak must end the sessions under the old ones.
  t.is((await nodeClient(port, 'TLSv1.2', first.session)).text, 'reused=false')
  const second = await nodeClient(port, 'TLSv1.2')
  t.is((await nodeClient(port, 'TLSv1.2', second.session)).text, 'reused=true')
})

test('ticketKeys of the wrong size: ERR_INVALID_ARG_VALUE, as Node', (t) => {
  t.throws(() => tls.createServer({ ...rsa, ticketKeys: Buffer.alloc(10) }), { code: 'ERR_INVALID_ARG_VALUE' })
})

test('openssl s_client carries a ticket from one server process to another', async (t) => {
  const keys = crypto.randomBytes(48)
  const a = await serverProcess(t, keys)
  const b = await serverProcess(t, keys)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-tickets-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const sess = path.join(dir, 'sess.pem')
  const common = ['-servername', 'localhost', '-CAfile', f.path('ca.cert.pem')]
  const first = await runOpensslClient(t, ['-connect', `127.0.0.1:${a}`, ...common, '-sess_out', sess], '', {
    waitFor: 'reused=',
  })
  t.regex(first.stdout, /reused=false/)
  const second = await runOpensslClient(t, ['-connect', `127.0.0.1:${b}`, ...common, '-sess_in', sess], '', {
    waitFor: 'reused=',
  })
  t.regex(second.stdout, /Reused, TLSv1\.3/)
  t.regex(second.stdout, /reused=true/)
})

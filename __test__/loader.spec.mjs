// The native loader's decision table, by simulation: for every platform the
// project ships (and some it does not), which addon is looked for, in what
// order, how the C library is detected, and the one error when none loads.
// Then the real loader, in a child process, on a copy of the package with no
// addon and with RUSTLS_NODE_NATIVE_PATH.

import test from 'ava'
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const loader = require('../dist/native-loader.js')
const { planNativeLoad, detectLibc, noBinaryError, PREBUILT_TRIPLES, NO_BINARY_CODE } = loader

const VERSION = '1.2.3'
const LOCAL = '/pkg/native'

// What real machines say.
const LDD_SCRIPT_GLIBC =
  '#!/bin/bash\n# Copyright (C) 1996-2022 Free Software Foundation, Inc.\n# This file is part of the GNU C Library.\n'
const LDD_SCRIPT_MUSL = '#!/bin/sh\nexec /lib/ld-musl-x86_64.so.1 --list "$@"\n'
const LDD_VERSION_GLIBC = 'ldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35\nCopyright (C) 2022 Free Software Foundation, Inc.\n'
const LDD_VERSION_MUSL =
  'musl libc (aarch64)\nVersion 1.2.5\nDynamic Program Loader\nUsage: ldd [options] [--] pathname\n'

/** A simulated machine; `calls` records which libc probes ran. */
function machine({
  platform,
  arch,
  lddScript = null,
  report = null,
  lddVersion = null,
  files = [],
  packages = {},
  overridePath = null,
}) {
  const calls = []
  const env = {
    platform,
    arch,
    libc: {
      lddScript: () => {
        calls.push('lddScript')
        return lddScript
      },
      report: () => {
        calls.push('report')
        return report
      },
      lddVersion: () => {
        calls.push('lddVersion')
        return lddVersion
      },
    },
    localDir: LOCAL,
    expectedVersion: VERSION,
    overridePath,
    fileExists: (p) => files.includes(p),
    installedVersion: (name) => packages[name] ?? null,
    join: (...parts) => parts.join('/'),
  }
  return { env, calls }
}

const pkg = (triple) => `@rustls-node/binding-${triple}`
const local = (triple) => `${LOCAL}/rustls-node.${triple}.node`

// platform, arch, libc evidence -> the one triple looked for, and whether it is prebuilt.
const TABLE = [
  { platform: 'linux', arch: 'x64', lddScript: LDD_SCRIPT_GLIBC, triple: 'linux-x64-gnu', prebuilt: true },
  { platform: 'linux', arch: 'x64', lddScript: LDD_SCRIPT_MUSL, triple: 'linux-x64-musl', prebuilt: true },
  { platform: 'linux', arch: 'arm64', lddScript: LDD_SCRIPT_GLIBC, triple: 'linux-arm64-gnu', prebuilt: true },
  {
    platform: 'linux',
    arch: 'arm64',
    lddScript: LDD_SCRIPT_MUSL.replace('x86_64', 'aarch64'),
    triple: 'linux-arm64-musl',
    prebuilt: true,
  },
  { platform: 'linux', arch: 'arm', lddScript: LDD_SCRIPT_GLIBC, triple: 'linux-arm-gnueabihf', prebuilt: true },
  {
    platform: 'linux',
    arch: 'arm',
    lddScript: LDD_SCRIPT_MUSL.replace('x86_64', 'armhf'),
    triple: 'linux-arm-musleabihf',
    prebuilt: false,
  },
  { platform: 'linux', arch: 'riscv64', lddScript: LDD_SCRIPT_GLIBC, triple: 'linux-riscv64-gnu', prebuilt: false },
  { platform: 'linux', arch: 'ppc64', lddScript: LDD_SCRIPT_GLIBC, triple: 'linux-ppc64-gnu', prebuilt: false },
  { platform: 'linux', arch: 's390x', lddScript: LDD_SCRIPT_GLIBC, triple: 'linux-s390x-gnu', prebuilt: false },
  { platform: 'darwin', arch: 'x64', triple: 'darwin-x64', prebuilt: true },
  { platform: 'darwin', arch: 'arm64', triple: 'darwin-arm64', prebuilt: true },
  { platform: 'win32', arch: 'x64', triple: 'win32-x64-msvc', prebuilt: true },
  { platform: 'win32', arch: 'arm64', triple: 'win32-arm64-msvc', prebuilt: true },
  { platform: 'win32', arch: 'ia32', triple: 'win32-ia32-msvc', prebuilt: false },
  { platform: 'freebsd', arch: 'x64', triple: 'freebsd-x64', prebuilt: true },
  { platform: 'freebsd', arch: 'arm64', triple: 'freebsd-arm64', prebuilt: false },
  { platform: 'android', arch: 'arm64', triple: 'android-arm64', prebuilt: false },
  { platform: 'android', arch: 'arm', triple: 'android-arm-eabi', prebuilt: false },
  { platform: 'openbsd', arch: 'x64', triple: 'openbsd-x64', prebuilt: false },
  { platform: 'sunos', arch: 'x64', triple: 'sunos-x64', prebuilt: false },
  { platform: 'aix', arch: 'ppc64', triple: 'aix-ppc64', prebuilt: false },
]

test('every prebuilt platform of the table is in PREBUILT_TRIPLES and the other way round', (t) => {
  const fromTable = TABLE.filter((r) => r.prebuilt)
    .map((r) => r.triple)
    .sort()
  t.deepEqual([...PREBUILT_TRIPLES].sort(), fromTable)
})

for (const row of TABLE) {
  const name = `${row.platform} ${row.arch}${row.lddScript ? (row.lddScript.includes('musl') ? ' musl' : ' glibc') : ''}`

  test(`${name}: looks for ${row.triple}, installed package first-class`, (t) => {
    const { env, calls } = machine({ ...row, packages: { [pkg(row.triple)]: VERSION } })
    const plan = planNativeLoad(env)
    t.deepEqual(plan.triples, [row.triple])
    t.deepEqual(plan.prebuilt, row.prebuilt ? [row.triple] : [])
    if (row.prebuilt) {
      // Only the package exists: it is the one candidate.
      t.deepEqual(plan.candidates, [{ kind: 'package', id: pkg(row.triple), triple: row.triple }])
      t.deepEqual(plan.missing, [{ kind: 'local', id: local(row.triple), reason: 'no local build' }])
    } else {
      // No prebuilt package exists, so none is even looked up.
      t.deepEqual(plan.candidates, [])
    }
    if (row.platform !== 'linux') t.deepEqual(calls, [], 'libc is only probed on Linux')
  })

  test(`${name}: the local build in native/ comes before the package`, (t) => {
    const { env } = machine({ ...row, files: [local(row.triple)], packages: { [pkg(row.triple)]: VERSION } })
    const plan = planNativeLoad(env)
    const expected = [{ kind: 'local', id: local(row.triple), triple: row.triple }]
    if (row.prebuilt) expected.push({ kind: 'package', id: pkg(row.triple), triple: row.triple })
    t.deepEqual(plan.candidates, expected)
    t.deepEqual(plan.missing, [])
  })

  test(`${name}: nothing there gives the one clear error`, (t) => {
    const { env } = machine(row)
    const plan = planNativeLoad(env)
    t.deepEqual(plan.candidates, [])
    const err = noBinaryError(plan, [], { node: 'v20.0.0', napi: '9' })
    t.is(err.code, NO_BINARY_CODE)
    t.is(err.platform, row.triple)
    t.true(
      err.message.startsWith(
        `rustls-node: no native addon could be loaded for ${row.triple} (Node.js v20.0.0, Node-API 9)`,
      ),
      err.message,
    )
    t.true(err.message.includes(`${local(row.triple)} (local build): no local build`))
    t.true(err.message.includes('Building from source'))
    t.true(err.message.includes('RUSTLS_NODE_NATIVE_PATH'))
    if (row.prebuilt) {
      t.true(err.message.includes(`${pkg(row.triple)} (prebuilt package): not installed`))
      t.true(err.message.includes('--omit=optional'))
      t.deepEqual(
        err.tried.map((x) => x.id),
        [local(row.triple), pkg(row.triple)],
      )
    } else {
      t.true(
        err.message.includes(`rustls-node publishes no prebuilt addon for ${row.triple}; prebuilt: linux-x64-gnu,`),
      )
      t.false(err.message.includes('@rustls-node/binding-'), 'names no package that does not exist')
      t.deepEqual(
        err.tried.map((x) => x.id),
        [local(row.triple)],
      )
    }
  })
}

test('libc: the ldd script settles it, and nothing slower is asked', (t) => {
  for (const [script, libc] of [
    [LDD_SCRIPT_GLIBC, 'glibc'],
    [LDD_SCRIPT_MUSL, 'musl'],
  ]) {
    const { env, calls } = machine({ platform: 'linux', arch: 'x64', lddScript: script })
    t.deepEqual(detectLibc(env.libc), { libc, source: 'ldd-script' })
    t.deepEqual(calls, ['lddScript'])
  }
})

test('libc: without an ldd script, the process report header says glibc', (t) => {
  const { env, calls } = machine({
    platform: 'linux',
    arch: 'x64',
    report: { glibcVersionRuntime: '2.28', sharedObjects: [] },
  })
  t.deepEqual(detectLibc(env.libc), { libc: 'glibc', source: 'report' })
  t.deepEqual(calls, ['lddScript', 'report'])
})

test('libc: a report without glibcVersionRuntime but with musl loaded says musl', (t) => {
  const report = {
    glibcVersionRuntime: null,
    sharedObjects: ['/usr/local/bin/node', '/lib/ld-musl-x86_64.so.1', '/usr/lib/libstdc++.so.6'],
  }
  const { env } = machine({ platform: 'linux', arch: 'x64', report })
  t.deepEqual(detectLibc(env.libc), { libc: 'musl', source: 'report' })
  const report2 = { sharedObjects: ['/usr/lib/libc.musl-x86_64.so.1'] }
  t.deepEqual(detectLibc(machine({ platform: 'linux', arch: 'x64', report: report2 }).env.libc), {
    libc: 'musl',
    source: 'report',
  })
})

test('libc: a report with no libc evidence falls through to `ldd --version`', (t) => {
  for (const [out, libc] of [
    [LDD_VERSION_MUSL, 'musl'],
    [LDD_VERSION_GLIBC, 'glibc'],
    ['ldd (GNU libc) 2.28\n', 'glibc'],
  ]) {
    const { env, calls } = machine({
      platform: 'linux',
      arch: 'arm64',
      report: { sharedObjects: ['/usr/bin/node'] },
      lddVersion: out,
    })
    t.deepEqual(detectLibc(env.libc), { libc, source: 'ldd-version' })
    t.deepEqual(calls, ['lddScript', 'report', 'lddVersion'])
  }
})

test('libc: an ldd script that says neither (e.g. a wrapper) is not taken as evidence', (t) => {
  const { env } = machine({
    platform: 'linux',
    arch: 'x64',
    lddScript: '#!/bin/sh\nexec /opt/tool/ldd "$@"\n',
    report: { glibcVersionRuntime: '2.31' },
  })
  t.deepEqual(detectLibc(env.libc), { libc: 'glibc', source: 'report' })
})

test('libc unknown: both the glibc and the musl addon are looked for, glibc first', (t) => {
  const { env } = machine({
    platform: 'linux',
    arch: 'x64',
    files: [local('linux-x64-musl')],
    packages: { [pkg('linux-x64-gnu')]: VERSION, [pkg('linux-x64-musl')]: VERSION },
  })
  const plan = planNativeLoad(env)
  t.is(plan.libc, null)
  t.deepEqual(plan.triples, ['linux-x64-gnu', 'linux-x64-musl'])
  t.deepEqual(
    plan.candidates.map((c) => c.id),
    [local('linux-x64-musl'), pkg('linux-x64-gnu'), pkg('linux-x64-musl')],
  )
  const err = noBinaryError(planNativeLoad(machine({ platform: 'linux', arch: 'x64' }).env), [], {
    node: 'v22.0.0',
    napi: '9',
  })
  t.is(err.platform, 'linux-x64-gnu or linux-x64-musl')
  t.true(err.message.includes('C library not detected'))
})

test('RUSTLS_NODE_NATIVE_PATH comes first, and a path to nothing is reported', (t) => {
  const own = '/home/me/build/rustls-node.node'
  const { env } = machine({ platform: 'freebsd', arch: 'arm64', overridePath: own, files: [own] })
  t.deepEqual(planNativeLoad(env).candidates, [{ kind: 'override', id: own, triple: null }])
  const gone = machine({
    platform: 'linux',
    arch: 'x64',
    lddScript: LDD_SCRIPT_GLIBC,
    overridePath: '/nope.node',
    packages: { [pkg('linux-x64-gnu')]: VERSION },
  })
  const plan = planNativeLoad(gone.env)
  t.deepEqual(
    plan.candidates.map((c) => c.kind),
    ['package'],
  )
  t.deepEqual(plan.missing[0], { kind: 'override', id: '/nope.node', reason: 'RUSTLS_NODE_NATIVE_PATH names no file' })
})

test('a platform package of another version is not loaded, and the error says why', (t) => {
  const { env } = machine({ platform: 'darwin', arch: 'arm64', packages: { [pkg('darwin-arm64')]: '1.0.0' } })
  const plan = planNativeLoad(env)
  t.deepEqual(plan.candidates, [])
  const err = noBinaryError(plan, [], { node: 'v24.0.0', napi: '10' })
  t.true(
    err.message.includes(
      '@rustls-node/binding-darwin-arm64 (prebuilt package): version 1.0.0 is installed, but rustls-node is 1.2.3',
    ),
    err.message,
  )
})

test('an addon that exists but does not load is in the error with its loader message', (t) => {
  const { env } = machine({
    platform: 'linux',
    arch: 'x64',
    lddScript: LDD_SCRIPT_GLIBC,
    files: [local('linux-x64-gnu')],
  })
  const plan = planNativeLoad(env)
  const failures = [
    {
      candidate: plan.candidates[0],
      message: "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found\n(more)",
    },
  ]
  const err = noBinaryError(plan, failures, { node: 'v18.20.8', napi: '9' })
  t.true(
    err.message.includes(
      `${local('linux-x64-gnu')} (local build): failed to load: /lib/x86_64-linux-gnu/libc.so.6: version \`GLIBC_2.38' not found`,
    ),
    err.message,
  )
  t.false(err.message.includes('(more)'))
})

// The real loader (dist/native.js) in a child process, on a copy of the
// package: dist/ and package.json, no addon.
function packageCopy(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-loader-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.cpSync(path.join(REPO, 'dist'), path.join(dir, 'dist'), { recursive: true })
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(dir, 'package.json'))
  fs.mkdirSync(path.join(dir, 'native'))
  return dir
}

const probe = `
try { require('./dist/native.js'); console.log(JSON.stringify({ loaded: true })) }
catch (e) { console.log(JSON.stringify({ loaded: false, code: e.code, platform: e.platform, message: e.message })) }
`

test('the real loader, with no addon anywhere, throws ERR_RUSTLS_NODE_NO_BINARY naming this platform', (t) => {
  const dir = packageCopy(t)
  const env = { ...process.env }
  delete env.RUSTLS_NODE_NATIVE_PATH
  const out = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: dir, env, encoding: 'utf8' }))
  t.false(out.loaded)
  t.is(out.code, 'ERR_RUSTLS_NODE_NO_BINARY')
  const { env: here } = { env: require('../dist/native.js').machineEnvironment() }
  const expected = planNativeLoad(here).triples.join(' or ')
  t.is(out.platform, expected)
  t.true(
    out.message.includes(path.join(dir, 'native', `rustls-node.${planNativeLoad(here).triples[0]}.node`)),
    out.message,
  )
})

test('the real loader loads the addon named by RUSTLS_NODE_NATIVE_PATH', (t) => {
  const built = fs.readdirSync(path.join(REPO, 'native')).find((f) => f.endsWith('.node'))
  if (!built) return t.fail('no local build in native/: run npm run build:native')
  const dir = packageCopy(t)
  const outside = path.join(dir, 'elsewhere.node')
  fs.copyFileSync(path.join(REPO, 'native', built), outside)
  const r = spawnSync(process.execPath, ['-e', probe], {
    cwd: dir,
    env: { ...process.env, RUSTLS_NODE_NATIVE_PATH: outside },
    encoding: 'utf8',
  })
  t.deepEqual(JSON.parse(r.stdout), { loaded: true }, r.stderr)
})

// Which native addon to load, decided without touching the machine: every
// input (platform, arch, libc evidence, what exists on disk and in
// node_modules) is passed in, so the decision for every platform is tested by
// simulation (__test__/loader.spec.mjs). native.ts feeds it the real machine.
//
// Layout (napi-rs's): the addon for a platform is `rustls-node.<triple>.node`,
// where <triple> is napi-rs's platform-arch-abi name (linux-x64-gnu,
// darwin-arm64, win32-x64-msvc, ...). It is found, in order:
//   1. at RUSTLS_NODE_NATIVE_PATH, when that is set (a build of one's own);
//   2. in native/ of this package: the local build (`npm run build:native`);
//   3. in @rustls-node/binding-<triple>, the prebuilt package that npm installs
//      from rustls-node's optionalDependencies on the matching os/cpu/libc.

export type Libc = 'glibc' | 'musl'

/** The platforms that have a prebuilt package (package.json napi.targets). */
export const PREBUILT_TRIPLES: readonly string[] = [
  'linux-x64-gnu',
  'linux-x64-musl',
  'linux-arm64-gnu',
  'linux-arm64-musl',
  'linux-arm-gnueabihf',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64-msvc',
  'win32-arm64-msvc',
  'freebsd-x64',
]

export const BINARY_NAME = 'rustls-node'
export const PACKAGE_PREFIX = '@rustls-node/binding-'
export const OVERRIDE_ENV = 'RUSTLS_NODE_NATIVE_PATH'
export const NO_BINARY_CODE = 'ERR_RUSTLS_NODE_NO_BINARY'

/** What a process report says about the C library (its header and loaded objects). */
export interface ReportEvidence {
  glibcVersionRuntime?: string | null
  sharedObjects?: readonly string[] | null
}

/**
 * Evidence about the C library on Linux, each piece asked for only when the
 * cheaper ones said nothing (reading a file < a process report < a process).
 */
export interface LibcProbes {
  /** Contents of /usr/bin/ldd (a script on glibc and on musl), or null. */
  lddScript(): string | null
  /** process.report's header.glibcVersionRuntime and sharedObjects, or null. */
  report(): ReportEvidence | null
  /** Output of `ldd --version` (stdout and stderr), or null when it cannot run. */
  lddVersion(): string | null
}

export interface LoaderEnvironment {
  platform: string
  arch: string
  libc: LibcProbes
  /** Directory of the local build: this package's native/. */
  localDir: string
  /** The version of rustls-node itself; a platform package must match it. */
  expectedVersion: string
  /** RUSTLS_NODE_NATIVE_PATH, when set and not empty. */
  overridePath?: string | null
  fileExists(path: string): boolean
  /** Version of an installed package, or null when it cannot be resolved. */
  installedVersion(packageName: string): string | null
  /** Path joining for the target platform (path.join). */
  join(...parts: string[]): string
}

export interface Candidate {
  kind: 'override' | 'local' | 'package'
  /** A file path, or a package name for kind 'package'. */
  id: string
  triple: string | null
}

export interface Missing {
  kind: Candidate['kind']
  id: string
  reason: string
}

export interface LoadPlan {
  /** The platform triples looked for: one, or two on Linux when libc is unknown. */
  triples: string[]
  libc: Libc | null
  /** Which piece of evidence settled libc: 'ldd-script' | 'report' | 'ldd-version' | null. */
  libcSource: string | null
  /** Triples among `triples` that have a prebuilt package. */
  prebuilt: string[]
  /** What exists, to require in this order. */
  candidates: Candidate[]
  /** What was looked for and is absent or unusable, with why. */
  missing: Missing[]
}

function libcOf(text: string | null): Libc | null {
  if (!text) return null
  if (/musl/i.test(text)) return 'musl'
  if (/GNU C Library|GLIBC|GNU libc/i.test(text)) return 'glibc'
  return null
}

/** glibc or musl, from the cheapest evidence that settles it; null if none does. */
export function detectLibc(probes: LibcProbes): { libc: Libc | null; source: string | null } {
  const fromScript = libcOf(probes.lddScript())
  if (fromScript) return { libc: fromScript, source: 'ldd-script' }
  const report = probes.report()
  if (report) {
    if (report.glibcVersionRuntime) return { libc: 'glibc', source: 'report' }
    const objects = report.sharedObjects ?? []
    if (objects.some((o) => /(?:^|\/)(?:libc\.musl-|ld-musl-)/.test(o))) return { libc: 'musl', source: 'report' }
    if (objects.some((o) => /(?:^|\/)libc\.so\.6$/.test(o))) return { libc: 'glibc', source: 'report' }
  }
  const fromCommand = libcOf(probes.lddVersion())
  if (fromCommand) return { libc: fromCommand, source: 'ldd-version' }
  return { libc: null, source: null }
}

/** napi-rs's platform-arch-abi name for a platform, arch and (on Linux) libc. */
export function tripleFor(platform: string, arch: string, libc: Libc | null): string {
  switch (platform) {
    case 'linux': {
      const musl = libc === 'musl'
      if (arch === 'arm') return `linux-arm-${musl ? 'musleabihf' : 'gnueabihf'}`
      return `linux-${arch}-${musl ? 'musl' : 'gnu'}`
    }
    case 'win32':
      return `win32-${arch}-msvc`
    case 'android':
      return arch === 'arm' ? 'android-arm-eabi' : `android-${arch}`
    default:
      // darwin, freebsd, and anything else napi-rs names platform-arch
      return `${platform}-${arch}`
  }
}

export function binaryFileName(triple: string): string {
  return `${BINARY_NAME}.${triple}.node`
}

export function packageName(triple: string): string {
  return `${PACKAGE_PREFIX}${triple}`
}

/** Decides what to try loading, and records what was looked for and not found. */
export function planNativeLoad(env: LoaderEnvironment): LoadPlan {
  let libc: Libc | null = null
  let libcSource: string | null = null
  let triples: string[]
  if (env.platform === 'linux') {
    ;({ libc, source: libcSource } = detectLibc(env.libc))
    // Unknown libc: look for both, glibc first (the common case); loading the
    // wrong one fails cleanly and the next is tried.
    triples = libc
      ? [tripleFor('linux', env.arch, libc)]
      : [tripleFor('linux', env.arch, 'glibc'), tripleFor('linux', env.arch, 'musl')]
  } else {
    triples = [tripleFor(env.platform, env.arch, null)]
  }

  const candidates: Candidate[] = []
  const missing: Missing[] = []
  if (env.overridePath) {
    if (env.fileExists(env.overridePath)) candidates.push({ kind: 'override', id: env.overridePath, triple: null })
    else missing.push({ kind: 'override', id: env.overridePath, reason: `${OVERRIDE_ENV} names no file` })
  }
  for (const triple of triples) {
    const local = env.join(env.localDir, binaryFileName(triple))
    if (env.fileExists(local)) candidates.push({ kind: 'local', id: local, triple })
    else missing.push({ kind: 'local', id: local, reason: 'no local build' })
  }
  const prebuilt = triples.filter((t) => PREBUILT_TRIPLES.includes(t))
  for (const triple of prebuilt) {
    const name = packageName(triple)
    const version = env.installedVersion(name)
    if (version === null) missing.push({ kind: 'package', id: name, reason: 'not installed' })
    else if (version !== env.expectedVersion) {
      missing.push({
        kind: 'package',
        id: name,
        reason: `version ${version} is installed, but rustls-node is ${env.expectedVersion}; reinstall so they match`,
      })
    } else candidates.push({ kind: 'package', id: name, triple })
  }
  return { triples, libc, libcSource, prebuilt, candidates, missing }
}

export interface LoadFailure {
  candidate: Candidate
  message: string
}

export interface NoBinaryError extends Error {
  code: typeof NO_BINARY_CODE
  /** The triple(s) looked for, e.g. 'linux-x64-gnu'. */
  platform: string
  /** Every path and package looked for, with why it was not used. */
  tried: { id: string; reason: string }[]
}

/** The one error thrown when nothing loads: what was looked for, why each failed, what to do. */
export function noBinaryError(
  plan: LoadPlan,
  failures: readonly LoadFailure[],
  runtime: { node: string; napi: string | undefined },
): NoBinaryError {
  const platform = plan.triples.join(' or ')
  const describe = (kind: Candidate['kind'], id: string): string =>
    kind === 'override'
      ? `${OVERRIDE_ENV}=${id}`
      : kind === 'local'
        ? `${id} (local build)`
        : `${id} (prebuilt package)`
  const tried = [
    ...plan.missing.map((m) => ({ kind: m.kind, id: m.id, reason: m.reason })),
    ...failures.map((f) => ({
      kind: f.candidate.kind,
      id: f.candidate.id,
      reason: `failed to load: ${f.message.split('\n')[0]}`,
    })),
  ]
  const lines = [
    `rustls-node: no native addon could be loaded for ${platform} ` +
      `(Node.js ${runtime.node}, Node-API ${runtime.napi ?? 'unknown'}${plan.libc === null && plan.triples.length > 1 ? ', C library not detected' : ''}).`,
    'Looked for:',
    ...tried.map((t) => `  - ${describe(t.kind, t.id)}: ${t.reason}`),
  ]
  if (plan.prebuilt.length > 0) {
    const names = plan.prebuilt.map(packageName).join(' or ')
    lines.push(
      `The prebuilt addon for this platform is ${names}, an optional dependency of rustls-node that npm installs ` +
        'only on the matching os, cpu and libc. If it was skipped (npm install --omit=optional or --no-optional, ' +
        'or a package-lock.json or node_modules made on another platform), reinstall: ' +
        'rm -rf node_modules package-lock.json && npm install.',
    )
  } else {
    lines.push(`rustls-node publishes no prebuilt addon for ${platform}; prebuilt: ${PREBUILT_TRIPLES.join(', ')}.`)
  }
  lines.push(
    'To build it from source (Rust >= 1.88 and a C compiler): in a checkout of rustls-node, `npm install` builds ' +
      `native/${binaryFileName(plan.triples[0])}; install that checkout, or set ${OVERRIDE_ENV} to the built file. ` +
      'See "Building from source" in rustls-node\'s README.',
  )
  const err = new Error(lines.join('\n')) as NoBinaryError
  err.code = NO_BINARY_CODE
  err.platform = platform
  err.tried = tried.map(({ id, reason }) => ({ id, reason }))
  return err
}

// Loads the native addon. What to load is decided by planNativeLoad
// (native-loader.ts) from this machine's facts; here those facts are
// gathered, the candidates required in order, and one clear error
// (code ERR_RUSTLS_NODE_NO_BINARY) thrown when none loads.

import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type * as Binding from '../native/binding'
import {
  OVERRIDE_ENV,
  noBinaryError,
  planNativeLoad,
  type LoadFailure,
  type LoaderEnvironment,
  type ReportEvidence,
} from './native-loader'

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1')
  } catch {
    return null
  }
}

function reportEvidence(): ReportEvidence | null {
  const report = process.report as (NodeJS.ProcessReport & { excludeNetwork?: boolean }) | undefined
  if (typeof report?.getReport !== 'function') return null
  // Collecting network interfaces is the slow part of a report, and not needed.
  const excludeNetwork = report.excludeNetwork
  try {
    report.excludeNetwork = true
    const r = report.getReport() as { header?: { glibcVersionRuntime?: string }; sharedObjects?: string[] }
    return { glibcVersionRuntime: r.header?.glibcVersionRuntime ?? null, sharedObjects: r.sharedObjects ?? null }
  } catch {
    return null
  } finally {
    if (excludeNetwork !== undefined) report.excludeNetwork = excludeNetwork
  }
}

function lddVersion(): string | null {
  try {
    // musl's ldd prints its version to stderr and exits 1: keep both streams.
    return execFileSync('ldd', ['--version'], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 })
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string }
    const text = `${err.stdout ?? ''}${err.stderr ?? ''}`
    return text || null
  }
}

function installedVersion(name: string): string | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${name}/package.json`) as { version: string }).version
  } catch {
    return null
  }
}

function ownVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../package.json') as { version: string }).version
}

export function machineEnvironment(): LoaderEnvironment {
  return {
    platform: process.platform,
    arch: process.arch,
    libc: { lddScript: () => readText('/usr/bin/ldd'), report: reportEvidence, lddVersion },
    localDir: join(__dirname, '..', 'native'),
    expectedVersion: ownVersion(),
    overridePath: process.env[OVERRIDE_ENV] || null,
    fileExists: existsSync,
    installedVersion,
    join,
  }
}

function load(): typeof Binding {
  const plan = planNativeLoad(machineEnvironment())
  const failures: LoadFailure[] = []
  for (const candidate of plan.candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(candidate.id) as typeof Binding
    } catch (e) {
      failures.push({ candidate, message: (e as Error).message })
    }
  }
  throw noBinaryError(plan, failures, { node: process.version, napi: process.versions.napi })
}

export const native: typeof Binding = load()
native.warmUp()
export type NativeConnection = Binding.NativeConnection
export type NativeContext = Binding.NativeContext
export type StepResult = Binding.StepResult

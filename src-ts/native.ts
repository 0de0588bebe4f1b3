// Loads the native addon: the local build (`native/` after `npm run build`)
// or the prebuilt per-platform package (`npm/<platform>/`, napi-rs layout).

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type * as Binding from '../native/binding'

function platformTriple(): string {
  const { platform, arch } = process
  if (platform === 'linux') {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
    const libc = report?.header?.glibcVersionRuntime ? 'gnu' : 'musl'
    return `linux-${arch}-${libc}`
  }
  return `${platform}-${arch}`
}

function load(): typeof Binding {
  const triple = platformTriple()
  const local = join(__dirname, '..', 'native', `rustls-node.${triple}.node`)
  const errors: string[] = []
  for (const candidate of [local, `@rustls-node/binding-${triple}`]) {
    if (candidate === local && !existsSync(local)) {
      errors.push(`${local}: not built`)
      continue
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(candidate) as typeof Binding
    } catch (e) {
      errors.push(`${candidate}: ${(e as Error).message}`)
    }
  }
  throw new Error(`rustls-node: no native binary for ${triple}. Tried:\n  ${errors.join('\n  ')}`)
}

export const native: typeof Binding = load()
native.warmUp()
export type NativeConnection = Binding.NativeConnection
export type NativeContext = Binding.NativeContext

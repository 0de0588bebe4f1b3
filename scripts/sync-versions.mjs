#!/usr/bin/env node
// Gives every platform package (npm/*/package.json) and rustls-node's
// optionalDependencies the version of rustls-node: they are released together.
// It is package.json's `version` script, so `npm version 1.2.3` bumps
// everything in one commit and tags v1.2.3 (then push the tag to release).
//
//   node scripts/sync-versions.mjs [--cwd DIR]

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const i = process.argv.indexOf('--cwd')
const root =
  i > 0 ? path.resolve(process.argv[i + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const read = (f) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'))
const write = (f, v) => fs.writeFileSync(path.join(root, f), `${JSON.stringify(v, null, 2)}\n`)

const pkg = read('package.json')
const { version } = pkg
const changed = []
const optional = {}
for (const dir of fs.readdirSync(path.join(root, 'npm')).sort()) {
  const f = path.join('npm', dir, 'package.json')
  const p = read(f)
  optional[p.name] = version
  if (p.version !== version) {
    p.version = version
    write(f, p)
    changed.push(f)
  }
}
if (JSON.stringify(pkg.optionalDependencies) !== JSON.stringify({ ...pkg.optionalDependencies, ...optional })) {
  pkg.optionalDependencies = { ...pkg.optionalDependencies, ...optional }
  write('package.json', pkg)
  changed.push('package.json')
}
if (fs.existsSync(path.join(root, 'package-lock.json'))) {
  const lock = read('package-lock.json')
  const entry = lock.packages?.['']
  if (entry?.optionalDependencies) {
    const sorted = Object.fromEntries(
      Object.entries({ ...entry.optionalDependencies, ...optional }).sort(([a], [b]) => (a < b ? -1 : 1)),
    )
    if (JSON.stringify(sorted) !== JSON.stringify(entry.optionalDependencies)) {
      entry.optionalDependencies = sorted
      write('package-lock.json', lock)
      changed.push('package-lock.json')
    }
  }
}
console.log(
  changed.length
    ? `rustls-node ${version}: ${changed.join(', ')}`
    : `rustls-node ${version}: every package already at it`,
)
// Under `npm version`, stage the files for the commit npm makes.
if (process.env.npm_lifecycle_event === 'version' && changed.length) {
  execFileSync('git', ['add', ...changed], { cwd: root, stdio: 'inherit' })
}

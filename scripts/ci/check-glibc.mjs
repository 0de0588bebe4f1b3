#!/usr/bin/env node
// Fails when a Linux glibc addon needs a newer glibc than the floor we
// promise (README: glibc >= 2.28 on x64/arm64, >= 2.31 on armv7): a binary
// linked against a newer glibc refuses to load on older distributions with
// "version `GLIBC_2.34' not found". The versions an ELF file needs are the
// GLIBC_x.y names in its dynamic string table; no binutils needed.
//
//   node scripts/ci/check-glibc.mjs <file.node>... <floor, e.g. 2.28>

import fs from 'node:fs'

const args = process.argv.slice(2)
const floor = args.pop()
if (!args.length || !/^\d+\.\d+$/.test(floor ?? '')) {
  console.error('usage: node scripts/ci/check-glibc.mjs <file.node>... <floor, e.g. 2.28>')
  process.exit(2)
}

const parse = (v) => v.split('.').map(Number)
const newer = (a, b) => {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d) return d > 0
  }
  return false
}

/** The GLIBC_x.y[.z] version names in a binary, highest last. */
export function glibcVersions(buf) {
  const found = new Set()
  for (const m of buf.toString('latin1').matchAll(/GLIBC_(\d+\.\d+(?:\.\d+)?)\0/g)) found.add(m[1])
  return [...found].sort((a, b) => (newer(parse(a), parse(b)) ? 1 : -1))
}

let failed = false
for (const file of args) {
  const versions = glibcVersions(fs.readFileSync(file))
  const highest = versions.at(-1)
  if (!highest) {
    console.error(`${file}: no GLIBC_ version needed (not a glibc binary?)`)
    failed = true
  } else if (newer(parse(highest), parse(floor))) {
    console.error(
      `${file}: needs glibc ${highest} (${versions.filter((v) => newer(parse(v), parse(floor))).join(', ')}), above the floor ${floor}`,
    )
    failed = true
  } else {
    console.log(`${file}: needs glibc ${highest} at most (floor ${floor}): ok`)
  }
}
process.exit(failed ? 1 : 0)

#!/usr/bin/env node
// actionlint on .github/workflows/ (the release workflow cannot run here, so
// it is at least linted: syntax, expressions, matrix keys, action inputs, and
// the `run:` scripts through shellcheck when shellcheck is installed).
// actionlint is found on PATH or in Go's bin directory, or installed there
// with `go install` (a Go module; pinned version).

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const VERSION = 'v1.7.12'
const exe = process.platform === 'win32' ? '.exe' : ''

function which(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const f = path.join(dir, name + exe)
    if (dir && fs.existsSync(f)) return f
  }
  return null
}

function goBin() {
  try {
    const gobin = execFileSync('go', ['env', 'GOBIN'], { encoding: 'utf8' }).trim()
    return gobin || path.join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin')
  } catch {
    return null
  }
}

function findActionlint() {
  const onPath = which('actionlint')
  if (onPath) return onPath
  const bin = goBin()
  if (bin && fs.existsSync(path.join(bin, `actionlint${exe}`))) return path.join(bin, `actionlint${exe}`)
  if (!bin) {
    throw new Error(
      'actionlint is not installed and Go is not there to install it: ' +
        `go install github.com/rhysd/actionlint/cmd/actionlint@${VERSION}`,
    )
  }
  console.log(`installing actionlint ${VERSION} with go install (once)`)
  execFileSync('go', ['install', `github.com/rhysd/actionlint/cmd/actionlint@${VERSION}`], { stdio: 'inherit' })
  return path.join(bin, `actionlint${exe}`)
}

const actionlint = findActionlint()
const workflows = fs
  .readdirSync(path.join(REPO, '.github', 'workflows'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => path.join('.github', 'workflows', f))
const shellcheck = which('shellcheck')
try {
  execFileSync(actionlint, ['-no-color', ...workflows], { cwd: REPO, stdio: 'inherit' })
} catch {
  console.error(`actionlint: problems in ${workflows.join(', ')} (above)`)
  process.exit(1)
}
console.log(
  `actionlint: ${workflows.join(', ')} clean${shellcheck ? ' (run: scripts checked by shellcheck)' : ' (shellcheck not installed: run: scripts not checked)'}`,
)

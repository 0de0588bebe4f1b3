// The certificate cache both fixture sets use: generated once with the
// openssl CLI into .fixtures/<version>/ at the repo root (git-ignored),
// regenerated when missing, incomplete or a year old, and safe when several
// ava processes start at once (each generates into a temp dir and renames
// it into place; the loser of the race uses the winner's copy).

import { execFile } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const execFileP = promisify(execFile)
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const CACHE_ROOT = path.join(REPO, '.fixtures')
const STAMP = 'complete.json'
// Leaf certificates are valid for 10 years; regenerate long before that.
const MAX_AGE_MS = 365 * 24 * 3600 * 1000

/** Runs the openssl CLI in `cwd`; a failure says which command and why. */
export async function openssl(cwd, args) {
  try {
    await execFileP('openssl', args, { cwd, timeout: 60_000 })
  } catch (err) {
    err.message = `openssl ${args.join(' ')} failed: ${err.stderr || err.message}`
    throw err
  }
}

/** The DER bytes of the first certificate in a PEM string. */
export function pemToDer(pem) {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem)
  if (!m) throw new Error('no certificate in PEM')
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64')
}

async function isComplete(dir) {
  try {
    const { generated } = JSON.parse(await fsp.readFile(path.join(dir, STAMP), 'utf8'))
    return Date.now() - generated < MAX_AGE_MS
  } catch {
    return false
  }
}

/** The cache directory `version`, filled by `generate(dir)` when needed. */
export async function cachedDirectory(version, generate) {
  const dir = path.join(CACHE_ROOT, version)
  if (await isComplete(dir)) return dir
  await fsp.mkdir(CACHE_ROOT, { recursive: true })
  if (fs.existsSync(dir)) {
    // Stale or incomplete (e.g. left by a killed run): move it aside first,
    // tolerating a concurrent process doing the same.
    const trash = path.join(CACHE_ROOT, `stale-${version}-${process.pid}-${Date.now()}`)
    await fsp.rename(dir, trash).catch(() => {})
    await fsp.rm(trash, { recursive: true, force: true })
  }
  const tmp = await fsp.mkdtemp(path.join(CACHE_ROOT, `tmp-${version}-${process.pid}-`))
  try {
    await generate(tmp)
    await fsp.writeFile(path.join(tmp, STAMP), JSON.stringify({ generated: Date.now() }))
    try {
      await fsp.rename(tmp, dir)
    } catch (err) {
      // Another process won the race (ENOTEMPTY/EEXIST): use its copy.
      if (!(await isComplete(dir))) throw err
    }
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true })
  }
  return dir
}

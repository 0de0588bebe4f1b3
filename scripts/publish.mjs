#!/usr/bin/env node
// Publishes rustls-node: first each platform package (npm/<triple>/ with its
// addon), then the main package, so the main package never names an
// optional dependency that is not there yet. The release workflow runs it
// with --provenance; scripts/test-package.mjs runs it against a local
// registry with --only linux-x64-gnu. Every package is staged in a temporary
// directory first: the repository is never modified.
//
//   node scripts/publish.mjs [--registry URL] [--provenance] [--tag TAG]
//                            [--only triple,...] [--binary-dir DIR] [--dry-run]
//
// --only        publish these platform packages (default: every napi target;
//               each must then have its addon)
// --binary-dir  where to find rustls-node.<triple>.node when npm/<triple>/ has
//               none (e.g. native/ after `npm run build:native`)
// A version already in the registry is skipped, so a failed release can be re-run.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function parseArgs(argv) {
  const o = { registry: null, provenance: false, tag: null, only: null, binaryDir: null, dryRun: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--registry') o.registry = value()
    else if (a === '--provenance') o.provenance = true
    else if (a === '--tag') o.tag = value()
    else if (a === '--only') o.only = value().split(',').filter(Boolean)
    else if (a === '--binary-dir') o.binaryDir = path.resolve(value())
    else if (a === '--dry-run') o.dryRun = true
    else throw new Error(`unknown argument ${a}`)
  }
  return o
}

const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'))

/** napi-rs's platform-arch-abi name of a Rust target triple. */
export function tripleOf(rustTarget) {
  const cpu = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }
  const sys = { linux: 'linux', darwin: 'darwin', windows: 'win32', freebsd: 'freebsd' }
  const parts = rustTarget.split('-')
  const [arch, , system, abi] = parts
  const name = `${sys[system] ?? system}-${cpu[arch] ?? arch}`
  return abi ? `${name}-${abi}` : name
}

/** The repository field for provenance, from the GitHub Actions environment. */
function repositoryFromCi() {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY } = process.env
  if (!GITHUB_SERVER_URL || !GITHUB_REPOSITORY) return null
  return { type: 'git', url: `git+${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}.git` }
}

function npm(args, options = {}) {
  return execFileSync(NPM, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    shell: process.platform === 'win32',
    ...options,
  })
}

function alreadyPublished(name, version, registry) {
  try {
    const out = npm(['view', `${name}@${version}`, 'version', ...(registry ? ['--registry', registry] : [])], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return out.trim() === version
  } catch {
    return false
  }
}

/** Writes the staged package.json: the repository filled in for provenance when absent. */
function stageManifest(src, dest) {
  const pkg = readJson(src)
  if (!pkg.repository) {
    const repository = repositoryFromCi()
    if (repository) pkg.repository = repository
  }
  fs.writeFileSync(dest, `${JSON.stringify(pkg, null, 2)}\n`)
  return pkg
}

function publishDir(dir, opts, { ignoreScripts = false } = {}) {
  const args = ['publish', dir, '--access', 'public']
  if (opts.registry) args.push('--registry', opts.registry)
  if (opts.provenance) args.push('--provenance')
  if (opts.tag) args.push('--tag', opts.tag)
  if (opts.dryRun) args.push('--dry-run')
  if (ignoreScripts) args.push('--ignore-scripts')
  process.stdout.write(npm(args))
}

export function main(argv = process.argv.slice(2)) {
  const opts = parseArgs(argv)
  const root = readJson(path.join(REPO, 'package.json'))
  const version = root.version
  const { binaryName, packageName, targets } = root.napi
  const triples = targets.map(tripleOf)
  const selected = opts.only ?? triples
  for (const t of selected)
    if (!triples.includes(t)) throw new Error(`--only ${t}: not one of package.json napi.targets`)

  // Everything must agree before anything is published.
  const problems = []
  for (const t of triples) {
    const name = `${packageName}-${t}`
    const manifest = path.join(REPO, 'npm', t, 'package.json')
    if (!fs.existsSync(manifest)) {
      problems.push(`npm/${t}/package.json is missing`)
      continue
    }
    const pkg = readJson(manifest)
    if (pkg.name !== name) problems.push(`npm/${t}: name ${pkg.name}, expected ${name}`)
    if (pkg.version !== version) problems.push(`npm/${t}: version ${pkg.version}, rustls-node is ${version}`)
    if (root.optionalDependencies?.[name] !== version)
      problems.push(`optionalDependencies["${name}"] is not ${version}`)
  }
  const staged = fs.mkdtempSync(path.join(os.tmpdir(), 'rustls-node-publish-'))
  try {
    const plan = []
    for (const t of selected) {
      const file = `${binaryName}.${t}.node`
      const candidates = [path.join(REPO, 'npm', t, file), opts.binaryDir && path.join(opts.binaryDir, file)].filter(
        Boolean,
      )
      const binary = candidates.find((f) => fs.existsSync(f))
      if (!binary) {
        problems.push(`no addon for ${t}: looked in ${candidates.join(', ')}`)
        continue
      }
      plan.push({ t, file, binary })
    }
    if (problems.length) throw new Error(`not publishing:\n  ${problems.join('\n  ')}`)

    for (const { t, file, binary } of plan) {
      const dir = path.join(staged, t)
      fs.mkdirSync(dir)
      const pkg = stageManifest(path.join(REPO, 'npm', t, 'package.json'), path.join(dir, 'package.json'))
      fs.copyFileSync(path.join(REPO, 'npm', t, 'README.md'), path.join(dir, 'README.md'))
      fs.copyFileSync(binary, path.join(dir, file))
      if (alreadyPublished(pkg.name, version, opts.registry)) {
        console.log(`${pkg.name}@${version} is already published: skipped`)
        continue
      }
      console.log(`publishing ${pkg.name}@${version} (${(fs.statSync(binary).size / 1e6).toFixed(2)} MB addon)`)
      publishDir(dir, opts)
    }

    // The main package: exactly the files `npm pack` would take, staged.
    const listed = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO }))[0].files.map(
      (f) => f.path,
    )
    const main = path.join(staged, 'main')
    for (const f of listed) {
      fs.mkdirSync(path.dirname(path.join(main, f)), { recursive: true })
      if (f === 'package.json') stageManifest(path.join(REPO, f), path.join(main, f))
      else fs.copyFileSync(path.join(REPO, f), path.join(main, f))
    }
    if (alreadyPublished(root.name, version, opts.registry)) {
      console.log(`${root.name}@${version} is already published: skipped`)
    } else {
      console.log(`publishing ${root.name}@${version} (${listed.length} files)`)
      // Its lifecycle scripts (prepare builds the addon) are for a checkout, not for publishing.
      publishDir(main, opts, { ignoreScripts: true })
    }
  } finally {
    fs.rmSync(staged, { recursive: true, force: true })
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main()
  } catch (err) {
    console.error(err.message)
    process.exit(1)
  }
}

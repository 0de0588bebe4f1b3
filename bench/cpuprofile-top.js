// Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`).
//   node bench/cpuprofile-top.js PROFILE.cpuprofile [N]
// Native (Node-API / C++) work shows up under the JS name of the call that
// entered it, e.g. `receive` or `takeOutput` for rustls-node's binding.

const fs = require('node:fs')
const path = require('node:path')

const [file, n = '25'] = process.argv.slice(2)
if (!file) {
  console.error('usage: node bench/cpuprofile-top.js PROFILE.cpuprofile [N]')
  process.exit(2)
}
const prof = JSON.parse(fs.readFileSync(file, 'utf8'))
const byId = new Map(prof.nodes.map((node) => [node.id, node]))
const self = new Map()
let total = 0
prof.samples.forEach((id, i) => {
  const dt = prof.timeDeltas[i] || 0
  const f = byId.get(id).callFrame
  const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : ''
  const key = `${f.functionName || '(anonymous)'} ${where}`.trim()
  self.set(key, (self.get(key) || 0) + dt)
  total += dt
})
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n))
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`)
for (const [key, us] of rows) {
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`)
}

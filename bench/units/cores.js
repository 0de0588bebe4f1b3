// Multi-core: full handshakes/s (ECDSA, shared context, 16 concurrent) in a
// child pinned to CPU 0 with taskset, and in a child on every CPU this
// process may use. Each child warms up with a quarter of the count first.

const { execFileSync } = require('node:child_process')
const { Child } = require('../lib/child')

function tasksetWorks() {
  try {
    execFileSync('taskset', ['-c', '0', process.execPath, '-e', ''], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

async function coresUnit(side, ctx, scope, count) {
  const concurrency = ctx.cfg.concurrency
  const rate = async (taskset) => {
    const child = new Child('cores', side, ctx, scope, { taskset })
    try {
      await child.request(`handshakes ${Math.ceil(count / 4)} ${concurrency}`)
      return (await child.request(`handshakes ${count} ${concurrency}`)).perSec
    } finally {
      child.kill()
    }
  }
  const one = await rate('0')
  const all = await rate(null)
  return { onePerSec: one, allPerSec: all, scale: all / one }
}

module.exports = { tasksetWorks, coresUnit }

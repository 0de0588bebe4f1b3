// Memory per idle connection: a server child and a client child, each
// measuring its own RSS and V8 heap+external, before and after `count` idle
// connections.

const { sleep } = require('../lib/harness')
const { Child } = require('../lib/child')

async function memoryUnit(side, ctx, scope, count) {
  const nofile = count + 256
  const server = new Child('memory', side, ctx, scope, { nofile })
  const client = new Child('memory', side, ctx, scope, { nofile })
  try {
    const { port } = await server.request('listen')
    // Warm-up: lazy initialisation, JIT, and allocator pools are not per-connection costs.
    await client.request(`open 32 ${port}`)
    await server.request('held 32')
    await client.request('close')
    await server.request('held 0')
    await sleep(100)
    const [s0, c0] = await Promise.all([server.request('sample'), client.request('sample')])
    await client.request(`open ${count} ${port}`)
    await server.request(`held ${count}`)
    await sleep(300) // post-handshake messages (session tickets) land
    const [s1, c1] = await Promise.all([server.request('sample'), client.request('sample')])
    if (s1.held !== count || c1.open !== count || c1.closedWhileIdle) {
      throw new Error(`a connection closed while idle (server holds ${s1.held}, client ${c1.open} of ${count})`)
    }
    return {
      serverRssKiB: (s1.rss - s0.rss) / 1024 / count,
      clientRssKiB: (c1.rss - c0.rss) / 1024 / count,
      serverJsKiB: (s1.js - s0.js) / 1024 / count,
      clientJsKiB: (c1.js - c0.js) / 1024 / count,
    }
  } finally {
    server.kill()
    client.kill()
  }
}

module.exports = { memoryUnit }

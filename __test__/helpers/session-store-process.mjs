// A session store in its own process, standing in for Redis: it keeps
// sessions by id and answers get/set messages over Node's IPC channel.
const sessions = new Map()
process.on('message', ({ op, seq, id, data }) => {
  if (op === 'set') {
    sessions.set(id, data)
    process.send({ seq })
  } else if (op === 'get') {
    process.send({ seq, data: sessions.get(id) ?? null })
  } else if (op === 'size') {
    process.send({ seq, data: sessions.size })
  }
})
process.on('disconnect', () => process.exit(0))

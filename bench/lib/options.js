// The benchmark's configuration: the two sides (and the plain-TCP control),
// the pinned suite, the full and quick profiles, the metrics and their
// aliases, and the command line.

const path = require('node:path')

// Configuration

const IMPLS = {
  A: { label: 'rustls-node', load: () => require(path.join(__dirname, '..', '..')) },
  B: { label: 'node:tls', load: () => require('node:tls') },
  // Not a side of the comparison: the plain-TCP control of the bulk rows.
  T: { label: 'plain TCP', load: () => require('node:net') },
}

// Pinned on both sides, client and server: the same suite, group and version.
const PIN = {
  ciphers: 'TLS_AES_128_GCM_SHA256',
  ecdhCurve: 'X25519',
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
}
const PIN_CHACHA = { ...PIN, ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }

const HOST = '127.0.0.1'
const SERVERNAME = 'localhost'

const PROFILES = {
  full: {
    rounds: 5,
    throughputBytes: 256 * 1024 * 1024,
    handshakes: 1500,
    rsaHandshakes: 1000,
    concurrency: 16,
    memoryConns: 2000,
    resumed: 1000,
    latencyConns: 500,
    stormHandshakes: 1024,
    stormConcurrency: 64,
    coresHandshakes: 800,
    unitTimeoutMs: 120_000,
  },
  quick: {
    rounds: 2,
    throughputBytes: 32 * 1024 * 1024,
    handshakes: 200,
    rsaHandshakes: 100,
    concurrency: 16,
    memoryConns: 200,
    resumed: 200,
    latencyConns: 50,
    stormHandshakes: 192,
    stormConcurrency: 64,
    coresHandshakes: 150,
    unitTimeoutMs: 20_000,
  },
}

// In the order the table shows them. throughput, chacha and tcp run as one
// interleaved group (see benchBulk).
const METRICS = ['handshakes', 'rsa', 'resumed', 'throughput', 'chacha', 'tcp', 'latency', 'memory', 'storm', 'cores']
const METRIC_ALIASES = {
  aes: ['throughput'],
  bulk: ['throughput', 'chacha', 'tcp'],
  chacha20: ['chacha'],
  ecdsa: ['handshakes'],
  loop: ['storm'],
  'event-loop': ['storm'],
  resumption: ['resumed'],
  mem: ['memory'],
  multicore: ['cores'],
}
const BULK = ['throughput', 'chacha', 'tcp']

const CHUNK = Buffer.alloc(16 * 1024, 0x61)
const noop = () => {}
const log = (...a) => console.error(...a)

function parseArgs(argv) {
  const o = {
    quick: false,
    json: false,
    only: null,
    rounds: null,
    side: null,
    certs: null,
    child: null,
    conns: null,
    handshakeOnLoop: false,
    handshakeOffLoop: false,
  }
  for (const a of argv) {
    const [k, v] = a.split(/=(.*)/s)
    if (k === '--quick') o.quick = true
    else if (k === '--json') o.json = true
    else if (k === '--only') o.only = (v || '').split(',').flatMap((m) => METRIC_ALIASES[m] || [m])
    else if (k === '--rounds') o.rounds = Number(v)
    else if (k === '--side') o.side = v
    else if (k === '--certs') o.certs = v
    else if (k === '--conns') o.conns = Number(v)
    else if (k === '--handshake-on-loop') o.handshakeOnLoop = true
    else if (k === '--handshake-off-loop') o.handshakeOffLoop = true
    else if (k === '--child') o.child = v
    else if (k === '--help' || k === '-h') o.help = true
    else throw new Error(`unknown option ${a} (try --help)`)
  }
  for (const m of o.only || [])
    if (!METRICS.includes(m)) throw new Error(`--only: unknown metric ${m}; one of ${METRICS}`)
  if (o.only) o.only = METRICS.filter((m) => o.only.includes(m)) // table order, no duplicates
  if (o.side && o.side !== 'A' && o.side !== 'B') throw new Error('--side must be A or B')
  if (o.rounds !== null && !(o.rounds >= 1 && o.rounds <= 50)) throw new Error('--rounds must be 1..50')
  if (o.conns !== null && !(Number.isInteger(o.conns) && o.conns >= 10 && o.conns <= 50_000)) {
    throw new Error('--conns must be an integer 10..50000')
  }
  return o
}

const USAGE = `usage: node bench/run.js [--quick] [--json] [--only=METRIC[,...]] [--rounds=N]
                         [--side=A|B] [--certs=DIR] [--conns=N] [--handshake-on-loop]
  A = rustls-node, B = node:tls.
  metrics (table order): ${METRICS.join(' ')}
    handshakes  full handshakes/s, ECDSA P-256, 16 concurrent (shared context, and ca per connect)
    rsa         full handshakes/s, RSA-2048 leaf and CA, 16 concurrent
    resumed     resumed handshakes/s
    throughput  bulk MB/s and CPU s/GB, TLS_AES_128_GCM_SHA256
    chacha      bulk MB/s and CPU s/GB, TLS_CHACHA20_POLY1305_SHA256
    tcp         the same bulk transfer over plain net sockets (control: the transport ceiling)
    latency     handshake latency p50/p99 (connect to secureConnect) and connect to 1st byte
    memory      server RSS and client RSS per idle connection (two child processes)
    storm       1 ms timer delay p99/max while 64 clients handshake in the same process
    cores       full handshakes/s in a child under taskset -c 0 vs on all cores
  aliases: ${Object.entries(METRIC_ALIASES)
    .map(([k, v]) => `${k}=${v.join('+')}`)
    .join(' ')}
  --side=A|B runs one side only (for profiling).
  --conns=N idle connections for the memory row (default 2000, --quick 200),
    e.g. --only=memory --conns=10000 --rounds=3.
  A places each handshake step itself: on the event loop, or on libuv's thread
    pool while the process is busy with handshakes (src-ts/handshake-placement.ts).
  --handshake-on-loop sets RUSTLS_NODE_HANDSHAKE_ON_LOOP=1 for A (every step on
    the event loop), --handshake-off-loop RUSTLS_NODE_HANDSHAKE_OFF_LOOP=1 (every
    step on the pool); children included.
  --certs=DIR keeps the certificates (ca.pem, leaf.pem, leaf.key and rsa-*.pem)
    in DIR: made there when missing, reused when present, never deleted.`

module.exports = {
  IMPLS,
  PIN,
  PIN_CHACHA,
  HOST,
  SERVERNAME,
  PROFILES,
  METRICS,
  BULK,
  CHUNK,
  noop,
  log,
  parseArgs,
  USAGE,
}

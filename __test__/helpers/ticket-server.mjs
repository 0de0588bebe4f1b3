// A rustls-node TLS server in its own process, for resumption across
// processes: `node ticket-server.mjs <ticketKeys hex>`. Prints its port,
// answers each connection with "reused=<bool>", exits when stdin closes.
import { fixtures } from './fixtures.mjs'
import { tls } from './impl.mjs'

const f = await fixtures()
const server = tls.createServer(
  { key: f.rsa.key, cert: f.rsa.chain, ticketKeys: Buffer.from(process.argv[2], 'hex') },
  (s) => {
    s.on('error', () => {})
    s.end(`reused=${s.isSessionReused()}`)
  },
)
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
process.stdin.resume()
process.stdin.on('end', () => {
  server.close()
  process.exit(0)
})

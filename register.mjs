// `node --import rustls-node/register app.js`: every TLS connection and
// server of the process on rustls-node (see src-ts/register.ts).
import { createRequire } from 'node:module'

createRequire(import.meta.url)('./dist/register.js')

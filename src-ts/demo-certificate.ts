// The demo server's in-memory self-signed certificate (rcgen, in Rust).

import { native } from './native'

export function generateSelfSigned(names: string[]): { cert: string; key: string } {
  return native.generateSelfSigned(names)
}

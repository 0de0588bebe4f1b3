// NODE_DEBUG=tls: the same trace Node's tls prints (util.debuglog('tls')),
// at the same points of a socket's life, with Node's wording where Node
// has one, so a trace of rustls-node reads like one of node:tls.

import { debuglog } from 'node:util'

export const debug = debuglog('tls')

/** 'server' or 'client', as Node's messages start. */
export function role(isServer: boolean): string {
  return isServer ? 'server' : 'client'
}

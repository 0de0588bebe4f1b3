// ALPNProtocols (RFC 7301) in the shapes Node accepts: an array of strings,
// Buffers or Uint8Arrays, or one Buffer/Uint8Array already in wire format
// (length-prefixed names).

import { codedError, invalidArgType, outOfRange } from './errors'

export function alpnList(value: unknown, name: string): Buffer[] | undefined {
  if (value === undefined || value === null) return undefined
  if (Array.isArray(value)) {
    return value.map((p: unknown, i) => {
      const b =
        typeof p === 'string'
          ? Buffer.from(p)
          : ArrayBuffer.isView(p)
            ? Buffer.from(p.buffer, p.byteOffset, p.byteLength)
            : null
      if (!b) throw invalidArgType(`${name}[${i}]`, 'of type string or an instance of Buffer or Uint8Array', p)
      if (b.length === 0 || b.length > 255) throw outOfRange(`${name}[${i}].length`, '>= 1 && <= 255', b.length)
      return b
    })
  }
  if (ArrayBuffer.isView(value)) {
    const wire = Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    const out: Buffer[] = []
    for (let i = 0; i < wire.length; ) {
      const len = wire[i]
      if (len === 0 || i + 1 + len > wire.length)
        throw outOfRange(`${name}`, 'a list of length-prefixed protocol names', value)
      out.push(wire.subarray(i + 1, i + 1 + len))
      i += 1 + len
    }
    return out
  }
  throw invalidArgType(name, 'an Array or an instance of Buffer or Uint8Array', value)
}

/**
 * Node's `tls.convertALPNProtocols(protocols, out)`: sets
 * `out.ALPNProtocols` to the wire format (length-prefixed names) of an
 * array of names, or to a copy of a Buffer/TypedArray already in it.
 */
export function convertALPNProtocols(protocols: unknown, out: { ALPNProtocols?: unknown }): void {
  if (Array.isArray(protocols)) {
    const names = protocols.map((p: unknown, i) => {
      const b = Buffer.from(p as string)
      if (b.length > 255) {
        throw codedError(
          'ERR_OUT_OF_RANGE',
          `The byte length of the protocol at index ${i} exceeds the maximum length. It must be <= 255. Received ${b.length}`,
          RangeError,
        )
      }
      return Buffer.concat([Buffer.from([b.length]), b])
    })
    out.ALPNProtocols = Buffer.concat(names)
  } else if (ArrayBuffer.isView(protocols)) {
    out.ALPNProtocols = Buffer.from(
      protocols.buffer.slice(protocols.byteOffset, protocols.byteOffset + protocols.byteLength),
    )
  }
}

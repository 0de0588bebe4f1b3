// Errors shaped like Node's: an Error with a string `code`, and the same
// message wording for the argument-validation codes Node's `tls` throws.

import { inspect } from 'node:util'

export interface CodedError extends Error {
  code: string
}

export function codedError(code: string, message: string, Base: ErrorConstructor = Error): CodedError {
  const err = new Base(message) as CodedError
  Object.defineProperty(err, 'code', { value: code, enumerable: true, writable: true, configurable: true })
  return err
}

/**
 * An error as Node reports one from OpenSSL's SSL library: code
 * `ERR_SSL_<REASON>`, OpenSSL's message, `library` and `reason`.
 */
export function sslError(code: string, reasonNumber: number, reason: string): CodedError {
  const err = codedError(
    code,
    `error:0A${reasonNumber.toString(16).toUpperCase().padStart(6, '0')}:SSL routines::${reason}`,
  )
  return Object.assign(err, { library: 'SSL routines', reason })
}

function describeReceived(value: unknown): string {
  if (value == null) return ` Received ${value}`
  if (typeof value === 'function') return ` Received function ${(value as { name?: string }).name || '<anonymous>'}`
  if (typeof value === 'object') {
    const ctor = (value as object).constructor
    if (ctor?.name) return ` Received an instance of ${ctor.name}`
    return ` Received ${inspect(value, { depth: -1 })}`
  }
  // Node shortens long strings before quoting them.
  if (typeof value === 'string') {
    const shortened = value.length > 28 ? `${value.slice(0, 25)}...` : value
    return ` Received type string (${inspect(shortened, { colors: false })})`
  }
  let shown = inspect(value, { colors: false })
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`
  return ` Received type ${typeof value} (${shown})`
}

/** Node's ERR_INVALID_ARG_TYPE, with its message format. */
export function invalidArgType(name: string, expected: string, actual: unknown): CodedError {
  const what = name.includes('.') ? 'property' : 'argument'
  return codedError(
    'ERR_INVALID_ARG_TYPE',
    `The "${name}" ${what} must be ${expected}.${describeReceived(actual)}`,
    TypeError,
  )
}

/** What Node's internal assert() throws: ERR_INTERNAL_ASSERTION, with its note. */
export function internalAssertion(message: string): CodedError {
  return codedError(
    'ERR_INTERNAL_ASSERTION',
    `${message}\nThis is caused by either a bug in Node.js or incorrect usage of Node.js internals.\n` +
      'Please open an issue with this stack trace at https://github.com/nodejs/node/issues\n',
  )
}

/** Node's ERR_INVALID_ARG_VALUE. */
export function invalidArgValue(name: string, value: unknown, reason = 'is invalid'): CodedError {
  const what = name.includes('.') ? 'property' : 'argument'
  return codedError('ERR_INVALID_ARG_VALUE', `The ${what} '${name}' ${reason}. Received ${inspect(value)}`, TypeError)
}

/** Node's ERR_OUT_OF_RANGE (large integers with `_` separators, as Node writes them). */
export function outOfRange(name: string, range: string, value: unknown): CodedError {
  let received: string
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) > 2 ** 32) {
    received = String(value).replace(/\B(?=(\d{3})+(?!\d))/g, '_')
  } else {
    received = inspect(value)
  }
  return codedError(
    'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${received}`,
    RangeError,
  )
}

/** Node's ERR_TLS_INVALID_STATE. */
export function invalidState(message = 'TLS socket connection must be securely established'): CodedError {
  return codedError('ERR_TLS_INVALID_STATE', message)
}

export function validateFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value)
}

/** Node's validateObject: a non-null, non-array object. */
export function validateObject(value: unknown, name: string): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalidArgType(name, 'of type object', value)
}

export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value)
}

export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value)
}

export function validateNumber(value: unknown, name: string, min?: number, max?: number): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if ((min !== undefined && value < min) || (max !== undefined && value > max) || Number.isNaN(value)) {
    throw outOfRange(
      name,
      `${min !== undefined ? `>= ${min}` : ''}${min !== undefined && max !== undefined ? ' && ' : ''}${max !== undefined ? `<= ${max}` : ''}`,
      value,
    )
  }
}

/** Node's validateInteger-style check for 32-bit signed integers. */
export function validateInt32(
  value: unknown,
  name: string,
  min = -2147483648,
  max = 2147483647,
): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value)
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value)
}

/** Node's validateUint32; `positive` excludes 0. */
export function validateUint32(value: unknown, name: string, positive = false): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value)
  const min = positive ? 1 : 0
  if (value < min || value > 4294967295) throw outOfRange(name, `>= ${min} && <= 4294967295`, value)
}

/** Node's validateBuffer: any ArrayBufferView. */
export function validateBuffer(value: unknown, name = 'buffer'): asserts value is NodeJS.ArrayBufferView {
  if (!ArrayBuffer.isView(value)) throw invalidArgType(name, 'an instance of Buffer, TypedArray, or DataView', value)
}

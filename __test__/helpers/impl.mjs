// The tls implementation under test. Tests default to rustls-node; setting
// TLS_IMPL=node runs the same assertions against Node's built-in node:tls,
// which is how a test's expectations are checked against the reference.
export const underTest = process.env.TLS_IMPL === 'node' ? 'node:tls' : 'rustls-node'
const mod = process.env.TLS_IMPL === 'node' ? await import('node:tls') : await import('../../index.mjs')
export const tls = mod.default ?? mod

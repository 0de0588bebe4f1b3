// TLS plumbing shared by the metrics.

const { PIN, HOST, SERVERNAME } = require('./options')

function serverOptions(certs, pin = PIN) {
  return { key: certs.key, cert: certs.cert, ...pin }
}

function clientContext(tls, certs, pin = PIN) {
  return tls.createSecureContext({ ca: certs.ca, ...pin })
}

/** tls.connect() that resolves on 'secureConnect' and rejects on an earlier error/close. */
function connectTls(tls, scope, port, opts, onSocket) {
  return new Promise((resolve, reject) => {
    const s = scope.socket(tls.connect({ host: HOST, port, servername: SERVERNAME, ...opts }))
    if (onSocket) onSocket(s)
    const onError = (e) => {
      s.off('close', onClose)
      reject(e)
    }
    const onClose = () => {
      s.off('error', onError)
      reject(new Error('socket closed before secureConnect'))
    }
    s.once('error', onError)
    s.once('close', onClose)
    s.once('secureConnect', () => {
      s.off('error', onError)
      s.off('close', onClose)
      s.on('error', (e) => scope.fail(e))
      if (!s.authorized) reject(new Error(`not authorized: ${s.authorizationError}`))
      else resolve(s)
    })
  })
}

/**
 * A TLS 1.3 client is done one flight before its server: a client that
 * destroys right after 'secureConnect' may hang up before the server has read
 * its Finished, which the server reports as 'tlsClientError' ECONNRESET.
 * That is the benchmark's doing; anything else fails the unit.
 */
function failUnlessHangUp(scope) {
  return (err) => {
    if (err && err.code === 'ECONNRESET') scope.hangUps = (scope.hangUps || 0) + 1
    else scope.fail(err)
  }
}

/** A session from the 'session' event, else from getSession() after `waitMs`. */
function sessionOf(socket, waitMs) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(socket.getSession()), waitMs)
    socket.once('session', (s) => {
      clearTimeout(timer)
      resolve(s)
    })
  })
}

/**
 * `count` calls of `each(i, worker)` over `concurrency` workers. Stops handing out
 * work after the first failure or once the scope is closed (unit timed out).
 */
async function pool(scope, count, concurrency, each) {
  let next = 0
  let failed = false
  const worker = async (w) => {
    while (!failed && !scope.settled && next < count) {
      try {
        await each(next++, w)
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, (_, w) => worker(w)))
}

module.exports = { serverOptions, clientContext, connectTls, failUnlessHangUp, sessionOf, pool }

import { AppError } from '../../../shared/errors'
import { ConnectTimeoutError } from './agents'

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT)|HOSTNAME_MISMATCH|EPROTO)/

function causes(error: unknown): Array<{ code?: string; message?: string; name?: string }> {
  const chain: Array<{ code?: string; message?: string; name?: string }> = []
  let e: unknown = error
  for (let i = 0; e && typeof e === 'object' && i < 6; i++) {
    chain.push(e as { code?: string; message?: string })
    if (e instanceof AggregateError && e.errors.length) e = e.errors[0]
    else e = (e as { cause?: unknown }).cause
  }
  return chain
}

/** Turn whatever the network stack threw into an AppError a person can act on. */
export function explainNetworkError(error: unknown, url: URL, context: { timeoutMs: number; timedOut: boolean; cancelled: boolean }): AppError {
  if (context.cancelled) return new AppError('cancelled', 'The request was cancelled.')
  if (context.timedOut) {
    return new AppError('timeout', `No complete answer from ${url.host} within ${formatMs(context.timeoutMs)}. Raise the timeout in Settings if the server is slow, or check that it is reachable.`)
  }
  if (error instanceof AppError) return error
  if (error instanceof ConnectTimeoutError) {
    return error.phase === 'tls'
      ? new AppError('timeout', `${url.host} accepted the connection but did not complete the TLS handshake within ${formatMs(error.timeoutMs)}. Check that the port serves HTTPS (or use http://), and that no proxy or firewall holds the connection.`, { code: error.code, phase: error.phase })
      : new AppError('timeout', `No connection to ${url.host} within ${formatMs(error.timeoutMs)}. Check the host, the port, and your network, VPN or firewall.`, { code: error.code, phase: error.phase })
  }
  const chain = causes(error)
  const code = chain.map((c) => c.code).find((c) => typeof c === 'string') ?? ''
  const detail = chain.map((c) => c.message).filter(Boolean).join(' ← ')
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new AppError('dns_failed', `The host name ${url.hostname} could not be resolved (${code}). Check the spelling of the URL and your network or VPN.`, { code })
  }
  if (code === 'ECONNREFUSED') {
    return new AppError('connection_refused', `${url.host} refused the connection: nothing is listening on port ${url.port || (url.protocol === 'https:' ? 443 : 80)}. Check the port and that the server is running.`, { code })
  }
  if (TLS_CODES.test(code)) {
    const hint =
      code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO'
        ? 'The server does not speak TLS on this port: did you mean http:// ?'
        : code === 'CERT_HAS_EXPIRED'
          ? 'The server\'s certificate has expired.'
          : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
            ? `The certificate is not issued for ${url.hostname}.`
            : 'The server\'s certificate is not trusted. For an on-premises org, add its CA certificate to the environment.'
    return new AppError('tls_error', `TLS failed with ${url.host} (${code}). ${hint}`, { code, detail })
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return new AppError('connection_reset', `${url.host} closed the connection before answering (${code}).`, { code, detail })
  }
  if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') {
    return new AppError('cancelled', `The request to ${url.host} was stopped because OrgBench is closing.`, { code })
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return new AppError('timeout', `${url.host} did not answer in time (${code}).`, { code })
  }
  return new AppError('network_error', `The request to ${url.host} failed: ${detail || String(error)}`, { code })
}

/** "250 ms", "30 s", "5 min": how long a limit is, for messages. */
export function formatMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

import { STATUS_CODES, type IncomingMessage, type Server as HttpServer, type ServerOptions, type ServerResponse } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import { MAX_TARGET_LENGTH, parseRequestTarget, type RequestTarget } from './requestTarget'

/** The bounds every listener we run puts on a client: sizes, and how long it may keep a connection without progress. */
export interface ListenerLimits {
  /** Request line plus headers. */
  maxHeaderBytes: number
  maxTargetLength: number
  maxBodyBytes: number
  /** From the first byte of a request (or of the connection) until its headers are complete. */
  headersTimeoutMs: number
  /** Until the whole request, body included, has arrived. */
  requestTimeoutMs: number
  /** Between requests on a kept-alive connection. */
  keepAliveTimeoutMs: number
  /** Any connection that moves no byte for this long is closed. */
  idleTimeoutMs: number
  /** HTTPS only: the TLS handshake. */
  handshakeTimeoutMs: number
  maxConnections: number
}

export const LISTENER_LIMITS: ListenerLimits = {
  maxHeaderBytes: 16 * 1024,
  maxTargetLength: MAX_TARGET_LENGTH,
  maxBodyBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  handshakeTimeoutMs: 10_000,
  maxConnections: 256
}

export function listenerLimits(overrides: Partial<ListenerLimits> = {}, base: ListenerLimits = LISTENER_LIMITS): ListenerLimits {
  return { ...base, ...overrides }
}

/** Options for `http.createServer` / `https.createServer` that enforce `limits`. */
export function serverOptions(limits: ListenerLimits): ServerOptions & { handshakeTimeout: number } {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above on this interval (30 s by default, which would let a slow client stay far longer).
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    requireHostHeader: true,
    handshakeTimeout: limits.handshakeTimeoutMs
  }
}

const CLIENT_ERROR_REASONS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'The request line and headers are larger than this listener accepts.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request did not arrive in time.'],
  HPE_INVALID_CHUNK_SIZE: [400, 'The chunked body is not valid.'],
  HPE_STRICT: [400, 'The chunked body is not valid.'],
  HPE_INVALID_TRANSFER_ENCODING: [400, 'The Transfer-Encoding header is not valid.'],
  HPE_UNEXPECTED_CONTENT_LENGTH: [400, 'The request has both Content-Length and Transfer-Encoding.'],
  HPE_INVALID_CONTENT_LENGTH: [400, 'The Content-Length header is not valid.']
}

/**
 * What every listener checks before routing: the request target (see parseRequestTarget) and a single Host header
 * (RFC 9112 §3.2: two Host lines are a 400; Node would silently keep the first).
 */
export function readRequestTarget(req: IncomingMessage, origin: string, limits: Pick<ListenerLimits, 'maxTargetLength'>): RequestTarget {
  let hosts = 0
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') hosts++
  if (hosts > 1) return { ok: false, status: 400, reason: 'The request has more than one Host header.' }
  return parseRequestTarget(req.url, { origin, method: req.method, maxLength: limits.maxTargetLength })
}

/** A complete, closing plain-text answer on a raw socket. */
export function rawAnswer(status: number, reason: string): string {
  const body = `${reason}\n`
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`
}

/**
 * Node's parser refused what a client sent: answer 4xx when the socket can still carry it, then close. Never throws.
 * A TLS failure (no handshake in time, not TLS at all) has no channel to answer on: the socket is destroyed, since
 * end() would wait for a handshake that never comes.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  try {
    socket.on('error', () => undefined)
    const code = error.code ?? ''
    if (code === 'ECONNRESET' || /^ERR_(TLS|SSL)_/.test(code) || !socket.writable) {
      socket.destroy()
      return
    }
    const [status, reason] = CLIENT_ERROR_REASONS[code] ?? [400, 'The request is not valid HTTP/1.1.']
    socket.end(rawAnswer(status, reason))
    // A peer that never reads would keep the answer, and the socket, pending.
    setTimeout(() => socket.destroy(), 2000).unref()
  } catch {
    socket.destroy()
  }
}

/** A short plain-text answer that also closes the connection. */
export function sendPlain(res: ServerResponse, status: number, reason: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return
  const body = `${reason}\n`
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', connection: 'close', ...headers })
  res.end(body)
}

/**
 * The handlers every listener needs besides its request handler: malformed requests answered 4xx, CONNECT and
 * upgrades refused, idle connections closed, a bound on simultaneous connections. Call once, before `listen`.
 */
export function guardListener(server: HttpServer | HttpsServer, limits: ListenerLimits): void {
  server.maxConnections = limits.maxConnections
  server.on('clientError', answerClientError)
  const refuse = (_req: IncomingMessage, socket: Duplex): void => {
    try {
      socket.once('error', () => undefined)
      socket.end(rawAnswer(405, 'This listener serves plain requests only: no CONNECT, no protocol upgrade.'))
    } catch {
      socket.destroy()
    }
  }
  server.on('connect', refuse)
  server.on('upgrade', refuse)
  server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy())
}

export class BodyTooLarge extends Error {}
export class BodyUnreadable extends Error {}

/**
 * The whole request body, at most `limit` bytes. Rejects with BodyTooLarge as soon as it is known to be larger
 * (the declared length, or the bytes received), and with BodyUnreadable when the client breaks off or the framing is invalid.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) {
      reject(new BodyTooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new BodyTooLarge())
        req.removeAllListeners('data')
        req.resume()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', () => reject(new BodyUnreadable()))
    req.on('aborted', () => reject(new BodyUnreadable()))
  })
}

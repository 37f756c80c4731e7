import diagnostics from 'node:diagnostics_channel'
import net from 'node:net'
import tls from 'node:tls'
import type { Agent as UndiciAgent, Dispatcher, buildConnector } from 'undici'

/**
 * undici's Agent class on its own (the very class `undici` exports): `import { Agent } from 'undici'` loads all of
 * undici — fetch, WebSocket, cookies, mocks — which took most of a CLI request's start-up.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const Agent = require('undici/lib/dispatcher/agent') as typeof UndiciAgent

/** Connection phases measured by our connector, claimed by the first request sent on the socket. */
interface SocketTimings {
  dns: number | null
  connect: number
  tls: number | null
  claimed: boolean
}

export interface PhaseHolder {
  connect: number | null
  tls: number | null
  sentAt: number | null
  /** How long a connection this request opens may take (DNS, TCP connect and TLS handshake together). */
  connectTimeoutMs?: number
}

/** For a connection opened outside withPhases (none is today): no wait is unbounded. */
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000

/** The connection was not ready in time; `phase` says which step never finished. */
export class ConnectTimeoutError extends Error {
  readonly code = 'UND_ERR_CONNECT_TIMEOUT'
  constructor(
    readonly phase: 'connect' | 'tls',
    readonly timeoutMs: number
  ) {
    super(phase === 'tls' ? `TLS handshake not completed within ${timeoutMs} ms` : `TCP connection not established within ${timeoutMs} ms`)
    this.name = 'ConnectTimeoutError'
  }
}

class PoolClosedError extends Error {
  readonly code = 'UND_ERR_DESTROYED'
  constructor() {
    super('The connection attempt was abandoned: OrgBench is closing.')
  }
}

const socketTimings = new WeakMap<object, SocketTimings>()
const requestPhases = new WeakMap<object, PhaseHolder>()
let current: PhaseHolder | null = null

diagnostics.subscribe('undici:request:create', (message) => {
  if (current) requestPhases.set((message as { request: object }).request, current)
})
diagnostics.subscribe('undici:client:sendHeaders', (message) => {
  const { request, socket } = message as { request: object; socket: object }
  const holder = requestPhases.get(request)
  if (!holder) return
  holder.sentAt = performance.now()
  const t = socketTimings.get(socket)
  if (t && !t.claimed) {
    t.claimed = true
    holder.connect = (t.dns ?? 0) + t.connect
    holder.tls = t.tls
  }
})

/**
 * Run `start` (which must dispatch synchronously, as undici's request() does) so that the
 * request it creates is linked to `holder` and its connection phases are recorded there.
 */
export function withPhases<T>(holder: PhaseHolder, start: () => T): T {
  current = holder
  try {
    return start()
  } finally {
    current = null
  }
}

/**
 * A connector like undici's own, that also measures DNS, TCP connect and TLS handshake, and bounds them together by the
 * timeout of the request that opens the connection. Attempts still under way are in `attempts`, so closing can end them.
 */
/**
 * The system's roots plus an environment's CA (one PEM or several), for that environment's connections only. Node's
 * `ca` option replaces the roots, so they would have to be passed along — 140-odd PEMs parsed for every context, tens
 * of ms each time; adding the CA to a context with the default roots costs a millisecond or two, and leaves the roots
 * every other context shares untouched (a test checks both). Where Node lacks that method, the roots are passed along.
 */
export function secureContextTrusting(extraCaPem: string): tls.SecureContext {
  const context = tls.createSecureContext()
  const native = (context as { context?: { addCACert?: (pem: string) => void } }).context
  if (typeof native?.addCACert !== 'function') return tls.createSecureContext({ ca: [...tls.rootCertificates, extraCaPem] })
  native.addCACert(extraCaPem)
  return context
}

function timedConnector(extraCaPem: string, attempts: Set<(error: Error) => void>): buildConnector.connector {
  // Made once per agent, on its first TLS connection.
  let secureContext: tls.SecureContext | undefined
  return (options, callback) => {
    const started = performance.now()
    // undici calls the connector synchronously from dispatch, so `current` is the request that needs this connection.
    const timeoutMs = current?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80)
    let lookedUp: number | null = null
    let connected = 0
    let finished = false
    const socket: net.Socket =
      options.protocol === 'https:'
        ? tls.connect({
            host: options.hostname,
            port,
            servername: options.servername || (net.isIP(options.hostname) ? undefined : options.hostname),
            ALPNProtocols: ['http/1.1'],
            ...(extraCaPem ? { secureContext: (secureContext ??= secureContextTrusting(extraCaPem)) } : {})
          })
        : net.connect({ host: options.hostname, port })
    const done = (error: Error | null): void => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      attempts.delete(done)
      socket.off('error', onError)
      if (error) {
        socket.on('error', () => undefined)
        socket.destroy()
        callback(error, null)
        return
      }
      const end = performance.now()
      const base = lookedUp ?? started
      socketTimings.set(socket, {
        dns: lookedUp === null ? null : lookedUp - started,
        connect: (connected || end) - base,
        tls: options.protocol === 'https:' ? end - (connected || end) : null,
        claimed: false
      })
      socket.setNoDelay(true)
      socket.setKeepAlive(true, 60_000)
      callback(null, socket)
    }
    const onError = (error: Error): void => done(error)
    const timer = setTimeout(() => done(new ConnectTimeoutError(connected ? 'tls' : 'connect', timeoutMs)), timeoutMs)
    timer.unref?.()
    attempts.add(done)
    socket.on('lookup', () => (lookedUp = performance.now()))
    socket.once('connect', () => (connected = performance.now()))
    socket.once(options.protocol === 'https:' ? 'secureConnect' : 'connect', () => done(null))
    socket.once('error', onError)
  }
}

/**
 * One undici Agent per trust configuration: the default one trusts the system's roots;
 * an environment with its own CA gets an agent that trusts the roots plus that CA, and nothing else changes.
 */
export class AgentPool {
  private readonly agents = new Map<string, UndiciAgent>()
  private readonly attempts = new Set<(error: Error) => void>()

  /** Keyed by the PEM text itself: looked up on every request, so no hashing here. */
  get(extraCaPem: string): Dispatcher {
    const key = extraCaPem
    let agent = this.agents.get(key)
    if (!agent) {
      agent = new Agent({ connect: timedConnector(extraCaPem.trim(), this.attempts), keepAliveTimeout: 30_000 })
      this.agents.set(key, agent)
    }
    return agent
  }

  /**
   * For shutdown: ends connection attempts still under way and destroys every connection, so requests in flight fail
   * at once. (A graceful close waits for them, and for a server that accepted and never finished TLS, forever.)
   * Bounded by `boundMs` even if a socket never reports its close.
   */
  async close(boundMs = 1000): Promise<void> {
    const agents = [...this.agents.values()]
    this.agents.clear()
    for (const end of [...this.attempts]) end(new PoolClosedError())
    let timer: NodeJS.Timeout | undefined
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs)))
    await Promise.race([Promise.all(agents.map((a) => a.destroy().catch(() => undefined))), bound])
    clearTimeout(timer)
  }
}

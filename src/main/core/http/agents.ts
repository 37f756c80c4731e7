import diagnostics from 'node:diagnostics_channel'
import net from 'node:net'
import tls from 'node:tls'
import { Agent, type Dispatcher, type buildConnector } from 'undici'

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

/** A connector like undici's own, that also measures DNS, TCP connect and TLS handshake. */
function timedConnector(ca: string[] | undefined): buildConnector.connector {
  return (options, callback) => {
    const started = performance.now()
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
            ...(ca ? { ca } : {})
          })
        : net.connect({ host: options.hostname, port })
    const done = (error: Error | null): void => {
      if (finished) return
      finished = true
      socket.off('error', onError)
      if (error) {
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
  private readonly agents = new Map<string, Agent>()

  /** Keyed by the PEM text itself: looked up on every request, so no hashing here. */
  get(extraCaPem: string): Dispatcher {
    const key = extraCaPem
    let agent = this.agents.get(key)
    if (!agent) {
      const ca = extraCaPem.trim() ? [...tls.rootCertificates, extraCaPem] : undefined
      agent = new Agent({ connect: timedConnector(ca), keepAliveTimeout: 30_000 })
      this.agents.set(key, agent)
    }
    return agent
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()]
    this.agents.clear()
    await Promise.all(agents.map((a) => a.close().catch(() => undefined)))
  }
}

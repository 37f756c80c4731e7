import { SandboxLimits, type SandboxLimitsInput } from '../../../shared/sandbox'
import { DataverseFailure } from '../errors'

/**
 * Dataverse's service protection limits, per user, over a sliding window ("Service protection API limits"): the
 * number of requests, their combined execution time, and the requests in flight at once. Off by default; the Sandbox
 * can be told to enforce small ones so that 429s, Retry-After and the x-ms-ratelimit-* headers are testable.
 */

interface Usage {
  /** When each request in the window started (ms), oldest first. */
  starts: number[]
  /** [finished at, took ms] of the requests in the window. */
  durations: Array<[number, number]>
  inFlight: number
}

export const PROTECTION_CODES = { requests: '0x80072322', executionTime: '0x80072321', concurrent: '0x80072326' } as const

export class ServiceProtection {
  private limits: SandboxLimits | null = null
  private readonly usage = new Map<string, Usage>()

  constructor(private readonly now: () => number = Date.now) {}

  get current(): SandboxLimits | null {
    return this.limits
  }

  set(limits: SandboxLimitsInput | null): void {
    this.limits = limits && (limits.requests || limits.executionMs || limits.concurrent) ? SandboxLimits.parse(limits) : null
    this.usage.clear()
  }

  private of(user: string): Usage {
    let u = this.usage.get(user)
    if (!u) this.usage.set(user, (u = { starts: [], durations: [], inFlight: 0 }))
    const from = this.now() - (this.limits?.windowSeconds ?? 300) * 1000
    while (u.starts.length && u.starts[0]! <= from) u.starts.shift()
    while (u.durations.length && u.durations[0]![0] <= from) u.durations.shift()
    return u
  }

  /**
   * A request of `user` starts: refused with Dataverse's 429 when a limit is reached, else counted. The caller runs
   * the request and calls `finish` with its headers to add (the remaining budget, as Dataverse reports it).
   */
  begin(user: string): { finish: () => Record<string, string> } {
    const limits = this.limits
    if (!limits) return { finish: () => ({}) }
    const u = this.of(user)
    const now = this.now()
    const windowMs = limits.windowSeconds * 1000
    const refuse = (code: string, message: string, retryAfterSeconds: number) => {
      const failure = new DataverseFailure(429, code, message)
      failure.headers = { 'retry-after': String(retryAfterSeconds), ...remaining(limits, u) }
      return failure
    }
    if (limits.concurrent !== undefined && u.inFlight >= limits.concurrent) {
      throw refuse(PROTECTION_CODES.concurrent, `Number of concurrent requests exceeded the limit of ${limits.concurrent}.`, 1)
    }
    if (limits.requests !== undefined && u.starts.length >= limits.requests) {
      throw refuse(PROTECTION_CODES.requests, `Number of requests exceeded the limit of ${limits.requests.toLocaleString('en-US')} over time window of ${limits.windowSeconds} seconds.`, secondsUntil(u.starts[0]! + windowMs, now))
    }
    if (limits.executionMs !== undefined && spentMs(u) >= limits.executionMs) {
      throw refuse(
        PROTECTION_CODES.executionTime,
        `Combined execution time of incoming requests exceeded limit of ${limits.executionMs.toLocaleString('en-US')} milliseconds over time window of ${limits.windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
        secondsUntil(u.durations[0]![0] + windowMs, now)
      )
    }
    u.starts.push(now)
    u.inFlight++
    let done = false
    return {
      finish: () => {
        if (!done) {
          done = true
          u.inFlight--
          u.durations.push([this.now(), Math.max(0, this.now() - now)])
        }
        return remaining(limits, u)
      }
    }
  }
}

const spentMs = (u: Usage) => u.durations.reduce((sum, [, ms]) => sum + ms, 0)

/** What is left of the window's budget, as Dataverse reports it on its answers. */
function remaining(limits: SandboxLimits, u: Usage): Record<string, string> {
  const headers: Record<string, string> = {}
  if (limits.requests !== undefined) headers['x-ms-ratelimit-burst-remaining-xrm-requests'] = String(Math.max(0, limits.requests - u.starts.length))
  if (limits.executionMs !== undefined) headers['x-ms-ratelimit-time-remaining-xrm-requests'] = (Math.max(0, limits.executionMs - spentMs(u)) / 1000).toFixed(2)
  return headers
}

const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000))

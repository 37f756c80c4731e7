import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHarness } from '../../testing/sandbox'
import { DataverseFailure } from '../errors'
import { PROTECTION_CODES, ServiceProtection } from './protection'

function clock(start = 1_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

function refused(run: () => unknown): DataverseFailure {
  try {
    run()
  } catch (error) {
    if (error instanceof DataverseFailure) return error
    throw error
  }
  throw new Error('expected a 429')
}

describe('service protection limits', () => {
  it('enforce nothing until told to', () => {
    const p = new ServiceProtection()
    for (let i = 0; i < 1000; i++) expect(p.begin('u').finish()).toEqual({})
  })

  it('refuse the request past the limit with 429, Dataverse\'s code and Retry-After until the oldest leaves the window', () => {
    const c = clock()
    const p = new ServiceProtection(c.now)
    p.set({ requests: 3, windowSeconds: 10 })
    const remaining = [0, 1, 2].map(() => p.begin('u').finish()['x-ms-ratelimit-burst-remaining-xrm-requests'])
    expect(remaining).toEqual(['2', '1', '0'])
    c.advance(4_000)
    const failure = refused(() => p.begin('u'))
    expect(failure).toMatchObject({ status: 429, code: PROTECTION_CODES.requests, message: 'Number of requests exceeded the limit of 3 over time window of 10 seconds.', headers: { 'retry-after': '6' } })
    // Per user: another user is not affected.
    expect(() => p.begin('v').finish()).not.toThrow()
    c.advance(6_000)
    expect(p.begin('u').finish()['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe('2')
  })

  it('count the requests in flight at once and their combined execution time', () => {
    const c = clock()
    const p = new ServiceProtection(c.now)
    p.set({ concurrent: 2 })
    const a = p.begin('u')
    p.begin('u')
    expect(refused(() => p.begin('u'))).toMatchObject({ code: PROTECTION_CODES.concurrent, message: 'Number of concurrent requests exceeded the limit of 2.', headers: { 'retry-after': '1' } })
    a.finish()
    expect(() => p.begin('u')).not.toThrow()

    p.set({ executionMs: 500, windowSeconds: 60 })
    const slow = p.begin('u')
    c.advance(400)
    expect(slow.finish()['x-ms-ratelimit-time-remaining-xrm-requests']).toBe('0.10')
    const slower = p.begin('u')
    c.advance(200)
    slower.finish()
    expect(refused(() => p.begin('u'))).toMatchObject({ status: 429, code: PROTECTION_CODES.executionTime, headers: { 'retry-after': '60' } })
  })
})

describe('the Sandbox under a limit', () => {
  let sb: SandboxHarness
  beforeAll(async () => {
    sb = await startSandbox()
  })
  afterAll(() => sb.stop())

  it('answers like Dataverse: the remaining budget on each answer, then 429 with the OData error and Retry-After', async () => {
    const token = await sb.appToken()
    sb.server.setLimits({ requests: 2, windowSeconds: 30 })
    try {
      const first = await sb.api('GET', '/WhoAmI', token)
      expect(first.status).toBe(200)
      expect(first.headers['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe('1')
      expect((await sb.api('GET', '/WhoAmI', token)).status).toBe(200)
      const third = await sb.api('GET', '/WhoAmI', token)
      expect(third.status).toBe(429)
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0)
      expect(third.json()).toEqual({ error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 2 over time window of 30 seconds.' } })
    } finally {
      sb.server.setLimits(null)
    }
    expect((await sb.api('GET', '/WhoAmI', token)).status).toBe(200)
  })
})

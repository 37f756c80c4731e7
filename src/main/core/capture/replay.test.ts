import { describe, expect, it } from 'vitest'
import type { TrafficEntry } from '../../../shared/traffic'
import { replayRequest } from './replay'

function entry(partial: Partial<TrafficEntry>): TrafficEntry {
  return { kind: 'api', method: 'POST', url: 'https://org.crm.dynamics.com/api/data/v9.2/accounts', environmentId: 'env', requestHeaders: [], responseHeaders: [], requestBody: null, responseBody: null, ...partial } as TrafficEntry
}
const body = (text: string) => ({ text, contentType: 'application/json', encoding: 'utf8' as const, size: text.length, truncated: false, spilled: false })

describe('sending a recorded exchange again', () => {
  it('sends the method, URL, headers and body as they were, with a fresh token of the environment instead of the recorded one', () => {
    const r = replayRequest(entry({ requestHeaders: [['Host', 'org'], ['Authorization', 'Bearer eyJold'], ['Content-Type', 'application/json'], ['Content-Length', '16']], requestBody: body('{"name":"again"}') }))
    expect(r).toEqual({ spec: { method: 'POST', url: 'https://org.crm.dynamics.com/api/data/v9.2/accounts', headers: [{ key: 'Content-Type', value: 'application/json', enabled: true }], body: '{"name":"again"}' }, auth: { mode: 'inherit' } })
  })

  it('keeps the recorded Authorization when there is no environment to sign in with (a token request, a plain URL)', () => {
    const r = replayRequest(entry({ environmentId: null, method: 'GET', url: 'https://example.test/x', requestHeaders: [['Authorization', 'Basic dXNlcjpwYXNz']] }))
    expect(r.auth).toEqual({ mode: 'none' })
    expect(r.spec.headers).toEqual([{ key: 'Authorization', value: 'Basic dXNlcjpwYXNz', enabled: true }])
  })

  it('never sends a masked value, a cut body or a binary one: it says why', () => {
    expect(() => replayRequest(entry({ environmentId: null, requestHeaders: [['Authorization', 'Bearer eyJ0••••••••']] }))).toThrow(/Authorization header was masked/)
    expect(() => replayRequest(entry({ requestBody: { ...body('client_secret=••••'), contentType: 'application/x-www-form-urlencoded' } }))).toThrow(/masked/)
    expect(() => replayRequest(entry({ requestBody: { ...body('{}'), truncated: true } }))).toThrow(/first part/)
    expect(() => replayRequest(entry({ requestBody: { ...body('AAAA'), encoding: 'base64' } }))).toThrow(/binary/)
  })
})

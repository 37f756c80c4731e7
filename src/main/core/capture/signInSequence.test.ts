import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { TrafficEntry } from '../../../shared/traffic'
import { signInSequence } from './signInSequence'

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const jwt = (claims: Record<string, unknown>) => `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2ln`
const body = (text: string, contentType: string) => ({ text, contentType, encoding: 'utf8' as const, size: text.length, truncated: false, spilled: false })
let seq = 0
function entry(partial: Partial<TrafficEntry>): TrafficEntry {
  seq += 1
  return { id: `e${seq}`, seq, startedAt: new Date(1_700_000_000_000 + seq * 100).toISOString(), kind: 'other', method: 'GET', url: 'https://login.test/', status: 200, durationMs: 20, requestHeaders: [], responseHeaders: [], requestBody: null, responseBody: null, environmentId: 'env', signInId: 's', ...partial } as TrafficEntry
}

const ORG = 'https://org.crm.dynamics.com'
const ISSUER = 'https://login.test/tid/v2.0'
const verifier = 'a-verifier-of-enough-length-0123456789-abcdefghij'
const challenge = createHash('sha256').update(verifier).digest('base64url')

function flow(options: { state?: string; nonce?: string; aud?: string; verifier?: string } = {}): TrafficEntry[] {
  return [
    entry({ kind: 'discovery', url: `${ISSUER}/.well-known/openid-configuration`, responseBody: body(JSON.stringify({ issuer: ISSUER }), 'application/json') }),
    entry({ kind: 'authorize', status: null, url: `https://login.test/tid/oauth2/v2.0/authorize?client_id=c&code_challenge=${challenge}&code_challenge_method=S256&state=st-1&nonce=n-1` }),
    entry({ kind: 'callback', url: `http://127.0.0.1:5000/?code=the-code&state=${options.state ?? 'st-1'}` }),
    entry({
      kind: 'token',
      method: 'POST',
      url: 'https://login.test/tid/oauth2/v2.0/token',
      requestBody: body(`grant_type=authorization_code&code=the-code&code_verifier=${options.verifier ?? verifier}`, 'application/x-www-form-urlencoded'),
      responseBody: body(JSON.stringify({ access_token: jwt({ aud: options.aud ?? ORG, iss: 'https://sts.windows.net/tid/' }), id_token: jwt({ iss: ISSUER, nonce: options.nonce ?? 'n-1', aud: 'c' }) }), 'application/json')
    })
  ]
}

describe('a sign-in as a sequence', () => {
  it('draws the legs in order, ending with the org, and passes every check of a good authorization-code sign-in', () => {
    const legs = flow()
    const api = entry({ kind: 'api', signInId: null, url: `${ORG}/api/data/v9.2/WhoAmI` })
    const s = signInSequence(legs, api, ORG)
    expect(s.legs.map((l) => `${l.from}→${l.to}`)).toEqual(['app→authority', 'browser→authority', 'browser→loopback', 'app→authority', 'app→org'])
    expect(s.legs[3]!.label).toBe('Token request (authorization_code)')
    expect(Object.fromEntries(s.checks.map((c) => [c.name, c.status]))).toEqual({ PKCE: 'passed', state: 'passed', nonce: 'passed', audience: 'passed', issuer: 'passed' })
    expect(s.totalMs).toBeGreaterThan(0)
  })

  it('fails the check that went wrong, with what it saw', () => {
    const bad = signInSequence(flow({ state: 'forged', nonce: 'other', aud: 'https://other.crm.dynamics.com', verifier: 'not-the-verifier' }), null, ORG)
    const by = Object.fromEntries(bad.checks.map((c) => [c.name, c]))
    expect(by.PKCE).toMatchObject({ status: 'failed' })
    expect(by.state).toMatchObject({ status: 'failed', detail: expect.stringContaining('forged') })
    expect(by.nonce).toMatchObject({ status: 'failed' })
    expect(by.audience).toMatchObject({ status: 'failed', detail: expect.stringContaining('401') })
  })

  it('skips what a grant without a browser does not have', () => {
    const cc = signInSequence([entry({ kind: 'token', method: 'POST', requestBody: body('grant_type=client_credentials&client_id=c', 'application/x-www-form-urlencoded'), responseBody: body(JSON.stringify({ access_token: jwt({ aud: ORG }) }), 'application/json') })], null, ORG)
    expect(Object.fromEntries(cc.checks.map((c) => [c.name, c.status]))).toEqual({ PKCE: 'skipped', state: 'skipped', nonce: 'skipped', audience: 'passed', issuer: 'skipped' })
  })
})

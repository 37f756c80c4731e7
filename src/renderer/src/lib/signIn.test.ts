import { describe, expect, it } from 'vitest'
import type { EntrySummary } from '@shared/traffic'
import { grantWords, signInName } from './signIn'

const entry = (over: Partial<EntrySummary>): EntrySummary => ({
  id: 'e1',
  seq: 1,
  startedAt: new Date(2026, 0, 1, 8, 6, 55).toISOString(),
  kind: 'token',
  method: 'POST',
  url: 'https://login/token',
  host: 'login',
  path: '/token',
  status: 200,
  error: null,
  durationMs: 40,
  responseSize: 100,
  environmentId: 'env',
  environmentName: 'Sandbox',
  signInId: 's1',
  grant: 'client_credentials',
  ...over
})

describe('sign-in names', () => {
  it('puts a grant in words, and says when it was a refresh', () => {
    expect(grantWords('client_credentials')).toEqual({ label: 'Client credentials (application user)', refresh: false })
    expect(grantWords('password (refresh)')).toEqual({ label: 'Resource owner password', refresh: true })
    expect(grantWords('something_new')).toEqual({ label: 'something_new', refresh: false })
  })

  it('names a sign-in by what, where and when, never by its id', () => {
    expect(signInName([entry({})], 's1')).toBe('Sign-in: Client credentials (application user) · Sandbox · 08:06:55')
    expect(signInName([entry({ grant: 'authorization_code (refresh)' })], 's1')).toBe('Token refresh: Authorization code + PKCE (system browser) · Sandbox · 08:06:55')
    expect(signInName([], 's1')).toBe('Sign-in')
  })
})

import { describe, expect, it } from 'vitest'
import { aad } from '../../sandbox/errors'
import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node'
import { explainAadsts, explainOAuthError, explainSignInError, oauthFailure } from './oauthErrors'

describe('explainAadsts', () => {
  // Every error the Sandbox can emit, called with sample arguments: each must have a specific explanation and fix.
  const samples = Object.entries(aad).map(([name, factory]) => {
    const sample = new Date(0)
    const failure = (factory as (...args: unknown[]) => { code: number; message: string })(sample, sample, sample)
    return [name, failure.code, failure.message] as const
  })

  it.each(samples)('%s (AADSTS%i) is explained with a fix', (_name, code, message) => {
    const explained = explainAadsts(message)
    expect(explained?.code).toBe(`AADSTS${code}`)
    expect(explained?.title).not.toBe('Sign-in refused')
    expect(explained?.fix.length).toBeGreaterThan(20)
  })

  it.each([
    [700016, 'client id and the tenant'],
    [7000215, "value (shown once when it was created), not its secret id"],
    [50011, 'Add this exact redirect URI']
  ])('AADSTS%i gives the fix the issue names', (code, fix) => {
    expect(explainAadsts(`AADSTS${code}: whatever`)?.fix).toContain(fix)
  })

  it('links unknown codes to the reference and ignores text without a code', () => {
    expect(explainAadsts('AADSTS123456: new')).toMatchObject({ title: 'Sign-in refused', fix: expect.stringContaining('error?code=123456') })
    expect(explainAadsts('socket hang up')).toBeNull()
  })
})

describe('standard OAuth errors', () => {
  it.each(['invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'access_denied', 'consent_required', 'interaction_required', 'login_required', 'no_refresh_token'])('%s is explained with a fix', (error) => {
    const explained = explainOAuthError(error)
    expect(explained).toMatchObject({ code: error, title: expect.any(String) })
    expect(explained!.fix.length).toBeGreaterThan(20)
    expect(explained!.title).not.toBe('Sign-in refused')
  })

  it('leads with the authority\'s error_description, and knows only its own keys', () => {
    expect(oauthFailure({ error: 'invalid_scope', description: 'Scope "x" is not allowed for client demo' })).toMatchObject({ code: 'sign_in_failed', message: 'Scope not valid: Scope "x" is not allowed for client demo', detail: { explanation: { code: 'invalid_scope' } } })
    expect(oauthFailure({ error: 'invalid_grant', description: 'AADSTS70000: Provided grant is invalid.\r\nTrace ID: 1' }).message).toBe('Grant not valid: AADSTS70000: Provided grant is invalid.')
    expect(oauthFailure({ error: 'mystery', description: '' }).message).toBe('The authority refused the sign-in: mystery')
    expect(explainOAuthError('toString')).toBeNull()
    expect(explainOAuthError('constructor')).toBeNull()
  })

  it('never shows msal\'s "Error(s): Not Available - Timestamp: Not Available …" wrapper', () => {
    const wrapped = 'Error(s): Not Available - Timestamp: Not Available - Description: Invalid client or Invalid client credentials - Correlation ID: Not Available - Trace ID: Not Available'
    const fromText = explainSignInError(new ServerError('invalid_client', '', wrapped), { network: null, oauth: null })
    expect(fromText.message).toBe('Client authentication failed: Invalid client or Invalid client credentials')
    expect(fromText.message).not.toMatch(/Not Available|Error\(s\)|Timestamp/)
    // The body the authority sent, captured by the network client, is preferred to msal's rewording.
    const captured = explainSignInError(new ServerError('consent_required', '', wrapped.replace('Invalid client or Invalid client credentials', 'Not Available')), { network: null, oauth: { error: 'consent_required', description: 'The user has not consented to offline_access' } })
    expect(captured).toMatchObject({ message: 'Consent required: The user has not consented to offline_access', detail: { explanation: { fix: expect.stringContaining('prompt=consent') } } })
    const bare = explainSignInError(new ServerError('invalid_grant', '', wrapped.replace('Invalid client or Invalid client credentials', 'Not Available')), { network: null, oauth: null })
    expect(bare.message).toBe('Grant not valid: invalid_grant')
  })

  it('explains msal\'s own errors: no refresh token, an issuer on another host', () => {
    expect(explainSignInError(new InteractionRequiredAuthError('no_tokens_found', 'No refresh token found in the cache. Please sign-in.'), { network: null, oauth: null })).toMatchObject({ code: 'sign_in_required', message: expect.stringContaining('No refresh token'), detail: { explanation: { fix: expect.stringContaining('offline_access') } } })
    expect(explainSignInError(Object.assign(new Error('issuer_validation_failed: x'), { errorCode: 'issuer_validation_failed' }), { network: null, oauth: null }).message).toContain('issuer on another host')
  })
})

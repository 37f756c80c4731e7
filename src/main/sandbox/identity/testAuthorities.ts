/**
 * For the identity tests: the Sandbox's two authorities behind one shape, so a conformance test runs every grant
 * against both (`describe.each(AUTHORITIES)`), and the error assertions each authority's answers deserve.
 */
import { createHash, randomBytes } from 'node:crypto'
import { expect } from 'vitest'
import type { SandboxHarness, SandboxResult } from '../../testing/sandbox'

export type AuthorityKind = 'entra' | 'oidc'
export const AUTHORITIES: AuthorityKind[] = ['entra', 'oidc']

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

export interface AuthorityUnderTest {
  kind: AuthorityKind
  /** The issuer of its access tokens. */
  issuer: string
  tokenUrl: string
  deviceAuthorizationUrl: string
  /** The device page as a browser reaches it (plain HTTP). */
  devicePageUrl: string
  authorizeUrl(params: Record<string, string>): string
  token(params: Record<string, string>, headers?: Record<string, string>): Promise<SandboxResult>
  startDevice(params: Record<string, string>): Promise<SandboxResult>
}

export function authority(sb: SandboxHarness, kind: AuthorityKind): AuthorityUnderTest {
  const base = kind === 'entra' ? `${sb.info.authority}/oauth2/v2.0` : sb.info.oidcAuthority
  const tokenUrl = `${base}/token`
  const deviceAuthorizationUrl = kind === 'entra' ? `${base}/devicecode` : `${base}/device_authorization`
  return {
    kind,
    issuer: kind === 'entra' ? `https://sts.windows.net/${sb.info.tenantId}/` : sb.info.oidcAuthority,
    tokenUrl,
    deviceAuthorizationUrl,
    devicePageUrl: kind === 'entra' ? `${sb.info.pagesUrl}/devicelogin` : `${sb.info.pagesUrl}/oidc/device`,
    authorizeUrl: (params) => `${sb.info.pagesUrl}${kind === 'entra' ? `/${sb.info.tenantId}/oauth2/v2.0` : '/oidc'}/authorize?${new URLSearchParams(params)}`,
    token: (params, headers = {}) => sb.send('POST', tokenUrl, { headers: { ...FORM, ...headers }, body: new URLSearchParams(params).toString() }),
    startDevice: (params) => sb.send('POST', deviceAuthorizationUrl, { headers: FORM, body: new URLSearchParams(params).toString() })
  }
}

/**
 * The error an authority answered: Entra's full shape with its AADSTS code, or exactly RFC 6749 §5.2's two fields
 * with no trace of Entra.
 */
export function expectError(kind: AuthorityKind, r: SandboxResult, expected: { error: string; aadsts: number; oidcError?: string; status?: number }): void {
  const body = r.json<Record<string, unknown>>()
  if (kind === 'entra') {
    expect(body.error, JSON.stringify(body)).toBe(expected.error)
    expect(body.error_codes).toEqual([expected.aadsts])
    expect(String(body.error_description)).toMatch(new RegExp(`^AADSTS${expected.aadsts}: `))
  } else {
    expect(Object.keys(body).sort(), JSON.stringify(body)).toEqual(['error', 'error_description'])
    expect(body.error).toBe(expected.oidcError ?? expected.error)
    expect(String(body.error_description)).not.toMatch(/AADSTS|Azure|Trace ID|Correlation ID/i)
    expect(String(body.error_description).length).toBeGreaterThan(10)
  }
  if (expected.status) expect(r.status).toBe(expected.status)
  else expect(r.status).toBeGreaterThanOrEqual(400)
  expect(r.headers['cache-control']).toContain('no-store')
}

/** The error an authorize request sent back to the app (query or fragment), in the authority's shape. */
export function expectRedirectError(kind: AuthorityKind, fields: URLSearchParams, expected: { error: string; aadsts: number; oidcError?: string }): void {
  if (kind === 'entra') {
    expect(fields.get('error')).toBe(expected.error)
    expect(fields.get('error_description')).toMatch(new RegExp(`^AADSTS${expected.aadsts}: `))
    expect(fields.get('error_uri')).toContain(`code=${expected.aadsts}`)
  } else {
    expect(fields.get('error')).toBe(expected.oidcError ?? expected.error)
    expect(fields.get('error_description')).not.toMatch(/AADSTS/)
    expect(fields.has('error_uri')).toBe(false)
  }
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** The answer's fields sent to the redirect URI: query for a code, fragment for tokens. */
export function replyFields(r: SandboxResult): URLSearchParams {
  const location = r.headers.location
  if (!location) throw new Error(`Expected a redirect to the app (status ${r.status}): ${r.text.slice(0, 300)}`)
  const url = new URL(location)
  return url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams
}

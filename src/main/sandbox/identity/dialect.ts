import type { EntraFailure } from '../errors'
import type { PageError, PageKind } from '../pages'
import { json, type SandboxResponse } from '../webapi/http'
import type { IdentityContext } from './state'

/**
 * The Sandbox has two authorities over the same apps, users and rules: Entra-shaped (`/<tenant>/oauth2/…`, v1 and
 * v2 endpoints) and standards-only OpenID Connect (`/oidc`). A dialect is everything that differs in how they answer;
 * the grants themselves are written once.
 */
export type AuthorityKind = 'entra' | 'oidc'

export interface IssuedTokens {
  accessToken: string
  resource: string
  scope: string
  refreshToken?: string
  idToken?: string
  clientInfo?: string
}

export interface DeviceAnswer {
  deviceCode: string
  userCode: string
  verificationUri: string
  expiresIn: number
  interval: number
}

export interface Dialect {
  readonly id: 'v1' | 'v2' | 'oidc'
  readonly authority: AuthorityKind
  /** Entra v1 names the resource (`resource=`); v2 and the standard authority ask with scopes. */
  readonly byResource: boolean
  /** Entra's extras: `client_info` for MSAL and the single-page-app `Origin` rule (AADSTS9002327). */
  readonly entraExtras: boolean
  /** The response_type values the authorize endpoint accepts, words sorted. */
  readonly responseTypes: readonly string[]
  readonly page: PageKind
  /** The token endpoint's URL, which a client assertion must name as its audience. */
  tokenEndpoint(ctx: IdentityContext, tenant: string): string
  verificationUri(ctx: IdentityContext): string
  /** An error from the token or device endpoint as JSON. */
  errorResponse(failure: EntraFailure, ctx: IdentityContext, correlationId?: string): SandboxResponse
  /** An error sent back to the app's redirect URI. */
  redirectError(failure: EntraFailure, ctx: IdentityContext, correlationId?: string): Record<string, string>
  pageError(failure: EntraFailure): PageError
  tokenBody(t: IssuedTokens, lifetime: number, nowSeconds: number): Record<string, unknown>
  deviceBody(d: DeviceAnswer): Record<string, unknown>
  wantsRefresh(scopes: readonly string[]): boolean
  wantsIdToken(scopes: readonly string[]): boolean
  /** The `scope` a token answer reports. */
  grantedScope(scopes: readonly string[], resource: string): string
}

export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access'])
const NO_STORE = { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' }

/** Entra v2 reports the resource's permissions; `user_impersonation` is what Dataverse grants any delegated sign-in. */
function resourcePermissions(scopes: readonly string[], resource: string): string[] {
  return [...new Set([`${resource}/user_impersonation`, ...scopes.filter((s) => !OIDC_SCOPES.has(s))])]
}

const entra = {
  authority: 'entra',
  entraExtras: true,
  page: 'entra',
  responseTypes: ['code', 'id_token', 'token', 'id_token token', 'code id_token'],
  verificationUri: (ctx: IdentityContext) => `${ctx.pages}/devicelogin`,
  errorResponse(failure: EntraFailure, ctx: IdentityContext, correlationId?: string): SandboxResponse {
    const shaped = failure.toResponse(ctx.base, correlationId)
    return json(shaped.status, shaped.body, NO_STORE)
  },
  redirectError(failure: EntraFailure, ctx: IdentityContext, correlationId?: string): Record<string, string> {
    const shaped = failure.toResponse(ctx.base, correlationId)
    return { error: failure.error, error_description: shaped.body.error_description, error_uri: shaped.body.error_uri, ...(failure.suberror ? { error_subcode: failure.suberror } : {}) }
  },
  pageError: (failure: EntraFailure): PageError => ({ code: failure.code, error: failure.error, description: failure.description })
} as const

export const entraV1: Dialect = {
  ...entra,
  id: 'v1',
  byResource: true,
  tokenEndpoint: (ctx, tenant) => `${ctx.base}/${tenant}/oauth2/token`,
  tokenBody: (t, lifetime, now) => ({
    token_type: 'Bearer',
    scope: t.scope,
    expires_in: String(lifetime),
    ext_expires_in: String(lifetime),
    expires_on: String(now + lifetime),
    not_before: String(now),
    resource: t.resource,
    access_token: t.accessToken,
    ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
    ...(t.idToken ? { id_token: t.idToken } : {}),
    ...(t.clientInfo ? { client_info: t.clientInfo } : {})
  }),
  deviceBody: (d) => ({
    user_code: d.userCode,
    device_code: d.deviceCode,
    verification_url: d.verificationUri,
    expires_in: String(d.expiresIn),
    interval: String(d.interval),
    message: `To sign in, use a web browser to open the page ${d.verificationUri} and enter the code ${d.userCode} to authenticate.`
  }),
  wantsRefresh: () => true,
  wantsIdToken: () => true,
  grantedScope: () => 'user_impersonation'
}

export const entraV2: Dialect = {
  ...entra,
  id: 'v2',
  byResource: false,
  tokenEndpoint: (ctx, tenant) => `${ctx.base}/${tenant}/oauth2/v2.0/token`,
  tokenBody: (t, lifetime) => ({
    token_type: 'Bearer',
    scope: t.scope,
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: t.accessToken,
    ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
    ...(t.idToken ? { id_token: t.idToken } : {}),
    ...(t.clientInfo ? { client_info: t.clientInfo } : {})
  }),
  deviceBody: (d) => ({
    user_code: d.userCode,
    device_code: d.deviceCode,
    verification_uri: d.verificationUri,
    expires_in: d.expiresIn,
    interval: d.interval,
    message: `To sign in, use a web browser to open the page ${d.verificationUri} and enter the code ${d.userCode} to authenticate.`
  }),
  wantsRefresh: (scopes) => scopes.includes('offline_access'),
  wantsIdToken: (scopes) => scopes.includes('openid'),
  grantedScope: (scopes, resource) => resourcePermissions(scopes, resource).join(' ')
}

/** RFC 6749, RFC 7636, RFC 8628 and OpenID Connect Core, with nothing of Entra's. */
export const standard: Dialect = {
  id: 'oidc',
  authority: 'oidc',
  byResource: false,
  entraExtras: false,
  page: 'oidc',
  responseTypes: ['code', 'token', 'id_token token'],
  tokenEndpoint: (ctx) => `${ctx.oidcIssuer}/token`,
  verificationUri: (ctx) => `${ctx.pages}/oidc/device`,
  errorResponse(failure, ctx) {
    const p = failure.plain()
    // RFC 6749 §5.2: a 401 for client authentication names the scheme the client may use.
    return json(p.status, { error: p.error, error_description: p.description }, { ...NO_STORE, ...(p.status === 401 ? { 'www-authenticate': `Basic realm="${ctx.oidcIssuer}"` } : {}) })
  },
  redirectError(failure) {
    const p = failure.plain()
    return { error: p.error, error_description: p.description }
  },
  pageError(failure) {
    const p = failure.plain()
    return { code: null, error: p.error, description: p.description }
  },
  tokenBody: (t, lifetime) => ({
    access_token: t.accessToken,
    token_type: 'Bearer',
    expires_in: lifetime,
    scope: t.scope,
    ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
    ...(t.idToken ? { id_token: t.idToken } : {})
  }),
  // RFC 8628 §3.2: interval is optional (clients then wait 5 s) and there is no message; this authority sends neither.
  deviceBody: (d) => ({
    device_code: d.deviceCode,
    user_code: d.userCode,
    verification_uri: d.verificationUri,
    verification_uri_complete: `${d.verificationUri}?user_code=${encodeURIComponent(d.userCode)}`,
    expires_in: d.expiresIn
  }),
  wantsRefresh: (scopes) => scopes.includes('offline_access'),
  wantsIdToken: (scopes) => scopes.includes('openid'),
  grantedScope: (scopes, resource) => [...resourcePermissions(scopes, resource), ...scopes.filter((s) => OIDC_SCOPES.has(s))].join(' ')
}

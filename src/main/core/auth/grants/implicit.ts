import { AppError } from '../../../../shared/errors'
import { decodeToken } from '../jwt'
import { LoopbackListener } from '../loopback'
import { oauthFailure } from '../oauthErrors'
import { randomToken } from '../pkce'
import type { GrantContext, GrantResult } from './types'

/**
 * The authorize URL of an implicit sign-in (v1 resource= or v2 scope=), with state and nonce. `id_token token`
 * always asks for `openid`: without it an OpenID Connect authority issues no ID token.
 */
export function implicitAuthorizeUrl(o: { endpoint: string; version: 'v1' | 'v2'; clientId: string; redirectUri: string; scopes: string[]; orgUrl: string; responseMode: 'fragment' | 'form_post'; state: string; nonce: string }): string {
  const params = new URLSearchParams({ client_id: o.clientId, response_type: 'id_token token', redirect_uri: o.redirectUri, response_mode: o.responseMode, state: o.state, nonce: o.nonce })
  if (o.version === 'v2') params.set('scope', ['openid', ...o.scopes.filter((s) => s !== 'openid')].join(' '))
  else {
    params.set('resource', resourceOf(o.scopes, o.orgUrl))
    params.set('scope', 'openid')
  }
  return `${o.endpoint}?${params}`
}

function resourceOf(scopes: string[], orgUrl: string): string {
  const first = scopes.find((s) => /^https?:\/\//.test(s))
  return first ? first.replace(/\/[^/]*$/, '') || orgUrl : orgUrl
}

/**
 * Check an implicit response: error, state, nonce (in the id token), and the access token.
 * `params` are the fragment or form_post fields.
 */
export function readImplicitResponse(params: URLSearchParams, expected: { state: string; nonce: string }, scopes: string[]): GrantResult {
  const error = params.get('error')
  if (error) throw oauthFailure({ error, description: params.get('error_description') ?? '' })
  if (params.get('state') !== expected.state) throw new AppError('sign_in_failed', 'The sign-in response\'s state does not match this sign-in: it was refused.')
  const accessToken = params.get('access_token')
  if (!accessToken) throw new AppError('sign_in_failed', 'The implicit response carried no access token.')
  const idToken = params.get('id_token')
  if (idToken) {
    const decoded = decodeToken(idToken)
    if (decoded.kind === 'jwt' && decoded.claims.nonce !== expected.nonce) throw new AppError('sign_in_failed', 'The ID token\'s nonce does not match this sign-in: the response was refused (possible replay).')
  }
  const expiresIn = Number(params.get('expires_in'))
  const decoded = decodeToken(accessToken)
  const expiresAt = decoded.kind === 'jwt' && decoded.expiresAt ? decoded.expiresAt : Number.isFinite(expiresIn) && expiresIn > 0 ? Math.floor(Date.now() / 1000) + expiresIn : null
  const id = idToken ? decodeToken(idToken) : null
  const claims = id?.kind === 'jwt' ? id.claims : {}
  const username = String(claims.preferred_username ?? claims.upn ?? claims.unique_name ?? '')
  return {
    accessToken,
    idToken,
    expiresAt,
    scopes: (params.get('scope') ?? scopes.join(' ')).split(/\s+/).filter(Boolean),
    account: username ? { homeAccountId: `${String(claims.oid ?? '')}.${String(claims.tid ?? '')}`, username, name: String(claims.name ?? username), tenantId: String(claims.tid ?? '') } : null
  }
}

/** The authorization endpoint from the same discovery document the other grants read. */
export async function authorizationEndpoint(ctx: Pick<GrantContext, 'openIdConfiguration' | 'authority'>, version: 'v1' | 'v2'): Promise<string> {
  const metadata = await ctx.openIdConfiguration(version)
  if (!metadata.authorization_endpoint) throw new AppError('sign_in_failed', `The authority's OpenID configuration has no authorization_endpoint: ${ctx.authority.authority} does not offer browser sign-in.`)
  return metadata.authorization_endpoint
}

/** Implicit (ours: MSAL has none), v1 or v2, response_mode fragment (relayed by the loopback page) or form_post. */
export async function implicit(ctx: GrantContext<'implicit'>): Promise<GrantResult> {
  const { profile } = ctx
  if (!profile.clientId) throw new AppError('invalid_input', 'The profile needs the client id of an app registration with implicit access tokens enabled.')
  const listener = await LoopbackListener.start({ port: 0, timeoutMs: ctx.interactiveTimeoutMs, signal: ctx.signal, onExchange: ctx.recordCallback })
  try {
    const state = randomToken()
    const nonce = randomToken()
    listener.expect(state)
    // v1 (resource=) is Entra's; any other OpenID Connect authority takes scope=.
    const version = ctx.authority.protocol === 'oidc' ? 'v2' : profile.endpoint
    const url = implicitAuthorizeUrl({
      endpoint: await authorizationEndpoint(ctx, version),
      version,
      clientId: profile.clientId,
      redirectUri: listener.redirectUri,
      scopes: ctx.scopes,
      orgUrl: ctx.env.orgUrl,
      responseMode: profile.responseMode,
      state,
      nonce
    })
    ctx.recordAuthorize(url)
    ctx.progress('browser', 'Sign in in the browser window that opened.', { authorizeUrl: url })
    await ctx.openBrowser(url)
    const callback = await listener.wait()
    return readImplicitResponse(callback.params, { state, nonce }, ctx.scopes)
  } finally {
    listener.close()
  }
}


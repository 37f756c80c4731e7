import { AppError } from '../../../../shared/errors'
import { decodeToken } from '../jwt'
import type { RecordingNetworkClient } from '../network'
import { oauthFailure } from '../oauthErrors'
import type { GrantResult } from './types'

/** The OpenID Connect scopes msal adds to every user sign-in; our own grants ask for the same, so a refresh token comes back. */
export const OIDC_SCOPES = ['openid', 'profile', 'offline_access']

export function withOidcScopes(scopes: string[]): string[] {
  return [...new Set([...scopes, ...OIDC_SCOPES])]
}

/** A token endpoint's answer as RFC 6749 §5.1 shapes it. */
export type TokenAnswer = { ok: true; result: GrantResult } | { ok: false; error: string; description: string; status: number }

/** POST a form to a token endpoint through the recording network client; an OAuth error comes back as a value. */
export async function postToken(network: RecordingNetworkClient, endpoint: string, form: URLSearchParams, requested: string[]): Promise<TokenAnswer> {
  const response = await network.postForm(endpoint, form)
  const body = (response.body && typeof response.body === 'object' ? response.body : {}) as Record<string, unknown>
  if (response.status >= 400 || typeof body.error === 'string') {
    return { ok: false, error: typeof body.error === 'string' ? body.error : `http_${response.status}`, description: typeof body.error_description === 'string' ? body.error_description : '', status: response.status }
  }
  return { ok: true, result: readTokenResponse(body, requested) }
}

/** A successful token response: access token, optional id and refresh tokens, expiry, granted scopes, and the account. */
export function readTokenResponse(body: Record<string, unknown>, requested: string[]): GrantResult {
  const accessToken = typeof body.access_token === 'string' ? body.access_token : ''
  if (!accessToken) throw new AppError('sign_in_failed', 'The token endpoint answered without an access_token.')
  const idToken = typeof body.id_token === 'string' ? body.id_token : null
  const expiresIn = Number(body.expires_in)
  const decoded = decodeToken(accessToken)
  const expiresAt = Number.isFinite(expiresIn) && expiresIn > 0 ? Math.floor(Date.now() / 1000) + expiresIn : decoded.kind === 'jwt' ? decoded.expiresAt : null
  const id = idToken ? decodeToken(idToken) : null
  const claims = id?.kind === 'jwt' ? id.claims : decoded.kind === 'jwt' ? decoded.claims : {}
  const username = String(claims.preferred_username ?? claims.upn ?? claims.email ?? claims.unique_name ?? '')
  const subject = String(claims.oid ?? claims.sub ?? '')
  return {
    accessToken,
    idToken,
    expiresAt,
    scopes: (typeof body.scope === 'string' ? body.scope : requested.join(' ')).split(/\s+/).filter(Boolean),
    account: username || subject ? { homeAccountId: `${subject}.${String(claims.tid ?? '')}`, username: username || subject, name: String(claims.name ?? (username || subject)), tenantId: String(claims.tid ?? '') } : null,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : null
  }
}

/**
 * The refresh_token grant (RFC 6749 §6) for tokens our own grants obtained. The authority may rotate the refresh
 * token; when it does not send a new one, the old one stays valid and is kept.
 */
export async function refreshTokenGrant(o: { network: RecordingNetworkClient; tokenEndpoint: string; clientId: string; refreshToken: string; scopes: string[] }): Promise<GrantResult> {
  const scopes = withOidcScopes(o.scopes)
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: o.clientId, refresh_token: o.refreshToken, scope: scopes.join(' ') })
  const answer = await postToken(o.network, o.tokenEndpoint, form, scopes)
  if (!answer.ok) throw oauthFailure(answer)
  return { ...answer.result, refreshToken: answer.result.refreshToken ?? o.refreshToken }
}

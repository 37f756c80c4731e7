import type { AccountInfo } from '@azure/msal-node'
import { AppError } from '../../../shared/errors'
import type { StoredToken } from './cache'
import { clientCredentials } from './grants/others'
import { refreshTokenGrant } from './grants/tokenEndpoint'
import { fromMsal, type GrantContext, type GrantResult } from './grants/types'
import { knownFailure } from './oauthErrors'

/**
 * Silent renewal: client credentials simply ask again; tokens from msal are renewed from msal's cache (its refresh
 * token); tokens from our own grants (RFC 8628 with OIDC authorities) through the refresh_token grant; implicit
 * tokens cannot be renewed.
 */
export async function refresh(ctx: GrantContext, current: StoredToken | null, forceRefresh: boolean): Promise<GrantResult> {
  const grant = ctx.profile.grant
  if (grant === 'client_credentials') return renewAppToken(ctx as GrantContext<'client_credentials'>, forceRefresh)
  if (!current) throw new AppError('sign_in_required', `Sign in to "${ctx.env.name}" first (Sign in, above the request).`)
  if (grant === 'implicit' || grant === 'preapproved') throw new AppError('sign_in_required', 'The token has expired, and tokens from the implicit grant cannot be refreshed: sign in again.')
  if (!('clientId' in ctx.profile)) throw new AppError('sign_in_required', 'The token has expired: sign in again.')
  if (current.issuedBy === 'orgbench') {
    if (!current.refreshToken) throw knownFailure('no_refresh_token', `the token has expired and ${ctx.authority.authority} sent no refresh token with it.`)
    const metadata = await ctx.openIdConfiguration('v2')
    return refreshTokenGrant({ network: ctx.network, tokenEndpoint: metadata.token_endpoint, clientId: ctx.profile.clientId, refreshToken: current.refreshToken, scopes: ctx.scopes })
  }
  if (!current.account) throw new AppError('sign_in_required', 'The token has expired and there is no account to refresh it for: sign in again.')
  const app = ctx.publicApp(ctx.profile.clientId)
  const account = (await app.getTokenCache().getAccountByHomeId(current.account.homeAccountId)) as AccountInfo | null
  if (!account) throw new AppError('sign_in_required', 'The signed-in account is no longer in the token cache: sign in again.')
  return fromMsal(await app.acquireTokenSilent({ account, scopes: ctx.scopes, forceRefresh }))
}

/**
 * App-only tokens are acquired again. With a pasted assertion that only works while the assertion does: it is
 * checked before it is sent (exp), and a refusal of the already-used assertion is said as "paste a new one".
 */
async function renewAppToken(ctx: GrantContext<'client_credentials'>, forceRefresh: boolean): Promise<GrantResult> {
  try {
    return await clientCredentials(ctx, { forceRefresh })
  } catch (error) {
    if (ctx.profile.credential !== 'assertion' || error instanceof AppError) throw error
    const message = error instanceof Error ? error.message : String(error)
    const refused = (error as { errorCode?: string }).errorCode === 'invalid_client' || /AADSTS70002[34]\b/.test(message)
    if (!refused) throw error
    const said = /(AADSTS\d+: [^\r\n]+?)(?:\s+Trace ID:|\s+- Correlation ID:|\r?\n|$)/.exec(message)?.[1] ?? /Description: (.*?) - Correlation ID/.exec(message)?.[1] ?? 'invalid_client'
    throw knownFailure('client_assertion_expired', `the authority refused the pasted client assertion when the token was renewed (${said}), so the token cannot be refreshed without a new assertion.`)
  }
}

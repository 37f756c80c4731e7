import { PREAPPROVED_DATAVERSE_CLIENT_ID, PREAPPROVED_REDIRECT_URI } from '../../../../shared/auth'
import { AppError } from '../../../../shared/errors'
import { randomToken } from '../pkce'
import { authorizationEndpoint, implicitAuthorizeUrl, readImplicitResponse } from './implicit'
import type { GrantContext, GrantResult } from './types'

export const PREAPPROVED_CLIENT = { clientId: PREAPPROVED_DATAVERSE_CLIENT_ID, redirectUri: PREAPPROVED_REDIRECT_URI }

/**
 * Sign in without an app registration: Microsoft's pre-approved Dataverse client with the implicit grant and
 * the redirect https://localhost, which no loopback listener can receive — so it runs in an embedded window
 * (desktop app only) that stops at the redirect and hands its URL back.
 */
export async function preapproved(ctx: GrantContext<'preapproved'>): Promise<GrantResult> {
  if (!ctx.embeddedSignIn) throw new AppError('not_supported', 'Signing in without an app registration needs the desktop app\'s embedded sign-in window; use another grant from the command line.')
  if (ctx.authority.protocol !== 'entra') throw new AppError('not_supported', 'Microsoft\'s pre-approved Dataverse client exists only in Entra ID: with this authority, register a client and choose another grant.')
  const state = randomToken()
  const nonce = randomToken()
  const url = implicitAuthorizeUrl({
    endpoint: await authorizationEndpoint(ctx, ctx.profile.endpoint),
    version: ctx.profile.endpoint,
    clientId: PREAPPROVED_CLIENT.clientId,
    redirectUri: PREAPPROVED_CLIENT.redirectUri,
    scopes: ctx.scopes,
    orgUrl: ctx.env.orgUrl,
    responseMode: 'fragment',
    state,
    nonce
  })
  ctx.recordAuthorize(url)
  ctx.progress('embedded-window', 'Sign in in the OrgBench sign-in window.', { authorizeUrl: url })
  const finalUrl = await ctx.embeddedSignIn(url, PREAPPROVED_CLIENT.redirectUri, ctx.signal)
  return readImplicitResponse(redirectParams(finalUrl), { state, nonce }, ctx.scopes)
}

/** The fields of the redirect the embedded window stopped at: fragment first, query as a fallback (errors). */
export function redirectParams(url: string): URLSearchParams {
  const parsed = new URL(url)
  const params = new URLSearchParams(parsed.hash.slice(1))
  for (const [k, v] of parsed.searchParams) if (!params.has(k)) params.set(k, v)
  return params
}

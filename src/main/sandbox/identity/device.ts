import { randomBytes } from 'node:crypto'
import { aad } from '../errors'
import { deviceCodePage, PAGE_HEADERS } from '../pages'
import type { SeedApp } from '../seed'
import { json, type SandboxRequest, type SandboxResponse } from '../webapi/http'
import { renderSignIn, signInSubmit } from './authorize'
import { findApp } from './clients'
import type { Dialect } from './dialect'
import { userTokens } from './issue'
import { userScopes } from './scopes'
import { DEVICE_TTL_MS, randomId, type Flow, type IdentityContext } from './state'

/** The device authorization grant (RFC 8628; Entra's devicecode endpoint): start, poll, and the page where the code is entered. */

const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

export function deviceAuthorization(ctx: IdentityContext, form: URLSearchParams, dialect: Dialect): SandboxResponse {
  const tenant = ctx.seed.tenantId
  const app = findApp(ctx, form.get('client_id'), tenant)
  if (app.type !== 'confidential' && !app.allowPublicClientFlows) throw aad.publicFlowsDisabled()
  const { scopes, resource } = userScopes(ctx, form, dialect, tenant)
  const deviceCode = `DAQABAAEAAAA${randomId(40)}`
  const userCode = Array.from(randomBytes(9), (b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]).join('')
  const interval = ctx.seed.deviceCodeIntervalSeconds
  ctx.state.deviceGrants.set(deviceCode, { dialect, userCode, clientId: app.clientId, scopes, resource, expiresAt: ctx.now() + DEVICE_TTL_MS, interval, lastPoll: 0, status: 'pending', user: null })
  return json(200, dialect.deviceBody({ deviceCode, userCode, verificationUri: dialect.verificationUri(ctx), expiresIn: DEVICE_TTL_MS / 1000, interval }), { 'cache-control': 'no-store' })
}

export async function redeemDeviceCode(ctx: IdentityContext, dialect: Dialect, app: SeedApp, form: URLSearchParams, clientInfo: boolean): Promise<SandboxResponse> {
  const code = form.get('device_code') ?? (dialect.entraExtras ? form.get('code') : null)
  if (!code) throw aad.missingParameter('device_code')
  const grant = ctx.state.deviceGrants.get(code)
  if (!grant || grant.dialect.authority !== dialect.authority || grant.clientId !== app.clientId || grant.status === 'redeemed') throw aad.deviceCodeInvalid()
  if (grant.expiresAt < ctx.now()) throw aad.deviceCodeExpired()
  if (grant.status === 'declined') throw aad.deviceDeclined()
  if (grant.status === 'pending') {
    const early = grant.lastPoll !== 0 && ctx.now() - grant.lastPoll < grant.interval * 1000 * 0.8
    grant.lastPoll = ctx.now()
    if (!early) throw aad.authorizationPending()
    // RFC 8628 §3.5: after slow_down the client waits 5 seconds more, from then on.
    grant.interval += 5
    throw aad.slowDown()
  }
  grant.status = 'redeemed'
  return userTokens(ctx, dialect, { app, user: grant.user!, scopes: grant.scopes, resource: grant.resource, nonce: null, appidacr: '0', clientInfo })
}

/** The page where a person enters the code (Entra's `/devicelogin`, the standard authority's `/oidc/device`), then signs in. */
export async function devicePage(ctx: IdentityContext, req: SandboxRequest, dialect: Dialect): Promise<SandboxResponse> {
  const path = req.url.pathname
  const entra = dialect.entraExtras
  if (req.method.toUpperCase() !== 'POST') return { status: 200, headers: PAGE_HEADERS, body: deviceCodePage(path, null, req.url.searchParams.get('user_code') ?? '', dialect.page) }
  const form = new URLSearchParams(req.body.toString('utf8'))
  if (form.get('flow')) return signInSubmit(ctx, req, form)
  const typed = form.get('user_code') ?? ''
  const userCode = typed.replace(/[\s-]/g, '').toUpperCase()
  const entry = [...ctx.state.deviceGrants.entries()].find(([, g]) => g.userCode === userCode && g.status === 'pending' && g.dialect.authority === dialect.authority)
  if (!entry) {
    const wrong = `${entra ? 'AADSTS70018: ' : ''}That code didn't work. Check the code and try again.`
    return { status: 400, headers: PAGE_HEADERS, body: deviceCodePage(path, wrong, typed, dialect.page) }
  }
  const [deviceCode, grant] = entry
  if (grant.expiresAt < ctx.now()) {
    const expired = `${entra ? 'AADSTS70019: ' : ''}This code has expired. Start the sign-in on your device again.`
    return { status: 400, headers: PAGE_HEADERS, body: deviceCodePage(path, expired, '', dialect.page) }
  }
  const app = ctx.seed.apps.find((a) => a.clientId === grant.clientId)!
  const flow: Flow = { id: randomId(18), dialect: grant.dialect, app, redirectUri: '', responseType: 'code', responseMode: 'query', scopes: grant.scopes, resource: grant.resource, state: null, nonce: null, challenge: null, challengeMethod: 'S256', loginHint: '', createdAt: ctx.now(), deviceCode }
  ctx.state.flows.set(flow.id, flow)
  return renderSignIn(ctx, flow, null, '', path)
}

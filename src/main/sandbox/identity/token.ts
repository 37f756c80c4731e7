import { createHash } from 'node:crypto'
import { aad } from '../errors'
import type { SeedApp } from '../seed'
import type { SandboxRequest, SandboxResponse } from '../webapi/http'
import { authenticateClient, basicAuth, findApp } from './clients'
import { redeemDeviceCode } from './device'
import type { Dialect } from './dialect'
import { appAccessToken, tokenResponse, userTokens, type Appidacr } from './issue'
import { checkResource, resourceOf, splitScopes, userScopes } from './scopes'
import { safeEqual, type IdentityContext } from './state'

/** The token endpoint: authenticate the client, then one function per grant. */
export async function token(ctx: IdentityContext, req: SandboxRequest, form: URLSearchParams, dialect: Dialect, tenant: string): Promise<SandboxResponse> {
  const grantType = form.get('grant_type')
  if (!grantType) throw aad.missingParameter('grant_type')
  const basic = basicAuth(req)
  const app = findApp(ctx, form.get('client_id') ?? basic?.clientId ?? null, tenant)
  const appidacr = await authenticateClient(ctx, dialect, app, form, basic)
  // Entra redeems a single-page app's codes and refresh tokens only cross-origin (a browser sends Origin).
  if (dialect.entraExtras && app.type === 'spa' && ['authorization_code', 'refresh_token'].includes(grantType) && !req.headers.origin) throw aad.spaOriginRequired()
  const clientInfo = dialect.entraExtras && form.get('client_info') === '1'
  switch (grantType) {
    case 'authorization_code':
      return redeemCode(ctx, dialect, app, form, appidacr, clientInfo)
    case 'client_credentials':
      return clientCredentials(ctx, dialect, app, form, tenant, appidacr)
    case 'password':
      return password(ctx, dialect, app, form, tenant, appidacr, clientInfo)
    case 'refresh_token':
      return refresh(ctx, dialect, app, form, appidacr, clientInfo)
    case 'urn:ietf:params:oauth:grant-type:device_code':
      return redeemDeviceCode(ctx, dialect, app, form, clientInfo)
    case 'device_code':
      // Entra's v1 endpoint also takes the short name.
      if (dialect.entraExtras) return redeemDeviceCode(ctx, dialect, app, form, clientInfo)
      throw aad.unsupportedGrantType(grantType)
    default:
      throw aad.unsupportedGrantType(grantType)
  }
}

async function redeemCode(ctx: IdentityContext, dialect: Dialect, app: SeedApp, form: URLSearchParams, appidacr: Appidacr, clientInfo: boolean): Promise<SandboxResponse> {
  const code = form.get('code')
  if (!code) throw aad.missingParameter('code')
  const grant = ctx.state.codes.get(code)
  // A code works only at the authority that issued it.
  if (!grant || grant.authority !== dialect.authority) throw aad.codeInvalid()
  if (grant.redeemed) throw aad.codeRedeemed()
  if (grant.expiresAt < ctx.now()) throw aad.codeExpired()
  if (grant.clientId !== app.clientId) throw aad.codeForOtherClient()
  const redirectUri = form.get('redirect_uri')
  if (!redirectUri) throw aad.missingParameter('redirect_uri')
  if (redirectUri !== grant.redirectUri) throw aad.replyMismatch(redirectUri, grant.redirectUri)
  if (grant.challenge !== null) {
    const verifier = form.get('code_verifier')
    if (!verifier) throw aad.missingParameter('code_verifier')
    const computed = grant.challengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier
    if (!safeEqual(computed, grant.challenge)) throw aad.pkceMismatch()
  }
  grant.redeemed = true
  const resource = dialect.byResource ? (form.get('resource') ?? grant.resource ?? ctx.orgUrl) : (grant.resource ?? ctx.orgUrl)
  if (dialect.byResource) checkResource(ctx, resource, ctx.seed.tenantId)
  const scopes = dialect.byResource ? ['openid', 'offline_access'] : grant.scopes
  return userTokens(ctx, dialect, { app, user: grant.user, scopes, resource: resource.replace(/\/$/, ''), nonce: grant.nonce, appidacr, clientInfo })
}

async function clientCredentials(ctx: IdentityContext, dialect: Dialect, app: SeedApp, form: URLSearchParams, tenant: string, appidacr: Appidacr): Promise<SandboxResponse> {
  if (app.type !== 'confidential') throw aad.credentialRequired()
  let resource: string
  if (dialect.byResource) {
    const r = form.get('resource')
    if (!r) throw aad.missingParameter('resource')
    checkResource(ctx, r, tenant)
    resource = r.replace(/\/$/, '')
  } else {
    const scope = form.get('scope')
    if (!scope) throw aad.missingParameter('scope')
    const scopes = splitScopes(scope)
    if (scopes.length !== 1 || !scopes[0]!.endsWith('/.default')) throw aad.clientCredentialsScope(scope)
    resource = scopes[0]!.slice(0, -'/.default'.length).replace(/\/$/, '')
    checkResource(ctx, resource, tenant)
  }
  const accessToken = await appAccessToken(ctx, dialect, app, resource, appidacr)
  return tokenResponse(ctx, dialect, { accessToken, resource, scope: `${resource}/.default` })
}

async function password(ctx: IdentityContext, dialect: Dialect, app: SeedApp, form: URLSearchParams, tenant: string, appidacr: Appidacr, clientInfo: boolean): Promise<SandboxResponse> {
  if (app.type !== 'confidential' && !app.allowPublicClientFlows) throw aad.publicFlowsDisabled()
  const username = form.get('username')
  const pass = form.get('password')
  if (!username) throw aad.missingParameter('username')
  if (pass === null) throw aad.missingParameter('password')
  const { scopes, resource } = userScopes(ctx, form, dialect, tenant)
  const user = ctx.seed.users.find((u) => u.upn.toLowerCase() === username.toLowerCase())
  if (!user || !safeEqual(user.password, pass)) throw aad.badPassword()
  if (user.requiresMfa) throw aad.mfaRequired(resource)
  return userTokens(ctx, dialect, { app, user, scopes, resource, nonce: null, appidacr, clientInfo })
}

async function refresh(ctx: IdentityContext, dialect: Dialect, app: SeedApp, form: URLSearchParams, appidacr: Appidacr, clientInfo: boolean): Promise<SandboxResponse> {
  const presented = form.get('refresh_token')
  if (!presented) throw aad.missingParameter('refresh_token')
  const grant = ctx.state.refreshTokens.get(presented)
  if (!grant || grant.clientId !== app.clientId || grant.authority !== dialect.authority) throw aad.refreshInvalid()
  // Rotation: every refresh token works once.
  ctx.state.refreshTokens.delete(presented)
  if (grant.expiresAt < ctx.now()) throw aad.codeExpired()
  let scopes = grant.scopes
  let resource = grant.resource
  if (!dialect.byResource && form.get('scope')) {
    scopes = splitScopes(form.get('scope'))
    resource = resourceOf(ctx, scopes, ctx.seed.tenantId) ?? grant.resource
  } else if (dialect.byResource && form.get('resource')) {
    resource = form.get('resource')!.replace(/\/$/, '')
    checkResource(ctx, resource, ctx.seed.tenantId)
  }
  // The grant was offline; the rotated refresh token replaces the one just used.
  if (!scopes.includes('offline_access')) scopes = [...scopes, 'offline_access']
  return userTokens(ctx, dialect, { app, user: grant.user, scopes, resource, nonce: null, appidacr, clientInfo })
}

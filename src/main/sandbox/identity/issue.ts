import { createHash } from 'node:crypto'
import type { JWTPayload } from 'jose'
import type { SeedApp, SeedUser } from '../seed'
import { newUti } from '../tokens'
import { json, type SandboxResponse } from '../webapi/http'
import type { Dialect, IssuedTokens } from './dialect'
import { b64url, randomId, REFRESH_TTL_MS, type IdentityContext } from './state'

/**
 * The tokens each authority issues. Entra's for Dataverse are v1.0 access tokens (Dataverse does not ask for v2), so
 * their issuer is `https://sts.windows.net/<tenant>/` on both endpoints, as a real tenant's are; its v2 id tokens name
 * the v2 issuer. The standard authority's follow RFC 9068 and OpenID Connect Core, with `oid` kept for the Web API.
 */

/** How the client proved itself: Entra's appidacr (0 public, 1 secret, 2 certificate). */
export type Appidacr = '0' | '1' | '2'

export function stsIssuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`
}

export function entraV2Issuer(ctx: IdentityContext): string {
  return `${ctx.base}/${ctx.seed.tenantId}/v2.0`
}

/** The issuers whose access tokens this org's Web API accepts. */
export function trustedIssuers(ctx: IdentityContext): string[] {
  return [stsIssuer(ctx.seed.tenantId), entraV2Issuer(ctx), ctx.oidcIssuer]
}

function times(ctx: IdentityContext): { iat: number; nbf: number; exp: number } {
  const iat = Math.floor(ctx.now() / 1000)
  return { iat, nbf: iat, exp: iat + ctx.seed.accessTokenLifetimeSeconds }
}

/** A pairwise subject per user and client, as Entra computes one. */
function pairwiseSub(oid: string, clientId: string): string {
  return b64url(createHash('sha256').update(`${oid}:${clientId}`).digest()).slice(0, 43)
}

/** The service principal's object id, stable per app. */
export function servicePrincipalOid(clientId: string): string {
  const h = createHash('sha256').update(`sp:${clientId}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** A delegated access token for Dataverse (scp). */
export function userAccessToken(ctx: IdentityContext, dialect: Dialect, o: { resource: string; user: SeedUser; clientId: string; appidacr: Appidacr; scopes: readonly string[] }): Promise<string> {
  const aud = o.resource.replace(/\/$/, '')
  const name = `${o.user.givenName} ${o.user.surname}`
  // The delegated permissions the app registration was granted: Dataverse has one, user_impersonation.
  const scp = (ctx.seed.apps.find((a) => a.clientId === o.clientId)?.delegatedPermissions ?? ['user_impersonation']).join(' ')
  if (dialect.authority === 'oidc') {
    const scope = dialect.grantedScope(o.scopes, aud)
    return ctx.signer.sign({ iss: ctx.oidcIssuer, sub: o.user.oid, aud, ...times(ctx), jti: newUti(), client_id: o.clientId, azp: o.clientId, scope, scp, oid: o.user.oid, name, preferred_username: o.user.upn }, 'at+jwt')
  }
  return ctx.signer.sign({
    aud,
    iss: stsIssuer(ctx.seed.tenantId),
    ...times(ctx),
    acr: '1',
    aio: randomId(24),
    amr: ['pwd'],
    appid: o.clientId,
    appidacr: o.appidacr,
    family_name: o.user.surname,
    given_name: o.user.givenName,
    idtyp: 'user',
    ipaddr: '127.0.0.1',
    name,
    oid: o.user.oid,
    puid: createHash('sha256').update(o.user.oid).digest('hex').slice(0, 16).toUpperCase(),
    rh: `0.A${randomId(18)}.`,
    scp,
    sub: pairwiseSub(o.user.oid, o.clientId),
    tid: ctx.seed.tenantId,
    unique_name: o.user.upn,
    upn: o.user.upn,
    uti: newUti(),
    ver: '1.0'
  })
}

/** An app-only access token (client credentials): no scp; Entra marks it idtyp app, RFC 9068 with sub = client_id. */
export function appAccessToken(ctx: IdentityContext, dialect: Dialect, app: SeedApp, resource: string, appidacr: Appidacr): Promise<string> {
  const oid = servicePrincipalOid(app.clientId)
  if (dialect.authority === 'oidc') {
    return ctx.signer.sign({ iss: ctx.oidcIssuer, sub: app.clientId, aud: resource, ...times(ctx), jti: newUti(), client_id: app.clientId, scope: `${resource}/.default`, oid }, 'at+jwt')
  }
  return ctx.signer.sign({
    aud: resource,
    iss: stsIssuer(ctx.seed.tenantId),
    ...times(ctx),
    aio: randomId(24),
    app_displayname: app.name,
    appid: app.clientId,
    appidacr,
    idp: stsIssuer(ctx.seed.tenantId),
    idtyp: 'app',
    oid,
    rh: `0.A${randomId(18)}.`,
    sub: oid,
    tid: ctx.seed.tenantId,
    uti: newUti(),
    ver: '1.0'
  })
}

/** OpenID Connect Core §3.2.2.10: the left half of the access token's SHA-256, for an id token issued beside it. */
function atHash(accessToken: string): string {
  return b64url(createHash('sha256').update(accessToken).digest().subarray(0, 16))
}

export function idToken(ctx: IdentityContext, dialect: Dialect, o: { user: SeedUser; clientId: string; nonce: string | null; accessToken?: string }): Promise<string> {
  const { user, clientId, nonce } = o
  const common: JWTPayload = { aud: clientId, ...times(ctx), name: `${user.givenName} ${user.surname}`, oid: user.oid, ...(nonce ? { nonce } : {}) }
  if (dialect.authority === 'oidc') {
    return ctx.signer.sign({ ...common, iss: ctx.oidcIssuer, sub: user.oid, auth_time: Math.floor(ctx.now() / 1000), azp: clientId, preferred_username: user.upn, given_name: user.givenName, family_name: user.surname, email: user.upn, ...(o.accessToken ? { at_hash: atHash(o.accessToken) } : {}) }, 'v2')
  }
  const entra = { ...common, sub: pairwiseSub(user.oid, clientId), tid: ctx.seed.tenantId, uti: newUti() }
  if (dialect.id === 'v2') return ctx.signer.sign({ ...entra, iss: entraV2Issuer(ctx), preferred_username: user.upn, rh: `0.A${randomId(18)}.`, ver: '2.0' }, 'v2')
  return ctx.signer.sign({ ...entra, iss: stsIssuer(ctx.seed.tenantId), amr: ['pwd'], family_name: user.surname, given_name: user.givenName, unique_name: user.upn, upn: user.upn, ver: '1.0' })
}

export function tokenResponse(ctx: IdentityContext, dialect: Dialect, t: IssuedTokens): SandboxResponse {
  return json(200, dialect.tokenBody(t, ctx.seed.accessTokenLifetimeSeconds, Math.floor(ctx.now() / 1000)), { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' })
}

/** A user's tokens: access, plus refresh and id tokens when the dialect's rules say so. */
export async function userTokens(
  ctx: IdentityContext,
  dialect: Dialect,
  o: { app: SeedApp; user: SeedUser; scopes: string[]; resource: string; nonce: string | null; appidacr: Appidacr; clientInfo: boolean }
): Promise<SandboxResponse> {
  const accessToken = await userAccessToken(ctx, dialect, { resource: o.resource, user: o.user, clientId: o.app.clientId, appidacr: o.appidacr, scopes: o.scopes })
  let refreshToken: string | undefined
  if (dialect.wantsRefresh(o.scopes)) {
    refreshToken = `0.A${randomId(96)}`
    ctx.state.refreshTokens.set(refreshToken, { authority: dialect.authority, clientId: o.app.clientId, user: o.user, scopes: o.scopes, resource: o.resource, expiresAt: ctx.now() + REFRESH_TTL_MS })
  }
  const id = dialect.wantsIdToken(o.scopes) ? await idToken(ctx, dialect, { user: o.user, clientId: o.app.clientId, nonce: o.nonce }) : undefined
  return tokenResponse(ctx, dialect, {
    accessToken,
    resource: o.resource,
    scope: dialect.grantedScope(o.scopes, o.resource),
    ...(refreshToken ? { refreshToken } : {}),
    ...(id ? { idToken: id } : {}),
    ...(o.clientInfo && dialect.entraExtras ? { clientInfo: b64url(Buffer.from(JSON.stringify({ uid: o.user.oid, utid: ctx.seed.tenantId }))) } : {})
  })
}

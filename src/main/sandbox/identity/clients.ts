import { aad, EntraFailure } from '../errors'
import type { SeedApp } from '../seed'
import { verifyAssertion } from '../tokens'
import { safeDecode, type SandboxRequest } from '../webapi/http'
import type { Dialect } from './dialect'
import type { Appidacr } from './issue'
import { safeEqual, type IdentityContext } from './state'

/** The seeded apps as clients: lookup, redirect URIs, and client authentication (none, secret, or signed assertion). */

export function findApp(ctx: IdentityContext, clientId: string | null, tenant: string): SeedApp {
  if (!clientId) throw aad.missingParameter('client_id')
  const app = ctx.seed.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase())
  if (!app) throw aad.unknownClient(clientId, tenant === ctx.seed.tenantId ? ctx.seed.organizationName : tenant)
  return app
}

/** Entra's loopback rule, kept for both authorities: for http://localhost and http://127.0.0.1 the port is ignored; everything else matches exactly. */
export function redirectAllowed(app: SeedApp, uri: string): boolean {
  let given: URL
  try {
    given = new URL(uri)
  } catch {
    return false
  }
  const path = (u: URL) => (u.pathname === '/' ? '' : u.pathname)
  return app.redirectUris.some((registered) => {
    const r = new URL(registered)
    const loopback = r.protocol === 'http:' && (r.hostname === 'localhost' || r.hostname === '127.0.0.1')
    if (loopback) return given.protocol === 'http:' && given.hostname === r.hostname && path(given) === path(r)
    return given.protocol === r.protocol && given.host === r.host && path(given) === path(r) && given.search === r.search
  })
}

export function basicAuth(req: SandboxRequest): { clientId: string; secret: string } | null {
  const header = req.headers.authorization
  const m = header ? /^Basic\s+(\S+)$/i.exec(header.trim()) : null
  if (!m) return null
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) throw new EntraFailure('invalid_client', 7000216, "The 'Authorization' header is not valid Basic authentication: expected base64(client_id:client_secret).", 401)
  return { clientId: safeDecode(decoded.slice(0, colon)), secret: safeDecode(decoded.slice(colon + 1)) }
}

/** The audiences a client assertion may name: this authority's token endpoint (Entra: v1 or v2, by tenant id, domain or common; standard: also the issuer). */
function assertionAudiences(ctx: IdentityContext, dialect: Dialect): { expected: string; accepts: (aud: string) => boolean } {
  if (dialect.authority === 'oidc') {
    const expected = dialect.tokenEndpoint(ctx, ctx.seed.tenantId)
    return { expected, accepts: (aud) => aud === expected || aud === ctx.oidcIssuer }
  }
  const t = ctx.seed.tenantId
  const acceptable = [`${ctx.base}/${t}/oauth2/v2.0/token`, `${ctx.base}/${t}/oauth2/token`]
  const expected = dialect.tokenEndpoint(ctx, t)
  const tenantAlias = new RegExp(`/(${ctx.seed.tenantDomain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|common|organizations)/`, 'i')
  return { expected, accepts: (aud) => acceptable.includes(aud.replace(tenantAlias, `/${t}/`)) }
}

/** '0' for public clients; '1' for a secret, '2' for a certificate (Entra's appidacr claim). */
export async function authenticateClient(ctx: IdentityContext, dialect: Dialect, app: SeedApp, form: URLSearchParams, basic: { secret: string } | null): Promise<Appidacr> {
  const secret = form.get('client_secret') ?? basic?.secret ?? null
  const assertion = form.get('client_assertion')
  if (app.type !== 'confidential') {
    if (secret !== null || assertion !== null) throw aad.publicClientWithSecret()
    return '0'
  }
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') throw aad.missingParameter('client_assertion_type')
    const check = await verifyAssertion(assertion, app.certificates)
    if ('error' in check) {
      if (check.error === 'malformed') throw aad.assertionMalformed(check.reason)
      throw aad.assertionSignature(check.thumbprint)
    }
    // Entra refuses an assertion signed with a registered certificate that has expired.
    if (check.notAfter.getTime() < ctx.now()) throw aad.assertionKeyExpired(check.thumbprint, check.notBefore, check.notAfter)
    const claims = check.payload
    if (claims.iss !== app.clientId || claims.sub !== app.clientId) throw aad.assertionSubject()
    const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map((a) => String(a))
    const { expected, accepts } = assertionAudiences(ctx, dialect)
    if (!audiences.some(accepts)) throw aad.assertionAudience(expected, String(claims.aud))
    const nowSec = ctx.now() / 1000
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : null
    const exp = typeof claims.exp === 'number' ? claims.exp : null
    if (exp === null || nowSec > exp + 300 || (nbf !== null && nowSec < nbf - 300)) throw aad.assertionTime(new Date(ctx.now()), nbf ? new Date(nbf * 1000) : null, exp ? new Date(exp * 1000) : null)
    const jti = typeof claims.jti === 'string' ? claims.jti : null
    if (!jti) throw aad.assertionMalformed("The assertion has no 'jti' claim.")
    const used = ctx.state.usedJtis
    for (const [id, until] of used) if (until < ctx.now()) used.delete(id)
    if (used.has(jti)) throw aad.assertionReplay()
    used.set(jti, (exp + 600) * 1000)
    return '2'
  }
  if (secret === null) throw aad.credentialRequired()
  const match = app.secrets.find((s) => safeEqual(s.value, secret))
  if (!match) throw aad.badSecret(app.clientId)
  if (match.expires && Date.parse(match.expires) < ctx.now()) throw aad.expiredSecret(app.clientId)
  return '1'
}

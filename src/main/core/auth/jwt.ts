import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { DecodedToken } from '../../../shared/auth'

/** What the claims Dataverse developers meet mean, in one line each. A Map: a claim named `constructor` is not ours. */
const MEANINGS = new Map<string, string>(Object.entries({
  aud: 'Audience: the API this token is for. For Dataverse it must be the org URL.',
  iss: 'Issuer: the authority (tenant) that signed the token.',
  iat: 'Issued at.',
  nbf: 'Not valid before.',
  exp: 'Expires at: after this the API answers 401 and the token must be refreshed.',
  tid: 'Tenant id: the directory the token was issued in.',
  oid: 'Object id of the user or service principal in the tenant (Dataverse maps it to a systemuser).',
  sub: 'Subject: a per-app identifier of the user.',
  upn: 'User principal name of the signed-in user.',
  unique_name: 'A name for the user, for display only.',
  preferred_username: 'The user name, for display only.',
  name: 'Display name of the user.',
  given_name: 'Given name.',
  family_name: 'Family name.',
  appid: 'Client id of the app that asked for the token (v1 tokens).',
  azp: 'Client id of the app that asked for the token (v2 tokens).',
  appidacr: 'How the app proved itself: 0 public client, 1 client secret, 2 certificate.',
  azpacr: 'How the app proved itself: 0 public client, 1 client secret, 2 certificate.',
  scp: 'Delegated permissions granted to the app for this user (user_impersonation for Dataverse).',
  roles: 'Application permissions (app roles) granted to the app.',
  idtyp: 'Token type: "app" for an application (client credentials), "user" for a signed-in user.',
  ver: 'Token format version: 1.0 or 2.0 (Dataverse tokens are usually 1.0).',
  amr: 'How the user authenticated (pwd, mfa, …).',
  acr: 'Authentication context class.',
  ipaddr: 'The IP address the user signed in from.',
  uti: 'Token identifier, for Microsoft support.',
  rh: 'Internal claim used to revalidate tokens.',
  aio: 'Internal claim used to revalidate tokens.',
  nonce: 'The nonce the app sent in the authorize request; it must match to prevent replay.',
  app_displayname: 'The name of the app that asked for the token.',
  idp: 'The identity provider that authenticated the subject.',
  puid: 'Internal user id.',
  wids: 'Directory roles of the user.',
  groups: 'Groups the user belongs to.'
}))

function asStrings(value: unknown, separator = ' '): string[] {
  if (Array.isArray(value)) return value.map(String)
  if (typeof value === 'string') return value.split(separator).filter(Boolean)
  return []
}

/**
 * Decode a token for the token inspector: header, claims, explanations, and warnings
 * (expired, wrong audience for this org). Opaque tokens are reported as opaque, not as an error.
 */
export function decodeToken(token: string, options: { orgUrl?: string | undefined; now?: number } = {}): DecodedToken {
  const trimmed = token.trim().replace(/^Bearer\s+/i, '')
  let header: Record<string, unknown>
  let claims: Record<string, unknown>
  try {
    header = decodeProtectedHeader(trimmed) as Record<string, unknown>
    claims = decodeJwt(trimmed) as Record<string, unknown>
  } catch {
    return { kind: 'opaque', length: trimmed.length, note: 'This token is not a JWT (for example an encrypted or Microsoft-account token). Only the API it is for can read it; that is not an error.' }
  }
  const now = options.now ?? Date.now() / 1000
  const warnings: string[] = []
  const exp = typeof claims.exp === 'number' ? claims.exp : null
  const audience = typeof claims.aud === 'string' ? claims.aud : Array.isArray(claims.aud) ? String(claims.aud[0] ?? '') : null
  if (exp !== null && exp < now) warnings.push(`Expired ${Math.round((now - exp) / 60)} min ago.`)
  if (options.orgUrl && audience !== null) {
    const normalize = (u: string) => u.toLowerCase().replace(/\/+$/, '')
    if (normalize(audience) !== normalize(options.orgUrl)) {
      warnings.push(`The audience (aud) is ${audience}, not this org (${options.orgUrl}): Dataverse will answer 401. Ask for the scope ${options.orgUrl}/.default (or resource=${options.orgUrl}).`)
    }
  }
  const scopes = asStrings(claims.scp)
  const roles = asStrings(claims.roles)
  // RFC 9068 (standard OpenID Connect authorities): an app token's subject is the client itself.
  const rfc9068App = typeof claims.client_id === 'string' && claims.sub === claims.client_id
  const identity = claims.idtyp === 'app' || rfc9068App || (scopes.length === 0 && !claims.upn && !claims.preferred_username && (claims.appid || claims.azp)) ? 'app' : claims.upn || claims.preferred_username || claims.scp || (typeof claims.client_id === 'string' && typeof claims.sub === 'string') ? 'user' : 'unknown'
  const explained = Object.entries(claims).map(([claim, value]) => ({
    claim,
    value,
    meaning: MEANINGS.get(claim) ?? ''
  }))
  return {
    kind: 'jwt',
    header,
    claims,
    explained,
    expiresAt: exp,
    issuedAt: typeof claims.iat === 'number' ? claims.iat : null,
    audience,
    scopes,
    roles,
    identity,
    warnings
  }
}

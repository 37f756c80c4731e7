import { AppError } from '../../../shared/errors'
import { CLOUDS } from '../../../shared/environment'
import type { StoredEnvironment } from '../store/environments'

export interface ResolvedAuthority {
  /** The authority msal-node is configured with. */
  authority: string
  /** Hosts msal must trust without online instance discovery (custom authorities, ADFS, the Sandbox). */
  knownAuthorities: string[]
  kind: 'entra' | 'adfs' | 'custom'
}

/** The authority of an environment: its cloud's login host + tenant, or its custom authority (ADFS, OIDC, the Sandbox). */
export function resolveAuthority(env: Pick<StoredEnvironment, 'cloud' | 'tenant' | 'authorityUrl'>, options: { needsTenant?: boolean } = {}): ResolvedAuthority {
  if (env.cloud === 'custom') {
    if (!env.authorityUrl) throw new AppError('invalid_input', 'This environment uses a custom authority: set its authority URL (e.g. https://adfs.contoso.com/adfs).')
    const url = new URL(env.authorityUrl)
    const base = url.href.replace(/\/+$/, '')
    const adfs = /\/adfs$/i.test(url.pathname.replace(/\/+$/, ''))
    return { authority: base, knownAuthorities: [url.host], kind: adfs ? 'adfs' : 'custom' }
  }
  const host = CLOUDS[env.cloud].authorityHost!
  const tenant = env.tenant.trim()
  if (!tenant && options.needsTenant) throw new AppError('invalid_input', 'App-only sign-in (client credentials) needs the tenant: set the tenant id or domain in the environment, or use "Discover tenant".')
  const base = `${host}/${tenant || 'organizations'}`
  return { authority: base, knownAuthorities: [], kind: 'entra' }
}

/** Where the authority publishes its OpenID configuration: v2 under /v2.0 (Entra and the Sandbox); v1 and ADFS at the root. */
export function openIdConfigurationUrl(authority: ResolvedAuthority, version: 'v1' | 'v2'): string {
  return version === 'v2' && authority.kind !== 'adfs' ? `${authority.authority}/v2.0/.well-known/openid-configuration` : `${authority.authority}/.well-known/openid-configuration`
}

/** The scopes to request: the profile's, or the org's `/.default`. */
export function scopesFor(profileScopes: string, orgUrl: string): string[] {
  const scopes = profileScopes.split(/[\s,]+/).filter(Boolean)
  return scopes.length ? scopes : [`${orgUrl}/.default`]
}

/**
 * Tenant discovery: an anonymous call to the Web API answers 401 with
 * `WWW-Authenticate: Bearer authorization_uri=https://login…/{tenant}/oauth2/authorize, resource_id=…`.
 */
export function parseChallenge(header: string | undefined): { authorizationUri: string; tenantId: string; authorityHost: string } | null {
  if (!header) return null
  const m = /authorization_uri="?([^",\s]+)"?/i.exec(header)
  if (!m) return null
  try {
    const uri = new URL(m[1]!)
    const tenantId = uri.pathname.split('/').filter(Boolean)[0]
    if (!tenantId) return null
    return { authorizationUri: uri.href, tenantId, authorityHost: uri.origin }
  } catch {
    return null
  }
}

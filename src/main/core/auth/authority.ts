import { AppError } from '../../../shared/errors'
import { CLOUDS } from '../../../shared/environment'
import type { StoredEnvironment } from '../store/environments'

export interface ResolvedAuthority {
  /** The authority msal-node is configured with. */
  authority: string
  /** Hosts msal must trust without online instance discovery (custom authorities, ADFS, the Sandbox). */
  knownAuthorities: string[]
  /** As configured: a cloud (Entra), ADFS (`…/adfs`), or a custom authority whose protocol discovery decides. */
  kind: 'entra' | 'adfs' | 'custom'
}

/** How OrgBench talks to an authority: Entra ID (msal's AAD mode), ADFS (as msal knows it), or any OpenID Connect provider. */
export type AuthorityProtocol = 'entra' | 'adfs' | 'oidc'

/** The parts of an OpenID configuration (OpenID Connect Discovery 1.0, RFC 8414) the grants use. */
export interface OpenIdMetadata {
  issuer: string
  authorization_endpoint: string
  token_endpoint: string
  device_authorization_endpoint: string | null
}

/** An authority whose protocol is known. `metadata` is the document read at the root, when it was read. */
export interface Authority extends ResolvedAuthority {
  protocol: AuthorityProtocol
  metadata: OpenIdMetadata | null
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

const V2_SUFFIX = /\/v2\.0$/i

/** The standard place of an authority's OpenID configuration: `<authority>/.well-known/openid-configuration`. */
export function discoveryUrl(authority: string): string {
  return `${authority.replace(/\/+$/, '')}/.well-known/openid-configuration`
}

/**
 * Where the authority publishes the OpenID configuration a grant reads: Entra's v2 document under `/v2.0` (unless
 * the authority already ends in `/v2.0`), its v1 document and ADFS's at the root, and any other provider's at
 * `<issuer>/.well-known/openid-configuration` whatever the version asked.
 */
export function openIdConfigurationUrl(authority: Pick<Authority, 'authority' | 'protocol'>, version: 'v1' | 'v2'): string {
  if (authority.protocol !== 'entra') return discoveryUrl(authority.authority)
  if (version === 'v1') return discoveryUrl(authority.authority.replace(V2_SUFFIX, ''))
  return V2_SUFFIX.test(authority.authority) ? discoveryUrl(authority.authority) : `${authority.authority}/v2.0/.well-known/openid-configuration`
}

/**
 * Entra's discovery documents (v1 and v2, real and the Sandbox's) carry extras no other provider publishes:
 * `cloud_instance_name` and `tenant_region_scope`. That is how a custom authority is told apart without asking.
 */
export function isEntraDocument(doc: Record<string, unknown>): boolean {
  return typeof doc.cloud_instance_name === 'string' || typeof doc.tenant_region_scope === 'string'
}

/** The fields of a discovery document, checked; null when it is not one. */
export function readOpenIdMetadata(doc: unknown): OpenIdMetadata | null {
  if (!doc || typeof doc !== 'object') return null
  const d = doc as Record<string, unknown>
  const text = (v: unknown) => (typeof v === 'string' && /^https?:\/\//i.test(v) ? v : null)
  const token = text(d.token_endpoint)
  if (!token) return null
  return { issuer: typeof d.issuer === 'string' ? d.issuer : '', authorization_endpoint: text(d.authorization_endpoint) ?? '', token_endpoint: token, device_authorization_endpoint: text(d.device_authorization_endpoint) }
}

/**
 * Decide a custom authority's protocol from its root discovery document: Entra-shaped (the Sandbox's Entra
 * authority, Entra entered as a custom URL) when the document has Entra's extras, otherwise OpenID Connect.
 * Entra clouds and ADFS need no document.
 */
export function authorityFrom(resolved: ResolvedAuthority, doc: Record<string, unknown> | null): Authority {
  if (resolved.kind === 'entra') return { ...resolved, protocol: 'entra', metadata: null }
  if (resolved.kind === 'adfs') return { ...resolved, protocol: 'adfs', metadata: doc ? readOpenIdMetadata(doc) : null }
  if (!doc) throw new AppError('internal', 'A custom authority needs its discovery document to decide its protocol.')
  return { ...resolved, protocol: isEntraDocument(doc) ? 'entra' : 'oidc', metadata: readOpenIdMetadata(doc) }
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

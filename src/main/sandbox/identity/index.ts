import { randomUUID } from 'node:crypto'
import { aad, EntraFailure } from '../errors'
import { errorPage, messagePage, PAGE_HEADERS } from '../pages'
import type { Seed } from '../seed'
import type { TokenSigner } from '../tokens'
import { empty, json, safeDecode, type SandboxRequest, type SandboxResponse } from '../webapi/http'
import { authorize, endSession, signInSubmit } from './authorize'
import { deviceAuthorization, devicePage } from './device'
import { entraV1, entraV2, standard, type Dialect } from './dialect'
import { entraDiscovery, instanceDiscovery, standardDiscovery } from './discovery'
import { entraV2Issuer, trustedIssuers } from './issue'
import { IdentityState, type IdentityContext } from './state'
import { token } from './token'

/**
 * The Sandbox's identity side: two authorities over the same apps and users.
 * - Entra-shaped, under `/{tenant}/…` (v1 and v2 endpoints): close enough that MSAL and OrgBench's own grants behave
 *   against it as against a real tenant, with Entra's discovery extras, AADSTS errors and token shapes.
 * - Standards-only OpenID Connect, under `/oidc`: discovery at its issuer only, RFC 6749 errors, RFC 8628 device
 *   authorization without `message` or `interval`, a refresh token only for `offline_access`.
 * What differs between them is a {@link Dialect}; the grants are written once.
 */
export interface IdentityOptions {
  seed: Seed
  baseUrl: string
  /**
   * Where browsers are sent (authorize, device login): plain HTTP on loopback, because a person's browser does not
   * trust the Sandbox's private CA. Token, discovery and the Web API stay on HTTPS.
   */
  pagesUrl?: string
  orgUrl: string
  /** Other resources tokens may be asked for (more orgs, Global Discovery); the org URL is always one. */
  resources?: string[]
  signer: TokenSigner
  now?: () => number
}

const ENTRA_PATHS = [
  '/v2.0/.well-known/openid-configuration',
  '/.well-known/openid-configuration',
  '/discovery/v2.0/keys',
  '/discovery/keys',
  '/oauth2/v2.0/authorize',
  '/oauth2/authorize',
  '/oauth2/v2.0/token',
  '/oauth2/token',
  '/oauth2/v2.0/devicecode',
  '/oauth2/devicecode',
  '/oauth2/v2.0/logout',
  '/oauth2/logout'
]

/** The standards-only authority's path prefix: its issuer is `<base>/oidc`. */
export const OIDC_PREFIX = '/oidc'

export class IdentityProvider {
  private readonly ctx: IdentityContext

  constructor(options: IdentityOptions) {
    this.ctx = {
      seed: options.seed,
      base: options.baseUrl,
      pages: options.pagesUrl ?? options.baseUrl,
      orgUrl: options.orgUrl,
      resources: [options.orgUrl, ...(options.resources ?? [])],
      oidcIssuer: `${options.baseUrl}${OIDC_PREFIX}`,
      signer: options.signer,
      now: options.now ?? Date.now,
      state: new IdentityState()
    }
  }

  /** The Entra-shaped authority: `https://127.0.0.1:<port>/<tenant id>`. */
  get authority(): string {
    return `${this.ctx.base}/${this.ctx.seed.tenantId}`
  }

  /** The standards-only authority's issuer: `https://127.0.0.1:<port>/oidc`. */
  get oidcIssuer(): string {
    return this.ctx.oidcIssuer
  }

  /** The issuers whose access tokens the org's Web API accepts (Entra v1 and v2, and the standard authority). */
  get trustedIssuers(): string[] {
    return trustedIssuers(this.ctx)
  }

  /** Only the pages a browser visits: what the plain-HTTP pages listener serves. */
  static isPagePath(pathname: string): boolean {
    return ['/devicelogin', '/error', `${OIDC_PREFIX}/authorize`, `${OIDC_PREFIX}/device`].includes(pathname) || /^\/[^/]+\/oauth2\/(v2\.0\/)?(authorize|logout)$/.test(pathname)
  }

  /** Route an identity request; null when the path is not one of ours. */
  async handle(req: SandboxRequest): Promise<SandboxResponse | null> {
    this.ctx.state.sweep(this.ctx.now())
    const path = req.url.pathname
    if (path === OIDC_PREFIX || path.startsWith(`${OIDC_PREFIX}/`)) return this.standardAuthority(req, path.slice(OIDC_PREFIX.length))
    if (path === '/devicelogin') return this.onPage(req, entraV2, () => devicePage(this.ctx, req, entraV2))
    if (path === '/error') return this.errorInfo(req)
    if (path === '/common/discovery/instance') return instanceDiscovery(this.ctx, req)
    const m = /^\/([^/]+)(\/.*)$/.exec(path)
    if (!m || !ENTRA_PATHS.includes(m[2]!)) return null
    return this.entraAuthority(req, safeDecode(m[1]!), m[2]!)
  }

  private async entraAuthority(req: SandboxRequest, tenant: string, rest: string): Promise<SandboxResponse> {
    const method = req.method.toUpperCase()
    const dialect = rest.includes('v2.0') ? entraV2 : entraV1
    const isPage = rest.endsWith('/authorize') || rest.endsWith('/logout')
    if (isPage) {
      return this.onPage(req, dialect, async () => {
        this.checkTenant(tenant)
        if (rest.endsWith('/logout')) return { status: 200, headers: { ...PAGE_HEADERS, ...endSession(this.ctx, req) }, body: messagePage('You signed out of your account', 'It is a good idea to close all browser windows.') }
        return this.authorizeOrSubmit(req, dialect, tenant)
      })
    }
    const isToken = rest.endsWith('/token')
    if (isToken && method === 'OPTIONS') return preflight(req)
    try {
      this.checkTenant(tenant)
      if (rest.endsWith('openid-configuration')) return readableAnywhere(entraDiscovery(this.ctx, tenant, rest.startsWith('/v2.0') ? 'v2' : 'v1'))
      if (rest.endsWith('/keys')) return readableAnywhere(json(200, this.ctx.signer.jwks(entraV2Issuer(this.ctx))))
      if (method !== 'POST') throw aad.invalidRequest(`The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`)
      const form = formOf(req)
      const response = isToken ? await token(this.ctx, req, form, dialect, tenant) : deviceAuthorization(this.ctx, form, dialect)
      return isToken ? withCors(req, response) : response
    } catch (error) {
      if (!(error instanceof EntraFailure)) throw error
      const response = dialect.errorResponse(error, this.ctx, req.headers['client-request-id'])
      return isToken ? withCors(req, response) : response
    }
  }

  private async standardAuthority(req: SandboxRequest, rest: string): Promise<SandboxResponse> {
    const method = req.method.toUpperCase()
    const tenant = this.ctx.seed.tenantId
    switch (rest) {
      case '/.well-known/openid-configuration':
        return readableAnywhere(standardDiscovery(this.ctx))
      case '/jwks':
        return readableAnywhere(json(200, this.ctx.signer.jwks()))
      case '/authorize':
        return this.onPage(req, standard, () => this.authorizeOrSubmit(req, standard, tenant))
      case '/device':
        return this.onPage(req, standard, () => devicePage(this.ctx, req, standard))
      case '/userinfo':
        return this.userinfo(req)
      case '/token':
      case '/device_authorization': {
        if (rest === '/token' && method === 'OPTIONS') return preflight(req)
        if (method !== 'POST') return json(405, { error: 'invalid_request', error_description: `The ${rest.slice(1)} endpoint accepts POST only (received ${method}).` }, { allow: rest === '/token' ? 'POST, OPTIONS' : 'POST' })
        let response: SandboxResponse
        try {
          const form = formOf(req)
          response = rest === '/token' ? await token(this.ctx, req, form, standard, tenant) : deviceAuthorization(this.ctx, form, standard)
        } catch (error) {
          if (!(error instanceof EntraFailure)) throw error
          response = standard.errorResponse(error, this.ctx)
        }
        return rest === '/token' ? withCors(req, response) : response
      }
      default:
        return json(404, { error: 'invalid_request', error_description: `Nothing is served at ${OIDC_PREFIX}${rest}. This authority's OpenID configuration is at ${this.ctx.oidcIssuer}/.well-known/openid-configuration.` })
    }
  }

  /** GET shows the sign-in page for an authorize request; a POST is the page's form coming back (or authorize by POST). */
  private authorizeOrSubmit(req: SandboxRequest, dialect: Dialect, tenant: string): SandboxResponse | Promise<SandboxResponse> {
    if (req.method.toUpperCase() === 'POST' && req.url.search === '') {
      const form = new URLSearchParams(req.body.toString('utf8'))
      if (form.get('flow')) return signInSubmit(this.ctx, req, form)
    }
    return authorize(this.ctx, req, dialect, tenant)
  }

  /** Errors during a page flow are shown on the page, never as JSON. */
  private async onPage(req: SandboxRequest, dialect: Dialect, work: () => SandboxResponse | Promise<SandboxResponse>): Promise<SandboxResponse> {
    try {
      return await work()
    } catch (error) {
      if (!(error instanceof EntraFailure)) throw error
      const correlationId = dialect.entraExtras ? (req.headers['client-request-id'] ?? randomUUID()) : null
      return { status: 400, headers: PAGE_HEADERS, body: errorPage(dialect.pageError(error), correlationId, dialect.page) }
    }
  }

  private checkTenant(tenant: string): void {
    const t = tenant.toLowerCase()
    if ([this.ctx.seed.tenantId, this.ctx.seed.tenantDomain.toLowerCase(), 'common', 'organizations'].includes(t)) return
    throw aad.tenantNotFound(tenant)
  }

  private errorInfo(req: SandboxRequest): SandboxResponse {
    const code = req.url.searchParams.get('code') ?? ''
    return { status: 200, headers: PAGE_HEADERS, body: messagePage(`AADSTS${code.replace(/\D/g, '')}`, 'This code is emulated by the OrgBench Sandbox. OrgBench explains it next to the failing request, with the fix.') }
  }

  /** OpenID Connect Core §5.3: the signed-in user's claims, for an access token from this authority (RFC 6750 errors). */
  private async userinfo(req: SandboxRequest): Promise<SandboxResponse> {
    const realm = `Bearer realm="${this.ctx.oidcIssuer}"`
    const refuse = (description: string) => json(401, { error: 'invalid_token', error_description: description }, { 'www-authenticate': `${realm}, error="invalid_token", error_description="${description}"` })
    const m = /^Bearer\s+(\S+)$/i.exec((req.headers.authorization ?? '').trim())
    if (!m) return empty(401, { 'www-authenticate': realm })
    let claims: Record<string, unknown>
    try {
      claims = await this.ctx.signer.verify(m[1]!)
    } catch {
      return refuse('The access token is expired, malformed or not signed by this authority.')
    }
    if (claims.iss !== this.ctx.oidcIssuer) return refuse('The access token was not issued by this authority.')
    const user = this.ctx.seed.users.find((u) => u.oid === claims.sub)
    if (!user) return refuse('The access token is not a user\'s (client credentials tokens have no user info).')
    return json(200, { sub: user.oid, name: `${user.givenName} ${user.surname}`, given_name: user.givenName, family_name: user.surname, preferred_username: user.upn, email: user.upn }, { 'cache-control': 'no-store' })
  }
}

function formOf(req: SandboxRequest): URLSearchParams {
  const type = req.headers['content-type'] ?? ''
  if (!/application\/x-www-form-urlencoded/i.test(type)) throw aad.invalidRequest("The request body must be 'application/x-www-form-urlencoded'.")
  return new URLSearchParams(req.body.toString('utf8'))
}

const CORS_HEADERS = 'content-type, authorization, client-request-id, return-client-request-id, x-client-sku, x-client-ver, x-client-os, x-client-cpu, x-client-current-telemetry, x-client-last-telemetry, x-ms-lib-capability'

/** The token endpoint as a single-page app's browser sees it: the CORS preflight (any origin; the grant decides who may redeem). */
function preflight(req: SandboxRequest): SandboxResponse {
  return empty(204, {
    'access-control-allow-origin': req.headers.origin ?? '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? CORS_HEADERS,
    'access-control-max-age': '86400',
    vary: 'Origin'
  })
}

/** Discovery and keys are public: a single-page app reads them cross-origin. */
function readableAnywhere(response: SandboxResponse): SandboxResponse {
  return { ...response, headers: { ...response.headers, 'access-control-allow-origin': '*' } }
}

/** A cross-origin token request's answer (tokens or error) names its origin, so the page can read it. */
function withCors(req: SandboxRequest, response: SandboxResponse): SandboxResponse {
  const origin = req.headers.origin
  if (!origin) return response
  return { ...response, headers: { ...response.headers, 'access-control-allow-origin': origin, vary: 'Origin' } }
}

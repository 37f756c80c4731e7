import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { aad, EntraFailure } from './errors'
import { deviceCodePage, errorPage, formPostPage, messagePage, PAGE_HEADERS, signInPage } from './pages'
import type { Seed, SeedApp, SeedUser } from './seed'
import { newUti, verifyAssertion, type TokenSigner } from './tokens'
import { empty, json, safeDecode, type SandboxRequest, type SandboxResponse } from './webapi/http'

/**
 * An emulation of Microsoft Entra ID's v1 and v2 endpoints under `/{tenant}/…`, close enough that MSAL and
 * OrgBench's own grants behave against it as against a real tenant: discovery, JWKS, authorize (with a sign-in
 * page), token (every grant), device code, and Entra's error shapes and codes.
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
  signer: TokenSigner
  now?: () => number
}

interface Flow {
  id: string
  version: 'v1' | 'v2'
  app: SeedApp
  redirectUri: string
  responseType: string
  responseMode: 'query' | 'fragment' | 'form_post'
  scopes: string[]
  resource: string | null
  state: string | null
  nonce: string | null
  challenge: string | null
  challengeMethod: 'S256' | 'plain'
  loginHint: string
  createdAt: number
  /** Set for the device code flow: which device code this sign-in approves. */
  deviceCode?: string
}

interface AuthCode {
  clientId: string
  redirectUri: string
  challenge: string | null
  challengeMethod: 'S256' | 'plain'
  user: SeedUser
  scopes: string[]
  resource: string | null
  nonce: string | null
  version: 'v1' | 'v2'
  expiresAt: number
  redeemed: boolean
}

interface RefreshGrant {
  clientId: string
  user: SeedUser
  scopes: string[]
  resource: string
  expiresAt: number
}

interface DeviceGrant {
  userCode: string
  clientId: string
  scopes: string[]
  resource: string
  version: 'v1' | 'v2'
  expiresAt: number
  interval: number
  lastPoll: number
  status: 'pending' | 'approved' | 'declined' | 'redeemed'
  user: SeedUser | null
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access'])
const CODE_TTL_MS = 10 * 60_000
const DEVICE_TTL_MS = 15 * 60_000
const REFRESH_TTL_MS = 90 * 86_400_000

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url')
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export class IdentityProvider {
  private readonly seed: Seed
  private readonly base: string
  private readonly pages: string
  private readonly orgUrl: string
  private readonly signer: TokenSigner
  private readonly now: () => number
  private readonly flows = new Map<string, Flow>()
  private readonly codes = new Map<string, AuthCode>()
  private readonly refreshTokens = new Map<string, RefreshGrant>()
  private readonly deviceGrants = new Map<string, DeviceGrant>()
  private readonly usedJtis = new Map<string, number>()

  constructor(options: IdentityOptions) {
    this.seed = options.seed
    this.base = options.baseUrl
    this.pages = options.pagesUrl ?? options.baseUrl
    this.orgUrl = options.orgUrl
    this.signer = options.signer
    this.now = options.now ?? Date.now
  }

  get authority(): string {
    return `${this.base}/${this.seed.tenantId}`
  }

  /** Only the pages a browser visits: what the plain-HTTP pages listener serves. */
  static isPagePath(pathname: string): boolean {
    return pathname === '/devicelogin' || pathname === '/error' || /^\/[^/]+\/oauth2\/(v2\.0\/)?(authorize|logout)$/.test(pathname)
  }

  /** Route an identity request; null when the path is not one of ours. */
  async handle(req: SandboxRequest): Promise<SandboxResponse | null> {
    const path = req.url.pathname
    const method = req.method.toUpperCase()
    if (path === '/devicelogin') return this.pageErrors(req, () => this.deviceLogin(req))
    if (path === '/error') return this.errorInfo(req)
    if (path === '/common/discovery/instance') return this.instanceDiscovery(req)
    const m = /^\/([^/]+)(\/.*)$/.exec(path)
    if (!m) return null
    const tenant = safeDecode(m[1]!)
    const rest = m[2]!
    const known = [
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
    if (!known.includes(rest)) return null
    const isPage = rest.endsWith('/authorize') || rest.endsWith('/logout')
    try {
      this.checkTenant(tenant)
      if (rest.endsWith('openid-configuration')) return this.discovery(tenant, rest.startsWith('/v2.0') ? 'v2' : 'v1')
      if (rest.endsWith('/keys')) return json(200, this.signer.jwks(`${this.base}/${this.seed.tenantId}/v2.0`))
      if (rest.endsWith('/logout')) return { status: 200, headers: PAGE_HEADERS, body: messagePage('You signed out of your account', 'It is a good idea to close all browser windows.') }
      const version = rest.includes('/v2.0/') ? 'v2' : 'v1'
      if (rest.endsWith('/authorize')) return method === 'POST' && req.url.search === '' ? await this.signInSubmit(req) : this.authorize(req, version)
      if (method !== 'POST') throw aad.invalidRequest(`AADSTS900561: The endpoint only accepts POST requests. Received a ${method} request.`)
      const form = this.form(req)
      if (rest.endsWith('/token')) return await this.token(req, form, version, tenant)
      return this.deviceCode(form, version)
    } catch (error) {
      if (!(error instanceof EntraFailure)) throw error
      const shaped = error.toResponse(this.base, req.headers['client-request-id'])
      if (isPage) return { status: 400, headers: PAGE_HEADERS, body: errorPage(error.code, error.error, error.description, shaped.body.correlation_id) }
      return json(shaped.status, shaped.body, { 'cache-control': 'no-store', pragma: 'no-cache' })
    }
  }

  /** Errors during a page flow are shown on the page, never as JSON. */
  private async pageErrors(req: SandboxRequest, work: () => Promise<SandboxResponse>): Promise<SandboxResponse> {
    try {
      return await work()
    } catch (error) {
      if (!(error instanceof EntraFailure)) throw error
      const shaped = error.toResponse(this.base, req.headers['client-request-id'])
      return { status: 400, headers: PAGE_HEADERS, body: errorPage(error.code, error.error, error.description, shaped.body.correlation_id) }
    }
  }

  private checkTenant(tenant: string): void {
    const t = tenant.toLowerCase()
    if ([this.seed.tenantId, this.seed.tenantDomain.toLowerCase(), 'common', 'organizations'].includes(t)) return
    throw aad.tenantNotFound(tenant)
  }

  private form(req: SandboxRequest): URLSearchParams {
    const type = req.headers['content-type'] ?? ''
    if (!/application\/x-www-form-urlencoded/i.test(type)) throw aad.invalidRequest("AADSTS900561: The request body must be 'application/x-www-form-urlencoded'.")
    return new URLSearchParams(req.body.toString('utf8'))
  }

  private discovery(tenant: string, version: 'v1' | 'v2'): SandboxResponse {
    const isTemplate = ['common', 'organizations'].includes(tenant.toLowerCase())
    const t = isTemplate ? tenant : this.seed.tenantId
    const issuerTenant = isTemplate ? '{tenantid}' : this.seed.tenantId
    const a = `${this.base}/${t}`
    const p = `${this.pages}/${t}`
    if (version === 'v2') {
      return json(200, {
        token_endpoint: `${a}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${this.base}/${t}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${this.base}/${issuerTenant}/v2.0`,
        request_uri_parameter_supported: false,
        authorization_endpoint: `${p}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${a}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${p}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
        tenant_region_scope: 'WW',
        cloud_instance_name: new URL(this.base).host,
        cloud_graph_host_name: new URL(this.base).host,
        msgraph_host: new URL(this.base).host
      })
    }
    return json(200, {
      token_endpoint: `${a}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${this.base}/${t}/discovery/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
      scopes_supported: ['openid'],
      issuer: `${this.base}/${issuerTenant}/`,
      microsoft_multi_refresh_token: true,
      authorization_endpoint: `${p}/oauth2/authorize`,
      device_authorization_endpoint: `${a}/oauth2/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${p}/oauth2/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname'],
      tenant_region_scope: 'WW',
      cloud_instance_name: new URL(this.base).host
    })
  }

  private instanceDiscovery(req: SandboxRequest): SandboxResponse {
    const host = new URL(this.base).host
    return json(200, {
      tenant_discovery_endpoint: req.url.searchParams.get('authorization_endpoint')?.replace(/oauth2\/v2\.0\/authorize$/, 'v2.0/.well-known/openid-configuration') ?? `${this.authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }]
    })
  }

  private errorInfo(req: SandboxRequest): SandboxResponse {
    const code = req.url.searchParams.get('code') ?? ''
    return { status: 200, headers: PAGE_HEADERS, body: messagePage(`AADSTS${code.replace(/\D/g, '')}`, 'This code is emulated by the OrgBench Sandbox. OrgBench explains it next to the failing request, with the fix.') }
  }

  // ── Apps, redirect URIs, scopes ────────────────────────────────────────────

  private app(clientId: string | null, tenant: string): SeedApp {
    if (!clientId) throw aad.missingParameter('client_id')
    const app = this.seed.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase())
    if (!app) throw aad.unknownClient(clientId, tenant === this.seed.tenantId ? this.seed.organizationName : tenant)
    return app
  }

  /** Entra's loopback rule: for http://localhost and http://127.0.0.1 the port is ignored; everything else matches exactly. */
  redirectAllowed(app: SeedApp, uri: string): boolean {
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

  /** The resource a v2 scope list asks for, validated against this org. */
  private resourceOf(scopes: string[], tenant: string): { resource: string | null; permissions: string[] } {
    const resources = new Set<string>()
    const permissions: string[] = []
    for (const scope of scopes) {
      if (OIDC_SCOPES.has(scope)) continue
      const slash = scope.lastIndexOf('/')
      if (!/^https?:\/\//i.test(scope) || slash <= 'https://'.length) throw aad.invalidScope(scope)
      resources.add(scope.slice(0, slash).replace(/\/$/, ''))
      permissions.push(scope.slice(slash + 1))
    }
    if (resources.size > 1) throw new EntraFailure('invalid_scope', 700022, "The provided value for the input parameter scope isn't valid because it contains more than one resource.")
    const resource = [...resources][0] ?? null
    if (resource !== null) this.checkResource(resource, tenant)
    for (const p of permissions) if (p !== '.default' && p !== 'user_impersonation') throw aad.invalidScope(`${resource}/${p}`)
    return { resource, permissions }
  }

  private checkResource(resource: string, tenant: string): void {
    if (resource.replace(/\/$/, '').toLowerCase() !== this.orgUrl.toLowerCase()) throw aad.invalidResource(resource, tenant)
  }

  // ── Authorize ──────────────────────────────────────────────────────────────

  private authorize(req: SandboxRequest, version: 'v1' | 'v2'): SandboxResponse {
    const q = req.method.toUpperCase() === 'POST' ? new URLSearchParams(req.body.toString('utf8')) : req.url.searchParams
    const tenant = req.url.pathname.split('/')[1]!
    const app = this.app(q.get('client_id'), tenant)
    const redirectUri = q.get('redirect_uri') ?? app.redirectUris[0]
    if (!redirectUri) throw aad.missingParameter('redirect_uri')
    if (!this.redirectAllowed(app, redirectUri)) throw aad.redirectMismatch(redirectUri, app.clientId)
    // From here on, errors go back to the app's redirect URI, as Entra does.
    const state = q.get('state')
    const responseType = (q.get('response_type') ?? '').trim().split(/\s+/).sort().join(' ')
    const implicit = responseType.includes('token')
    const mode = (q.get('response_mode') ?? (responseType === 'code' ? 'query' : 'fragment')) as Flow['responseMode']
    try {
      if (!responseType) throw aad.missingParameter('response_type')
      if (!['code', 'id_token', 'token', 'id_token token', 'code id_token'].includes(responseType)) throw aad.unsupportedResponseType(responseType)
      if (responseType.split(' ').includes('token') && !app.implicitAccessTokens) throw aad.implicitTokenDisabled()
      if (responseType.split(' ').includes('id_token') && !app.implicitIdTokens && responseType !== 'code id_token') throw aad.implicitIdTokenDisabled()
      if (!['query', 'fragment', 'form_post'].includes(mode)) throw new EntraFailure('invalid_request', 70007, `The application requested an unsupported response_mode '${mode}'.`)
      if (mode === 'query' && implicit) throw new EntraFailure('invalid_request', 70007, "response_mode 'query' is not allowed when the response_type contains a token: use fragment or form_post.")
      let scopes: string[]
      let resource: string | null
      if (version === 'v2') {
        scopes = (q.get('scope') ?? '').split(/\s+/).filter(Boolean)
        if (scopes.length === 0) throw new EntraFailure('invalid_request', 900144, "The request body must contain the following parameter: 'scope'.")
        resource = this.resourceOf(scopes, tenant).resource
      } else {
        resource = q.get('resource')
        if (resource) this.checkResource(resource, tenant)
        scopes = ['openid']
      }
      if (responseType.includes('id_token') && responseType !== 'code id_token' && !q.get('nonce')) throw new EntraFailure('invalid_request', 900144, "The request body must contain the following parameter: 'nonce'.")
      const challenge = q.get('code_challenge')
      const method = (q.get('code_challenge_method') ?? (challenge ? 'plain' : 'S256')) as 'S256' | 'plain'
      if (challenge !== null && (!['S256', 'plain'].includes(method) || !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge))) throw new EntraFailure('invalid_request', 501491, 'Invalid size of Code_Challenge parameter, or an unsupported code_challenge_method (use S256).')
      if (q.get('prompt') === 'none') throw new EntraFailure('login_required', 50058, 'A silent sign-in request was sent but no user is signed in. The Sandbox keeps no browser session: sign in interactively.', 400, 'login_required')
      const flow: Flow = {
        id: b64url(randomBytes(18)),
        version,
        app,
        redirectUri,
        responseType,
        responseMode: mode,
        scopes,
        resource,
        state,
        nonce: q.get('nonce'),
        challenge,
        challengeMethod: method,
        loginHint: q.get('login_hint') ?? '',
        createdAt: this.now()
      }
      this.flows.set(flow.id, flow)
      return this.renderSignIn(flow, null, flow.loginHint, req.url.pathname)
    } catch (error) {
      if (!(error instanceof EntraFailure)) throw error
      return this.redirectWithError(redirectUri, mode === 'form_post' || mode === 'fragment' || mode === 'query' ? mode : 'query', state, error, req)
    }
  }

  private renderSignIn(flow: Flow, error: EntraFailure | null, username: string, action: string): SandboxResponse {
    const permissions = flow.resource ? [`Access ${this.seed.organizationName} as you (${flow.resource})`] : []
    const scopes = [...permissions, 'Sign you in and read your profile', ...(flow.scopes.includes('offline_access') ? ['Maintain access to data you have given it access to'] : [])]
    const body = signInPage({ action, flow: flow.id, appName: flow.app.name, clientId: flow.app.clientId, scopes, username, error: error ? { code: error.code, description: error.description } : null, purpose: flow.deviceCode ? 'device' : 'authorize' })
    return { status: error ? 400 : 200, headers: PAGE_HEADERS, body }
  }

  private async signInSubmit(req: SandboxRequest): Promise<SandboxResponse> {
    const form = new URLSearchParams(req.body.toString('utf8'))
    const flowId = form.get('flow')
    if (!flowId) return this.authorize(req, req.url.pathname.includes('/v2.0/') ? 'v2' : 'v1')
    const flow = this.flows.get(flowId)
    if (!flow || this.now() - flow.createdAt > 15 * 60_000) throw new EntraFailure('invalid_request', 50089, 'Flow token expired: authentication failed. Have the user try signing in again.')
    const username = (form.get('username') ?? '').trim()
    if (form.get('action') === 'cancel') {
      this.flows.delete(flow.id)
      if (flow.deviceCode) {
        const grant = this.deviceGrants.get(flow.deviceCode)
        if (grant) grant.status = 'declined'
        return { status: 200, headers: PAGE_HEADERS, body: messagePage('Sign-in cancelled', 'You declined to sign in on the other device. You can close this window.') }
      }
      return this.redirectWithError(flow.redirectUri, flow.responseMode, flow.state, aad.consentDeclined(), req)
    }
    const user = this.seed.users.find((u) => u.upn.toLowerCase() === username.toLowerCase())
    if (!user || !safeEqual(user.password, form.get('password') ?? '')) return this.renderSignIn(flow, aad.badPassword(), username, req.url.pathname)
    if (form.get('consent') !== 'accept') return this.renderSignIn(flow, new EntraFailure('consent_required', 65001, `The user or administrator has not consented to use the application with ID '${flow.app.clientId}' named '${flow.app.name}'. Tick the consent box to continue.`), username, req.url.pathname)
    this.flows.delete(flow.id)
    if (flow.deviceCode) {
      const grant = this.deviceGrants.get(flow.deviceCode)
      if (grant && grant.status === 'pending') {
        grant.status = 'approved'
        grant.user = user
      }
      return { status: 200, headers: PAGE_HEADERS, body: messagePage('You have signed in', `You have signed in to ${flow.app.name} on your device. You may now close this window.`) }
    }
    return this.completeAuthorize(flow, user)
  }

  private async completeAuthorizeTokens(flow: Flow, user: SeedUser): Promise<Record<string, string>> {
    const fields: Record<string, string> = {}
    const types = flow.responseType.split(' ')
    if (types.includes('code')) {
      const code = `1.A${b64url(randomBytes(48))}`
      this.codes.set(code, {
        clientId: flow.app.clientId,
        redirectUri: flow.redirectUri,
        challenge: flow.challenge,
        challengeMethod: flow.challengeMethod,
        user,
        scopes: flow.scopes,
        resource: flow.resource,
        nonce: flow.nonce,
        version: flow.version,
        expiresAt: this.now() + CODE_TTL_MS,
        redeemed: false
      })
      fields.code = code
    }
    if (types.includes('token')) {
      const resource = flow.resource ?? this.orgUrl
      fields.access_token = await this.accessToken({ resource, user, clientId: flow.app.clientId, appidacr: '0', amr: ['pwd'] })
      fields.token_type = 'Bearer'
      fields.expires_in = String(this.seed.tokenLifetimeSeconds)
      fields.scope = flow.version === 'v2' ? this.grantedScopes(flow.scopes, resource) : 'user_impersonation'
      if (flow.version === 'v1') fields.resource = resource
    }
    if (types.includes('id_token')) fields.id_token = await this.idToken(user, flow.app.clientId, flow.nonce, flow.version)
    if (flow.state !== null) fields.state = flow.state
    fields.session_state = randomUUID()
    return fields
  }

  private async completeAuthorize(flow: Flow, user: SeedUser): Promise<SandboxResponse> {
    return this.deliver(flow.redirectUri, flow.responseMode, await this.completeAuthorizeTokens(flow, user))
  }

  private deliver(redirectUri: string, mode: Flow['responseMode'], fields: Record<string, string>): SandboxResponse {
    if (mode === 'form_post') {
      const page = formPostPage(redirectUri, fields)
      return { status: 200, headers: page.headers, body: page.html }
    }
    const target = new URL(redirectUri)
    const params = new URLSearchParams(fields)
    if (mode === 'query') {
      for (const [k, v] of params) target.searchParams.set(k, v)
      return empty(302, { location: target.href, 'cache-control': 'no-store' })
    }
    return empty(302, { location: `${target.href.replace(/#.*$/, '')}#${params.toString()}`, 'cache-control': 'no-store' })
  }

  private redirectWithError(redirectUri: string, mode: Flow['responseMode'], state: string | null, error: EntraFailure, req: SandboxRequest): SandboxResponse {
    const shaped = error.toResponse(this.base, req.headers['client-request-id'])
    const fields: Record<string, string> = { error: error.error, error_description: shaped.body.error_description, error_uri: shaped.body.error_uri }
    if (error.suberror) fields.error_subcode = error.suberror
    if (state !== null) fields.state = state
    return this.deliver(redirectUri, mode, fields)
  }

  // ── Token endpoint ─────────────────────────────────────────────────────────

  private async token(req: SandboxRequest, form: URLSearchParams, version: 'v1' | 'v2', tenant: string): Promise<SandboxResponse> {
    const grantType = form.get('grant_type')
    if (!grantType) throw aad.missingParameter('grant_type')
    const basic = this.basicAuth(req)
    const clientId = form.get('client_id') ?? basic?.clientId ?? null
    const app = this.app(clientId, tenant)
    const tokenEndpoint = `${this.base}/${tenant}/oauth2/${version === 'v2' ? 'v2.0/' : ''}token`
    const authMethod = await this.authenticateClient(app, form, basic, tokenEndpoint)
    const spa = app.type === 'spa' && ['authorization_code', 'refresh_token'].includes(grantType)
    if (spa && !req.headers.origin) throw aad.spaOriginRequired()
    switch (grantType) {
      case 'authorization_code':
        return this.redeemCode(app, form, version, authMethod)
      case 'client_credentials':
        return this.clientCredentials(app, form, version, tenant, authMethod)
      case 'password':
        return this.password(app, form, version, tenant, authMethod)
      case 'refresh_token':
        return this.refresh(app, form, version, authMethod)
      case 'urn:ietf:params:oauth:grant-type:device_code':
      case 'device_code':
        return this.redeemDeviceCode(app, form, version)
      default:
        throw aad.unsupportedGrantType(grantType)
    }
  }

  private basicAuth(req: SandboxRequest): { clientId: string; secret: string } | null {
    const header = req.headers.authorization
    const m = header ? /^Basic\s+(\S+)$/i.exec(header.trim()) : null
    if (!m) return null
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) throw new EntraFailure('invalid_client', 7000216, "The 'Authorization' header is not valid Basic authentication: expected base64(client_id:client_secret).", 401)
    return { clientId: safeDecode(decoded.slice(0, colon)), secret: safeDecode(decoded.slice(colon + 1)) }
  }

  /** 'none' for public clients; '1' for a secret, '2' for a certificate (the appidacr claim). */
  private async authenticateClient(app: SeedApp, form: URLSearchParams, basic: { secret: string } | null, tokenEndpoint: string): Promise<'0' | '1' | '2'> {
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
      const claims = check.payload
      if (claims.iss !== app.clientId || claims.sub !== app.clientId) throw aad.assertionSubject()
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
      const acceptable = [tokenEndpoint, tokenEndpoint.replace('/oauth2/v2.0/token', '/oauth2/token'), tokenEndpoint.replace(/\/oauth2\/token$/, '/oauth2/v2.0/token')].map((u) => u.replace(/\/[^/]+(\/oauth2)/, `/${this.seed.tenantId}$1`))
      const normalized = audiences.map((a) => String(a).replace(new RegExp(`/(${this.seed.tenantDomain}|common|organizations)/`, 'i'), `/${this.seed.tenantId}/`))
      if (!normalized.some((a) => acceptable.includes(a))) throw aad.assertionAudience(acceptable[0]!, String(claims.aud))
      const nowSec = this.now() / 1000
      const nbf = typeof claims.nbf === 'number' ? claims.nbf : null
      const exp = typeof claims.exp === 'number' ? claims.exp : null
      if (exp === null || nowSec > exp + 300 || (nbf !== null && nowSec < nbf - 300)) throw aad.assertionTime(new Date(this.now()), nbf ? new Date(nbf * 1000) : null, exp ? new Date(exp * 1000) : null)
      const jti = typeof claims.jti === 'string' ? claims.jti : null
      if (!jti) throw aad.assertionMalformed("The assertion has no 'jti' claim.")
      for (const [id, until] of this.usedJtis) if (until < this.now()) this.usedJtis.delete(id)
      if (this.usedJtis.has(jti)) throw aad.assertionReplay()
      this.usedJtis.set(jti, (exp + 600) * 1000)
      return '2'
    }
    if (secret === null) throw aad.credentialRequired()
    const match = app.secrets.find((s) => safeEqual(s.value, secret))
    if (!match) throw aad.badSecret(app.clientId)
    if (match.expires && Date.parse(match.expires) < this.now()) throw aad.expiredSecret(app.clientId)
    return '1'
  }

  private async redeemCode(app: SeedApp, form: URLSearchParams, version: 'v1' | 'v2', appidacr: '0' | '1' | '2'): Promise<SandboxResponse> {
    const code = form.get('code')
    if (!code) throw aad.missingParameter('code')
    const grant = this.codes.get(code)
    if (!grant) throw aad.codeInvalid()
    if (grant.redeemed) throw aad.codeRedeemed()
    if (grant.expiresAt < this.now()) throw aad.codeExpired()
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
    const resource = version === 'v1' ? (form.get('resource') ?? grant.resource ?? this.orgUrl) : (grant.resource ?? this.orgUrl)
    if (version === 'v1') this.checkResource(resource, this.seed.tenantId)
    const scopes = version === 'v2' ? grant.scopes : ['openid', 'offline_access']
    return this.userTokens(app, grant.user, scopes, resource, version, grant.nonce, appidacr, form.get('client_info') === '1')
  }

  private async clientCredentials(app: SeedApp, form: URLSearchParams, version: 'v1' | 'v2', tenant: string, appidacr: '0' | '1' | '2'): Promise<SandboxResponse> {
    if (app.type !== 'confidential') throw aad.credentialRequired()
    let resource: string
    if (version === 'v2') {
      const scope = form.get('scope')
      if (!scope) throw aad.missingParameter('scope')
      const scopes = scope.split(/\s+/).filter(Boolean)
      if (scopes.length !== 1 || !scopes[0]!.endsWith('/.default')) throw aad.clientCredentialsScope(scope)
      resource = scopes[0]!.slice(0, -'/.default'.length).replace(/\/$/, '')
      this.checkResource(resource, tenant)
    } else {
      const r = form.get('resource')
      if (!r) throw aad.missingParameter('resource')
      this.checkResource(r, tenant)
      resource = r.replace(/\/$/, '')
    }
    const accessToken = await this.appToken(app, resource, appidacr)
    return this.tokenResponse(version, { accessToken, resource, scope: `${resource}/.default` })
  }

  private async password(app: SeedApp, form: URLSearchParams, version: 'v1' | 'v2', tenant: string, appidacr: '0' | '1' | '2'): Promise<SandboxResponse> {
    if (app.type !== 'confidential' && !app.allowPublicClientFlows) throw aad.publicFlowsDisabled()
    const username = form.get('username')
    const password = form.get('password')
    if (!username) throw aad.missingParameter('username')
    if (password === null) throw aad.missingParameter('password')
    const { scopes, resource } = this.userScopes(form, version, tenant)
    const user = this.seed.users.find((u) => u.upn.toLowerCase() === username.toLowerCase())
    if (!user || !safeEqual(user.password, password)) throw aad.badPassword()
    if (user.requiresMfa) throw aad.mfaRequired(resource)
    return this.userTokens(app, user, scopes, resource, version, null, appidacr, form.get('client_info') === '1')
  }

  private userScopes(form: URLSearchParams, version: 'v1' | 'v2', tenant: string): { scopes: string[]; resource: string } {
    if (version === 'v1') {
      const resource = form.get('resource')
      if (!resource) throw aad.missingParameter('resource')
      this.checkResource(resource, tenant)
      return { scopes: ['openid', 'offline_access'], resource: resource.replace(/\/$/, '') }
    }
    const scope = form.get('scope')
    if (!scope) throw aad.missingParameter('scope')
    const scopes = scope.split(/\s+/).filter(Boolean)
    const { resource } = this.resourceOf(scopes, tenant)
    return { scopes, resource: resource ?? this.orgUrl }
  }

  private async refresh(app: SeedApp, form: URLSearchParams, version: 'v1' | 'v2', appidacr: '0' | '1' | '2'): Promise<SandboxResponse> {
    const token = form.get('refresh_token')
    if (!token) throw aad.missingParameter('refresh_token')
    const grant = this.refreshTokens.get(token)
    if (!grant || grant.clientId !== app.clientId) throw aad.refreshInvalid()
    // Rotation: every refresh token works once.
    this.refreshTokens.delete(token)
    if (grant.expiresAt < this.now()) throw aad.codeExpired()
    let scopes = grant.scopes
    let resource = grant.resource
    if (version === 'v2' && form.get('scope')) {
      scopes = form.get('scope')!.split(/\s+/).filter(Boolean)
      resource = this.resourceOf(scopes, this.seed.tenantId).resource ?? grant.resource
    } else if (version === 'v1' && form.get('resource')) {
      resource = form.get('resource')!.replace(/\/$/, '')
      this.checkResource(resource, this.seed.tenantId)
    }
    if (!scopes.includes('offline_access')) scopes = [...scopes, 'offline_access']
    return this.userTokens(app, grant.user, scopes, resource, version, null, appidacr, form.get('client_info') === '1')
  }

  private deviceCode(form: URLSearchParams, version: 'v1' | 'v2'): SandboxResponse {
    const app = this.app(form.get('client_id'), this.seed.tenantId)
    if (app.type !== 'confidential' && !app.allowPublicClientFlows) throw aad.publicFlowsDisabled()
    let scopes: string[]
    let resource: string
    if (version === 'v2') {
      const scope = form.get('scope')
      if (!scope) throw aad.missingParameter('scope')
      scopes = scope.split(/\s+/).filter(Boolean)
      resource = this.resourceOf(scopes, this.seed.tenantId).resource ?? this.orgUrl
    } else {
      const r = form.get('resource')
      if (!r) throw aad.missingParameter('resource')
      this.checkResource(r, this.seed.tenantId)
      resource = r.replace(/\/$/, '')
      scopes = ['openid', 'offline_access']
    }
    const deviceCode = `DAQABAAEAAAA${b64url(randomBytes(40))}`
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
    const userCode = Array.from(randomBytes(9), (b) => alphabet[b % alphabet.length]).join('')
    const interval = this.seed.deviceCodeIntervalSeconds
    this.deviceGrants.set(deviceCode, { userCode, clientId: app.clientId, scopes, resource, version, expiresAt: this.now() + DEVICE_TTL_MS, interval, lastPoll: 0, status: 'pending', user: null })
    const verificationUri = `${this.pages}/devicelogin`
    const message = `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`
    const expiresIn = DEVICE_TTL_MS / 1000
    return json(200, version === 'v2'
      ? { user_code: userCode, device_code: deviceCode, verification_uri: verificationUri, expires_in: expiresIn, interval, message }
      : { user_code: userCode, device_code: deviceCode, verification_url: verificationUri, expires_in: String(expiresIn), interval: String(interval), message })
  }

  private async redeemDeviceCode(app: SeedApp, form: URLSearchParams, version: 'v1' | 'v2'): Promise<SandboxResponse> {
    const code = form.get('device_code') ?? form.get('code')
    if (!code) throw aad.missingParameter('device_code')
    const grant = this.deviceGrants.get(code)
    if (!grant || grant.clientId !== app.clientId || grant.status === 'redeemed') throw aad.deviceCodeInvalid()
    if (grant.expiresAt < this.now()) throw aad.deviceCodeExpired()
    if (grant.status === 'declined') throw aad.deviceDeclined()
    if (grant.status === 'pending') {
      const early = grant.lastPoll && this.now() - grant.lastPoll < grant.interval * 1000 * 0.8
      grant.lastPoll = this.now()
      throw early ? aad.slowDown() : aad.authorizationPending()
    }
    grant.status = 'redeemed'
    return this.userTokens(app, grant.user!, grant.scopes, grant.resource, version, null, '0', form.get('client_info') === '1')
  }

  private async deviceLogin(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method.toUpperCase() === 'GET') return { status: 200, headers: PAGE_HEADERS, body: deviceCodePage('/devicelogin', null) }
    const form = new URLSearchParams(req.body.toString('utf8'))
    if (form.get('flow')) return this.signInSubmit({ ...req, url: new URL(`${this.authority}/oauth2/v2.0/authorize`) })
    const userCode = (form.get('user_code') ?? '').replace(/[\s-]/g, '').toUpperCase()
    const entry = [...this.deviceGrants.entries()].find(([, g]) => g.userCode === userCode && g.status === 'pending')
    if (!entry) return { status: 400, headers: PAGE_HEADERS, body: deviceCodePage('/devicelogin', "AADSTS70018: That code didn't work. Check the code and try again.", form.get('user_code') ?? '') }
    const [deviceCode, grant] = entry
    if (grant.expiresAt < this.now()) return { status: 400, headers: PAGE_HEADERS, body: deviceCodePage('/devicelogin', 'AADSTS70019: Verification code expired. Start the sign-in on your device again.') }
    const app = this.seed.apps.find((a) => a.clientId === grant.clientId)!
    const flow: Flow = { id: b64url(randomBytes(18)), version: grant.version, app, redirectUri: '', responseType: 'code', responseMode: 'query', scopes: grant.scopes, resource: grant.resource, state: null, nonce: null, challenge: null, challengeMethod: 'S256', loginHint: '', createdAt: this.now(), deviceCode }
    this.flows.set(flow.id, flow)
    return this.renderSignIn(flow, null, '', '/devicelogin')
  }

  // ── Tokens ─────────────────────────────────────────────────────────────────

  private grantedScopes(scopes: string[], resource: string): string {
    const asked = scopes.filter((s) => !OIDC_SCOPES.has(s))
    const granted = new Set([`${resource}/user_impersonation`, ...asked])
    return [...granted].join(' ')
  }

  private async userTokens(app: SeedApp, user: SeedUser, scopes: string[], resource: string, version: 'v1' | 'v2', nonce: string | null, appidacr: '0' | '1' | '2', clientInfo: boolean): Promise<SandboxResponse> {
    const accessToken = await this.accessToken({ resource, user, clientId: app.clientId, appidacr, amr: ['pwd'] })
    const wantsRefresh = version === 'v1' || scopes.includes('offline_access')
    const wantsId = version === 'v1' || scopes.includes('openid')
    let refreshToken: string | undefined
    if (wantsRefresh) {
      refreshToken = `0.A${b64url(randomBytes(96))}`
      this.refreshTokens.set(refreshToken, { clientId: app.clientId, user, scopes, resource, expiresAt: this.now() + REFRESH_TTL_MS })
    }
    const idToken = wantsId ? await this.idToken(user, app.clientId, nonce, version) : undefined
    return this.tokenResponse(version, {
      accessToken,
      resource,
      scope: version === 'v2' ? this.grantedScopes(scopes, resource) : 'user_impersonation',
      ...(refreshToken ? { refreshToken } : {}),
      ...(idToken ? { idToken } : {}),
      ...(clientInfo ? { clientInfo: b64url(Buffer.from(JSON.stringify({ uid: user.oid, utid: this.seed.tenantId }))) } : {})
    })
  }

  private tokenResponse(version: 'v1' | 'v2', t: { accessToken: string; resource: string; scope: string; refreshToken?: string; idToken?: string; clientInfo?: string }): SandboxResponse {
    const lifetime = this.seed.tokenLifetimeSeconds
    const now = Math.floor(this.now() / 1000)
    const body: Record<string, unknown> =
      version === 'v2'
        ? { token_type: 'Bearer', scope: t.scope, expires_in: lifetime, ext_expires_in: lifetime, access_token: t.accessToken }
        : { token_type: 'Bearer', scope: t.scope, expires_in: String(lifetime), ext_expires_in: String(lifetime), expires_on: String(now + lifetime), not_before: String(now), resource: t.resource, access_token: t.accessToken }
    if (t.refreshToken) body.refresh_token = t.refreshToken
    if (t.idToken) body.id_token = t.idToken
    if (t.clientInfo) body.client_info = t.clientInfo
    return json(200, body, { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' })
  }

  private times(): { iat: number; nbf: number; exp: number } {
    const iat = Math.floor(this.now() / 1000)
    return { iat, nbf: iat, exp: iat + this.seed.tokenLifetimeSeconds }
  }

  /** A v1.0 access token for Dataverse, delegated (scp) — the shape Dataverse receives from Entra. */
  private accessToken(o: { resource: string; user: SeedUser; clientId: string; appidacr: '0' | '1' | '2'; amr: string[] }): Promise<string> {
    return this.signer.sign({
      aud: o.resource.replace(/\/$/, ''),
      iss: `${this.base}/${this.seed.tenantId}/`,
      ...this.times(),
      acr: '1',
      aio: b64url(randomBytes(24)),
      amr: o.amr,
      appid: o.clientId,
      appidacr: o.appidacr,
      family_name: o.user.surname,
      given_name: o.user.givenName,
      idtyp: 'user',
      ipaddr: '127.0.0.1',
      name: `${o.user.givenName} ${o.user.surname}`,
      oid: o.user.oid,
      puid: createHash('sha256').update(o.user.oid).digest('hex').slice(0, 16).toUpperCase(),
      rh: `0.A${b64url(randomBytes(18))}.`,
      scp: 'user_impersonation',
      sub: b64url(createHash('sha256').update(`${o.user.oid}:${o.clientId}`).digest()).slice(0, 43),
      tid: this.seed.tenantId,
      unique_name: o.user.upn,
      upn: o.user.upn,
      uti: newUti(),
      ver: '1.0'
    })
  }

  /** An app-only v1.0 access token (client credentials): no scp, idtyp app, the service principal's oid. */
  private appToken(app: SeedApp, resource: string, appidacr: '0' | '1' | '2'): Promise<string> {
    const spOid = createHash('sha256').update(`sp:${app.clientId}`).digest('hex')
    const oid = `${spOid.slice(0, 8)}-${spOid.slice(8, 12)}-4${spOid.slice(13, 16)}-a${spOid.slice(17, 20)}-${spOid.slice(20, 32)}`
    return this.signer.sign({
      aud: resource,
      iss: `${this.base}/${this.seed.tenantId}/`,
      ...this.times(),
      aio: b64url(randomBytes(24)),
      app_displayname: app.name,
      appid: app.clientId,
      appidacr,
      idp: `${this.base}/${this.seed.tenantId}/`,
      idtyp: 'app',
      oid,
      rh: `0.A${b64url(randomBytes(18))}.`,
      sub: oid,
      tid: this.seed.tenantId,
      uti: newUti(),
      ver: '1.0'
    })
  }

  private idToken(user: SeedUser, clientId: string, nonce: string | null, version: 'v1' | 'v2'): Promise<string> {
    const common = {
      aud: clientId,
      ...this.times(),
      name: `${user.givenName} ${user.surname}`,
      oid: user.oid,
      sub: b64url(createHash('sha256').update(`${user.oid}:${clientId}`).digest()).slice(0, 43),
      tid: this.seed.tenantId,
      uti: newUti(),
      ...(nonce ? { nonce } : {})
    }
    if (version === 'v2') return this.signer.sign({ ...common, iss: `${this.base}/${this.seed.tenantId}/v2.0`, preferred_username: user.upn, rh: `0.A${b64url(randomBytes(18))}.`, ver: '2.0' })
    return this.signer.sign({ ...common, iss: `${this.base}/${this.seed.tenantId}/`, amr: ['pwd'], family_name: user.surname, given_name: user.givenName, unique_name: user.upn, upn: user.upn, ver: '1.0' })
  }
}

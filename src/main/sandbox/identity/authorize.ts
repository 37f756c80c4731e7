import { randomUUID } from 'node:crypto'
import { aad, EntraFailure } from '../errors'
import { formPostPage, messagePage, PAGE_HEADERS, signInPage } from '../pages'
import type { SeedUser } from '../seed'
import { empty, type SandboxRequest, type SandboxResponse } from '../webapi/http'
import { findApp, redirectAllowed } from './clients'
import type { Dialect } from './dialect'
import { idToken, userAccessToken } from './issue'
import { checkResource, resourceOf, splitScopes } from './scopes'
import { CODE_TTL_MS, FLOW_TTL_MS, randomId, safeEqual, SESSION_TTL_MS, type Flow, type IdentityContext, type Session } from './state'

/**
 * The authorize endpoint and its sign-in page: validate the request, show the page (or, with prompt=none, use the
 * session the page left), and send the code or tokens back to the app's redirect URI.
 */

export function authorize(ctx: IdentityContext, req: SandboxRequest, dialect: Dialect, tenant: string): SandboxResponse | Promise<SandboxResponse> {
  const q = req.method.toUpperCase() === 'POST' ? new URLSearchParams(req.body.toString('utf8')) : req.url.searchParams
  const app = findApp(ctx, q.get('client_id'), tenant)
  const redirectUri = q.get('redirect_uri') ?? app.redirectUris[0]
  if (!redirectUri) throw aad.missingParameter('redirect_uri')
  if (!redirectAllowed(app, redirectUri)) throw aad.redirectMismatch(redirectUri, app.clientId)
  // From here on, errors go back to the app's redirect URI, as Entra and RFC 6749 §4.1.2.1 do.
  const state = q.get('state')
  const responseType = (q.get('response_type') ?? '').trim().split(/\s+/).sort().join(' ')
  const types = responseType.split(' ')
  const implicit = types.includes('token') || types.includes('id_token')
  const mode = (q.get('response_mode') ?? (responseType === 'code' ? 'query' : 'fragment')) as Flow['responseMode']
  const replyMode = mode === 'form_post' || mode === 'fragment' ? mode : 'query'
  try {
    if (!responseType) throw aad.missingParameter('response_type')
    if (!dialect.responseTypes.includes(responseType)) throw aad.unsupportedResponseType(responseType)
    if (types.includes('token') && !app.implicitAccessTokens) throw aad.implicitTokenDisabled()
    if (types.includes('id_token') && !app.implicitIdTokens && responseType !== 'code id_token') throw aad.implicitIdTokenDisabled()
    if (!['query', 'fragment', 'form_post'].includes(mode)) throw new EntraFailure('invalid_request', 70007, `The application requested an unsupported response_mode '${mode}'.`)
    if (mode === 'query' && implicit) throw new EntraFailure('invalid_request', 70007, "response_mode 'query' is not allowed when the response_type contains a token: use fragment or form_post.")
    let scopes: string[]
    let resource: string | null
    if (dialect.byResource) {
      resource = q.get('resource')
      if (resource) checkResource(ctx, resource, tenant)
      scopes = ['openid']
    } else {
      scopes = splitScopes(q.get('scope'))
      if (scopes.length === 0) throw aad.missingParameter('scope')
      resource = resourceOf(ctx, scopes, tenant)
    }
    // OpenID Connect Core §3.2.2.1: an id token needs the openid scope, and a nonce in the implicit flow.
    if (types.includes('id_token') && !dialect.byResource && !scopes.includes('openid')) throw new EntraFailure('invalid_scope', 70011, "The provided value for the input parameter 'scope' is not valid: response_type 'id_token' needs the 'openid' scope.")
    if (types.includes('id_token') && responseType !== 'code id_token' && !q.get('nonce')) throw aad.missingParameter('nonce')
    const challenge = q.get('code_challenge')
    const method = (q.get('code_challenge_method') ?? (challenge ? 'plain' : 'S256')) as 'S256' | 'plain'
    if (challenge !== null && (!['S256', 'plain'].includes(method) || !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge))) throw new EntraFailure('invalid_request', 501491, 'Invalid size of Code_Challenge parameter, or an unsupported code_challenge_method (use S256).')
    const loginHint = q.get('login_hint') ?? ''
    const flow: Flow = { id: randomId(18), dialect, app, redirectUri, responseType, responseMode: mode, scopes, resource, state, nonce: q.get('nonce'), challenge, challengeMethod: method, loginHint, createdAt: ctx.now() }
    const session = currentSession(ctx, req)
    if (q.get('prompt') === 'none') {
      if (!session || (loginHint && loginHint.toLowerCase() !== session.user.upn.toLowerCase())) throw aad.loginRequired()
      return completeAuthorize(ctx, flow, session.user)
    }
    ctx.state.flows.set(flow.id, flow)
    return renderSignIn(ctx, flow, null, loginHint || (session?.user.upn ?? ''), req.url.pathname)
  } catch (error) {
    if (!(error instanceof EntraFailure)) throw error
    return deliver(redirectUri, replyMode, { ...dialect.redirectError(error, ctx, req.headers['client-request-id']), ...(state !== null ? { state } : {}) })
  }
}

export function renderSignIn(ctx: IdentityContext, flow: Flow, error: EntraFailure | null, username: string, action: string): SandboxResponse {
  const permissions = flow.resource ? [`Access ${ctx.seed.organizationName} as you (${flow.resource})`] : []
  const scopes = [...permissions, 'Sign you in and read your profile', ...(flow.scopes.includes('offline_access') ? ['Maintain access to data you have given it access to'] : [])]
  const body = signInPage({ action, flow: flow.id, appName: flow.app.name, clientId: flow.app.clientId, scopes, username, error: error ? flow.dialect.pageError(error) : null, purpose: flow.deviceCode ? 'device' : 'authorize', kind: flow.dialect.page })
  return { status: error ? 400 : 200, headers: PAGE_HEADERS, body }
}

/** The sign-in form posted back: check the password and consent, start a session, and finish the flow it belongs to. */
export async function signInSubmit(ctx: IdentityContext, req: SandboxRequest, form: URLSearchParams): Promise<SandboxResponse> {
  const flow = ctx.state.flows.get(form.get('flow') ?? '')
  if (!flow || ctx.now() - flow.createdAt > FLOW_TTL_MS) throw new EntraFailure('invalid_request', 50089, 'Flow token expired: authentication failed. Have the user try signing in again.')
  const username = (form.get('username') ?? '').trim()
  const kind = flow.dialect.page
  if (form.get('action') === 'cancel') {
    ctx.state.flows.delete(flow.id)
    if (flow.deviceCode) {
      const grant = ctx.state.deviceGrants.get(flow.deviceCode)
      if (grant && grant.status === 'pending') grant.status = 'declined'
      return { status: 200, headers: PAGE_HEADERS, body: messagePage('Sign-in cancelled', 'You declined to sign in on the other device. You can close this window.', kind) }
    }
    return deliver(flow.redirectUri, flow.responseMode, { ...flow.dialect.redirectError(aad.consentDeclined(), ctx, req.headers['client-request-id']), ...(flow.state !== null ? { state: flow.state } : {}) })
  }
  const user = ctx.seed.users.find((u) => u.upn.toLowerCase() === username.toLowerCase())
  if (!user || !safeEqual(user.password, form.get('password') ?? '')) return renderSignIn(ctx, flow, aad.badPassword(), username, req.url.pathname)
  if (form.get('consent') !== 'accept') {
    const missing = new EntraFailure('consent_required', 65001, `The user or administrator has not consented to use the application with ID '${flow.app.clientId}' named '${flow.app.name}'. Tick the consent box to continue.`)
    return renderSignIn(ctx, flow, missing, username, req.url.pathname)
  }
  ctx.state.flows.delete(flow.id)
  const cookie = startSession(ctx, user)
  if (flow.deviceCode) {
    const grant = ctx.state.deviceGrants.get(flow.deviceCode)
    if (grant && grant.status === 'pending') {
      grant.status = 'approved'
      grant.user = user
    }
    const done = messagePage('You have signed in', `You have signed in to ${flow.app.name} on your device. You may now close this window.`, kind)
    return { status: 200, headers: { ...PAGE_HEADERS, 'set-cookie': cookie }, body: done }
  }
  const response = await completeAuthorize(ctx, flow, user)
  return { ...response, headers: { ...response.headers, 'set-cookie': cookie } }
}

async function completeAuthorize(ctx: IdentityContext, flow: Flow, user: SeedUser): Promise<SandboxResponse> {
  const fields: Record<string, string> = {}
  const types = flow.responseType.split(' ')
  if (types.includes('code')) {
    const code = `1.A${randomId(48)}`
    ctx.state.codes.set(code, {
      authority: flow.dialect.authority,
      clientId: flow.app.clientId,
      redirectUri: flow.redirectUri,
      challenge: flow.challenge,
      challengeMethod: flow.challengeMethod,
      user,
      scopes: flow.scopes,
      resource: flow.resource,
      nonce: flow.nonce,
      expiresAt: ctx.now() + CODE_TTL_MS,
      redeemed: false
    })
    fields.code = code
  }
  let accessToken: string | undefined
  if (types.includes('token')) {
    const resource = flow.resource ?? ctx.orgUrl
    accessToken = await userAccessToken(ctx, flow.dialect, { resource, user, clientId: flow.app.clientId, appidacr: '0', scopes: flow.scopes })
    fields.access_token = accessToken
    fields.token_type = 'Bearer'
    fields.expires_in = String(ctx.seed.accessTokenLifetimeSeconds)
    fields.scope = flow.dialect.grantedScope(flow.scopes, resource)
    if (flow.dialect.byResource) fields.resource = resource
  }
  if (types.includes('id_token')) fields.id_token = await idToken(ctx, flow.dialect, { user, clientId: flow.app.clientId, nonce: flow.nonce, ...(accessToken ? { accessToken } : {}) })
  if (flow.state !== null) fields.state = flow.state
  if (flow.dialect.entraExtras) fields.session_state = randomUUID()
  return deliver(flow.redirectUri, flow.responseMode, fields)
}

function deliver(redirectUri: string, mode: Flow['responseMode'], fields: Record<string, string>): SandboxResponse {
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

// ── The sign-in page's session (what makes prompt=none work) ─────────────────────────────────────────────────────

/** Cookies are not per port, so the name carries the pages port: two Sandboxes on one machine keep their own sessions. */
function cookieName(ctx: IdentityContext): string {
  return `orgbench_sandbox_session_${new URL(ctx.pages).port || '80'}`
}

function startSession(ctx: IdentityContext, user: SeedUser): string {
  const id = randomId(32)
  ctx.state.sessions.set(id, { user, expiresAt: ctx.now() + SESSION_TTL_MS })
  return `${cookieName(ctx)}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}`
}

function sessionId(ctx: IdentityContext, req: SandboxRequest): string | null {
  const name = cookieName(ctx)
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

export function currentSession(ctx: IdentityContext, req: SandboxRequest): Session | null {
  const id = sessionId(ctx, req)
  const session = id ? ctx.state.sessions.get(id) : undefined
  return session && session.expiresAt > ctx.now() ? session : null
}

/** Sign out: forget the session and tell the browser to drop its cookie. */
export function endSession(ctx: IdentityContext, req: SandboxRequest): Record<string, string> {
  const id = sessionId(ctx, req)
  if (id) ctx.state.sessions.delete(id)
  return { 'set-cookie': `${cookieName(ctx)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` }
}

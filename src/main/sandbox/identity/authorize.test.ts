import { createHash, randomUUID } from 'node:crypto'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHarness, type SandboxResult } from '../../testing/sandbox'
import { authority, AUTHORITIES, expectError, expectRedirectError, pkce, replyFields } from './testAuthorities'

let sb: SandboxHarness
let clock = Date.now()
beforeAll(async () => {
  sb = await startSandbox({ now: () => clock })
})
afterAll(() => sb.stop())

const redirectUri = 'http://localhost:53123'
const IMPLICIT = '0b5c6f4e-1a2b-4c3d-8e9f-000000000004'

describe.each(AUTHORITIES)('authorization code + PKCE (%s)', (kind) => {
  const a = () => authority(sb, kind)
  async function code(overrides: Record<string, string> = {}, password = sb.info.password) {
    const { verifier, challenge } = pkce()
    const res = await sb.signIn(a().authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default openid offline_access`, state: 'st-1', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256', ...overrides }), sb.info.user, password)
    return { res, verifier, location: res.headers.location ? new URL(res.headers.location) : null }
  }
  const redeem = (c: string, verifier: string, extra: Record<string, string> = {}) => a().token({ grant_type: 'authorization_code', client_id: sb.info.clients.public, code: c, redirect_uri: redirectUri, code_verifier: verifier, ...extra })

  it('signs in on the page, redirects to any loopback port with code and state, and redeems with the verifier', async () => {
    const page = await sb.send('GET', a().authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default`, login_hint: sb.info.user }))
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toContain('text/html')
    expect(page.text).toContain(`value="${sb.info.user}"`)
    const { res, verifier, location } = await code()
    expect(res.status).toBe(302)
    expect(location!.origin + location!.pathname).toBe('http://localhost:53123/')
    expect(location!.searchParams.get('state')).toBe('st-1')
    expect(location!.searchParams.has('session_state')).toBe(kind === 'entra')
    const r = await redeem(location!.searchParams.get('code')!, verifier)
    expect(r.status).toBe(200)
    const body = r.json<{ id_token: string; access_token: string; refresh_token: string }>()
    expect(decodeJwt(body.id_token).nonce).toBe('n-1')
    expect(decodeJwt(body.access_token).iss).toBe(a().issuer)
    expect(body.refresh_token).toBeTruthy()
  })

  it('accepts the plain PKCE method', async () => {
    const verifier = randomUUID() + randomUUID()
    const { location } = await code({ code_challenge: verifier, code_challenge_method: 'plain' })
    expect((await redeem(location!.searchParams.get('code')!, verifier)).status).toBe(200)
  })

  it('refuses the wrong verifier, a reused code, an expired one, another redirect URI, and a code of the other authority', async () => {
    const first = await code()
    expectError(kind, await redeem(first.location!.searchParams.get('code')!, 'x'.repeat(43)), { error: 'invalid_grant', aadsts: 501481 })
    const b = await code()
    expect((await redeem(b.location!.searchParams.get('code')!, b.verifier)).status).toBe(200)
    expectError(kind, await redeem(b.location!.searchParams.get('code')!, b.verifier), { error: 'invalid_grant', aadsts: 54005 })
    const c = await code()
    clock += 11 * 60_000
    try {
      expectError(kind, await redeem(c.location!.searchParams.get('code')!, c.verifier), { error: 'invalid_grant', aadsts: 70008 })
    } finally {
      clock = Date.now()
    }
    const d = await code()
    expectError(kind, await redeem(d.location!.searchParams.get('code')!, d.verifier, { redirect_uri: 'http://localhost:9/other' }), { error: 'invalid_grant', aadsts: 500112 })
    const other = authority(sb, kind === 'entra' ? 'oidc' : 'entra')
    const e = await code()
    const foreign = await other.token({ grant_type: 'authorization_code', client_id: sb.info.clients.public, code: e.location!.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: e.verifier })
    expectError(other.kind, foreign, { error: 'invalid_grant', aadsts: 9002313 })
  })

  it('shows an unregistered redirect URI and an unknown client on the page, never redirecting', async () => {
    const r = await sb.send('GET', a().authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: 'https://evil.example/callback', scope: `${sb.info.orgUrl}/.default` }))
    expect(r.status).toBe(400)
    expect(r.headers.location).toBeUndefined()
    expect(r.text).toContain('https://evil.example/callback')
    const unknown = await sb.send('GET', a().authorizeUrl({ client_id: randomUUID(), response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default` }))
    if (kind === 'entra') {
      expect(r.text).toContain('AADSTS50011')
      expect(unknown.text).toContain('AADSTS700016')
    } else {
      for (const page of [r, unknown]) expect(page.text).not.toContain('AADSTS')
      expect(r.text).toContain('invalid_request:')
      expect(unknown.text).toContain('invalid_client:')
    }
  })

  it('shows a wrong password on the page, and a cancel goes back to the app as access_denied', async () => {
    const wrong = (await code({}, 'nope')).res
    expect(wrong.status).toBe(400)
    expect(wrong.text).toContain(kind === 'entra' ? 'AADSTS50126' : 'invalid_grant:')
    const { challenge } = pkce()
    const cancel = await sb.signIn(a().authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default`, state: 's', code_challenge: challenge, code_challenge_method: 'S256' }), sb.info.user, sb.info.password, 'cancel')
    const fields = replyFields(cancel)
    expectRedirectError(kind, fields, { error: 'access_denied', aadsts: 65004 })
    expect(fields.get('state')).toBe('s')
  })

  it('sends invalid scopes and an unsupported response type back to the redirect URI', async () => {
    const scope = await sb.send('GET', a().authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, scope: 'https://other.crm.dynamics.com/.default', state: 'q' }))
    expectRedirectError(kind, replyFields(scope), { error: 'invalid_resource', aadsts: 500011, oidcError: 'invalid_scope' })
    const type = await sb.send('GET', a().authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code token id_token', redirect_uri: redirectUri, scope: 'openid', nonce: 'n' }))
    expectRedirectError(kind, replyFields(type), { error: 'unsupported_response_type', aadsts: 70005 })
  })
})

describe.each(AUTHORITIES)('implicit (%s)', (kind) => {
  const a = () => authority(sb, kind)
  const fragmentOf = (r: SandboxResult) => new URLSearchParams(new URL(r.headers.location!).hash.slice(1))

  it('is refused for apps that did not enable it, sent back to the redirect URI', async () => {
    const r = await sb.send('GET', a().authorizeUrl({ client_id: sb.info.clients.public, response_type: 'token', redirect_uri: 'http://localhost:5000', scope: `${sb.info.orgUrl}/.default`, state: 'x' }))
    expectRedirectError(kind, fragmentOf(r), { error: 'unsupported_response_type', aadsts: 700051, oidcError: 'unauthorized_client' })
  })

  it('returns an access token alone in the fragment (token)', async () => {
    const r = await sb.signIn(a().authorizeUrl({ client_id: IMPLICIT, response_type: 'token', redirect_uri: 'http://localhost:5000', scope: `${sb.info.orgUrl}/user_impersonation`, state: 'abc' }), sb.info.user, sb.info.password)
    const f = fragmentOf(r)
    expect(f.get('state')).toBe('abc')
    expect(f.get('token_type')).toBe('Bearer')
    expect(f.get('expires_in')).toBe('3599')
    expect(f.has('id_token')).toBe(false)
    expect(decodeJwt(f.get('access_token')!)).toMatchObject({ aud: sb.info.orgUrl, iss: a().issuer })
    expect((await sb.api('GET', '/WhoAmI', f.get('access_token')!)).status).toBe(200)
  })

  it('returns both tokens with id_token token: the id token carries the nonce (and at_hash on the standard authority)', async () => {
    const r = await sb.signIn(a().authorizeUrl({ client_id: IMPLICIT, response_type: 'id_token token', redirect_uri: 'http://localhost:5000', scope: `openid ${sb.info.orgUrl}/user_impersonation`, state: 'abc', nonce: 'n' }), sb.info.user, sb.info.password)
    const f = fragmentOf(r)
    const id = decodeJwt(f.get('id_token')!)
    expect(id.nonce).toBe('n')
    if (kind === 'oidc') {
      const hash = createHash('sha256').update(f.get('access_token')!).digest().subarray(0, 16).toString('base64url')
      expect(id).toMatchObject({ iss: sb.info.oidcAuthority, at_hash: hash, aud: IMPLICIT })
    }
  })

  it('needs openid in the scope and a nonce for an id token', async () => {
    const noOpenid = await sb.send('GET', a().authorizeUrl({ client_id: IMPLICIT, response_type: 'id_token token', redirect_uri: 'http://localhost:5000', scope: `${sb.info.orgUrl}/user_impersonation`, nonce: 'n' }))
    expectRedirectError(kind, fragmentOf(noOpenid), { error: 'invalid_scope', aadsts: 70011 })
    const noNonce = await sb.send('GET', a().authorizeUrl({ client_id: IMPLICIT, response_type: 'id_token token', redirect_uri: 'http://localhost:5000', scope: 'openid' }))
    expectRedirectError(kind, fragmentOf(noNonce), { error: 'invalid_request', aadsts: 900144 })
    expect(fragmentOf(noNonce).get('error_description')).toContain('nonce')
  })

  it('posts the tokens with form_post', async () => {
    const r = await sb.signIn(a().authorizeUrl({ client_id: IMPLICIT, response_type: 'token', redirect_uri: 'http://127.0.0.1:5000', scope: `${sb.info.orgUrl}/.default`, response_mode: 'form_post', state: 'fp' }), sb.info.user, sb.info.password)
    expect(r.status).toBe(200)
    expect(r.text).toContain('action="http://127.0.0.1:5000"')
    expect(r.text).toContain('name="access_token"')
    expect(r.text).toContain('name="state" value="fp"')
    expect(r.headers['content-security-policy']).toContain("script-src 'sha256-")
  })
})

describe('Entra v1 authorize', () => {
  it('accepts resource= for a code, and posts implicit tokens with form_post', async () => {
    const { verifier, challenge } = pkce()
    const res = await sb.signIn(`${sb.info.authority}/oauth2/authorize?${new URLSearchParams({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, resource: sb.info.orgUrl, code_challenge: challenge, code_challenge_method: 'S256' })}`, sb.info.user, sb.info.password)
    const c = new URL(res.headers.location!).searchParams.get('code')!
    const r = await sb.token({ grant_type: 'authorization_code', client_id: sb.info.clients.public, code: c, redirect_uri: redirectUri, code_verifier: verifier, resource: sb.info.orgUrl }, { version: 'v1' })
    expect(r.json()).toMatchObject({ resource: sb.info.orgUrl, expires_in: '3599' })
    expect(decodeJwt(r.json<{ id_token: string }>().id_token).ver).toBe('1.0')
    const implicit = await sb.signIn(`${sb.info.authority}/oauth2/authorize?${new URLSearchParams({ client_id: IMPLICIT, response_type: 'token', redirect_uri: 'http://127.0.0.1:5000', resource: sb.info.orgUrl, response_mode: 'form_post', state: 'fp' })}`, sb.info.user, sb.info.password)
    expect(implicit.text).toContain(`name="resource" value="${sb.info.orgUrl}"`)
    expect(implicit.text).toContain('name="scope" value="user_impersonation"')
  })
})

describe.each(AUTHORITIES)('prompt=none and the sign-in page\'s session (%s)', (kind) => {
  const a = () => authority(sb, kind)
  const silent = (cookie: string | null, extra: Record<string, string> = {}) =>
    sb.send('GET', a().authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default openid`, state: 'silent', prompt: 'none', ...extra }), cookie ? { headers: { cookie } } : {})

  it('answers login_required when the browser has no session', async () => {
    const r = await silent(null)
    expect(r.status).toBe(302)
    const fields = replyFields(r)
    expectRedirectError(kind, fields, { error: 'login_required', aadsts: 50058 })
    expect(fields.get('state')).toBe('silent')
    expectRedirectError(kind, replyFields(await silent('orgbench_sandbox_session_1=forged')), { error: 'login_required', aadsts: 50058 })
  })

  it('signs in without a page once the sign-in page set its session cookie, for the same user only', async () => {
    const signedIn = await sb.signIn(a().authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default` }), sb.info.user, sb.info.password)
    const setCookie = signedIn.headers['set-cookie']!
    expect(setCookie).toMatch(/^orgbench_sandbox_session_\d+=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/)
    const cookie = setCookie.split(';')[0]!
    const { verifier, challenge } = pkce()
    const r = await silent(`other=1; ${cookie}`, { code_challenge: challenge, code_challenge_method: 'S256', nonce: 'quiet' })
    expect(r.status).toBe(302)
    const fields = replyFields(r)
    expect(fields.get('state')).toBe('silent')
    const tokens = await a().token({ grant_type: 'authorization_code', client_id: sb.info.clients.public, code: fields.get('code')!, redirect_uri: redirectUri, code_verifier: verifier })
    expect(decodeJwt(tokens.json<{ id_token: string }>().id_token)).toMatchObject({ preferred_username: sb.info.user, nonce: 'quiet' })
    expectRedirectError(kind, replyFields(await silent(cookie, { login_hint: sb.info.mfaUser })), { error: 'login_required', aadsts: 50058 })
    if (kind === 'entra') {
      const out = await sb.send('GET', `${sb.info.pagesUrl}/${sb.info.tenantId}/oauth2/v2.0/logout`, { headers: { cookie } })
      expect(out.headers['set-cookie']).toContain('Max-Age=0')
      expectRedirectError(kind, replyFields(await silent(cookie)), { error: 'login_required', aadsts: 50058 })
    }
  })
})

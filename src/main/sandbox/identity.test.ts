import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfidentialClientApplication, PublicClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node'
import { decodeJwt, decodeProtectedHeader, importPKCS8, SignJWT } from 'jose'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHarness } from '../testing/sandbox'
import { certificateThumbprints } from '../core/tls/certificates'

let sb: SandboxHarness
let clock = Date.now()
beforeAll(async () => {
  sb = await startSandbox({ now: () => clock, seedOverrides: { deviceCodeIntervalSeconds: 1 } })
})
afterAll(() => sb.stop())

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}
const aadCode = (body: { error_codes?: number[] }) => body.error_codes?.[0]

function authorizeUrl(params: Record<string, string>, version: 'v1' | 'v2' = 'v2'): string {
  return `${sb.info.authority}/oauth2/${version === 'v2' ? 'v2.0/' : ''}authorize?${new URLSearchParams(params)}`
}

describe('discovery and keys', () => {
  it('sends browsers to sign-in pages on plain-HTTP loopback, and serves nothing else there', async () => {
    const page = await sb.send('GET', `${sb.info.pagesUrl}/${sb.info.tenantId}/oauth2/v2.0/authorize?client_id=${sb.info.clients.public}&response_type=code&redirect_uri=http://localhost:5000&scope=openid`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Sign in')
    expect((await sb.send('GET', `${sb.info.pagesUrl}/api/data/v9.2/WhoAmI`)).status).toBe(404)
    expect((await sb.send('POST', `${sb.info.pagesUrl}/${sb.info.tenantId}/oauth2/v2.0/token`)).status).toBe(404)
  })

  it('serves v2 and v1 OpenID configuration whose issuer has the authority host:port', async () => {
    const v2 = (await sb.send('GET', `${sb.info.authority}/v2.0/.well-known/openid-configuration`)).json()
    expect(v2).toMatchObject({ issuer: `${sb.info.authority}/v2.0`, token_endpoint: `${sb.info.authority}/oauth2/v2.0/token`, authorization_endpoint: `${sb.info.pagesUrl}/${sb.info.tenantId}/oauth2/v2.0/authorize`, device_authorization_endpoint: `${sb.info.authority}/oauth2/v2.0/devicecode` })
    const v1 = (await sb.send('GET', `${sb.info.authority}/.well-known/openid-configuration`)).json()
    expect(v1).toMatchObject({ issuer: `${sb.info.authority}/`, token_endpoint: `${sb.info.authority}/oauth2/token` })
    const byDomain = (await sb.send('GET', `${sb.info.orgUrl}/${sb.info.tenantDomain}/v2.0/.well-known/openid-configuration`)).json()
    expect(byDomain.issuer).toBe(`${sb.info.authority}/v2.0`)
    const common = (await sb.send('GET', `${sb.info.orgUrl}/common/v2.0/.well-known/openid-configuration`)).json()
    expect(common.issuer).toBe(`${sb.info.orgUrl}/{tenantid}/v2.0`)
  })

  it('publishes the signing key: tokens carry its kid', async () => {
    const jwks = (await sb.send('GET', `${sb.info.authority}/discovery/v2.0/keys`)).json<{ keys: Array<{ kid: string; kty: string; x5c: string[] }> }>()
    const token = await sb.appToken()
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', kid: decodeProtectedHeader(token).kid })
  })

  it('answers an unknown tenant with AADSTS90002', async () => {
    const r = await sb.send('GET', `${sb.info.orgUrl}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`)
    expect(r.status).toBe(400)
    expect(aadCode(r.json())).toBe(90002)
  })
})

describe('errors have Entra\'s shape', () => {
  it('includes error, AADSTS description with trace and correlation ids, error_codes, timestamp, ids and error_uri', async () => {
    const r = await sb.token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: 'wrong', scope: `${sb.info.orgUrl}/.default` }, { headers: { 'client-request-id': 'my-correlation-id' } })
    expect(r.status).toBe(401)
    const body = r.json<Record<string, unknown>>()
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215], correlation_id: 'my-correlation-id', trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/), timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/), error_uri: expect.stringContaining('code=7000215') })
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\. Ensure the secret being sent in the request is the client secret value, not the client secret ID.*\r\nTrace ID: .*\r\nCorrelation ID: my-correlation-id\r\nTimestamp: /s)
  })

  it.each([
    [{ client_id: 'x' }, 900144, "parameter: 'grant_type'"],
    [{ grant_type: 'client_credentials', client_id: randomUUID(), client_secret: 's', scope: 'x' }, 700016, 'was not found in the directory'],
    [{ grant_type: 'magic', client_id: '0b5c6f4e-1a2b-4c3d-8e9f-000000000002', client_secret: 'sandbox-secret-~Q8.v3n5T_demo' }, 70003, "unsupported grant type 'magic'"],
    [{ grant_type: 'client_credentials', client_id: '0b5c6f4e-1a2b-4c3d-8e9f-000000000002' }, 7000218, "'client_assertion' or 'client_secret'"],
    [{ grant_type: 'client_credentials', client_id: '0b5c6f4e-1a2b-4c3d-8e9f-000000000001' }, 7000218, "'client_assertion' or 'client_secret'"],
    [{ grant_type: 'client_credentials', client_id: '0b5c6f4e-1a2b-4c3d-8e9f-000000000001', client_secret: 'x' }, 700025, 'Client is public']
  ])('%o → AADSTS%i', async (params, code, text) => {
    const r = await sb.token(params as Record<string, string>)
    expect(aadCode(r.json())).toBe(code)
    expect(r.json<{ error_description: string }>().error_description).toContain(text)
  })
})

describe('client credentials', () => {
  it('issues an app-only Dataverse token for a secret (post and basic)', async () => {
    const post = await sb.token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, scope: `${sb.info.orgUrl}/.default` })
    expect(post.status).toBe(200)
    expect(post.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 })
    const claims = decodeJwt(post.json<{ access_token: string }>().access_token)
    expect(claims).toMatchObject({ aud: sb.info.orgUrl, iss: `${sb.info.authority}/`, tid: sb.info.tenantId, appid: sb.info.clients.secret, appidacr: '1', idtyp: 'app', ver: '1.0' })
    expect(claims.scp).toBeUndefined()
    const basic = await sb.token({ grant_type: 'client_credentials', scope: `${sb.info.orgUrl}/.default` }, { headers: { authorization: `Basic ${Buffer.from(`${sb.info.clients.secret}:${encodeURIComponent(sb.info.clientSecret)}`).toString('base64')}` } })
    expect(basic.status).toBe(200)
  })

  it('requires a /.default scope for this org, or a v1 resource', async () => {
    expect(aadCode((await sb.token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, scope: `${sb.info.orgUrl}/user_impersonation` })).json())).toBe(1002012)
    expect(aadCode((await sb.token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, scope: 'https://other.crm.dynamics.com/.default' })).json())).toBe(500011)
    const v1 = await sb.token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, resource: sb.info.orgUrl }, { version: 'v1' })
    expect(v1.json()).toMatchObject({ token_type: 'Bearer', expires_in: '3599', resource: sb.info.orgUrl, expires_on: expect.stringMatching(/^\d+$/) })
  })

  describe('signed client assertion (certificate)', () => {
    const aud = () => `${sb.info.authority}/oauth2/v2.0/token`
    async function assertion(claims: Record<string, unknown>, keyFile = sb.info.privateKeyFile, certFile = sb.info.certificateFile): Promise<string> {
      const key = await importPKCS8(readFileSync(keyFile, 'utf8'), 'RS256')
      const { x5t } = certificateThumbprints(readFileSync(certFile, 'utf8'))
      const now = Math.floor(clock / 1000)
      return new SignJWT({ iss: sb.info.clients.certificate, sub: sb.info.clients.certificate, aud: aud(), jti: randomUUID(), nbf: now, exp: now + 600, ...claims }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t }).sign(key)
    }
    const redeem = (client_assertion: string) =>
      sb.token({ grant_type: 'client_credentials', client_id: sb.info.clients.certificate, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion, scope: `${sb.info.orgUrl}/.default` })

    it('accepts an assertion signed with the registered certificate (appidacr 2)', async () => {
      const r = await redeem(await assertion({}))
      expect(r.status).toBe(200)
      expect(decodeJwt(r.json<{ access_token: string }>().access_token).appidacr).toBe('2')
    })

    it('rejects a replayed jti, a wrong audience, a wrong issuer, an expired assertion and an unknown key', async () => {
      const once = await assertion({ jti: 'fixed-jti' })
      expect((await redeem(once)).status).toBe(200)
      expect(aadCode((await redeem(once)).json())).toBe(700023)
      expect(aadCode((await redeem(await assertion({ aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' }))).json())).toBe(700212)
      expect(aadCode((await redeem(await assertion({ iss: 'someone-else' }))).json())).toBe(700021)
      expect(aadCode((await redeem(await assertion({ nbf: Math.floor(clock / 1000) - 7200, exp: Math.floor(clock / 1000) - 3600 }))).json())).toBe(700024)
      const otherKey = `${sb.dataDir}/sandbox/token-signing-key.pem`
      const r = await redeem(await assertion({}, otherKey, `${sb.dataDir}/sandbox/token-signing.pem`))
      expect(aadCode(r.json())).toBe(700027)
      expect(r.json<{ error_description: string }>().error_description).toContain('Thumbprint of key used by client')
    })
  })
})

class SandboxNetwork implements INetworkModule {
  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options)
  }
  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options)
  }
  private async send<T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const res = await request(url, { method, dispatcher: sb.agent, headers: options?.headers ?? {}, body: options?.body ?? null })
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v
    return { status: res.statusCode, headers, body: (await res.body.json()) as T }
  }
}

describe('msal-node against the Sandbox', () => {
  const system = () => ({ networkClient: new SandboxNetwork() })
  const known = () => [new URL(sb.info.authority).host]

  it('client credentials with a secret, then from its cache', async () => {
    const cca = new ConfidentialClientApplication({ auth: { clientId: sb.info.clients.secret, authority: sb.info.authority, clientSecret: sb.info.clientSecret, knownAuthorities: known() }, system: system() })
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${sb.info.orgUrl}/.default`] })
    expect(result?.accessToken).toBeTruthy()
    expect(decodeJwt(result!.accessToken).aud).toBe(sb.info.orgUrl)
    const who = await sb.api('GET', '/WhoAmI', result!.accessToken)
    expect(who.status).toBe(200)
    const again = await cca.acquireTokenByClientCredential({ scopes: [`${sb.info.orgUrl}/.default`] })
    expect(again?.fromCache).toBe(true)
  })

  it('client credentials with the demo certificate', async () => {
    const cca = new ConfidentialClientApplication({
      auth: { clientId: sb.info.clients.certificate, authority: sb.info.authority, knownAuthorities: known(), clientCertificate: { thumbprintSha256: createHash('sha256').update(certificateThumbprints(readFileSync(sb.info.certificateFile, 'utf8')).der).digest('hex'), privateKey: readFileSync(sb.info.privateKeyFile, 'utf8') } },
      system: system()
    })
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${sb.info.orgUrl}/.default`] })
    expect(decodeJwt(result!.accessToken).appidacr).toBe('2')
  })

  it('surfaces the AADSTS error of a bad secret', async () => {
    const cca = new ConfidentialClientApplication({ auth: { clientId: sb.info.clients.secret, authority: sb.info.authority, clientSecret: 'wrong', knownAuthorities: known() }, system: system() })
    await expect(cca.acquireTokenByClientCredential({ scopes: [`${sb.info.orgUrl}/.default`] })).rejects.toThrow(/AADSTS7000215/)
  })

  it('resource owner password with client_info, then silent from the cache', async () => {
    const pca = new PublicClientApplication({ auth: { clientId: sb.info.clients.public, authority: sb.info.authority, knownAuthorities: known() }, system: system() })
    const result = await pca.acquireTokenByUsernamePassword({ scopes: [`${sb.info.orgUrl}/user_impersonation`], username: sb.info.user, password: sb.info.password })
    expect(result?.account?.username).toBe(sb.info.user)
    const silent = await pca.acquireTokenSilent({ account: result!.account!, scopes: [`${sb.info.orgUrl}/user_impersonation`] })
    expect(silent.fromCache).toBe(true)
  })
})

describe('resource owner password', () => {
  const ropc = (username: string, password: string, client = sb.info.clients.public) => sb.token({ grant_type: 'password', client_id: client, username, password, scope: `${sb.info.orgUrl}/user_impersonation openid profile offline_access`, client_info: '1' })

  it('issues delegated, id and refresh tokens shaped like Entra\'s', async () => {
    const r = await ropc(sb.info.user, sb.info.password)
    expect(r.status).toBe(200)
    const body = r.json<{ access_token: string; id_token: string; refresh_token: string; client_info: string; scope: string }>()
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: sb.info.orgUrl, scp: 'user_impersonation', upn: sb.info.user, idtyp: 'user', tid: sb.info.tenantId, ver: '1.0', appid: sb.info.clients.public })
    expect(decodeJwt(body.id_token)).toMatchObject({ aud: sb.info.clients.public, iss: `${sb.info.authority}/v2.0`, preferred_username: sb.info.user, ver: '2.0' })
    expect(JSON.parse(Buffer.from(body.client_info, 'base64url').toString())).toEqual({ uid: decodeJwt(body.access_token).oid, utid: sb.info.tenantId })
    expect(body.scope).toContain(`${sb.info.orgUrl}/user_impersonation`)
    expect(body.refresh_token).toBeTruthy()
  })

  it('AADSTS50126 for a wrong password, AADSTS50076 for an MFA user, AADSTS7000218 without public client flows', async () => {
    expect(aadCode((await ropc(sb.info.user, 'nope')).json())).toBe(50126)
    const mfa = (await ropc(sb.info.mfaUser, sb.info.password)).json<{ suberror: string; error_codes: number[] }>()
    expect(aadCode(mfa)).toBe(50076)
    expect(mfa.suberror).toBe('basic_action')
    expect(aadCode((await ropc(sb.info.user, sb.info.password, sb.info.clients.implicit)).json())).toBe(7000218)
  })

  it('rejects scopes for another resource (AADSTS500011) and unknown permissions (AADSTS70011)', async () => {
    const r = await sb.token({ grant_type: 'password', client_id: sb.info.clients.public, username: sb.info.user, password: sb.info.password, scope: 'https://contoso.crm.dynamics.com/.default' })
    expect(aadCode(r.json())).toBe(500011)
    const s = await sb.token({ grant_type: 'password', client_id: sb.info.clients.public, username: sb.info.user, password: sb.info.password, scope: `${sb.info.orgUrl}/Everything.ReadWrite` })
    expect(aadCode(s.json())).toBe(70011)
  })
})

describe('authorization code + PKCE', () => {
  const redirectUri = 'http://localhost:53123'
  async function code(overrides: Record<string, string> = {}, user = sb.info.user, password = sb.info.password) {
    const { verifier, challenge } = pkce()
    const res = await sb.signIn(authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default openid offline_access`, state: 'st-1', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256', ...overrides }), user, password)
    return { res, verifier, location: res.headers.location ? new URL(res.headers.location) : null }
  }
  const redeem = (c: string, verifier: string, extra: Record<string, string> = {}) => sb.token({ grant_type: 'authorization_code', client_id: sb.info.clients.public, code: c, redirect_uri: redirectUri, code_verifier: verifier, ...extra })

  it('signs in on the page, redirects to any loopback port with code and state, and redeems with the verifier', async () => {
    const page = await sb.send('GET', authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default`, login_hint: sb.info.user }))
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toContain('text/html')
    expect(page.text).toContain(`value="${sb.info.user}"`)
    const { res, verifier, location } = await code()
    expect(res.status).toBe(302)
    expect(location!.origin + location!.pathname).toBe('http://localhost:53123/')
    expect(location!.searchParams.get('state')).toBe('st-1')
    const r = await redeem(location!.searchParams.get('code')!, verifier)
    expect(r.status).toBe(200)
    expect(decodeJwt(r.json<{ id_token: string }>().id_token).nonce).toBe('n-1')
  })

  it('AADSTS501481 for the wrong verifier, AADSTS54005 for a reused code, AADSTS70008 for an expired one, AADSTS500112 for another redirect', async () => {
    const a = await code()
    expect(aadCode((await redeem(a.location!.searchParams.get('code')!, 'x'.repeat(43))).json())).toBe(501481)
    const b = await code()
    expect((await redeem(b.location!.searchParams.get('code')!, b.verifier)).status).toBe(200)
    expect(aadCode((await redeem(b.location!.searchParams.get('code')!, b.verifier)).json())).toBe(54005)
    const c = await code()
    clock += 11 * 60_000
    expect(aadCode((await redeem(c.location!.searchParams.get('code')!, c.verifier)).json())).toBe(70008)
    clock = Date.now()
    const d = await code()
    expect(aadCode((await redeem(d.location!.searchParams.get('code')!, d.verifier, { redirect_uri: 'http://localhost:9/other' })).json())).toBe(500112)
  })

  it('shows AADSTS50011 for an unregistered redirect URI on the page and never redirects', async () => {
    const r = await sb.send('GET', authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: 'https://evil.example/callback', scope: `${sb.info.orgUrl}/.default` }))
    expect(r.status).toBe(400)
    expect(r.headers.location).toBeUndefined()
    expect(r.text).toContain('AADSTS50011')
    expect(r.text).toContain('https://evil.example/callback')
  })

  it('shows AADSTS700016 for an unknown client on the page', async () => {
    const r = await sb.send('GET', authorizeUrl({ client_id: randomUUID(), response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default` }))
    expect(r.text).toContain('AADSTS700016')
  })

  it('shows a wrong password on the page (AADSTS50126), and a cancel goes back to the app as access_denied', async () => {
    const wrong = (await code({}, sb.info.user, 'nope')).res
    expect(wrong.status).toBe(400)
    expect(wrong.text).toContain('AADSTS50126')
    const { verifier: _v, challenge } = pkce()
    const cancel = await sb.signIn(authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default`, state: 's', code_challenge: challenge, code_challenge_method: 'S256' }), sb.info.user, sb.info.password, 'cancel')
    const location = new URL(cancel.headers.location!)
    expect(location.searchParams.get('error')).toBe('access_denied')
    expect(location.searchParams.get('error_description')).toMatch(/^AADSTS65004/)
    expect(location.searchParams.get('state')).toBe('s')
  })

  it('sends invalid scopes back to the redirect URI with the AADSTS code', async () => {
    const r = await sb.send('GET', authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, scope: 'https://other.crm.dynamics.com/.default', state: 'q' }))
    const location = new URL(r.headers.location!)
    expect(location.searchParams.get('error')).toBe('invalid_resource')
    expect(location.searchParams.get('error_description')).toMatch(/^AADSTS500011/)
  })

  it('rotates refresh tokens: each works once', async () => {
    const { location, verifier } = await code()
    const first = (await redeem(location!.searchParams.get('code')!, verifier)).json<{ refresh_token: string }>()
    const refresh = (rt: string) => sb.token({ grant_type: 'refresh_token', client_id: sb.info.clients.public, refresh_token: rt, scope: `${sb.info.orgUrl}/.default offline_access` })
    const second = await refresh(first.refresh_token)
    expect(second.status).toBe(200)
    expect(second.json<{ refresh_token: string }>().refresh_token).not.toBe(first.refresh_token)
    expect(aadCode((await refresh(first.refresh_token)).json())).toBe(70000)
    expect((await refresh(second.json<{ refresh_token: string }>().refresh_token)).status).toBe(200)
  })

  it('requires an Origin header for a single-page app (AADSTS9002327)', async () => {
    const { verifier, challenge } = pkce()
    const res = await sb.signIn(authorizeUrl({ client_id: sb.info.clients.spa, response_type: 'code', redirect_uri: redirectUri, scope: `${sb.info.orgUrl}/.default`, code_challenge: challenge, code_challenge_method: 'S256' }), sb.info.user, sb.info.password)
    const c = new URL(res.headers.location!).searchParams.get('code')!
    const params = { grant_type: 'authorization_code', client_id: sb.info.clients.spa, code: c, redirect_uri: redirectUri, code_verifier: verifier }
    expect(aadCode((await sb.token(params)).json())).toBe(9002327)
    expect((await sb.token(params, { headers: { origin: 'http://localhost:53123' } })).status).toBe(200)
  })

  it('accepts the v1 endpoint with resource=', async () => {
    const { verifier, challenge } = pkce()
    const res = await sb.signIn(authorizeUrl({ client_id: sb.info.clients.public, response_type: 'code', redirect_uri: redirectUri, resource: sb.info.orgUrl, code_challenge: challenge, code_challenge_method: 'S256' }, 'v1'), sb.info.user, sb.info.password)
    const c = new URL(res.headers.location!).searchParams.get('code')!
    const r = await sb.token({ grant_type: 'authorization_code', client_id: sb.info.clients.public, code: c, redirect_uri: redirectUri, code_verifier: verifier, resource: sb.info.orgUrl }, { version: 'v1' })
    expect(r.json()).toMatchObject({ resource: sb.info.orgUrl, expires_in: '3599' })
    expect(decodeJwt(r.json<{ id_token: string }>().id_token).ver).toBe('1.0')
  })
})

describe('implicit', () => {
  it('is refused for apps that did not enable it (AADSTS700051), sent back to the redirect URI', async () => {
    const r = await sb.send('GET', authorizeUrl({ client_id: sb.info.clients.public, response_type: 'token', redirect_uri: 'http://localhost:5000', scope: `${sb.info.orgUrl}/.default`, state: 'x' }))
    const fragment = new URLSearchParams(new URL(r.headers.location!).hash.slice(1))
    expect(fragment.get('error')).toBe('unsupported_response_type')
    expect(fragment.get('error_description')).toMatch(/^AADSTS700051: response_type 'token' is not enabled/)
  })

  it('returns tokens in the fragment (v2 scope=) with state', async () => {
    const r = await sb.signIn(authorizeUrl({ client_id: sb.info.clients.implicit, response_type: 'id_token token', redirect_uri: 'http://localhost:5000', scope: `openid ${sb.info.orgUrl}/user_impersonation`, state: 'abc', nonce: 'n' }), sb.info.user, sb.info.password)
    const fragment = new URLSearchParams(new URL(r.headers.location!).hash.slice(1))
    expect(fragment.get('state')).toBe('abc')
    expect(fragment.get('token_type')).toBe('Bearer')
    expect(decodeJwt(fragment.get('access_token')!).aud).toBe(sb.info.orgUrl)
    expect(decodeJwt(fragment.get('id_token')!).nonce).toBe('n')
  })

  it('posts the tokens with form_post (v1 resource=)', async () => {
    const r = await sb.signIn(authorizeUrl({ client_id: sb.info.clients.implicit, response_type: 'token', redirect_uri: 'http://127.0.0.1:5000', resource: sb.info.orgUrl, response_mode: 'form_post', state: 'fp' }, 'v1'), sb.info.user, sb.info.password)
    expect(r.status).toBe(200)
    expect(r.text).toContain('action="http://127.0.0.1:5000"')
    expect(r.text).toContain('name="access_token"')
    expect(r.text).toContain('name="state" value="fp"')
    expect(r.headers['content-security-policy']).toContain("script-src 'sha256-")
  })

  it('requires a nonce for id tokens', async () => {
    const r = await sb.send('GET', authorizeUrl({ client_id: sb.info.clients.implicit, response_type: 'id_token', redirect_uri: 'http://localhost:5000', scope: 'openid', state: 'x' }))
    expect(new URLSearchParams(new URL(r.headers.location!).hash.slice(1)).get('error_description')).toMatch(/'nonce'/)
  })
})

describe('device code', () => {
  async function start() {
    return (await sb.send('POST', `${sb.info.authority}/oauth2/v2.0/devicecode`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: sb.info.clients.public, scope: `${sb.info.orgUrl}/.default offline_access` }).toString() })).json<{ device_code: string; user_code: string; verification_uri: string; interval: number; message: string }>()
  }
  const poll = (device_code: string) => sb.token({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: sb.info.clients.public, device_code })

  async function approve(userCode: string, action: 'accept' | 'cancel' = 'accept') {
    const page = await sb.send('POST', `${sb.info.orgUrl}/devicelogin`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ user_code: userCode }).toString() })
    const flow = /name="flow" value="([^"]+)"/.exec(page.text)![1]!
    return sb.send('POST', `${sb.info.orgUrl}/devicelogin`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ flow, username: sb.info.user, password: sb.info.password, consent: 'accept', action }).toString() })
  }

  it('is pending (AADSTS70016), then slow_down when polled too fast, then issues tokens once approved on the device page', async () => {
    const d = await start()
    expect(d).toMatchObject({ verification_uri: `${sb.info.pagesUrl}/devicelogin`, interval: 1, message: expect.stringContaining(d.user_code) })
    const first = await poll(d.device_code)
    expect(first.json()).toMatchObject({ error: 'authorization_pending', error_codes: [70016] })
    expect((await poll(d.device_code)).json<{ error: string }>().error).toBe('slow_down')
    const done = await approve(d.user_code)
    expect(done.text).toContain('You have signed in')
    const r = await poll(d.device_code)
    expect(r.status).toBe(200)
    expect(decodeJwt(r.json<{ access_token: string }>().access_token).upn).toBe(sb.info.user)
    expect(aadCode((await poll(d.device_code)).json())).toBe(70000)
  })

  it('expires (AADSTS70019), declines (authorization_declined) and rejects a wrong code on the page (AADSTS70018)', async () => {
    const expired = await start()
    clock += 16 * 60_000
    expect((await poll(expired.device_code)).json()).toMatchObject({ error: 'expired_token', error_codes: [70019] })
    clock = Date.now()
    const declined = await start()
    await approve(declined.user_code, 'cancel')
    expect((await poll(declined.device_code)).json<{ error: string }>().error).toBe('authorization_declined')
    const wrong = await sb.send('POST', `${sb.info.orgUrl}/devicelogin`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user_code=NOPE1234' })
    expect(wrong.text).toContain('AADSTS70018')
  })
})

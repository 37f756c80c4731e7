import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHarness } from '../../testing/sandbox'
import { defaultSeed } from '../seed'
import { TokenSigner } from '../tokens'
import { authority, AUTHORITIES, expectError, pkce } from './testAuthorities'

let sb: SandboxHarness
beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(() => sb.stop())

const scopes = (...extra: string[]) => [`${sb.info.orgUrl}/user_impersonation`, ...extra].join(' ')

describe.each(AUTHORITIES)('resource owner password (%s)', (kind) => {
  const a = () => authority(sb, kind)
  const ropc = (username: string, password: string, scope = scopes('openid', 'profile', 'offline_access'), client = sb.info.clients.public) =>
    a().token({ grant_type: 'password', client_id: client, username, password, scope, client_info: '1' })

  it('issues delegated, id and refresh tokens shaped as the authority issues them', async () => {
    const r = await ropc(sb.info.user, sb.info.password)
    expect(r.status).toBe(200)
    const body = r.json<{ access_token: string; id_token: string; refresh_token: string; client_info?: string; scope: string }>()
    const access = decodeJwt(body.access_token)
    const id = decodeJwt(body.id_token)
    expect(access).toMatchObject({ aud: sb.info.orgUrl, iss: a().issuer, scp: 'user_impersonation' })
    expect(id).toMatchObject({ aud: sb.info.clients.public, preferred_username: sb.info.user })
    expect(body.scope).toContain(`${sb.info.orgUrl}/user_impersonation`)
    expect(body.refresh_token).toBeTruthy()
    // v2 id tokens name their key by kid only; v1 access tokens carry x5t too, as Entra's do.
    expect(decodeProtectedHeader(body.id_token)).not.toHaveProperty('x5t')
    if (kind === 'entra') {
      expect(access).toMatchObject({ upn: sb.info.user, idtyp: 'user', tid: sb.info.tenantId, ver: '1.0', appid: sb.info.clients.public })
      expect(decodeProtectedHeader(body.access_token)).toMatchObject({ x5t: expect.any(String) })
      expect(id).toMatchObject({ iss: `${sb.info.authority}/v2.0`, ver: '2.0' })
      expect(JSON.parse(Buffer.from(body.client_info!, 'base64url').toString())).toEqual({ uid: access.oid, utid: sb.info.tenantId })
    } else {
      expect(access).toMatchObject({ sub: access.oid, client_id: sb.info.clients.public, preferred_username: sb.info.user })
      expect(id).toMatchObject({ iss: sb.info.oidcAuthority, sub: access.oid, azp: sb.info.clients.public })
      for (const entraOnly of ['tid', 'ver', 'uti', 'rh']) expect(id, entraOnly).not.toHaveProperty(entraOnly)
      expect(body.client_info).toBeUndefined()
      expect(body.scope.split(' ').sort()).toEqual(['offline_access', 'openid', 'profile', `${sb.info.orgUrl}/user_impersonation`].sort())
    }
  })

  it('gives a refresh token only for offline_access, and an id token only for openid', async () => {
    const plain = (await ropc(sb.info.user, sb.info.password, scopes())).json<Record<string, unknown>>()
    expect(plain.access_token).toBeTruthy()
    expect(plain).not.toHaveProperty('refresh_token')
    expect(plain).not.toHaveProperty('id_token')
    const openid = (await ropc(sb.info.user, sb.info.password, scopes('openid'))).json<Record<string, unknown>>()
    expect(openid).toHaveProperty('id_token')
    expect(openid).not.toHaveProperty('refresh_token')
  })

  it('refuses a wrong password, an MFA user and scopes of another resource or permission', async () => {
    expectError(kind, await ropc(sb.info.user, 'nope'), { error: 'invalid_grant', aadsts: 50126 })
    const mfa = await ropc(sb.info.mfaUser, sb.info.password)
    expectError(kind, mfa, { error: 'invalid_grant', aadsts: 50076 })
    if (kind === 'entra') expect(mfa.json<{ suberror: string }>().suberror).toBe('basic_action')
    expectError(kind, await ropc(sb.info.user, sb.info.password, 'https://contoso.crm.dynamics.com/.default'), { error: 'invalid_resource', aadsts: 500011, oidcError: 'invalid_scope' })
    expectError(kind, await ropc(sb.info.user, sb.info.password, `${sb.info.orgUrl}/Everything.ReadWrite`), { error: 'invalid_scope', aadsts: 70011 })
  })

  it('rotates refresh tokens (each works once) and honours them only at the authority that issued them', async () => {
    const first = (await ropc(sb.info.user, sb.info.password)).json<{ refresh_token: string }>()
    const refresh = (rt: string, at = a()) => at.token({ grant_type: 'refresh_token', client_id: sb.info.clients.public, refresh_token: rt, scope: scopes('offline_access') })
    const other = authority(sb, kind === 'entra' ? 'oidc' : 'entra')
    expectError(other.kind, await refresh(first.refresh_token, other), { error: 'invalid_grant', aadsts: 70000 })
    const second = await refresh(first.refresh_token)
    expect(second.status).toBe(200)
    const rotated = second.json<{ refresh_token: string; access_token: string }>()
    expect(rotated.refresh_token).not.toBe(first.refresh_token)
    expect(decodeJwt(rotated.access_token).iss).toBe(a().issuer)
    expectError(kind, await refresh(first.refresh_token), { error: 'invalid_grant', aadsts: 70000 })
    expect((await refresh(rotated.refresh_token)).status).toBe(200)
  })
})

describe('Entra v1 tokens', () => {
  it('v1 id tokens, like v1 access tokens, are issued by sts.windows.net', async () => {
    const r = await sb.token({ grant_type: 'password', client_id: sb.info.clients.public, username: sb.info.user, password: sb.info.password, resource: sb.info.orgUrl }, { version: 'v1' })
    const body = r.json<{ access_token: string; id_token: string; refresh_token: string }>()
    expect(decodeJwt(body.id_token)).toMatchObject({ iss: `https://sts.windows.net/${sb.info.tenantId}/`, ver: '1.0', upn: sb.info.user })
    expect(decodeJwt(body.access_token).iss).toBe(`https://sts.windows.net/${sb.info.tenantId}/`)
    expect(body.refresh_token).toBeTruthy()
  })
})

describe('the Web API and the token issuers', () => {
  it('accepts delegated tokens from both authorities for the same user, and refuses a token of another issuer', async () => {
    const users = []
    for (const kind of AUTHORITIES) {
      const r = await authority(sb, kind).token({ grant_type: 'password', client_id: sb.info.clients.public, username: sb.info.user, password: sb.info.password, scope: scopes() })
      const who = await sb.api('GET', '/WhoAmI', r.json<{ access_token: string }>().access_token)
      expect(who.status, kind).toBe(200)
      users.push(who.json<{ UserId: string }>().UserId)
    }
    expect(users[0]).toBe(users[1])
    const dir = `${sb.dataDir}/sandbox`
    const signer = await TokenSigner.create(readFileSync(`${dir}/token-signing-key.pem`, 'utf8'), readFileSync(`${dir}/token-signing.pem`, 'utf8'))
    const now = Math.floor(Date.now() / 1000)
    const good = decodeJwt(await sb.appToken())
    for (const iss of [`${sb.info.authority}/`, 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/', `${sb.info.orgUrl}/oidc/`]) {
      const forged = await signer.sign({ ...good, iss, iat: now, nbf: now, exp: now + 600 })
      const r = await sb.api('GET', '/WhoAmI', forged)
      expect(r.status, iss).toBe(401)
      expect(r.headers['x-orgbench-sandbox-reason']).toContain('issuer')
    }
  })
})

describe.each(AUTHORITIES)('the token endpoint as a single-page app sees it (%s)', (kind) => {
  const a = () => authority(sb, kind)
  const origin = 'http://localhost:53123'

  it('answers the CORS preflight: the origin echoed, POST allowed, the asked headers allowed', async () => {
    const r = await sb.send('OPTIONS', a().tokenUrl, { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-client-sku' } })
    expect(r.status).toBe(204)
    expect(r.headers['access-control-allow-origin']).toBe(origin)
    expect(r.headers['access-control-allow-methods']).toContain('POST')
    expect(r.headers['access-control-allow-headers']).toBe('content-type,x-client-sku')
    expect(r.headers.vary).toBe('Origin')
    const discovery = kind === 'entra' ? `${sb.info.authority}/v2.0/.well-known/openid-configuration` : `${sb.info.oidcAuthority}/.well-known/openid-configuration`
    expect((await sb.send('GET', discovery, { headers: { origin } })).headers['access-control-allow-origin']).toBe('*')
  })

  it('redeems the SPA client\'s code cross-origin with the origin echoed, on errors too', async () => {
    const { verifier, challenge } = pkce()
    const res = await sb.signIn(a().authorizeUrl({ client_id: sb.info.clients.spa, response_type: 'code', redirect_uri: origin, scope: scopes(), code_challenge: challenge, code_challenge_method: 'S256' }), sb.info.user, sb.info.password)
    const code = new URL(res.headers.location!).searchParams.get('code')!
    const params = { grant_type: 'authorization_code', client_id: sb.info.clients.spa, code, redirect_uri: origin, code_verifier: verifier }
    if (kind === 'entra') expectError(kind, await a().token(params), { error: 'invalid_request', aadsts: 9002327 })
    const ok = await a().token(params, { origin })
    expect(ok.status).toBe(200)
    expect(ok.headers['access-control-allow-origin']).toBe(origin)
    const again = await a().token(params, { origin })
    expect(again.status).toBe(400)
    expect(again.headers['access-control-allow-origin']).toBe(origin)
  })
})

describe('the standard authority\'s userinfo endpoint', () => {
  it('names the user of one of its access tokens, and refuses other tokens with RFC 6750 challenges', async () => {
    const oidc = authority(sb, 'oidc')
    const userinfo = (token: string | null) => sb.send('GET', `${sb.info.oidcAuthority}/userinfo`, token ? { headers: { authorization: `Bearer ${token}` } } : {})
    const user = (await oidc.token({ grant_type: 'password', client_id: sb.info.clients.public, username: sb.info.user, password: sb.info.password, scope: scopes('openid') })).json<{ access_token: string }>().access_token
    const r = await userinfo(user)
    expect(r.status).toBe(200)
    expect(r.json()).toMatchObject({ sub: decodeJwt(user).sub, preferred_username: sb.info.user, name: expect.any(String) })
    const none = await userinfo(null)
    expect(none.status).toBe(401)
    expect(none.headers['www-authenticate']).toBe(`Bearer realm="${sb.info.oidcAuthority}"`)
    const app = (await oidc.token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, scope: `${sb.info.orgUrl}/.default` })).json<{ access_token: string }>().access_token
    for (const token of [await sb.userToken(), app, 'not-a-jwt']) {
      const refused = await userinfo(token)
      expect(refused.status).toBe(401)
      expect(refused.json<{ error: string }>().error).toBe('invalid_token')
      expect(refused.headers['www-authenticate']).toContain('error="invalid_token"')
    }
  })
})

describe('a short token lifetime (accessTokenLifetimeSeconds)', () => {
  it('issues tokens that expire after it, and the Web API answers 401 once they have', async () => {
    let clock = Date.now()
    const short = await startSandbox({ now: () => clock, seedOverrides: { accessTokenLifetimeSeconds: 5 } })
    try {
      for (const kind of AUTHORITIES) {
        const r = await authority(short, kind).token({ grant_type: 'client_credentials', client_id: short.info.clients.secret, client_secret: short.info.clientSecret, scope: `${short.info.orgUrl}/.default` })
        expect(r.json<{ expires_in: number }>().expires_in).toBe(5)
        const token = r.json<{ access_token: string }>().access_token
        const claims = decodeJwt(token)
        expect(claims.exp! - claims.iat!).toBe(5)
        expect((await short.api('GET', '/WhoAmI', token)).status).toBe(200)
        clock += 6_000
        const expired = await short.api('GET', '/WhoAmI', token)
        expect(expired.status).toBe(401)
        expect(expired.headers['x-orgbench-sandbox-reason']).toContain('expired')
        clock = Date.now()
      }
    } finally {
      await short.stop()
    }
  })

  it('reads the lifetime an earlier seed.json named tokenLifetimeSeconds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orgbench-seed-'))
    try {
      mkdirSync(join(dataDir, 'sandbox'))
      const { accessTokenLifetimeSeconds: _, ...legacy } = { ...defaultSeed('unused'), tokenLifetimeSeconds: 120 }
      writeFileSync(join(dataDir, 'sandbox', 'seed.json'), JSON.stringify(legacy))
      const old = await startSandbox({ dataDir })
      try {
        expect(old.info.problems).toEqual([])
        const r = await old.token({ grant_type: 'password', client_id: old.info.clients.public, username: old.info.user, password: old.info.password, scope: `${old.info.orgUrl}/.default` })
        expect(r.json<{ expires_in: number }>().expires_in).toBe(120)
      } finally {
        await old.stop()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

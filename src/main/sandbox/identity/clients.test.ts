import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { decodeJwt, decodeProtectedHeader, importPKCS8, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificateThumbprints } from '../../core/tls/certificates'
import { startSandbox, type SandboxHarness } from '../../testing/sandbox'
import { authority, AUTHORITIES, expectError } from './testAuthorities'

let sb: SandboxHarness
beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(() => sb.stop())

const SECRET_CLIENT = '0b5c6f4e-1a2b-4c3d-8e9f-000000000002'
const PUBLIC_CLIENT = '0b5c6f4e-1a2b-4c3d-8e9f-000000000001'

describe('Entra\'s error shape', () => {
  it('includes error, AADSTS description with trace and correlation ids, error_codes, timestamp, ids and error_uri', async () => {
    const r = await sb.token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: 'wrong', scope: `${sb.info.orgUrl}/.default` }, { headers: { 'client-request-id': 'my-correlation-id' } })
    expect(r.status).toBe(401)
    const body = r.json<Record<string, unknown>>()
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215], correlation_id: 'my-correlation-id', trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/), timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/), error_uri: expect.stringContaining('code=7000215') })
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\. Ensure the secret being sent in the request is the client secret value, not the client secret ID.*\r\nTrace ID: .*\r\nCorrelation ID: my-correlation-id\r\nTimestamp: /s)
  })

  it('says once which methods the token endpoint takes', async () => {
    const r = await sb.send('GET', `${sb.info.authority}/oauth2/v2.0/token`)
    expect(r.json<{ error_description: string }>().error_description).toMatch(/^AADSTS90023: The endpoint only accepts POST, OPTIONS requests\. Received a GET request\./)
  })
})

describe('the standard authority\'s error shape (RFC 6749 §5.2)', () => {
  it('is exactly error and error_description, 401 with a WWW-Authenticate challenge for client authentication', async () => {
    const r = await authority(sb, 'oidc').token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: 'wrong', scope: `${sb.info.orgUrl}/.default` }, { 'client-request-id': 'x' })
    expectError('oidc', r, { error: 'invalid_client', aadsts: 7000215, status: 401 })
    expect(r.headers['www-authenticate']).toBe(`Basic realm="${sb.info.oidcAuthority}"`)
    expect(r.headers['content-type']).toMatch(/^application\/json/)
  })

  it('answers a GET to the token endpoint with 405 and the methods it allows', async () => {
    const r = await sb.send('GET', `${sb.info.oidcAuthority}/token`)
    expect(r.status).toBe(405)
    expect(r.headers.allow).toBe('POST, OPTIONS')
    expect(r.json()).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('POST') })
  })
})

describe.each(AUTHORITIES)('token endpoint errors (%s)', (kind) => {
  it.each([
    ['no grant_type', { client_id: 'x' }, { error: 'invalid_request', aadsts: 900144 }],
    ['an unknown client', { grant_type: 'client_credentials', client_id: randomUUID(), client_secret: 's', scope: 'x' }, { error: 'unauthorized_client', aadsts: 700016, oidcError: 'invalid_client', status: kind === 'entra' ? 400 : 401 }],
    ['an unknown grant type', { grant_type: 'magic', client_id: SECRET_CLIENT, client_secret: 'sandbox-secret-~Q8.v3n5T_demo' }, { error: 'unsupported_grant_type', aadsts: 70003 }],
    ['no secret for a confidential client', { grant_type: 'client_credentials', client_id: SECRET_CLIENT }, { error: 'invalid_client', aadsts: 7000218, status: 401 }],
    ['client credentials for a public client', { grant_type: 'client_credentials', client_id: PUBLIC_CLIENT }, { error: 'invalid_client', aadsts: 7000218 }],
    ['a secret from a public client', { grant_type: 'client_credentials', client_id: PUBLIC_CLIENT, client_secret: 'x' }, { error: 'invalid_client', aadsts: 700025, status: 401 }],
    ['a password grant the client may not use', { grant_type: 'password', client_id: '0b5c6f4e-1a2b-4c3d-8e9f-000000000004', username: 'u', password: 'p', scope: 'openid' }, { error: 'invalid_client', aadsts: 7000218, oidcError: 'unauthorized_client', status: kind === 'entra' ? 401 : 400 }]
  ])('%s', async (_what, params, expected) => {
    expectError(kind, await authority(sb, kind).token(params as Record<string, string>), expected)
  })

  it('refuses a body that is not a form', async () => {
    const r = await sb.send('POST', authority(sb, kind).tokenUrl, { headers: { 'content-type': 'application/json' }, body: '{}' })
    expectError(kind, r, { error: 'invalid_request', aadsts: 90023 })
  })
})

describe.each(AUTHORITIES)('client credentials (%s)', (kind) => {
  const a = () => authority(sb, kind)
  const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${encodeURIComponent(secret)}`).toString('base64')}` })

  it('issues an app-only Dataverse token for a secret (post and Basic) that the Web API accepts', async () => {
    const post = await a().token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, scope: `${sb.info.orgUrl}/.default` })
    expect(post.status).toBe(200)
    const body = post.json<Record<string, unknown>>()
    const token = String(body.access_token)
    const claims = decodeJwt(token)
    expect(claims).toMatchObject({ aud: sb.info.orgUrl, iss: a().issuer })
    expect(claims.scp).toBeUndefined()
    if (kind === 'entra') {
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 })
      expect(claims).toMatchObject({ tid: sb.info.tenantId, appid: sb.info.clients.secret, appidacr: '1', idtyp: 'app', ver: '1.0' })
      expect(decodeProtectedHeader(token)).toMatchObject({ x5t: expect.any(String), kid: expect.any(String) })
    } else {
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type'])
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, scope: `${sb.info.orgUrl}/.default` })
      expect(claims).toMatchObject({ sub: sb.info.clients.secret, client_id: sb.info.clients.secret, jti: expect.any(String), oid: expect.any(String) })
      for (const entraOnly of ['tid', 'appid', 'appidacr', 'idtyp', 'ver', 'uti', 'rh', 'aio']) expect(claims, entraOnly).not.toHaveProperty(entraOnly)
    }
    const who = await sb.api('GET', '/WhoAmI', token)
    expect(who.status).toBe(200)
    const viaBasic = await a().token({ grant_type: 'client_credentials', scope: `${sb.info.orgUrl}/.default` }, basic(sb.info.clients.secret, sb.info.clientSecret))
    expect(viaBasic.status).toBe(200)
  })

  it('both authorities\' tokens name the same application user', async () => {
    const ids = []
    for (const k of AUTHORITIES) {
      const token = (await authority(sb, k).token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, scope: `${sb.info.orgUrl}/.default` })).json<{ access_token: string }>().access_token
      ids.push((await sb.api('GET', '/WhoAmI', token)).json<{ UserId: string }>().UserId)
    }
    expect(ids[0]).toBe(ids[1])
  })

  it('requires one /.default scope of this org', async () => {
    const cc = (scope: string) => a().token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, scope })
    expectError(kind, await cc(`${sb.info.orgUrl}/user_impersonation`), { error: 'invalid_scope', aadsts: 1002012 })
    expectError(kind, await cc('https://other.crm.dynamics.com/.default'), { error: 'invalid_resource', aadsts: 500011, oidcError: 'invalid_scope' })
  })

  it('Basic authentication that is not client_id:secret is refused', async () => {
    const r = await a().token({ grant_type: 'client_credentials', scope: `${sb.info.orgUrl}/.default` }, { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` })
    expectError(kind, r, { error: 'invalid_client', aadsts: 7000216, status: 401 })
  })

  describe('signed client assertion (private_key_jwt)', () => {
    async function assertion(claims: Record<string, unknown>, keyFile = sb.info.privateKeyFile, certFile = sb.info.certificateFile): Promise<string> {
      const key = await importPKCS8(readFileSync(keyFile, 'utf8'), 'RS256')
      const { x5t } = certificateThumbprints(readFileSync(certFile, 'utf8'))
      const now = Math.floor(Date.now() / 1000)
      return new SignJWT({ iss: sb.info.clients.certificate, sub: sb.info.clients.certificate, aud: a().tokenUrl, jti: randomUUID(), nbf: now, exp: now + 600, ...claims }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t }).sign(key)
    }
    const redeem = (client_assertion: string) =>
      a().token({ grant_type: 'client_credentials', client_id: sb.info.clients.certificate, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion, scope: `${sb.info.orgUrl}/.default` })

    it('accepts an assertion whose aud is this token endpoint, signed with the registered certificate', async () => {
      const r = await redeem(await assertion({}))
      expect(r.status).toBe(200)
      const claims = decodeJwt(r.json<{ access_token: string }>().access_token)
      if (kind === 'entra') expect(claims.appidacr).toBe('2')
      else expect(claims.client_id).toBe(sb.info.clients.certificate)
    })

    it('rejects a replayed jti, the other authority\'s token endpoint as aud, a wrong issuer, an expired assertion and an unknown key', async () => {
      const once = await assertion({ jti: randomUUID() })
      expect((await redeem(once)).status).toBe(200)
      expectError(kind, await redeem(once), { error: 'invalid_client', aadsts: 700023, status: 401 })
      const otherAud = kind === 'entra' ? `${sb.info.oidcAuthority}/token` : `${sb.info.authority}/oauth2/v2.0/token`
      expectError(kind, await redeem(await assertion({ aud: otherAud })), { error: 'invalid_client', aadsts: 700212 })
      expectError(kind, await redeem(await assertion({ iss: 'someone-else' })), { error: 'invalid_client', aadsts: 700021 })
      const now = Math.floor(Date.now() / 1000)
      expectError(kind, await redeem(await assertion({ nbf: now - 7200, exp: now - 3600 })), { error: 'invalid_client', aadsts: 700024 })
      const r = await redeem(await assertion({}, `${sb.dataDir}/sandbox/token-signing-key.pem`, `${sb.dataDir}/sandbox/token-signing.pem`))
      expectError(kind, r, { error: 'invalid_client', aadsts: 700027 })
      expect(r.json<{ error_description: string }>().error_description).toMatch(/[Tt]humbprint of (the )?key used/)
    })

    it('rejects an assertion signed with a registered certificate that has expired', async () => {
      const signed = await assertion({ iss: sb.info.clients.expiredCertificate, sub: sb.info.clients.expiredCertificate }, sb.info.expiredPrivateKeyFile, sb.info.expiredCertificateFile)
      const r = await a().token({ grant_type: 'client_credentials', client_id: sb.info.clients.expiredCertificate, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: signed, scope: `${sb.info.orgUrl}/.default` })
      expectError(kind, r, { error: 'invalid_client', aadsts: 700027, status: 401 })
      expect(r.json<{ error_description: string }>().error_description).toMatch(kind === 'entra' ? /The key used is expired/ : /expired on 2025-06-30/)
    })
  })
})

describe('Entra v1 client credentials', () => {
  it('takes resource= and answers with v1\'s string fields', async () => {
    const v1 = await sb.token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, resource: sb.info.orgUrl }, { version: 'v1' })
    expect(v1.json()).toMatchObject({ token_type: 'Bearer', expires_in: '3599', resource: sb.info.orgUrl, expires_on: expect.stringMatching(/^\d+$/) })
    expect(decodeJwt(v1.json<{ access_token: string }>().access_token).iss).toBe(`https://sts.windows.net/${sb.info.tenantId}/`)
  })
})

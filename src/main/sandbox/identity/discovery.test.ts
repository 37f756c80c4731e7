import { decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHarness } from '../../testing/sandbox'

let sb: SandboxHarness
beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(() => sb.stop())

describe('the pages port', () => {
  it('sends browsers to sign-in pages on plain-HTTP loopback, and serves nothing else there', async () => {
    const page = await sb.send('GET', `${sb.info.pagesUrl}/${sb.info.tenantId}/oauth2/v2.0/authorize?client_id=${sb.info.clients.public}&response_type=code&redirect_uri=http://localhost:5000&scope=openid`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Sign in')
    expect((await sb.send('GET', `${sb.info.pagesUrl}/api/data/v9.2/WhoAmI`)).status).toBe(404)
    expect((await sb.send('POST', `${sb.info.pagesUrl}/${sb.info.tenantId}/oauth2/v2.0/token`)).status).toBe(404)
  })

  it('serves the standard authority\'s authorize and device pages there too, and not its token endpoint', async () => {
    const page = await sb.send('GET', `${sb.info.pagesUrl}/oidc/authorize?client_id=${sb.info.clients.public}&response_type=code&redirect_uri=http://localhost:5000&scope=openid`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('A standards-only OpenID Connect provider')
    expect(page.text).not.toContain('Entra')
    expect((await sb.send('GET', `${sb.info.pagesUrl}/oidc/device`)).text).toContain('Enter code')
    expect((await sb.send('POST', `${sb.info.pagesUrl}/oidc/token`)).status).toBe(404)
    expect((await sb.send('GET', `${sb.info.pagesUrl}/oidc/.well-known/openid-configuration`)).status).toBe(404)
  })
})

describe('Entra discovery', () => {
  it('serves v2 and v1 OpenID configuration: v2 issuer on the authority host:port, v1 issuer sts.windows.net as Entra\'s', async () => {
    const v2 = (await sb.send('GET', `${sb.info.authority}/v2.0/.well-known/openid-configuration`)).json()
    expect(v2).toMatchObject({ issuer: `${sb.info.authority}/v2.0`, token_endpoint: `${sb.info.authority}/oauth2/v2.0/token`, authorization_endpoint: `${sb.info.pagesUrl}/${sb.info.tenantId}/oauth2/v2.0/authorize`, device_authorization_endpoint: `${sb.info.authority}/oauth2/v2.0/devicecode` })
    const v1 = (await sb.send('GET', `${sb.info.authority}/.well-known/openid-configuration`)).json()
    expect(v1).toMatchObject({ issuer: `https://sts.windows.net/${sb.info.tenantId}/`, token_endpoint: `${sb.info.authority}/oauth2/token`, tenant_region_scope: 'WW' })
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
    expect(r.json<{ error_codes: number[] }>().error_codes).toEqual([90002])
  })
})

describe('the standard authority\'s discovery', () => {
  const ENTRA_EXTRAS = ['tenant_region_scope', 'cloud_instance_name', 'cloud_graph_host_name', 'msgraph_host', 'microsoft_multi_refresh_token', 'rbac_url', 'kerberos_endpoint', 'tenant_region_sub_scope', 'frontchannel_logout_supported', 'http_logout_supported']

  it('is at <issuer>/.well-known/openid-configuration, issuer exactly <orgUrl>/oidc, with only standard fields', async () => {
    expect(sb.info.oidcAuthority).toBe(`${sb.info.orgUrl}/oidc`)
    const r = await sb.send('GET', `${sb.info.oidcAuthority}/.well-known/openid-configuration`)
    expect(r.status).toBe(200)
    const doc = r.json<Record<string, unknown>>()
    const i = sb.info.oidcAuthority
    expect(doc).toMatchObject({
      issuer: i,
      authorization_endpoint: `${sb.info.pagesUrl}/oidc/authorize`,
      token_endpoint: `${i}/token`,
      device_authorization_endpoint: `${i}/device_authorization`,
      jwks_uri: `${i}/jwks`,
      userinfo_endpoint: `${i}/userinfo`,
      response_types_supported: ['code', 'token', 'id_token token'],
      code_challenge_methods_supported: ['S256', 'plain'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
      id_token_signing_alg_values_supported: ['RS256'],
      grant_types_supported: expect.arrayContaining(['authorization_code', 'implicit', 'client_credentials', 'password', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code']),
      scopes_supported: expect.arrayContaining(['openid', 'profile', 'offline_access', `${sb.info.orgUrl}/.default`, `${sb.info.orgUrl}/user_impersonation`])
    })
    for (const extra of ENTRA_EXTRAS) expect(doc, extra).not.toHaveProperty(extra)
    expect(JSON.stringify(doc)).not.toMatch(/\{tenant|v2\.0|oauth2|devicecode/)
  })

  it('has no /v2.0 variant and no instance discovery', async () => {
    for (const path of ['/v2.0/.well-known/openid-configuration', '/common/discovery/instance', `/${sb.info.tenantId}/.well-known/openid-configuration`, '/token/']) {
      const r = await sb.send('GET', `${sb.info.oidcAuthority}${path}`)
      expect(r.status, path).toBe(404)
      expect(r.json<{ error: string }>().error).toBe('invalid_request')
    }
  })

  it('publishes the same signing key as a standard JWKS (alg, no Entra issuer field); its tokens name it without x5t', async () => {
    const { keys } = (await sb.send('GET', `${sb.info.oidcAuthority}/jwks`)).json<{ keys: Array<Record<string, unknown>> }>()
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: expect.any(String), n: expect.any(String), e: 'AQAB' })
    expect(keys[0]).not.toHaveProperty('issuer')
    const r = await sb.send('POST', `${sb.info.oidcAuthority}/token`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, scope: `${sb.info.orgUrl}/.default` }).toString() })
    const header = decodeProtectedHeader(r.json<{ access_token: string }>().access_token)
    expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: keys[0]!.kid })
  })
})

import { describe, expect, it } from 'vitest'
import { authorityFrom, isEntraDocument, openIdConfigurationUrl, parseChallenge, readOpenIdMetadata, resolveAuthority, scopesFor } from './authority'
import { checkNonce } from './grants/authorizationCode'
import { implicitAuthorizeUrl, readImplicitResponse } from './grants/implicit'
import { redirectParams } from './grants/preapproved'
import { createPkce, randomToken } from './pkce'
import { createHash } from 'node:crypto'
import { SignJWT } from 'jose'

const unsigned = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('k'.repeat(32)))

describe('PKCE and random values', () => {
  it('makes a 43-character verifier whose S256 challenge is its base64url SHA-256', () => {
    const { verifier, challenge, method } = createPkce()
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'))
    expect(method).toBe('S256')
    expect(createPkce().verifier).not.toBe(verifier)
    expect(randomToken()).not.toBe(randomToken())
  })
})

describe('authorities', () => {
  it.each([
    [{ cloud: 'public', tenant: 'contoso.onmicrosoft.com', authorityUrl: '' }, 'https://login.microsoftonline.com/contoso.onmicrosoft.com', 'entra'],
    [{ cloud: 'public', tenant: '', authorityUrl: '' }, 'https://login.microsoftonline.com/organizations', 'entra'],
    [{ cloud: 'gcchigh', tenant: 't', authorityUrl: '' }, 'https://login.microsoftonline.us/t', 'entra'],
    [{ cloud: 'china', tenant: 't', authorityUrl: '' }, 'https://login.chinacloudapi.cn/t', 'entra'],
    [{ cloud: 'custom', tenant: '', authorityUrl: 'https://adfs.contoso.com/adfs/' }, 'https://adfs.contoso.com/adfs', 'adfs'],
    [{ cloud: 'custom', tenant: '', authorityUrl: 'https://127.0.0.1:44311/tid' }, 'https://127.0.0.1:44311/tid', 'custom']
  ] as const)('%o → %s', (env, authority, kind) => {
    const r = resolveAuthority(env)
    expect(r).toMatchObject({ authority, kind })
    if (kind !== 'entra') expect(r.knownAuthorities).toEqual([new URL(authority).host])
  })

  it('asks for the tenant where app-only sign-in needs it, and for the authority of a custom cloud', () => {
    expect(() => resolveAuthority({ cloud: 'public', tenant: '', authorityUrl: '' }, { needsTenant: true })).toThrow(/needs the tenant/)
    expect(() => resolveAuthority({ cloud: 'custom', tenant: '', authorityUrl: '' })).toThrow(/set its authority URL/)
  })

  it.each([
    ['entra', 'https://login.microsoftonline.com/t', 'v2', 'https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration'],
    ['entra', 'https://login.microsoftonline.com/t', 'v1', 'https://login.microsoftonline.com/t/.well-known/openid-configuration'],
    ['entra', 'https://login.microsoftonline.com/t/v2.0', 'v2', 'https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration'],
    ['entra', 'https://login.microsoftonline.com/t/v2.0', 'v1', 'https://login.microsoftonline.com/t/.well-known/openid-configuration'],
    ['adfs', 'https://adfs.contoso.com/adfs', 'v2', 'https://adfs.contoso.com/adfs/.well-known/openid-configuration'],
    ['oidc', 'https://idp.example.com/realms/demo', 'v2', 'https://idp.example.com/realms/demo/.well-known/openid-configuration'],
    ['oidc', 'https://idp.example.com/realms/demo', 'v1', 'https://idp.example.com/realms/demo/.well-known/openid-configuration'],
    ['oidc', 'https://idp.example.com/v2.0', 'v2', 'https://idp.example.com/v2.0/.well-known/openid-configuration']
  ] as const)('%s %s (%s) reads %s', (protocol, authority, version, url) => {
    expect(openIdConfigurationUrl({ protocol, authority }, version)).toBe(url)
  })

  it('tells an Entra-shaped custom authority from a plain OpenID Connect one by its discovery document', () => {
    const custom = resolveAuthority({ cloud: 'custom', tenant: '', authorityUrl: 'https://127.0.0.1:44311/oidc' })
    const oidc = { issuer: 'https://127.0.0.1:44311/oidc', authorization_endpoint: 'http://127.0.0.1:44312/oidc/authorize', token_endpoint: 'https://127.0.0.1:44311/oidc/token', device_authorization_endpoint: 'https://127.0.0.1:44311/oidc/device_authorization' }
    expect(authorityFrom(custom, oidc)).toMatchObject({ protocol: 'oidc', metadata: oidc, knownAuthorities: ['127.0.0.1:44311'] })
    const entraV1 = { issuer: 'https://sts.windows.net/t/', token_endpoint: 'https://127.0.0.1:44311/t/oauth2/token', authorization_endpoint: 'x', cloud_instance_name: 'microsoftonline.com', tenant_region_scope: 'WW' }
    expect(isEntraDocument(entraV1)).toBe(true)
    expect(authorityFrom(custom, entraV1).protocol).toBe('entra')
    expect(authorityFrom(resolveAuthority({ cloud: 'public', tenant: 't', authorityUrl: '' }), null).protocol).toBe('entra')
    expect(authorityFrom(resolveAuthority({ cloud: 'custom', tenant: '', authorityUrl: 'https://adfs.contoso.com/adfs' }), null).protocol).toBe('adfs')
    expect(readOpenIdMetadata({ issuer: 'x' })).toBeNull()
    expect(readOpenIdMetadata('<html>')).toBeNull()
    expect(readOpenIdMetadata({ token_endpoint: 'https://t/token', device_authorization_endpoint: 42 })).toEqual({ issuer: '', authorization_endpoint: '', token_endpoint: 'https://t/token', device_authorization_endpoint: null })
  })

  it('defaults the scope to the org and reads the tenant from a challenge', () => {
    expect(scopesFor('', 'https://o.crm.dynamics.com')).toEqual(['https://o.crm.dynamics.com/.default'])
    expect(scopesFor('a b,c', 'x')).toEqual(['a', 'b', 'c'])
    expect(parseChallenge('Bearer authorization_uri=https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/authorize, resource_id=https://o.crm.dynamics.com/')).toEqual({
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      authorityHost: 'https://login.microsoftonline.com',
      authorizationUri: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/authorize'
    })
    expect(parseChallenge('Basic realm="x"')).toBeNull()
    expect(parseChallenge(undefined)).toBeNull()
  })
})

describe('state and nonce', () => {
  it('refuses an ID token whose nonce is not this sign-in\'s', async () => {
    const matching = await unsigned({ nonce: 'n' })
    const other = await unsigned({ nonce: 'other' })
    expect(() => checkNonce(null, 'n')).not.toThrow()
    expect(() => checkNonce(matching, 'n')).not.toThrow()
    expect(() => checkNonce(other, 'n')).toThrow(/nonce does not match/)
  })

  it('checks an implicit response: error, state, token, nonce', async () => {
    const access = await unsigned({ aud: 'https://o', exp: Math.floor(Date.now() / 1000) + 600 })
    const good = new URLSearchParams({ access_token: access, state: 's', id_token: await unsigned({ nonce: 'n', preferred_username: 'u@x', oid: 'o', tid: 't' }), expires_in: '599' })
    expect(readImplicitResponse(good, { state: 's', nonce: 'n' }, ['x'])).toMatchObject({ accessToken: access, account: { username: 'u@x' } })
    expect(() => readImplicitResponse(new URLSearchParams({ ...Object.fromEntries(good), state: 'forged' }), { state: 's', nonce: 'n' }, [])).toThrow(/state does not match/)
    expect(() => readImplicitResponse(good, { state: 's', nonce: 'other' }, [])).toThrow(/nonce does not match/)
    expect(() => readImplicitResponse(new URLSearchParams({ state: 's' }), { state: 's', nonce: 'n' }, [])).toThrow(/no access token/)
    const refused = new URLSearchParams({ error: 'access_denied', error_description: 'AADSTS65004: User declined.\r\nTrace ID: x', state: 's' })
    expect(() => readImplicitResponse(refused, { state: 's', nonce: 'n' }, [])).toThrow(/^Consent declined: AADSTS65004: User declined\.$/)
    const plain = new URLSearchParams({ error: 'access_denied', error_description: 'The resource owner denied the request', state: 's' })
    expect(() => readImplicitResponse(plain, { state: 's', nonce: 'n' }, [])).toThrow(/^Access denied: The resource owner denied the request$/)
  })

  it('builds v1 and v2 implicit URLs, and reads the embedded window\'s redirect', () => {
    const v2 = new URL(implicitAuthorizeUrl({ endpoint: 'https://l/t/oauth2/v2.0/authorize', version: 'v2', clientId: 'c', redirectUri: 'https://localhost', scopes: ['https://o/.default'], orgUrl: 'https://o', responseMode: 'fragment', state: 's', nonce: 'n' }))
    expect(Object.fromEntries(v2.searchParams)).toMatchObject({ client_id: 'c', response_type: 'id_token token', scope: 'openid https://o/.default', state: 's', nonce: 'n', response_mode: 'fragment' })
    const v1 = new URL(implicitAuthorizeUrl({ endpoint: 'https://l/t/oauth2/authorize', version: 'v1', clientId: 'c', redirectUri: 'https://localhost', scopes: ['https://o/.default'], orgUrl: 'https://o', responseMode: 'form_post', state: 's', nonce: 'n' }))
    expect(v1.searchParams.get('resource')).toBe('https://o')
    // id_token token always asks for openid, v1 too: without it an OpenID Connect authority issues no ID token.
    expect(v1.searchParams.get('scope')).toBe('openid')
    expect(Object.fromEntries(redirectParams('https://localhost/#access_token=a&state=s'))).toEqual({ access_token: 'a', state: 's' })
    expect(redirectParams('https://localhost/?error=access_denied&state=s').get('error')).toBe('access_denied')
  })
})

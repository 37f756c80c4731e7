import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfidentialClientApplication, ProtocolMode, PublicClientApplication, type Configuration, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node'
import { decodeJwt } from 'jose'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificateThumbprints } from '../../core/tls/certificates'
import { startSandbox, type SandboxHarness } from '../../testing/sandbox'

let sb: SandboxHarness
beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(() => sb.stop())

/** msal-node's network module over the harness's agent: the Sandbox CA is trusted for these connections only. */
class SandboxNetwork implements INetworkModule {
  readonly urls: string[] = []
  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options)
  }
  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options)
  }
  private async send<T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    this.urls.push(url.split('?')[0]!)
    const res = await request(url, { method, dispatcher: sb.agent, headers: options?.headers ?? {}, body: options?.body ?? null })
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v
    return { status: res.statusCode, headers, body: (await res.body.json()) as T }
  }
}

const known = () => [new URL(sb.info.authority).host]

describe('msal-node against the Entra authority (AAD mode)', () => {
  const system = () => ({ networkClient: new SandboxNetwork() })

  it('client credentials with a secret, then from its cache', async () => {
    const cca = new ConfidentialClientApplication({ auth: { clientId: sb.info.clients.secret, authority: sb.info.authority, clientSecret: sb.info.clientSecret, knownAuthorities: known() }, system: system() })
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${sb.info.orgUrl}/.default`] })
    expect(decodeJwt(result!.accessToken)).toMatchObject({ aud: sb.info.orgUrl, iss: `https://sts.windows.net/${sb.info.tenantId}/` })
    expect((await sb.api('GET', '/WhoAmI', result!.accessToken)).status).toBe(200)
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

describe('msal-node against the standard authority (protocolMode OIDC)', () => {
  function config(network: SandboxNetwork, auth: Partial<Configuration['auth']> & { clientId: string }): Configuration {
    return { auth: { authority: sb.info.oidcAuthority, knownAuthorities: known(), ...auth }, system: { networkClient: network, protocolMode: ProtocolMode.OIDC } }
  }

  it('reads discovery at the issuer only, and gets a client-credentials token the Web API accepts, then from its cache', async () => {
    const network = new SandboxNetwork()
    const cca = new ConfidentialClientApplication(config(network, { clientId: sb.info.clients.secret, clientSecret: sb.info.clientSecret }))
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${sb.info.orgUrl}/.default`] })
    expect(decodeJwt(result!.accessToken)).toMatchObject({ iss: sb.info.oidcAuthority, aud: sb.info.orgUrl, client_id: sb.info.clients.secret })
    expect((await sb.api('GET', '/WhoAmI', result!.accessToken)).status).toBe(200)
    expect(network.urls).toEqual([`${sb.info.oidcAuthority}/.well-known/openid-configuration`, `${sb.info.oidcAuthority}/token`])
    expect((await cca.acquireTokenByClientCredential({ scopes: [`${sb.info.orgUrl}/.default`] }))?.fromCache).toBe(true)
  })

  it('client credentials with the demo certificate (private_key_jwt, aud the token endpoint)', async () => {
    const thumbprintSha256 = createHash('sha256').update(certificateThumbprints(readFileSync(sb.info.certificateFile, 'utf8')).der).digest('hex')
    const cca = new ConfidentialClientApplication(config(new SandboxNetwork(), { clientId: sb.info.clients.certificate, clientCertificate: { thumbprintSha256, privateKey: readFileSync(sb.info.privateKeyFile, 'utf8') } }))
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${sb.info.orgUrl}/.default`] })
    expect(decodeJwt(result!.accessToken)).toMatchObject({ iss: sb.info.oidcAuthority, sub: sb.info.clients.certificate })
  })

  it('surfaces the standard error of a bad secret, with no AADSTS code', async () => {
    const cca = new ConfidentialClientApplication(config(new SandboxNetwork(), { clientId: sb.info.clients.secret, clientSecret: 'wrong' }))
    const error = await cca.acquireTokenByClientCredential({ scopes: [`${sb.info.orgUrl}/.default`] }).then(() => null, (e: unknown) => e as { errorCode: string; message: string })
    expect(error?.errorCode).toBe('invalid_client')
    expect(error?.message).not.toMatch(/AADSTS/)
  })

  it('resource owner password, then a refresh with the refresh token it was given for offline_access', async () => {
    const network = new SandboxNetwork()
    const pca = new PublicClientApplication(config(network, { clientId: sb.info.clients.public }))
    const scopes = [`${sb.info.orgUrl}/user_impersonation`]
    const result = await pca.acquireTokenByUsernamePassword({ scopes, username: sb.info.user, password: sb.info.password })
    expect(result?.account?.username).toBe(sb.info.user)
    expect(decodeJwt(result!.idToken)).toMatchObject({ iss: sb.info.oidcAuthority, preferred_username: sb.info.user })
    const refreshed = await pca.acquireTokenSilent({ account: result!.account!, scopes, forceRefresh: true })
    expect(refreshed.fromCache).toBe(false)
    expect(refreshed.accessToken).not.toBe(result!.accessToken)
    expect(decodeJwt(refreshed.accessToken)).toMatchObject({ iss: sb.info.oidcAuthority, sub: decodeJwt(result!.accessToken).sub })
    expect((await sb.api('GET', '/WhoAmI', refreshed.accessToken)).status).toBe(200)
    expect(network.urls.filter((u) => u.endsWith('/token'))).toHaveLength(2)
  })
})

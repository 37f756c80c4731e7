import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { ensureSandboxEnvironment } from '../../sandbox/environment'
import { readAllFiles } from '../../testing/tempDir'
import { Services } from '../services'
import { keyFileSecretBox } from '../store/secretBox'
import { useSignInSandbox } from './testKit'

const kit = useSignInSandbox()
const { setup, tempDir } = kit
const publicClient = () => kit.sb.info.clients.public

describe('token cache, refresh and retry', () => {
  it('serves a valid token from memory, refreshes it before expiry, and survives a restart (encrypted)', async () => {
    const { services, envId, dir } = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: kit.sb.info.user, password: { isSet: true, value: kit.sb.info.password } })
    await services.auth.signIn(envId)
    const count = () => services.traffic.list().filter((e) => e.kind === 'token').length
    const before = count()
    const first = await services.auth.accessToken(envId)
    expect(count()).toBe(before)
    const refreshed = await services.auth.accessToken(envId, { forceRefresh: true })
    expect(refreshed).not.toBe(first)
    const refreshEntry = services.traffic.list().filter((e) => e.kind === 'token').at(-1)!
    expect(services.traffic.get(refreshEntry.id, true)!.requestBody!.text).toContain('grant_type=refresh_token')
    expect(refreshEntry.grant).toBe('password (refresh)')

    const again = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined } })
    expect(await again.auth.accessToken(envId)).toBe(refreshed)
    expect((await again.auth.status(envId))?.account?.username).toBe(kit.sb.info.user)

    for (const { file, text } of readAllFiles(dir)) {
      expect(text, file).not.toContain(refreshed)
      expect(text, file).not.toContain(refreshed.split('.')[1]!)
      expect(text, file).not.toContain(kit.sb.info.password)
      expect(text, file).not.toContain('"refresh_token"')
    }
  })

  it('retries once with a fresh token after a 401', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: kit.sb.info.clientSecret } })
    await services.auth.signIn(envId)
    const stored = (services.auth as unknown as { cache: { setCurrent: (id: string, t: unknown) => Promise<void>; current: (id: string) => Promise<Record<string, unknown>> } }).cache
    const current = await stored.current(envId)
    await stored.setCurrent(envId, { ...current, accessToken: 'eyJhbGciOiJSUzI1NiJ9.e30.invalid' })
    const who = await services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })
    expect(who.status).toBe(200)
    const api = services.traffic.list().filter((e) => e.kind === 'api').map((e) => e.status)
    expect(api).toEqual([401, 200])
  })

  it('asks to sign in when a user grant has no token yet, and signs out', async () => {
    const { services, envId } = await setup({ grant: 'authorization_code', clientId: publicClient(), scopes: '' })
    await expect(services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).rejects.toMatchObject({ code: 'sign_in_required', message: expect.stringContaining('Sign in to "Sandbox" first') })
    expect((await services.sendRequest('r2', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' }, { mode: 'none' })).status).toBe(401)
    const cc = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: kit.sb.info.clientSecret } })
    await cc.services.auth.signIn(cc.envId)
    expect(await cc.services.auth.signOut(cc.envId)).toBe(true)
    expect(await cc.services.auth.status(cc.envId)).toBeNull()
  })
})

describe('errors explained', () => {
  it('an untrusted authority certificate is explained as TLS, not as a generic MSAL error', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: kit.sb.info.clientSecret } })
    const env = await services.environments.get(envId)
    await services.environments.update(envId, { ...env, caCertificatePem: '' })
    await expect(services.auth.signIn(envId)).rejects.toMatchObject({ code: 'tls_error', message: expect.stringContaining('not trusted') })
  })

  it('a browser sign-in that is refused comes back with the AADSTS explanation', async () => {
    const { services, envId } = await setup({ grant: 'authorization_code', clientId: publicClient(), scopes: 'https://other.crm.dynamics.com/.default' })
    await expect(services.auth.signIn(envId)).rejects.toMatchObject({ detail: { explanation: { code: 'AADSTS500011' } } })
  })

  it('times out an interactive sign-in nobody finishes', async () => {
    const dir = tempDir()
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined }, openBrowser: async () => undefined, interactiveTimeoutMs: 300 })
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, kit.sb.info)
    await expect(services.auth.signIn(environment.id)).rejects.toMatchObject({ code: 'timeout' })
  })
})

describe('tenant discovery', () => {
  it('reads the tenant from the Web API challenge', async () => {
    const dir = tempDir()
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined } })
    expect(await services.auth.discoverTenant(kit.sb.info.orgUrl, kit.sb.info.caCertificatePem)).toEqual({ tenantId: kit.sb.info.tenantId, authorityHost: kit.sb.info.orgUrl, authorizationUri: `${kit.sb.info.authority}/oauth2/authorize` })
    // What the discovery read: the Web API's anonymous 401 and its challenge, exactly as a client without OrgBench sees them.
    const plain = await request(`${kit.sb.info.orgUrl}/api/data/v9.2/`, { dispatcher: kit.sb.agent })
    await plain.body.dump()
    expect(plain.statusCode).toBe(401)
    expect(String(plain.headers['www-authenticate'])).toBe(`Bearer authorization_uri=${kit.sb.info.authority}/oauth2/authorize, resource_id=${kit.sb.info.orgUrl}/`)
    const recorded = services.traffic.list().filter((e) => e.kind === 'discovery')
    expect(recorded).toMatchObject([{ method: 'GET', url: `${kit.sb.info.orgUrl}/api/data/v9.2/`, status: 401 }])
  })
})

describe('the environment token stays with the org', () => {
  it('is attached to the org\'s Web API, never to the authority or another host', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: kit.sb.info.clientSecret } })
    const { startHttpServer } = await import('../../testing/testServer')
    const other = await startHttpServer()
    try {
      const echoed = await services.sendRequest('r1', envId, { method: 'GET', url: `${other.url}/echo` })
      expect(JSON.parse(echoed.body.text).headers.authorization).toBeUndefined()
      const token = await services.sendRequest('r2', envId, { method: 'POST', url: '{{authority}}/oauth2/v2.0/token', headers: [{ key: 'Content-Type', value: 'application/x-www-form-urlencoded', enabled: true }], body: 'grant_type=client_credentials&client_id={{clientId}}&client_secret={{clientSecret}}&scope={{orgUrl}}/.default' })
      expect(token.status).toBe(200)
      const sent = services.traffic.get(token.entryId, true)!
      expect(sent.requestHeaders.some(([k, v]) => k === 'Authorization' && v.startsWith('Bearer'))).toBe(false)
      expect((await services.sendRequest('r3', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
    } finally {
      await other.close()
    }
  })
})

describe('single-page apps and the pre-approved client', () => {
  it('sends the Origin a single-page app needs, and explains AADSTS9002327 without it', async () => {
    const without = await setup({ grant: 'authorization_code', clientId: kit.sb.info.clients.spa, scopes: '' })
    await expect(without.services.auth.signIn(without.envId)).rejects.toMatchObject({ detail: { explanation: { code: 'AADSTS9002327', fix: expect.stringContaining('SPA origin') } } })
    const withOrigin = await setup({ grant: 'authorization_code', clientId: kit.sb.info.clients.spa, scopes: '', spaOrigin: 'http://localhost' })
    expect((await withOrigin.services.auth.signIn(withOrigin.envId)).grant).toBe('authorization_code')
  })

  it('signs in with the pre-approved client through the embedded window, which stops at https://localhost', async () => {
    const dir = tempDir()
    const seen: string[] = []
    const embeddedSignIn = async (url: string, redirectPrefix: string) => {
      seen.push(url)
      const done = await kit.sb.signIn(url, kit.sb.info.user, kit.sb.info.password)
      const location = done.headers.location ?? ''
      expect(location.startsWith(redirectPrefix)).toBe(true)
      return location
    }
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined }, embeddedSignIn })
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, kit.sb.info)
    await services.environments.update(environment.id, { ...environment, auth: { grant: 'preapproved', scopes: '', endpoint: 'v2' } })
    const view = await services.auth.signIn(environment.id)
    expect(view).toMatchObject({ grant: 'preapproved', canRefresh: false, account: { username: kit.sb.info.user } })
    expect(new URL(seen[0]!).searchParams.get('client_id')).toBe('51f81489-12ee-4a9e-aaae-a2591f45987d')
    expect(new URL(seen[0]!).searchParams.get('redirect_uri')).toBe('https://localhost')
    await services.environments.update(environment.id, { ...environment, authorityUrl: kit.sb.info.oidcAuthority, auth: { grant: 'preapproved', scopes: '', endpoint: 'v2' } })
    await expect(services.auth.signIn(environment.id)).rejects.toMatchObject({ code: 'not_supported', message: expect.stringContaining('only in Entra ID') })
    expect(seen).toHaveLength(1)
    const noWindow = await setup({ grant: 'preapproved', scopes: '', endpoint: 'v2' })
    await expect(noWindow.services.auth.signIn(noWindow.envId)).rejects.toMatchObject({ code: 'not_supported', message: expect.stringContaining('desktop app') })
  })
})

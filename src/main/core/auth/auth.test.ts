import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { importPKCS8, SignJWT } from 'jose'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SignInProgress } from '../../../shared/auth'
import { ensureSandboxEnvironment } from '../../sandbox/environment'
import { browserRobot, startSandbox, type SandboxHarness } from '../../testing/sandbox'
import { readAllFiles, useTempDir } from '../../testing/tempDir'
import { Services } from '../services'
import { keyFileSecretBox } from '../store/secretBox'
import { certificateThumbprints } from '../tls/certificates'

let sb: SandboxHarness
beforeAll(async () => {
  sb = await startSandbox({ seedOverrides: { deviceCodeIntervalSeconds: 1 } })
})
afterAll(() => sb.stop())

const tempDir = useTempDir()

async function setup(auth: Record<string, unknown>, options: { user?: string; password?: string; timeoutMs?: number } = {}) {
  const dir = tempDir()
  const robot = browserRobot(sb, options.user, options.password)
  const progress: SignInProgress[] = []
  const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 'test', log: { error: () => undefined }, openBrowser: robot.open, interactiveTimeoutMs: options.timeoutMs ?? 10_000 })
  services.events.on('auth.progress', (p) => progress.push(p))
  const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
  await services.environments.update(environment.id, { ...environment, auth })
  return { dir, services, envId: environment.id, robot, progress }
}

const publicClient = () => sb.info.clients.public

describe('grants against the Sandbox', () => {
  it('authorization code + PKCE in the browser, with the loopback callback and token traffic linked in the log', async () => {
    const { services, envId, robot } = await setup({ grant: 'authorization_code', clientId: publicClient(), scopes: '', loginHint: sb.info.user })
    const view = await services.auth.signIn(envId, 'sign-in-1')
    expect(view).toMatchObject({ grant: 'authorization_code', account: { username: sb.info.user }, canRefresh: true })
    expect(view.accessToken).toMatchObject({ kind: 'jwt', audience: sb.info.orgUrl, scopes: ['user_impersonation'], warnings: [] })
    const authorize = new URL(robot.visits[0]!)
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+$/)
    expect(authorize.searchParams.get('login_hint')).toBe(sb.info.user)
    const kinds = services.traffic.list().filter((e) => e.signInId === 'sign-in-1').map((e) => e.kind)
    expect(kinds).toEqual(expect.arrayContaining(['discovery', 'authorize', 'callback', 'token']))
    const callback = services.traffic.list().find((e) => e.kind === 'callback')!
    const masked = services.traffic.get(callback.id)!
    expect(masked.requestBody!.text).not.toMatch(/code=1\.A[\w-]{20}/)
    expect(masked.masked).toContain('request body field code')
    const tokenEntry = services.traffic.list().find((e) => e.kind === 'token')!
    const tokenMasked = services.traffic.get(tokenEntry.id)!
    expect(tokenMasked.requestBody!.text).toContain('code_verifier=')
    expect(tokenMasked.masked).toEqual(expect.arrayContaining(['request body field code_verifier', 'response body field access_token', 'response body field refresh_token']))
    // The Web API accepts the token, attached automatically.
    const who = await services.sendRequest('r1', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })
    expect(who.status).toBe(200)
  })

  it('implicit, v2 with the fragment relayed by the loopback page', async () => {
    const { services, envId } = await setup({ grant: 'implicit', clientId: sb.info.clients.implicit, scopes: '', endpoint: 'v2', responseMode: 'fragment' })
    const view = await services.auth.signIn(envId)
    expect(view).toMatchObject({ grant: 'implicit', canRefresh: false, account: { username: sb.info.user } })
    expect((await services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
  })

  it('implicit, v1 resource= with form_post', async () => {
    const { services, envId, robot } = await setup({ grant: 'implicit', clientId: sb.info.clients.implicit, scopes: '', endpoint: 'v1', responseMode: 'form_post' })
    await services.auth.signIn(envId)
    const url = new URL(robot.visits[0]!)
    expect(url.pathname).toMatch(/\/oauth2\/authorize$/)
    expect(url.searchParams.get('resource')).toBe(sb.info.orgUrl)
    expect(url.searchParams.get('nonce')).toBeTruthy()
  })

  it('client credentials with a secret: no sign-in step needed, the token comes when a request needs it', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } })
    const who = await services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })
    expect(who.status).toBe(200)
    const status = await services.auth.status(envId)
    expect(status?.accessToken).toMatchObject({ identity: 'app' })
  })

  it('client credentials with a certificate (thumbprint computed) and with a signed assertion', async () => {
    const cert = await setup({ grant: 'client_credentials', clientId: sb.info.clients.certificate, scopes: '', credential: 'certificate', certificatePem: readFileSync(sb.info.certificateFile, 'utf8'), privateKeyPem: { isSet: true, value: readFileSync(sb.info.privateKeyFile, 'utf8') } })
    const view = await cert.services.auth.signIn(cert.envId)
    expect(view.accessToken.kind === 'jwt' && view.accessToken.claims.appidacr).toBe('2')
    const key = await importPKCS8(readFileSync(sb.info.privateKeyFile, 'utf8'), 'RS256')
    const now = Math.floor(Date.now() / 1000)
    const assertion = await new SignJWT({ iss: sb.info.clients.certificate, sub: sb.info.clients.certificate, aud: `${sb.info.authority}/oauth2/v2.0/token`, jti: randomUUID(), nbf: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'RS256', x5t: certificateThumbprints(readFileSync(sb.info.certificateFile, 'utf8')).x5t })
      .sign(key)
    const asserted = await setup({ grant: 'client_credentials', clientId: sb.info.clients.certificate, scopes: '', credential: 'assertion', clientAssertion: { isSet: true, value: assertion } })
    expect((await asserted.services.auth.signIn(asserted.envId)).grant).toBe('client_credentials')
  })

  it('resource owner password, and its MFA error explained', async () => {
    const ok = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: sb.info.user, password: { isSet: true, value: sb.info.password } })
    expect((await ok.services.auth.signIn(ok.envId)).account?.username).toBe(sb.info.user)
    const mfa = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: sb.info.mfaUser, password: { isSet: true, value: sb.info.password } })
    await expect(mfa.services.auth.signIn(mfa.envId)).rejects.toMatchObject({ code: 'sign_in_failed', message: expect.stringContaining('Multi-factor authentication required'), detail: { explanation: { code: 'AADSTS50076', fix: expect.stringContaining('device code') } } })
  })

  it('device code: the code is reported as progress, the user signs in on the device page', async () => {
    const { services, envId, progress } = await setup({ grant: 'device_code', clientId: publicClient(), scopes: '' })
    const signing = services.auth.signIn(envId, 'dc-1')
    let code: string | undefined
    for (let i = 0; i < 50 && !code; i++) {
      await new Promise((ok) => setTimeout(ok, 50))
      code = progress.find((p) => p.deviceCode)?.deviceCode?.userCode
    }
    expect(progress.find((p) => p.deviceCode)?.deviceCode).toMatchObject({ verificationUri: `${sb.info.pagesUrl}/devicelogin` })
    const page = await sb.send('POST', `${sb.info.orgUrl}/devicelogin`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `user_code=${code}` })
    const flow = /name="flow" value="([^"]+)"/.exec(page.text)![1]!
    await sb.send('POST', `${sb.info.orgUrl}/devicelogin`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ flow, username: sb.info.user, password: sb.info.password, consent: 'accept', action: 'accept' }).toString() })
    expect((await signing).account?.username).toBe(sb.info.user)
    expect(progress.map((p) => p.step)).toEqual(expect.arrayContaining(['starting', 'device-code', 'done']))
  })

  it('cancels a device code sign-in and an interactive sign-in', async () => {
    const dc = await setup({ grant: 'device_code', clientId: publicClient(), scopes: '' })
    const pending = dc.services.auth.signIn(dc.envId, 'cancel-me')
    await new Promise((ok) => setTimeout(ok, 300))
    expect(dc.services.auth.cancel('cancel-me')).toBe(true)
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' })

    const dir = tempDir()
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined }, openBrowser: async () => undefined })
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    const interactive = services.auth.signIn(environment.id, 'browser-cancel')
    await new Promise((ok) => setTimeout(ok, 300))
    services.auth.cancel('browser-cancel')
    await expect(interactive).rejects.toMatchObject({ code: 'cancelled' })
  })
})

describe('token cache, refresh and retry', () => {
  it('serves a valid token from memory, refreshes it before expiry, and survives a restart (encrypted)', async () => {
    const { services, envId, dir } = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: sb.info.user, password: { isSet: true, value: sb.info.password } })
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
    expect((await again.auth.status(envId))?.account?.username).toBe(sb.info.user)

    for (const { file, text } of readAllFiles(dir)) {
      expect(text, file).not.toContain(refreshed)
      expect(text, file).not.toContain(refreshed.split('.')[1]!)
      expect(text, file).not.toContain(sb.info.password)
      expect(text, file).not.toContain('"refresh_token"')
    }
  })

  it('retries once with a fresh token after a 401', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } })
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
    const cc = await setup({ grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } })
    await cc.services.auth.signIn(cc.envId)
    expect(await cc.services.auth.signOut(cc.envId)).toBe(true)
    expect(await cc.services.auth.status(cc.envId)).toBeNull()
  })
})

describe('errors explained', () => {
  it('a wrong secret: AADSTS7000215 with the fix', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: 'wrong' } })
    await expect(services.auth.signIn(envId)).rejects.toMatchObject({ message: expect.stringContaining('Wrong client secret: AADSTS7000215: Invalid client secret provided.'), detail: { explanation: { code: 'AADSTS7000215', fix: expect.stringContaining("not its secret id") } } })
  })

  it('an unknown client: AADSTS700016', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: randomUUID(), scopes: '', credential: 'secret', clientSecret: { isSet: true, value: 'x' } })
    await expect(services.auth.signIn(envId)).rejects.toMatchObject({ detail: { explanation: { code: 'AADSTS700016' } } })
  })

  it('an untrusted authority certificate is explained as TLS, not as a generic MSAL error', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } })
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
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    await expect(services.auth.signIn(environment.id)).rejects.toMatchObject({ code: 'timeout' })
  })
})

describe('tenant discovery', () => {
  it('reads the tenant from the Web API challenge', async () => {
    const dir = tempDir()
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined } })
    expect(await services.auth.discoverTenant(sb.info.orgUrl, sb.info.caCertificatePem)).toEqual({ tenantId: sb.info.tenantId, authorityHost: sb.info.orgUrl, authorizationUri: `${sb.info.authority}/oauth2/authorize` })
    const plain = await request(`${sb.info.orgUrl}/api/data/v9.2/`, { dispatcher: sb.agent })
    await plain.body.dump()
  })
})

describe('the environment token stays with the org', () => {
  it('is attached to the org\'s Web API, never to the authority or another host', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } })
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
    const without = await setup({ grant: 'authorization_code', clientId: sb.info.clients.spa, scopes: '' })
    await expect(without.services.auth.signIn(without.envId)).rejects.toMatchObject({ detail: { explanation: { code: 'AADSTS9002327', fix: expect.stringContaining('SPA origin') } } })
    const withOrigin = await setup({ grant: 'authorization_code', clientId: sb.info.clients.spa, scopes: '', spaOrigin: 'http://localhost' })
    expect((await withOrigin.services.auth.signIn(withOrigin.envId)).grant).toBe('authorization_code')
  })

  it('signs in with the pre-approved client through the embedded window, which stops at https://localhost', async () => {
    const dir = tempDir()
    const seen: string[] = []
    const embeddedSignIn = async (url: string, redirectPrefix: string) => {
      seen.push(url)
      const done = await sb.signIn(url, sb.info.user, sb.info.password)
      const location = done.headers.location ?? ''
      expect(location.startsWith(redirectPrefix)).toBe(true)
      return location
    }
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined }, embeddedSignIn })
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    await services.environments.update(environment.id, { ...environment, auth: { grant: 'preapproved', scopes: '', endpoint: 'v2' } })
    const view = await services.auth.signIn(environment.id)
    expect(view).toMatchObject({ grant: 'preapproved', canRefresh: false, account: { username: sb.info.user } })
    expect(new URL(seen[0]!).searchParams.get('client_id')).toBe('51f81489-12ee-4a9e-aaae-a2591f45987d')
    expect(new URL(seen[0]!).searchParams.get('redirect_uri')).toBe('https://localhost')
    const noWindow = await setup({ grant: 'preapproved', scopes: '', endpoint: 'v2' })
    await expect(noWindow.services.auth.signIn(noWindow.envId)).rejects.toMatchObject({ code: 'not_supported', message: expect.stringContaining('desktop app') })
  })
})

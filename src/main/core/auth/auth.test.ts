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
import type { AppError } from '../../../shared/errors'
import { certificateThumbprints } from '../tls/certificates'

let sb: SandboxHarness
beforeAll(async () => {
  sb = await startSandbox({ seedOverrides: { deviceCodeIntervalSeconds: 1 } })
})
afterAll(() => sb.stop())

const tempDir = useTempDir()

/** The Sandbox's two authorities: Entra-shaped (`/<tenant>`, msal's AAD mode) and standards-only OpenID Connect (`/oidc`). */
interface Shape {
  name: string
  entra: boolean
  authority(): string
  tokenEndpoint(): string
  authorizeEndpoint(): string
}
const SHAPES: Shape[] = [
  { name: 'Entra-shaped', entra: true, authority: () => sb.info.authority, tokenEndpoint: () => `${sb.info.authority}/oauth2/v2.0/token`, authorizeEndpoint: () => `${sb.info.pagesUrl}/${sb.info.tenantId}/oauth2/v2.0/authorize` },
  { name: 'standards-only OpenID Connect', entra: false, authority: () => sb.info.oidcAuthority, tokenEndpoint: () => `${sb.info.oidcAuthority}/token`, authorizeEndpoint: () => `${sb.info.pagesUrl}/oidc/authorize` }
]

async function setup(auth: Record<string, unknown>, options: { user?: string; password?: string; timeoutMs?: number; shape?: Shape } = {}) {
  const dir = tempDir()
  const robot = browserRobot(sb, options.user, options.password)
  const progress: SignInProgress[] = []
  const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 'test', log: { error: () => undefined }, openBrowser: robot.open, interactiveTimeoutMs: options.timeoutMs ?? 10_000 })
  services.events.on('auth.progress', (p) => progress.push(p))
  const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
  await services.environments.update(environment.id, { ...environment, authorityUrl: (options.shape ?? SHAPES[0]!).authority(), auth })
  return { dir, services, envId: environment.id, robot, progress }
}

const publicClient = () => sb.info.clients.public
/** A request's endpoint without its query (msal adds `?client-request-id=…` at Entra). */
const endpoint = (url: string) => url.split('?')[0]

async function signedAssertion(audience: string, times: { nbf: number; exp: number } = { nbf: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 }): Promise<string> {
  const key = await importPKCS8(readFileSync(sb.info.privateKeyFile, 'utf8'), 'RS256')
  return new SignJWT({ iss: sb.info.clients.certificate, sub: sb.info.clients.certificate, aud: audience, jti: randomUUID(), ...times })
    .setProtectedHeader({ alg: 'RS256', x5t: certificateThumbprints(readFileSync(sb.info.certificateFile, 'utf8')).x5t })
    .sign(key)
}

/** Renew the environment's token without anyone: a new token, through the refresh_token grant at this authority's token endpoint. */
async function expectSilentRefresh(services: Services, envId: string, shape: Shape, grant: string): Promise<void> {
  const first = await services.auth.accessToken(envId)
  const refreshed = await services.auth.accessToken(envId, { forceRefresh: true })
  expect(refreshed).not.toBe(first)
  const entry = services.traffic.list().filter((e) => e.kind === 'token').at(-1)!
  expect({ ...entry, url: endpoint(entry.url) }).toMatchObject({ url: shape.tokenEndpoint(), grant: `${grant} (refresh)`, status: 200 })
  expect(services.traffic.get(entry.id, true)!.requestBody!.text).toContain('grant_type=refresh_token')
  expect((await services.sendRequest('r-refreshed', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
}

/** The person at the device page: enter the code, then sign in. */
async function approveDeviceCode(verificationUri: string, userCode: string): Promise<void> {
  const page = await sb.send('POST', verificationUri, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `user_code=${userCode}` })
  const flow = /name="flow" value="([^"]+)"/.exec(page.text)?.[1]
  if (!flow) throw new Error(`The device page did not accept the code: ${page.text.slice(0, 300)}`)
  await sb.send('POST', verificationUri, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ flow, username: sb.info.user, password: sb.info.password, consent: 'accept', action: 'accept' }).toString() })
}

async function deviceCodeShown(progress: SignInProgress[]): Promise<NonNullable<SignInProgress['deviceCode']>> {
  for (let i = 0; i < 100; i++) {
    const code = progress.find((p) => p.deviceCode)?.deviceCode
    if (code) return code
    await new Promise((ok) => setTimeout(ok, 50))
  }
  throw new Error('No device code was shown.')
}

describe.each(SHAPES)('every grant against the Sandbox\'s $name authority', (shape) => {
  it('authorization code + PKCE in the browser, the traffic linked in the log, then refreshed silently', async () => {
    const { services, envId, robot } = await setup({ grant: 'authorization_code', clientId: publicClient(), scopes: '', loginHint: sb.info.user }, { shape })
    const view = await services.auth.signIn(envId, 'sign-in-1')
    expect(view).toMatchObject({ grant: 'authorization_code', account: { username: sb.info.user }, canRefresh: true })
    expect(view.accessToken).toMatchObject({ kind: 'jwt', audience: sb.info.orgUrl, scopes: ['user_impersonation'], warnings: [] })
    const authorize = new URL(robot.visits[0]!)
    expect(`${authorize.origin}${authorize.pathname}`).toBe(shape.authorizeEndpoint())
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+$/)
    expect(authorize.searchParams.get('login_hint')).toBe(sb.info.user)
    const entries = services.traffic.list().filter((e) => e.signInId === 'sign-in-1')
    expect(entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['discovery', 'authorize', 'callback', 'token']))
    // Discovery where each kind of authority publishes it: Entra's v2 document, or the issuer's one document.
    const discovery = entries.filter((e) => e.kind === 'discovery').map((e) => e.url)
    if (shape.entra) expect(discovery).toContain(`${shape.authority()}/v2.0/.well-known/openid-configuration`)
    else expect(discovery.every((u) => u === `${shape.authority()}/.well-known/openid-configuration`)).toBe(true)
    const callback = entries.find((e) => e.kind === 'callback')!
    const masked = services.traffic.get(callback.id)!
    expect(masked.masked).toContain('request body field code')
    const tokenEntry = entries.find((e) => e.kind === 'token')!
    expect(endpoint(tokenEntry.url)).toBe(shape.tokenEndpoint())
    const tokenMasked = services.traffic.get(tokenEntry.id)!
    expect(tokenMasked.requestBody!.text).toContain('code_verifier=')
    expect(tokenMasked.masked).toEqual(expect.arrayContaining(['request body field code_verifier', 'response body field access_token', 'response body field refresh_token']))
    // The Web API accepts the token, attached automatically.
    expect((await services.sendRequest('r1', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
    await expectSilentRefresh(services, envId, shape, 'authorization_code')
  })

  it('implicit with the fragment relayed by the loopback page, asking for openid', async () => {
    const { services, envId, robot } = await setup({ grant: 'implicit', clientId: sb.info.clients.implicit, scopes: '', endpoint: 'v2', responseMode: 'fragment' }, { shape })
    const view = await services.auth.signIn(envId)
    expect(view).toMatchObject({ grant: 'implicit', canRefresh: false, account: { username: sb.info.user } })
    const url = new URL(robot.visits[0]!)
    expect(`${url.origin}${url.pathname}`).toBe(shape.authorizeEndpoint())
    expect(url.searchParams.get('response_type')).toBe('id_token token')
    expect(url.searchParams.get('scope')!.split(' ')).toContain('openid')
    expect((await services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
  })

  it('implicit with form_post (v1 resource= at Entra; scope= wherever there is no v1)', async () => {
    const { services, envId, robot } = await setup({ grant: 'implicit', clientId: sb.info.clients.implicit, scopes: '', endpoint: 'v1', responseMode: 'form_post' }, { shape })
    await services.auth.signIn(envId)
    const url = new URL(robot.visits[0]!)
    expect(url.searchParams.get('scope')!.split(' ')).toContain('openid')
    expect(url.searchParams.get('nonce')).toBeTruthy()
    if (shape.entra) {
      expect(url.pathname).toMatch(/\/oauth2\/authorize$/)
      expect(url.searchParams.get('resource')).toBe(sb.info.orgUrl)
    } else {
      expect(url.searchParams.get('resource')).toBeNull()
    }
    expect((await services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
  })

  it('client credentials with a secret: no sign-in step needed, the token comes when a request needs it, and again when forced', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } }, { shape })
    const who = await services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })
    expect(who.status).toBe(200)
    const status = await services.auth.status(envId)
    if (shape.entra) expect(status?.accessToken).toMatchObject({ identity: 'app' })
    else expect(status?.accessToken).toMatchObject({ claims: { sub: sb.info.clients.secret, client_id: sb.info.clients.secret } })
    const first = await services.auth.accessToken(envId)
    expect(await services.auth.accessToken(envId, { forceRefresh: true })).not.toBe(first)
    expect(services.traffic.list().filter((e) => e.kind === 'token').every((e) => endpoint(e.url) === shape.tokenEndpoint())).toBe(true)
  })

  it('client credentials with a certificate (thumbprint computed) and with a signed assertion', async () => {
    const cert = await setup({ grant: 'client_credentials', clientId: sb.info.clients.certificate, scopes: '', credential: 'certificate', certificatePem: readFileSync(sb.info.certificateFile, 'utf8'), privateKeyPem: { isSet: true, value: readFileSync(sb.info.privateKeyFile, 'utf8') } }, { shape })
    const view = await cert.services.auth.signIn(cert.envId)
    expect(view).toMatchObject({ grant: 'client_credentials', accessToken: { kind: 'jwt', audience: sb.info.orgUrl } })
    expect((await cert.services.sendRequest('r', cert.envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
    const asserted = await setup({ grant: 'client_credentials', clientId: sb.info.clients.certificate, scopes: '', credential: 'assertion', clientAssertion: { isSet: true, value: await signedAssertion(shape.tokenEndpoint()) } }, { shape })
    expect((await asserted.services.auth.signIn(asserted.envId)).grant).toBe('client_credentials')
  })

  it('a pasted assertion cannot renew the token: refused once used, and said before sending once expired', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: sb.info.clients.certificate, scopes: '', credential: 'assertion', clientAssertion: { isSet: true, value: await signedAssertion(shape.tokenEndpoint()) } }, { shape })
    await services.auth.signIn(envId)
    await expect(services.auth.accessToken(envId, { forceRefresh: true })).rejects.toMatchObject({
      code: 'sign_in_required',
      message: expect.stringMatching(shape.entra ? /^New client assertion needed: .*AADSTS700023/ : /^New client assertion needed: /),
      detail: { explanation: { code: 'client_assertion_expired', fix: expect.stringContaining('new signed assertion') } }
    })
    const now = Math.floor(Date.now() / 1000)
    const expired = await setup({ grant: 'client_credentials', clientId: sb.info.clients.certificate, scopes: '', credential: 'assertion', clientAssertion: { isSet: true, value: await signedAssertion(shape.tokenEndpoint(), { nbf: now - 900, exp: now - 300 }) } }, { shape })
    await expect(expired.services.auth.signIn(expired.envId)).rejects.toMatchObject({ code: 'sign_in_required', message: expect.stringContaining(`expired at ${new Date((now - 300) * 1000).toISOString()}`), detail: { explanation: { code: 'client_assertion_expired' } } })
    expect(expired.services.traffic.list().filter((e) => e.kind === 'token')).toHaveLength(0)
  })

  it('resource owner password, refreshed silently', async () => {
    const { services, envId } = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: sb.info.user, password: { isSet: true, value: sb.info.password } }, { shape })
    expect((await services.auth.signIn(envId)).account?.username).toBe(sb.info.user)
    await expectSilentRefresh(services, envId, shape, 'password')
  })

  it('device code: the code shown, polled at the authority\'s interval (RFC 8628: 5 s when it sends none), then refreshed silently', async () => {
    const { services, envId, progress } = await setup({ grant: 'device_code', clientId: publicClient(), scopes: '' }, { shape })
    const signing = services.auth.signIn(envId, 'dc-1')
    const code = await deviceCodeShown(progress)
    const shownAt = Date.now()
    expect(code.verificationUri).toBe(shape.entra ? `${sb.info.pagesUrl}/devicelogin` : `${sb.info.pagesUrl}/oidc/device`)
    expect(code.message).toContain(code.userCode)
    expect(code.message).toContain(code.verificationUri)
    await approveDeviceCode(code.verificationUri, code.userCode)
    expect((await signing).account?.username).toBe(sb.info.user)
    const polls = services.traffic.list().filter((e) => e.signInId === 'dc-1' && e.kind === 'token' && endpoint(e.url) === shape.tokenEndpoint())
    const waited = Date.parse(polls[0]!.startedAt) - shownAt
    if (shape.entra) {
      // msal at the interval the Sandbox's Entra answer sends (1 s here): a few polls, not a loop without pause.
      expect(polls.length).toBeLessThanOrEqual(3)
      expect(waited).toBeLessThan(4000)
    } else {
      // No interval in the answer: RFC 8628's 5 s. Approved meanwhile, so exactly one poll, 5 s after the code was shown.
      expect(polls).toHaveLength(1)
      expect(waited).toBeGreaterThanOrEqual(4500)
    }
    if (!shape.entra) expect(services.traffic.list().some((e) => e.signInId === 'dc-1' && e.url === `${shape.authority()}/device_authorization`)).toBe(true)
    expect(progress.map((p) => p.step)).toEqual(expect.arrayContaining(['starting', 'device-code', 'done']))
    await expectSilentRefresh(services, envId, shape, 'device_code')
  }, 20_000)

  it('cancels a device code sign-in and an interactive sign-in', async () => {
    const dc = await setup({ grant: 'device_code', clientId: publicClient(), scopes: '' }, { shape })
    const pending = dc.services.auth.signIn(dc.envId, 'cancel-me')
    await deviceCodeShown(dc.progress)
    expect(dc.services.auth.cancel('cancel-me')).toBe(true)
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' })

    const dir = tempDir()
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined }, openBrowser: async () => undefined })
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    await services.environments.update(environment.id, { ...environment, authorityUrl: shape.authority() })
    const interactive = services.auth.signIn(environment.id, 'browser-cancel')
    await new Promise((ok) => setTimeout(ok, 300))
    services.auth.cancel('browser-cancel')
    await expect(interactive).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('a wrong secret and an unknown client are explained with the authority\'s words and the fix, never msal\'s wrapper', async () => {
    const wrong = await setup({ grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: 'wrong' } }, { shape })
    const refused = await wrong.services.auth.signIn(wrong.envId).then(() => { throw new Error('expected the sign-in to fail') }, (e: unknown) => e as AppError)
    if (shape.entra) expect(refused).toMatchObject({ message: expect.stringContaining('Wrong client secret: AADSTS7000215: Invalid client secret provided.'), detail: { explanation: { code: 'AADSTS7000215', fix: expect.stringContaining('not its secret id') } } })
    else expect(refused).toMatchObject({ code: 'sign_in_failed', message: expect.stringMatching(/^Client authentication failed: \S/), detail: { explanation: { code: 'invalid_client', fix: expect.stringContaining('secret') } } })
    const unknown = await setup({ grant: 'client_credentials', clientId: randomUUID(), scopes: '', credential: 'secret', clientSecret: { isSet: true, value: 'x' } }, { shape })
    const notFound = await unknown.services.auth.signIn(unknown.envId).then(() => { throw new Error('expected the sign-in to fail') }, (e: unknown) => e as AppError)
    expect(notFound).toMatchObject({ detail: { explanation: { code: shape.entra ? 'AADSTS700016' : expect.stringMatching(/^(invalid_client|unauthorized_client)$/) } } })
    for (const error of [refused, notFound]) {
      expect(error.message).not.toMatch(/Not Available|Error\(s\)|Timestamp:|Correlation ID/)
      if (!shape.entra) expect(error.message).not.toContain('AADSTS')
    }
  })

  it('a password refused by the authority is explained', async () => {
    const { services, envId } = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: sb.info.user, password: { isSet: true, value: 'not-the-password' } }, { shape })
    const error = await services.auth.signIn(envId).then(() => { throw new Error('expected the sign-in to fail') }, (e: unknown) => e as AppError)
    expect(error).toMatchObject({ code: 'sign_in_failed', detail: { explanation: { code: shape.entra ? 'AADSTS50126' : 'invalid_grant' } } })
    expect(error.message).not.toMatch(/Not Available|Error\(s\)/)
  })

  it('one-off overrides return their token and leave the environment\'s token alone', async () => {
    const { services, envId, dir } = await setup({ grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } }, { shape })
    await services.auth.signIn(envId)
    const own = await services.auth.rawAccessToken(envId)
    const oneOff = await services.auth.oneOffToken(envId, { clientId: sb.info.clients.certificate, certificatePem: readFileSync(sb.info.certificateFile, 'utf8'), privateKeyPem: readFileSync(sb.info.privateKeyFile, 'utf8') })
    expect(oneOff.accessToken).not.toBe(own)
    expect(oneOff.view).toMatchObject({ grant: 'client_credentials', accessToken: { kind: 'jwt', audience: sb.info.orgUrl } })
    // Not stored, not used: the environment's token is still its own, in memory and on disk.
    expect(await services.auth.rawAccessToken(envId)).toBe(own)
    expect(await services.auth.accessToken(envId)).toBe(own)
    const again = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined } })
    expect(await again.auth.accessToken(envId)).toBe(own)
    expect((await services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
  })
})

describe('grants only Entra has', () => {
  it('the password grant\'s MFA error explained', async () => {
    const mfa = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: sb.info.mfaUser, password: { isSet: true, value: sb.info.password } })
    await expect(mfa.services.auth.signIn(mfa.envId)).rejects.toMatchObject({ code: 'sign_in_failed', message: expect.stringContaining('Multi-factor authentication required'), detail: { explanation: { code: 'AADSTS50076', fix: expect.stringContaining('device code') } } })
  })

  it('an authority that already ends in /v2.0 is not extended again', async () => {
    const v2 = { ...SHAPES[0]!, authority: () => `${sb.info.authority}/v2.0` }
    const { services, envId } = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: sb.info.user, password: { isSet: true, value: sb.info.password } }, { shape: v2 })
    expect((await services.auth.signIn(envId)).account?.username).toBe(sb.info.user)
    const urls = services.traffic.list().map((e) => e.url)
    expect(urls).toContain(`${sb.info.authority}/v2.0/.well-known/openid-configuration`)
    expect(urls.some((u) => u.includes('/v2.0/v2.0'))).toBe(false)
    const implicit = await setup({ grant: 'implicit', clientId: sb.info.clients.implicit, scopes: '', endpoint: 'v2', responseMode: 'fragment' }, { shape: v2 })
    await implicit.services.auth.signIn(implicit.envId)
    expect(new URL(implicit.robot.visits[0]!).pathname).toBe(`/${sb.info.tenantId}/oauth2/v2.0/authorize`)
  })

  it('the device code flow reports its code as progress, with Entra\'s own message', async () => {
    const { services, envId, progress } = await setup({ grant: 'device_code', clientId: publicClient(), scopes: '' })
    const signing = services.auth.signIn(envId, 'dc-entra')
    const code = await deviceCodeShown(progress)
    expect(code).toMatchObject({ verificationUri: `${sb.info.pagesUrl}/devicelogin`, verificationUriComplete: null, message: expect.stringContaining('To sign in, use a web browser') })
    await approveDeviceCode(`${sb.info.orgUrl}/devicelogin`, code.userCode)
    expect((await signing).account?.username).toBe(sb.info.user)
  })
})

describe('refresh tokens', () => {
  it('says to ask for offline_access when the authority sent no refresh token', async () => {
    const shape = SHAPES[1]!
    const { services, envId, progress } = await setup({ grant: 'device_code', clientId: publicClient(), scopes: '' }, { shape })
    const signing = services.auth.signIn(envId)
    const code = await deviceCodeShown(progress)
    await approveDeviceCode(code.verificationUri, code.userCode)
    await signing
    const store = (services.auth as unknown as { cache: { setCurrent: (id: string, t: unknown) => Promise<void>; current: (id: string) => Promise<Record<string, unknown>> } }).cache
    await store.setCurrent(envId, { ...(await store.current(envId)), refreshToken: null, expiresAt: Math.floor(Date.now() / 1000) - 10 })
    expect((await services.auth.status(envId))?.canRefresh).toBe(false)
    await expect(services.auth.accessToken(envId)).rejects.toMatchObject({ code: 'sign_in_required', message: expect.stringContaining('No refresh token'), detail: { explanation: { code: 'no_refresh_token', fix: expect.stringContaining('offline_access') } } })
  }, 20_000)
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
    // What the discovery read: the Web API's anonymous 401 and its challenge, exactly as a client without OrgBench sees them.
    const plain = await request(`${sb.info.orgUrl}/api/data/v9.2/`, { dispatcher: sb.agent })
    await plain.body.dump()
    expect(plain.statusCode).toBe(401)
    expect(String(plain.headers['www-authenticate'])).toBe(`Bearer authorization_uri=${sb.info.authority}/oauth2/authorize, resource_id=${sb.info.orgUrl}/`)
    const recorded = services.traffic.list().filter((e) => e.kind === 'discovery')
    expect(recorded).toMatchObject([{ method: 'GET', url: `${sb.info.orgUrl}/api/data/v9.2/`, status: 401 }])
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
    await services.environments.update(environment.id, { ...environment, authorityUrl: sb.info.oidcAuthority, auth: { grant: 'preapproved', scopes: '', endpoint: 'v2' } })
    await expect(services.auth.signIn(environment.id)).rejects.toMatchObject({ code: 'not_supported', message: expect.stringContaining('only in Entra ID') })
    expect(seen).toHaveLength(1)
    const noWindow = await setup({ grant: 'preapproved', scopes: '', endpoint: 'v2' })
    await expect(noWindow.services.auth.signIn(noWindow.envId)).rejects.toMatchObject({ code: 'not_supported', message: expect.stringContaining('desktop app') })
  })
})

/** Every grant against both of the Sandbox's authorities (Entra-shaped and standards-only OpenID Connect), with refresh. */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { AppError } from '../../../shared/errors'
import { ensureSandboxEnvironment } from '../../sandbox/environment'
import { keyFileSecretBox } from '../store/secretBox'
import { Services } from '../services'
import { deviceCodeShown, endpoint, useSignInSandbox } from './testKit'

const kit = useSignInSandbox()
const { SHAPES, setup, signedAssertion, expectSilentRefresh, approveDeviceCode, tempDir } = kit
const publicClient = () => kit.sb.info.clients.public

describe.each(SHAPES)('every grant against the Sandbox\'s $name authority', (shape) => {
  it('authorization code + PKCE in the browser, the traffic linked in the log, then refreshed silently', async () => {
    const { services, envId, robot } = await setup({ grant: 'authorization_code', clientId: publicClient(), scopes: '', loginHint: kit.sb.info.user }, { shape })
    const view = await services.auth.signIn(envId, 'sign-in-1')
    expect(view).toMatchObject({ grant: 'authorization_code', account: { username: kit.sb.info.user }, canRefresh: true })
    expect(view.accessToken).toMatchObject({ kind: 'jwt', audience: kit.sb.info.orgUrl, scopes: ['user_impersonation'], warnings: [] })
    const authorize = new URL(robot.visits[0]!)
    expect(`${authorize.origin}${authorize.pathname}`).toBe(shape.authorizeEndpoint())
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+$/)
    expect(authorize.searchParams.get('login_hint')).toBe(kit.sb.info.user)
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
    const { services, envId, robot } = await setup({ grant: 'implicit', clientId: kit.sb.info.clients.implicit, scopes: '', endpoint: 'v2', responseMode: 'fragment' }, { shape })
    const view = await services.auth.signIn(envId)
    expect(view).toMatchObject({ grant: 'implicit', canRefresh: false, account: { username: kit.sb.info.user } })
    const url = new URL(robot.visits[0]!)
    expect(`${url.origin}${url.pathname}`).toBe(shape.authorizeEndpoint())
    expect(url.searchParams.get('response_type')).toBe('id_token token')
    expect(url.searchParams.get('scope')!.split(' ')).toContain('openid')
    expect((await services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
  })

  it('implicit with form_post (v1 resource= at Entra; scope= wherever there is no v1)', async () => {
    const { services, envId, robot } = await setup({ grant: 'implicit', clientId: kit.sb.info.clients.implicit, scopes: '', endpoint: 'v1', responseMode: 'form_post' }, { shape })
    await services.auth.signIn(envId)
    const url = new URL(robot.visits[0]!)
    expect(url.searchParams.get('scope')!.split(' ')).toContain('openid')
    expect(url.searchParams.get('nonce')).toBeTruthy()
    if (shape.entra) {
      expect(url.pathname).toMatch(/\/oauth2\/authorize$/)
      expect(url.searchParams.get('resource')).toBe(kit.sb.info.orgUrl)
    } else {
      expect(url.searchParams.get('resource')).toBeNull()
    }
    expect((await services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
  })

  it('client credentials with a secret: no sign-in step needed, the token comes when a request needs it, and again when forced', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: kit.sb.info.clientSecret } }, { shape })
    const who = await services.sendRequest('r', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })
    expect(who.status).toBe(200)
    const status = await services.auth.status(envId)
    if (shape.entra) expect(status?.accessToken).toMatchObject({ identity: 'app' })
    else expect(status?.accessToken).toMatchObject({ claims: { sub: kit.sb.info.clients.secret, client_id: kit.sb.info.clients.secret } })
    const first = await services.auth.accessToken(envId)
    expect(await services.auth.accessToken(envId, { forceRefresh: true })).not.toBe(first)
    expect(services.traffic.list().filter((e) => e.kind === 'token').every((e) => endpoint(e.url) === shape.tokenEndpoint())).toBe(true)
  })

  it('client credentials with a certificate (thumbprint computed) and with a signed assertion', async () => {
    const cert = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.certificate, scopes: '', credential: 'certificate', certificatePem: readFileSync(kit.sb.info.certificateFile, 'utf8'), privateKeyPem: { isSet: true, value: readFileSync(kit.sb.info.privateKeyFile, 'utf8') } }, { shape })
    const view = await cert.services.auth.signIn(cert.envId)
    expect(view).toMatchObject({ grant: 'client_credentials', accessToken: { kind: 'jwt', audience: kit.sb.info.orgUrl } })
    expect((await cert.services.sendRequest('r', cert.envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
    const asserted = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.certificate, scopes: '', credential: 'assertion', clientAssertion: { isSet: true, value: await signedAssertion(shape.tokenEndpoint()) } }, { shape })
    expect((await asserted.services.auth.signIn(asserted.envId)).grant).toBe('client_credentials')
  })

  it('a pasted assertion cannot renew the token: refused once used, and said before sending once expired', async () => {
    const { services, envId } = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.certificate, scopes: '', credential: 'assertion', clientAssertion: { isSet: true, value: await signedAssertion(shape.tokenEndpoint()) } }, { shape })
    await services.auth.signIn(envId)
    await expect(services.auth.accessToken(envId, { forceRefresh: true })).rejects.toMatchObject({
      code: 'sign_in_required',
      message: expect.stringMatching(shape.entra ? /^New client assertion needed: .*AADSTS700023/ : /^New client assertion needed: /),
      detail: { explanation: { code: 'client_assertion_expired', fix: expect.stringContaining('new signed assertion') } }
    })
    const now = Math.floor(Date.now() / 1000)
    const expired = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.certificate, scopes: '', credential: 'assertion', clientAssertion: { isSet: true, value: await signedAssertion(shape.tokenEndpoint(), { nbf: now - 900, exp: now - 300 }) } }, { shape })
    await expect(expired.services.auth.signIn(expired.envId)).rejects.toMatchObject({ code: 'sign_in_required', message: expect.stringContaining(`expired at ${new Date((now - 300) * 1000).toISOString()}`), detail: { explanation: { code: 'client_assertion_expired' } } })
    expect(expired.services.traffic.list().filter((e) => e.kind === 'token')).toHaveLength(0)
  })

  it('resource owner password, refreshed silently', async () => {
    const { services, envId } = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: kit.sb.info.user, password: { isSet: true, value: kit.sb.info.password } }, { shape })
    expect((await services.auth.signIn(envId)).account?.username).toBe(kit.sb.info.user)
    await expectSilentRefresh(services, envId, shape, 'password')
  })

  it('device code: the code shown, polled at the authority\'s interval (RFC 8628: 5 s when it sends none), then refreshed silently', async () => {
    const { services, envId, progress } = await setup({ grant: 'device_code', clientId: publicClient(), scopes: '' }, { shape })
    const signing = services.auth.signIn(envId, 'dc-1')
    const code = await deviceCodeShown(progress)
    const shownAt = Date.now()
    expect(code.verificationUri).toBe(shape.entra ? `${kit.sb.info.pagesUrl}/devicelogin` : `${kit.sb.info.pagesUrl}/oidc/device`)
    expect(code.message).toContain(code.userCode)
    expect(code.message).toContain(code.verificationUri)
    await approveDeviceCode(code.verificationUri, code.userCode)
    expect((await signing).account?.username).toBe(kit.sb.info.user)
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
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, kit.sb.info)
    await services.environments.update(environment.id, { ...environment, authorityUrl: shape.authority() })
    const interactive = services.auth.signIn(environment.id, 'browser-cancel')
    await new Promise((ok) => setTimeout(ok, 300))
    services.auth.cancel('browser-cancel')
    await expect(interactive).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('a wrong secret and an unknown client are explained with the authority\'s words and the fix, never msal\'s wrapper', async () => {
    const wrong = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: 'wrong' } }, { shape })
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
    const { services, envId } = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: kit.sb.info.user, password: { isSet: true, value: 'not-the-password' } }, { shape })
    const error = await services.auth.signIn(envId).then(() => { throw new Error('expected the sign-in to fail') }, (e: unknown) => e as AppError)
    expect(error).toMatchObject({ code: 'sign_in_failed', detail: { explanation: { code: shape.entra ? 'AADSTS50126' : 'invalid_grant' } } })
    expect(error.message).not.toMatch(/Not Available|Error\(s\)/)
  })

  it('one-off overrides return their token and leave the environment\'s token alone', async () => {
    const { services, envId, dir } = await setup({ grant: 'client_credentials', clientId: kit.sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: kit.sb.info.clientSecret } }, { shape })
    await services.auth.signIn(envId)
    const own = await services.auth.rawAccessToken(envId)
    const oneOff = await services.auth.oneOffToken(envId, { clientId: kit.sb.info.clients.certificate, certificatePem: readFileSync(kit.sb.info.certificateFile, 'utf8'), privateKeyPem: readFileSync(kit.sb.info.privateKeyFile, 'utf8') })
    expect(oneOff.accessToken).not.toBe(own)
    expect(oneOff.view).toMatchObject({ grant: 'client_credentials', accessToken: { kind: 'jwt', audience: kit.sb.info.orgUrl } })
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
    const mfa = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: kit.sb.info.mfaUser, password: { isSet: true, value: kit.sb.info.password } })
    await expect(mfa.services.auth.signIn(mfa.envId)).rejects.toMatchObject({ code: 'sign_in_failed', message: expect.stringContaining('Multi-factor authentication required'), detail: { explanation: { code: 'AADSTS50076', fix: expect.stringContaining('device code') } } })
  })

  it('an authority that already ends in /v2.0 is not extended again', async () => {
    const v2 = { ...SHAPES[0]!, authority: () => `${kit.sb.info.authority}/v2.0` }
    const { services, envId } = await setup({ grant: 'password', clientId: publicClient(), scopes: '', username: kit.sb.info.user, password: { isSet: true, value: kit.sb.info.password } }, { shape: v2 })
    expect((await services.auth.signIn(envId)).account?.username).toBe(kit.sb.info.user)
    const urls = services.traffic.list().map((e) => e.url)
    expect(urls).toContain(`${kit.sb.info.authority}/v2.0/.well-known/openid-configuration`)
    expect(urls.some((u) => u.includes('/v2.0/v2.0'))).toBe(false)
    const implicit = await setup({ grant: 'implicit', clientId: kit.sb.info.clients.implicit, scopes: '', endpoint: 'v2', responseMode: 'fragment' }, { shape: v2 })
    await implicit.services.auth.signIn(implicit.envId)
    expect(new URL(implicit.robot.visits[0]!).pathname).toBe(`/${kit.sb.info.tenantId}/oauth2/v2.0/authorize`)
  })

  it('the device code flow reports its code as progress, with Entra\'s own message', async () => {
    const { services, envId, progress } = await setup({ grant: 'device_code', clientId: publicClient(), scopes: '' })
    const signing = services.auth.signIn(envId, 'dc-entra')
    const code = await deviceCodeShown(progress)
    expect(code).toMatchObject({ verificationUri: `${kit.sb.info.pagesUrl}/devicelogin`, verificationUriComplete: null, message: expect.stringContaining('To sign in, use a web browser') })
    await approveDeviceCode(`${kit.sb.info.orgUrl}/devicelogin`, code.userCode)
    expect((await signing).account?.username).toBe(kit.sb.info.user)
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

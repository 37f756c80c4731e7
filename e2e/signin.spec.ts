import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { importPKCS8, SignJWT } from 'jose'
import { certificateThumbprints } from '../src/main/core/tls/certificates'
import type { SandboxInfo } from '../src/shared/sandbox'
import { expect, test, useTheme, type AppFixture, type SandboxFixture } from './harness'

/** The Sandbox's two authorities: Entra-shaped (`/<tenant>`) and standards-only OpenID Connect (`/oidc`, discovery at its issuer, RFC 8628 without message or interval). */
const SHAPES = [
  { name: 'Entra-shaped', entra: true, authority: (info: SandboxInfo) => info.authority, tokenEndpoint: (info: SandboxInfo) => `${info.authority}/oauth2/v2.0/token` },
  { name: 'standards-only OIDC', entra: false, authority: (info: SandboxInfo) => info.oidcAuthority, tokenEndpoint: (info: SandboxInfo) => `${info.oidcAuthority}/token` }
] as const
type Shape = (typeof SHAPES)[number]
/** A request's endpoint without its query (msal adds `?client-request-id=…`). */
const endpoint = (url: string) => url.split('?')[0]

async function useProfile(fixture: SandboxFixture, auth: Record<string, unknown>, shape: Shape = SHAPES[0]): Promise<string> {
  const { app, info } = fixture
  const { environments } = await app.router.invoke('env.list', {})
  const env = environments.find((e) => e.name === 'Sandbox')!
  await app.router.invoke('env.update', { id: env.id, environment: { ...env, authorityUrl: shape.authority(info), auth } as never })
  return env.id
}

/** The person at the browser: sign in on the Sandbox page that OrgBench opened. */
async function signInInBrowser(app: AppFixture, user: string, password: string, index = 0): Promise<void> {
  await expect.poll(() => app.browserPages.length, { timeout: 10_000 }).toBeGreaterThan(index)
  const tab = app.browserPages[index]!
  await tab.locator('#username').fill(user)
  await tab.locator('#password').fill(password)
  await tab.locator('#submit').click()
  await expect(tab.locator('#result')).toHaveText('You are signed in', { timeout: 10_000 })
}

async function sendWhoAmI(app: AppFixture): Promise<void> {
  await app.page.getByTestId('send').click()
  await expect(app.page.getByTestId('response-status')).toHaveText(/200/)
  await expect(app.page.getByTestId('response-body')).toContainText('"UserId"')
}

/** A token renewed without anyone, through this authority's token endpoint; the request still answers 200. */
async function expectSilentRefresh(fixture: SandboxFixture, shape: Shape): Promise<void> {
  const { app, info } = fixture
  const { activeId } = await app.router.invoke('env.list', {})
  const before = app.services.traffic.list().filter((e) => e.kind === 'token').length
  await app.services.auth.accessToken(activeId!, { forceRefresh: true })
  const renewal = app.services.traffic.list().filter((e) => e.kind === 'token').slice(before)
  expect(renewal.map((e) => [endpoint(e.url), e.status])).toEqual([[shape.tokenEndpoint(info), 200]])
  expect(app.services.traffic.get(renewal[0]!.id, true)!.requestBody!.text).toContain('grant_type=refresh_token')
  await sendWhoAmI(app)
}

for (const shape of SHAPES) {
  test.describe(`${shape.name} authority`, () => {
    test('authorization code + PKCE in the browser; the token is attached, inspected, its traffic linked, and refreshed', async ({ sandboxApp }) => {
      const { app, info } = sandboxApp
      const { page } = app
      await useProfile(sandboxApp, { grant: 'authorization_code', clientId: info.clients.public, scopes: '' }, shape)
      await app.open()
      await page.getByTestId('sign-in').click()
      await expect(page.getByTestId('sign-in-waiting')).toBeVisible()
      if (shape.entra) await app.screenshot('signin-waiting-for-browser')
      await expect.poll(() => app.browserPages.length).toBe(1)
      await expect(app.browserPages[0]!.locator('h1')).toHaveText('Sign in')
      if (shape.entra) await app.browserPages[0]!.screenshot({ path: 'test-results/screenshots/sandbox-sign-in-page.png' })
      await signInInBrowser(app, info.user, info.password)
      await expect(page.getByTestId('signed-in')).toContainText(info.user)
      await expect(page.getByTestId('token-countdown')).toHaveText(/^\d+:\d{2}$/)
      await sendWhoAmI(app)
      if (shape.entra) await app.screenshot('signin-signed-in')

      await page.getByTestId('signed-in').click()
      const inspector = page.getByTestId('token-inspector')
      await expect(page.getByTestId('token-audience')).toHaveText(info.orgUrl)
      await expect(page.getByTestId('token-claims')).toContainText('user_impersonation')
      await expect(page.getByTestId('token-claims')).toContainText('Audience: the API this token is for')
      await expect(inspector).not.toContainText('The audience (aud) is')
      if (shape.entra) await app.screenshot('token-inspector')
      await page.keyboard.press('Escape')

      await page.getByTestId('nav-traffic').click()
      const kinds = app.services.traffic.list().map((e) => e.kind)
      expect(kinds).toEqual(expect.arrayContaining(['discovery', 'authorize', 'callback', 'token', 'api']))
      if (!shape.entra) expect(app.services.traffic.list().filter((e) => e.kind === 'discovery').every((e) => e.url === `${info.oidcAuthority}/.well-known/openid-configuration`)).toBe(true)
      const tokenEntry = app.services.traffic.list().find((e) => e.kind === 'token')!
      expect(endpoint(tokenEntry.url)).toBe(shape.tokenEndpoint(info))
      await page.getByTestId(`traffic-row-${tokenEntry.seq}`).click()
      await page.getByTestId('inspector').getByText('Request', { exact: true }).click()
      await expect(page.getByTestId('body-fields-table')).toContainText('code_verifier')
      await expect(page.getByTestId('masked-note')).toContainText('request body field code_verifier')
      await expect(page.getByTestId('inspector-signin')).toContainText('Part of a sign-in: Authorization code + PKCE')
      await page.getByTestId('show-sign-in').click()
      await expect(page.getByTestId('traffic-count')).toHaveText(/^[4-9] of/)
      if (shape.entra) await app.screenshot('traffic-sign-in')
      // The sign-in as a sequence, ending with the org's first answer, and every check passed.
      await page.getByTestId('show-sequence').click()
      await expect(page.getByTestId('sign-in-sequence')).toContainText('Token request (authorization_code)')
      await expect(page.getByTestId('sign-in-sequence')).toContainText('First call with the token')
      for (const check of ['PKCE', 'state', 'nonce', 'audience', 'issuer']) await expect(page.getByTestId(`sequence-check-${check}`)).toHaveClass(/passed/)
      if (shape.entra) await app.screenshot('traffic-sign-in-sequence')
      await page.keyboard.press('Escape')
      await page.getByTestId('nav-request').click()
      await expectSilentRefresh(sandboxApp, shape)
    })

    for (const [endpoint, responseMode, how] of [
      ['v2', 'fragment', 'v2 scope= with the fragment relayed to the loopback'],
      ['v1', 'form_post', shape.entra ? 'v1 resource= with form_post' : 'form_post (scope=: this authority has no v1)']
    ] as const) {
      test(`implicit, ${how}`, async ({ sandboxApp }) => {
        const { app, info } = sandboxApp
        await useProfile(sandboxApp, { grant: 'implicit', clientId: info.clients.implicit, scopes: '', endpoint, responseMode }, shape)
        await app.open()
        await app.page.getByTestId('sign-in').click()
        await signInInBrowser(app, info.user, info.password)
        await expect(app.page.getByTestId('signed-in')).toContainText(info.user)
        const authorize = app.services.traffic.list().find((e) => e.kind === 'authorize')!
        expect(new URL(authorize.url).searchParams.get('scope')!.split(' ')).toContain('openid')
        expect(new URL(app.browserPages[0]!.url()).port).not.toBe('')
        await sendWhoAmI(app)
      })
    }

    test('client credentials with a secret: the token is fetched when the request is sent', async ({ sandboxApp }) => {
      const { app, info } = sandboxApp
      await useProfile(sandboxApp, { grant: 'client_credentials', clientId: info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: info.clientSecret } }, shape)
      await app.open()
      await sendWhoAmI(app)
      // Entra names the app (app_displayname); a standard authority's token (RFC 9068) only has its client_id.
      await expect(app.page.getByTestId('signed-in')).toContainText(shape.entra ? 'Integration (client secret)' : info.clients.secret)
      expect(endpoint(app.services.traffic.list().find((e) => e.kind === 'token')!.url)).toBe(shape.tokenEndpoint(info))
    })

    test('client credentials with a certificate, and with a signed assertion that cannot renew the token', async ({ sandboxApp }) => {
      const { app, info } = sandboxApp
      await useProfile(sandboxApp, { grant: 'client_credentials', clientId: info.clients.certificate, scopes: '', credential: 'certificate', certificatePem: readFileSync(info.certificateFile, 'utf8'), privateKeyPem: { isSet: true, value: readFileSync(info.privateKeyFile, 'utf8') } }, shape)
      await app.open()
      // No sign-in step for client credentials: the first request that needs the token (the schema download, or this one) fetches it.
      await sendWhoAmI(app)
      await expect(app.page.getByTestId('signed-in')).toContainText(shape.entra ? 'Integration (certificate)' : info.clients.certificate)

      const key = await importPKCS8(readFileSync(info.privateKeyFile, 'utf8'), 'RS256')
      const now = Math.floor(Date.now() / 1000)
      const assertion = await new SignJWT({ iss: info.clients.certificate, sub: info.clients.certificate, aud: shape.tokenEndpoint(info), jti: randomUUID(), nbf: now, exp: now + 600 })
        .setProtectedHeader({ alg: 'RS256', x5t: certificateThumbprints(readFileSync(info.certificateFile, 'utf8')).x5t })
        .sign(key)
      const id = await useProfile(sandboxApp, { grant: 'client_credentials', clientId: info.clients.certificate, scopes: '', credential: 'assertion', clientAssertion: { isSet: true, value: assertion } }, shape)
      await app.router.invoke('auth.signOut', { environmentId: id })
      const token = await app.router.invoke('auth.signIn', { environmentId: id, signInId: 'assertion-1' })
      expect(token.accessToken.kind === 'jwt' && token.accessToken.claims.aud).toBe(info.orgUrl)
      // Renewing it would send the same assertion again: the UI is told to paste a new one.
      await expect(app.services.auth.accessToken(id, { forceRefresh: true })).rejects.toMatchObject({ code: 'sign_in_required', message: expect.stringMatching(/^New client assertion needed: /) })
    })

    test('resource owner password (legacy), refreshed silently', async ({ sandboxApp }) => {
      const { app, info } = sandboxApp
      await useProfile(sandboxApp, { grant: 'password', clientId: info.clients.public, scopes: '', username: info.user, password: { isSet: true, value: info.password } }, shape)
      await app.open()
      await app.page.getByTestId('sign-in').click()
      await expect(app.page.getByTestId('signed-in')).toContainText(info.user)
      await sendWhoAmI(app)
      await expectSilentRefresh(sandboxApp, shape)
    })

    test('device code: the code is shown in the app and entered on the device page, then refreshed', async ({ sandboxApp }) => {
      const { app, info } = sandboxApp
      await useProfile(sandboxApp, { grant: 'device_code', clientId: info.clients.public, scopes: '' }, shape)
      await app.open()
      await app.page.getByTestId('sign-in').click()
      const code = app.page.getByTestId('device-code')
      await expect(code).toHaveText(/^[A-Z0-9]{9}$/)
      const device = await app.page.context().newPage()
      if (shape.entra) {
        await app.screenshot('signin-device-code')
        await expect(app.page.getByTestId('device-code-complete')).toHaveCount(0)
        await device.goto(`${info.pagesUrl}/devicelogin`)
        await device.locator('#user_code').fill((await code.textContent())!)
      } else {
        // RFC 8628: no message from this authority, but verification_uri_complete, which carries the code.
        const complete = app.page.getByTestId('device-code-complete')
        await expect(complete).toContainText(`${info.pagesUrl}/oidc/device?user_code=`)
        await device.goto((await complete.locator('a').textContent())!)
        await expect(device.locator('#user_code')).toHaveValue((await code.textContent())!)
      }
      await device.locator('#submit').click()
      await device.locator('#username').fill(info.user)
      await device.locator('#password').fill(info.password)
      await device.locator('#submit').click()
      await expect(device.locator('#done')).toHaveText('You have signed in')
      await expect(app.page.getByTestId('signed-in')).toContainText(info.user, { timeout: 15_000 })
      await sendWhoAmI(app)
      await expectSilentRefresh(sandboxApp, shape)
    })

    test('a wrong client secret is explained with the fix, in the authority\'s words', async ({ sandboxApp }) => {
      const { app, info } = sandboxApp
      await useProfile(sandboxApp, { grant: 'client_credentials', clientId: info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: 'not-the-secret' } }, shape)
      await app.open()
      await app.page.getByTestId('sign-in').click()
      const error = app.page.getByTestId('sign-in-error')
      if (shape.entra) {
        await expect(error).toContainText('Wrong client secret')
        await expect(error).toContainText('AADSTS7000215')
        await expect(error).toContainText('not its secret id')
        await app.screenshot('signin-error-explained')
      } else {
        await expect(error).toContainText('Client authentication failed')
        await expect(error).toContainText('invalid_client')
        await expect(error).not.toContainText('AADSTS')
        await app.screenshot('signin-error-explained-oidc')
      }
      await expect(error).not.toContainText('Not Available')
    })
  })
}

test('the device code dialog of a standard authority: the composed message and the page with the code filled in', async ({ sandboxApp }) => {
  const { app, info } = sandboxApp
  await useProfile(sandboxApp, { grant: 'device_code', clientId: info.clients.public, scopes: '' }, SHAPES[1])
  await app.open()
  await app.page.getByTestId('sign-in').click()
  const code = (await app.page.getByTestId('device-code').textContent())!
  await expect(app.page.getByTestId('sign-in-dialog')).toContainText(`open ${info.pagesUrl}/oidc/device and enter this code`)
  await expect(app.page.getByTestId('device-code-complete')).toContainText(`${info.pagesUrl}/oidc/device?user_code=${code}, which fills in the code`)
  // The dialog is teleported out of the app root: the code box must still follow the theme (it once was light, with light text, in dark).
  const background = () => app.page.getByTestId('device-code').evaluate((el) => getComputedStyle(el).backgroundColor.match(/\d+/g)!.slice(0, 3).reduce((sum, v) => sum + Number(v), 0))
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(app.page, theme)
    if (theme === 'dark') await expect.poll(background, { message: 'a dark code box' }).toBeLessThan(3 * 64)
    else await expect.poll(background, { message: 'a light code box' }).toBeGreaterThan(3 * 192)
    await app.screenshot(`signin-device-code-oidc-${theme}`)
  }
  await app.page.getByTestId('sign-in-cancel').click()
  await expect(app.page.getByTestId('sign-in-dialog')).toBeHidden()
})

test('an interactive sign-in can be cancelled', async ({ sandboxApp }) => {
  const { app, info } = sandboxApp
  await useProfile(sandboxApp, { grant: 'authorization_code', clientId: info.clients.public, scopes: '' })
  await app.open()
  await app.page.getByTestId('sign-in').click()
  await expect(app.page.getByTestId('sign-in-waiting')).toBeVisible()
  await app.page.getByTestId('sign-in-cancel').click()
  await expect(app.page.getByTestId('sign-in-dialog')).toBeHidden()
  await expect(app.page.getByTestId('sign-in')).toBeVisible()
})

test('a request can skip the environment token or carry one typed by hand', async ({ sandboxApp }) => {
  const { app, info } = sandboxApp
  await useProfile(sandboxApp, { grant: 'client_credentials', clientId: info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: info.clientSecret } })
  await app.open()
  await app.page.locator('.sections').getByText('Auth').click()
  await app.page.getByTestId('auth-none').click()
  await app.page.getByTestId('send').click()
  await expect(app.page.getByTestId('response-status')).toHaveText(/401/)
  const token = (await app.router.invoke('auth.signIn', { environmentId: (await app.router.invoke('env.list', {})).activeId!, signInId: 'manual' })).preview
  expect(token).toMatch(/^eyJ/)
  await app.page.getByTestId('auth-bearer').click()
  await app.page.getByTestId('auth-token').locator('textarea').fill('not-a-valid-token')
  await app.page.getByTestId('send').click()
  await expect(app.page.getByTestId('response-status')).toHaveText(/401/)
  await app.screenshot('request-auth-section')
})

test('a .pfx is imported into the certificate profile (thumbprint shown), saved encrypted, and signs in', async ({ sandboxApp, dataDir }) => {
  const { app, info } = sandboxApp
  const forge = (await import('node-forge')).default
  const p12 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(readFileSync(info.privateKeyFile, 'utf8')), [forge.pki.certificateFromPem(readFileSync(info.certificateFile, 'utf8'))], 'pfx-pass', { algorithm: '3des' })
  const pfxFile = `${dataDir}/client.pfx`
  ;(await import('node:fs')).writeFileSync(pfxFile, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'))
  await app.open()
  const { page } = app
  await page.getByTestId('env-item-Sandbox').dblclick()
  await page.getByTestId('env-grant').click()
  await page.getByText('Client credentials (application user)', { exact: true }).click()
  await page.getByTestId('env-editor').locator('input[placeholder="00000000-0000-0000-0000-000000000000"]').fill(info.clients.certificate)
  await page.getByTestId('env-credential').click()
  await page.getByText('Certificate + private key', { exact: true }).click()
  await page.getByTestId('pfx-file').setInputFiles(pfxFile)
  await page.getByTestId('pfx-password').locator('input').fill('pfx-pass')
  await page.getByTestId('pfx-import').click()
  await expect(page.getByTestId('env-editor')).toContainText(`SHA-1 thumbprint ${info.certificateThumbprint}`)
  await app.screenshot('environment-certificate-profile')
  await page.getByTestId('env-save').click()
  await expect(page.getByTestId('env-editor')).toBeHidden()
  for (const file of (await import('node:fs')).readdirSync(`${dataDir}/environments`)) {
    expect(readFileSync(`${dataDir}/environments/${file}`, 'utf8')).not.toContain('PRIVATE KEY')
  }
  await page.getByTestId('sign-in').click()
  await expect(page.getByTestId('signed-in')).toContainText('Integration (certificate)')
})

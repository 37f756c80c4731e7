/**
 * Many orgs, one sign-in: Global Discovery lists the Sandbox tenant's orgs and creates environments from them; the
 * auth doctor names the failed check and its fix for each failing Sandbox client or user, and passes a good one.
 * Screenshots of both dialogs, light and dark, under test-results/screenshots/.
 */
import type { Page } from '@playwright/test'
import type { EnvironmentInput } from '../src/shared/environment'
import { readFileSync } from 'node:fs'
import { expect, screenshotBothThemes, test, type SandboxFixture } from './harness'

test.describe.configure({ timeout: 90_000 })

async function sandboxEnv({ app }: SandboxFixture) {
  const list = await app.router.invoke('env.list', {})
  return list.environments.find((e) => e.name === 'Sandbox')!
}

/** The Sandbox environment with another sign-in profile (and other changes), set in main as the editor would save them. */
async function setProfile(fixture: SandboxFixture, auth: EnvironmentInput['auth'], changes: Partial<EnvironmentInput> = {}): Promise<string> {
  const env = await sandboxEnv(fixture)
  const { app } = fixture
  await app.services.auth.signOut(env.id)
  await app.services.environments.update(env.id, { ...(await app.services.environments.get(env.id)), tenant: fixture.info.tenantId, auth, ...changes })
  return env.id
}

async function palette(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Control+k')
  await page.getByTestId('palette-input').locator('input').fill(label)
  await page.keyboard.press('Enter')
}

test('discover the Sandbox tenant\'s orgs and create an environment for the production org', async ({ sandboxApp }) => {
  const { app, info } = sandboxApp
  const { page } = app
  const production = info.orgs.find((o) => o.key === 'production')!
  await setProfile(sandboxApp, { grant: 'password', clientId: info.clients.public, username: info.user, password: { isSet: true, value: info.password } })
  await app.open()
  await palette(page, 'Discover orgs')
  const dialog = page.getByTestId('discovery-dialog')
  await expect(dialog).toContainText(`2 orgs for ${info.user}`)
  await expect(dialog).toContainText(info.discoveryUrl)
  // The main org is the Sandbox environment's: marked, not offered again.
  await expect(page.getByTestId(`discovered-${info.orgs[0]!.uniqueName}`)).toContainText('in “Sandbox”')
  await expect(page.getByTestId(`discovered-${production.uniqueName}`)).toContainText(production.friendlyName)
  await expect(page.getByTestId(`discovered-${production.uniqueName}`)).toContainText('EUR')
  await expect(page.getByTestId('discovery-create')).toHaveText('Create 1 environment')
  await screenshotBothThemes(app, 'discovery')
  await page.getByTestId('discovery-group').locator('input').fill('Sandbox tenant')
  await page.getByTestId('discovery-create').click()
  await expect(page.getByTestId('discovery-created')).toContainText(production.friendlyName)
  // Listed again: now known too, so nothing is left to create.
  await expect(page.getByTestId(`discovered-${production.uniqueName}`)).toContainText(`in “${production.friendlyName}”`)
  await expect(page.getByTestId('discovery-create')).toHaveCount(0)
  await page.getByTestId('discovery-created').getByText(production.friendlyName).click()
  await expect(page.getByTestId('active-env')).toContainText(production.friendlyName)
  await expect(page.getByTestId('active-env')).toContainText('PROD')
  const created = (await app.router.invoke('env.list', {})).environments.find((e) => e.name === production.friendlyName)!
  expect(created).toMatchObject({ orgUrl: production.orgUrl, group: 'Sandbox tenant', cloud: 'custom', tenant: info.tenantId, auth: { grant: 'password', username: info.user, password: { isSet: true } } })
  // The new environment signs in to its own org: WhoAmI there names the production organization.
  await app.services.auth.signIn(created.id)
  const who = await app.router.invoke('request.send', { requestId: 'who-prod', environmentId: created.id, request: { method: 'GET', url: '{{webApiUrl}}/WhoAmI' } })
  expect(JSON.parse(who.body.text).OrganizationId).toBe(production.organizationId)
})

test('a token for one org is refused by the other, and the doctor says why', async ({ sandboxApp }) => {
  const { app, info } = sandboxApp
  const { page } = app
  const production = info.orgs.find((o) => o.key === 'production')!
  const id = await setProfile(sandboxApp, { grant: 'password', clientId: info.clients.public, username: info.user, password: { isSet: true, value: info.password }, scopes: `${production.orgUrl}/.default` })
  await app.open()
  await app.services.auth.signIn(id)
  const refused = await app.router.invoke('request.send', { requestId: 'who-wrong-org', environmentId: id, request: { method: 'GET', url: '{{webApiUrl}}/WhoAmI' } })
  expect(refused.status).toBe(401)
  expect(refused.headers.find(([k]) => k.toLowerCase() === 'www-authenticate')?.[1]).toContain(`resource_id=${info.orgUrl}/`)
  // The doctor from the environment's own actions menu.
  await page.getByTestId('env-actions-Sandbox').click()
  await page.getByText('Auth doctor', { exact: true }).click()
  await expect(page.getByTestId('doctor-check-claims')).toHaveAttribute('data-status', 'failed')
  await expect(page.getByTestId('doctor-check-claims')).toContainText(`The token is for ${production.orgUrl}`)
  await expect(page.getByTestId('doctor-check-claims').getByTestId('doctor-fix')).toContainText(`${info.orgUrl}/.default`)
  await expect(page.getByTestId('doctor-check-whoami')).toContainText('401')
  // Its evidence opens the exchange in the traffic log.
  await page.getByTestId('doctor-evidence-whoami').click()
  await expect(page.getByTestId('doctor-dialog')).toHaveCount(0)
  await expect(page.getByTestId('inspector-url')).toContainText('WhoAmI')
})

test('the auth doctor: the failed check and its fix for each failing Sandbox client or user, all passed for a good one', async ({ sandboxApp }) => {
  const { app, info } = sandboxApp
  const { page } = app
  const secret = (clientId: string, value: string): EnvironmentInput['auth'] => ({ grant: 'client_credentials', clientId, credential: 'secret', clientSecret: { isSet: true, value } })
  const password = (clientId: string, username: string): EnvironmentInput['auth'] => ({ grant: 'password', clientId, username, password: { isSet: true, value: info.password } })
  const cases: Array<{ name: string; auth: EnvironmentInput['auth']; changes?: Partial<EnvironmentInput>; check: string; says: string }> = [
    { name: 'wrong-tenant', auth: secret(info.clients.secret, info.clientSecret), changes: { tenant: '11111111-2222-4333-8444-555555555555' }, check: 'org', says: `Set the environment's tenant to ${info.tenantId}` },
    { name: 'secret-id', auth: secret(info.clients.secret, info.clientSecretId), check: 'token', says: 'secret\'s ID, not its value' },
    { name: 'expired-secret', auth: secret(info.clients.expiredSecret, info.expiredClientSecret), check: 'token', says: 'Create a new client secret' },
    { name: 'expired-certificate', auth: { grant: 'client_credentials', clientId: info.clients.expiredCertificate, credential: 'certificate', certificatePem: readFileSync(info.expiredCertificateFile, 'utf8'), privateKeyPem: { isSet: true, value: readFileSync(info.expiredPrivateKeyFile, 'utf8') } }, check: 'token', says: 'Certificates & secrets' },
    { name: 'redirect-uri', auth: { grant: 'authorization_code', clientId: info.clients.certificate }, check: 'token', says: 'Add this exact redirect URI' },
    { name: 'public-client-flows', auth: { grant: 'device_code', clientId: info.clients.implicit }, check: 'token', says: 'Allow public client flows' },
    { name: 'no-application-user', auth: secret(info.clients.noApplicationUser, 'sandbox-secret-~no-app-user'), check: 'whoami', says: 'New app user' },
    { name: 'user-not-in-org', auth: password(info.clients.public, info.userNotInOrg), check: 'whoami', says: 'Add user' },
    { name: 'no-user-impersonation', auth: password(info.clients.noDataversePermission, info.user), check: 'permissions', says: 'user_impersonation' }
  ]
  await app.open()
  await setProfile(sandboxApp, secret(info.clients.secret, info.clientSecret))
  await palette(page, 'Run the auth doctor')
  await expect(page.getByTestId('doctor-verdict')).toHaveText('Every check passed')
  await expect(page.getByTestId('doctor-dialog').locator('[data-status="passed"]')).toHaveCount(6)
  for (const c of cases) {
    await setProfile(sandboxApp, c.auth, c.changes)
    await page.getByTestId('doctor-run').click()
    const failed = page.getByTestId(`doctor-check-${c.check}`)
    await expect(failed, c.name).toHaveAttribute('data-status', 'failed')
    await expect(failed.getByTestId('doctor-fix'), c.name).toContainText(c.says)
    await expect(page.getByTestId('doctor-verdict'), c.name).toContainText('failed')
  }
  // Screenshots: a failure (no application user), in both themes.
  await setProfile(sandboxApp, secret(info.clients.noApplicationUser, 'sandbox-secret-~no-app-user'))
  await app.open()
  await palette(page, 'Run the auth doctor')
  await expect(page.getByTestId('doctor-check-whoami')).toHaveAttribute('data-status', 'failed')
  await expect(page.getByTestId('doctor-check-whoami')).toBeInViewport()
  await screenshotBothThemes(app, 'doctor')
})

test('Discover orgs with an app-only profile says why it cannot, and offers the doctor', async ({ sandboxApp }) => {
  const { app, info } = sandboxApp
  const { page } = app
  await setProfile(sandboxApp, { grant: 'client_credentials', clientId: info.clients.secret, credential: 'secret', clientSecret: { isSet: true, value: info.clientSecret } })
  await app.open()
  await palette(page, 'Discover orgs')
  await expect(page.getByTestId('discovery-error')).toContainText('Global Discovery lists the orgs of a user')
  await expect(page.getByTestId('discovery-create')).toHaveCount(0)
  await screenshotBothThemes(app, 'discovery-error')
  await page.getByTestId('discovery-error').getByText('Run the auth doctor').click()
  await expect(page.getByTestId('doctor-verdict')).toHaveText('Every check passed')
})

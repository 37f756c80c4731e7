/**
 * Screenshots of every main screen, light and dark, under test-results/screenshots/ (look at them).
 * `npm run screenshots` also refreshes docs/main-window.png for the README.
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import { expect, seedEnvironment, test, type AppFixture, type SandboxFixture } from './harness'

async function populate(app: AppFixture, baseUrl: string): Promise<void> {
  await seedEnvironment(app, { name: 'Contoso dev', orgUrl: 'https://contoso-dev.crm.dynamics.com', color: 'green', label: 'DEV' })
  await seedEnvironment(app, { name: 'Contoso test', orgUrl: 'https://contoso-test.crm4.dynamics.com', color: 'amber', label: 'TEST' })
  const prod = await seedEnvironment(app, {
    name: 'Contoso prod',
    orgUrl: 'https://contoso.crm.dynamics.com',
    color: 'red',
    label: 'PROD',
    variables: [
      { key: 'base', value: baseUrl },
      { key: 'clientSecret', value: 'not-shown', secret: true }
    ]
  })
  await app.router.invoke('env.setActive', { id: prod })
}

/** The Sandbox, signed in with client credentials: the first thing a new user sees once signed in. */
async function signedIn(fixture: SandboxFixture): Promise<void> {
  const { app, info } = fixture
  const { environments } = await app.router.invoke('env.list', {})
  const env = environments.find((e) => e.name === 'Sandbox')!
  await app.router.invoke('env.update', { id: env.id, environment: { ...env, auth: { grant: 'client_credentials', clientId: info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: info.clientSecret } } } as never })
  await seedEnvironment(app, { name: 'Contoso dev', orgUrl: 'https://contoso-dev.crm.dynamics.com', color: 'green', label: 'DEV' })
  await seedEnvironment(app, { name: 'Contoso prod', orgUrl: 'https://contoso.crm.dynamics.com', color: 'red', label: 'PROD' })
  await app.router.invoke('env.setActive', { id: env.id })
}

for (const theme of ['light', 'dark'] as const) {
  test(`signed in to the Sandbox, with the token inspector (${theme})`, async ({ sandboxApp }) => {
    const { app } = sandboxApp
    const { page } = app
    await signedIn(sandboxApp)
    await app.router.invoke('settings.update', { theme })
    await app.open()
    await page.getByTestId('url').click()
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.insertText("{{webApiUrl}}/accounts?$select=name,revenue,industrycode&$top=5&$expand=primarycontactid($select=fullname)")
    await page.locator('.sections').getByText('Headers').click()
    await page.getByTestId('headers').getByRole('checkbox', { name: 'Send Prefer' }).click()
    await page.getByTestId('send').click()
    await expect(page.getByTestId('response-status')).toHaveText(/200/)
    await expect(page.getByTestId('signed-in')).toBeVisible()
    await app.screenshot(`sandbox-signed-in-${theme}`)
    if (theme === 'light' && process.env.ORGBENCH_UPDATE_DOCS === '1') {
      mkdirSync('docs', { recursive: true })
      copyFileSync('test-results/screenshots/sandbox-signed-in-light.png', 'docs/main-window.png')
    }
    await page.getByTestId('signed-in').click()
    await expect(page.getByTestId('token-claims')).toContainText('idtyp')
    await app.screenshot(`token-inspector-${theme}`)
  })

  test(`main screens (${theme})`, async ({ app, testServer }) => {
    const { page } = app
    await populate(app, testServer.url)
    await app.router.invoke('settings.update', { theme })
    await app.open()
    const url = page.getByTestId('url')
    await url.click()
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.insertText('{{base}}/api/data/v9.2/WhoAmI')
    await page.getByTestId('send').click()
    await expect(page.getByTestId('response-status')).toHaveText(/200/)
    await app.screenshot(`main-${theme}`)

    await page.getByTestId('response').getByText('Headers').click()
    await app.screenshot(`response-headers-${theme}`)
    await page.getByTestId('response').getByText('Timing').click()
    await app.screenshot(`response-timing-${theme}`)

    await page.getByTestId('nav-traffic').click()
    await page.getByTestId('traffic-row-1').click()
    await expect(page.getByTestId('inspector-url')).toContainText('WhoAmI')
    await app.screenshot(`traffic-${theme}`)

    await page.getByTestId('nav-request').click()
    await page.getByTestId('env-item-Contoso prod').dblclick()
    await expect(page.getByTestId('env-name').locator('input')).toHaveValue('Contoso prod')
    await app.screenshot(`environment-editor-${theme}`)
    await page.keyboard.press('Escape')

    await page.getByTestId('open-settings').click()
    await expect(page.getByTestId('settings')).toBeVisible()
    await app.screenshot(`settings-${theme}`)
  })
}

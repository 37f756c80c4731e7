import { expect, test, type AppFixture } from './harness'

async function setUrl(app: AppFixture, url: string): Promise<void> {
  await app.page.getByTestId('url').click()
  await app.page.keyboard.press('ControlOrMeta+a')
  await app.page.keyboard.insertText(url)
}

test('the Sandbox environment is preselected on first run, with its demo credentials beside it', async ({ sandboxApp }) => {
  const { app, info } = sandboxApp
  await app.open()
  await expect(app.page.getByTestId('active-env')).toContainText('Sandbox')
  await expect(app.page.getByTestId('active-env')).toContainText('SANDBOX')
  const panel = app.page.getByTestId('sandbox-panel')
  await expect(panel).toContainText('Sandbox org')
  await expect(app.page.getByTestId('sandbox-user')).toHaveText(info.user)
  await expect(app.page.getByTestId('sandbox-client-secret')).toHaveText(info.clientSecret)
  await app.screenshot('sandbox-first-run')
})

test('before signing in, WhoAmI says to sign in; without auth the org answers 401 with the challenge naming the tenant', async ({ sandboxApp }) => {
  const { app, info } = sandboxApp
  await app.open()
  await app.page.getByTestId('send').click()
  await expect(app.page.getByTestId('response-error')).toContainText('Sign in to "Sandbox" first')
  await app.page.locator('.sections').getByText('Auth').click()
  await app.page.getByTestId('auth-none').click()
  await app.page.getByTestId('send').click()
  await expect(app.page.getByTestId('response-status')).toHaveText(/401/)
  await app.page.getByTestId('response').getByText('Headers').click()
  await expect(app.page.getByTestId('response-headers')).toContainText(`Bearer authorization_uri=${info.authority}/oauth2/authorize`)
})

test('a token from the Sandbox through the request tab, secrets masked in the log, then WhoAmI with it', async ({ sandboxApp }) => {
  const { app } = sandboxApp
  const { page } = app
  await app.open()
  await page.getByTestId('method').click()
  await page.getByText('POST', { exact: true }).click()
  await setUrl(app, '{{authority}}/oauth2/v2.0/token')
  await page.locator('.sections').getByText('Headers').click()
  const headers = page.getByTestId('headers')
  await headers.locator('.row.ghost input').nth(0).fill('Content-Type')
  await headers.locator('.row').nth(5).locator('input').nth(1).fill('application/x-www-form-urlencoded')
  await page.locator('.sections').getByText('Body').click()
  await page.getByTestId('body-editor').click()
  await page.keyboard.insertText('grant_type=client_credentials&client_id={{clientId}}&client_secret={{clientSecret}}&scope={{orgUrl}}/.default')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('response-body')).toContainText('"token_type": "Bearer"')

  await page.getByTestId('nav-traffic').click()
  await page.getByTestId('traffic-row-1').click()
  await expect(page.getByTestId('masked-note')).toContainText('request body field client_secret')
  await expect(page.getByTestId('masked-note')).toContainText('response body field access_token')
  await page.getByTestId('inspector').getByText('Request', { exact: true }).click()
  await expect(page.getByTestId('inspector')).not.toContainText('sandbox-secret-')
  await app.screenshot('sandbox-token-masked')

  const entry = await app.router.invoke('traffic.get', { id: app.services.traffic.list()[0]!.id, reveal: true })
  const token = (JSON.parse(entry.responseBody!.text) as { access_token: string }).access_token
  await page.getByTestId('nav-request').click()
  await page.getByTestId('tab-add').click()
  await page.locator('.sections').getByText('Headers').click()
  await page.getByTestId('headers').locator('.row.ghost input').nth(0).fill('Authorization')
  await page.getByTestId('headers').locator('.row').nth(5).locator('input').nth(1).fill(`Bearer ${token}`)
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('response-body')).toContainText('"UserId"')
})

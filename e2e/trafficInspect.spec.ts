import { expect, screenshotBothThemes, test, withAppProfile } from './harness'

test('the traffic inspector: tokens decoded with the audience checked, an entry sent again, two compared, one edited in a tab', async ({ sandboxApp }) => {
  const envId = await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
  await app.router.invoke('request.send', { requestId: 'w1', environmentId: envId, request: { method: 'GET', url: '{{webApiUrl}}/WhoAmI' } })
  await app.open()
  await page.getByTestId('nav-traffic').click()

  // The token response of the sign-in: its access token decoded, for the org.
  const tokenEntry = app.services.traffic.list().find((e) => e.kind === 'token')!
  await page.getByTestId(`traffic-row-${tokenEntry.seq}`).click()
  await page.getByTestId('inspector').getByText('Auth', { exact: true }).click()
  await expect(page.getByTestId('inspector-token-0')).toContainText('response body access_token')
  await expect(page.getByTestId('inspector-token-0').getByTestId('token-audience-check')).toHaveText('audience is the org')

  // The WhoAmI call: its bearer token.
  const whoami = app.services.traffic.list().find((e) => e.url.endsWith('/WhoAmI'))!
  await page.getByTestId(`traffic-row-${whoami.seq}`).click()
  await expect(page.getByTestId('inspector-operation')).toHaveText('Function WhoAmI')
  await expect(page.getByTestId(`traffic-op-${whoami.seq}`)).toHaveText('Function WhoAmI')
  await expect(page.getByTestId('inspector-token-0')).toContainText('request header Authorization')
  await expect(page.getByTestId('inspector-token-0').getByTestId('claim-aud')).toContainText(sandboxApp.info.orgUrl)
  await screenshotBothThemes(app, 'traffic-auth')

  // Sent again: a new entry, marked as the replay; then the two compared.
  await page.getByTestId('entry-compare').click()
  await page.getByTestId('entry-resend').click()
  await expect(page.getByTestId('entry-replay-of')).toHaveText(`replay of #${whoami.seq}`)
  await page.getByTestId('entry-compare').click()
  await expect(page.getByTestId('compare-dialog')).toContainText(`#${whoami.seq} and #`)
  await expect(page.getByTestId('compare-table')).toContainText('Headers')
  await screenshotBothThemes(app, 'traffic-compare')
  await page.keyboard.press('Escape')

  // Edited in a new tab: the request without its token, the org's root as {{webApiUrl}}.
  await page.getByTestId('entry-edit').click()
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/WhoAmI')
})

test('a body larger than the log keeps in memory opens whole from its encrypted copy on disk', async ({ app, testServer }) => {
  await app.router.invoke('request.send', { requestId: 'big', environmentId: null, request: { method: 'GET', url: `${testServer.url}/big?size=${3 * 1024 * 1024}` } })
  await app.open()
  const { page } = app
  await page.getByTestId('nav-traffic').click()
  const big = app.services.traffic.list().find((e) => e.path.startsWith('/big'))!
  await page.getByTestId(`traffic-row-${big.seq}`).click()
  await expect(page.getByTestId('inspector')).toContainText('Showing 1.0 MB of 3.0 MB')
  await page.getByTestId('inspector-whole-body').click()
  await expect(page.getByTestId('inspector-whole-body')).toBeHidden()
  await expect(page.getByTestId('inspector')).not.toContainText('Showing 1.0 MB')
})

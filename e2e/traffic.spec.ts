import { readFileSync } from 'node:fs'
import { expect, screenshotBothThemes, test, withAppProfile } from './harness'

test('the traffic log: filtered by the language, exported as HAR with secrets masked, re-imported into a read-only session', async ({ sandboxApp }) => {
  const envId = await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
  for (const [i, url] of ['{{webApiUrl}}/WhoAmI', '{{webApiUrl}}/accounts?$select=name&$top=2', '{{webApiUrl}}/nosuchthings'].entries()) {
    await app.router.invoke('request.send', { requestId: `t${i}`, environmentId: envId, request: { method: 'GET', url } })
  }
  const accounts = app.services.traffic.list().find((e) => e.path.includes('/accounts'))!
  const firstName = (JSON.parse(app.services.traffic.get(accounts.id)!.responseBody!.text) as { value: Array<{ name: string }> }).value[0]!.name
  await app.open()
  // The app fetches the org's schema on start: that traffic is in the log too.
  await expect(page.getByTestId('schema-status')).toHaveAttribute('data-status', 'ready')
  const total = app.services.traffic.list().length
  await page.getByTestId('nav-traffic').click()
  await expect(page.getByTestId('traffic-count')).toHaveText(`${total} of ${total}`)

  const box = page.getByTestId('traffic-filter').locator('input')
  const filterTo = async (text: string, count: number) => {
    await box.fill(text)
    await expect(page.getByTestId('traffic-count')).toHaveText(`${count} of ${total}`)
  }
  await filterTo('status:4xx', 1)
  await expect(page.getByTestId('traffic-list')).toContainText('/nosuchthings')
  await filterTo('kind:token or kind:discovery', app.services.traffic.list().filter((e) => e.kind === 'token' || e.kind === 'discovery').length)
  await filterTo('host:127.0.0.1 and (path:whoami or path:accounts) !status:4xx', 2)
  // body: is asked of main over the kept part of each body, case-insensitive: counted the same way here (the app's own
  // calls — $metadata, a user lookup — hold "UserId" too, as systemuserid).
  const inBody = (e: { id: string }, word: string) => {
    const full = app.services.traffic.get(e.id, true)!
    return [full.requestBody?.text ?? '', full.responseBody?.text ?? ''].some((t) => t.toLowerCase().includes(word.toLowerCase()))
  }
  await filterTo(`body:"${firstName}" or body:UserId`, app.services.traffic.list().filter((e) => inBody(e, firstName) || inBody(e, 'UserId')).length)
  const withAuth = app.services.traffic.list().filter((e) => e.method === 'GET' && app.services.traffic.get(e.id)!.requestHeaders.some(([k]) => k.toLowerCase() === 'authorization')).length
  expect(withAuth).toBeGreaterThanOrEqual(3)
  await filterTo('header:Authorization method:GET', withAuth)
  // Completion offers the field's values.
  await box.fill('kind:to')
  await expect(page.locator('.n-auto-complete-menu, .n-base-select-menu').getByText('kind:token')).toBeVisible()
  // A malformed filter says where, and the last good one stays applied.
  await box.fill('status:>=400 and (path:x')
  await expect(page.getByTestId('traffic-filter-error')).toContainText('This parenthesis is never closed. (at 18)')
  await screenshotBothThemes(app, 'traffic-filter-error')
  await filterTo('/v9\\.2\\/(whoami|accounts)/i !status:4xx', 2)

  // Sort by a column: the longest first.
  await page.getByTestId('traffic-sort-durationMs').click()
  await page.getByTestId('traffic-sort-durationMs').click()
  await expect(page.getByTestId('traffic-sort-durationMs')).toHaveAttribute('aria-sort', 'descending')

  // Export the filter's result as HAR: masked.
  await page.getByTestId('traffic-export-har').click()
  const downloading = page.waitForEvent('download')
  await page.getByText("Filter's result (2)").click()
  const download = await downloading
  const file = await download.path()
  const text = readFileSync(file, 'utf8')
  const har = JSON.parse(text) as { log: { version: string; entries: Array<{ request: { url: string; headers: Array<{ name: string; value: string }> } }> } }
  expect(har.log.version).toBe('1.2')
  expect(har.log.entries.map((e) => new URL(e.request.url).pathname)).toEqual(['/api/data/v9.2/WhoAmI', '/api/data/v9.2/accounts'])
  const auth = har.log.entries[0]!.request.headers.find((h) => h.name.toLowerCase() === 'authorization')!.value
  expect(auth).toMatch(/^Bearer eyJ.{0,2}••••••••\(\d+ chars\)$/)
  const { accessToken } = await app.router.invoke('auth.accessToken', { environmentId: envId })
  expect(text).not.toContain(accessToken.slice(20, 80))

  // Re-import it: a read-only session with every inspector.
  await page.getByTestId('traffic-import-file').setInputFiles({ name: 'exported.har', mimeType: 'application/json', buffer: Buffer.from(text) })
  await expect(page.getByTestId('traffic-session')).toContainText('exported (read-only)')
  await box.fill('')
  await expect(page.getByTestId('traffic-count')).toHaveText('2 of 2')
  await expect(page.getByTestId('traffic-clear')).toHaveCount(0)
  await page.getByTestId('traffic-row-2').click()
  await expect(page.getByTestId('inspector-url')).toContainText('/accounts?$select=name&$top=2')
  await expect(page.getByTestId('inspector')).toContainText(firstName)
  await screenshotBothThemes(app, 'traffic-har-session')
  // Back to the live log, which kept everything.
  await page.getByTestId('traffic-close-session').click()
  await expect(page.getByTestId('traffic-count')).toHaveText(`${total} of ${total}`)
  await screenshotBothThemes(app, 'traffic-live')
})

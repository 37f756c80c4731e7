import { expect, screenshotBothThemes, test, withAppProfile, type AppFixture, openWithSchema } from './harness'

async function fillItem(app: AppFixture, n: number, method: string, url: string, body: string | null, changeSet: string | null): Promise<void> {
  const { page } = app
  const item = page.getByTestId(`batch-item-${n}`)
  await item.getByTestId('batch-method').click()
  await page.locator('.n-base-select-option', { hasText: new RegExp(`^${method}$`) }).filter({ visible: true }).click()
  await item.getByTestId('batch-url').locator('input').fill(url)
  if (changeSet) {
    await item.getByTestId('batch-change-set').click()
    await page.locator('.n-base-select-option', { hasText: changeSet }).filter({ visible: true }).click()
  }
  if (body !== null) {
    await item.getByTestId('batch-body').click()
    await page.keyboard.insertText(body)
  }
}

test('$batch: a change set with a Content-ID reference and a failing request with continue-on-error, the answer matched request by request', async ({ sandboxApp }) => {
  await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
  await app.open()
  await page.getByTestId('nav-batch').click()
  await expect(page.getByTestId('batch-view')).toContainText('No requests in the batch')
  await screenshotBothThemes(app, 'batch-empty')

  // Names of this run's own: the worker's Sandbox keeps what earlier tests wrote.
  const tag = Math.random().toString(36).slice(2, 8)
  const lastname = `Batchley ${tag}`
  await page.getByTestId('batch-add').click()
  await fillItem(app, 1, 'POST', '{{webApiUrl}}/accounts', `{"name":"Batch Co ${tag}"}`, 'New change set')
  await page.getByTestId('batch-add').click()
  await fillItem(app, 2, 'POST', '{{webApiUrl}}/contacts', `{"lastname":"${lastname}","parentcustomerid_account@odata.bind":"$1"}`, 'Change set A')
  await page.getByTestId('batch-add').click()
  await fillItem(app, 3, 'POST', '{{webApiUrl}}/nosuchtables', '{"name":"x"}', null)
  await page.getByTestId('batch-add').click()
  await fillItem(app, 4, 'GET', `{{webApiUrl}}/contacts?$select=lastname&$filter=lastname eq '${lastname}'&$expand=parentcustomerid_account($select=name)`, null, null)
  await expect(page.getByTestId('batch-item-2')).toContainText('Content-ID 2')
  await page.getByTestId('batch-continue').click()

  await page.locator('.side').getByText('Body sent', { exact: true }).click()
  const preview = page.getByTestId('batch-body-preview')
  await expect(preview).toContainText('Content-ID: 2')
  await expect(preview).toContainText('"parentcustomerid_account@odata.bind":"$1"')
  await screenshotBothThemes(app, 'batch-compose')

  await page.getByTestId('batch-send').click()
  await expect(page.getByTestId('batch-summary')).toContainText('200 OK')
  await expect(page.getByTestId('batch-summary')).toContainText('3 succeeded')
  await expect(page.getByTestId('batch-summary')).toContainText('1 failed')
  const statuses = page.getByTestId('batch-results').getByTestId('batch-result-status')
  await expect(statuses).toHaveText([/^204/, /^204/, /^404/, /^200/])
  await page.getByTestId('batch-result-4').locator('.head').click()
  await expect(page.getByTestId('batch-result-body-4')).toContainText(lastname)
  await expect(page.getByTestId('batch-result-body-4')).toContainText(`Batch Co ${tag}`)
  await page.getByTestId('batch-result-3').locator('.head').click()
  await expect(page.getByTestId('batch-result-body-3')).toContainText('nosuchtables')
  await screenshotBothThemes(app, 'batch-results')

  // The whole exchange is one $batch in the traffic log, its answer read into parts there too.
  const batchEntry = app.services.traffic.list().filter((e) => e.path.endsWith('/$batch'))
  expect(batchEntry).toHaveLength(1)
  await page.getByTestId('nav-traffic').click()
  await page.getByTestId(`traffic-row-${batchEntry[0]!.seq}`).click()
  await expect(page.getByTestId('multipart-response')).toContainText('4 parts')
  await expect(page.getByTestId('multipart-response-3')).toContainText('404')
  await page.getByTestId('inspector').getByText('Request', { exact: true }).click()
  await expect(page.getByTestId('multipart-request')).toContainText('4 requests')
  await expect(page.getByTestId('multipart-request-2')).toContainText(/POST https:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/contacts/)
  await expect(page.getByTestId('inspector-operation')).toHaveText('$batch: 4 requests')
})

test('$batch: a failing change set is rolled back as a whole, and a 429 is waited out and sent again', async ({ sandboxApp }) => {
  test.setTimeout(45_000)
  const { app, page } = await openWithSchema(sandboxApp)
  await page.getByTestId('nav-batch').click()
  await page.getByTestId('batch-add').click()
  await fillItem(app, 1, 'POST', '{{webApiUrl}}/accounts', '{"name":"Never kept"}', 'New change set')
  await page.getByTestId('batch-add').click()
  await fillItem(app, 2, 'POST', '{{webApiUrl}}/accounts', '{"nosuchcolumn":1}', 'Change set A')

  await app.router.invoke('sandbox.setLimits', { limits: { requests: 1, windowSeconds: 2 } })
  try {
    await app.router.invoke('request.send', { requestId: 'use-up', environmentId: null, request: { method: 'GET', url: '{{webApiUrl}}/WhoAmI' } }).catch(() => undefined)
    const env = (await app.router.invoke('env.list', {})).activeId
    await app.router.invoke('request.send', { requestId: 'use-up-2', environmentId: env, request: { method: 'GET', url: '{{webApiUrl}}/WhoAmI' } })
    await page.getByTestId('batch-send').click()
    await expect(page.getByTestId('batch-waiting')).toContainText('sending again in', { timeout: 5000 })
    await expect(page.getByTestId('batch-summary')).toContainText('400', { timeout: 15_000 })
  } finally {
    await app.router.invoke('sandbox.setLimits', { limits: null })
  }
  await expect(page.getByTestId('batch-summary')).toContainText('after 1 retry')
  await expect(page.getByTestId('batch-summary')).toContainText('1 rolled back')
  await expect(page.getByTestId('batch-results').getByTestId('batch-result-status')).toHaveText([/rolled back \(request 2 failed\)/, /^400/])
})

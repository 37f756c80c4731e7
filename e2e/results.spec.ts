/**
 * Working with results: big bodies (pretty, raw, search, copy and save), the grid, paging and Dataverse's errors,
 * in the built renderer against real servers (a loopback server for bodies of any size, and the Sandbox org).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { dataverseAccounts } from '../bench/responseBody'
import { expect, screenshotBothThemes, test, type AppFixture, withAppProfile, openWithSchema } from './harness'

/** A loopback server answering with fixed bodies by path. */
async function bodyServer(bodies: Record<string, { type: string; body: string }>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const hit = bodies[new URL(req.url ?? '/', 'http://x').pathname]
    if (!hit) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': hit.type })
    res.end(hit.body)
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections()
      return new Promise((done) => server.close(() => done()))
    }
  }
}

async function sendUrl(app: AppFixture, url: string): Promise<void> {
  const { page } = app
  await page.getByTestId('url').click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.insertText(url)
  await page.keyboard.press('Escape')
  await page.getByTestId('send').click()
}

const body = (app: AppFixture) => app.page.getByTestId('response-body')

// 10 MB, the size of a real big answer: the 50 MB case is the benchmark's (bench/responseBody.ts).
test('a 10 MB body is shown pretty at once and searched with a count, regex and moves between matches', async ({ app }) => {
  test.setTimeout(90_000)
  const json = dataverseAccounts(10_000_000)
  const server = await bodyServer({ '/api/data/v9.2/accounts': { type: 'application/json; odata.metadata=minimal', body: json } })
  try {
    await app.open()
    const { page } = app
    await sendUrl(app, `${server.url}/api/data/v9.2/accounts`)
    await expect(page.getByTestId('response-status')).toHaveText(/200/, { timeout: 60_000 })
    // The first lines, pretty: one name/value a line, indented by depth.
    await expect(body(app).locator('.cm-line').nth(1)).toHaveText(/^"@odata\.context": "/)
    await expect(body(app).locator('.cm-line').nth(3)).toHaveText('{')
    await expect(body(app).locator('.cm-line').nth(4)).toHaveText('"@odata.etag": "W/\\"4000000\\"",')
    // Formatting finishes in the background, and the page answers meanwhile.
    await expect(page.getByTestId('body-progress')).toHaveCount(0, { timeout: 30_000 })

    await body(app).locator('.cm-content').click()
    await page.keyboard.press('ControlOrMeta+f')
    await expect(page.getByTestId('body-search-input')).toBeFocused()
    await page.keyboard.insertText('Café 1042')
    const count = page.getByTestId('body-search-count')
    // "Contoso Café 1042" and "Contoso Café 10420" … "10429": eleven.
    await expect(count).toHaveText('11 matches', { timeout: 20_000 })
    await page.keyboard.press('Enter')
    await expect(count).toHaveText('1 of 11')
    await expect(body(app).locator('.cm-searchMatch-selected')).toHaveText('Café 1042')
    await page.keyboard.press('Enter')
    await expect(count).toHaveText('2 of 11')
    await page.keyboard.press('Shift+Enter')
    await expect(count).toHaveText('1 of 11')
    await screenshotBothThemes(app, 'results-big-body-search')

    // Regular expressions: only the whole number.
    await page.getByTestId('body-search-regexp').click()
    await page.getByTestId('body-search-input').fill('Café 1042\\b')
    await expect(count).toHaveText('1 match', { timeout: 20_000 })
    await page.getByTestId('body-search-input').fill('Café (')
    await expect(count).toContainText('Not a regular expression')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('body-search')).toHaveCount(0)

    // Raw: the body as it came, cut into pieces after a comma; the search works there too.
    await page.getByTestId('body-raw').click()
    await expect(page.locator('[data-testid="response-body"][data-view="raw"] .cm-line').first()).toHaveText(/^\{"@odata\.context":".*,$/)
    await page.getByTestId('body-search-open').click()
    await page.keyboard.insertText('Café 1042')
    await expect(count).toHaveText('11 matches', { timeout: 20_000 })
    await screenshotBothThemes(app, 'results-big-body-raw')
  } finally {
    await server.close()
  }
})

test('copy and save give the body as it came, at any size; folding folds a record', async ({ app, context }) => {
  test.setTimeout(60_000)
  const small = '{"value":[{"name":"Contoso","n":12345678901234567890}]}'
  const big = dataverseAccounts(3_000_000)
  const server = await bodyServer({
    '/small': { type: 'application/json', body: small },
    '/api/data/v9.2/accounts': { type: 'application/json', body: big }
  })
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await app.open()
    const { page } = app
    await sendUrl(app, `${server.url}/small`)
    await expect(body(app)).toContainText('"n": 12345678901234567890')
    await page.getByTestId('body-copy').click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(small)

    await sendUrl(app, `${server.url}/api/data/v9.2/accounts`)
    await expect(body(app).locator('.cm-line').nth(4)).toContainText('@odata.etag')
    const download = page.waitForEvent('download')
    await page.getByTestId('body-save').click()
    const file = await download
    expect(file.suggestedFilename()).toBe('accounts.json')
    expect(readFileSync(await file.path(), 'utf8')).toBe(big)

    // Fold the first record (the body, "value" and then it): its lines go, a placeholder stands for them.
    await expect(page.getByTestId('body-progress')).toHaveCount(0, { timeout: 30_000 })
    const lines = body(app).locator('.cm-line')
    await expect(lines.nth(3)).toHaveText('{')
    await body(app).locator('.cm-foldGutter span[title="Fold line"]').nth(2).click()
    await expect(lines.nth(3)).toHaveText('{…},')
    await expect(lines.nth(4)).toHaveText('{')
  } finally {
    await server.close()
  }
})

test('a binary body: an image is shown as one, any binary as a hex dump', async ({ app }) => {
  // A 1×1 PNG, and bytes of no known type.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
  const server = http.createServer((req, res) => {
    const image = req.url === '/logo.png'
    res.writeHead(200, { 'content-type': image ? 'image/png' : 'application/octet-stream' })
    res.end(image ? png : Buffer.from([0, 1, 2, 0x41, 0x42, 0xff]))
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()))
  try {
    await app.open()
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    await sendUrl(app, `${base}/logo.png`)
    await expect(app.page.getByTestId('response-body-image').locator('img')).toBeVisible()
    await app.page.getByTestId('body-hex').click()
    await expect(app.page.getByTestId('response-body-hex')).toContainText('89 50 4e 47')
    await sendUrl(app, `${base}/blob`)
    await expect(app.page.getByTestId('response-body-hex')).toContainText('00 01 02 41 42 ff')
    await expect(app.page.getByTestId('response-body-hex')).toContainText('|...AB.|')
  } finally {
    server.closeAllConnections()
    await new Promise((done) => server.close(done))
  }
})

test('a body that is not what its type says is shown as it came, with where it breaks', async ({ app }) => {
  const server = await bodyServer({ '/broken': { type: 'application/json', body: '{"value":[{"name":"Contoso"},]}' } })
  try {
    await app.open()
    await sendUrl(app, `${server.url}/broken`)
    await expect(app.page.getByTestId('body-problem')).toHaveText('Not valid JSON: expected a value, not "]" (line 1, column 30): shown as it came.')
    await expect(body(app)).toContainText('{"value":[{"name":"Contoso"},]}')
  } finally {
    await server.close()
  }
})


/** Dataverse headers from the request's Dataverse section: formatted values, and a page size when given. */
async function dataverseHeaders(page: AppFixture['page'], pageSize?: number): Promise<void> {
  await page.locator('.sections').getByText('Dataverse').click()
  await page.getByTestId('dv-switch-annotations').click()
  if (pageSize) {
    await page.getByTestId('dv-value-max-page-size').locator('input').fill(String(pageSize))
    await page.getByTestId('dv-switch-max-page-size').click()
  }
}

test('a collection in the grid: $select order, formatted values, dates, an expanded collection, and a lookup opened in a new tab', async ({ sandboxApp }) => {
  await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
      await app.open()
  await expect(page.getByTestId('schema-status')).toHaveAttribute('data-status', 'ready')
  await dataverseHeaders(page)
  await sendUrl(app, '{{webApiUrl}}/accounts?$select=revenue,name,industrycode,_primarycontactid_value,createdon&$expand=contact_customer_accounts($select=fullname)&$orderby=name&$top=30')
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await page.getByTestId('body-table').click()
  const grid = page.getByTestId('grid')
  const headers = grid.locator('.head .hrow').first().locator('.hcell')
  // The $select's columns first, in its order; the rest follow as the answer has them.
  await expect(headers.nth(0)).toHaveText('revenue')
  await expect(headers.nth(1)).toHaveText('name')
  await expect(headers.nth(2)).toHaveText('industrycode')
  await expect(headers.nth(3)).toHaveText('_primarycontactid_value')
  await expect(headers.nth(4)).toHaveText('createdon')
  const first = grid.getByTestId('grid-row').first().locator('.cell')
  // Money with its symbol, a choice by its label, a lookup by name, a date in local time with UTC on hover.
  await expect(first.nth(0)).toHaveText(/^\$[\d,]+\.\d\d$/)
  await expect(first.nth(0)).toHaveAttribute('title', /^\d+(\.\d+)? \(\$[\d,]+\.\d\d\)$/)
  await expect(first.nth(2)).toHaveText(/^[A-Z][a-z]/)
  await expect(first.nth(4)).toHaveAttribute('title', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ UTC; Dataverse: /)
  await page.getByTestId('grid-raw').click()
  await expect(first.nth(2)).toHaveText(/^\d+$/)
  await page.getByTestId('grid-raw').click()

  // Sort by name descending, then filter.
  await page.getByTestId('grid-header-name').click()
  await page.getByTestId('grid-header-name').click()
  await expect(page.getByTestId('grid-header-name')).toContainText('▼')
  const names = await grid.getByTestId('grid-row').locator('.cell:nth-child(3)').allTextContents()
  expect(names.slice(0, 5)).toEqual([...names.slice(0, 5)].sort((a, b) => b.localeCompare(a, undefined, { sensitivity: 'base' })))
  await page.getByTestId('grid-filter').locator('input').fill('contoso')
  await expect(page.getByTestId('grid-count')).toHaveText(/^\d+ of 30 rows$/)
  const filtered = await grid.getByTestId('grid-row').locator('.cell:nth-child(3)').allTextContents()
  expect(filtered.length).toBeGreaterThan(0)
  for (const name of filtered) expect(name.toLowerCase()).toContain('contoso')

  // An expanded collection opens as a table of its own.
  await grid.getByTestId('grid-expand').first().click()
  await expect(grid.getByTestId('grid-sub')).toBeVisible()
  await expect(grid.getByTestId('grid-sub').getByTestId('grid-header-fullname')).toBeVisible()
  await screenshotBothThemes(app, 'results-grid')

  // A lookup opens its record in a new tab.
  const contact = (await grid.getByTestId('grid-row').first().getByTestId('grid-lookup').first().textContent())!
  await grid.getByTestId('grid-row').first().getByTestId('grid-lookup').first().click()
  await expect(page.locator('.req-tab')).toHaveCount(2)
  await expect(page.getByTestId('url')).toHaveText(/\/api\/data\/v9\.2\/contacts\([0-9a-f-]{36}\)$/)
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  // The table stays the view picked last: one record, one row.
  await expect(page.getByTestId('grid-count')).toHaveText('1 row')
  await expect(page.getByTestId('grid').getByTestId('grid-row').first()).toContainText(contact)
  await page.getByTestId('body-pretty').click()
  await expect(page.getByTestId('response-body')).toContainText(`"fullname": "${contact}"`)
})

test('paging: @odata.count shown, "Fetch all" follows every next link into the grid, "Next page" sends the link as given', async ({ sandboxApp }) => {
  await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
      await app.open()
  await dataverseHeaders(page, 10)
  await sendUrl(app, '{{webApiUrl}}/accounts?$select=name,revenue&$orderby=name&$count=true')
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await page.getByTestId('body-table').click()
  await expect(page.getByTestId('grid-count')).toHaveText('10 rows')
  const total = Number((await page.getByTestId('grid-odata-count').textContent())!.match(/^([\d,]+) matches/)![1]!.replace(/,/g, ''))
  expect(total).toBeGreaterThan(30)
  await page.getByTestId('paging-fetch-all').click()
  const pages = Math.ceil(total / 10) - 1
  await expect(page.getByTestId('paging-result')).toHaveText(`All ${total.toLocaleString('en')} rows (${pages} more pages)`)
  await expect(page.getByTestId('grid-count')).toHaveText(`${total.toLocaleString('en')} rows`)
  await expect(page.getByTestId('paging-fetch-all')).toHaveCount(0)
  // Sorting the whole set: the last name first.
  await page.getByTestId('grid-header-name').click()
  await page.getByTestId('grid-header-name').click()
  await screenshotBothThemes(app, 'results-fetch-all')

  // Next page: the tab sends the answer's next link exactly as it came.
  await sendUrl(app, '{{webApiUrl}}/accounts?$select=name,revenue&$orderby=name&$count=true')
  await expect(page.getByTestId('grid-count')).toHaveText('10 rows')
  const link = (await page.getByTestId('paging-next').getAttribute('title'))!
  expect(link).toContain('$skiptoken=')
  await page.getByTestId('paging-next').click()
  await expect(page.getByTestId('url')).toHaveText(link)
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('grid-count')).toHaveText('10 rows')
})

test('"Fetch all" can be cancelled, carries on from there, and stops at the row cap', async ({ sandboxApp }) => {
  test.setTimeout(90_000)
  await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
  await app.router.invoke('settings.update', { fetchAllMaxRows: 60 })
  await app.open()
  await dataverseHeaders(page, 1)
  await sendUrl(app, '{{webApiUrl}}/accounts?$select=name&$orderby=name')
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await page.getByTestId('body-table').click()
  await expect(page.getByTestId('grid-count')).toHaveText('1 row')
  await page.getByTestId('paging-fetch-all').click()
  await expect(page.getByTestId('paging-progress')).toContainText(/Fetching page \d+… \d+ rows/)
  await page.getByTestId('paging-cancel').click()
  await expect(page.getByTestId('paging-result')).toHaveText(/^Cancelled after \d+ more pages? \(\d+ rows\)$/)
  const rows = Number((await page.getByTestId('paging-result').textContent())!.match(/\((\d+) rows\)/)![1])
  expect(rows).toBeLessThan(60)
  await expect(page.getByTestId('grid-count')).toHaveText(`${rows} rows`)
  // Again: from where it stopped, up to the cap.
  await page.getByTestId('paging-fetch-all').click()
  await expect(page.getByTestId('paging-result')).toHaveText('Stopped at 60 rows, the row cap in Settings', { timeout: 60_000 })
  await expect(page.getByTestId('grid-count')).toHaveText('60 rows')
  // No page twice: the records' ids (on screen) are all different.
  await expect(page.getByTestId('grid-header-accountid')).toBeVisible()
  const ids = await page.getByTestId('grid').getByTestId('grid-row').locator('.cell:nth-child(3)').allTextContents()
  expect(ids.length).toBeGreaterThan(10)
  expect(new Set(ids).size).toBe(ids.length)
})

test('the Sandbox under a small service protection limit: a 429 explained and retried, "Fetch all" waits out Retry-After and carries on, a FetchXML query fetched page by page', async ({ sandboxApp }) => {
  test.setTimeout(90_000)
  const { app, page } = await openWithSchema(sandboxApp)
  // Pages of 40: "Fetch all" has three or four pages to fetch, enough to be refused and go on.
  await dataverseHeaders(page, 40)
  const envId = (await app.router.invoke('env.list', {})).activeId
  // The budget is used up by calls made here (in-process, instant), so the app's next send is the one too many
  // whatever the machine's speed.
  await app.router.invoke('sandbox.setLimits', { limits: { requests: 2, windowSeconds: 4 } })
  try {
    for (const n of [1, 2]) await app.router.invoke('request.send', { requestId: `use-up-${n}`, environmentId: envId, request: { method: 'GET', url: '{{webApiUrl}}/WhoAmI' } })
    // One request too many: the limit named, Retry-After counted down, then sent again.
    await sendUrl(app, '{{webApiUrl}}/accounts?$select=name&$orderby=name&$count=true')
    await expect(page.getByTestId('response-status')).toHaveText(/429/)
    await expect(page.getByTestId('error-title')).toHaveText('Service protection limit: number of requests')
    await expect(page.getByTestId('error-rate-limits')).toContainText('x-ms-ratelimit-burst-remaining-xrm-requests')
    await expect(page.getByTestId('error-retry-button')).toBeEnabled({ timeout: 6000 })
    await page.getByTestId('error-retry-button').click()
    await expect(page.getByTestId('response-status')).toHaveText(/200/)

    // Fetch all: pages past the limit are waited out as Retry-After says (Settings: on by default) and the run goes on.
    await page.getByTestId('body-table').click()
    const total = Number((await page.getByTestId('grid-odata-count').textContent())!.match(/^([\d,]+) matches/)![1]!.replace(/,/g, ''))
    // One page per 3 s: the next page is refused unless the machine takes 3 s to fetch one.
    await app.router.invoke('sandbox.setLimits', { limits: { requests: 1, windowSeconds: 3 } })
    await page.getByTestId('paging-fetch-all').click()
    await expect(page.getByTestId('paging-progress')).toContainText('Service protection limit: next try in', { timeout: 10_000 })
    await app.screenshot('results-fetch-all-429')
    await expect(page.getByTestId('paging-result')).toHaveText(new RegExp(`^All ${total.toLocaleString('en')} rows`), { timeout: 60_000 })
    await expect(page.getByTestId('grid-count')).toHaveText(`${total.toLocaleString('en')} rows`)
    expect(app.services.traffic.list().filter((e) => e.status === 429).length).toBeGreaterThan(1)
  } finally {
    await app.router.invoke('sandbox.setLimits', { limits: null })
  }

  // FetchXML: "Fetch all" follows the answers' paging cookies into the grid.
  const fetchXml = '<fetch count="7"><entity name="account"><attribute name="name"/><order attribute="name"/></entity></fetch>'
  await sendUrl(app, `{{webApiUrl}}/accounts?fetchXml=${encodeURIComponent(fetchXml)}`)
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('grid-count')).toHaveText('7 rows')
  await page.getByTestId('paging-fetch-all').click()
  await expect(page.getByTestId('paging-result')).toHaveText(/^All [\d,]+ rows \(\d+ more pages\)$/, { timeout: 20_000 })
  const all = Number((await page.getByTestId('grid-count').textContent())!.replace(/[^\d]/g, ''))
  expect(all).toBeGreaterThan(7)
  const sent = app.services.traffic.list().filter((e) => e.url.includes('fetchXml=')).map((e) => decodeURIComponent(e.url.split('fetchXml=')[1]!))
  expect(sent.some((xml) => xml.includes('page="2"') && xml.includes('paging-cookie='))).toBe(true)
})

test('a 429 says which service protection limit, counts down Retry-After and retries', async ({ app }) => {
  let calls = 0
  const server = http.createServer((req, res) => {
    calls++
    if (calls === 1) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '5', 'x-ms-ratelimit-burst-remaining-xrm-requests': '0', 'x-ms-service-request-id': 'c0ffee-429' })
      res.end(JSON.stringify({ error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' } }))
    } else {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ value: [{ name: 'after the wait' }] }))
    }
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()))
  try {
          await app.open()
    const { page } = app
    await sendUrl(app, `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/data/v9.2/accounts`)
    await expect(page.getByTestId('response-status')).toHaveText(/429/)
    await expect(page.getByTestId('error-title')).toHaveText('Service protection limit: number of requests')
    await expect(page.getByTestId('error-code')).toHaveText('0x80072322')
    await expect(page.getByTestId('error-fix')).toContainText('6,000 requests in 300 seconds')
    await expect(page.getByTestId('error-rate-limits')).toContainText('x-ms-ratelimit-burst-remaining-xrm-requests: 0')
    await expect(page.getByTestId('error-countdown')).toContainText(/[1-5] s/)
    await expect(page.getByTestId('error-retry-button')).toBeDisabled()
    await screenshotBothThemes(app, 'results-429')
    await expect(page.getByTestId('error-retry-button')).toBeEnabled({ timeout: 8000 })
    await expect(page.getByTestId('error-retry-button')).toHaveText('Retry')
    await page.getByTestId('error-retry-button').click()
    await expect(page.getByTestId('response-status')).toHaveText(/200/)
    await expect(page.getByTestId('error-explain')).toHaveCount(0)
    expect(calls).toBe(2)
  } finally {
    server.closeAllConnections()
    await new Promise((done) => server.close(done))
  }
})

test('a Dataverse error is explained in words with the fix', async ({ sandboxApp }) => {
  await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
      await app.open()
  await dataverseHeaders(page)
  await sendUrl(app, '{{webApiUrl}}/accounts(00000000-0000-0000-0000-00000000abcd)')
  await expect(page.getByTestId('response-status')).toHaveText(/404/)
  await expect(page.getByTestId('error-title')).toHaveText('Record not found')
  await expect(page.getByTestId('error-code')).toHaveText('0x80040217 · ObjectDoesNotExist')
  await expect(page.getByTestId('error-message')).toContainText('Does Not Exist')
  await expect(page.getByTestId('error-fix')).toContainText('Check the id')
  await screenshotBothThemes(app, 'results-error')
})

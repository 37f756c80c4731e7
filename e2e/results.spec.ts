/**
 * Working with results: big bodies (pretty, raw, search, copy and save), the grid, paging and Dataverse's errors,
 * in the built renderer against real servers (a loopback server for bodies of any size, and the Sandbox org).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { dataverseAccounts } from '../bench/responseBody'
import { expect, test, type AppFixture } from './harness'

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

for (const theme of ['light', 'dark'] as const) {
  test(`a 50 MB body is shown pretty at once and searched with a count, regex and moves between matches (${theme})`, async ({ app }) => {
    test.setTimeout(180_000)
    const json = dataverseAccounts(50_000_000)
    const server = await bodyServer({ '/api/data/v9.2/accounts': { type: 'application/json; odata.metadata=minimal', body: json } })
    try {
      await app.router.invoke('settings.update', { theme })
      await app.open()
      const { page } = app
      await sendUrl(app, `${server.url}/api/data/v9.2/accounts`)
      await expect(page.getByTestId('response-status')).toHaveText(/200/, { timeout: 150_000 })
      // The first lines, pretty: one name/value a line, indented by depth.
      await expect(body(app).locator('.cm-line').nth(1)).toHaveText(/^"@odata\.context": "/)
      await expect(body(app).locator('.cm-line').nth(3)).toHaveText('{')
      await expect(body(app).locator('.cm-line').nth(4)).toHaveText('"@odata.etag": "W/\\"4000000\\"",')
      // Formatting finishes in the background, and the page answers meanwhile.
      await expect(page.getByTestId('body-progress')).toHaveCount(0, { timeout: 60_000 })

      await body(app).locator('.cm-content').click()
      await page.keyboard.press('ControlOrMeta+f')
      await expect(page.getByTestId('body-search-input')).toBeFocused()
      await page.keyboard.insertText('Café 4242')
      const count = page.getByTestId('body-search-count')
      // "Contoso Café 4242" and "Contoso Café 42420" … "42429": eleven.
      await expect(count).toHaveText('11 matches', { timeout: 30_000 })
      await page.keyboard.press('Enter')
      await expect(count).toHaveText('1 of 11')
      await expect(body(app).locator('.cm-searchMatch-selected')).toHaveText('Café 4242')
      await page.keyboard.press('Enter')
      await expect(count).toHaveText('2 of 11')
      await page.keyboard.press('Shift+Enter')
      await expect(count).toHaveText('1 of 11')
      await app.screenshot(`results-big-body-search-${theme}`)

      // Regular expressions: only the whole number.
      await page.getByTestId('body-search-regexp').click()
      await page.getByTestId('body-search-input').fill('Café 4242\\b')
      await expect(count).toHaveText('1 match', { timeout: 30_000 })
      await page.getByTestId('body-search-input').fill('Café (')
      await expect(count).toContainText('Not a regular expression')
      await page.keyboard.press('Escape')
      await expect(page.getByTestId('body-search')).toHaveCount(0)

      // Raw: the body as it came, cut into pieces after a comma; the search works there too.
      await page.getByTestId('body-raw').click()
      await expect(page.locator('[data-testid="response-body"][data-view="raw"] .cm-line').first()).toHaveText(/^\{"@odata\.context":".*,$/)
      await page.getByTestId('body-search-open').click()
      await page.keyboard.insertText('Café 4242')
      await expect(count).toHaveText('11 matches', { timeout: 30_000 })
      await app.screenshot(`results-big-body-raw-${theme}`)
    } finally {
      await server.close()
    }
  })
}

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

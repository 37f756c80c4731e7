import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PostmanCollection, POSTMAN_SCHEMA_V21 } from '../src/main/core/collections/transfer/postmanSchema'
import { expect, screenshotBothThemes, test, withAppProfile } from './harness'

const POSTMAN = JSON.stringify({
  info: { name: 'Contoso API', schema: POSTMAN_SCHEMA_V21 },
  item: [
    {
      name: 'Accounts',
      item: [
        { name: 'Top accounts', request: { method: 'GET', header: [{ key: 'Accept', value: 'application/json' }], url: '{{webApiUrl}}/accounts?$select=name&$top={{top}}' } },
        { name: 'Create account', request: { method: 'POST', header: [{ key: 'Content-Type', value: 'application/json' }], body: { mode: 'raw', raw: '{"name":"From Postman"}' }, url: '{{webApiUrl}}/accounts' } }
      ]
    },
    { name: 'Who am I', request: { method: 'GET', url: '{{webApiUrl}}/WhoAmI' } }
  ],
  variable: [{ key: 'top', value: '2' }]
})

test('import a Postman collection and run a request from it, export it back, code and curl, the history and the palette', async ({ sandboxApp }) => {
  test.setTimeout(60_000)
  await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
  const dir = mkdtempSync(join(tmpdir(), 'orgbench-e2e-import-'))
  try {
    await app.open()

    // Import: pasted Postman JSON into a new folder; the report says what came in.
    await page.getByTestId('side-collections').click()
    await page.getByTestId('collection-import-empty').click()
    await page.getByTestId('import-text').locator('textarea').fill(POSTMAN)
    await page.getByTestId('import-dir').locator('input').fill(join(dir, 'contoso'))
    await page.getByTestId('import-submit').click()
    await expect(page.getByTestId('import-report')).toContainText('Imported "Contoso API": 3 requests in 1 folder')
    await screenshotBothThemes(app, 'transfer-import')
    await page.keyboard.press('Escape')

    // A request from it, with its collection's variable ({{top}}).
    await page.getByTestId('tree-folder-Accounts').click()
    await page.getByTestId('tree-request-Top accounts').click()
    await expect(page.getByTestId('url')).toContainText('$top={{top}}')
    await page.getByTestId('send').click()
    await expect(page.getByTestId('response-status')).toHaveText(/200/)
    expect(app.services.traffic.list().some((e) => e.url.includes('/accounts?$select=name&$top=2'))).toBe(true)

    // Export it back as Postman v2.1: valid against the format, the variable kept as a reference.
    await page.getByTestId('tree-collection-Contoso API').click({ button: 'right' })
    const download = page.waitForEvent('download')
    await page.getByText('Export as Postman v2.1…', { exact: true }).click()
    const file = await (await download).path()
    const exported = JSON.parse(readFileSync(file, 'utf8')) as unknown
    expect(PostmanCollection.safeParse(exported).success).toBe(true)
    expect(JSON.stringify(exported)).toContain('$top={{top}}')

    // Code: curl by default, secrets left as references.
    await page.getByTestId('code-open').click()
    await expect(page.getByTestId('code-text')).toContainText('curl')
    await expect(page.getByTestId('code-text')).toContainText('/accounts?$select=name&$top=2')
    await expect(page.getByTestId('code-text')).not.toContainText(sandboxApp.info.clientSecret)
    await screenshotBothThemes(app, 'transfer-code')
    await page.keyboard.press('Escape')

    // A curl command pasted into the URL bar becomes the request.
    await page.getByTestId('tab-add').click()
    await page.getByTestId('url').evaluate((el, text) => {
      const data = new DataTransfer()
      data.setData('text/plain', text)
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, `curl -X POST '{{webApiUrl}}/contacts' -H 'Content-Type: application/json' --data-raw '{"lastname":"Pasted"}'`)
    await expect(page.getByTestId('curl-pasted')).toContainText('Pasted curl as POST request')
    await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/contacts')
    await expect(page.getByTestId('method')).toContainText('POST')

    // The history has the send; one opens again in a new tab.
    await page.getByTestId('side-history').click()
    await expect(page.getByTestId('history-row-0')).toContainText('Top accounts')
    await screenshotBothThemes(app, 'transfer-history')
    await page.getByTestId('history-row-0').click()
    await expect(page.getByTestId('url')).toContainText('$top={{top}}')

    // The palette opens a saved request by name.
    await page.keyboard.press('ControlOrMeta+k')
    await page.getByTestId('palette-input').locator('input').fill('who am')
    await expect(page.getByTestId('palette-item-request').first()).toContainText('Who am I')
    await screenshotBothThemes(app, 'transfer-palette')
    await page.getByTestId('palette-item-request').first().click()
    await expect(page.getByTestId('tab-Who am I')).toBeVisible()
    await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/WhoAmI')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

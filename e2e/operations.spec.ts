import type { Locator, Page } from '@playwright/test'
import { expect, screenshotBothThemes, test, type SandboxFixture, withAppProfile, openWithSchema } from './harness'


/** A Web API call made the way the app makes it, for test data (ids of seeded records). */
async function getJson(app: SandboxFixture['app'], environmentId: string, url: string): Promise<{ value: Record<string, unknown>[] }> {
  const r = await app.router.invoke('request.send', { requestId: `setup-${Date.now()}`, environmentId, request: { method: 'GET', url, headers: [{ key: 'Accept', value: 'application/json', enabled: true }], body: '' }, auth: { mode: 'inherit' } })
  expect(r.status).toBe(200)
  return JSON.parse(r.body.text) as { value: Record<string, unknown>[] }
}

/** Choose in a Naive select as a person does: open it, type to narrow the list, click the option. */
async function choose(page: Page, select: Locator, search: string, option: string | RegExp): Promise<void> {
  await select.click()
  if (search) await page.keyboard.type(search, { delay: 10 })
  const menu = page.locator('.n-base-select-menu:visible')
  await menu.locator('.n-base-select-option').filter({ hasText: option }).first().click()
  // A single select closes itself (Escape would close the dialog around it).
  await expect(menu).toHaveCount(0)
}

async function openPicker(app: SandboxFixture['app']): Promise<void> {
  await expect(app.page.getByTestId('schema-status')).toHaveAttribute('data-status', 'ready')
  await app.page.getByTestId('op-open').click()
  await expect(app.page.getByTestId('op-picker')).toBeVisible()
}

const headerRows = (page: Page) =>
  page
    .getByTestId('headers')
    .locator('.row:not(.head):not(.ghost)')
    .evaluateAll((rows) => rows.map((r) => {
      const [key, value] = [...r.querySelectorAll('input[aria-label="key"], input[aria-label="value"]')].map((i) => (i as HTMLInputElement).value)
      const box = r.querySelector('.n-checkbox')
      return `${box?.classList.contains('n-checkbox--checked') ? '✓' : '·'} ${key}: ${value}`
    }))

test("picks WhoAmI from the org's functions by keyboard, writes the request into the tab and it answers with the user", async ({ sandboxApp }) => {
  await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
  await app.open()
  await openPicker(app)
  await expect(page.getByTestId('op-entry-Merge')).toContainText('unbound')
  await page.getByTestId('op-search').locator('input').fill('who')
  await expect(page.getByTestId('op-list').locator('[role="option"]').first()).toContainText('WhoAmI')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('op-form-name')).toHaveText('WhoAmI')
  await expect(page.getByTestId('op-preview-url')).toHaveText('{{webApiUrl}}/WhoAmI()')
  await page.getByTestId('op-create').click()
  await expect(page.getByTestId('op-picker')).toHaveCount(0)
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/WhoAmI()')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('response-body')).toContainText('"UserId"')
})

test('a function with a collection parameter: items added in the form become a JSON array alias, and the Sandbox counts the rows', async ({ sandboxApp }) => {
  await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
  await app.open()
  await openPicker(app)
  await page.getByTestId('op-entry-RetrieveTotalRecordCount').click()
  // A required collection with no items is sent as an empty one.
  await expect(page.getByTestId('op-preview-url')).toHaveText('{{webApiUrl}}/RetrieveTotalRecordCount(EntityNames=@p1)?@p1=[]')
  await page.getByTestId('op-add-EntityNames').click()
  await page.getByTestId('op-param-EntityNames[1]').locator('input').fill('account')
  await page.getByTestId('op-add-EntityNames').click()
  await page.getByTestId('op-param-EntityNames[2]').locator('input').fill('contact')
  await expect(page.getByTestId('op-problems')).toHaveCount(0)
  await expect(page.getByTestId('op-preview-url')).toHaveText('{{webApiUrl}}/RetrieveTotalRecordCount(EntityNames=@p1)?@p1=["account","contact"]')
  await screenshotBothThemes(app, 'operations-picker')
  // In a new tab: the tab that was open keeps its request.
  await page.keyboard.press('ControlOrMeta+Shift+Enter')
  await expect(page.locator('.req-tab')).toHaveCount(2)
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/RetrieveTotalRecordCount(EntityNames=@p1)?@p1=["account","contact"]')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('response-body')).toContainText('"Keys"')
})

test("the Merge action's form makes its POST with records by type and key, and the Sandbox merges", async ({ sandboxApp }) => {
  const { envId, app, page } = await openWithSchema(sandboxApp)
  const accounts = (await getJson(app, envId, '{{webApiUrl}}/accounts?$select=accountid,name&$top=2&$orderby=name')).value.map((a) => String(a.accountid))
  expect(accounts).toHaveLength(2)

  await openPicker(app)
  await page.getByTestId('op-search').locator('input').fill('merge')
  await page.getByTestId('op-entry-Merge').click()
  await expect(page.getByTestId('op-form-name')).toHaveText('Merge')
  await expect(page.getByTestId('op-problems')).toContainText('Target is required (crmbaseentity).')
  await choose(page, page.getByTestId('op-table-Target'), 'accou', 'accounts')
  await page.getByTestId('op-id-Target').locator('input').fill(accounts[0]!)
  await choose(page, page.getByTestId('op-table-Subordinate'), 'accou', 'accounts')
  await page.getByTestId('op-id-Subordinate').locator('input').fill('not a guid')
  await expect(page.getByTestId('op-problems')).toContainText('Subordinate needs the record\'s id, a GUID; "not a guid" is not one.')
  await expect(page.getByTestId('op-create')).toBeDisabled()
  await page.getByTestId('op-id-Subordinate').locator('input').fill(accounts[1]!)
  // UpdateContent as a record to create: its columns.
  await page.getByTestId('op-new-record-UpdateContent').click()
  await choose(page, page.getByTestId('op-table-UpdateContent'), 'accou', 'accounts')
  await choose(page, page.getByTestId('op-add-field-UpdateContent'), 'telephone1', /^telephone1/)
  await page.getByTestId('op-param-UpdateContent.telephone1').locator('input').fill('+1 555 0100')
  await expect(page.getByTestId('op-problems')).toHaveCount(0)
  const expected = {
    Target: { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: accounts[0] },
    Subordinate: { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: accounts[1] },
    UpdateContent: { '@odata.type': 'Microsoft.Dynamics.CRM.account', telephone1: '+1 555 0100' },
    PerformParentingChecks: false
  }
  expect(JSON.parse((await page.getByTestId('op-preview-body').textContent()) ?? '')).toEqual(expected)
  await screenshotBothThemes(app, 'operations-form')
  await page.getByTestId('op-create').click()

  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/Merge')
  await expect(page.getByTestId('method')).toContainText('POST')
  await page.locator('.sections').getByText('Body').click()
  await expect(page.getByTestId('body-editor')).toContainText('"PerformParentingChecks": false')
  await page.locator('.sections').getByText('Headers').click()
  expect(await headerRows(page)).toContain('✓ Content-Type: application/json')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/204/)
  const merged = await getJson(app, envId, `{{webApiUrl}}/accounts?$select=telephone1&$filter=accountid eq ${accounts[0]}`)
  expect(merged.value[0]!.telephone1).toBe('+1 555 0100')
})

test('Dataverse header switches write the Headers table, Prefer merged into one header, and read a header typed by hand', async ({ sandboxApp }) => {
  const { app, page } = await openWithSchema(sandboxApp)
  const sections = page.locator('.sections')

  await sections.getByText('Dataverse').click()
  await page.getByTestId('dv-switch-return-representation').click()
  await page.getByTestId('dv-switch-annotations').click()
  await page.getByTestId('dv-value-max-page-size').locator('input').fill('25')
  await page.getByTestId('dv-switch-max-page-size').click()
  await page.getByTestId('dv-switch-bypass-logic').click()
  await page.getByTestId('dv-switch-if-match').click()
  await page.getByTestId('dv-switch-if-none-match').click()
  await expect(page.getByTestId('dv-switch-if-match')).not.toHaveClass(/n-switch--active/)

  // A user picked by name: CallerObjectId takes their Entra object id.
  await page.getByTestId('dv-user-caller-object-id').click()
  const menu = page.locator('.n-base-select-menu:visible')
  await expect(menu.locator('.n-base-select-option').first()).toBeVisible()
  const firstUser = (await menu.locator('.n-base-select-option:not(.n-base-select-option--disabled)').first().textContent())!.split(' · ')[0]!
  await page.keyboard.type(firstUser.slice(0, 4), { delay: 20 })
  await menu.locator('.n-base-select-option:not(.n-base-select-option--disabled)').filter({ hasText: firstUser }).first().click()
  await expect(page.getByTestId('dv-switch-caller-object-id')).toHaveClass(/n-switch--active/)
  await expect(page.getByTestId('dv-caller-object-id')).toContainText(/CallerObjectId: [0-9a-f-]{36}/)
  await expect(sections.locator('.n-tabs-tab').filter({ hasText: 'Dataverse' })).toContainText('6')
  // Room for the whole panel in the screenshot: the request pane at its largest.
  await page.getByRole('separator', { name: 'Resize the request and the response' }).focus()
  await page.keyboard.press('End')
  await screenshotBothThemes(app, 'operations-headers')

  await sections.getByText('Headers').click()
  const rows = await headerRows(page)
  expect(rows.filter((r) => /^✓ Prefer:/.test(r))).toEqual(['✓ Prefer: return=representation,odata.include-annotations="*",odata.maxpagesize=25'])
  expect(rows).toEqual(expect.arrayContaining(['✓ MSCRM.BypassBusinessLogicExecution: CustomSync,CustomAsync', '✓ If-None-Match: *']))
  expect(rows.some((r) => /^✓ CallerObjectId: [0-9a-f]{8}-/.test(r))).toBe(true)
  expect(rows.some((r) => r.includes('If-Match'))).toBe(false)

  // Typed by hand: the switch reads it.
  const ghost = page.getByTestId('headers').locator('.row.ghost input')
  await ghost.nth(0).fill('mscrm.bypasscustompluginexecution')
  await page.getByTestId('headers').locator('.row:not(.head):not(.ghost)').last().locator('input[aria-label="value"]').fill('True')
  await sections.getByText('Dataverse').click()
  await expect(page.getByTestId('dv-switch-bypass-plugins')).toHaveClass(/n-switch--active/)
  // And a switch turned off takes its preference out of Prefer, leaving the others.
  await page.getByTestId('dv-switch-return-representation').click()
  await sections.getByText('Headers').click()
  expect((await headerRows(page)).filter((r) => /^✓ Prefer:/.test(r))).toEqual(['✓ Prefer: odata.include-annotations="*",odata.maxpagesize=25'])
})

test('with no schema the picker says why, instead of an empty list', async ({ app }) => {
  await app.open()
  await app.page.getByTestId('op-open').click()
  await expect(app.page.getByTestId('op-empty')).toContainText('Pick an environment')
})

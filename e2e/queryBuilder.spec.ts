import type { Locator, Page } from '@playwright/test'
import { expect, screenshotBothThemes, test, withAppProfile, openWithSchema } from './harness'


const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** Choose in a Naive select as a person does: open it, type a few letters of the name to narrow the list, click the option. */
async function pick(page: Page, select: Locator, search: string, option: string | RegExp): Promise<void> {
  await select.click()
  if (search) await page.keyboard.type(search, { delay: 10 })
  const menu = page.locator('.n-base-select-menu:visible')
  const name = typeof option === 'string' ? new RegExp(`^${escape(option)}$`) : option
  const byName = menu.locator('.n-base-select-option').filter({ has: page.locator('.qb-option-name', { hasText: name }) })
  // Either shape of option, waited for together: counting first raced the menu's own filtering on a busy machine.
  const target = byName.or(menu.locator('.n-base-select-option').filter({ hasText: name }))
  await target.first().click()
  // A multiple select stays open for the next choice: close it as a person does.
  if (await menu.count()) await page.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)
}

async function typeUrl(page: Page, text: string): Promise<void> {
  await page.getByTestId('url').click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.insertText(text)
  await page.keyboard.press('Escape')
}

const QUERY = "{{webApiUrl}}/accounts?$select=name,revenue&$filter=revenue gt 1000000 and statecode eq 0&$expand=primarycontactid($select=fullname)&$orderby=name"

test('builds the query from the issue with pickers only, the URL bar shows it, and it returns rows', async ({ sandboxApp }) => {
  // Twenty-odd picks, each waiting on a menu: longer than the default 30 s on a busy two-core machine.
  test.slow()
  const { app, page } = await openWithSchema(sandboxApp)
  await page.getByTestId('query-toggle').click()
  const panel = page.getByTestId('query-builder')
  // The new tab's WhoAmI is not a table query: said in words, the URL left alone.
  await expect(panel.getByTestId('qb-not-a-query')).toContainText('WhoAmI is not a query on a table')
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/WhoAmI')

  await pick(page, panel.getByTestId('qb-table'), 'acc', 'accounts')
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/accounts')

  await panel.getByTestId('qb-column-name').click()
  await panel.getByTestId('qb-column-revenue').click()
  await expect(panel.getByTestId('qb-column-revenue')).toContainText('Decimal')

  await panel.getByTestId('qb-filter-add-row').click()
  const first = panel.getByTestId('qb-filter-row-0')
  await pick(page, first.getByTestId('qb-filter-column'), 'reven', 'revenue')
  await pick(page, first.getByTestId('qb-filter-operator'), '', /^greater than/)
  await first.getByTestId('qb-filter-value').locator('input').fill('1000000')
  await panel.getByTestId('qb-filter-add-row').click()
  const second = panel.getByTestId('qb-filter-row-1')
  await pick(page, second.getByTestId('qb-filter-column'), 'statec', 'statecode')
  await second.getByTestId('qb-filter-value').locator('input').fill('0')

  await pick(page, panel.getByTestId('qb-expand-add'), 'primaryc', 'primarycontactid')
  await pick(page, panel.getByTestId('qb-expand-primarycontactid').getByTestId('qb-expand-columns'), 'fulln', 'fullname')

  await panel.getByTestId('qb-order-add').click()
  await pick(page, panel.getByTestId('qb-order-row-0').getByTestId('qb-order-column'), 'nam', 'name')

  await expect(page.getByTestId('url')).toHaveText(QUERY)
  await app.screenshot('query-builder-issue-query-light')

  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  const body = page.getByTestId('response-body')
  await expect(body).toContainText('"value"')
  await expect(body).toContainText('"revenue"')
  await expect(body).toContainText('"primarycontactid"')
  await expect(body).toContainText('"fullname"')
  await expect(body).not.toContainText('"telephone1"')
})

test('a URL with a part the builder cannot show: the panel names it, the URL stays as typed, and edits keep it', async ({ sandboxApp }) => {
  const { app, page } = await openWithSchema(sandboxApp)
  await page.getByTestId('query-toggle').click()
  const panel = page.getByTestId('query-builder')
  const typed = "{{webApiUrl}}/accounts?$select=name&$filter=statecode eq 0 and tolower(name) eq 'contoso'&$apply=groupby((name))"
  await typeUrl(page, typed)

  const kept = panel.getByTestId('qb-unsupported').locator('li')
  await expect(kept).toHaveCount(2)
  await expect(kept.nth(0).locator('code')).toHaveText("tolower(name) eq 'contoso'")
  await expect(kept.nth(0)).toContainText('in $filter: tolower() is not a function the builder offers')
  await expect(kept.nth(1).locator('code')).toHaveText('$apply=groupby((name))')
  await expect(kept.nth(1)).toContainText('aggregation ($apply) is not shown by the builder.')
  await expect(page.getByTestId('url')).toHaveText(typed)
  // What it can show, it shows: the column and the comparison beside the kept part.
  await expect(panel.getByTestId('qb-column-name').locator('input')).toBeChecked()
  await expect(panel.getByTestId('qb-filter-raw-1')).toContainText("tolower(name) eq 'contoso'")
  await app.screenshot('query-builder-unsupported-light')

  await panel.getByTestId('qb-column-revenue').click()
  await expect(page.getByTestId('url')).toHaveText("{{webApiUrl}}/accounts?$select=name,revenue&$filter=statecode eq 0 and tolower(name) eq 'contoso'&$apply=groupby((name))")
})

test('the panel works from the keyboard: table, columns, a filter row and its operator', async ({ sandboxApp }) => {
  const { page } = await openWithSchema(sandboxApp)
  await page.getByTestId('query-toggle').focus()
  await page.keyboard.press('Enter')
  const panel = page.getByTestId('query-builder')
  await panel.getByTestId('qb-table').locator('input').focus()
  await page.keyboard.type('contac', { delay: 10 })
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/contacts')

  await panel.getByTestId('qb-column-search').locator('input').focus()
  await page.keyboard.type('fullname', { delay: 10 })
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/contacts?$select=fullname')
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  await page.keyboard.press('Space')
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/contacts')

  await panel.getByTestId('qb-filter-add-row').focus()
  await page.keyboard.press('Enter')
  const row = panel.getByTestId('qb-filter-row-0')
  await row.getByTestId('qb-filter-column').locator('input').focus()
  await page.keyboard.type('donotem', { delay: 10 })
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/contacts?$filter=donotemail eq true')
  await row.getByTestId('qb-filter-value').locator('[role="switch"]').focus()
  await page.keyboard.press('Space')
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/contacts?$filter=donotemail eq false')
  // Back from the switch to the operator, as a person tabs.
  await page.keyboard.press('Shift+Tab')
  await expect(row.getByTestId('qb-filter-operator').locator('.n-base-selection')).toHaveClass(/n-base-selection--focus/)
  await page.keyboard.press('Enter')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/contacts?$filter=donotemail ne false')
})

test('page size and formatted values merge into one Prefer header; top and count go in the URL', async ({ sandboxApp }) => {
  const { page } = await openWithSchema(sandboxApp)
  await typeUrl(page, '{{webApiUrl}}/contacts?$select=fullname')
  await page.getByTestId('query-toggle').click()
  const panel = page.getByTestId('query-builder')
  await expect(panel.getByTestId('qb-column-fullname').locator('input')).toBeChecked()
  await panel.getByTestId('qb-formatted').click()
  await panel.getByTestId('qb-page-size').click()
  await panel.getByTestId('qb-page-size-value').locator('input').fill('2')
  await panel.getByTestId('qb-page-size-value').locator('input').blur()
  await panel.getByTestId('qb-count').click()
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/contacts?$select=fullname&$count=true')

  await page.locator('.sections').getByText('Headers').click()
  const prefer = page.getByTestId('headers').locator('.row').filter({ has: page.locator('input[value="Prefer"]') })
  await expect(prefer).toHaveCount(1)
  await expect(prefer.locator('input').nth(1)).toHaveValue('odata.include-annotations="*",odata.maxpagesize=2')

  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  const body = page.getByTestId('response-body')
  await expect(body).toContainText('"@odata.count"')
  await expect(body).toContainText('"@odata.nextLink"')
})

test('screenshots of the panel: empty until the schema is loaded, then filled', async ({ sandboxApp }) => {
  const { app } = sandboxApp
  const { page } = app
  await app.open()
  await page.getByTestId('query-toggle').click()
  const panel = page.getByTestId('query-builder')
  // Not signed in: the app does not download the schema by itself, and the panel says why in words.
  await expect(panel.getByTestId('qb-schema-error')).toContainText("Sign-in needed. Sign in to load the org's schema")
  await screenshotBothThemes(app, 'query-builder-empty')

  // The button is the person asking: with a grant that needs no one (client credentials), it signs in and loads.
  await withAppProfile(sandboxApp, { signIn: false })
  await panel.getByTestId('qb-load-schema').click()
  await expect(panel.getByTestId('qb-table')).toBeVisible()
  await typeUrl(page, "{{webApiUrl}}/accounts?$select=name,revenue,_primarycontactid_value,address1_city,websiteurl&$filter=revenue gt 1000000 and (Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=30) or primarycontactid/fullname eq 'A very long contact name that does not fit in one line of the panel, Ltd.') and Microsoft.Dynamics.CRM.In(PropertyName='industrycode',PropertyValues=[\"1\",\"2\",\"3\"]) and tolower(name) eq 'x'&$expand=contact_customer_accounts($select=fullname,emailaddress1;$filter=statecode eq 0;$orderby=fullname desc;$top=3)&$orderby=revenue desc,name&$top=50")
  await expect(panel.getByTestId('qb-unsupported')).toBeVisible()
  await screenshotBothThemes(app, 'query-builder-filled')
  await panel.getByTestId('qb-expand-contact_customer_accounts').scrollIntoViewIfNeeded()
  await screenshotBothThemes(app, 'query-builder-filled-expand')
})

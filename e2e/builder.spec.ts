import { expect, screenshotBothThemes, test, type SandboxFixture, openWithSchema } from './harness'


/** Accept the selected completion as a person does: CodeMirror ignores Enter in the first moments after the list changes. */
async function accept(page: SandboxFixture['app']['page']): Promise<void> {
  await expect(page.locator('.cm-tooltip-autocomplete [aria-selected="true"]')).toBeVisible()
  await page.waitForTimeout(120)
  await page.keyboard.press('Enter')
}

async function typeUrl(page: SandboxFixture['app']['page'], text: string): Promise<void> {
  await page.getByTestId('url').click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
  await page.keyboard.type(text, { delay: 15 })
}

test('the URL bar completes entity sets, $select and a $filter by keyboard from the org schema, and the query runs', async ({ sandboxApp }) => {
  const { app, page } = await openWithSchema(sandboxApp)
  await expect(page.getByTestId('schema-status')).toContainText(/Schema · \d+ tables/)

  await typeUrl(page, '{{webApiUrl}}/acc')
  const list = page.locator('.cm-tooltip-autocomplete')
  await expect(list).toContainText('accounts')
  await accept(page)
  await page.keyboard.type('?$se', { delay: 15 })
  await expect(list).toContainText('$select')
  await accept(page)
  await page.keyboard.type('nam', { delay: 15 })
  await expect(list.getByText('name', { exact: true })).toBeVisible()
  await accept(page)
  await page.keyboard.type('&$fil', { delay: 15 })
  await accept(page)
  await page.keyboard.type('reve', { delay: 15 })
  await expect(list).toContainText('revenue')
  await accept(page)
  await page.keyboard.type(' ', { delay: 15 })
  await page.keyboard.press('ControlOrMeta+Space')
  await expect(list).toContainText('gt')
  await app.screenshot('builder-filter-operators')
  await page.keyboard.type('gt', { delay: 15 })
  await accept(page)
  await page.keyboard.type('1000000', { delay: 15 })
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('url')).toHaveText('{{webApiUrl}}/accounts?$select=name&$filter=revenue gt 1000000')

  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('response-body')).toContainText('"name"')
  await expect(page.getByTestId('response-body')).not.toContainText('"telephone1"')
})

test('an unknown column and a navigation property used as a column are marked before sending', async ({ sandboxApp }) => {
  const { app, page } = await openWithSchema(sandboxApp)
  await typeUrl(page, '{{webApiUrl}}/accounts?$select=name,revenu,primarycontactid')
  await page.keyboard.press('Escape')
  const marks = page.locator('.cm-lintRange-warning')
  await expect(marks).toHaveCount(2)
  await marks.nth(1).hover()
  await expect(page.locator('.cm-tooltip')).toContainText('is a navigation property: select its lookup column _primarycontactid_value')
  await screenshotBothThemes(app, 'builder-unknown-names')
  await page.keyboard.press('End')
  await page.keyboard.type('&$filter=primarycontactid/', { delay: 10 })
  await expect(page.locator('.cm-tooltip-autocomplete')).toContainText('fullname')
  await screenshotBothThemes(app, 'builder-completion')
})

test('an environment with no token loads no schema and sends nothing until the user signs in', async ({ sandboxApp }) => {
  const { app } = sandboxApp
  const { page } = app
  await app.open()
  await expect(page.getByTestId('schema-status')).toHaveAttribute('data-status', 'error')
  await expect(page.getByTestId('schema-status')).toContainText('sign in to load')
  expect(app.services.traffic.list()).toEqual([])
})

test('the schema comes from the disk cache after a restart, and Refresh downloads it again', async ({ sandboxApp }) => {
  const { app, page } = await openWithSchema(sandboxApp)
  const downloads = () => app.services.traffic.list().filter((e) => e.path.endsWith('/$metadata')).length
  expect(downloads()).toBe(1)
  await app.restart()
  await expect(page.getByTestId('schema-status')).toHaveAttribute('data-status', 'ready')
  expect(app.services.traffic.list().filter((e) => e.path.endsWith('/$metadata')).length).toBe(0)
  await page.getByTestId('schema-refresh').click()
  await expect.poll(() => app.services.traffic.list().filter((e) => e.path.endsWith('/$metadata')).length).toBe(1)
  await expect(page.getByTestId('schema-status')).toHaveAttribute('data-status', 'ready')
})

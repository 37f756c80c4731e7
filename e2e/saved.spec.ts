import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, screenshotBothThemes, test, withAppProfile, type AppFixture } from './harness'

async function setUrl(app: AppFixture, url: string): Promise<void> {
  await app.page.getByTestId('url').click()
  await app.page.keyboard.press('ControlOrMeta+a')
  await app.page.keyboard.insertText(url)
}

/** tabs.json holds `text` (the autosave runs a moment after the last edit). */
async function draftsHold(app: AppFixture, text: string): Promise<void> {
  await expect.poll(async () => JSON.stringify((await app.router.invoke('tabs.load', {})).state), { timeout: 5_000 }).toContain(text)
}

const requestFile = (dir: string) => join(dir, readdirSync(dir).find((f) => f.endsWith('.request.yaml'))!)

test('save a request into a new collection; the tab follows its file, shows a conflict, asks before losing edits, and comes back after a restart', async ({ sandboxApp }) => {
  await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
  const dir = mkdtempSync(join(tmpdir(), 'orgbench-e2e-collection-'))
  try {
    await app.open()
    await setUrl(app, '{{webApiUrl}}/accounts?$select=name&$top=2')

    // Ctrl+S on a tab that has no file yet asks where: a new collection in a folder typed by hand.
    await page.keyboard.press('ControlOrMeta+s')
    await expect(page.getByTestId('save-as')).toBeVisible()
    await page.getByTestId('save-as-new-collection').click()
    await page.getByTestId('collection-dir').locator('input').fill(join(dir, 'crm-api'))
    await page.getByTestId('collection-name').locator('input').fill('CRM API')
    await page.getByTestId('collection-submit').click()
    await expect(page.getByTestId('save-as-collection')).toContainText('CRM API')
    await page.getByTestId('save-as-name').locator('input').fill('Top accounts')
    await app.screenshot('saved-save-as')
    await page.getByTestId('save-as-submit').click()
    await expect(page.getByTestId('save-as')).toBeHidden()
    await expect(page.getByTestId('tab-Top accounts')).toBeVisible()
    await expect(page.getByTestId('tab-Top accounts').getByTestId('tab-close')).toBeAttached()

    const file = requestFile(join(dir, 'crm-api'))
    expect(readFileSync(file, 'utf8')).toContain('$top=2')

    await page.getByTestId('side-collections').click()
    await expect(page.getByTestId('tree-collection-CRM API')).toBeVisible()
    await expect(page.getByTestId('tree-request-Top accounts')).toBeVisible()

    // Edited in another editor: an unmodified tab takes the file's version.
    writeFileSync(file, readFileSync(file, 'utf8').replace('$top=2', '$top=1'))
    await expect(page.getByTestId('url')).toContainText('$top=1')

    // With edits of its own, the tab is told instead, and the user chooses.
    await setUrl(app, '{{webApiUrl}}/accounts?$select=name&$top=1&$count=true')
    await expect(page.getByTestId('tab-Top accounts').getByTestId('tab-modified')).toBeAttached()
    writeFileSync(file, readFileSync(file, 'utf8').replace('$top=1', '$top=3'))
    await expect(page.getByTestId('disk-banner')).toContainText('changed on disk')
    await page.getByTestId('disk-compare').click()
    await expect(page.getByTestId('disk-compare-dialog')).toContainText('$top=1&$count=true')
    await expect(page.getByTestId('disk-compare-dialog')).toContainText('$top=3')
    await app.screenshot('saved-compare')
    await page.keyboard.press('Escape')
    await app.screenshot('saved-conflict')
    await page.getByTestId('disk-keep').click()
    await expect(page.getByTestId('disk-banner')).toBeHidden()
    await expect.poll(() => readFileSync(file, 'utf8')).toContain('$count=true')
    await expect(page.getByTestId('tab-Top accounts').getByTestId('tab-close')).toBeAttached()

    // The collection's variables apply to its requests (below the environment's).
    await page.getByTestId('tree-collection-CRM API').click({ button: 'right' })
    await page.getByText('Variables…', { exact: true }).click()
    const variables = page.getByTestId('collection-vars')
    await variables.locator('.row.ghost input').nth(0).fill('top')
    await variables.locator('.row').nth(1).locator('input').nth(1).fill('1')
    await page.getByTestId('collection-vars-save').click()
    await expect(page.getByTestId('collection-variables')).toBeHidden()
    await setUrl(app, '{{webApiUrl}}/accounts?$select=name&$top={{top}}')
    await page.getByTestId('send').click()
    await expect(page.getByTestId('response-status')).toHaveText(/200/)
    expect(app.services.traffic.list().some((e) => e.url.includes('$top=1') && e.url.includes('/accounts'))).toBe(true)

    // Closing a modified tab asks; Cancel keeps it.
    await page.getByTestId('tab-Top accounts').getByTestId('tab-modified').click()
    await expect(page.getByTestId('close-tab-dialog')).toBeVisible()
    await page.getByTestId('close-tab-cancel').click()
    await expect(page.getByTestId('tab-Top accounts')).toBeVisible()

    // An unsaved new tab and the modified one come back after a restart, in order, with their drafts.
    await page.getByTestId('tab-add').click()
    await setUrl(app, '{{webApiUrl}}/contacts?$top=4')
    await draftsHold(app, 'contacts?$top=4')
    await app.restart()
    await expect(page.getByTestId('url')).toContainText('contacts?$top=4')
    await page.getByTestId('tab-Top accounts').click()
    await expect(page.getByTestId('url')).toContainText('$top={{top}}')
    await expect(page.getByTestId('tab-Top accounts').getByTestId('tab-modified')).toBeAttached()

    // Don't save: the draft is gone, the file keeps its version.
    await page.getByTestId('tab-Top accounts').getByTestId('tab-modified').click()
    await page.getByTestId('close-tab-discard').click()
    await expect(page.getByTestId('tab-Top accounts')).toBeHidden()
    expect(readFileSync(file, 'utf8')).toContain('$count=true')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the collections sidebar: folders, search, rename, delete with undo, a request opened from the tree', async ({ sandboxApp }) => {
  const { app } = sandboxApp
  const { page } = app
  const dir = mkdtempSync(join(tmpdir(), 'orgbench-e2e-tree-'))
  try {
    await app.router.invoke('collection.create', { dir, name: 'Contoso CRM — integration requests for the sales team' })
    await app.router.invoke('collection.newFolder', { dir, name: 'Accounts' })
    await app.router.invoke('collection.add', { dir, folder: 'Accounts', request: { name: 'List accounts', method: 'GET', url: '{{webApiUrl}}/accounts?$select=name' } })
    await app.router.invoke('collection.add', { dir, folder: 'Accounts', request: { name: 'Create an account with a very long name that does not fit', method: 'POST', url: '{{webApiUrl}}/accounts', body: '{"name":"Contoso"}' } })
    await app.router.invoke('collection.add', { dir, request: { name: 'Who am I', method: 'GET', url: '{{webApiUrl}}/WhoAmI' } })
    await app.router.invoke('collection.add', { dir, request: { name: 'Delete a contact', method: 'DELETE', url: '{{webApiUrl}}/contacts({{contactId}})' } })
    await app.open()
    await page.getByTestId('side-collections').click()
    await page.getByTestId('tree-folder-Accounts').click()
    await expect(page.getByTestId('tree-request-List accounts')).toBeVisible()
    await screenshotBothThemes(app, 'collections-tree')

    await page.getByTestId('collections-search').locator('input').fill('whoami')
    await expect(page.getByTestId('tree-request-Who am I')).toBeVisible()
    await expect(page.getByTestId('tree-request-List accounts')).toBeHidden()
    await page.getByTestId('collections-search').locator('input').fill('')

    await page.getByTestId('tree-request-List accounts').click()
    await expect(page.getByTestId('tab-List accounts')).toBeVisible()
    await expect(page.getByTestId('url')).toContainText('/accounts?$select=name')

    await page.getByTestId('tree-request-Who am I').click({ button: 'right' })
    await page.getByText('Rename…', { exact: true }).click()
    await page.getByTestId('prompt-input').locator('input').fill('WhoAmI check')
    await page.getByTestId('prompt-ok').click()
    await expect(page.getByTestId('tree-request-WhoAmI check')).toBeVisible()

    await page.getByTestId('tree-request-Delete a contact').click({ button: 'right' })
    await page.getByText('Delete', { exact: true }).click()
    await expect(page.getByTestId('tree-request-Delete a contact')).toBeHidden()
    await expect(page.getByTestId('undo-delete')).toBeVisible()
    await screenshotBothThemes(app, 'collections-undo')
    await page.getByTestId('undo-delete-button').click()
    await expect(page.getByTestId('tree-request-Delete a contact')).toBeVisible()

    // Dragged into a folder: the file moves there.
    await page.getByTestId('tree-request-Delete a contact').dragTo(page.getByTestId('tree-folder-Accounts'))
    await expect.poll(() => existsSync(join(dir, 'Accounts', 'Delete a contact.request.yaml'))).toBe(true)
    await expect(page.getByTestId('tree-request-Delete a contact')).toBeVisible()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

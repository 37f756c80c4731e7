import { writeFileSync, readdirSync, readFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, seedEnvironment, test } from './harness'

test('create an environment through the form, with a secret variable that never reaches the disk in plain text', async ({ app }) => {
  const { page } = app
  await app.open()
  await expect(page.getByTestId('env-sidebar')).toContainText('No environments yet')
  await app.screenshot('environments-empty')

  await page.getByTestId('env-new').click()
  await page.getByTestId('env-name').locator('input').fill('Contoso dev')
  await page.getByTestId('env-url').locator('input').fill('http://contoso.crm.dynamics.com/main.aspx')
  await page.getByTestId('env-save').click()
  await expect(page.getByTestId('env-editor')).toContainText('The org URL must use https')

  await page.getByTestId('env-url').locator('input').fill('https://contoso.crm.dynamics.com/main.aspx')
  await page.getByTestId('env-save').click()
  await expect(page.getByTestId('env-editor')).toContainText('The org URL is just the host: use https://contoso.crm.dynamics.com')

  await page.getByTestId('env-url').locator('input').fill('https://contoso.crm.dynamics.com/')
  await page.getByTestId('env-color-red').click()
  await page.getByTestId('env-label').locator('input').fill('PROD')
  await page.getByTestId('var-add').click()
  await page.getByTestId('var-row-0').locator('input').nth(0).fill('apiKey')
  await page.getByTestId('var-row-0').locator('input').nth(1).fill('s3cret-value-123')
  await page.getByTestId('var-row-0').locator('.n-checkbox').nth(1).click()
  await app.screenshot('environment-editor')
  await page.getByTestId('env-save').click()

  await expect(page.getByTestId('env-item-Contoso dev')).toBeVisible()
  await expect(page.getByTestId('active-env')).toContainText('Contoso dev')
  await expect(page.getByTestId('active-env')).toContainText('PROD')
  await expect(page.getByTestId('env-stripe')).toHaveClass(/env-red/)

  const files = readdirSync(join(app.dataDir, 'environments'))
  expect(files).toHaveLength(1)
  const onDisk = readFileSync(join(app.dataDir, 'environments', files[0]!), 'utf8')
  expect(onDisk).toContain('"schemaVersion": 1')
  expect(onDisk).toContain('"orgUrl": "https://contoso.crm.dynamics.com"')
  expect(onDisk).not.toContain('s3cret-value-123')
})

test('edit, duplicate, switch and delete environments', async ({ app }) => {
  const { page } = app
  await seedEnvironment(app, { name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com', color: 'green' })
  await app.open()
  await page.getByTestId('env-item-Dev').click()
  await expect(page.getByTestId('active-env')).toContainText('Dev')

  await page.getByTestId('env-actions-Dev').click()
  await page.getByText('Duplicate', { exact: true }).click()
  await expect(page.getByTestId('env-item-Dev (copy)')).toBeVisible()

  await page.getByTestId('env-item-Dev (copy)').dblclick()
  await page.getByTestId('env-name').locator('input').fill('Test')
  await page.getByTestId('env-url').locator('input').fill('https://test.crm4.dynamics.com')
  await page.getByTestId('env-save').click()
  await expect(page.getByTestId('env-item-Test')).toContainText('test.crm4.dynamics.com')

  await page.getByTestId('env-item-Test').click()
  await expect(page.getByTestId('active-env')).toContainText('Test')
  await app.screenshot('environments-two')

  await page.getByTestId('env-actions-Test').click()
  await page.getByText('Delete…', { exact: true }).click()
  await page.getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByTestId('env-item-Test')).toHaveCount(0)
  await expect(page.getByTestId('active-env')).toContainText('No environment')
  expect(readdirSync(join(app.dataDir, 'environments'))).toHaveLength(1)
})

test('a corrupt environment file is moved aside and reported, never lost', async ({ app }) => {
  const { page } = app
  const dir = join(app.dataDir, 'environments')
  mkdirSync(dir, { recursive: true })
  await seedEnvironment(app, { name: 'Good', orgUrl: 'https://good.crm.dynamics.com' })
  writeFileSync(join(dir, 'broken.json'), '{ "schemaVersion": 1, "name": "Half written', 'utf8')
  app.services.environments.invalidate()
  await app.open()
  const banner = page.getByTestId('problems')
  await expect(banner).toContainText('broken.json')
  await expect(banner).toContainText('not valid JSON')
  await expect(banner).toContainText('broken.corrupt-')
  await expect(page.getByTestId('env-item-Good')).toBeVisible()
  await app.screenshot('corrupt-file-reported')
  const moved = readdirSync(dir).find((f) => f.startsWith('broken.corrupt-'))
  expect(moved).toBeTruthy()
  expect(readFileSync(join(dir, moved!), 'utf8')).toContain('Half written')
})

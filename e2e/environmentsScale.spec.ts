/**
 * A consultant's 200 environments: grouped by customer in the sidebar, searched, sorted, and switched by keyboard
 * (Ctrl/⌘+E), with the active one's colour and label in view wherever a request is sent. Screenshots of the sidebar
 * and the switcher, light and dark, under test-results/screenshots/ (look at them: long names must not overflow).
 */
import type { Locator, Page } from '@playwright/test'
import { expect, screenshotBothThemes, seedEnvironment, test, type AppFixture } from './harness'

const STAGES = [
  { stage: 'dev', color: 'green' },
  { stage: 'test', color: 'blue' },
  { stage: 'uat', color: 'amber' },
  { stage: 'prod', color: 'red' }
] as const
const LONG_GROUP = 'Northwind Traders International Holdings (EMEA shared services)'
const LONG_NAME = 'Northwind Traders International Holdings EMEA finance and operations production'

/** 49 customers × dev/test/uat/prod, one customer with very long names, and two environments without a customer: 200. */
async function seed200(app: AppFixture): Promise<void> {
  const all: Array<Record<string, unknown>> = []
  for (let c = 1; c <= 49; c++) {
    const customer = `Customer ${String(c).padStart(2, '0')}`
    for (const { stage, color } of STAGES) all.push({ name: `${customer} ${stage}`, group: customer, orgUrl: `https://customer${c}-${stage}.crm4.dynamics.com`, color, label: stage.toUpperCase() })
  }
  all.push({ name: LONG_NAME, group: LONG_GROUP, orgUrl: 'https://northwind-traders-international-emea-finance-prod.crm4.dynamics.com', color: 'red', label: 'PROD' })
  all.push({ name: 'Northwind sandbox', group: LONG_GROUP, orgUrl: 'https://northwind-sandbox.crm4.dynamics.com', color: 'violet', label: 'SANDBOX' })
  all.push({ name: 'Personal trial', orgUrl: 'https://trial-0001.crm.dynamics.com', color: 'slate' })
  all.push({ name: 'Scratch org', orgUrl: 'https://scratch.crm11.dynamics.com', color: 'slate', label: 'TEMP' })
  for (const input of all) await seedEnvironment(app, input)
}

// Writing 200 environment files (each written atomically) takes a while on a busy machine.
test.describe.configure({ timeout: 90_000 })

const rows = (page: Page): Locator => page.getByTestId('env-sidebar').locator('[data-testid^="env-item-"]')
const groups = (page: Page): Locator => page.getByTestId('env-sidebar').locator('[data-testid^="env-group-"]')

/** The sidebar is a virtual list: only what is in view (and a little more) is in the page. */
async function scrollList(page: Page, to: 'top' | 'bottom'): Promise<void> {
  await page.getByTestId('env-list').evaluate((el, end) => (el.scrollTop = end === 'top' ? 0 : el.scrollHeight), to)
}

async function search(page: Page, text: string): Promise<void> {
  await page.getByTestId('env-search').locator('input').fill(text)
}

async function sortBy(page: Page, option: string): Promise<void> {
  await page.getByTestId('env-sort').click()
  await expect(page.getByTestId('env-sort')).toHaveText(option)
}

/** Nothing in the sidebar's rows and headers is wider than the sidebar: long names are cut with an ellipsis. */
async function expectNoOverflow(page: Page): Promise<void> {
  const overflow = await page.getByTestId('env-sidebar').evaluate((sidebar) => {
    const box = sidebar.getBoundingClientRect()
    return [...sidebar.querySelectorAll('[data-testid^="env-item-"] *, [data-testid^="env-group-"] *')]
      .filter((el) => el.getBoundingClientRect().right > box.right + 0.5)
      .map((el) => `${el.className}: ${el.textContent}`)
  })
  expect(overflow).toEqual([])
}

test('200 environments: grouped by customer, searched, sorted, and switched with Ctrl+E', async ({ app }) => {
  const { page } = app
  await seed200(app)
  await app.open()

  // The active environment (the last one created) is scrolled into view at start.
  const { environments, activeId } = await app.router.invoke('env.list', {})
  const active = environments.find((e) => e.id === activeId)!
  await expect(page.getByTestId(`env-item-${active.name}`)).toBeInViewport()
  await scrollList(page, 'top')

  // Groups by customer, with counts; the environments without one under "Other", last.
  await expect(page.getByTestId('env-count')).toHaveText('200 environments')
  await expect(groups(page).first()).toHaveAttribute('data-testid', 'env-group-Customer 01')
  await expect(page.getByTestId('env-group-Customer 01')).toContainText('4')
  // A virtual list: a screenful of rows in the page, not 200.
  expect(await rows(page).count()).toBeLessThan(40)
  await scrollList(page, 'bottom')
  await expect(groups(page).last()).toHaveAttribute('data-testid', 'env-group-Other')
  await expect(page.getByTestId('env-group-Other')).toContainText('2')
  await expect(rows(page).last()).toHaveAttribute('data-testid', 'env-item-Scratch org')
  await scrollList(page, 'top')

  // A customer folds and unfolds.
  await page.getByTestId('env-group-Customer 02').click()
  await expect(page.getByTestId('env-group-Customer 02')).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByTestId('env-item-Customer 02 dev')).toHaveCount(0)
  await expect(page.getByTestId('env-group-Customer 03')).toBeVisible()
  await expect(page.getByTestId('env-item-Customer 03 dev')).toBeVisible()
  await page.getByTestId('env-group-Customer 02').click()
  await expect(page.getByTestId('env-item-Customer 02 dev')).toBeVisible()

  // Search: every word must match, in the name, customer, org URL or label.
  await search(page, 'customer 07 prod')
  await expect(rows(page)).toHaveCount(1)
  await expect(page.getByTestId('env-item-Customer 07 prod')).toBeVisible()
  await expect(page.getByTestId('env-search-count')).toHaveText('1 of 200')
  await search(page, 'UAT')
  await expect(page.getByTestId('env-search-count')).toHaveText('49 of 200')
  await expect(rows(page).first()).toHaveAttribute('data-testid', 'env-item-Customer 01 uat')
  await search(page, 'crm11')
  await expect(rows(page)).toHaveCount(1)
  await expect(page.getByTestId('env-item-Scratch org')).toBeVisible()
  await expect(groups(page)).toHaveCount(1)
  await search(page, 'northwind emea')
  await expect(rows(page)).toHaveCount(2)
  // A folded customer opens while searching, so a match is never hidden.
  await page.getByTestId(`env-group-${LONG_GROUP}`).click()
  await search(page, 'northwind trial')
  await expect(page.getByTestId('env-search-none')).toContainText('No environment matches')
  await search(page, '')
  await scrollList(page, 'bottom')
  await expect(page.getByTestId(`env-group-${LONG_GROUP}`)).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByTestId(`env-item-${LONG_NAME}`)).toHaveCount(0)
  await page.getByTestId(`env-group-${LONG_GROUP}`).click()
  await expect(page.getByTestId(`env-item-${LONG_NAME}`)).toBeVisible()
  await scrollList(page, 'top')

  // Sort: by name, then by the latest update (the customer just changed comes first, its changed org first in it).
  const touched = environments.find((e) => e.name === 'Customer 33 test')!
  await app.router.invoke('env.update', { id: touched.id, environment: { ...touched, label: 'QA' } as never })
  await search(page, 'customer 33 qa')
  await expect(page.getByTestId('env-item-Customer 33 test')).toContainText('QA')
  await search(page, '')
  await expect(groups(page).first()).toHaveAttribute('data-testid', 'env-group-Customer 01')
  await sortBy(page, 'Recently updated')
  await expect(groups(page).first()).toHaveAttribute('data-testid', 'env-group-Customer 33')
  await expect(rows(page).first()).toHaveAttribute('data-testid', 'env-item-Customer 33 test')
  await scrollList(page, 'bottom')
  await expect(groups(page).last()).toHaveAttribute('data-testid', 'env-group-Other')
  await sortBy(page, 'Name')
  await expect(rows(page).first()).toHaveAttribute('data-testid', 'env-item-Customer 01 dev')

  // Ctrl/⌘+E: fuzzy over customer, name, label and host; arrows and Enter switch; Esc closes.
  await page.keyboard.press('ControlOrMeta+e')
  await expect(page.getByTestId('env-switcher')).toBeVisible()
  await page.keyboard.type('cust 12 prod')
  await expect(page.getByTestId('env-switcher').locator('[role="option"]').first()).toHaveAttribute('data-testid', 'env-switcher-item-Customer 12 prod')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('env-switcher')).toBeHidden()
  await expect(page.getByTestId('active-env')).toContainText('Customer 12 prod')
  await expect(page.getByTestId('active-env')).toContainText('PROD')
  await expect(page.getByTestId('env-stripe')).toHaveClass(/env-red/)
  await expect(page.getByTestId('env-item-Customer 12 prod')).toHaveClass(/\bon\b/)

  await page.keyboard.press('ControlOrMeta+e')
  await page.keyboard.type('customer 12')
  await page.keyboard.press('ArrowDown')
  const second = await page.getByTestId('env-switcher').locator('[role="option"][aria-selected="true"]').getAttribute('data-testid')
  await page.keyboard.press('Enter')
  const name = second!.replace('env-switcher-item-', '')
  await expect(page.getByTestId('active-env')).toContainText(name)
  await page.keyboard.press('ControlOrMeta+e')
  await expect(page.getByTestId('env-switcher')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('env-switcher')).toBeHidden()
  await expect(page.getByTestId('active-env')).toContainText(name)

  // The active environment's colour and label stay in view where requests are sent: the request and the batch.
  await expect(page.getByTestId('url')).toBeVisible()
  await expect(page.getByTestId('active-env')).toBeVisible()
  await page.getByTestId('nav-batch').click()
  await expect(page.getByTestId('active-env')).toBeVisible()
  await expect(page.getByTestId('active-env')).toContainText(name)
  await expect(page.getByTestId('env-stripe')).toBeVisible()
})

test('200 environments: the sidebar and the switcher with long names', async ({ app }) => {
  const { page } = app
  await seed200(app)
  const long = (await app.router.invoke('env.list', {})).environments.find((e) => e.name === LONG_NAME)!
  await app.router.invoke('env.setActive', { id: long.id })
  await app.open()

  // The active one is scrolled into view at start; the long names are cut with an ellipsis and whole in their title.
  const row = page.getByTestId(`env-item-${LONG_NAME}`)
  await expect(row).toBeInViewport()
  await expect(row).toHaveAttribute('title', new RegExp(`^${LONG_NAME} \\(PROD\\)`))
  const cut = await row.locator('.name-text').evaluate((el) => el.scrollWidth > el.clientWidth)
  expect(cut, 'the long name is ellipsised').toBe(true)
  await expectNoOverflow(page)
  await screenshotBothThemes(app, 'environments-200-sidebar')

  await search(page, 'prod')
  await expect(page.getByTestId('env-search-count')).toHaveText('50 of 200')
  await expectNoOverflow(page)

  await page.keyboard.press('ControlOrMeta+e')
  await page.keyboard.type('north')
  await expect(page.getByTestId(`env-switcher-item-${LONG_NAME}`)).toBeVisible()
  const inDialog = await page.getByTestId('env-switcher').evaluate((dialog) => {
    const box = dialog.getBoundingClientRect()
    return [...dialog.querySelectorAll('[role="option"] *')].filter((el) => el.getBoundingClientRect().right > box.right + 0.5).length
  })
  expect(inDialog, 'nothing in the switcher overflows it').toBe(0)
  await screenshotBothThemes(app, 'environments-200-switcher')
})

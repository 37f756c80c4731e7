/**
 * Screenshots of every main screen, light and dark, under test-results/screenshots/ (look at them).
 * `npm run screenshots` also refreshes docs/main-window.png for the README.
 * Each flow runs once and takes both themes' screenshots of each state; each test first reads both themes back from the
 * painted colours (a dark screenshot of a light app proves nothing).
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { startHttpServer } from '../src/main/testing/testServer'
import { expect, screenshotBothThemes, seedEnvironment, test, useTheme, type AppFixture, type SandboxFixture } from './harness'

type Theme = 'light' | 'dark'

async function populate(app: AppFixture, baseUrl: string): Promise<void> {
  await seedEnvironment(app, { name: 'Contoso dev', orgUrl: 'https://contoso-dev.crm.dynamics.com', color: 'green', label: 'DEV' })
  // The one the editor shows: an app registration with a stored secret, a tenant id, variables.
  await seedEnvironment(app, {
    name: 'Contoso test',
    orgUrl: 'https://contoso-test.crm4.dynamics.com',
    color: 'amber',
    label: 'TEST',
    tenant: '7f3c2a10-5b6e-4d1a-9c8f-2e4b6a8d0c11',
    auth: { grant: 'client_credentials', clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000002', scopes: '', credential: 'secret', clientSecret: { isSet: true, value: 'not-shown' } },
    variables: [
      { key: 'accountId', value: 'f45bc2af-5b00-445b-b81d-f6231e08343c' },
      { key: 'apiKey', value: 'not-shown', secret: true }
    ]
  })
  const prod = await seedEnvironment(app, {
    name: 'Contoso prod',
    orgUrl: 'https://contoso.crm.dynamics.com',
    color: 'red',
    label: 'PROD',
    variables: [
      { key: 'base', value: baseUrl },
      { key: 'clientSecret', value: 'not-shown', secret: true }
    ]
  })
  await app.router.invoke('env.setActive', { id: prod })
}

/** The Sandbox, signed in with client credentials: the first thing a new user sees once signed in. */
async function signedIn(fixture: SandboxFixture): Promise<void> {
  const { app, info } = fixture
  const { environments } = await app.router.invoke('env.list', {})
  const env = environments.find((e) => e.name === 'Sandbox')!
  await app.router.invoke('env.update', { id: env.id, environment: { ...env, auth: { grant: 'client_credentials', clientId: info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: info.clientSecret } } } as never })
  await seedEnvironment(app, { name: 'Contoso dev', orgUrl: 'https://contoso-dev.crm.dynamics.com', color: 'green', label: 'DEV' })
  await seedEnvironment(app, { name: 'Contoso prod', orgUrl: 'https://contoso.crm.dynamics.com', color: 'red', label: 'PROD' })
  await app.router.invoke('env.setActive', { id: env.id })
}

async function setUrl(page: Page, url: string): Promise<void> {
  await page.getByTestId('url').click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.insertText(url)
}

/** Relative luminance (WCAG) of a computed CSS colour such as "rgb(20, 23, 28)". */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

/**
 * The colours the page actually shows, as painted: our own surfaces, a component library control and the
 * code editor. Translucent colours are composited over what lies beneath them.
 */
async function colours(page: Page): Promise<{ background: string; text: string; control: string; editor: string; layer: string }> {
  return page.evaluate(() => {
    const parse = (css: string) => (css.match(/[\d.]+/g) ?? ['0', '0', '0', '0']).map(Number)
    const over = (top: number[], bottom: number[]) => {
      const a = top[3] ?? 1
      return [0, 1, 2].map((i) => top[i]! * a + bottom[i]! * (1 - a))
    }
    const background = (el: Element | null): number[] => {
      if (!el) return [255, 255, 255]
      const c = parse(getComputedStyle(el).backgroundColor)
      return (c[3] ?? 1) >= 1 ? c.slice(0, 3) : over(c, background(el.parentElement))
    }
    const painted = (selector: string, what: 'text' | 'background') => {
      const el = document.querySelector(selector)!
      const rgb = what === 'background' ? background(el) : over(parse(getComputedStyle(el).color), background(el))
      return `rgb(${rgb.map((v) => Math.round(v)).join(', ')})`
    }
    return {
      background: painted('[data-testid="app"]', 'background'),
      text: painted('[data-testid="app"]', 'text'),
      control: painted('[data-testid="method"] .n-base-selection-label', 'background'),
      editor: painted('[data-testid="url"] .cm-line', 'text'),
      // Drawers, dialogs and toasts are mounted on <body>, outside the app's element: the theme must reach them too.
      layer: (() => {
        const probe = document.body.appendChild(document.createElement('div'))
        probe.style.background = 'var(--surface)'
        const colour = getComputedStyle(probe).backgroundColor
        probe.remove()
        return colour
      })()
    }
  })
}

/** Dark means light text on a dark background, in our surfaces, in Naive UI's controls and in CodeMirror; light the reverse. */
async function expectTheme(page: Page, theme: Theme): Promise<void> {
  const c = await colours(page)
  const [bg, text, control, editor] = [c.background, c.text, c.control, c.editor].map(luminance) as [number, number, number, number]
  const layer = luminance(c.layer)
  expect(layer, `drawers and dialogs (var(--surface) on <body>: ${c.layer})`)[theme === 'dark' ? 'toBeLessThan' : 'toBeGreaterThan'](theme === 'dark' ? 0.05 : 0.85)
  if (theme === 'dark') {
    expect(bg, `dark background (${c.background})`).toBeLessThan(0.05)
    expect(control, `dark controls (${c.control})`).toBeLessThan(0.05)
    expect(text, `light text (${c.text})`).toBeGreaterThan(0.6)
    expect(editor, `light editor text (${c.editor})`).toBeGreaterThan(0.6)
  } else {
    expect(bg, `light background (${c.background})`).toBeGreaterThan(0.85)
    expect(control, `light controls (${c.control})`).toBeGreaterThan(0.85)
    expect(text, `dark text (${c.text})`).toBeLessThan(0.05)
    expect(editor, `dark editor text (${c.editor})`).toBeLessThan(0.05)
  }
}

/** The request screen read back in dark and then in light (the page is left light, as the screenshots start). */
async function expectBothThemes(page: Page): Promise<void> {
  for (const theme of ['dark', 'light'] as const) {
    await useTheme(page, theme)
    // Controls fade to their new colours (a CSS transition): read them once it has ended.
    await expect(() => expectTheme(page, theme)).toPass({ timeout: 5000 })
  }
}

test('the theme toggle changes the colours the page shows', async ({ app }) => {
  const { page } = app
  await app.router.invoke('settings.update', { theme: 'light' })
  await app.open()
  await expectTheme(page, 'light')
  const light = await colours(page)
  await page.getByTestId('theme-toggle').click()
  // Controls fade to their new colours (a CSS transition): read them once it has ended.
  await expect(() => expectTheme(page, 'dark')).toPass({ timeout: 5000 })
  expect((await app.router.invoke('settings.get', {})).theme).toBe('dark')
  const dark = await colours(page)
  for (const key of ['background', 'text', 'control', 'editor', 'layer'] as const) expect(dark[key], key).not.toBe(light[key])
})

/** Every line box of an element's text: one distinct top per line. */
function lineCount(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).evaluate((el) => {
    const range = document.createRange()
    range.selectNodeContents(el)
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size
  })
}

test("signed in to the Sandbox, with the token inspector and a sign-in's traffic", async ({ sandboxApp }) => {
  const { app } = sandboxApp
  const { page } = app
  await signedIn(sandboxApp)
  await app.open()
  await expectBothThemes(page)
  await setUrl(page, '{{webApiUrl}}/accounts?$select=name,revenue,industrycode&$top=5&$expand=primarycontactid($select=fullname)')
  await page.locator('.sections').getByText('Headers').click()
  await page.getByTestId('headers').getByRole('checkbox', { name: 'Send Prefer' }).click()
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('signed-in')).toBeVisible()
  await screenshotBothThemes(app, 'sandbox-signed-in')
  if (process.env.ORGBENCH_UPDATE_DOCS === '1') {
    mkdirSync('docs', { recursive: true })
    copyFileSync('test-results/screenshots/sandbox-signed-in-light.png', 'docs/main-window.png')
  }
  await page.getByTestId('signed-in').click()
  await expect(page.getByTestId('token-claims')).toContainText('idtyp')
  // URLs and dates read whole: each of these values on one line.
  for (const claim of ['aud', 'iss', 'iat', 'exp', 'appid', 'tid']) expect(await lineCount(page, `claim-${claim}`), claim).toBe(1)
  await screenshotBothThemes(app, 'token-inspector')
  await page.keyboard.press('Escape')

  await page.getByTestId('nav-traffic').click()
  const token = app.services.traffic.list().find((e) => e.kind === 'token')!
  await page.getByTestId(`traffic-row-${token.seq}`).click()
  await page.getByTestId('show-sign-in').click()
  await expect(page.getByTestId('traffic-sign-in-chip')).toBeVisible()
  await page.getByTestId('inspector').getByText('Response', { exact: true }).click()
  await screenshotBothThemes(app, 'traffic-sign-in')
})

test('main screens', async ({ app, testServer }) => {
  const { page } = app
  await populate(app, testServer.url)
  await app.open()
  await expectBothThemes(page)
  await setUrl(page, '{{base}}/api/data/v9.2/WhoAmI')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await screenshotBothThemes(app, 'main')

  await page.getByTestId('response').getByText('Headers').click()
  await screenshotBothThemes(app, 'response-headers')
  await page.getByTestId('response').getByText('Timing').click()
  await expect(page.getByTestId('timing-queue')).toBeVisible()
  await screenshotBothThemes(app, 'response-timing')

  // The params table: filled rows without placeholders, one waiting for its key, the empty row with them.
  await setUrl(page, '{{base}}/api/data/v9.2/accounts?$select=name,revenue&$top=5&$count')
  const params = page.getByTestId('params')
  await params.locator('.row.ghost input').nth(1).fill('primarycontactid($select=fullname)')
  await expect(page.getByTestId('url')).not.toContainText('&=')
  await screenshotBothThemes(app, 'params')

  await page.getByTestId('nav-traffic').click()
  const whoAmI = app.services.traffic.list().find((e) => e.url.endsWith('/WhoAmI'))!
  await page.getByTestId(`traffic-row-${whoAmI.seq}`).click()
  await expect(page.getByTestId('inspector-url')).toContainText('WhoAmI')
  await page.getByTestId('inspector').getByText('Response', { exact: true }).click()
  await expect(page.getByTestId('traffic-split-handle')).toBeVisible()
  await screenshotBothThemes(app, 'traffic')
  await page.getByTestId('inspector').getByText('Timing', { exact: true }).click()
  await screenshotBothThemes(app, 'traffic-timing')

  await page.getByTestId('nav-request').click()
  await page.getByTestId('env-item-Contoso test').dblclick()
  await expect(page.getByTestId('env-name').locator('input')).toHaveValue('Contoso test')
  await screenshotBothThemes(app, 'environment-editor')
  await page.keyboard.press('Escape')

  await page.getByTestId('open-settings').click()
  await expect(page.getByTestId('settings')).toBeVisible()
  await screenshotBothThemes(app, 'settings')
})

test('errors and warnings', async ({ app }) => {
  const { page } = app
  const dev = await seedEnvironment(app, { name: 'Contoso dev', orgUrl: 'https://contoso-dev.crm.dynamics.com', color: 'green', label: 'DEV' })
  await app.router.invoke('env.setActive', { id: dev })
  await app.open()
  await expectBothThemes(page)

  const closed = await startHttpServer()
  await closed.close()
  await setUrl(page, `${closed.url}/api/data/v9.2/WhoAmI`)
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-error')).toContainText('refused the connection')
  await screenshotBothThemes(app, 'error-box')

  await setUrl(page, '{{webApiUrl}}/accounts({{accountId}})')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('unknown-vars')).toContainText('Not sent')
  await screenshotBothThemes(app, 'unknown-variable')

  await page.getByTestId('method').click()
  await page.getByText('POST', { exact: true }).click()
  await setUrl(page, '{{webApiUrl}}/accounts')
  await page.locator('.sections').getByText('Body').click()
  await page.getByTestId('body-editor').click()
  await page.keyboard.insertText('{\n  "name": "Contoso",\n  "revenue": ,\n  "primarycontactid@odata.bind": "/contacts({{contactId}})"\n}')
  await expect(page.getByTestId('body').locator('.cm-lint-marker-error')).toHaveCount(1)
  await page.getByTestId('body').locator('.cm-lintRange-error').hover()
  await expect(page.locator('.cm-tooltip-lint')).toContainText('Line 3, column 14')
  await screenshotBothThemes(app, 'invalid-json')
})

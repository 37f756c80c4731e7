import { createCertificateAuthority, issueServerCertificate } from '../src/main/core/tls/certificates'
import { startHttpServer, startHttpsServer } from '../src/main/testing/testServer'
import { expect, seedEnvironment, test, type AppFixture } from './harness'

async function setUrl(app: AppFixture, url: string): Promise<void> {
  const editor = app.page.getByTestId('url')
  await editor.click()
  await app.page.keyboard.press('ControlOrMeta+a')
  await app.page.keyboard.insertText(url)
}

async function send(app: AppFixture): Promise<void> {
  await app.page.getByTestId('send').click()
}

test('send a request with {{variables}}, see the response and its traffic entry', async ({ app, testServer }) => {
  const { page } = app
  const id = await seedEnvironment(app, {
    name: 'Local',
    orgUrl: 'https://local.crm.dynamics.com',
    variables: [
      { key: 'base', value: testServer.url },
      { key: 'token', value: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.payload.signature', secret: true }
    ]
  })
  await app.router.invoke('env.setActive', { id })
  await app.open()

  await setUrl(app, '{{base}}/echo?$select=name&$top=3')
  await expect(page.getByTestId('params').locator('input').nth(0)).toHaveValue('$select')
  await expect(page.getByTestId('params').locator('input').nth(3)).toHaveValue('3')

  await page.locator('.sections').getByText('Headers').click()
  const headers = page.getByTestId('headers')
  const ghost = headers.locator('.row.ghost input')
  await ghost.nth(0).fill('Authorization')
  await headers.locator('.row').nth(5).locator('input').nth(1).fill('Bearer {{token}}')

  await page.keyboard.press('ControlOrMeta+Enter')
  await expect(page.getByTestId('response-status')).toHaveText(/200 OK/)
  await expect(page.getByTestId('response-body')).toContainText('"authorization": "Bearer eyJ0eXAi')
  await expect(page.getByTestId('response-body')).toContainText('"url": "/echo?$select=name&$top=3"')
  await expect(page.getByTestId('response-time')).toHaveText(/ms|s/)
  await app.screenshot('request-response')

  await page.getByTestId('nav-traffic').click()
  // Found by its URL: the org's schema may have been fetched (and logged) first.
  const echo = app.services.traffic.list().find((e) => e.url.includes('/echo?'))!
  await expect(page.getByTestId(`traffic-row-${echo.seq}`)).toContainText('/echo?$select=name&$top=3')
  await page.getByTestId(`traffic-row-${echo.seq}`).click()
  await page.getByTestId('inspector').getByText('Request', { exact: true }).click()
  const sent = page.getByTestId('inspector-request-headers')
  await expect(sent).toContainText('Authorization')
  await expect(sent).toContainText('Bearer eyJ0••••••••')
  await expect(sent).not.toContainText('payload.signature')
  await expect(page.getByTestId('masked-note')).toContainText('request header Authorization')
  await app.screenshot('traffic-inspector')

  await page.getByTestId('reveal-secrets').click()
  await expect(sent).toContainText('payload.signature')
})

test('an unknown {{variable}} is highlighted and blocks the send with a clear message', async ({ app }) => {
  const { page } = app
  const id = await seedEnvironment(app, { name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com' })
  await app.router.invoke('env.setActive', { id })
  await app.open()
  await setUrl(app, '{{webApiUrl}}/accounts({{accountId}})')
  await expect(page.getByTestId('unknown-vars')).toContainText('{{accountId}} is not defined in Dev')
  await expect(page.locator('.cm-var-unknown')).toHaveText('{{accountId}}')
  await expect(page.locator('.cm-var-known')).toHaveText('{{webApiUrl}}')
  await send(app)
  // Reported once, in one wording: the notice says the request was not sent; no second box below.
  await expect(page.getByTestId('unknown-vars')).toContainText('Not sent: {{accountId}} is not defined in Dev')
  await expect(page.getByTestId('response-error')).toHaveCount(0)
  await expect(page.getByText(/is not defined/)).toHaveCount(1)
  expect(app.services.traffic.list().filter((e) => e.url.includes('/accounts'))).toEqual([])
  await app.screenshot('unknown-variable')
})

test('a malformed URL gets a clear error and sends nothing', async ({ app }) => {
  await app.open()
  await setUrl(app, 'contoso.crm.dynamics.com/api/data/v9.2/WhoAmI')
  await send(app)
  await expect(app.page.getByTestId('response-error')).toContainText('is not a valid URL. Did you mean https://contoso.crm.dynamics.com/api/data/v9.2/WhoAmI')
  await setUrl(app, 'ftp://files.example.com/x')
  await send(app)
  await expect(app.page.getByTestId('response-error')).toContainText('Only http and https URLs can be sent')
  expect(app.services.traffic.size).toBe(0)
})

test('an invalid JSON body says where it is broken', async ({ app, testServer }) => {
  const { page } = app
  await app.open()
  await page.getByTestId('method').click()
  await page.getByText('POST', { exact: true }).click()
  await setUrl(app, `${testServer.url}/echo`)
  await page.locator('.sections').getByText('Body').click()
  await page.getByTestId('body-editor').click()
  await page.keyboard.insertText('{\n  "name": "Contoso",\n  "revenue": ,\n}')
  // The editor marks the error where it is: line 3, in the gutter and under the text.
  const editor = page.getByTestId('body')
  const marker = editor.locator('.cm-lint-marker-error')
  await expect(marker).toHaveCount(1)
  const line3 = editor.locator('.cm-line').nth(2)
  await expect(line3.locator('.cm-lintRange-error')).toHaveText(',')
  const [m, l] = [(await marker.boundingBox())!, (await line3.boundingBox())!]
  expect(Math.abs(m.y + m.height / 2 - (l.y + l.height / 2)), 'the gutter marker sits on line 3').toBeLessThan(l.height / 2)
  await send(app)
  await expect(page.getByTestId('response-error')).toContainText('The JSON body is not valid at line 3')
  await app.screenshot('invalid-json')
  expect(app.services.traffic.size).toBe(0)
})

test('DNS failure, connection refused and TLS errors are explained', async ({ app }) => {
  const { page } = app
  await app.open()
  await setUrl(app, 'https://no-such-host.invalid/api')
  await send(app)
  await expect(page.getByTestId('response-error')).toContainText('could not be resolved')

  const closed = await startHttpServer()
  await closed.close()
  await setUrl(app, `${closed.url}/json`)
  await send(app)
  await expect(page.getByTestId('response-error')).toContainText('refused the connection')

  const cert = await issueServerCertificate(null, ['127.0.0.1'])
  const tlsServer = await startHttpsServer(cert.certPem, cert.keyPem)
  try {
    await setUrl(app, `${tlsServer.url}/json`)
    await send(app)
    const box = page.getByTestId('response-error')
    await expect(box).toContainText('TLS failed')
    await expect(box).toContainText('not trusted')
    // Words, never the raw code; the message (what to do) first.
    await expect(box).toContainText('TLS / certificate problem')
    await expect(box).not.toContainText('tls_error')
    const [message, kind] = [(await box.getByText('TLS failed').boundingBox())!, (await box.getByText('TLS / certificate problem').boundingBox())!]
    expect(message.y).toBeLessThan(kind.y)
    await app.screenshot('tls-error')
  } finally {
    await tlsServer.close()
  }
  await page.getByTestId('nav-traffic').click()
  await expect(page.getByTestId('traffic-count')).toHaveText('3 of 3')
  await expect(page.getByTestId('traffic-row-3')).toContainText('failed')
})

test('an environment trusts its own CA for TLS, and only that environment', async ({ app }) => {
  const { page } = app
  const ca = await createCertificateAuthority('OrgBench e2e CA')
  const cert = await issueServerCertificate(ca, ['127.0.0.1'])
  const server = await startHttpsServer(cert.certPem, cert.keyPem)
  try {
    const id = await seedEnvironment(app, { name: 'OnPrem', orgUrl: 'https://crm.contoso.local', caCertificatePem: ca.certPem })
    await app.router.invoke('env.setActive', { id })
    await app.open()
    await setUrl(app, `${server.url}/json`)
    await send(app)
    await expect(page.getByTestId('response-status')).toHaveText(/200/)
  } finally {
    await server.close()
  }
})

test('a timeout is reported with the configured limit, and Cancel stops a request', async ({ app, testServer }) => {
  const { page } = app
  await app.router.invoke('settings.update', { requestTimeoutMs: 1000 })
  await app.open()
  await setUrl(app, `${testServer.url}/slow?ms=5000`)
  await send(app)
  await expect(page.getByTestId('response-error')).toContainText('within 1 s')

  await app.router.invoke('settings.update', { requestTimeoutMs: 30000 })
  await send(app)
  await expect(page.getByTestId('cancel')).toBeVisible()
  await page.getByTestId('cancel').click()
  await expect(page.getByTestId('response-error')).toContainText('cancelled')
})

test('a response over the size limit keeps the first part and says so', async ({ app, testServer }) => {
  const { page } = app
  await app.router.invoke('settings.update', { maxResponseBytes: 64 * 1024 })
  await app.open()
  await setUrl(app, `${testServer.url}/big?size=${1024 * 1024}`)
  await send(app)
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('response-truncated')).toContainText('larger than the 64 KB limit')
  await expect(page.getByTestId('response-size')).toHaveText('64 KB')
  await app.screenshot('response-truncated')
})

test('a first token fetch is a sign-in, not a refresh; its entries are shown by name, not by a filter syntax', async ({ sandboxApp }) => {
  const { app, info } = sandboxApp
  const { page } = app
  const { environments } = await app.router.invoke('env.list', {})
  const env = environments.find((e) => e.name === 'Sandbox')!
  await app.router.invoke('env.update', { id: env.id, environment: { ...env, auth: { grant: 'client_credentials', clientId: info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: info.clientSecret } } } as never })
  await app.router.invoke('env.setActive', { id: env.id })
  await app.open()
  await send(app)
  await expect(page.getByTestId('response-status')).toHaveText(/200/)

  await page.getByTestId('nav-traffic').click()
  const token = app.services.traffic.list().find((e) => e.kind === 'token')!
  await page.getByTestId(`traffic-row-${token.seq}`).click()
  const signIn = page.getByTestId('inspector-signin')
  await expect(signIn).toContainText('Part of a sign-in: Client credentials (application user)')
  await expect(signIn).not.toContainText('refresh')
  await expect(signIn).not.toContainText('client_credentials')

  const entries = app.services.traffic.list().filter((e) => e.signInId === token.signInId).length
  await page.getByTestId('show-sign-in').click()
  const chip = page.getByTestId('traffic-sign-in-chip')
  await expect(chip).toContainText('Sign-in: Client credentials (application user) · Sandbox')
  await expect(page.getByTestId('traffic-filter').locator('input')).toHaveValue('')
  await expect(page.getByTestId('traffic-count')).toHaveText(new RegExp(`^${entries} of \\d+$`))
  await app.screenshot('traffic-sign-in-chip')
  await chip.locator('.n-tag__close').click()
  await expect(chip).toHaveCount(0)
  await expect(page.getByTestId('traffic-count')).toHaveText(/^(\d+) of \1$/)
})

test('the traffic list and the inspector are split by a handle: drag it or use the keys, and the size is kept', async ({ app, testServer }) => {
  const { page } = app
  await app.open()
  await setUrl(app, `${testServer.url}/json`)
  await send(app)
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await page.getByTestId('nav-traffic').click()
  await page.getByTestId('traffic-row-1').click()

  const handle = page.getByTestId('traffic-split-handle')
  const list = page.getByTestId('traffic').locator('.list')
  await expect(handle).toHaveAttribute('role', 'separator')
  const before = (await list.boundingBox())!.height
  const box = (await handle.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width / 2, box.y + 150, { steps: 5 })
  await page.mouse.up()
  const dragged = (await list.boundingBox())!.height
  expect(dragged).toBeGreaterThan(before + 120)

  await handle.focus()
  const value = Number(await handle.getAttribute('aria-valuenow'))
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('ArrowUp')
  await expect(handle).toHaveAttribute('aria-valuenow', String(Math.round(value - 4)))
  const kept = await handle.getAttribute('aria-valuenow')

  // After a reload (a restart of the window), the split is where it was left.
  await app.open()
  await page.getByTestId('nav-traffic').click()
  await expect(page.getByTestId('traffic-split-handle')).toHaveAttribute('aria-valuenow', kept!)
})

import type { Page } from '@playwright/test'
import { defaultSeed } from '../src/main/sandbox/seed'
import { expect, screenshotBothThemes, test, type SandboxFixture, withAppProfile, openWithSchema } from './harness'


/** A Web API call made the way the app makes it, for what the test expects (ids of seeded records). */
async function getJson(app: SandboxFixture['app'], environmentId: string, url: string): Promise<Record<string, unknown>> {
  const r = await app.router.invoke('request.send', { requestId: `setup-${Date.now()}`, environmentId, request: { method: 'GET', url, headers: [{ key: 'Accept', value: 'application/json', enabled: true }], body: '' }, auth: { mode: 'inherit' } })
  expect(r.status).toBe(200)
  return JSON.parse(r.body.text) as Record<string, unknown>
}

async function setUrl(page: Page, url: string): Promise<void> {
  await page.getByTestId('url').click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.insertText(url)
}

const FETCH = `<fetch top="5">
  <entity name="account">
    <attribute name="name" />
    <attribute name="revenue" />
    <order attribute="revenue" descending="true" />
    <link-entity name="contact" from="contactid" to="primarycontactid" alias="contact">
      <attribute name="fullname" />
    </link-entity>
  </entity>
</fetch>`

test("a FetchXML query typed in the request's FetchXML section runs on the Sandbox and rows come back", async ({ sandboxApp }) => {
  const { app, page } = await openWithSchema(sandboxApp)
  const sections = page.locator('.sections')
  await sections.getByText('FetchXML').click()
  await page.getByTestId('fetchxml-editor').click()
  await page.keyboard.insertText(FETCH)
  // The URL follows the editor: the entity set of the query's table, the query URL-encoded.
  await expect(page.getByTestId('url')).toContainText('{{webApiUrl}}/accounts?fetchXml=')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  const body = page.getByTestId('response-body')
  await expect(body).toContainText('$metadata#accounts(name,revenue,_transactioncurrencyid_value,transactioncurrencyid,accountid,transactioncurrencyid())')
  await expect(body).toContainText('"contact_x002e_fullname"')
  await expect(body).toContainText('"revenue"')
  await screenshotBothThemes(app, 'sandbox-fetchxml')
})

test('a paging cookie comes back when asked for, and an unknown column is Dataverse\'s error', async ({ sandboxApp }) => {
  const { app, page } = await openWithSchema(sandboxApp)
  await page.locator('.sections').getByText('Headers').click()
  const headers = page.getByTestId('headers')
  await headers.locator('.row.ghost input').nth(0).fill('Prefer')
  await headers.locator('.row:not(.head):not(.ghost)').last().locator('input[aria-label="value"]').fill('odata.include-annotations="*"')
  await page.locator('.sections').getByText('FetchXML').click()
  await page.getByTestId('fetchxml-editor').click()
  await page.keyboard.insertText('<fetch count="3" page="1"><entity name="contact"><attribute name="fullname" /><order attribute="fullname" /></entity></fetch>')
  await expect(page.getByTestId('url')).toContainText('{{webApiUrl}}/contacts?fetchXml=')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('response-body')).toContainText('"@Microsoft.Dynamics.CRM.morerecords": true')
  await expect(page.getByTestId('response-body')).toContainText('"@Microsoft.Dynamics.CRM.fetchxmlpagingcookie": "<cookie pagenumber=\\"2\\" pagingcookie=\\"%253ccookie%2520page%253d%25221%2522%253e')
  const firstPage = (JSON.parse(app.services.traffic.get(app.services.traffic.list().at(-1)!.id)!.responseBody!.text) as { value: { contactid: string }[] }).value.map((r) => r.contactid)
  // Next page: the query sent again with page="2" and the cookie as the server wrote it.
  await page.getByTestId('fetchxml-next-page').click()
  await expect(page.getByTestId('response-body')).toContainText('pagenumber=\\"3\\"')
  const sent = app.services.traffic.list().at(-1)!
  expect(decodeURIComponent(sent.url)).toContain('page="2" paging-cookie="&lt;cookie page=&quot;1&quot;&gt;')
  const secondPage = (JSON.parse(app.services.traffic.get(sent.id)!.responseBody!.text) as { value: { contactid: string }[] }).value.map((r) => r.contactid)
  expect(secondPage).toHaveLength(3)
  expect(secondPage.filter((n) => firstPage.includes(n))).toEqual([])

  await page.getByTestId('fetchxml-editor').click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.insertText('<fetch top="1"><entity name="contact"><attribute name="fulname" /></entity></fetch>')
  await expect(page.getByTestId('url')).toContainText('fulname')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/400/)
  await expect(page.getByTestId('response-body')).toContainText("'contact' entity doesn't contain attribute with Name = 'fulname' and NameMapping = 'Logical'.")
})

test('impersonating a user with the CallerObjectId header changes who WhoAmI answers', async ({ sandboxApp }) => {
  const environmentId = await withAppProfile(sandboxApp)
  const { app } = sandboxApp
  const { page } = app
  const demo = defaultSeed('').users.find((u) => u.upn.startsWith('demo@'))!
  const dana = (await getJson(app, environmentId, `{{webApiUrl}}/systemusers?$select=systemuserid&$filter=azureactivedirectoryobjectid eq ${demo.oid}`)).value as Array<Record<string, unknown>>
  const danaId = String(dana[0]!.systemuserid)
  const appUserId = String((await getJson(app, environmentId, '{{webApiUrl}}/WhoAmI()')).UserId)
  expect(appUserId).not.toBe(danaId)

  await app.open()
  await setUrl(page, '{{webApiUrl}}/WhoAmI()')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-status')).toHaveText(/200/)
  await expect(page.getByTestId('response-body')).toContainText(`"UserId": "${appUserId}"`)

  await page.locator('.sections').getByText('Headers').click()
  const headers = page.getByTestId('headers')
  await headers.locator('.row.ghost input').nth(0).fill('CallerObjectId')
  await headers.locator('.row:not(.head):not(.ghost)').last().locator('input[aria-label="value"]').fill(demo.oid)
  await page.getByTestId('send').click()
  await expect(page.getByTestId('response-body')).toContainText(`"UserId": "${danaId}"`)
  await app.screenshot('sandbox-impersonation-whoami')
})

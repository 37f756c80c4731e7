/**
 * Conformance: FetchXML through the Web API — "Use FetchXml to retrieve data", "Select columns", "Join tables",
 * "Filter rows", "Order rows", "Page results", "Count rows" and "Aggregate data" (powerapps-docs,
 * developer/data-platform/fetchxml/*). Where the 2024 "Page results" article shows `pagenumber="2"` in the cookie
 * of page 2 too, the Sandbox names the next page (3), as the first page's cookie and the SDK sample do.
 */
import { describe, expect, it } from 'vitest'
import { useConformance, type Collection, type Json } from './setup'

const c = useConformance()
const fetchXml = (xml: string, headers?: Record<string, string>, set = 'accounts') => c.get(`/${set}?fetchXml=${encodeURIComponent(xml)}`, headers)
const ok = async (xml: string, headers?: Record<string, string>, set = 'accounts') => {
  const r = await fetchXml(xml, headers, set)
  expect(r.status, r.text.slice(0, 400)).toBe(200)
  return r.json<Collection & Json>()
}
const ALL = { prefer: 'odata.include-annotations="*"' }
const PAGING = { prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.fetchxmlpagingcookie,Microsoft.Dynamics.CRM.morerecords"' }
const error = async (xml: string, set = 'accounts') => {
  const r = await fetchXml(xml, undefined, set)
  expect(r.status, r.text.slice(0, 300)).toBe(400)
  expect(r.headers['content-type']).toBe('application/json; odata.metadata=minimal')
  return r.json<{ error: { code: string; message: string } }>().error
}

describe('retrieve and select', () => {
  it('[fetchxml-retrieve-data] the documented request: top 5 accounts by name, the id and ETag with each', async () => {
    // The article's URL-encoded query, CR LF line ends included.
    const r = await c.get('/accounts?fetchXml=%3Cfetch%20top%3D%275%27%3E%0D%0A%3Centity%20name%3D%27account%27%3E%0D%0A%3Cattribute%20name%3D%27name%27%2F%3E%0D%0A%3C%2Fentity%3E%0D%0A%3C%2Ffetch%3E')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('application/json; odata.metadata=minimal')
    const body = r.json<Collection>()
    expect(body['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#accounts(name,accountid)`)
    expect(body.value).toHaveLength(5)
    for (const row of body.value) expect(Object.keys(row)).toEqual(['@odata.etag', 'name', 'accountid'])
  })

  it('[fetchxml-retrieve-data] properties with null values are left out, unlike OData queries', async () => {
    const body = await ok("<fetch top='3'><entity name='account'><attribute name='name'/><attribute name='description'/></entity></fetch>")
    for (const row of body.value) expect(row).not.toHaveProperty('description')
  })

  it('[fetchxml-select-columns] all-attributes, lookups as _<name>_value, formatted values and lookup annotations', async () => {
    const body = await ok("<fetch top='1'><entity name='contact'><all-attributes/></entity></fetch>", ALL, 'contacts')
    expect(body['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#contacts`)
    const row = body.value[0]!
    expect(row._parentcustomerid_value).toMatch(/^[0-9a-f-]{36}$/)
    expect(row['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('account')
    expect(row['_parentcustomerid_value@OData.Community.Display.V1.FormattedValue']).toEqual(expect.any(String))
    expect(row['statecode@OData.Community.Display.V1.FormattedValue']).toBe('Active')
  })

  it('[fetchxml-select-columns] a money column brings the currency, as in the documented context', async () => {
    const body = await ok("<fetch top='2'><entity name='account'><attribute name='name'/><attribute name='revenue'/></entity></fetch>", ALL)
    expect(body['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#accounts(name,revenue,_transactioncurrencyid_value,transactioncurrencyid,accountid,transactioncurrencyid())`)
    expect(body.value[0]!['revenue@OData.Community.Display.V1.FormattedValue']).toMatch(/^\$[\d,]+\.\d\d$/)
    expect(body.value[0]!._transactioncurrencyid_value).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('join tables', () => {
  it('[fetchxml-join-tables] many-to-one: the primary contact\'s name as <alias>.<column>, written _x002e_ in JSON', async () => {
    const body = await ok("<fetch top='5'><entity name='account'><attribute name='name'/><link-entity name='contact' from='contactid' to='primarycontactid' link-type='inner' alias='contact'><attribute name='fullname'/></link-entity></entity></fetch>", ALL)
    const row = body.value[0]!
    expect(row['contact_x002e_fullname']).toEqual(expect.any(String))
    expect(row['contact_x002e_fullname@OData.Community.Display.V1.AttributeName']).toBe('fullname')
    const account = (await c.get(`/accounts(${String(row.accountid)})?$select=name&$expand=primarycontactid($select=fullname)`)).json()
    expect((account.primarycontactid as Json).fullname).toBe(row['contact_x002e_fullname'])
  })

  it('[fetchxml-join-tables] one-to-many, and the default alias Dataverse generates (<table>1)', async () => {
    const body = await ok("<fetch><entity name='contact'><attribute name='fullname'/><link-entity name='account' from='primarycontactid' to='contactid'><attribute name='name'/></link-entity></entity></fetch>", undefined, 'contacts')
    expect(body.value.length).toBe(Number((await c.get('/accounts/$count')).text))
    expect(body.value[0]!['account1_x002e_name']).toEqual(expect.any(String))
  })

  it('[fetchxml-join-tables] many-to-many through the teammembership intersect table', async () => {
    const body = await ok("<fetch><entity name='systemuser'><attribute name='fullname'/><link-entity name='teammembership' from='systemuserid' to='systemuserid' intersect='true'><link-entity name='team' from='teamid' to='teamid' link-type='inner' alias='team'><attribute name='name'/></link-entity></link-entity></entity></fetch>", undefined, 'systemusers')
    const teams = new Set(body.value.map((r) => r['team_x002e_name']))
    expect(teams.has('Sales')).toBe(true)
    const members = (await c.get("/teams?$filter=name eq 'Sales'&$expand=teammembership_association($select=fullname)")).json<Collection>().value[0]!.teammembership_association as Json[]
    expect(body.value.filter((r) => r['team_x002e_name'] === 'Sales').map((r) => r.fullname).sort()).toEqual(members.map((m) => m.fullname).sort())
  })

  it('[fetchxml-filter-rows] an outer join and a condition on the joined table: accounts without opportunities', async () => {
    const body = await ok("<fetch><entity name='account'><attribute name='name'/><link-entity name='opportunity' from='parentaccountid' to='accountid' link-type='outer' alias='opp'/><filter><condition entityname='opp' attribute='opportunityid' operator='null'/></filter></entity></fetch>")
    const withOpportunities = (await c.get('/accounts?$select=accountid&$filter=opportunity_parent_account/any()')).json<Collection>().value.map((a) => a.accountid)
    expect(body.value.length).toBe(Number((await c.get('/accounts/$count')).text) - withOpportunities.length)
    expect(body.value.some((a) => withOpportunities.includes(a.accountid))).toBe(false)
  })

  it('[fetchxml-join-tables] link-type any in a filter: contacts that are some account\'s primary contact', async () => {
    const body = await ok("<fetch><entity name='contact'><attribute name='fullname'/><filter type='and'><link-entity name='account' from='primarycontactid' to='contactid' link-type='any'/></filter></entity></fetch>", undefined, 'contacts')
    expect(body.value.length).toBe((await c.get('/contacts?$select=contactid&$filter=account_primary_contact/any()')).json<Collection>().value.length)
  })
})

describe('filter and order', () => {
  it('[fetchxml-filter-rows] nested and/or, like, in with <value>, not-null and ge', async () => {
    const xml = `<fetch><entity name='account'><attribute name='name'/><attribute name='industrycode'/><attribute name='revenue'/>
      <filter type='and'><condition attribute='revenue' operator='not-null'/><condition attribute='revenue' operator='ge' value='1000000'/>
        <filter type='or'><condition attribute='name' operator='like' value='Contoso%'/><condition attribute='industrycode' operator='in'><value>12</value><value>19</value></condition></filter>
      </filter></entity></fetch>`
    const body = await ok(xml)
    expect(body.value.length).toBeGreaterThan(0)
    for (const r of body.value) {
      expect(r.revenue as number).toBeGreaterThanOrEqual(1_000_000)
      expect(String(r.name).startsWith('Contoso') || [12, 19].includes(r.industrycode as number)).toBe(true)
    }
    const odata = (await c.get("/accounts?$select=name&$filter=revenue ge 1000000 and (startswith(name,'Contoso') or Microsoft.Dynamics.CRM.In(PropertyName='industrycode',PropertyValues=['12','19']))")).json<Collection>()
    expect(body.value.map((r) => r.accountid).sort()).toEqual(odata.value.map((r) => r.accountid).sort())
  })

  it('[fetchxml-filter-rows] begins-with, between and a lookup compared by GUID', async () => {
    const contact = (await ok("<fetch top='1'><entity name='contact'><attribute name='parentcustomerid'/></entity></fetch>", undefined, 'contacts')).value[0]!
    const byParent = await ok(`<fetch><entity name='contact'><attribute name='fullname'/><filter><condition attribute='parentcustomerid' operator='eq' value='{${String(contact._parentcustomerid_value).toUpperCase()}}'/></filter></entity></fetch>`, undefined, 'contacts')
    expect(byParent.value.map((r) => r.contactid)).toContain(contact.contactid)
    const between = await ok("<fetch><entity name='account'><attribute name='numberofemployees'/><filter><condition attribute='numberofemployees' operator='between'><value>100</value><value>500</value></condition></filter></entity></fetch>")
    for (const r of between.value) expect(r.numberofemployees as number).toBeGreaterThanOrEqual(100)
    for (const r of between.value) expect(r.numberofemployees as number).toBeLessThanOrEqual(500)
    const north = await ok("<fetch><entity name='account'><attribute name='name'/><filter><condition attribute='name' operator='begins-with' value='north'/></filter></entity></fetch>")
    expect(north.value.length).toBeGreaterThan(0)
    for (const r of north.value) expect(String(r.name).toLowerCase().startsWith('north')).toBe(true)
  })

  it('[fetchxml-filter-rows] eq-userid: the records the calling user owns', async () => {
    const me = String((await c.get('/WhoAmI')).json().UserId)
    const created = (await c.send('POST', '/accounts', { name: 'Owned by the app user' }, { prefer: 'return=representation' })).json()
    const mine = await ok("<fetch><entity name='account'><attribute name='name'/><attribute name='ownerid'/><filter><condition attribute='ownerid' operator='eq-userid'/></filter></entity></fetch>")
    expect(mine.value.map((r) => r.accountid)).toContain(created.accountid)
    for (const r of mine.value) expect(r._ownerid_value).toBe(me)
  })

  it('[fetchxml-order-rows] descending order, and a choice column ordered by its label', async () => {
    const body = await ok("<fetch top='20'><entity name='account'><attribute name='name'/><order attribute='name' descending='true'/></entity></fetch>")
    const names = body.value.map((r) => String(r.name))
    expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a, 'en', { sensitivity: 'base' })))
    const byIndustry = await ok("<fetch><entity name='account'><attribute name='industrycode'/><order attribute='industrycode'/></entity></fetch>", ALL)
    // Nulls come first, as SQL Server orders them; then the labels in order.
    const rows = byIndustry.value.map((r) => r['industrycode@OData.Community.Display.V1.FormattedValue'] as string | undefined)
    const labels = rows.filter((l): l is string => l !== undefined)
    expect(rows.slice(0, rows.length - labels.length).every((l) => l === undefined)).toBe(true)
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })))
  })
})

describe('page and count', () => {
  const contactsXml = (page: number, cookie?: string) =>
    `<fetch count='3' page='${page}'${cookie ? ` paging-cookie='${cookie.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;')}'` : ''}><entity name='contact'><attribute name='fullname'/><attribute name='jobtitle'/><order descending='true' attribute='fullname'/></entity></fetch>`

  it('[fetchxml-page-results] first page: morerecords and a paging cookie whose pagingcookie is URL-encoded twice', async () => {
    const r = await fetchXml(contactsXml(1), PAGING, 'contacts')
    expect(r.headers['preference-applied']).toBe('odata.include-annotations="Microsoft.Dynamics.CRM.fetchxmlpagingcookie,Microsoft.Dynamics.CRM.morerecords"')
    const body = r.json<Collection & Json>()
    expect(body.value).toHaveLength(3)
    expect(body['@Microsoft.Dynamics.CRM.morerecords']).toBe(true)
    const cookie = String(body['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'])
    expect(cookie).toMatch(/^<cookie pagenumber="2" pagingcookie="%253ccookie%2520page%253d%25221%2522%253e%253cfullname%2520last%253d%2522.+%253ccontactid%2520last%253d%2522%257b[0-9A-F-]{36}%257d%2522%2520first%253d%2522%257b[0-9A-F-]{36}%257d%2522%2520%252f%253e%253c%252fcookie%253e" istracking="False" \/>$/)
    const inner = decodeURIComponent(decodeURIComponent(/pagingcookie="([^"]+)"/.exec(cookie)![1]!))
    expect(inner).toBe(`<cookie page="1"><fullname last="${String(body.value[2]!.fullname)}" first="${String(body.value[0]!.fullname)}" /><contactid last="{${String(body.value[2]!.contactid).toUpperCase()}}" first="{${String(body.value[0]!.contactid).toUpperCase()}}" /></cookie>`)
  })

  it('[fetchxml-page-results] following pages with the cookie, and the last page without the annotations', async () => {
    const total = Number((await c.get('/contacts/$count')).text)
    const seen: unknown[] = []
    let cookie: string | undefined
    for (let page = 1; ; page++) {
      const body = await ok(contactsXml(page, cookie), PAGING, 'contacts')
      seen.push(...body.value.map((r) => r.contactid))
      if (!body['@Microsoft.Dynamics.CRM.morerecords']) {
        expect(body['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie']).toBeUndefined()
        break
      }
      cookie = decodeURIComponent(decodeURIComponent(/pagingcookie="([^"]+)"/.exec(String(body['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie']))![1]!))
      expect(page).toBeLessThan(200)
    }
    expect(seen).toHaveLength(total)
    expect(new Set(seen).size).toBe(total)
  })

  it('[fetchxml-page-results] a paging cookie from another page is refused', async () => {
    const e = await error(contactsXml(3, '<cookie page="1"><contactid last="{00000000-0000-0000-0000-000000000000}" first="{00000000-0000-0000-0000-000000000000}" /></cookie>'), 'contacts')
    expect(e).toEqual({ code: '0x8004112A', message: 'Invalid page number in paging cookie.' })
  })

  it('[fetchxml-count-rows] returntotalrecordcount, or $count=true: @odata.count and the total record count annotations', async () => {
    const total = Number((await c.get('/contacts/$count')).text)
    const body = await ok("<fetch count='2' returntotalrecordcount='true'><entity name='contact'><attribute name='fullname'/></entity></fetch>", { prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.totalrecordcount,Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"' }, 'contacts')
    expect(body['@odata.count']).toBe(total)
    expect(body['@Microsoft.Dynamics.CRM.totalrecordcount']).toBe(total)
    expect(body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']).toBe(false)
    expect(body.value).toHaveLength(2)
    const r = await c.get(`/contacts?fetchXml=${encodeURIComponent("<fetch count='2'><entity name='contact'><attribute name='fullname'/></entity></fetch>")}&$count=true`)
    expect(r.json()['@odata.count']).toBe(total)
  })
})

describe('aggregate', () => {
  it('[fetchxml-aggregate-data] count, countcolumn, sum, avg, min and max over a table', async () => {
    const body = await ok(`<fetch aggregate='true'><entity name='account'>
      <attribute name='numberofemployees' alias='Average' aggregate='avg'/><attribute name='numberofemployees' alias='Count' aggregate='count'/>
      <attribute name='numberofemployees' alias='ColumnCount' aggregate='countcolumn'/><attribute name='numberofemployees' alias='Maximum' aggregate='max'/>
      <attribute name='numberofemployees' alias='Minimum' aggregate='min'/><attribute name='numberofemployees' alias='Sum' aggregate='sum'/></entity></fetch>`, ALL)
    const employees = (await c.get('/accounts?$select=numberofemployees')).json<Collection>().value.map((r) => r.numberofemployees as number | null).filter((n): n is number => n !== null)
    const sum = employees.reduce((s, n) => s + n, 0)
    expect(body.value).toEqual([
      expect.objectContaining({ Average: Math.trunc(sum / employees.length), Count: Number((await c.get('/accounts/$count')).text), ColumnCount: employees.length, Maximum: Math.max(...employees), Minimum: Math.min(...employees), Sum: sum, 'Sum@OData.Community.Display.V1.FormattedValue': new Intl.NumberFormat('en-US').format(sum) })
    ])
    expect(body.value[0]).not.toHaveProperty('@odata.etag')
  })

  it('[fetchxml-aggregate-data] groupby with an order on the group alias, formatted choice labels', async () => {
    const body = await ok("<fetch aggregate='true'><entity name='opportunity'><attribute name='estimatedvalue' alias='Total' aggregate='sum'/><attribute name='opportunityid' alias='Count' aggregate='count'/><attribute name='statecode' alias='State' groupby='true'/><order alias='State'/></entity></fetch>", ALL, 'opportunities')
    expect(body.value.map((r) => r.State)).toEqual([0, 1, 2])
    expect(body.value.map((r) => r['State@OData.Community.Display.V1.FormattedValue'])).toEqual(['Open', 'Won', 'Lost'])
    const counts = await Promise.all([0, 1, 2].map(async (s) => Number((await c.get(`/opportunities/$count?$filter=statecode eq ${s}`)).text)))
    expect(body.value.map((r) => r.Count)).toEqual(counts)
  })

  it('[fetchxml-aggregate-data] an aggregate without an alias, or a plain attribute in an aggregate query, are errors', async () => {
    expect(await error("<fetch aggregate='true'><entity name='account'><attribute name='revenue' aggregate='sum'/></entity></fetch>")).toEqual({ code: '0x80041109', message: 'Invalid alias for aggregate operation.' })
    expect(await error("<fetch aggregate='true'><entity name='account'><attribute name='name'/></entity></fetch>")).toEqual({ code: '0x80041107', message: 'Attributes can not be returned when aggregate operation is specified.' })
    expect(await error("<fetch aggregate='true'><entity name='account'><attribute name='name' alias='n' aggregate='sum'/></entity></fetch>")).toEqual({ code: '0x8004112F', message: 'Aggregate sum is not supported for attribute of type String.' })
  })
})

describe('errors', () => {
  it('[web-service-error-codes] malformed FetchXML is Invalid XML (0x80040201)', async () => {
    expect(await error("<fetch><entity name='account'><attribute name='name'></entity></fetch>")).toEqual({ code: '0x80040201', message: 'Invalid XML.' })
  })

  it('[web-service-error-codes] an unknown column: QueryBuilderNoAttribute, worded as Dataverse words it', async () => {
    expect(await error("<fetch><entity name='account'><attribute name='nmae'/></entity></fetch>")).toEqual({ code: '0x80041103', message: "'account' entity doesn't contain attribute with Name = 'nmae' and NameMapping = 'Logical'." })
    expect((await error("<fetch><entity name='account'><filter><condition attribute='revenu' operator='gt' value='1'/></filter></entity></fetch>")).code).toBe('0x80041103')
  })

  it('[web-service-error-codes] an unknown table, a table other than the entity set\'s, an unknown operator and a bad value', async () => {
    expect(await error("<fetch><entity name='acount'/></fetch>")).toEqual({ code: '0x80041102', message: "The entity with a name = 'acount' with namemapping = 'Logical' was not found in the MetadataCache." })
    expect((await error("<fetch><entity name='contact'/></fetch>")).code).toBe('0x80041128')
    expect((await error("<fetch><entity name='account'><filter><condition attribute='name' operator='equals' value='x'/></filter></entity></fetch>")).code).toBe('0x80041120')
    expect((await error("<fetch><entity name='account'><filter><condition attribute='numberofemployees' operator='gt' value='many'/></filter></entity></fetch>")).message).toBe("An exception System.FormatException was thrown while trying to convert input value 'many' to attribute 'numberofemployees'. Expected type of attribute value: System.Int32. Exception raised: Input string was not in a correct format.")
    expect((await error("<fetch><entity name='account'><link-entity name='contact' from='contactid' to='primarycontactid' link-type='sideways'/></entity></fetch>")).code).toBe('0x80041117')
  })

  it('[compose-http-requests-handle-errors] fetchXml with OData query options is refused; on a related collection it is a 400', async () => {
    const r = await c.get(`/accounts?fetchXml=${encodeURIComponent("<fetch><entity name='account'/></fetch>")}&$select=name`)
    expect(r.status).toBe(400)
    const first = (await c.get('/accounts?$select=accountid&$top=1')).json<Collection>().value[0]!
    expect((await c.get(`/accounts(${String(first.accountid)})/contact_customer_accounts?fetchXml=${encodeURIComponent("<fetch><entity name='contact'/></fetch>")}`)).status).toBe(400)
  })

  it('[fetchxml-retrieve-data] inside a $batch request, where a long query fits', async () => {
    const xml = `<fetch top='2'><entity name='account'><attribute name='name'/><filter type='or'>${Array.from({ length: 400 }, (_, i) => `<condition attribute='accountnumber' operator='ne' value='AC-X${i}'/>`).join('')}</filter></entity></fetch>`
    expect(`/accounts?fetchXml=${encodeURIComponent(xml)}`.length).toBeGreaterThan(32_768)
    const body = ['--batch_fx', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', `GET ${c.sb.info.webApiUrl}/accounts?fetchXml=${encodeURIComponent(xml)} HTTP/1.1`, 'Accept: application/json', '', '--batch_fx--', ''].join('\r\n')
    const r = await c.sb.send('POST', `${c.sb.info.webApiUrl}/$batch`, { headers: { authorization: `Bearer ${c.token}`, 'content-type': 'multipart/mixed; boundary=batch_fx' }, body })
    expect(r.status).toBe(200)
    expect(r.text).toContain('HTTP/1.1 200 OK')
    expect(JSON.parse(r.text.slice(r.text.indexOf('{'), r.text.lastIndexOf('}') + 1)).value).toHaveLength(2)
  })
})

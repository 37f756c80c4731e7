/**
 * Conformance: the requests Microsoft's query articles show (powerapps-docs, developer/data-platform/webapi/query/*,
 * query-data-web-api, use-web-api-functions), sent to the Sandbox and compared with the documented status, headers and
 * body shapes. Each case names its article. Where an article's sample names a table the Sandbox does not have
 * (emails, opportunities) the same request is made against one it has (tasks, contacts).
 */
import { describe, expect, it } from 'vitest'
import { useConformance, type Collection, type Json } from './setup'

const c = useConformance()
const list = async (path: string, headers?: Record<string, string>) => {
  const r = await c.get(path, headers)
  expect(r.status, r.text.slice(0, 300)).toBe(200)
  return r.json<Collection>()
}

describe('query data', () => {
  it('[query-data-web-api] $select and $top: the first three accounts, ETag, selected column and key', async () => {
    const r = await c.get('/accounts?$select=name&$top=3')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('application/json; odata.metadata=minimal')
    expect(r.headers['odata-version']).toBe('4.0')
    const body = r.json<Collection>()
    expect(body['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#accounts(name)`)
    expect(body.value).toHaveLength(3)
    for (const row of body.value) expect(Object.keys(row)).toEqual(['@odata.etag', 'name', 'accountid'])
  })

  it('[compose-http-requests-handle-errors] the service document lists the entity sets', async () => {
    const body = await list('/')
    expect(body.value).toEqual(expect.arrayContaining([{ name: 'accounts', kind: 'EntitySet', url: 'accounts' }, { name: 'EntityDefinitions', kind: 'EntitySet', url: 'EntityDefinitions' }]))
  })
})

describe('select columns', () => {
  it('[select-columns] a money column brings _transactioncurrencyid_value, then the key', async () => {
    const body = await list('/accounts?$select=name,revenue&$top=1')
    expect(body['@odata.context']).toMatch(/\$metadata#accounts\(name,revenue\)$/)
    expect(Object.keys(body.value[0]!)).toEqual(['@odata.etag', 'name', 'revenue', '_transactioncurrencyid_value', 'accountid'])
  })

  it('[select-columns] formatted values: currency, lookup name, date in the user\'s format', async () => {
    const r = await c.get('/accounts?$select=name,revenue,_primarycontactid_value,industrycode,modifiedon&$top=1', { prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' })
    expect(r.headers['preference-applied']).toBe('odata.include-annotations="OData.Community.Display.V1.FormattedValue"')
    const row = r.json<Collection>().value[0]!
    expect(row['revenue@OData.Community.Display.V1.FormattedValue']).toMatch(/^\$[\d,]+\.\d\d$/)
    expect(row['_primarycontactid_value@OData.Community.Display.V1.FormattedValue']).toEqual(expect.any(String))
    expect(row['modifiedon@OData.Community.Display.V1.FormattedValue']).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d (AM|PM)$/)
    expect(row['_transactioncurrencyid_value@OData.Community.Display.V1.FormattedValue']).toBe('US Dollar')
    expect(Object.keys(row).indexOf('revenue@OData.Community.Display.V1.FormattedValue')).toBe(Object.keys(row).indexOf('revenue') - 1)
  })

  it('[select-columns] lookup property data: associatednavigationproperty and lookuplogicalname', async () => {
    const prefer = 'odata.include-annotations="Microsoft.Dynamics.CRM.associatednavigationproperty,Microsoft.Dynamics.CRM.lookuplogicalname"'
    const r = await c.get('/accounts?$select=name,_ownerid_value&$top=2', { prefer })
    expect(r.headers['preference-applied']).toBe(prefer)
    for (const row of r.json<Collection>().value) {
      expect(row).toMatchObject({ '_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'ownerid', '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'systemuser' })
      expect(row['_ownerid_value@OData.Community.Display.V1.FormattedValue']).toBeUndefined()
    }
  })

  it('[web-api-client-errors] an unknown property in $select: 400, code 0x0', async () => {
    const r = await c.get('/accounts?$select=Name')
    expect(r.status).toBe(400)
    expect(r.headers['content-type']).toBe('application/json; odata.metadata=minimal')
    expect(r.json()).toEqual({ error: { code: '0x0', message: "Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.account'." } })
  })
})

describe('filter rows', () => {
  const all = async () => (await list('/accounts?$select=name,revenue,numberofemployees')).value
  it.each([
    ['eq', (v: number) => v === 100000],
    ['ne', (v: number) => v !== 100000],
    ['gt', (v: number) => v > 100000],
    ['ge', (v: number) => v >= 100000],
    ['lt', (v: number) => v < 100000],
    ['le', (v: number) => v <= 100000]
  ])('[filter-rows] comparison operator %s: $filter=revenue %s 100000', async (op, test) => {
    const rows = (await list(`/accounts?$select=name,revenue&$filter=revenue ${op} 100000`)).value
    const expected = (await all()).filter((r) => r.revenue !== null && test(r.revenue as number))
    expect(rows.map((r) => r.accountid)).toEqual(expected.map((r) => r.accountid))
  })

  it('[filter-rows] column comparison: contacts whose firstname equals their lastname', async () => {
    await c.send('POST', '/contacts', { firstname: 'Same', lastname: 'Same' })
    const rows = (await list('/contacts?$select=fullname,firstname,lastname&$filter=firstname eq lastname')).value
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(String(r.firstname).toLowerCase()).toBe(String(r.lastname).toLowerCase())
  })

  it('[filter-rows] logical operators and, or, not and grouping', async () => {
    const every = await all()
    const between = (await list('/accounts?$select=revenue&$filter=revenue lt 100000 and revenue gt 2000')).value
    expect(between.length).toBe(every.filter((r) => (r.revenue as number) < 100000 && (r.revenue as number) > 2000).length)
    const either = (await list("/accounts?$select=name&$filter=contains(name,'coffee') or contains(name,'winery')")).value
    expect(either.length).toBe(every.filter((r) => /coffee|winery/i.test(String(r.name))).length)
    const not = (await list("/accounts?$select=name&$filter=not contains(name,'coffee')")).value
    expect(not.length).toBe(every.filter((r) => !/coffee/i.test(String(r.name))).length)
    const grouped = (await list("/accounts?$select=name,revenue&$filter=(contains(name,'coffee') or contains(name,'winery')) and revenue gt 5000")).value
    expect(grouped.length).toBe(every.filter((r) => /coffee|winery/i.test(String(r.name)) && (r.revenue as number) > 5000).length)
  })

  it('[filter-rows] the Between query function: accounts with 5 to 2,000 employees', async () => {
    const rows = (await list('/accounts?$select=name,numberofemployees&$filter=Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["5","2000"])')).value
    expect(rows.length).toBe((await all()).filter((r) => (r.numberofemployees as number) >= 5 && (r.numberofemployees as number) <= 2000).length)
  })

  it('[filter-rows] manage single quotes: In with parameter aliases and double-quoted values', async () => {
    const rows = (await list(`/contacts?$select=fullname,lastname&$filter=Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1='lastname'&@p2=${encodeURIComponent('["OBrian","OBryan","O\'Brian","O\'Brien"]')}`)).value
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(["O'Brien", 'OBrian', 'OBryan', "O'Brian"]).toContain(r.lastname)
    const bad = await c.get(`/contacts?$select=fullname&$filter=Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1='lastname'&@p2=${encodeURIComponent("['OBrian','O'Brian']")}`)
    expect(bad.status).toBe(400)
    expect(bad.json<{ error: { message: string } }>().error.message).toBe("Invalid JSON. A comma character ',' was expected in scope 'Array'. Every two elements in an array and properties of an object must be separated by commas.")
  })

  it('[filter-rows] manage single quotes: two quotes in a literal, and the unterminated-literal error', async () => {
    expect((await list(`/contacts?$select=fullname&$filter=${encodeURIComponent("lastname eq 'O''Brien'")}`)).value.length).toBeGreaterThan(0)
    const bad = await c.get(`/contacts?$select=fullname&$filter=${encodeURIComponent("lastname eq 'O'Bryan'")}`)
    expect(bad.json()).toEqual({ error: { code: '0x80060888', message: "There is an unterminated literal at position 21 in 'lastname eq 'O'Bryan''." } })
  })

  it('[filter-rows] filter on a lookup column\'s related value, with the formatted lookup name', async () => {
    const first = (await list('/accounts?$select=name&$expand=primarycontactid($select=fullname)&$top=1')).value[0]!
    const name = (first.primarycontactid as Json).fullname as string
    const r = await c.get(`/accounts?$filter=${encodeURIComponent(`primarycontactid/fullname eq '${name.replace(/'/g, "''")}'`)}&$select=name,_primarycontactid_value`, { prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' })
    const body = r.json<Collection>()
    expect(body['@odata.context']).toMatch(/#accounts\(name,_primarycontactid_value\)$/)
    expect(body.value.every((v) => v['_primarycontactid_value@OData.Community.Display.V1.FormattedValue'] === name)).toBe(true)
  })

  it('[filter-rows] values further up the lookup chain, with a nested $expand of single-valued navigation', async () => {
    const user = (await list('/systemusers?$select=fullname&$filter=applicationid eq null&$top=1')).value[0]!
    const body = await list(`/accounts?$filter=${encodeURIComponent(`primarycontactid/createdby/fullname eq '${String(user.fullname).replace(/'/g, "''")}'`)}&$select=name,_primarycontactid_value&$expand=primarycontactid($select=fullname,_createdby_value;$expand=createdby($select=fullname))&$top=1`)
    expect(body['@odata.context']).toMatch(/#accounts\(name,_primarycontactid_value,primarycontactid\(fullname,_createdby_value,createdby\(fullname\)\)\)$/)
    const contact = body.value[0]!.primarycontactid as Json
    expect(contact['@odata.etag']).toBeUndefined()
    expect((contact.createdby as Json).fullname).toBe(user.fullname)
  })

  it('[filter-rows] lambda any: accounts with at least one task whose subject contains a text', async () => {
    const rows = (await list("/accounts?$select=name&$filter=Account_Tasks/any(t:contains(t/subject,'Task 2'))&$expand=Account_Tasks($select=subject)")).value
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect((r.Account_Tasks as Json[]).some((t) => String(t.subject).includes('Task 2'))).toBe(true)
  })

  it('[filter-rows] lambda all: accounts whose tasks are all closed (and any() without an argument)', async () => {
    const rows = (await list('/accounts?$select=name&$filter=Account_Tasks/any() and Account_Tasks/all(t:t/statecode eq 1)&$expand=Account_Tasks($select=statecode)')).value
    for (const r of rows) {
      expect((r.Account_Tasks as Json[]).length).toBeGreaterThan(0)
      expect((r.Account_Tasks as Json[]).every((t) => t.statecode === 1)).toBe(true)
    }
  })

  it('[filter-rows] nested any and all with another condition', async () => {
    const rows = (await list("/accounts?$select=name&$filter=(contact_customer_accounts/any(c:c/jobtitle ne 'none' and c/Contact_Tasks/all(o:o/description ne 'N/A'))) and endswith(name,'Ltd')")).value
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((r) => String(r.name).endsWith('Ltd'))).toBe(true)
  })

  it('[filter-rows] a collection nested in a lookup cannot be filtered with any/all', async () => {
    const r = await c.get('/accounts?$select=name&$filter=primarycontactid/Contact_Tasks/any(a:a/statecode eq 0)')
    expect(r.status).toBe(400)
  })

  it('[filter-rows] wildcard characters in contains, as Dataverse passes them to SQL', async () => {
    const plain = (await list("/accounts?$select=name&$filter=contains(name,'Coffee')")).value
    const wild = (await list("/accounts?$select=name&$filter=contains(name,'C_ffee')")).value
    expect(wild.map((r) => r.accountid)).toEqual(plain.map((r) => r.accountid))
    const range = (await list("/accounts?$select=name&$filter=startswith(name,'[CF]%25')")).value
    expect(range.length).toBeGreaterThan(0)
    expect(range.every((r) => /^[CF]/i.test(String(r.name)))).toBe(true)
  })

  it('[filter-rows] a lookup filter and the filtered collection return the same rows', async () => {
    const owner = (await list('/accounts?$select=_owninguser_value&$top=1')).value[0]!._owninguser_value as string
    const byLookup = (await list(`/accounts?$filter=_owninguser_value eq '${owner}'&$select=name`)).value
    const byCollection = (await list(`/systemusers(${owner})/user_accounts?$select=name`)).value
    expect(byLookup.map((r) => r.accountid).sort()).toEqual(byCollection.map((r) => r.accountid).sort())
  })
})

describe('query functions', () => {
  it('[use-web-api-functions] LastXHours with parameter aliases finds an account modified just now', async () => {
    await c.send('POST', '/accounts', { name: 'Modified in the last hours' })
    const rows = (await list("/accounts?$select=name,accountnumber&$filter=Microsoft.Dynamics.CRM.LastXHours(PropertyName=@p1,PropertyValue=@p2)&@p1='modifiedon'&@p2=12")).value
    expect(rows.map((r) => r.name)).toContain('Modified in the last hours')
  })

  it('[use-web-api-functions] not with a query function fails; the negated function works', async () => {
    const bad = await c.get("/systemusers?$select=fullname,systemuserid&$filter=not Microsoft.Dynamics.CRM.EqualUserId(PropertyName=@p1)&@p1='systemuserid'")
    expect(bad.status).toBe(400)
    expect(bad.json<{ error: { message: string } }>().error.message).toBe('Not operator along with the Custom Named Condition operators is not allowed')
    const me = (await c.get('/WhoAmI')).json().UserId
    const others = (await list("/systemusers?$select=fullname,systemuserid&$filter=Microsoft.Dynamics.CRM.NotEqualUserId(PropertyName=@p1)&@p1='systemuserid'")).value
    expect(others.length).toBeGreaterThan(0)
    expect(others.map((u) => u.systemuserid)).not.toContain(me)
    const mine = (await list("/systemusers?$select=systemuserid&$filter=Microsoft.Dynamics.CRM.EqualUserId(PropertyName=@p1)&@p1='systemuserid'")).value
    expect(mine.map((u) => u.systemuserid)).toEqual([me])
  })

  it('[use-web-api-functions] OlderThanXDays instead of not Last7Days', async () => {
    const old = (await list("/accounts?$select=name,createdon&$filter=Microsoft.Dynamics.CRM.OlderThanXDays(PropertyName=@p1,PropertyValue=@p2)&@p1='createdon'&@p2=7")).value
    expect(old.length).toBeGreaterThanOrEqual(120)
    expect(old.every((r) => Date.parse(String(r.createdon)) < Date.now() - 7 * 86_400_000)).toBe(true)
  })
})

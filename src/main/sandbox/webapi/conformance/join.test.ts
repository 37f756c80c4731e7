/**
 * Conformance: "Join tables using OData" and "Retrieve related table records with a query" (powerapps-docs,
 * developer/data-platform/webapi). The articles' task and contact samples run against the Sandbox's seeded tasks.
 */
import { describe, expect, it } from 'vitest'
import { useConformance, type Collection, type Json } from './setup'

const c = useConformance()
const list = async (path: string, headers?: Record<string, string>) => {
  const r = await c.get(path, headers)
  expect(r.status, r.text.slice(0, 300)).toBe(200)
  return r
}
/** The first account with tasks: the seed gives the first thirty accounts one to three tasks each. */
const withTasks = "&$filter=Account_Tasks/any(t:t/statecode ge 0) and startswith(name,'Contoso')"

describe('join tables', () => {
  it('[join-tables] limit columns with $select in each $expand; collections get a nextLink without paging', async () => {
    const r = await list(`/accounts?$select=name&$expand=primarycontactid($select=fullname),Account_Tasks($select=subject)${withTasks}`, { prefer: 'odata.maxpagesize=1', 'if-none-match': 'null' })
    expect(r.headers['preference-applied']).toBe('odata.maxpagesize=1')
    const body = r.json<Collection>()
    expect(body['@odata.context']).toMatch(/#accounts\(name,primarycontactid\(fullname\),Account_Tasks\(subject\)\)$/)
    const row = body.value[0]!
    expect(Object.keys(row)).toEqual(['@odata.etag', 'name', 'accountid', 'primarycontactid', 'Account_Tasks', 'Account_Tasks@odata.nextLink'])
    expect(Object.keys(row.primarycontactid as Json)).toEqual(['fullname', 'contactid'])
    for (const task of row.Account_Tasks as Json[]) expect(Object.keys(task)).toEqual(['@odata.etag', 'subject', '_regardingobjectid_value', 'activityid'])
    expect(row['Account_Tasks@odata.nextLink']).toBe(`${c.sb.info.webApiUrl}/accounts(${String(row.accountid)})/Account_Tasks?$select=subject`)
  })

  it('[join-tables] the expanded collection\'s nextLink returns the same rows', async () => {
    const row = (await list(`/accounts?$select=name&$expand=Account_Tasks($select=subject)${withTasks}&$top=1`)).json<Collection>().value[0]!
    const again = (await list(String(row['Account_Tasks@odata.nextLink']))).json<Collection>().value
    expect(again.map((t) => t.activityid)).toEqual((row.Account_Tasks as Json[]).map((t) => t.activityid))
  })

  it('[join-tables] expand single-valued navigation properties', async () => {
    const body = (await list('/accounts?$select=name&$expand=primarycontactid($select=contactid,fullname),createdby($select=fullname)', { prefer: 'odata.maxpagesize=2' })).json<Collection>()
    expect(body['@odata.context']).toMatch(/#accounts\(name,primarycontactid\(contactid,fullname\),createdby\(fullname\)\)$/)
    expect(body.value).toHaveLength(2)
    expect(Object.keys(body.value[0]!.createdby as Json)).toEqual(['fullname', 'systemuserid'])
  })

  it('[join-tables] return references with /$ref', async () => {
    const body = (await list('/accounts?$select=name&$expand=primarycontactid/$ref&$top=2')).json<Collection>()
    expect(body['@odata.context']).toMatch(/#accounts\(name,primarycontactid,primarycontactid\/\$ref\(\)\)$/)
    const row = body.value[0]!
    expect(row.primarycontactid).toEqual({ '@odata.id': `${c.sb.info.webApiUrl}/contacts(${String(row._primarycontactid_value)})` })
  })

  it('[join-tables] /$ref on a collection-valued navigation property is an error', async () => {
    const r = await c.get('/accounts?$select=name&$expand=Account_Tasks/$ref')
    expect(r.status).toBe(400)
    expect(r.json()).toEqual({ error: { code: '0x80060888', message: 'Expand with $ref is only supported on lookup type navigation property.' } })
  })

  it('[join-tables] nested expand of single-valued navigation properties', async () => {
    const body = (await list('/tasks?$select=subject&$expand=regardingobjectid_account_task($select=name;$expand=primarycontactid($select=fullname;$expand=createdby($select=fullname)))', { prefer: 'odata.maxpagesize=2' })).json<Collection>()
    expect(body['@odata.context']).toMatch(/#tasks\(subject,regardingobjectid_account_task\(name,primarycontactid\(fullname,createdby\(fullname\)\)\)\)$/)
    const account = body.value[0]!.regardingobjectid_account_task as Json
    expect(((account.primarycontactid as Json).createdby as Json).systemuserid).toEqual(expect.any(String))
    expect(body['@odata.nextLink']).toMatch(/pagingcookie=%22%253ccookie%2520page%253d%25221%2522%253e%253cactivityid%2520last/)
  })

  it('[join-tables] single $expand of collections: no paging on expanded rows', async () => {
    const row = (await list(`/accounts?$select=name,accountid&$expand=Account_Tasks($select=subject),contact_customer_accounts($select=fullname)${withTasks}&$orderby=name desc`, { prefer: 'odata.maxpagesize=1' })).json<Collection>().value[0]!
    const tasks = (await list(`/accounts(${String(row.accountid)})/Account_Tasks/$count`)).text
    expect((row.Account_Tasks as Json[]).length).toBe(Number(tasks))
    expect(row['contact_customer_accounts@odata.nextLink']).toBe(`${c.sb.info.webApiUrl}/accounts(${String(row.accountid)})/contact_customer_accounts?$select=fullname`)
  })

  it('[join-tables] nested $expand on collections: each expanded collection is paged, without ETags', async () => {
    const r = await list("/accounts?$select=name,accountid&$expand=Account_Tasks($select=subject),contact_customer_accounts($select=fullname;$expand=owninguser($select=fullname))&$filter=startswith(name,'Contoso') and Account_Tasks/any(t:startswith(t/subject,'Task 2'))", { prefer: 'odata.maxpagesize=1' })
    const row = r.json<Collection>().value[0]!
    expect(row.Account_Tasks as Json[]).toHaveLength(1)
    expect(Object.keys((row.Account_Tasks as Json[])[0]!)).toEqual(['subject', 'activityid'])
    expect(row['Account_Tasks@odata.nextLink']).toMatch(/\/Account_Tasks\?\$select=subject&\$skiptoken=%3Ccookie%20pagenumber=%222%22%20pagingcookie=%22%253ccookie%2520page%253d%25221%2522%2520countOfRecords%253d%25221%2522%253e%253cactivityid%2520last%253d%2522%257b[0-9a-f-]{36}%257d/)
    const contact = (row.contact_customer_accounts as Json[])[0]!
    expect(Object.keys(contact)).toEqual(['fullname', 'contactid', 'owninguser'])
  })

  it('[join-tables] $top or $orderby with a nested $expand is refused with Dataverse\'s message', async () => {
    const r = await c.get('/accounts?$select=name&$expand=Account_Tasks($select=subject;$top=1),contact_customer_accounts($select=fullname;$expand=owninguser($select=fullname))')
    expect(r.status).toBe(400)
    expect(r.json()).toEqual({ error: { code: '0x80060888', message: 'Only $select and $filter clause can be provided while doing $expand on many-to-one relationship or nested one-to-many relationship.' } })
  })

  it('[join-tables] $filter and $orderby inside a single $expand of a collection', async () => {
    const row = (await list(`/accounts?$select=name&$expand=Account_Tasks($select=subject;$filter=contains(subject,'Task');$orderby=createdon desc)${withTasks}&$top=1`)).json<Collection>().value[0]!
    expect((row.Account_Tasks as Json[]).length).toBeGreaterThan(0)
  })

  it('[join-tables] up to 15 $expand options in a query', async () => {
    const sixteen = Array.from({ length: 16 }, () => 'primarycontactid($select=fullname)').join(',')
    expect((await c.get(`/accounts?$select=name&$expand=${sixteen}`)).status).toBe(400)
  })
})

describe('retrieve related records', () => {
  it('[retrieve-related-entities-query] a collection-valued navigation property as a filtered collection', async () => {
    const account = (await list(`/accounts?$select=name${withTasks}&$top=1`)).json<Collection>().value[0]!
    const body = (await list(`/accounts(${String(account.accountid)})/Account_Tasks?$select=subject`)).json<Collection>()
    expect(body['@odata.context']).toMatch(/#tasks\(subject\)$/)
    expect(body.value.length).toBeGreaterThan(0)
  })

  it('[retrieve-related-entities-query] a single-valued navigation property returns the related record', async () => {
    const contact = (await list('/contacts?$select=fullname,_parentcustomerid_value&$top=1')).json<Collection>().value[0]!
    const r = await list(`/contacts(${String(contact.contactid)})/parentcustomerid_account?$select=name`)
    expect(r.json()).toMatchObject({ '@odata.context': expect.stringMatching(/#accounts\(name\)\/\$entity$/), accountid: contact._parentcustomerid_value })
  })
})

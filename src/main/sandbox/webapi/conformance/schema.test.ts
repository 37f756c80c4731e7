/**
 * Conformance: the realistic schema — activities that derive from activitypointer ("Web API EntityType
 * reference": activitypointer, task), the polymorphic customer lookup ("Create a table row using the Web API",
 * "Retrieve related table rows with a query"), a many-to-many relationship ("Associate and disassociate table rows
 * using the Web API") and their definitions ("Query table definitions using the Web API").
 */
import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { useConformance, type Collection, type Json } from './setup'

const c = useConformance()
const ok = async (path: string, headers?: Record<string, string>) => {
  const r = await c.get(path, headers)
  expect(r.status, r.text.slice(0, 300)).toBe(200)
  return r.json<Collection & Json>()
}
const idOf = (r: { headers: Record<string, string> }) => /\(([0-9a-f-]{36})\)$/.exec(r.headers['odata-entityid']!)![1]!
const ALL = { prefer: 'odata.include-annotations="*"' }

describe('the CSDL', () => {
  it('[web-api-types-operations] activities derive from activitypointer; a derived type has no key of its own', async () => {
    const schema = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse((await c.get('/$metadata')).text)['edmx:Edmx']['edmx:DataServices'].Schema
    const types = new Map<string, Json>((schema.EntityType as Json[]).map((t) => [String(t.Name), t]))
    for (const name of ['task', 'email', 'phonecall', 'opportunityclose']) expect(types.get(name), name).toMatchObject({ BaseType: 'mscrm.activitypointer' })
    expect(types.get('activitypointer')).toMatchObject({ BaseType: 'mscrm.crmbaseentity', Key: { PropertyRef: { Name: 'activityid' } } })
    const names = (t: string, key: 'Property' | 'NavigationProperty') => [types.get(t)![key] ?? []].flat().map((p) => String((p as Json).Name))
    expect(names('activitypointer', 'Property')).toContain('subject')
    expect(names('task', 'Property')).not.toContain('subject')
    expect(names('task', 'NavigationProperty')).toContain('regardingobjectid_account_task')
    expect(names('activitypointer', 'NavigationProperty')).toContain('regardingobjectid_account')
  })

  it('[web-api-service-documents] the customer lookup is two navigation properties; teammembership_association is one on each side', async () => {
    const schema = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse((await c.get('/$metadata')).text)['edmx:Edmx']['edmx:DataServices'].Schema
    const nav = (type: string, name: string) => [(schema.EntityType as Json[]).find((t) => t.Name === type)!.NavigationProperty].flat().find((n) => (n as Json).Name === name) as Json
    expect(nav('opportunity', 'customerid_account')).toMatchObject({ Type: 'mscrm.account', Partner: 'opportunity_customer_accounts', ReferentialConstraint: { Property: '_customerid_value', ReferencedProperty: 'accountid' } })
    expect(nav('opportunity', 'customerid_contact')).toMatchObject({ Type: 'mscrm.contact', Partner: 'opportunity_customer_contacts', ReferentialConstraint: { Property: '_customerid_value', ReferencedProperty: 'contactid' } })
    expect(nav('team', 'teammembership_association')).toEqual({ Name: 'teammembership_association', Type: 'Collection(mscrm.systemuser)', Partner: 'teammembership_association' })
    expect(nav('systemuser', 'teammembership_association')).toEqual({ Name: 'teammembership_association', Type: 'Collection(mscrm.team)', Partner: 'teammembership_association' })
    const sets = (await ok('/')).value.map((s) => s.name)
    for (const set of ['leads', 'opportunities', 'incidents', 'products', 'teams', 'roles', 'teammemberships', 'activitypointers', 'emails', 'phonecalls', 'opportunitycloses']) expect(sets).toContain(set)
  })
})

describe('seeded rows', () => {
  it('[query-data-web-api] tens of rows per new table, the same in every fresh Sandbox', async () => {
    for (const [set, atLeast] of [['leads', 40], ['opportunities', 40], ['incidents', 30], ['products', 20], ['emails', 30], ['phonecalls', 30], ['teams', 3], ['roles', 3]] as const) {
      expect(Number((await c.get(`/${set}/$count`)).text), set).toBeGreaterThanOrEqual(atLeast)
    }
  })

  it('[query-data-web-api] activitypointers: every activity, each with its activitytypecode and its own table\'s labels', async () => {
    const counts = await Promise.all(['tasks', 'emails', 'phonecalls', 'opportunitycloses'].map(async (s) => Number((await c.get(`/${s}/$count`)).text)))
    expect(Number((await c.get('/activitypointers/$count')).text)).toBe(counts.reduce((a, b) => a + b, 0))
    const types = await ok("/activitypointers?$select=subject,activitytypecode,statuscode&$filter=activitytypecode eq 'task' and statuscode eq 5&$top=1", ALL)
    expect(types.value[0]).toMatchObject({ activitytypecode: 'task', 'statuscode@OData.Community.Display.V1.FormattedValue': 'Completed' })
    const byType = await ok('/activitypointers?$apply=groupby((activitytypecode),aggregate($count as n))')
    expect(byType.value.map((r) => r.activitytypecode).sort()).toEqual(['email', 'opportunityclose', 'phonecall', 'task'])
  })

  it('[query-data-web-api] a task through its regarding account: the inherited and the task\'s own navigation property', async () => {
    const task = (await ok('/tasks?$select=subject&$expand=regardingobjectid_account_task($select=name),regardingobjectid_account($select=name)&$top=1')).value[0]!
    expect(task.regardingobjectid_account_task).toEqual(task.regardingobjectid_account)
    expect((task.regardingobjectid_account_task as Json).name).toEqual(expect.any(String))
  })

  it('[create-entity-web-api] activitypointer and intersect tables are read-only: Create is not supported for them', async () => {
    const r = await c.send('POST', '/activitypointers', { subject: 'x' })
    expect(r.status).toBe(400)
    expect(r.json()).toEqual({ error: { code: '0x80040800', message: "The 'Create' method does not support entities of type 'activitypointer'. MessageProcessorCache returned MessageProcessor.Empty." } })
    expect((await c.send('POST', '/teammemberships', { teamid: '00000000-0000-0000-0000-000000000001' })).json()).toMatchObject({ error: { code: '0x80040800' } })
    const account = (await ok('/accounts?$select=name&$top=1')).value[0]!
    expect((await c.send('POST', `/accounts(${String(account.accountid)})/Account_ActivityPointers`, { subject: 'x' })).json()).toMatchObject({ error: { code: '0x80040800' } })
    const activity = (await ok('/activitypointers?$select=subject&$top=1')).value[0]!
    expect((await c.send('PATCH', `/activitypointers(${String(activity.activityid)})`, { subject: 'y' })).json()).toMatchObject({ error: { code: '0x80040800', message: expect.stringMatching(/^The 'Update' method/) } })
  })

  it('[use-alternate-key] a product by its product number (an alternate key)', async () => {
    const product = (await ok('/products?$select=name,productnumber&$top=1')).value[0]!
    const r = await c.get(`/products(productnumber='${String(product.productnumber)}')?$select=name`)
    expect(r.status).toBe(200)
    expect(r.json()).toMatchObject({ productid: product.productid, name: product.name })
  })
})

describe('the customer lookup', () => {
  it('[create-entity-web-api] a case for a contact: customerid_contact@odata.bind, an autonumber ticket, the lookup\'s annotations', async () => {
    const contact = (await ok('/contacts?$select=fullname&$top=1')).value[0]!
    const r = await c.send('POST', '/incidents', { title: 'Printer on fire', 'customerid_contact@odata.bind': `/contacts(${String(contact.contactid)})` }, { prefer: 'return=representation,odata.include-annotations="*"' })
    expect(r.status).toBe(201)
    const body = r.json()
    expect(body.ticketnumber).toMatch(/^CAS-\d{5}-[A-Z0-9]{6}$/)
    expect(body).toMatchObject({
      _customerid_value: contact.contactid,
      '_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact',
      '_customerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'customerid_contact',
      '_customerid_value@OData.Community.Display.V1.FormattedValue': contact.fullname,
      statecode: 0,
      statuscode: 1
    })
    const expanded = (await c.get(`/incidents(${String(body.incidentid)})?$select=title&$expand=customerid_account($select=name),customerid_contact($select=fullname)`)).json()
    expect(expanded).toMatchObject({ customerid_account: null, customerid_contact: { fullname: contact.fullname } })
    const cases = await ok(`/contacts(${String(contact.contactid)})/incident_customer_contacts?$select=title`)
    expect(cases.value.map((x) => x.title)).toContain('Printer on fire')
  })

  it('[query-data-web-api] $filter through the polymorphic lookup: opportunities whose customer account has a name', async () => {
    const rows = await ok("/opportunities?$select=name,_customerid_value&$filter=customerid_account/name ne null", ALL)
    expect(rows.value.length).toBeGreaterThan(0)
    for (const r of rows.value) expect(r['_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('account')
    const byContact = await ok('/opportunities?$select=name&$filter=customerid_contact/contactid ne null')
    expect(rows.value.length + byContact.value.length).toBe(Number((await c.get('/opportunities/$count?$filter=_customerid_value ne null')).text))
  })
})

describe('many-to-many: teammembership_association', () => {
  it('[associate-disassociate-entities-using-web-api] associate with $ref, read it back ($ref, $expand, any), disassociate', async () => {
    const team = idOf(await c.send('POST', '/teams', { name: 'Conformance team', teamtype: 1, 'businessunitid@odata.bind': `/businessunits(${String((await ok('/businessunits?$select=name')).value[0]!.businessunitid)})`, 'administratorid@odata.bind': `/systemusers(${String((await c.get('/WhoAmI')).json().UserId)})` }))
    const user = (await ok('/systemusers?$select=fullname&$filter=applicationid eq null&$top=1')).value[0]!
    const ref = `${c.sb.info.webApiUrl}/systemusers(${String(user.systemuserid)})`
    expect((await c.send('POST', `/teams(${team})/teammembership_association/$ref`, { '@odata.id': ref })).status).toBe(204)
    expect((await ok(`/teams(${team})/teammembership_association/$ref`)).value).toEqual([{ '@odata.id': ref }])
    const expanded = (await c.get(`/teams(${team})?$select=name&$expand=teammembership_association($select=fullname)`)).json()
    expect(expanded.teammembership_association).toEqual([expect.objectContaining({ fullname: user.fullname, systemuserid: user.systemuserid })])
    expect((await ok(`/systemusers(${String(user.systemuserid)})/teammembership_association?$select=name`)).value.map((t) => t.name)).toContain('Conformance team')
    expect((await ok("/teams?$select=name&$filter=teammembership_association/any(u:u/fullname ne null) and name eq 'Conformance team'")).value).toHaveLength(1)
    const twice = await c.send('POST', `/teams(${team})/teammembership_association/$ref`, { '@odata.id': ref })
    expect(twice.status).toBe(412)
    expect(twice.json()).toEqual({ error: { code: '0x80040237', message: 'Cannot insert duplicate key.' } })
    expect((await c.send('DELETE', `/teams(${team})/teammembership_association(${String(user.systemuserid)})/$ref`)).status).toBe(204)
    expect((await ok(`/teams(${team})/teammembership_association/$ref`)).value).toEqual([])
  })

  it('[create-entity-web-api] associate on create with <navigation>@odata.bind, and deleting a record removes its associations', async () => {
    const users = (await ok('/systemusers?$select=fullname&$filter=applicationid eq null&$top=2')).value
    const team = idOf(await c.send('POST', '/teams', { name: 'Created with members', 'teammembership_association@odata.bind': users.map((u) => `/systemusers(${String(u.systemuserid)})`) }))
    expect((await ok(`/teams(${team})/teammembership_association?$select=fullname`)).value).toHaveLength(2)
    const before = Number((await c.get('/teammemberships/$count')).text)
    expect((await c.send('DELETE', `/teams(${team})`)).status).toBe(204)
    expect(Number((await c.get('/teammemberships/$count')).text)).toBe(before - 2)
  })
})

describe('table definitions', () => {
  it('[query-metadata-web-api] ManyToManyRelationships, IsActivity and IsIntersect', async () => {
    const m2m = await ok("/EntityDefinitions(LogicalName='team')/ManyToManyRelationships?$select=SchemaName,Entity1LogicalName,Entity2LogicalName,IntersectEntityName,Entity1IntersectAttribute,Entity2IntersectAttribute")
    expect(m2m.value).toEqual([expect.objectContaining({ SchemaName: 'teammembership_association', Entity1LogicalName: 'systemuser', Entity2LogicalName: 'team', IntersectEntityName: 'teammembership', Entity1IntersectAttribute: 'systemuserid', Entity2IntersectAttribute: 'teamid' })])
    const flags = await ok('/EntityDefinitions?$select=LogicalName,IsActivity,IsIntersect&$filter=IsActivity eq true or IsIntersect eq true')
    expect(flags.value.filter((e) => e.IsActivity).map((e) => e.LogicalName).sort()).toEqual(['activitypointer', 'email', 'opportunityclose', 'phonecall', 'task'])
    expect(flags.value.filter((e) => e.IsIntersect).map((e) => e.LogicalName).sort()).toEqual(['systemuserroles', 'teammembership'])
  })

  it('[query-metadata-web-api] option sets of the new tables: opportunity status reasons, an email\'s direction labels', async () => {
    const status = (await c.get("/EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='statuscode')/Microsoft.Dynamics.CRM.StatusAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)")).json()
    const options = ((status.OptionSet as Json).Options as Json[]).map((o) => [o.Value, ((o.Label as Json).UserLocalizedLabel as Json).Label])
    expect(options).toEqual([[1, 'In Progress'], [2, 'On Hold'], [3, 'Won'], [4, 'Canceled'], [5, 'Out-Sold']])
    const direction = (await c.get("/EntityDefinitions(LogicalName='email')/Attributes(LogicalName='directioncode')/Microsoft.Dynamics.CRM.BooleanAttributeMetadata?$select=LogicalName&$expand=OptionSet")).json()
    expect((((direction.OptionSet as Json).TrueOption as Json).Label as Json).UserLocalizedLabel).toMatchObject({ Label: 'Outgoing' })
    const email = (await ok('/emails?$select=directioncode&$top=1', ALL)).value[0]!
    expect(email['directioncode@OData.Community.Display.V1.FormattedValue']).toBe(email.directioncode ? 'Outgoing' : 'Incoming')
  })
})

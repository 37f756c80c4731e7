/**
 * Conformance: functions and actions ("Use Web API functions", "Use Web API actions", "Merge table rows"), table
 * definitions ("Query table definitions using the Web API"), change tracking ("Use change tracking to synchronize
 * data with external systems"), request annotations and errors ("Compose HTTP requests and handle errors",
 * "Troubleshoot Dataverse Web API client errors"), CORS as a single-page app sees it ("Quick start: Web API with
 * a single-page application") and the CSDL document ("Web API service documents").
 */
import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { useConformance, type Collection, type Json } from './setup'

const c = useConformance()
const ok = async (path: string, headers?: Record<string, string>) => {
  const r = await c.get(path, headers)
  expect(r.status, r.text.slice(0, 300)).toBe(200)
  return r
}

describe('functions and actions', () => {
  it('[use-web-api-functions] an unbound function: WhoAmI()', async () => {
    const r = await ok('/WhoAmI()')
    expect(r.json()).toEqual({ '@odata.context': `${c.sb.info.webApiUrl}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`, BusinessUnitId: expect.any(String), UserId: expect.any(String), OrganizationId: c.sb.info.tenantId ? expect.any(String) : '' })
  })

  it('[count-rows] RetrieveTotalRecordCount for tables beyond 5,000 rows, inline and with a parameter alias', async () => {
    const inline = (await ok("/RetrieveTotalRecordCount(EntityNames=['account','contact'])")).json()
    expect(inline['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#Microsoft.Dynamics.CRM.RetrieveTotalRecordCountResponse`)
    const counts = inline.EntityRecordCountCollection as Json
    expect(counts).toMatchObject({ Count: 2, IsReadOnly: false, Keys: ['account', 'contact'] })
    expect(counts.Values).toEqual([Number((await ok('/accounts/$count')).text), Number((await ok('/contacts/$count')).text)])
    const aliased = (await ok(`/RetrieveTotalRecordCount(EntityNames=@p1)?@p1=${encodeURIComponent('["account"]')}`)).json()
    expect((aliased.EntityRecordCountCollection as Json).Keys).toEqual(['account'])
  })

  it('[web-api-client-errors] a function called with POST: 404 No HTTP resource was found', async () => {
    const r = await c.send('POST', '/WhoAmI')
    expect(r.status).toBe(404)
    expect(r.headers['content-type']).toBe('application/json; odata.metadata=minimal')
    expect(r.json()).toEqual({ error: { code: '', message: `No HTTP resource was found that matches the request URI '${c.sb.info.webApiUrl}/WhoAmI'.` } })
  })

  it('[web-api-client-errors] a resource name in the wrong case: Resource not found for the segment', async () => {
    const r = await c.get('/Account')
    expect(r.status).toBe(404)
    expect(r.json()).toEqual({ error: { code: '0x8006088a', message: "Resource not found for the segment 'Account'." } })
  })

  it('[use-web-api-functions] a documented function the Sandbox does not emulate says so (501), an unknown name is 404', async () => {
    const r = await c.get("/GetTimeZoneCodeByLocalizedName(LocalizedStandardName=@p1,LocaleId=@p2)?@p1='Pacific Standard Time'&@p2=1033")
    expect(r.status).toBe(501)
    expect(r.json<{ error: { message: string } }>().error.message).toMatch(/^The GetTimeZoneCodeByLocalizedName message is not supported by the OrgBench Sandbox/)
    expect((await c.get('/NoSuchFunction()')).json()).toEqual({ error: { code: '0x8006088a', message: "Resource not found for the segment 'NoSuchFunction'." } })
  })

  it('[query-data-web-api] saved and personal views are not emulated: 501, never a silent full answer', async () => {
    const saved = await c.get('/accounts?savedQuery=00000000-0000-0000-00aa-000010001002')
    expect(saved.status).toBe(501)
    expect(saved.json<{ error: { message: string } }>().error.message).toMatch(/^The savedQuery parameter \(a saved view\) is not supported by the OrgBench Sandbox/)
  })

  it('[merge-entity-using-web-api] the Merge action moves the subordinate\'s children and deactivates it', async () => {
    const ids: string[] = []
    for (const name of ['Merge target', 'Merge subordinate']) ids.push(/\(([0-9a-f-]{36})\)$/.exec((await c.send('POST', '/accounts', { name })).headers['odata-entityid']!)![1]!)
    await c.send('POST', '/contacts', { lastname: 'Moves', 'parentcustomerid_account@odata.bind': `/accounts(${ids[1]!})` })
    const r = await c.send('POST', '/Merge', { Target: { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: ids[0] }, Subordinate: { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: ids[1] }, UpdateContent: { '@odata.type': 'Microsoft.Dynamics.CRM.account', telephone1: '555' }, PerformParentingChecks: false })
    expect(r.status).toBe(204)
    expect((await ok(`/accounts(${ids[1]!})?$select=statecode,statuscode`)).json()).toMatchObject({ statecode: 1, statuscode: 2 })
    expect((await ok(`/accounts(${ids[0]!})/contact_customer_accounts?$select=lastname`)).json<Collection>().value.map((x) => x.lastname)).toContain('Moves')
  })
})

describe('table definitions', () => {
  // The 2023 article shows this single-entity request answered as a collection (`value: [ … ]`); the Sandbox answers
  // one entity with a `/$entity` context, as OData and the same article's attribute samples do.
  it('[query-metadata-web-api] EntityDefinitions(LogicalName=\'account\') with $select: labels and the MetadataId', async () => {
    const body = (await ok("/EntityDefinitions(LogicalName='account')?$select=DisplayName,IsKnowledgeManagementEnabled,EntitySetName")).json()
    expect(body['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#EntityDefinitions(DisplayName,IsKnowledgeManagementEnabled,EntitySetName)/$entity`)
    expect(body).toMatchObject({ IsKnowledgeManagementEnabled: false, EntitySetName: 'accounts', MetadataId: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    expect((body.DisplayName as Json).UserLocalizedLabel).toMatchObject({ Label: 'Account', LanguageCode: 1033, IsManaged: true, HasChanged: null })
  })

  it('[query-metadata-web-api] enum types in $filter: OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes\'UserOwned\'', async () => {
    const names = (await ok("/EntityDefinitions?$select=LogicalName&$filter=OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'")).json<Collection>().value.map((e) => e.LogicalName)
    expect(names.sort()).toEqual(['account', 'activitypointer', 'contact', 'email', 'incident', 'lead', 'opportunity', 'opportunityclose', 'phonecall', 'task'])
  })

  it('[query-metadata-web-api] complex types in $filter: CanCreateAttributes/Value eq true', async () => {
    expect((await ok('/EntityDefinitions?$select=LogicalName&$filter=CanCreateAttributes/Value eq true')).json<Collection>().value.length).toBeGreaterThan(3)
  })

  it('[query-metadata-web-api] expand Attributes with $select and an enum $filter', async () => {
    const body = (await ok("/EntityDefinitions(LogicalName='account')?$select=LogicalName&$expand=Attributes($select=LogicalName;$filter=AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist')")).json()
    expect((body.Attributes as Json[]).map((a) => a.LogicalName)).toEqual(['industrycode'])
  })

  it('[query-metadata-web-api] cast Attributes to PicklistAttributeMetadata to expand OptionSet and GlobalOptionSet', async () => {
    const rows = (await ok("/EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet,GlobalOptionSet")).json<Collection>().value
    const industry = rows.find((a) => a.LogicalName === 'industrycode')!
    expect(industry.GlobalOptionSet).toBeNull()
    const options = (industry.OptionSet as Json).Options as Json[]
    expect(options.find((o) => o.Value === 6)).toMatchObject({ Label: { UserLocalizedLabel: { Label: 'Consulting', LanguageCode: 1033 } } })
    const bad = await c.get("/EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName&$expand=OptionSet")
    expect(bad.status).toBe(400)
  })

  it('[query-metadata-web-api] cast to MoneyAttributeMetadata for Precision', async () => {
    const rows = (await ok("/EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.MoneyAttributeMetadata?$select=LogicalName,Precision")).json<Collection>().value
    expect(rows).toEqual([{ LogicalName: 'revenue', Precision: 2, MetadataId: expect.any(String) }])
  })

  it('[query-metadata-web-api] filtering by required level', async () => {
    const rows = (await ok("/EntityDefinitions(LogicalName='account')/Attributes?$select=SchemaName&$filter=RequiredLevel/Value eq Microsoft.Dynamics.CRM.AttributeRequiredLevel'ApplicationRequired'")).json<Collection>().value
    expect(rows.map((r) => r.SchemaName)).toEqual(['Name'])
  })

  it('[query-metadata-web-api] one attribute by MetadataId, cast, with its OptionSet and the OptionSet alone', async () => {
    const attribute = (await ok("/EntityDefinitions(LogicalName='account')/Attributes(LogicalName='industrycode')?$select=LogicalName")).json()
    const entity = (await ok("/EntityDefinitions(LogicalName='account')?$select=LogicalName")).json()
    const url = `/EntityDefinitions(LogicalName='account')/Attributes(${String(attribute.MetadataId)})/Microsoft.Dynamics.CRM.PicklistAttributeMetadata`
    const body = (await ok(`${url}?$select=LogicalName&$expand=OptionSet`)).json()
    expect(body['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#EntityDefinitions(${String(entity.MetadataId)})/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata(LogicalName,OptionSet)/$entity`)
    expect(body['OptionSet@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#EntityDefinitions(${String(entity.MetadataId)})/Attributes(${String(attribute.MetadataId)})/Microsoft.Dynamics.CRM.PicklistAttributeMetadata/OptionSet/$entity`)
    expect(body.OptionSet).toMatchObject({ Name: 'account_industrycode', IsGlobal: false, OptionSetType: 'Picklist' })
    const alone = (await ok(`${url}/OptionSet?$select=Options`)).json()
    expect(Object.keys(alone)).toEqual(['@odata.context', 'Options', 'MetadataId'])
  })

  it('[query-metadata-web-api] relationship definitions in the context of a table', async () => {
    const oneToMany = (await ok("/EntityDefinitions(LogicalName='account')/OneToManyRelationships?$select=SchemaName,ReferencingEntity,ReferencingEntityNavigationPropertyName")).json<Collection>().value
    expect(oneToMany).toEqual(expect.arrayContaining([expect.objectContaining({ SchemaName: 'contact_customer_accounts', ReferencingEntity: 'contact', ReferencingEntityNavigationPropertyName: 'parentcustomerid_account' })]))
    const manyToOne = (await ok("/EntityDefinitions(LogicalName='contact')/ManyToOneRelationships?$select=SchemaName")).json<Collection>().value.map((r) => r.SchemaName)
    expect(manyToOne).toContain('contact_customer_accounts')
  })

  it('[query-metadata-web-api] GlobalOptionSetDefinitions, and one by Name', async () => {
    const all = (await ok('/GlobalOptionSetDefinitions?$select=Name')).json<Collection>().value
    expect(all.map((o) => o.Name)).toContain('componentstate')
    const one = (await ok("/GlobalOptionSetDefinitions(Name='componentstate')")).json()
    expect(one).toMatchObject({ Name: 'componentstate', IsGlobal: true, OptionSetType: 'Picklist' })
  })

  it('[use-change-tracking-synchronize-data-external-systems] tables with change tracking enabled', async () => {
    const names = (await ok('/EntityDefinitions?$select=SchemaName&$filter=ChangeTrackingEnabled eq true')).json<Collection>().value.map((e) => e.SchemaName)
    expect(names).toEqual(expect.arrayContaining(['Account', 'Contact']))
  })
})

describe('change tracking', () => {
  it('[use-change-tracking-synchronize-data-external-systems] odata.track-changes returns every row and a delta link', async () => {
    const r = await ok('/accounts?$select=name,accountnumber,telephone1', { prefer: 'odata.track-changes' })
    expect(r.headers['preference-applied']).toBe('odata.track-changes')
    const body = r.json<Json>()
    expect(body['@odata.context']).toMatch(/#accounts\(name,accountnumber,telephone1\)$/)
    expect(body['@odata.deltaLink']).toMatch(/\/accounts\?\$select=name,accountnumber,telephone1&\$deltatoken=\d+%21\d\d%2f\d\d%2f\d{4}%20\d\d%3a\d\d%3a\d\d$/)
    expect((body.value as Json[]).length).toBe(Number((await ok('/accounts/$count')).text))
  })

  it('[use-change-tracking-synchronize-data-external-systems] the delta link returns what changed: new rows and $deletedEntity', async () => {
    const doomed = /\(([0-9a-f-]{36})\)$/.exec((await c.send('POST', '/accounts', { name: 'Deleted after tracking' })).headers['odata-entityid']!)![1]!
    const link = String((await ok('/accounts?$select=name,telephone1', { prefer: 'odata.track-changes' })).json()['@odata.deltaLink'])
    await c.send('POST', '/accounts', { name: 'Monte Orton', telephone1: '555000' })
    await c.send('DELETE', `/accounts(${doomed})`)
    const body = (await ok(link)).json<Json>()
    expect(body['@odata.context']).toMatch(/#accounts\(name,telephone1\)\/\$delta$/)
    expect(body['@odata.deltaLink']).not.toBe(link)
    const value = body.value as Json[]
    expect(value.find((v) => v.name === 'Monte Orton')).toMatchObject({ '@odata.etag': expect.any(String), telephone1: '555000' })
    expect(value).toContainEqual({ '@odata.context': `${c.sb.info.webApiUrl}/$metadata#accounts/$deletedEntity`, id: doomed, reason: 'deleted' })
    const count = await ok(link.replace('/accounts?', '/accounts/$count?'))
    expect(Number(count.text)).toBe(value.length)
  })

  it('[use-change-tracking-synchronize-data-external-systems] $filter, $orderby, $expand and $top are not supported with change tracking', async () => {
    for (const option of ['$filter=statecode eq 0', '$orderby=name', '$expand=primarycontactid', '$top=2']) {
      const r = await c.get(`/accounts?$select=name&${option}`, { prefer: 'odata.track-changes' })
      expect(r.status).toBe(400)
      expect(r.json<{ error: { message: string } }>().error.message).toBe(`The "${option.split('=')[0]!}" query parameter isn't supported when Change Tracking is enabled.`)
    }
  })
})

describe('requests and errors', () => {
  it('[compose-http-requests-handle-errors] request annotations: globalmetadataversion', async () => {
    const body = (await ok('/systemusers?$select=systemuserid&$top=1', { prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.globalmetadataversion"' })).json()
    expect(body['@Microsoft.Dynamics.CRM.globalmetadataversion']).toMatch(/^\d+$/)
  })

  it('[execute-batch-operations-using-web-api] inside a $batch body a URL may be up to 64 KB, not longer', async () => {
    const get = (length: number) => `GET /api/data/v9.2/accounts?$select=name&$filter=${encodeURIComponent(`name eq '${'x'.repeat(length)}'`)} HTTP/1.1`
    const body = (length: number) => ['--b', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', get(length), '', '', '--b--', ''].join('\r\n')
    const send = (length: number) => c.sb.send('POST', `${c.sb.info.webApiUrl}/$batch`, { headers: { authorization: `Bearer ${c.token}`, 'content-type': 'multipart/mixed; boundary=b' }, body: body(length) })
    const long = await send(40_000)
    expect(long.status).toBe(200)
    expect(long.text).toContain('HTTP/1.1 200 OK')
    const tooLong = await send(70_000)
    expect(tooLong.status).toBe(400)
    expect(tooLong.text).toContain('{"error":{"code":"0x80060888","message":"Invalid URI: The Uri string is too long."}}')
  })

  it('[compose-http-requests-handle-errors] errors come as JSON in the documented envelope and headers', async () => {
    const r = await c.get('/accounts(00000000-0000-0000-0000-000000000099)')
    expect(r.status).toBe(404)
    expect(r.headers['content-type']).toBe('application/json; odata.metadata=minimal')
    expect(r.headers['odata-version']).toBe('4.0')
    expect(Object.keys(r.json<{ error: Json }>().error)).toEqual(['code', 'message'])
  })

  it('[compose-http-requests-handle-errors] 405 for a method a collection does not support', async () => {
    expect((await c.send('PATCH', '/accounts', { name: 'x' })).status).toBe(405)
  })
})

describe('CORS and the CSDL document', () => {
  it('[quick-start-js-spa] the browser\'s preflight is answered without a token', async () => {
    const r = await c.sb.send('OPTIONS', `${c.sb.info.webApiUrl}/WhoAmI`, { headers: { origin: 'http://localhost:1234', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,odata-version,odata-maxversion' } })
    expect(r.status).toBe(200)
    expect(r.headers['access-control-allow-origin']).toBe('http://localhost:1234')
    expect(r.headers['access-control-allow-methods']).toContain('GET')
    expect(r.headers['access-control-allow-headers']).toBe('authorization,odata-version,odata-maxversion')
  })

  it('[quick-start-js-spa] the response to the real request names the origin and exposes the OData headers', async () => {
    const r = await c.get('/accounts?$select=name&$top=1', { origin: 'http://localhost:1234', prefer: 'odata.maxpagesize=1' })
    expect(r.headers['access-control-allow-origin']).toBe('http://localhost:1234')
    expect(r.headers['access-control-expose-headers']).toContain('Preference-Applied')
    const anonymous = await c.sb.send('GET', `${c.sb.info.webApiUrl}/WhoAmI`, { headers: { origin: 'http://localhost:1234' } })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers['access-control-allow-origin']).toBe('http://localhost:1234')
  })

  it('[web-api-service-documents] $metadata and the answers are one truth: every entity set, property and key it declares is served', async () => {
    const csdl = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse((await ok('/$metadata')).text)
    const schema = csdl['edmx:Edmx']['edmx:DataServices'].Schema
    const types = new Map<string, Json>((schema.EntityType as Json[]).map((t) => [String(t.Name), t]))
    // A derived type (task BaseType activitypointer) has its base type's properties too.
    const declaredOf = (type: Json): string[] => [...(type.BaseType && type.BaseType !== 'mscrm.crmbaseentity' ? declaredOf(types.get(String(type.BaseType).slice(6))!) : []), ...[type.Property ?? []].flat().map((p) => String((p as Json).Name))]
    for (const set of schema.EntityContainer.EntitySet as Json[]) {
      const r = await ok(`/${String(set.Name)}${String(set.EntityType).includes('Metadata') ? '' : '?$top=1'}`)
      if (String(set.EntityType).startsWith('mscrm.') && !/Metadata/.test(String(set.EntityType))) {
        const type = types.get(String(set.EntityType).slice(6))!
        const row = r.json<Collection>().value[0]!
        expect(row, String(set.Name)).toBeDefined()
        expect(Object.keys(row).filter((k) => !k.includes('@')).sort(), String(set.Name)).toEqual(declaredOf(type).sort())
        const keys = (type.Annotation as Json | undefined)?.Term === 'OData.Community.Keys.V1.AlternateKeys'
        if (keys) expect(set.Name).toMatch(/^(accounts|transactioncurrencies|products)$/)
      }
    }
    const account = types.get('account')!
    expect(JSON.stringify(account.Annotation)).toContain('"PropertyPath":"accountnumber"')
    expect(types.get('task')).toMatchObject({ BaseType: 'mscrm.activitypointer' })
    expect(types.get('task')!.Key).toBeUndefined()
    // Every operation the CSDL declares is one the Sandbox runs: none answers 404 or "not supported".
    const functions = [schema.Function].flat().map((f: Json) => String(f.Name))
    const actions = [schema.Action].flat().map((f: Json) => String(f.Name))
    expect(functions.sort()).toEqual(['RetrieveTotalRecordCount', 'RetrieveUserPrivileges', 'RetrieveVersion', 'WhoAmI'])
    expect(actions.sort()).toEqual(['LoseOpportunity', 'Merge', 'QualifyLead', 'WinOpportunity', 'sample_CalculateDiscount'])
  })
})

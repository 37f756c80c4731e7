import { readFileSync } from 'node:fs'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHarness } from '../testing/sandbox'
import { TokenSigner } from './tokens'

let sb: SandboxHarness
let app: string
let user: string
beforeAll(async () => {
  sb = await startSandbox()
  app = await sb.appToken()
  user = await sb.userToken()
})
afterAll(() => sb.stop())

type Collection = { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string; '@odata.count'?: number }

describe('authentication', () => {
  it('answers a missing token with 401 and the WWW-Authenticate challenge naming the tenant', async () => {
    const r = await sb.api('GET', '/', null)
    expect(r.status).toBe(401)
    expect(r.headers['www-authenticate']).toBe(`Bearer authorization_uri=${sb.info.authority}/oauth2/authorize, resource_id=${sb.info.orgUrl}/`)
  })

  it('rejects expired, badly signed and wrong-audience tokens with the same challenge', async () => {
    const dir = `${sb.dataDir}/sandbox`
    const signer = await TokenSigner.create(readFileSync(`${dir}/token-signing-key.pem`, 'utf8'), readFileSync(`${dir}/token-signing.pem`, 'utf8'))
    const now = Math.floor(Date.now() / 1000)
    const base = { iss: `${sb.info.authority}/`, tid: sb.info.tenantId, idtyp: 'app', appid: sb.info.clients.secret }
    const expired = await signer.sign({ ...base, aud: sb.info.orgUrl, iat: now - 7200, nbf: now - 7200, exp: now - 3600 })
    const otherOrg = await signer.sign({ ...base, aud: 'https://contoso.crm.dynamics.com', iat: now, nbf: now, exp: now + 600 })
    const tampered = app.slice(0, -4) + (app.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    for (const [token, reason] of [[expired, 'expired'], [otherOrg, 'audience'], [tampered, 'signature'], ['not-a-jwt', 'signature']] as const) {
      const r = await sb.api('GET', '/WhoAmI', token)
      expect(r.status, reason).toBe(401)
      expect(r.headers['www-authenticate']).toContain('authorization_uri=')
      expect(r.headers['x-orgbench-sandbox-reason']).toContain(reason)
    }
  })

  it('gives Dataverse\'s error to a valid token whose identity has no user in the org', async () => {
    const guest = (await sb.token({ grant_type: 'password', client_id: sb.info.clients.public, username: sb.info.userNotInOrg, password: sb.info.password, scope: `${sb.info.orgUrl}/.default` })).json<{ access_token: string }>().access_token
    const noAppUser = (await sb.token({ grant_type: 'client_credentials', client_id: sb.info.clients.noApplicationUser, client_secret: 'sandbox-secret-~no-app-user', scope: `${sb.info.orgUrl}/.default` })).json<{ access_token: string }>().access_token
    for (const token of [guest, noAppUser]) {
      const r = await sb.api('GET', '/WhoAmI', token)
      expect(r.status).toBe(403)
      expect(r.json()).toEqual({ error: { code: '0x80072560', message: 'The user is not a member of the organization.' } })
    }
  })
})

describe('functions and metadata', () => {
  it('WhoAmI names the signed-in user or the application user', async () => {
    const asUser = (await sb.api('GET', '/WhoAmI', user)).json()
    const asApp = (await sb.api('GET', '/WhoAmI()', app)).json()
    expect(asUser).toMatchObject({ '@odata.context': `${sb.info.webApiUrl}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`, OrganizationId: expect.any(String), BusinessUnitId: expect.any(String) })
    expect(asUser.UserId).not.toBe(asApp.UserId)
    const me = (await sb.api('GET', `/systemusers(${asApp.UserId as string})?$select=applicationid,fullname`, app)).json()
    expect(me.applicationid).toBe(sb.info.clients.secret)
  })

  it('RetrieveVersion and the service document', async () => {
    expect((await sb.api('GET', '/RetrieveVersion()', app)).json().Version).toMatch(/^9\.2\./)
    const doc = (await sb.api('GET', '/', app)).json<{ value: Array<{ name: string }> }>()
    expect(doc.value.map((v) => v.name)).toEqual(expect.arrayContaining(['accounts', 'contacts', 'systemusers']))
  })

  it('$metadata is well-formed CSDL with keys, properties, navigation, functions and an action', async () => {
    const r = await sb.api('GET', '/$metadata', app)
    expect(r.headers['content-type']).toContain('application/xml')
    expect(XMLValidator.validate(r.text)).toBe(true)
    const csdl = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(r.text)
    const schema = csdl['edmx:Edmx']['edmx:DataServices'].Schema
    const account = schema.EntityType.find((t: { Name: string }) => t.Name === 'account')
    expect(account.Key.PropertyRef.Name).toBe('accountid')
    expect(account.Property.map((p: { Name: string }) => p.Name)).toEqual(expect.arrayContaining(['name', 'revenue', '_primarycontactid_value']))
    expect(account.NavigationProperty.map((p: { Name: string }) => p.Name)).toEqual(expect.arrayContaining(['primarycontactid', 'contact_customer_accounts']))
    expect([schema.Function].flat().map((f: { Name: string }) => f.Name)).toEqual(expect.arrayContaining(['WhoAmI', 'RetrieveVersion']))
    expect([schema.Action].flat().map((a: { Name: string }) => a.Name)).toContain('Merge')
  })
})

describe('queries', () => {
  it('seeds a few hundred rows', async () => {
    const counts = await Promise.all(['accounts', 'contacts', 'systemusers'].map(async (set) => Number((await sb.api('GET', `/${set}/$count`, app)).text)))
    expect(counts[0]! + counts[1]! + counts[2]!).toBeGreaterThan(300)
  })

  it('$select returns just those columns with the id and ETag; unknown columns are Dataverse errors', async () => {
    const r = (await sb.api('GET', '/accounts?$select=name,accountnumber&$top=2', app)).json<Collection>()
    expect(Object.keys(r.value[0]!)).toEqual(['@odata.etag', 'name', 'accountnumber', 'accountid'])
    const bad = await sb.api('GET', '/accounts?$select=nmae', app)
    expect(bad.status).toBe(400)
    expect(bad.json()).toEqual({ error: { code: '0x0', message: "Could not find a property named 'nmae' on type 'Microsoft.Dynamics.CRM.account'." } })
  })

  const names = async (query: string) => (await sb.api('GET', `/accounts?$select=name,revenue,numberofemployees,statecode,_parentaccountid_value&${query}`, app)).json<Collection>().value

  it.each([
    ["$filter=name eq 'Contoso Holdings'", (r: Record<string, unknown>) => r.name === 'Contoso Holdings'],
    ["$filter=name ne 'Contoso Holdings'", (r: Record<string, unknown>) => r.name !== 'Contoso Holdings'],
    ['$filter=revenue gt 1000000', (r: Record<string, unknown>) => (r.revenue as number) > 1_000_000],
    ['$filter=revenue ge 1000000 and numberofemployees lt 1000', (r: Record<string, unknown>) => (r.revenue as number) >= 1_000_000 && (r.numberofemployees as number) < 1000],
    ['$filter=numberofemployees le 50 or statecode eq 1', (r: Record<string, unknown>) => (r.numberofemployees as number) <= 50 || r.statecode === 1],
    ['$filter=not (statecode eq 0)', (r: Record<string, unknown>) => r.statecode !== 0],
    ["$filter=contains(name,'coffee')", (r: Record<string, unknown>) => String(r.name).toLowerCase().includes('coffee')],
    ["$filter=startswith(name,'north')", (r: Record<string, unknown>) => String(r.name).toLowerCase().startsWith('north')],
    ["$filter=endswith(name,'GmbH')", (r: Record<string, unknown>) => String(r.name).endsWith('GmbH')],
    ['$filter=_parentaccountid_value ne null', (r: Record<string, unknown>) => r._parentaccountid_value !== null],
    ['$filter=_parentaccountid_value eq null', (r: Record<string, unknown>) => r._parentaccountid_value === null]
  ])('%s', async (query, predicate) => {
    const rows = await names(query)
    const all = await names('')
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every(predicate)).toBe(true)
    expect(rows.length).toBe(all.filter(predicate).length)
  })

  it('filters through a lookup, and by GUID and date literals', async () => {
    const first = (await names('$top=1'))[0]!
    expect((await names(`$filter=accountid eq ${first.accountid as string}`)).map((r) => r.accountid)).toEqual([first.accountid])
    expect((await names('$filter=createdon gt 2025-03-01T00:00:00Z')).length).toBeGreaterThan(0)
    const withContact = (await sb.api('GET', "/accounts?$select=name&$filter=primarycontactid/fullname ne null", app)).json<Collection>()
    expect(withContact.value.length).toBeGreaterThan(0)
  })

  it('explains $filter syntax and type errors with the position', async () => {
    const syntax = await sb.api('GET', `/accounts?$filter=${encodeURIComponent("name eq 'x' and")}`, app)
    expect(syntax.json()).toEqual({ error: { code: '0x80060888', message: "Syntax error at position 15 in 'name eq 'x' and'." } })
    const types = await sb.api('GET', '/accounts?$filter=name eq 5', app)
    expect(types.json<{ error: { message: string } }>().error.message).toContain("Found operand types 'Edm.String' and 'Edm.Int32' for operator kind 'Equal'")
    expect((await sb.api('GET', '/accounts?$skip=5', app)).json<{ error: { message: string } }>().error.message).toBe('The query parameter $skip is not supported')
  })

  it('answers 3,000 nested parentheses in $filter with 400, as Dataverse does (not 500)', async () => {
    const filter = `${'('.repeat(3000)}name eq 'x'${')'.repeat(3000)}`
    const r = await sb.api('GET', `/accounts?$filter=${encodeURIComponent(filter)}`, app)
    expect(r.status).toBe(400)
    expect(r.json()).toEqual({ error: { code: '0x80060888', message: 'Recursion depth exceeded allowed limit.' } })
  })

  it('$orderby, $top and $count', async () => {
    const r = (await sb.api('GET', '/accounts?$select=name,revenue&$orderby=revenue desc,name asc&$top=5&$count=true', app)).json<Collection>()
    expect(r.value).toHaveLength(5)
    const revenue = r.value.map((v) => v.revenue as number)
    expect(revenue).toEqual([...revenue].sort((a, b) => b - a))
    expect(r['@odata.count']).toBe(120)
  })

  it('pages with odata.maxpagesize and @odata.nextLink until every row is read', async () => {
    const seen = new Set<string>()
    let next: string | undefined = `${sb.info.webApiUrl}/contacts?$select=fullname`
    let pages = 0
    while (next) {
      const r = await sb.send('GET', next, { headers: { authorization: `Bearer ${app}`, prefer: 'odata.maxpagesize=50' } })
      expect(r.headers['preference-applied']).toBe('odata.maxpagesize=50')
      const body = r.json<Collection>()
      for (const row of body.value) seen.add(row.contactid as string)
      next = body['@odata.nextLink']
      pages++
    }
    expect(pages).toBe(5)
    expect(seen.size).toBe(240)
  })

  it('$expand a lookup and a collection, with nested options', async () => {
    const r = (await sb.api('GET', "/accounts?$select=name&$top=3&$expand=primarycontactid($select=fullname),contact_customer_accounts($select=fullname;$orderby=fullname;$top=1)", app)).json<Collection>()
    const row = r.value[0]!
    expect(row.primarycontactid).toMatchObject({ fullname: expect.any(String), contactid: expect.any(String) })
    expect(row.contact_customer_accounts).toHaveLength(1)
    expect((await sb.api('GET', '/accounts?$expand=nothing', app)).status).toBe(400)
  })

  it('formatted values and lookup annotations with Prefer: odata.include-annotations', async () => {
    const r = await sb.api('GET', '/accounts?$select=name,revenue,industrycode,statecode,_primarycontactid_value&$top=1', app, { headers: { prefer: 'odata.include-annotations="*"' } })
    expect(r.headers['preference-applied']).toBe('odata.include-annotations="*"')
    const row = r.json<Collection>().value[0]!
    expect(row['revenue@OData.Community.Display.V1.FormattedValue']).toMatch(/^\$[\d,]+\.\d{2}$/)
    expect(row['statecode@OData.Community.Display.V1.FormattedValue']).toMatch(/^(Active|Inactive)$/)
    expect(typeof row['industrycode@OData.Community.Display.V1.FormattedValue']).toBe('string')
    expect(row['_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('contact')
    expect(row['_primarycontactid_value@Microsoft.Dynamics.CRM.associatednavigationproperty']).toBe('primarycontactid')
    expect(row['_primarycontactid_value@OData.Community.Display.V1.FormattedValue']).toEqual(expect.any(String))
    const plain = (await sb.api('GET', '/accounts?$select=revenue&$top=1', app)).json<Collection>().value[0]!
    expect(Object.keys(plain).some((k) => k.includes('@OData.Community'))).toBe(false)
  })
})

describe('create, retrieve, update, delete', () => {
  it('creates with 204 and OData-EntityId, or 201 with the representation', async () => {
    const r = await sb.api('POST', '/accounts', app, { body: { name: 'Created by test', revenue: 1234.5 } })
    expect(r.status).toBe(204)
    expect(r.headers['odata-entityid']).toMatch(new RegExp(`^${sb.info.webApiUrl.replace(/[.]/g, '\\.')}/accounts\\([0-9a-f-]{36}\\)$`))
    const rep = await sb.api('POST', '/accounts?$select=name', app, { body: { name: 'With representation' }, headers: { prefer: 'return=representation' } })
    expect(rep.status).toBe(201)
    expect(rep.json()).toMatchObject({ name: 'With representation', '@odata.etag': expect.stringMatching(/^W\/"\d+"$/) })
  })

  it('binds lookups with @odata.bind and validates the body', async () => {
    const contact = (await sb.api('GET', '/contacts?$select=fullname&$top=1', app)).json<Collection>().value[0]!
    const r = await sb.api('POST', '/accounts?$select=_primarycontactid_value', app, { body: { name: 'Bound', 'primarycontactid@odata.bind': `/contacts(${contact.contactid as string})` }, headers: { prefer: 'return=representation' } })
    expect(r.json()._primarycontactid_value).toBe(contact.contactid)
    expect((await sb.api('POST', '/accounts', app, { body: { name: 'x', nmae: 'y' } })).json<{ error: { message: string } }>().error.message).toContain("Invalid property 'nmae' was found in entity 'Microsoft.Dynamics.CRM.account'")
    expect((await sb.api('POST', '/accounts', app, { body: { name: 42 } })).status).toBe(400)
    expect((await sb.api('POST', '/accounts', app, { body: '{ "name": ' })).json<{ error: { code: string } }>().error.code).toBe('0x80040333')
    expect((await sb.api('POST', '/accounts', app, { body: { 'primarycontactid@odata.bind': '/contacts(00000000-0000-0000-0000-000000000000)' } })).status).toBe(404)
  })

  it('retrieves by key, 404s in Dataverse\'s words, and answers If-None-Match with 304', async () => {
    const created = await sb.api('POST', '/contacts?$select=fullname', app, { body: { firstname: 'Ada', lastname: 'Lovelace' }, headers: { prefer: 'return=representation' } })
    const id = created.json().contactid as string
    const got = await sb.api('GET', `/contacts(${id})?$select=fullname`, app)
    expect(got.json()).toMatchObject({ fullname: 'Ada Lovelace', '@odata.context': expect.stringContaining('$entity') })
    expect((await sb.api('GET', `/contacts(${id})`, app, { headers: { 'if-none-match': got.headers.etag! } })).status).toBe(304)
    const missing = await sb.api('GET', '/contacts(00000000-0000-0000-0000-000000000001)', app)
    expect(missing.status).toBe(404)
    expect(missing.json()).toEqual({ error: { code: '0x80040217', message: 'contact With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist' } })
  })

  it('updates with ETags: If-Match mismatch is 412; PATCH upserts unless told otherwise', async () => {
    const created = await sb.api('POST', '/accounts', app, { body: { name: 'Versioned' }, headers: { prefer: 'return=representation' } })
    const { accountid: id, '@odata.etag': etag } = created.json() as { accountid: string; '@odata.etag': string }
    expect((await sb.api('PATCH', `/accounts(${id})`, app, { body: { name: 'v2' }, headers: { 'if-match': etag } })).status).toBe(204)
    const stale = await sb.api('PATCH', `/accounts(${id})`, app, { body: { name: 'v3' }, headers: { 'if-match': etag } })
    expect(stale.status).toBe(412)
    expect(stale.json<{ error: { code: string } }>().error.code).toBe('0x80060882')
    const fresh = '11111111-2222-4333-8444-555555555555'
    expect((await sb.api('PATCH', `/accounts(${fresh})`, app, { body: { name: 'No create' }, headers: { 'if-match': '*' } })).status).toBe(404)
    expect((await sb.api('PATCH', `/accounts(${fresh})`, app, { body: { name: 'Upserted' } })).status).toBe(204)
    expect((await sb.api('GET', `/accounts(${fresh})?$select=name`, app)).json().name).toBe('Upserted')
    expect((await sb.api('PATCH', `/accounts(${fresh})`, app, { body: { name: 'No update' }, headers: { 'if-none-match': '*' } })).status).toBe(412)
  })

  it('deletes, then 404s; and the Merge action moves children and deactivates the subordinate', async () => {
    const a = (await sb.api('POST', '/accounts', app, { body: { name: 'Target' }, headers: { prefer: 'return=representation' } })).json().accountid as string
    const b = (await sb.api('POST', '/accounts', app, { body: { name: 'Subordinate' }, headers: { prefer: 'return=representation' } })).json().accountid as string
    await sb.api('POST', '/contacts', app, { body: { lastname: 'Child', 'parentcustomerid_account@odata.bind': `/accounts(${b})` } })
    const merge = await sb.api('POST', '/Merge', app, { body: { Target: { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: a }, Subordinate: { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: b }, UpdateContent: { '@odata.type': 'Microsoft.Dynamics.CRM.account', telephone1: '555' }, PerformParentingChecks: false } })
    expect(merge.status).toBe(204)
    expect((await sb.api('GET', `/accounts(${b})?$select=statecode`, app)).json().statecode).toBe(1)
    expect((await sb.api('GET', `/accounts(${a})/contact_customer_accounts?$select=lastname`, app)).json<Collection>().value.map((c) => c.lastname)).toContain('Child')
    expect((await sb.api('DELETE', `/accounts(${b})`, app)).status).toBe(204)
    expect((await sb.api('DELETE', `/accounts(${b})`, app)).status).toBe(404)
  })

  it('refuses bodies over the limit with 413', async () => {
    const r = await sb.send('POST', `${sb.info.webApiUrl}/accounts`, { headers: { authorization: `Bearer ${app}`, 'content-type': 'application/json' }, body: Buffer.alloc(17 * 1024 * 1024, 32) })
    expect(r.status).toBe(413)
  })
})

describe('$batch', () => {
  const batch = (body: string, prefer?: string) => sb.send('POST', `${sb.info.webApiUrl}/$batch`, { headers: { authorization: `Bearer ${app}`, 'content-type': 'multipart/mixed; boundary=batch_1', ...(prefer ? { prefer } : {}) }, body })
  const part = (method: string, url: string, json?: unknown, contentId?: string) =>
    ['Content-Type: application/http', 'Content-Transfer-Encoding: binary', ...(contentId ? [`Content-ID: ${contentId}`] : []), '', `${method} ${url} HTTP/1.1`, ...(json ? ['Content-Type: application/json', '', JSON.stringify(json)] : ['Accept: application/json', '']), ''].join('\r\n')

  it('runs a GET and a change set with a Content-ID reference', async () => {
    const body = [
      '--batch_1',
      part('GET', `${sb.info.webApiUrl}/WhoAmI`),
      '--batch_1',
      'Content-Type: multipart/mixed; boundary=changeset_1',
      '',
      '--changeset_1',
      part('POST', `${sb.info.webApiUrl}/accounts`, { name: 'Batch parent' }, '1'),
      '--changeset_1',
      part('POST', 'contacts', { lastname: 'Batch child', 'parentcustomerid_account@odata.bind': '$1' }, '2'),
      '--changeset_1--',
      '--batch_1--',
      ''
    ].join('\r\n')
    const r = await batch(body)
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toMatch(/^multipart\/mixed; boundary=batchresponse_/)
    expect(r.text).toContain('HTTP/1.1 200 OK')
    expect(r.text.match(/HTTP\/1\.1 204 No Content/g)).toHaveLength(2)
    expect(r.text).toContain('changesetresponse_')
    const child = (await sb.api('GET', "/contacts?$select=_parentcustomerid_value&$filter=lastname eq 'Batch child'", app)).json<Collection>().value[0]!
    const parent = (await sb.api('GET', "/accounts?$select=name&$filter=name eq 'Batch parent'", app)).json<Collection>().value[0]!
    expect(child._parentcustomerid_value).toBe(parent.accountid)
  })

  it('rolls back a change set when one request fails (all or nothing)', async () => {
    const body = ['--batch_1', 'Content-Type: multipart/mixed; boundary=cs', '', '--cs', part('POST', 'accounts', { name: 'Should vanish' }, '1'), '--cs', part('POST', 'accounts', { name: 'Bad', nmae: 'x' }, '2'), '--cs--', '--batch_1--', ''].join('\r\n')
    const r = await batch(body)
    expect(r.text).toContain('HTTP/1.1 400 Bad Request')
    expect(r.text).toContain("Invalid property 'nmae' was found")
    expect((await sb.api('GET', "/accounts?$filter=name eq 'Should vanish'", app)).json<Collection>().value).toHaveLength(0)
  })

  it('stops at the first failure unless odata.continue-on-error', async () => {
    const body = ['--batch_1', part('GET', 'accounts(00000000-0000-0000-0000-000000000009)'), '--batch_1', part('GET', 'WhoAmI'), '--batch_1--', ''].join('\r\n')
    expect((await batch(body)).text).not.toContain('200 OK')
    expect((await batch(body, 'odata.continue-on-error')).text).toContain('200 OK')
  })

  it('explains a malformed batch', async () => {
    expect((await batch('--batch_1\r\nnot closed')).json<{ error: { message: string } }>().error.message).toContain("'--batch_1--' is missing")
    const noBoundary = await sb.send('POST', `${sb.info.webApiUrl}/$batch`, { headers: { authorization: `Bearer ${app}`, 'content-type': 'application/json' }, body: '{}' })
    expect(noBoundary.status).toBe(400)
  })
})

import { describe, expect, it } from 'vitest'
import { packSchema, SchemaView, type OperationIndex } from '@shared/schema'
import { parseCsdl } from '../../../../main/core/dataverse/csdl'
import { buildCsdl } from '../../../../main/sandbox/webapi/csdl'
import { generateCsdl } from '../../../../main/testing/bigCsdl'
import { buildOperationRequest, mergeRequestHeaders, type OperationContext } from './buildRequest'
import type { ParamValue, ParamValues } from './values'

const sandbox = new SchemaView(packSchema(parseCsdl(buildCsdl())))
const generated = new SchemaView(packSchema(parseCsdl(generateCsdl({ entityTypes: 6, propertiesPerType: 4, lookupsPerType: 1, actions: 4, functions: 4 }))))

/**
 * Operations as Microsoft's articles define them in the CSDL (use-web-api-actions.md, use-web-api-functions.md,
 * web-api-complex-enum-types.md), with the entity types they need shaped as a real org's are (systemuser and
 * team inherit their key, ownerid, from principal; letter and opportunityclose theirs, activityid, from
 * activitypointer). Read through the real parser.
 */
const DOCS_CSDL = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="crmbaseentity" Abstract="true"/>
<EntityType Name="principal" BaseType="mscrm.crmbaseentity" Abstract="true"><Key><PropertyRef Name="ownerid"/></Key><Property Name="ownerid" Type="Edm.Guid"/></EntityType>
<EntityType Name="systemuser" BaseType="mscrm.principal"><Property Name="systemuserid" Type="Edm.Guid"/><Property Name="fullname" Type="Edm.String"/></EntityType>
<EntityType Name="team" BaseType="mscrm.principal"><Property Name="teamid" Type="Edm.Guid"/></EntityType>
<EntityType Name="account" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="accountid"/></Key><Property Name="accountid" Type="Edm.Guid"/><Property Name="name" Type="Edm.String"/></EntityType>
<EntityType Name="contact" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="contactid"/></Key><Property Name="contactid" Type="Edm.Guid"/></EntityType>
<EntityType Name="queue" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="queueid"/></Key><Property Name="queueid" Type="Edm.Guid"/></EntityType>
<EntityType Name="activitypointer" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="activityid"/></Key><Property Name="activityid" Type="Edm.Guid"/><Property Name="subject" Type="Edm.String"/></EntityType>
<EntityType Name="letter" BaseType="mscrm.activitypointer"/>
<EntityType Name="opportunity" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="opportunityid"/></Key><Property Name="opportunityid" Type="Edm.Guid"/></EntityType>
<EntityType Name="opportunityclose" BaseType="mscrm.activitypointer"><Property Name="_opportunityid_value" Type="Edm.Guid"/><Property Name="actualrevenue" Type="Edm.Decimal"/><NavigationProperty Name="opportunityid" Type="mscrm.opportunity"><ReferentialConstraint Property="_opportunityid_value" ReferencedProperty="opportunityid"/></NavigationProperty></EntityType>
<EntityType Name="solution" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="solutionid"/></Key><Property Name="solutionid" Type="Edm.Guid"/></EntityType>
<EnumType Name="AccessRights"><Member Name="None" Value="0"/><Member Name="ReadAccess" Value="1"/><Member Name="WriteAccess" Value="2"/><Member Name="AppendAccess" Value="4"/><Member Name="AppendToAccess" Value="16"/><Member Name="CreateAccess" Value="32"/><Member Name="DeleteAccess" Value="65536"/><Member Name="ShareAccess" Value="262144"/><Member Name="AssignAccess" Value="524288"/></EnumType>
<EnumType Name="AttributeRequiredLevel"><Member Name="None" Value="0"/><Member Name="SystemRequired" Value="1"/><Member Name="ApplicationRequired" Value="2"/><Member Name="Recommended" Value="3"/></EnumType>
<ComplexType Name="PrincipalAccess"><Property Name="AccessMask" Type="mscrm.AccessRights" Nullable="false"/><Property Name="Principal" Type="mscrm.principal"/></ComplexType>
<Function Name="GetTimeZoneCodeByLocalizedName"><Parameter Name="LocalizedStandardName" Type="Edm.String" Nullable="false"/><Parameter Name="LocaleId" Type="Edm.Int32" Nullable="false"/><ReturnType Type="Edm.Int32" Nullable="false"/></Function>
<Function Name="RetrievePrincipalAccess" IsBound="true"><Parameter Name="entity" Type="mscrm.systemuser" Nullable="false"/><Parameter Name="Target" Type="mscrm.crmbaseentity" Nullable="false"/><ReturnType Type="mscrm.AccessRights" Nullable="false"/></Function>
<Function Name="RetrieveUserPrivileges" IsBound="true"><Parameter Name="entity" Type="mscrm.systemuser" Nullable="false"/><ReturnType Type="Edm.String" Nullable="false"/></Function>
<Function Name="FindByRequiredLevel"><Parameter Name="Level" Type="mscrm.AttributeRequiredLevel" Nullable="false"/><Parameter Name="Since" Type="Edm.DateTimeOffset"/><ReturnType Type="Edm.String" Nullable="false"/></Function>
<Action Name="WinOpportunity"><Parameter Name="OpportunityClose" Type="mscrm.opportunityclose" Nullable="false"/><Parameter Name="Status" Type="Edm.Int32" Nullable="false"/></Action>
<Action Name="AddToQueue" IsBound="true"><Parameter Name="entity" Type="mscrm.queue" Nullable="false"/><Parameter Name="Target" Type="mscrm.crmbaseentity" Nullable="false"/><Parameter Name="SourceQueue" Type="mscrm.queue"/></Action>
<Action Name="ExportTranslation" IsBound="true"><Parameter Name="entityset" Type="Collection(mscrm.solution)" Nullable="false"/><Parameter Name="SolutionName" Type="Edm.String" Nullable="false" Unicode="false"/><ReturnType Type="Edm.Binary"/></Action>
<Action Name="ModifyAccess"><Parameter Name="Target" Type="mscrm.crmbaseentity" Nullable="false"/><Parameter Name="PrincipalAccess" Type="mscrm.PrincipalAccess" Nullable="false"/></Action>
<Action Name="AddMembersTeam" IsBound="true"><Parameter Name="entity" Type="mscrm.team" Nullable="false"/><Parameter Name="Members" Type="Collection(mscrm.systemuser)" Nullable="false"/></Action>
<EntityContainer Name="System">
<EntitySet Name="accounts" EntityType="mscrm.account"/><EntitySet Name="contacts" EntityType="mscrm.contact"/><EntitySet Name="systemusers" EntityType="mscrm.systemuser"/><EntitySet Name="teams" EntityType="mscrm.team"/><EntitySet Name="queues" EntityType="mscrm.queue"/><EntitySet Name="activitypointers" EntityType="mscrm.activitypointer"/><EntitySet Name="letters" EntityType="mscrm.letter"/><EntitySet Name="opportunities" EntityType="mscrm.opportunity"/><EntitySet Name="opportunitycloses" EntityType="mscrm.opportunityclose"/><EntitySet Name="solutions" EntityType="mscrm.solution"/>
<FunctionImport Name="GetTimeZoneCodeByLocalizedName" Function="mscrm.GetTimeZoneCodeByLocalizedName"/><FunctionImport Name="FindByRequiredLevel" Function="mscrm.FindByRequiredLevel"/>
<ActionImport Name="WinOpportunity" Action="mscrm.WinOpportunity"/><ActionImport Name="ModifyAccess" Action="mscrm.ModifyAccess"/>
</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`
const docs = new SchemaView(packSchema(parseCsdl(DOCS_CSDL)))

function op(schema: SchemaView, name: string): OperationIndex {
  const found = schema.operation(name)[0]
  if (!found) throw new Error(`${name} is not in the CSDL`)
  return found
}
const text = (t: string): ParamValue => ({ kind: 'text', text: t })
const record = (entitySet: string, id: string): ParamValue => ({ kind: 'record', entitySet, id })
const build = (schema: SchemaView, name: string, values: ParamValues, target?: OperationContext['target']) => buildOperationRequest(op(schema, name), values, { schema, target })

describe('functions (use-web-api-functions.md)', () => {
  it('calls an unbound function with no parameters as GET <Name>() (Unbound functions: WhoAmI)', () => {
    expect(build(sandbox, 'WhoAmI', {})).toEqual({ method: 'GET', url: '{{webApiUrl}}/WhoAmI()', headers: [], body: '', problems: [] })
  })

  it('passes parameters as aliases, strings quoted (Passing parameters to a function: GetTimeZoneCodeByLocalizedName)', () => {
    const r = build(docs, 'GetTimeZoneCodeByLocalizedName', { LocalizedStandardName: text('Pacific Standard Time'), LocaleId: text('1033') })
    expect(r.problems).toEqual([])
    expect(r.url).toBe("{{webApiUrl}}/GetTimeZoneCodeByLocalizedName(LocalizedStandardName=@p1,LocaleId=@p2)?@p1='Pacific Standard Time'&@p2=1033")
  })

  it('passes a record as its @odata.id, on a function bound to a record by its full name (Pass record reference to a function: RetrievePrincipalAccess)', () => {
    const r = build(docs, 'RetrievePrincipalAccess', { Target: record('contacts', '9f3162f6-804a-e611-80d1-00155d4333fa') }, { entitySet: 'systemusers', id: 'af9b3cf6-f654-4cd9-97a6-cf9526662797' })
    expect(r.problems).toEqual([])
    expect(r.url).toBe('{{webApiUrl}}/systemusers(af9b3cf6-f654-4cd9-97a6-cf9526662797)/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@p1)?@p1={"@odata.id":"contacts(9f3162f6-804a-e611-80d1-00155d4333fa)"}')
  })

  it('calls a bound function on its record (Bound functions: RetrieveUserPrivileges)', () => {
    expect(build(docs, 'RetrieveUserPrivileges', {}, { entitySet: 'systemusers', id: 'da455fec-68b7-ec11-9840-000d3a13d713' }).url).toBe('{{webApiUrl}}/systemusers(da455fec-68b7-ec11-9840-000d3a13d713)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()')
  })

  it('writes a collection as a JSON array (the Sandbox: RetrieveTotalRecordCount)', () => {
    const r = build(sandbox, 'RetrieveTotalRecordCount', { EntityNames: { kind: 'list', items: [text('account'), text('contact')] } })
    expect(r.url).toBe('{{webApiUrl}}/RetrieveTotalRecordCount(EntityNames=@p1)?@p1=["account","contact"]')
  })

  it("writes enum members with their type (Microsoft.Dynamics.CRM.EntityFilters'Entity,Attributes') on a function bound to a table (the generated org)", () => {
    const fn = generated.operations.find((o) => o.name === 'new_Function0')!
    expect(fn.binding).toEqual({ type: 'account', collection: true })
    const r = buildOperationRequest(fn, { Days: text('7'), Filters: { kind: 'enum', members: ['Entity', 'Attributes'] } }, { schema: generated, target: { entitySet: 'accounts', id: '' } })
    expect(r.problems).toEqual([])
    expect(r.url).toBe("{{webApiUrl}}/accounts/Microsoft.Dynamics.CRM.new_Function0(Days=@p1,Filters=@p2)?@p1=7&@p2=Microsoft.Dynamics.CRM.EntityFilters'Entity,Attributes'")
  })

  it("doubles a quote inside a string and percent-encodes what would end the query value (&, #, +, %)", () => {
    const r = build(docs, 'GetTimeZoneCodeByLocalizedName', { LocalizedStandardName: text("O'Brien & Sons #1 +50%"), LocaleId: text('1033') })
    expect(r.url).toBe("{{webApiUrl}}/GetTimeZoneCodeByLocalizedName(LocalizedStandardName=@p1,LocaleId=@p2)?@p1='O''Brien %26 Sons %231 %2B50%25'&@p2=1033")
  })

  it('leaves out an optional parameter left empty, and writes a date and time as it is (its + encoded)', () => {
    expect(build(docs, 'FindByRequiredLevel', { Level: { kind: 'enum', members: ['Recommended'] } }).url).toBe("{{webApiUrl}}/FindByRequiredLevel(Level=@p1)?@p1=Microsoft.Dynamics.CRM.AttributeRequiredLevel'Recommended'")
    expect(build(docs, 'FindByRequiredLevel', { Level: { kind: 'enum', members: ['None'] }, Since: text('2024-05-01T09:30:00+02:00') }).url).toBe("{{webApiUrl}}/FindByRequiredLevel(Level=@p1,Since=@p2)?@p1=Microsoft.Dynamics.CRM.AttributeRequiredLevel'None'&@p2=2024-05-01T09:30:00%2B02:00")
  })
})

describe('actions (use-web-api-actions.md)', () => {
  it('posts an unbound action with its parameters as JSON, records with their type and key (the Sandbox: Merge, as merge-entity-using-web-api.md writes it)', () => {
    const r = build(sandbox, 'Merge', {
      Target: record('accounts', '00000000-0000-0000-0000-000000000001'),
      Subordinate: record('accounts', '00000000-0000-0000-0000-000000000002'),
      UpdateContent: { kind: 'record', entitySet: 'accounts', id: '' },
      PerformParentingChecks: { kind: 'boolean', value: false }
    })
    expect(r.problems).toEqual([])
    expect(r.method).toBe('POST')
    expect(r.url).toBe('{{webApiUrl}}/Merge')
    expect(r.headers).toEqual([{ key: 'Content-Type', value: 'application/json', enabled: true }])
    expect(r.body).toBe(
      [
        '{',
        '  "Target": {',
        '    "@odata.type": "Microsoft.Dynamics.CRM.account",',
        '    "accountid": "00000000-0000-0000-0000-000000000001"',
        '  },',
        '  "Subordinate": {',
        '    "@odata.type": "Microsoft.Dynamics.CRM.account",',
        '    "accountid": "00000000-0000-0000-0000-000000000002"',
        '  },',
        '  "PerformParentingChecks": false',
        '}'
      ].join('\n')
    )
  })

  it('sends a record to update as its columns with its type (Merge UpdateContent)', () => {
    const r = build(sandbox, 'Merge', {
      Target: record('contacts', '00000000-0000-0000-0000-000000000001'),
      Subordinate: record('contacts', '00000000-0000-0000-0000-000000000002'),
      UpdateContent: { kind: 'fields', entitySet: 'contacts', fields: [{ name: 'jobtitle', value: text('Buyer') }] },
      PerformParentingChecks: { kind: 'boolean', value: true }
    })
    expect(JSON.parse(r.body).UpdateContent).toEqual({ '@odata.type': 'Microsoft.Dynamics.CRM.contact', jobtitle: 'Buyer' })
  })

  it('names every required parameter that is missing', () => {
    const r = build(sandbox, 'Merge', {})
    expect(r.problems.map((p) => p.parameter)).toEqual(['Target', 'Subordinate', 'PerformParentingChecks'])
    expect(r.problems[0]!.message).toBe('Target is required (crmbaseentity).')
  })

  it('types a crmbaseentity record that inherits its key (Bound actions: AddToQueue with a letter)', () => {
    const r = build(docs, 'AddToQueue', { Target: record('letters', '59ae8258-4878-e511-80d4-00155d2a68d1') }, { entitySet: 'queues', id: '56ae8258-4878-e511-80d4-00155d2a68d1' })
    expect(r.problems).toEqual([])
    expect(r.url).toBe('{{webApiUrl}}/queues(56ae8258-4878-e511-80d4-00155d2a68d1)/Microsoft.Dynamics.CRM.AddToQueue')
    expect(JSON.parse(r.body)).toEqual({ Target: { activityid: '59ae8258-4878-e511-80d4-00155d2a68d1', '@odata.type': 'Microsoft.Dynamics.CRM.letter' } })
  })

  it('binds a record to create to an existing one with <navigation>@odata.bind (Unbound actions: WinOpportunity)', () => {
    const r = build(docs, 'WinOpportunity', {
      OpportunityClose: {
        kind: 'fields',
        entitySet: 'opportunitycloses',
        fields: [
          { name: 'subject', value: text('Won Opportunity') },
          { name: 'opportunityid', value: record('opportunities', 'b3828ac8-917a-e511-80d2-00155d2a68d2') }
        ]
      },
      Status: text('3')
    })
    expect(r.problems).toEqual([])
    expect(JSON.parse(r.body)).toEqual({
      OpportunityClose: { '@odata.type': 'Microsoft.Dynamics.CRM.opportunityclose', subject: 'Won Opportunity', 'opportunityid@odata.bind': '/opportunities(b3828ac8-917a-e511-80d2-00155d2a68d2)' },
      Status: 3
    })
  })

  it('calls an action bound to a table on its entity set (Actions bound to an entity collection: ExportTranslation)', () => {
    const r = build(docs, 'ExportTranslation', { SolutionName: text('MySolution') }, { entitySet: 'solutions', id: '' })
    expect(r.url).toBe('{{webApiUrl}}/solutions/Microsoft.Dynamics.CRM.ExportTranslation')
    expect(JSON.parse(r.body)).toEqual({ SolutionName: 'MySolution' })
  })

  it('writes a collection of records, each with its type and inherited key (Specify entity parameter type: AddMembersTeam)', () => {
    const r = build(docs, 'AddMembersTeam', { Members: { kind: 'list', items: [record('systemusers', '5dbf5efc-4507-e611-80de-5065f38a7b01')] } }, { entitySet: 'teams', id: '00000000-0000-0000-0000-0000000000aa' })
    expect(JSON.parse(r.body)).toEqual({ Members: [{ '@odata.type': 'Microsoft.Dynamics.CRM.systemuser', ownerid: '5dbf5efc-4507-e611-80de-5065f38a7b01' }] })
  })

  it('writes a complex value with its record and its combined enum members (web-api-complex-enum-types.md: ModifyAccess)', () => {
    const r = build(docs, 'ModifyAccess', {
      Target: record('accounts', 'cbcf8bbc-aa41-ec11-8c62-000d3a53893c'),
      PrincipalAccess: {
        kind: 'fields',
        entitySet: '',
        fields: [
          { name: 'Principal', value: record('systemusers', '8061643d-ebf7-e811-a974-000d3a1e1c9a') },
          { name: 'AccessMask', value: { kind: 'enum', members: ['ReadAccess', 'WriteAccess', 'DeleteAccess', 'AppendAccess', 'AssignAccess'] } }
        ]
      }
    })
    expect(r.problems).toEqual([])
    // The article writes the systemuser's id as systemuserid; the CSDL's key of systemuser is principal's ownerid, the same value.
    expect(JSON.parse(r.body)).toEqual({
      Target: { accountid: 'cbcf8bbc-aa41-ec11-8c62-000d3a53893c', '@odata.type': 'Microsoft.Dynamics.CRM.account' },
      PrincipalAccess: { Principal: { ownerid: '8061643d-ebf7-e811-a974-000d3a1e1c9a', '@odata.type': 'Microsoft.Dynamics.CRM.systemuser' }, AccessMask: 'ReadAccess,WriteAccess,DeleteAccess,AppendAccess,AssignAccess' }
    })
  })

  it('keeps a Decimal as typed, on an action bound to a record, with a record and a collection of any tables (the generated org: new_Action0)', () => {
    const r = build(
      generated,
      'new_Action0',
      {
        Amount: text('12345678901234567.89'),
        Note: text('Say "hi"'),
        Related: record('contacts', '00000000-0000-0000-0000-0000000000c1'),
        Targets: { kind: 'list', items: [record('accounts', '00000000-0000-0000-0000-0000000000a1'), record('new_table0002s', '{{tableId}}')] }
      },
      { entitySet: 'accounts', id: '00000000-0000-0000-0000-0000000000a0' }
    )
    expect(r.problems).toEqual([])
    expect(r.url).toBe('{{webApiUrl}}/accounts(00000000-0000-0000-0000-0000000000a0)/Microsoft.Dynamics.CRM.new_Action0')
    expect(r.body).toContain('"Amount": 12345678901234567.89,')
    expect(JSON.parse(r.body.replace('"{{tableId}}"', '"x"'))).toEqual({
      Amount: expect.any(Number),
      Note: 'Say "hi"',
      Related: { '@odata.type': 'Microsoft.Dynamics.CRM.contact', contactid: '00000000-0000-0000-0000-0000000000c1' },
      Targets: [
        { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: '00000000-0000-0000-0000-0000000000a1' },
        { '@odata.type': 'Microsoft.Dynamics.CRM.new_table0002', new_table0002id: 'x' }
      ]
    })
  })
})

describe('bad values are named, not sent', () => {
  it('says which value does not fit its type', () => {
    const r = build(generated, 'new_Action1', { Amount: text('12,5'), Related: record('new_table0002s', 'not-a-guid'), Targets: { kind: 'list', items: [text('')] } })
    expect(r.problems).toEqual([
      { parameter: 'Amount', message: 'Amount must be a number (digits, with a . for decimals); "12,5" is not.' },
      { parameter: 'Related', message: 'Related needs the record\'s id, a GUID; "not-a-guid" is not one.' },
      { parameter: 'Targets[1]', message: 'Targets[1] is empty: give it a value or remove it.' }
    ])
  })

  it('takes a {{variable}} for any value', () => {
    const r = build(docs, 'GetTimeZoneCodeByLocalizedName', { LocalizedStandardName: text('{{zone}}'), LocaleId: text('{{locale}}') })
    expect(r.problems).toEqual([])
    expect(r.url).toBe("{{webApiUrl}}/GetTimeZoneCodeByLocalizedName(LocalizedStandardName=@p1,LocaleId=@p2)?@p1='{{zone}}'&@p2={{locale}}")
  })

  it('needs the record of an operation bound to one, and the table of any bound one', () => {
    expect(build(docs, 'RetrieveUserPrivileges', {}, { entitySet: 'systemusers', id: '' }).problems).toEqual([{ parameter: 'binding', message: 'RetrieveUserPrivileges is bound to one systemusers record: give its id, a GUID.' }])
    expect(build(docs, 'ExportTranslation', { SolutionName: text('x') }).problems[0]!.message).toBe('ExportTranslation is bound to a table: choose the table.')
  })

  it('refuses several members of an enum that takes one, and members it does not have', () => {
    expect(build(docs, 'FindByRequiredLevel', { Level: { kind: 'enum', members: ['SystemRequired', 'Recommended'] } }).problems[0]!.message).toBe('Level takes one member of AttributeRequiredLevel.')
    expect(build(docs, 'FindByRequiredLevel', { Level: { kind: 'enum', members: ['Mandatory'] } }).problems[0]!.message).toBe('Level: Mandatory is not a member of AttributeRequiredLevel.')
  })

  it('refuses a column the table does not have in a record to create, and a record with no table', () => {
    const r = build(docs, 'WinOpportunity', { OpportunityClose: { kind: 'fields', entitySet: 'opportunitycloses', fields: [{ name: 'nonexistent', value: text('x') }] }, Status: text('3') })
    expect(r.problems[0]!.message).toBe('nonexistent is not a column or lookup of opportunitycloses.')
    expect(build(sandbox, 'Merge', { Target: record('', '00000000-0000-0000-0000-000000000001') }).problems.find((p) => p.parameter === 'Target')!.message).toBe('Choose the table of the record Target refers to.')
  })
})

describe("writing into a tab's headers", () => {
  it("puts the request's Content-Type in place of the tab's, whatever its case, and keeps the rest", () => {
    const tab = [
      { key: 'Accept', value: 'application/json', enabled: true },
      { key: 'content-type', value: 'text/plain', enabled: false }
    ]
    expect(mergeRequestHeaders(tab, [{ key: 'Content-Type', value: 'application/json', enabled: true }])).toEqual([
      { key: 'Accept', value: 'application/json', enabled: true },
      { key: 'Content-Type', value: 'application/json', enabled: true }
    ])
  })
})

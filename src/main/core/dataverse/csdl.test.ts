import { describe, expect, it } from 'vitest'
import { buildCsdl } from '../../sandbox/webapi/csdl'
import { generateCsdl } from '../../testing/bigCsdl'
import { parseCsdl } from './csdl'

describe('parseCsdl on the Sandbox org', () => {
  const index = parseCsdl(buildCsdl())

  it('reads the namespace and alias', () => {
    expect(index.namespace).toBe('Microsoft.Dynamics.CRM')
    expect(index.alias).toBe('mscrm')
  })

  it('links entity sets and entity types both ways', () => {
    expect(index.entitySets).toContainEqual({ name: 'accounts', entityType: 'account' })
    const account = index.entityTypes.find((e) => e.name === 'account')!
    expect(account.entitySet).toBe('accounts')
    expect(account.key).toEqual(['accountid'])
    expect(account.baseType).toBe('crmbaseentity')
    expect(index.entityTypes.find((e) => e.name === 'crmbaseentity')).toMatchObject({ abstract: true, entitySet: null })
  })

  it('keeps property types and lookups with the property behind them', () => {
    const account = index.entityTypes.find((e) => e.name === 'account')!
    expect(account.properties.find((p) => p.name === 'revenue')).toEqual({ name: 'revenue', type: 'Edm.Decimal', required: false })
    const primary = account.navigation.find((n) => n.name === 'primarycontactid')!
    expect(primary).toMatchObject({ target: 'contact', collection: false, lookup: '_primarycontactid_value' })
    const contact = index.entityTypes.find((e) => e.name === 'contact')!
    const back = contact.navigation.find((n) => n.partner === 'primarycontactid')
    expect(back).toMatchObject({ target: 'account', collection: true })
  })

  it('lists functions and actions with parameters and return types', () => {
    expect(index.operations.find((o) => o.name === 'WhoAmI')).toEqual({ kind: 'function', name: 'WhoAmI', binding: null, parameters: [], returnType: { type: 'WhoAmIResponse', collection: false }, composable: false })
    const merge = index.operations.find((o) => o.name === 'Merge')!
    expect(merge.kind).toBe('action')
    expect(merge.parameters.map((p) => `${p.name}:${p.type}${p.required ? '!' : ''}`)).toEqual(['Target:crmbaseentity!', 'Subordinate:crmbaseentity!', 'UpdateContent:crmbaseentity', 'PerformParentingChecks:Edm.Boolean!'])
    expect(index.complexTypes.find((c) => c.name === 'WhoAmIResponse')!.properties.map((p) => p.name)).toEqual(['BusinessUnitId', 'UserId', 'OrganizationId'])
  })
})

describe('parseCsdl on a real-org-size document', () => {
  const xml = generateCsdl({ entityTypes: 60, propertiesPerType: 20, lookupsPerType: 3, actions: 20, functions: 9 })
  const index = parseCsdl(xml)

  it('indexes every type, set and operation', () => {
    expect(index.entityTypes).toHaveLength(61)
    expect(index.entitySets).toHaveLength(60)
    expect(index.operations.filter((o) => o.kind === 'action')).toHaveLength(20)
    expect(index.operations.filter((o) => o.kind === 'function')).toHaveLength(10)
  })

  it('reads alternate keys from the Keys vocabulary annotation, not ordinary annotations', () => {
    const t = index.entityTypes.find((e) => e.name === 'new_table0005')!
    expect(t.alternateKeys).toEqual([['new_field000']])
    expect(t.properties.find((p) => p.name === 'name')).toEqual({ name: 'name', type: 'Edm.String', required: false })
  })

  it('separates the binding parameter of bound operations', () => {
    const bound = index.operations.find((o) => o.name === 'new_Action0')!
    expect(bound.binding).toEqual({ type: 'account', collection: false })
    expect(bound.parameters.map((p) => p.name)).toEqual(['Amount', 'Note', 'Related', 'Targets'])
    expect(bound.parameters[3]).toMatchObject({ type: 'crmbaseentity', collection: true })
    const boundToCollection = index.operations.find((o) => o.name === 'new_Function0')!
    expect(boundToCollection.binding).toEqual({ type: 'account', collection: true })
    expect(boundToCollection.returnType).toEqual({ type: 'Edm.String', collection: true })
    expect(index.operations.find((o) => o.name === 'new_Action1')!.binding).toBeNull()
  })

  it('reads enum members', () => {
    expect(index.enumTypes[0]).toMatchObject({ name: 'EntityFilters', flags: true })
    expect(index.enumTypes[0]!.members.find((m) => m.name === 'All')!.value).toBe(15)
  })
})

describe('parseCsdl inheritance', () => {
  it('gives derived types the base type key, properties and navigation (activities)', () => {
    const xml = `<?xml version="1.0"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
      <Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">
        <EntityType Name="activitypointer"><Key><PropertyRef Name="activityid"/></Key><Property Name="activityid" Type="Edm.Guid"/><Property Name="subject" Type="Edm.String"/>
          <NavigationProperty Name="regardingobjectid_account" Type="mscrm.account"><ReferentialConstraint Property="_regardingobjectid_value" ReferencedProperty="accountid"/></NavigationProperty></EntityType>
        <EntityType Name="email" BaseType="mscrm.activitypointer"><Property Name="subject" Type="Edm.String" Nullable="false"/><Property Name="sender" Type="Edm.String"/></EntityType>
        <EntityType Name="account"><Key><PropertyRef Name="accountid"/></Key><Property Name="accountid" Type="Edm.Guid"/></EntityType>
        <EntityContainer Name="System"><EntitySet Name="emails" EntityType="Microsoft.Dynamics.CRM.email"/></EntityContainer>
      </Schema></edmx:DataServices></edmx:Edmx>`
    const email = parseCsdl(xml).entityTypes.find((e) => e.name === 'email')!
    expect(email.key).toEqual(['activityid'])
    expect(email.entitySet).toBe('emails')
    expect(email.properties.map((p) => p.name)).toEqual(['activityid', 'subject', 'sender'])
    expect(email.properties.find((p) => p.name === 'subject')!.required).toBe(true)
    expect(email.navigation.map((n) => n.name)).toEqual(['regardingobjectid_account'])
  })

  it('survives a base type cycle', () => {
    const xml = `<edmx:Edmx xmlns:edmx="x"><edmx:DataServices><Schema Namespace="N" xmlns="y"><EntityType Name="a" BaseType="N.b"/><EntityType Name="b" BaseType="N.a"/></Schema></edmx:DataServices></edmx:Edmx>`
    expect(parseCsdl(xml).entityTypes.map((e) => e.name)).toEqual(['a', 'b'])
  })
})

describe('parseCsdl errors', () => {
  it.each([
    ['not XML', 'this is not xml'],
    ['truncated', '<edmx:Edmx xmlns:edmx="x"><edmx:DataServices><Schema Namespace="N"><EntityType Name="a">'],
    ['HTML login page', '<!doctype html><html><body>Sign in</body></html>'],
    ['JSON', '{"error":{"code":"0x80040220"}}'],
    ['XML that is not CSDL', '<?xml version="1.0"?><feed/>']
  ])('%s is an invalid_metadata error that says why', (_name, text) => {
    expect(() => parseCsdl(text)).toThrow(expect.objectContaining({ code: 'invalid_metadata', message: expect.stringMatching(/\$metadata/) }))
  })
})

import { describe, expect, it } from 'vitest'
import { packSchema, SchemaView } from '@shared/schema'
import { parseCsdl } from '../../../../main/core/dataverse/csdl'
import { buildCsdl } from '../../../../main/sandbox/webapi/csdl'
import { generateCsdl } from '../../../../main/testing/bigCsdl'
import { catalog, searchCatalog } from './catalog'
import { fieldType, severalMembers, tablesFor } from './paramTypes'
import { fieldChoices } from './values'

const sandbox = new SchemaView(packSchema(parseCsdl(buildCsdl())))
const generated = new SchemaView(packSchema(parseCsdl(generateCsdl({ entityTypes: 6, propertiesPerType: 4, lookupsPerType: 1, actions: 6, functions: 6 }))))

describe('the catalog of actions and functions', () => {
  it("lists the Sandbox's operations with their signature and return type", () => {
    const entries = catalog(sandbox)
    expect(entries.map((e) => e.operation.name)).toEqual(expect.arrayContaining(['Merge', 'RetrieveTotalRecordCount', 'RetrieveVersion', 'WhoAmI']))
    const merge = entries.find((e) => e.operation.name === 'Merge')!
    expect(merge).toMatchObject({ table: null, bindingLabel: 'unbound', signature: 'Target: crmbaseentity, Subordinate: crmbaseentity, UpdateContent?: crmbaseentity, PerformParentingChecks: Boolean', returns: null })
    expect(entries.find((e) => e.operation.name === 'RetrieveTotalRecordCount')!.signature).toBe('EntityNames: Collection(String)')
  })

  it('puts unbound operations first, and shows bound ones with their table', () => {
    const entries = catalog(generated)
    const firstBound = entries.findIndex((e) => e.table !== null)
    expect(firstBound).toBeGreaterThan(0)
    expect(entries.slice(firstBound).every((e) => e.table !== null)).toBe(true)
    expect(entries.find((e) => e.operation.name === 'new_Action0')).toMatchObject({ table: 'accounts', bindingLabel: 'on one account' })
    expect(entries.find((e) => e.operation.name === 'new_Function0')).toMatchObject({ table: 'accounts', bindingLabel: 'on accounts' })
  })

  it('finds by name or table, names starting with the search first', () => {
    const entries = catalog(generated)
    expect(searchCatalog(entries, 'function1').map((e) => e.operation.name)).toEqual(['new_Function1'])
    expect(searchCatalog(entries, 'who')[0]!.operation.name).toBe('WhoAmI')
    expect(searchCatalog(entries, 'new accounts').map((e) => e.operation.name).sort()).toEqual(['new_Action0', 'new_Function0'])
    expect(searchCatalog(entries, 'nothing like this')).toEqual([])
  })
})

describe('what a parameter asks for', () => {
  it('reads Edm types, enums, tables and complex types from the index', () => {
    expect(fieldType('Edm.Decimal', false, generated).kind).toBe('decimal')
    expect(fieldType('EntityFilters', false, generated)).toMatchObject({ kind: 'enum', enumType: { flags: true } })
    expect(fieldType('crmbaseentity', true, generated)).toMatchObject({ kind: 'entity', collection: true })
    expect(fieldType('WhoAmIResponse', false, generated).kind).toBe('complex')
    expect(fieldType('Edm.Untyped', false, generated).kind).toBe('untyped')
  })

  it('offers every table for a crmbaseentity reference, and the own table for a typed one', () => {
    const base = generated.entityType('crmbaseentity')!
    expect(tablesFor(base, generated).map((t) => t.entitySet)).toEqual(['accounts', 'contacts', 'new_table0002s', 'new_table0003s', 'new_table0004s', 'new_table0005s'])
    expect(tablesFor(generated.entityType('contact')!, generated).map((t) => t.entitySet)).toEqual(['contacts'])
  })

  it('takes several members of a flags enum, or of one whose members are all distinct bits, and one otherwise', () => {
    expect(severalMembers(generated.enumType('EntityFilters')!)).toBe(true)
    expect(severalMembers({ name: 'AccessRights', flags: false, members: [0, 1, 2, 4, 16, 32].map((value, i) => ({ name: `m${i}`, value })) })).toBe(true)
    expect(severalMembers(sandbox.enumType('OwnershipTypes')!)).toBe(false)
  })

  it("offers a record's columns (not its key nor the _x_value lookups) and its lookups to bind", () => {
    const choices = fieldChoices({ kind: 'fields', entitySet: 'accounts', fields: [] }, null, sandbox)
    const names = choices.map((c) => c.name)
    expect(names).toEqual(expect.arrayContaining(['name', 'revenue', 'primarycontactid']))
    expect(names).not.toContain('accountid')
    expect(names).not.toContain('_primarycontactid_value')
    expect(choices.find((c) => c.name === 'primarycontactid')).toMatchObject({ bind: true, type: { kind: 'entity' } })
  })
})

import { describe, expect, it } from 'vitest'
import { packSchema, SchemaView } from '@shared/schema'
import { parseCsdl } from '../../../../main/core/dataverse/csdl'
import { buildCsdl } from '../../../../main/sandbox/webapi/csdl'
import { completeUrl, type CompletionResult } from './completions'

const schema = new SchemaView(packSchema(parseCsdl(buildCsdl())))

/** Complete at the `|` in the text. */
function at(textWithCursor: string): CompletionResult | null {
  const cursor = textWithCursor.indexOf('|')
  const text = textWithCursor.replace('|', '')
  return completeUrl(text, cursor, schema)
}
const labels = (r: CompletionResult | null) => (r?.options ?? []).map((o) => o.label)

describe('the path', () => {
  it('offers the Web API root on an empty URL', () => {
    expect(labels(at('|'))).toEqual(['{{webApiUrl}}/'])
    expect(labels(at('{{web|'))).toEqual(['{{webApiUrl}}/'])
  })

  it('offers entity sets and unbound operations after the root, from where the segment starts', () => {
    const r = at('{{webApiUrl}}/acc|')!
    expect(r.from).toBe('{{webApiUrl}}/'.length)
    expect(labels(r)).toEqual(expect.arrayContaining(['accounts', 'contacts', 'systemusers', 'WhoAmI', 'Merge', '$metadata', '$batch']))
    expect(r.options.find((o) => o.label === 'WhoAmI')!.snippet).toBe('WhoAmI()')
    expect(r.options.find((o) => o.label === 'Merge')!.detail).toMatch(/action.*POST/)
  })

  it('works after a literal Web API root too', () => {
    expect(labels(at('https://contoso.crm.dynamics.com/api/data/v9.2/con|'))).toContain('contacts')
  })

  it('offers the key shape inside the parentheses', () => {
    const r = at('{{webApiUrl}}/accounts(|')!
    expect(r.options[0]).toMatchObject({ label: 'accountid', kind: 'key', detail: 'primary key (GUID)' })
  })

  it('offers navigation properties and columns after a record', () => {
    const r = at('{{webApiUrl}}/accounts(00000000-0000-0000-0000-000000000001)/|')!
    expect(labels(r)).toEqual(expect.arrayContaining(['primarycontactid', 'contact_customer_accounts', 'name', '$ref']))
    expect(r.options.find((o) => o.label === 'primarycontactid')).toMatchObject({ kind: 'navigation', detail: '→ contact' })
  })

  it('offers $count on a collection, and follows a navigation path to its table', () => {
    expect(labels(at('{{webApiUrl}}/accounts/|'))).toContain('$count')
    expect(labels(at('{{webApiUrl}}/accounts(00000000-0000-0000-0000-000000000001)/primarycontactid/|'))).toEqual(expect.arrayContaining(['fullname', 'parentcustomerid_account']))
  })
})

describe('query options', () => {
  it('offers the options a collection takes, without ones already used', () => {
    const r = at('{{webApiUrl}}/accounts?$select=name&|')!
    expect(labels(r)).toEqual(expect.arrayContaining(['$filter', '$expand', '$orderby', '$top', '$count', 'fetchXml']))
    expect(labels(r)).not.toContain('$select')
    expect(r.options.find((o) => o.label === '$filter')!.apply).toBe('$filter=')
  })

  it('offers only $select and $expand for one record', () => {
    expect(labels(at('{{webApiUrl}}/accounts(00000000-0000-0000-0000-000000000001)?|'))).toEqual(['$select', '$expand'])
  })

  it('completes $select columns after a comma, lookups marked with their target', () => {
    const r = at('{{webApiUrl}}/accounts?$select=name,rev|')!
    expect(r.from).toBe('{{webApiUrl}}/accounts?$select=name,'.length)
    expect(labels(r)).toContain('revenue')
    expect(r.options.find((o) => o.label === '_primarycontactid_value')).toMatchObject({ kind: 'lookup', detail: 'lookup → contact' })
    expect(labels(r)).not.toContain('primarycontactid')
  })

  it('completes $orderby columns, then asc/desc', () => {
    expect(labels(at('{{webApiUrl}}/accounts?$orderby=|'))).toContain('name')
    expect(labels(at('{{webApiUrl}}/accounts?$orderby=name |'))).toEqual(['asc', 'desc'])
  })

  it('completes $expand navigation properties and nested options with the related table', () => {
    const nav = at('{{webApiUrl}}/accounts?$expand=|')!
    expect(labels(nav)).toEqual(expect.arrayContaining(['primarycontactid', 'contact_customer_accounts']))
    expect(nav.options.find((o) => o.label === 'primarycontactid')!.snippet).toBe('primarycontactid($select=${columns})')
    expect(labels(at('{{webApiUrl}}/accounts?$expand=primarycontactid(|'))).toEqual(['$select', '$expand'])
    expect(labels(at('{{webApiUrl}}/accounts?$expand=contact_customer_accounts($select=fullname;|'))).toEqual(['$filter', '$orderby', '$top', '$expand'])
    expect(labels(at('{{webApiUrl}}/accounts?$expand=primarycontactid($select=full|'))).toContain('fullname')
    expect(labels(at('{{webApiUrl}}/accounts?$expand=contact_customer_accounts($filter=|'))).toContain('fullname')
  })
})

describe('$filter', () => {
  it('starts with columns, navigation paths, lambdas, string functions and query functions', () => {
    const r = at('{{webApiUrl}}/accounts?$filter=|')!
    const l = labels(r)
    expect(l).toEqual(expect.arrayContaining(['name', 'revenue', 'primarycontactid/', 'contact_customer_accounts/any', 'contains', 'not', 'Microsoft.Dynamics.CRM.LastXDays']))
    expect(r.options.find((o) => o.label === 'Microsoft.Dynamics.CRM.LastXDays')!.snippet).toBe("Microsoft.Dynamics.CRM.LastXDays(PropertyName='${property}',PropertyValue=${value})")
    expect(r.options.find((o) => o.label === 'contact_customer_accounts/any')!.snippet).toBe('contact_customer_accounts/any(o:o/${condition})')
  })

  it('offers operators after a column, by type', () => {
    expect(labels(at('{{webApiUrl}}/accounts?$filter=revenue |'))).toEqual(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or'])
    expect(labels(at('{{webApiUrl}}/accounts?$filter=accountid |')).slice(0, 2)).toEqual(['eq', 'ne'])
    expect(labels(at('{{webApiUrl}}/accounts?$filter=accountid |'))).not.toContain('gt')
  })

  it('offers values by type: quotes for strings, GUIDs bare, ISO dates, null', () => {
    expect(at("{{webApiUrl}}/accounts?$filter=name eq |")!.options[0]).toMatchObject({ snippet: "'${text}'" })
    expect(labels(at('{{webApiUrl}}/accounts?$filter=accountid eq |'))[0]).toMatch(/^0{8}-/)
    expect(labels(at('{{webApiUrl}}/accounts?$filter=createdon gt |'))[0]).toMatch(/^\d{4}-\d\d-\d\dT00:00:00Z$/)
    expect(labels(at('{{webApiUrl}}/accounts?$filter=name ne |'))).toContain('null')
  })

  it('offers and/or after a comparison, then columns again', () => {
    expect(labels(at("{{webApiUrl}}/accounts?$filter=name eq 'A' |"))).toEqual(['and', 'or'])
    expect(labels(at("{{webApiUrl}}/accounts?$filter=name eq 'A' and rev|"))).toContain('revenue')
    expect(labels(at("{{webApiUrl}}/accounts?$filter=(name eq 'A' or name eq 'B') |"))).toEqual(['and', 'or'])
  })

  it('completes columns of the related table after a navigation path and inside a lambda', () => {
    expect(labels(at('{{webApiUrl}}/accounts?$filter=primarycontactid/|'))).toContain('fullname')
    expect(labels(at('{{webApiUrl}}/accounts?$filter=primarycontactid/|'))).not.toContain('contains')
    expect(labels(at('{{webApiUrl}}/accounts?$filter=contact_customer_accounts/any(o:o/|'))).toContain('fullname')
    expect(labels(at("{{webApiUrl}}/accounts?$filter=contact_customer_accounts/any(o:o/fullname |"))).toContain('eq')
  })

  it('completes the column inside a query function and inside contains()', () => {
    expect(labels(at("{{webApiUrl}}/accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='|"))).toContain('createdon')
    expect(labels(at('{{webApiUrl}}/accounts?$filter=contains(|'))).toContain('name')
  })
})

describe('robustness', () => {
  it('never throws on any prefix of a long, odd URL', () => {
    const url = "{{webApiUrl}}/accounts(accountnumber='A(1)/2')/primarycontactid?$select=fullname,&$filter=((not contains(fullname,'x''y') and _parentcustomerid_value eq null) or Microsoft.Dynamics.CRM.In(PropertyName='x',PropertyValues=['1','2']))&$expand=a(b(c(;;&$orderby= desc&&$top=5&@p1=%zz"
    for (let i = 0; i <= url.length; i++) expect(() => completeUrl(url, i, schema)).not.toThrow()
  })
})

import { describe, expect, it } from 'vitest'
import { packSchema, SchemaView } from '@shared/schema'
import { parseCsdl } from '../../../../main/core/dataverse/csdl'
import { buildCsdl } from '../../../../main/sandbox/webapi/csdl'
import { checkUrl, describeAt } from './diagnostics'

const schema = new SchemaView(packSchema(parseCsdl(buildCsdl())))
const messages = (url: string) => checkUrl(url, schema).map((d) => `${url.slice(d.from, d.to)}: ${d.message}`)

describe('checkUrl', () => {
  it('passes a correct query', () => {
    expect(messages("{{webApiUrl}}/accounts?$select=name,revenue&$filter=revenue gt 1000000 and statecode eq 0&$expand=primarycontactid($select=fullname)&$orderby=name desc")).toEqual([])
  })

  it('marks an unknown entity set', () => {
    expect(messages('{{webApiUrl}}/acounts?$select=name')).toEqual(['acounts: "acounts" is not an entity set, function or action of this org.'])
  })

  it('marks a column the table does not have, with a hint for case and lookups', () => {
    expect(messages('{{webApiUrl}}/accounts?$select=name,Revenue,nope')).toEqual([
      'Revenue: account has no column "Revenue". Names are lower case in the Web API: revenue.',
      'nope: account has no column "nope".'
    ])
    expect(messages('{{webApiUrl}}/accounts?$select=name,primarycontactid')).toEqual(['primarycontactid: "primarycontactid" is a navigation property: select its lookup column _primarycontactid_value, or $expand=primarycontactid.'])
  })

  it('marks a collection navigation property in $select, and a column in $expand', () => {
    expect(messages('{{webApiUrl}}/accounts?$select=contact_customer_accounts')[0]).toMatch(/collection of related contact rows: use \$expand=contact_customer_accounts/)
    expect(messages('{{webApiUrl}}/accounts?$expand=name')).toEqual(['name: "name" is a column, not a navigation property: put it in $select.'])
  })

  it('checks nested $select inside $expand against the related table', () => {
    expect(messages('{{webApiUrl}}/accounts?$expand=primarycontactid($select=fullname,revenue)')).toEqual(['revenue: contact has no column "revenue".'])
  })

  it('checks $orderby and $filter columns, through navigation paths and lambdas, ignoring string contents', () => {
    expect(messages('{{webApiUrl}}/accounts?$orderby=nme desc')).toEqual(['nme: account has no column "nme".'])
    expect(messages("{{webApiUrl}}/accounts?$filter=nme eq 'revenue eq 1'")).toEqual(['nme: account has no column "nme".'])
    expect(messages("{{webApiUrl}}/accounts?$filter=primarycontactid/fullnam eq 'x'")).toEqual(['fullnam: contact has no column "fullnam".'])
    expect(messages("{{webApiUrl}}/accounts?$filter=contact_customer_accounts/any(o:o/fullname eq 'x' and o/bogus eq 1)")).toEqual(['bogus: contact has no column "bogus".'])
  })

  it('says nothing about URLs that are not the Web API', () => {
    expect(checkUrl('https://example.com/anything?$select=x', schema)).toEqual([])
  })
})

describe('describeAt', () => {
  const url = '{{webApiUrl}}/accounts?$select=name,_primarycontactid_value&$expand=primarycontactid($select=fullname)'
  const at = (word: string) => describeAt(url, url.indexOf(word) + 1, schema)?.text

  it('describes entity sets, columns, lookups and navigation properties', () => {
    expect(at('accounts')).toMatch(/^accounts: entity set of account \(key accountid;/)
    expect(at('name,')).toBe('account.name: Edm.String')
    expect(at('_primarycontactid_value')).toBe('account._primarycontactid_value: Edm.Guid (lookup → contact)')
    expect(at('primarycontactid(')).toBe('account.primarycontactid: → contact (lookup _primarycontactid_value)')
    expect(at('fullname')).toBe('contact.fullname: Edm.String')
  })

  it('describes operations with their parameters', () => {
    expect(describeAt('{{webApiUrl}}/WhoAmI()', 16, schema)?.text).toBe('function WhoAmI() → WhoAmIResponse')
  })
})

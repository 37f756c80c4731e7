import { describe, expect, it } from 'vitest'
import { packSchema, SchemaView } from '@shared/schema'
import { parseCsdl } from '../../../../../main/core/dataverse/csdl'
import { buildCsdl } from '../../../../../main/sandbox/webapi/csdl'
import { cellOf } from './cells'
import { columnsOf, selectOf } from './columns'
import { toCsv, toTsv } from './exportText'
import { entitySetFor, recordUrl } from './lookups'
import type { ODataRecord } from './result'
import { rowFilter, sliced, sortRows } from './sortFilter'

const F = '@OData.Community.Display.V1.FormattedValue'
const records: ODataRecord[] = [
  {
    '@odata.etag': 'W/"1"',
    name: 'Contoso',
    revenue: 1500.5,
    ['revenue' + F]: '$1,500.50',
    industrycode: 3,
    ['industrycode' + F]: 'Retail',
    createdon: '2024-03-01T10:11:12Z',
    ['createdon' + F]: '3/1/2024 10:11 AM',
    _primarycontactid_value: 'c0ffee00-0000-0000-0000-000000000001',
    ['_primarycontactid_value' + F]: 'Yvonne McKay',
    '_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact',
    primarycontactid: { fullname: 'Yvonne McKay', contactid: 'c0ffee00-0000-0000-0000-000000000001' },
    contact_customer_accounts: [{ fullname: 'A' }, { fullname: 'B' }],
    accountid: 'a1'
  },
  { name: 'Fabrikam', revenue: 20, industrycode: 1, ['industrycode' + F]: 'Accounting', createdon: null, _primarycontactid_value: null, accountid: 'a2' },
  { name: 'adventure works', revenue: null, industrycode: 2, ['industrycode' + F]: 'Consulting', accountid: 'a3' }
]

describe('columns', () => {
  it('come in $select order, then the rest as they first appear; annotations are not columns', () => {
    const select = selectOf('https://org/api/data/v9.2/accounts?$select=revenue,name,_primarycontactid_value&$expand=primarycontactid($select=fullname)')
    expect(select).toEqual(['revenue', 'name', '_primarycontactid_value'])
    const cols = columnsOf(records, select)
    expect(cols.map((c) => c.key)).toEqual(['revenue', 'name', '_primarycontactid_value', 'industrycode', 'createdon', 'primarycontactid/fullname', 'primarycontactid/contactid', 'contact_customer_accounts', 'accountid'])
    expect(cols.find((c) => c.key === '_primarycontactid_value')!.kind).toBe('lookup')
    expect(cols.find((c) => c.key === 'contact_customer_accounts')!.kind).toBe('collection')
    expect(selectOf('https://org/api/data/v9.2/accounts?%24select=name%2Crevenue')).toEqual(['name', 'revenue'])
    expect(selectOf('https://org/api/data/v9.2/accounts')).toBeNull()
  })
})

describe('cells', () => {
  const cols = Object.fromEntries(columnsOf(records).map((c) => [c.key, c]))
  const cell = (r: number, key: string, raw = false) => cellOf(records[r]!, cols[key]!, { raw, timeZone: 'Europe/Paris', locale: 'en-GB' })

  it('show formatted values, with the value as it came on hover and with Raw values', () => {
    expect(cell(0, 'revenue')).toMatchObject({ text: '$1,500.50', raw: '1500.5', title: '1500.5 ($1,500.50)' })
    expect(cell(0, 'revenue', true).text).toBe('1500.5')
    expect(cell(0, 'industrycode')).toMatchObject({ text: 'Retail', raw: '3' })
  })

  it('show lookups by name, with the table and id to open them', () => {
    expect(cell(0, '_primarycontactid_value')).toMatchObject({ kind: 'lookup', text: 'Yvonne McKay', lookup: { id: 'c0ffee00-0000-0000-0000-000000000001', logicalName: 'contact', name: 'Yvonne McKay' } })
    expect(cell(1, '_primarycontactid_value')).toMatchObject({ kind: 'empty', text: '', raw: 'null' })
  })

  it('show dates in local time, UTC and Dataverse\'s formatted value on hover', () => {
    expect(cell(0, 'createdon')).toMatchObject({ kind: 'date', text: '1 Mar 2024, 11:11', title: '2024-03-01T10:11:12Z UTC; Dataverse: 3/1/2024 10:11 AM' })
  })

  it('show expanded records: a single one as columns, a collection as a count with its records', () => {
    expect(cell(0, 'primarycontactid/fullname').text).toBe('Yvonne McKay')
    expect(cell(0, 'contact_customer_accounts')).toMatchObject({ kind: 'collection', text: '2 records' })
    expect(cell(0, 'contact_customer_accounts').records).toHaveLength(2)
    expect(cell(2, 'createdon')).toMatchObject({ kind: 'empty', title: 'not in this record' })
  })
})

describe('sort and filter', () => {
  const cols = Object.fromEntries(columnsOf(records).map((c) => [c.key, c]))
  it('sorts numbers as numbers, option sets by label, text without case; empty last', () => {
    expect(sortRows(records, [0, 1, 2], cols.revenue!, 1)).toEqual([1, 0, 2])
    expect(sortRows(records, [0, 1, 2], cols.revenue!, -1)).toEqual([0, 1, 2])
    expect(sortRows(records, [0, 1, 2], cols.industrycode!, 1)).toEqual([1, 2, 0])
    expect(sortRows(records, [0, 1, 2], cols.name!, 1)).toEqual([2, 0, 1])
    expect(sortRows(records, [0, 1, 2], cols.createdon!, -1)).toEqual([0, 1, 2])
  })

  it('sorts text without accents or case, and numbers in text as numbers', () => {
    const rows: ODataRecord[] = [{ n: 'Account 10' }, { n: 'account 9' }, { n: 'Émile' }, { n: 'emile a' }, { n: 'Zed' }]
    const col = columnsOf(rows)[0]!
    expect(sortRows(rows, [0, 1, 2, 3, 4], col, 1).map((r) => rows[r]!.n)).toEqual(['account 9', 'Account 10', 'Émile', 'emile a', 'Zed'])
  })

  it('filters anywhere (formatted values and expanded records included) and per column', () => {
    const all = Object.values(cols)
    const match = (text: string, columns: Record<string, string> = {}) => {
      const f = rowFilter({ text, columns }, all)
      return f ? records.map((r, i) => (f(r) ? i : -1)).filter((i) => i >= 0) : null
    }
    expect(match('')).toBeNull()
    expect(match('retail')).toEqual([0])
    expect(match('yvonne')).toEqual([0])
    expect(match('W/"1"')).toEqual([])
    expect(match('', { industrycode: 'ing' })).toEqual([1, 2])
    expect(match('fab', { industrycode: 'ing' })).toEqual([1])
  })

  it('runs long work in slices and finishes it', async () => {
    const seen: number[] = []
    await new Promise<void>((done) => sliced(0, 5000, (i) => seen.push(i), () => undefined, done, 0))
    expect(seen).toHaveLength(5000)
    expect(seen[4999]).toBe(4999)
  })
})

describe('copy and export', () => {
  it('copies TSV with tabs and line breaks in values flattened', () => {
    expect(toTsv([['name', 'note'], ['Contoso', 'a\tb\nc']])).toBe('name\tnote\nContoso\ta b c')
  })

  it('writes CSV Excel opens safely: BOM, CRLF, quoting, no formulas', () => {
    const csv = toCsv(['name', 'revenue'], [
      [{ text: 'Café, "the" one' }, { text: '-12.5', numeric: true }],
      [{ text: '=HYPERLINK("http://x")' }, { text: '-$5.00' }],
      [{ text: '@SUM(A1)' }, { text: ' padded ' }]
    ])
    expect(csv).toBe('\ufeffname,revenue\r\n"Café, ""the"" one",-12.5\r\n"\'=HYPERLINK(""http://x"")",\'-$5.00\r\n\'@SUM(A1)," padded "\r\n')
  })
})

describe('lookups', () => {
  it('opens a related record on the answer\'s own Web API root, its entity set from the schema', () => {
    const schema = new SchemaView(packSchema(parseCsdl(buildCsdl())))
    expect(entitySetFor('contact', schema)).toBe('contacts')
    expect(entitySetFor('systemuser', null)).toBe('systemusers')
    expect(entitySetFor('opportunity', null)).toBe('opportunities')
    expect(recordUrl('https://127.0.0.1:44311/api/data/v9.2/accounts?$select=name', 'contacts', 'c1')).toBe('https://127.0.0.1:44311/api/data/v9.2/contacts(c1)')
    expect(recordUrl('/relative', 'contacts', 'c1')).toBe('{{webApiUrl}}/contacts(c1)')
  })
})

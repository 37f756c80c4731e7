import { describe, expect, it } from 'vitest'
import { packSchema, SchemaView } from '@shared/schema'
import { parseCsdl } from '../../../../main/core/dataverse/csdl'
import { buildCsdl } from '../../../../main/sandbox/webapi/csdl'
import { buildQuery } from './buildQuery'
import { emptyExpand, emptyGroup, emptyModel, unsupportedItems, withTable, type FilterCondition, type FilterNode, type QueryModel } from './model'
import { parseQuery } from './parseQuery'

const schema = new SchemaView(packSchema(parseCsdl(buildCsdl())))
const parse = (url: string) => parseQuery(url, schema)
const ROOT = '{{webApiUrl}}/'
const cond = (column: string, type: string, operator: string, ...values: string[]): FilterCondition => ({ kind: 'condition', column, type, operator, values })
const and = (...children: FilterNode[]) => ({ kind: 'group' as const, logic: 'and' as const, children })
const or = (...children: FilterNode[]) => ({ kind: 'group' as const, logic: 'or' as const, children })
const model = (parts: Partial<QueryModel>): QueryModel => ({ ...emptyModel(), table: 'accounts', ...parts })
/** The filter of `accounts?$filter=<text>`. */
const filterOf = (text: string) => parse(`${ROOT}accounts?$filter=${text}`).model.filter

describe('parseQuery: the query from the issue', () => {
  const url = "{{webApiUrl}}/accounts?$select=name,revenue&$filter=revenue gt 1000000 and statecode eq 0&$expand=primarycontactid($select=fullname)&$orderby=name"

  it('reads every part into the model, with nothing unsupported', () => {
    const { model: m, unsupported } = parse(url)
    expect(unsupported).toEqual([])
    expect(m).toEqual({
      root: ROOT,
      rest: null,
      table: 'accounts',
      columns: ['name', 'revenue'],
      filter: and(cond('revenue', 'Edm.Decimal', 'gt', '1000000'), cond('statecode', 'Edm.Int32', 'eq', '0')),
      expand: [{ ...emptyExpand('primarycontactid'), columns: ['fullname'] }],
      orderby: [{ column: 'name', desc: false }],
      top: null,
      count: false,
      raw: []
    })
  })

  it('writes it back exactly as it was', () => {
    expect(buildQuery(parse(url).model)).toBe(url)
  })
})

describe('round trip: what the builder writes reads back to the same model', () => {
  const models: Record<string, QueryModel> = {
    'a table alone': model({}),
    'columns in the order chosen': model({ columns: ['revenue', 'name', '_primarycontactid_value'] }),
    'every comparison, typed': model({
      filter: and(
        cond('name', 'Edm.String', 'eq', "O'Brien & Sons #1 + 50%"),
        cond('revenue', 'Edm.Decimal', 'ge', '-12.5'),
        cond('numberofemployees', 'Edm.Int32', 'lt', '10'),
        cond('accountid', 'Edm.Guid', 'ne', '00000000-0000-0000-0000-000000000001'),
        cond('createdon', 'Edm.DateTimeOffset', 'gt', '2024-05-01T08:30:00Z'),
        cond('modifiedon', 'Edm.DateTimeOffset', 'le', '2024-05-01T08:30:00+02:00'),
        cond('name', 'Edm.String', 'ne', '')
      )
    }),
    'a date, a boolean and a lookup path on contacts': { ...model({ table: 'contacts' }), filter: and(cond('birthdate', 'Edm.Date', 'eq', '1990-01-31'), cond('donotemail', 'Edm.Boolean', 'eq', 'false'), cond('parentcustomerid_account/name', 'Edm.String', 'startswith', 'Con')) },
    'null checks and string tests': model({
      filter: or(cond('telephone1', 'Edm.String', 'null'), cond('_primarycontactid_value', 'Edm.Guid', 'notnull'), cond('name', 'Edm.String', 'contains', "it's"), cond('name', 'Edm.String', 'notcontains', 'x'), cond('name', 'Edm.String', 'notstartswith', 'a'), cond('name', 'Edm.String', 'endswith', 'Ltd'), cond('name', 'Edm.String', 'notendswith', 'Inc'))
    }),
    'Dataverse query functions of every shape': model({
      filter: and(
        cond('createdon', 'Edm.DateTimeOffset', 'Today'),
        cond('createdon', 'Edm.DateTimeOffset', 'LastXDays', '7'),
        cond('createdon', 'Edm.DateTimeOffset', 'On', '2024-05-01'),
        cond('createdon', 'Edm.DateTimeOffset', 'InFiscalPeriodAndYear', '3', '2024'),
        cond('statecode', 'Edm.Int32', 'In', '0', '1'),
        cond('name', 'Edm.String', 'NotIn', 'A "quoted" one', 'B'),
        cond('numberofemployees', 'Edm.Int32', 'Between', '10', '500'),
        cond('_ownerid_value', 'Edm.Guid', 'EqualUserId')
      )
    }),
    'nested groups': model({ filter: and(cond('statecode', 'Edm.Int32', 'eq', '0'), or(cond('name', 'Edm.String', 'contains', 'a'), and(cond('revenue', 'Edm.Decimal', 'gt', '5'), cond('revenue', 'Edm.Decimal', 'lt', '9')))) }),
    'an or at the top': model({ filter: or(and(cond('revenue', 'Edm.Decimal', 'gt', '5'), cond('statecode', 'Edm.Int32', 'eq', '0')), cond('name', 'Edm.String', 'eq', 'x')) }),
    'a group alone at the top': model({ filter: and(or(cond('revenue', 'Edm.Decimal', 'gt', '5'), cond('statecode', 'Edm.Int32', 'eq', '0'))) }),
    '{{variables}} as values': model({ filter: and(cond('_ownerid_value', 'Edm.Guid', 'eq', '{{userId}}'), cond('name', 'Edm.String', 'eq', '{{name}}'), cond('createdon', 'Edm.DateTimeOffset', 'LastXDays', '{{days}}')) }),
    'expand with its own columns, filter, order and top': model({
      expand: [
        { ...emptyExpand('contact_customer_accounts'), columns: ['fullname', 'emailaddress1'], filter: and(cond('fullname', 'Edm.String', 'startswith', 'A&B')), orderby: [{ column: 'fullname', desc: true }], top: 3 },
        { ...emptyExpand('primarycontactid'), columns: ['fullname'] },
        emptyExpand('ownerid')
      ]
    }),
    'order, top and count': model({ orderby: [{ column: 'revenue', desc: true }, { column: 'name', desc: false }], top: 50, count: true }),
    'a literal Web API root': { ...model({ columns: ['name'] }), root: 'https://contoso.crm.dynamics.com/api/data/v9.2/' }
  }

  for (const [name, m] of Object.entries(models)) {
    it(name, () => {
      const url = buildQuery(m)
      const back = parse(url)
      expect(back.unsupported).toEqual([])
      expect(back.model).toEqual(m)
      expect(buildQuery(back.model)).toBe(url)
    })
  }
})

describe('values as Dataverse reads them', () => {
  const url = (m: QueryModel) => buildQuery(m).slice(`${ROOT}accounts?`.length)

  it("quotes strings with '' for a quote, and encodes only what a query string cannot hold", () => {
    expect(url(model({ filter: and(cond('name', 'Edm.String', 'eq', "O'Brien & Sons #1 + 50%")) }))).toBe("$filter=name eq 'O''Brien %26 Sons %231 %2B 50%25'")
  })

  it('writes GUIDs, numbers, dates and booleans bare, and null as null', () => {
    expect(url(model({ filter: and(cond('_primarycontactid_value', 'Edm.Guid', 'eq', '6f1c2b3a-0000-4000-8000-000000000001'), cond('revenue', 'Edm.Decimal', 'gt', '1000000'), cond('createdon', 'Edm.DateTimeOffset', 'ge', '2024-01-01T00:00:00Z'), cond('telephone1', 'Edm.String', 'null')) }))).toBe(
      "$filter=_primarycontactid_value eq 6f1c2b3a-0000-4000-8000-000000000001 and revenue gt 1000000 and createdon ge 2024-01-01T00:00:00Z and telephone1 eq null"
    )
    expect(url({ ...model({ table: 'contacts' }), filter: and(cond('donotemail', 'Edm.Boolean', 'eq', 'true')) }).replace(/^.*\?/, '')).toBe('$filter=donotemail eq true')
  })

  it('writes query functions with PropertyName, PropertyValue(s) as Microsoft documents them', () => {
    expect(url(model({ filter: and(cond('createdon', 'Edm.DateTimeOffset', 'LastXDays', '7'), cond('statecode', 'Edm.Int32', 'In', '0', '1'), cond('createdon', 'Edm.DateTimeOffset', 'On', '2024-05-01'), cond('createdon', 'Edm.DateTimeOffset', 'Today')) }))).toBe(
      "$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7) and Microsoft.Dynamics.CRM.In(PropertyName='statecode',PropertyValues=[\"0\",\"1\"]) and Microsoft.Dynamics.CRM.On(PropertyName='createdon',PropertyValue='2024-05-01') and Microsoft.Dynamics.CRM.Today(PropertyName='createdon')"
    )
  })

  it('keeps $select and $expand readable (no encoding of commas, parentheses or $)', () => {
    expect(url(model({ columns: ['name', 'revenue'], expand: [{ ...emptyExpand('primarycontactid'), columns: ['fullname'] }] }))).toBe('$select=name,revenue&$expand=primarycontactid($select=fullname)')
  })

  it('leaves out a row until it is complete: no column, or no value where one is needed', () => {
    expect(url(model({ filter: and(cond('', '', 'eq', 'x'), cond('revenue', 'Edm.Decimal', 'gt', ''), cond('statecode', 'Edm.Int32', 'In'), cond('createdon', 'Edm.DateTimeOffset', 'InFiscalPeriodAndYear', '3', ''), cond('name', 'Edm.String', 'eq', 'A')) }))).toBe("$filter=name eq 'A'")
    expect(buildQuery(model({ filter: and(emptyGroup('or'), cond('revenue', 'Edm.Decimal', 'gt', '')) }))).toBe(`${ROOT}accounts`)
  })

  it('reads percent-encoded values as the server does', () => {
    expect(filterOf("name%20eq%20'A%26B'")).toEqual(and(cond('name', 'Edm.String', 'eq', 'A&B')))
    expect(filterOf("name eq 'it''s'")).toEqual(and(cond('name', 'Edm.String', 'eq', "it's")))
  })
})

describe('reading $filter', () => {
  it('reads lookups, lookup paths and mscrm-prefixed functions, and keeps and/or precedence', () => {
    expect(filterOf("_primarycontactid_value eq 00000000-0000-0000-0000-000000000001 or primarycontactid/fullname eq 'Ann' and mscrm.LastXDays(PropertyName='createdon',PropertyValue='7')")).toEqual(
      or(cond('_primarycontactid_value', 'Edm.Guid', 'eq', '00000000-0000-0000-0000-000000000001'), and(cond('primarycontactid/fullname', 'Edm.String', 'eq', 'Ann'), cond('createdon', 'Edm.DateTimeOffset', 'LastXDays', '7')))
    )
  })

  it('reads a column the schema does not know, typed by its value, so nothing is lost', () => {
    expect(filterOf("new_custom eq 'x' and new_other gt 5")).toEqual(and(cond('new_custom', 'Edm.String', 'eq', 'x'), cond('new_other', '', 'gt', '5')))
  })

  it('reads single-quoted and bare-number lists', () => {
    expect(filterOf("Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=['A','B'])")).toEqual(and(cond('name', 'Edm.String', 'In', 'A', 'B')))
    expect(filterOf("Microsoft.Dynamics.CRM.In(PropertyName='statecode',PropertyValues=[0, 1])")).toEqual(and(cond('statecode', 'Edm.Int32', 'In', '0', '1')))
  })

  it('keeps what it cannot show as a raw part with its exact text, and shows the rest', () => {
    const { model: m, unsupported } = parse(`${ROOT}accounts?$filter=statecode eq 0 and tolower(name) eq 'a' and contact_customer_accounts/any(c:c/fullname eq 'x' and c/statecode eq 0) or revenue gt numberofemployees`)
    expect(m.filter).toEqual(
      or(
        and(
          cond('statecode', 'Edm.Int32', 'eq', '0'),
          { kind: 'raw', text: "tolower(name) eq 'a'", reason: expect.stringContaining('tolower() is not a function the builder offers') },
          { kind: 'raw', text: "contact_customer_accounts/any(c:c/fullname eq 'x' and c/statecode eq 0)", reason: expect.stringContaining('any / all') }
        ),
        { kind: 'raw', text: 'revenue gt numberofemployees', reason: expect.stringContaining('compares two columns') }
      )
    )
    expect(unsupported).toEqual([
      expect.stringMatching(/^tolower\(name\) eq 'a' — in \$filter: tolower\(\) is not a function/),
      expect.stringMatching(/^contact_customer_accounts\/any\(c:c\/fullname eq 'x' and c\/statecode eq 0\) — in \$filter: conditions on related rows/),
      expect.stringMatching(/^revenue gt numberofemployees — in \$filter: it compares two columns/)
    ])
  })

  it('keeps a value of the wrong type as written, saying what the column needs', () => {
    expect(filterOf("revenue gt '5'").children[0]).toEqual({ kind: 'raw', text: "revenue gt '5'", reason: 'revenue is a column of type Decimal: the value must be a number.' })
    expect(filterOf("accountid eq '00000000-0000-0000-0000-000000000001'").children[0]).toMatchObject({ kind: 'raw', reason: expect.stringContaining('a GUID without quotes') })
    expect(filterOf('name eq 5').children[0]).toMatchObject({ kind: 'raw', reason: expect.stringContaining('text in quotes') })
    expect(filterOf('contains(revenue,\'1\')').children[0]).toMatchObject({ kind: 'raw', reason: 'revenue is not a text column.' })
  })

  it('keeps not (…), parameter aliases and unknown query functions as written', () => {
    expect(filterOf('not (statecode eq 0)').children[0]).toMatchObject({ kind: 'raw', text: 'not (statecode eq 0)' })
    expect(filterOf('name eq @p1').children[0]).toMatchObject({ kind: 'raw', reason: expect.stringContaining('parameter alias') })
    expect(filterOf("Microsoft.Dynamics.CRM.Sometime(PropertyName='createdon')").children[0]).toMatchObject({ kind: 'raw', reason: "Sometime is not one of Dataverse's query functions." })
    expect(filterOf("Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon')").children[0]).toMatchObject({ kind: 'raw', reason: 'LastXDays takes PropertyName, PropertyValue.' })
  })

  it('keeps a $filter it cannot read at all (unbalanced parenthesis, open quote) whole, as written', () => {
    for (const text of ["(statecode eq 0", "name eq 'open", 'statecode eq 0 name eq 1', 'statecode eq 0)']) {
      // Last in the URL: an open parenthesis or quote holds the rest of the URL, as the URL bar reads it too.
      const url = `${ROOT}accounts?$select=name&$top=5&$filter=${text}`
      const { model: m, unsupported } = parse(url)
      expect(m.filter).toEqual(emptyGroup())
      expect(m.raw).toEqual([{ name: '$filter', text: `$filter=${text}`, reason: expect.stringMatching(/^this \$filter cannot be read \(.+\)\.$/) }])
      expect(unsupported).toHaveLength(1)
      expect(buildQuery({ ...m, columns: ['name', 'revenue'] })).toBe(`${ROOT}accounts?$select=name,revenue&$top=5&$filter=${text}`)
    }
  })
})

describe('what the builder cannot show is kept and written back', () => {
  it('keeps unknown options verbatim (encoding and all) while the rest is edited', () => {
    const url = `${ROOT}accounts?$select=name&$apply=groupby((statecode))&fetchXml=%3Cfetch%3E&@p1='a%26b'`
    const { model: m, unsupported } = parse(url)
    expect(m.raw.map((r) => r.text)).toEqual(['$apply=groupby((statecode))', 'fetchXml=%3Cfetch%3E', "@p1='a%26b'"])
    expect(unsupported).toEqual([
      '$apply=groupby((statecode)) — aggregation ($apply) is not shown by the builder.',
      'fetchXml=%3Cfetch%3E — a FetchXML query is not shown by the builder.',
      "@p1='a%26b' — a parameter alias is kept as written."
    ])
    expect(buildQuery(m)).toBe(url)
    expect(buildQuery({ ...m, top: 5 })).toBe(`${ROOT}accounts?$select=name&$top=5&$apply=groupby((statecode))&fetchXml=%3Cfetch%3E&@p1='a%26b'`)
  })

  it('keeps a nested $expand and unknown nested options inside their expand', () => {
    const url = `${ROOT}accounts?$expand=primarycontactid($select=fullname;$expand=createdby($select=fullname))`
    const { model: m, unsupported } = parse(url)
    expect(m.expand[0]).toEqual({ ...emptyExpand('primarycontactid'), columns: ['fullname'], raw: [{ name: '$expand', text: '$expand=createdby($select=fullname)', reason: expect.stringContaining('one level of $expand') }] })
    expect(unsupported).toEqual([expect.stringMatching(/^\$expand=createdby\(\$select=fullname\) — in \$expand=primarycontactid: /)])
    expect(buildQuery(m)).toBe(url)
  })

  it('keeps $expand whole when a name is not a navigation property', () => {
    const { model: m, unsupported } = parse(`${ROOT}accounts?$expand=primarycontact($select=fullname)`)
    expect(m.expand).toEqual([])
    expect(unsupported).toEqual(['$expand=primarycontact($select=fullname) — primarycontact is not a navigation property of account.'])
  })

  it('keeps a second $select, a $select of paths, and a $top or $count it cannot show', () => {
    const { model: m } = parse(`${ROOT}accounts?$select=name&$select=revenue&$top=ten&$count=yes`)
    expect(m.columns).toEqual(['name'])
    expect(m.raw.map((r) => r.reason)).toEqual(['a second $select: the builder shows one.', 'the builder shows $top as a whole number above 0.', '$count is true or false.'])
    expect(parse(`${ROOT}accounts?$select=primarycontactid/fullname`).model.raw[0]!.reason).toBe('the builder shows $select as a list of column names.')
  })

  it('keeps a URL that is not a query on a table untouched (a record, a function, another site)', () => {
    for (const [url, words] of [
      [`${ROOT}accounts(00000000-0000-0000-0000-000000000001)?$select=name`, 'accounts(00000000-0000-0000-0000-000000000001) — is not a query on a table'],
      [`${ROOT}WhoAmI`, 'WhoAmI — is not a query on a table'],
      [`${ROOT}acounts?$select=name`, 'acounts — is not a query on a table'],
      ['https://login.microsoftonline.com/common/oauth2/v2.0/token', 'token — is not a Web API URL']
    ] as const) {
      const { model: m, unsupported } = parse(url)
      expect(m.table).toBe('')
      expect(unsupported).toEqual([expect.stringContaining(words)])
      expect(buildQuery(m)).toBe(url)
    }
  })

  it('keeps columns the schema does not know (the panel marks them) and the root as written', () => {
    const url = 'https://contoso.crm4.dynamics.com/api/data/v9.1/accounts?$select=name,new_custom'
    const { model: m, unsupported } = parse(url)
    expect(unsupported).toEqual([])
    expect(m.root).toBe('https://contoso.crm4.dynamics.com/api/data/v9.1/')
    expect(m.columns).toEqual(['name', 'new_custom'])
    expect(buildQuery(m)).toBe(url)
  })

  it('reads an empty URL, a bare root and a trailing ? as a query not yet written', () => {
    expect(parse('').model).toEqual(emptyModel())
    expect(parse(ROOT).model).toEqual(emptyModel())
    expect(parse(`${ROOT}accounts?`).model).toEqual(model({}))
    expect(parse(`${ROOT}accounts?$select=name,&$orderby=name asc`).model).toMatchObject({ columns: ['name'], orderby: [{ column: 'name', desc: false }] })
  })
})

describe('choosing another table', () => {
  it('drops what names the old table’s columns and keeps top, count and other options', () => {
    const { model: m } = parse(`${ROOT}accounts?$select=name&$filter=statecode eq 0&$expand=primarycontactid&$orderby=name&$top=5&$count=true&$apply=groupby((name))&@p1=1`)
    expect(buildQuery(withTable(m, 'contacts'))).toBe(`${ROOT}contacts?$top=5&$count=true&@p1=1`)
  })

  it('starts a query in place of a URL that was not one, on the Web API root', () => {
    expect(buildQuery(withTable(parse(`${ROOT}WhoAmI`).model, 'accounts'))).toBe(`${ROOT}accounts`)
    expect(buildQuery(withTable(parse('https://example.com/x?y=1').model, 'accounts'))).toBe(`${ROOT}accounts`)
    expect(buildQuery(withTable(parse('https://contoso.crm.dynamics.com/api/data/v9.2/WhoAmI').model, 'accounts'))).toBe('https://contoso.crm.dynamics.com/api/data/v9.2/accounts')
  })

  it('lists what it keeps with where it is, for the panel', () => {
    const { model: m } = parse(`${ROOT}accounts?$filter=tolower(name) eq 'a'&$expand=primarycontactid($expand=createdby)`)
    expect(unsupportedItems(m).map((u) => [u.part, u.where])).toEqual([["tolower(name) eq 'a'", '$filter'], ['$expand=createdby', '$expand=primarycontactid']])
  })
})

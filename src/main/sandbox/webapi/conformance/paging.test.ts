/**
 * Conformance: "Page results using OData", "Count rows using OData", "Order rows using OData" and "Aggregate data
 * using OData" (powerapps-docs, developer/data-platform/webapi/query/*).
 */
import { describe, expect, it } from 'vitest'
import { useConformance, type Collection, type Json } from './setup'

const c = useConformance()
const list = async (path: string, headers?: Record<string, string>) => {
  const r = await c.get(path, headers)
  expect(r.status, r.text.slice(0, 300)).toBe(200)
  return r
}
const FORMATTED = { prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' }
const cookie = (page: number, primaryId: string) =>
  new RegExp(
    `&\\$skiptoken=%3Ccookie%20pagenumber=%22${page + 1}%22%20pagingcookie=%22%253ccookie%2520page%253d%2522${page}%2522%253e%253c${primaryId}%2520last%253d%2522%257b[0-9A-F-]{36}%257d%2522%2520first%253d%2522%257b[0-9A-F-]{36}%257d%2522%2520%252f%253e%253c%252fcookie%253e%22%20istracking=%22False%22%20/%3E$`
  )

describe('page results', () => {
  it('[page-results] odata.maxpagesize=2: two rows, Preference-Applied, and a nextLink encoded as Dataverse encodes it', async () => {
    const r = await list('/contacts?$select=fullname', { prefer: 'odata.maxpagesize=2' })
    expect(r.headers['preference-applied']).toBe('odata.maxpagesize=2')
    const body = r.json<Collection>()
    expect(body['@odata.context']).toMatch(/#contacts\(fullname\)$/)
    expect(body.value).toHaveLength(2)
    expect(body['@odata.nextLink']!.startsWith(`${c.sb.info.webApiUrl}/contacts?$select=fullname&$skiptoken=`)).toBe(true)
    expect(body['@odata.nextLink']).toMatch(cookie(1, 'contactid'))
    const last = String(body.value[1]!.contactid).toUpperCase()
    const first = String(body.value[0]!.contactid).toUpperCase()
    expect(body['@odata.nextLink']).toContain(`last%253d%2522%257b${last}%257d%2522%2520first%253d%2522%257b${first}%257d`)
  })

  it('[page-results] the nextLink returns the next page, with the next cookie', async () => {
    const first = (await list('/contacts?$select=fullname', { prefer: 'odata.maxpagesize=2' })).json<Collection>()
    const r = await list(first['@odata.nextLink']!, { prefer: 'odata.maxpagesize=2' })
    expect(r.headers['preference-applied']).toBe('odata.maxpagesize=2')
    const second = r.json<Collection>()
    expect(second.value).toHaveLength(2)
    expect(second.value[0]!.contactid).not.toBe(first.value[0]!.contactid)
    expect(second['@odata.nextLink']).toMatch(cookie(2, 'contactid'))
  })

  it('[page-results] paging until no nextLink reads every row once', async () => {
    const seen = new Set<string>()
    let next: string | undefined = '/accounts?$select=name'
    while (next) {
      const body: Collection = (await list(next, { prefer: 'odata.maxpagesize=50' })).json<Collection>()
      for (const row of body.value) seen.add(String(row.accountid))
      next = body['@odata.nextLink']
    }
    expect(seen.size).toBe(Number((await list('/accounts/$count')).text))
  })

  it('[page-results] $top with odata.maxpagesize: $top is ignored, the page size applies', async () => {
    const r = await list('/accounts?$select=name,revenue&$top=3', { prefer: 'odata.maxpagesize=2' })
    expect(r.headers['preference-applied']).toBe('odata.maxpagesize=2')
    const body = r.json<Collection>()
    expect(body.value).toHaveLength(2)
    expect(body['@odata.nextLink']).toBeDefined()
  })

  it('[page-results] $top alone limits the rows: no nextLink, no Preference-Applied', async () => {
    const r = await list('/accounts?$select=name,revenue&$top=3')
    expect(r.json<Collection>().value).toHaveLength(3)
    expect(r.json<Collection>()['@odata.nextLink']).toBeUndefined()
    expect(r.headers['preference-applied']).toBeUndefined()
  })

  it('[page-results] a max page size above 5,000 is ignored, and not reported as applied', async () => {
    const r = await list('/accounts?$select=name', { prefer: 'odata.maxpagesize=6000' })
    expect(r.headers['preference-applied']).toBeUndefined()
    expect(r.json<Collection>().value.length).toBeGreaterThan(100)
  })

  it('[page-results] Dataverse does not support $skip', async () => {
    const r = await c.get('/accounts?$select=name&$skip=2')
    expect(r.status).toBe(400)
    expect(r.json()).toEqual({ error: { code: '0x80060888', message: 'The query parameter $skip is not supported' } })
  })
})

describe('count rows', () => {
  it('[count-rows] $count=true adds @odata.count', async () => {
    const body = (await list('/accounts?$select=accountid&$count=true')).json<Collection>()
    expect(Object.keys(body).slice(0, 3)).toEqual(['@odata.context', '@odata.count', 'value'])
    expect(body['@odata.count']).toBe(body.value.length)
  })

  it('[count-rows] the count of all matches with a page size, and the total record count annotations', async () => {
    const r = await list("/accounts?$select=name&$filter=contains(name,'a')&$count=true", { prefer: 'odata.maxpagesize=3, odata.include-annotations="Microsoft.Dynamics.CRM.*"' })
    expect(r.headers['preference-applied']).toBe('odata.maxpagesize=3, odata.include-annotations="Microsoft.Dynamics.CRM.*"')
    const body = r.json<Json>()
    const count = body['@odata.count'] as number
    expect(count).toBeGreaterThan(3)
    expect(body['@Microsoft.Dynamics.CRM.totalrecordcount']).toBe(count)
    expect(body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']).toBe(false)
    expect(body.value as Json[]).toHaveLength(3)
    expect(String(body['@odata.nextLink'])).toContain("$filter=contains(name,'a')")
  })

  it('[count-rows] without $count the total record count is -1', async () => {
    const body = (await list('/accounts?$select=name&$top=1', { prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.totalrecordcount,Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"' })).json<Json>()
    expect(body['@Microsoft.Dynamics.CRM.totalrecordcount']).toBe(-1)
    expect(body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']).toBe(false)
  })

  it('[count-rows] /$count answers a plain number', async () => {
    const r = await list('/accounts/$count')
    expect(r.headers['content-type']).toBe('text/plain')
    expect(r.text).toMatch(/^\d+$/)
  })
})

describe('order rows', () => {
  it('[order-rows] $orderby with directions on two columns', async () => {
    const rows = (await list('/accounts?$select=name,revenue&$orderby=revenue desc,name asc&$top=5')).json<Collection>().value
    const revenue = rows.map((r) => r.revenue as number)
    expect(revenue).toEqual([...revenue].sort((a, b) => b - a))
  })
})

describe('aggregate data', () => {
  const accounts = async () => (await list('/accounts?$select=statuscode,revenue,createdon,statecode,industrycode')).json<Collection>().value

  it('[aggregate-data] list of unique statuses with formatted values', async () => {
    const r = await list('/accounts?$apply=groupby((statuscode))', FORMATTED)
    const body = r.json<Collection>()
    expect(body['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#accounts`)
    expect(body.value).toEqual([
      { 'statuscode@OData.Community.Display.V1.FormattedValue': 'Active', statuscode: 1 },
      { 'statuscode@OData.Community.Display.V1.FormattedValue': 'Inactive', statuscode: 2 }
    ])
  })

  it('[aggregate-data] count by status values', async () => {
    const groups = (await list('/accounts?$apply=groupby((statuscode),aggregate($count as count))', FORMATTED)).json<Collection>().value
    const all = await accounts()
    for (const g of groups) {
      expect(g.count).toBe(all.filter((a) => a.statuscode === g.statuscode).length)
      expect(g['count@OData.Community.Display.V1.FormattedValue']).toBe(String(g.count))
    }
  })

  it('[aggregate-data] aggregate sum of revenue, with a currency formatted value', async () => {
    const [row] = (await list('/accounts?$apply=aggregate(revenue with sum as total)', FORMATTED)).json<Collection>().value
    const sum = (await accounts()).reduce((s, a) => s + ((a.revenue as number) ?? 0), 0)
    expect(row!.total).toBeCloseTo(sum, 2)
    expect(row!['total@OData.Community.Display.V1.FormattedValue']).toMatch(/^\$[\d,]+\.\d\d$/)
  })

  it('[aggregate-data] average and sum of revenue based on status', async () => {
    const avg = (await list('/accounts?$apply=groupby((statuscode),aggregate(revenue with average as averagevalue))')).json<Collection>().value
    const sum = (await list('/accounts?$apply=groupby((statuscode),aggregate(revenue with sum as total))')).json<Collection>().value
    const all = await accounts()
    for (const g of avg) {
      const members = all.filter((a) => a.statuscode === g.statuscode && a.revenue !== null)
      expect(g.averagevalue).toBeCloseTo(members.reduce((s, a) => s + (a.revenue as number), 0) / members.length, 2)
    }
    expect(sum.map((g) => g.statuscode)).toEqual(avg.map((g) => g.statuscode))
  })

  it('[aggregate-data] total revenue by primary contact name: the key is <table>_<column>', async () => {
    const groups = (await list('/accounts?$apply=groupby((primarycontactid/fullname),aggregate(revenue with sum as total))')).json<Collection>().value
    expect(groups.length).toBeGreaterThan(1)
    for (const g of groups) expect(Object.keys(g).sort()).toEqual(['contact_fullname', 'total'])
  })

  it('[aggregate-data] filter then group: primary contact names for the accounts in one city', async () => {
    const groups = (await list("/accounts?$apply=filter(address1_city eq 'Seattle')/groupby((primarycontactid/fullname))")).json<Collection>().value
    expect(groups.length).toBeGreaterThan(0)
    for (const g of groups) expect(Object.keys(g)).toEqual(['contact_fullname'])
  })

  it('[aggregate-data] last and first created record date and time', async () => {
    const [last] = (await list('/accounts?$apply=aggregate(createdon with max as lastCreate)', FORMATTED)).json<Collection>().value
    const [first] = (await list('/accounts?$apply=aggregate(createdon with min as firstCreate)')).json<Collection>().value
    const dates = (await accounts()).map((a) => String(a.createdon)).sort()
    expect(last!.lastCreate).toBe(dates[dates.length - 1])
    expect(first!.firstCreate).toBe(dates[0])
    expect(last!['lastCreate@OData.Community.Display.V1.FormattedValue']).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d (AM|PM)$/)
  })

  it('[aggregate-data] distinct column values with groupby; null values are left out', async () => {
    await c.send('POST', '/accounts', { name: 'No industry' })
    const groups = (await list('/accounts?$apply=groupby((statecode,statuscode,industrycode))')).json<Collection>().value
    const keys = groups.map((g) => JSON.stringify(g))
    expect(new Set(keys).size).toBe(keys.length)
    expect(groups.some((g) => !('industrycode' in g))).toBe(true)
  })

  it('[aggregate-data] $orderby with aggregate values is not supported', async () => {
    const r = await c.get('/accounts?$apply=groupby((statuscode),aggregate($count as count))&$orderby=count desc')
    expect(r.status).toBe(400)
    expect(r.json<{ error: { message: string } }>().error.message).toBe('The query node SingleValueOpenPropertyAccess is not supported')
  })

  it('[aggregate-data] groupby with datetime values is not supported', async () => {
    expect((await c.get('/accounts?$apply=groupby((createdon))')).status).toBe(400)
  })
})

import { describe, expect, it } from 'vitest'
import { packSchema, SchemaView } from '@shared/schema'
import { parseCsdl } from '../../../../main/core/dataverse/csdl'
import { buildCsdl } from '../../../../main/sandbox/webapi/csdl'
import { fetchXmlToOdata, odataToFetchXml } from './convert'
import { completeFetchXml } from './fetchXmlCompletion'
import { fetchRequest, nextPageFetchXml } from './fetchRequest'

const schema = new SchemaView(packSchema(parseCsdl(buildCsdl())))
const at = (textWithCursor: string) => {
  const cursor = textWithCursor.indexOf('|')
  return completeFetchXml(textWithCursor.replace('|', ''), cursor, schema)
}
const labels = (textWithCursor: string) => (at(textWithCursor)?.options ?? []).map((o) => o.label)

describe('FetchXML completion', () => {
  it('starts a document with <fetch> and offers tables by logical name', () => {
    expect(labels('|')).toEqual(['<fetch'])
    expect(labels('<fetch><entity name="|')).toEqual(expect.arrayContaining(['account', 'contact', 'systemuser']))
  })

  it('offers the children an element may have, and joins with from/to filled', () => {
    const inEntity = at('<fetch><entity name="account">\n  <|')!
    expect(inEntity.options.map((o) => o.label)).toEqual(expect.arrayContaining(['attribute', 'filter', 'order', 'link-entity', 'link-entity primarycontactid']))
    const join = inEntity.options.find((o) => o.label === 'link-entity primarycontactid')!
    expect(join.snippet).toMatch(/^link-entity name="contact" from="contactid" to="primarycontactid"/)
    expect(at('<fetch><entity name="account">\n  |')!.options.find((o) => o.label === '<link-entity primarycontactid')!.snippet).toMatch(/^<link-entity name="contact"/)
    const oneToMany = inEntity.options.find((o) => o.label === 'link-entity contact_customer_accounts')!
    expect(oneToMany.snippet).toContain('name="contact" from="parentcustomerid" to="accountid"')
    expect(labels('<fetch><entity name="account"><filter><|')).toEqual(['condition', 'filter'])
  })

  it('offers the columns of the table in scope, lookups by their FetchXML name', () => {
    const columns = labels('<fetch><entity name="account"><attribute name="|')
    expect(columns).toEqual(expect.arrayContaining(['name', 'revenue', 'primarycontactid']))
    expect(columns).not.toContain('_primarycontactid_value')
    expect(labels('<fetch><entity name="account"><link-entity name="contact" from="contactid" to="primarycontactid"><attribute name="|')).toContain('fullname')
    expect(labels('<fetch><entity name="account"><link-entity name="contact" from="|')).toContain('contactid')
    expect(labels('<fetch><entity name="account"><link-entity name="contact" from="contactid" to="|')).toContain('primarycontactid')
  })

  it('offers condition operators by the column type, and attribute names not yet used', () => {
    const ops = labels('<fetch><entity name="account"><filter><condition attribute="name" operator="|')
    expect(ops).toEqual(expect.arrayContaining(['eq', 'like', 'begins-with', 'null']))
    expect(ops).not.toContain('last-x-days')
    expect(labels('<fetch><entity name="account"><filter><condition attribute="createdon" operator="|')).toContain('last-x-days')
    expect(labels('<fetch><entity name="account"><filter><condition attribute="name" |')).toEqual(['operator', 'value', 'entityname', 'valueof'])
    expect(labels('<fetch><entity name="account"><filter type="|')).toEqual(['and', 'or'])
  })
})

describe('OData ↔ FetchXML', () => {
  const url = "{{webApiUrl}}/accounts?$select=name,revenue,_primarycontactid_value&$filter=revenue gt 1000000 and (statecode eq 0 or contains(name,'Co''s'))&$expand=primarycontactid($select=fullname)&$orderby=name desc&$top=10&$count=true"

  it('writes FetchXML for a query that maps one to one', () => {
    const r = odataToFetchXml(url, schema)
    expect(r.ok).toBe(true)
    const xml = (r as { text: string }).text
    expect(xml).toContain('<fetch top="10" returntotalrecordcount="true">')
    expect(xml).toContain('<entity name="account">')
    expect(xml).toContain('<attribute name="primarycontactid" />')
    expect(xml).toContain('<condition attribute="revenue" operator="gt" value="1000000" />')
    expect(xml).toContain('<filter type="or">')
    expect(xml).toContain(`<condition attribute="name" operator="like" value="%Co's%" />`)
    expect(xml).toContain('<link-entity name="contact" from="contactid" to="primarycontactid" link-type="outer" alias="primarycontactid">')
    expect(xml).toContain('<order attribute="name" descending="true" />')
  })

  it('round-trips back to the same OData query', () => {
    const xml = (odataToFetchXml(url, schema) as { text: string }).text
    expect(fetchXmlToOdata(xml, schema)).toEqual({ ok: true, text: url })
  })

  it('refuses what does not map, saying why', () => {
    expect(odataToFetchXml('{{webApiUrl}}/accounts?$expand=contact_customer_accounts', schema)).toMatchObject({ ok: false, reason: expect.stringMatching(/collection/) })
    expect(odataToFetchXml("{{webApiUrl}}/accounts?$filter=not contains(name,'x')", schema)).toMatchObject({ ok: false, reason: expect.stringMatching(/not/) })
    expect(odataToFetchXml('{{webApiUrl}}/accounts?$apply=groupby((name))', schema)).toMatchObject({ ok: false, reason: expect.stringMatching(/\$apply/) })
    expect(fetchXmlToOdata('<fetch aggregate="true"><entity name="account"/></fetch>', schema)).toMatchObject({ ok: false, reason: expect.stringMatching(/Aggregate/) })
    expect(fetchXmlToOdata('<fetch><entity name="account"><filter><condition attribute="createdon" operator="last-x-days" value="7"/></filter></entity></fetch>', schema)).toMatchObject({ ok: false, reason: expect.stringMatching(/last-x-days/) })
    expect(fetchXmlToOdata('<fetch><entity name="account">', schema)).toMatchObject({ ok: false, reason: expect.stringMatching(/not well-formed/) })
  })
})

describe('fetchRequest', () => {
  it('sends a query as GET <entityset>?fetchXml=<encoded>', () => {
    const r = fetchRequest('<fetch top="5"><entity name="account"><attribute name="name"/></entity></fetch>', schema)
    expect(r).toEqual({ ok: true, viaBatch: false, method: 'GET', url: '{{webApiUrl}}/accounts?fetchXml=%3Cfetch%20top%3D%225%22%3E%3Centity%20name%3D%22account%22%3E%3Cattribute%20name%3D%22name%22%2F%3E%3C%2Fentity%3E%3C%2Ffetch%3E' })
  })

  it('leaves the layout between elements out of the URL', () => {
    const r = fetchRequest('<fetch top="5">\n  <entity name="account">\n    <attribute name="name" />\n  </entity>\n</fetch>\n', schema)
    expect(decodeURIComponent((r as { url: string }).url)).toBe('{{webApiUrl}}/accounts?fetchXml=<fetch top="5"><entity name="account"><attribute name="name" /></entity></fetch>')
  })

  it('wraps a query whose URL would pass 32 KB in a $batch GET', () => {
    const values = Array.from({ length: 2000 }, (_, i) => `<value>name number ${i}</value>`).join('')
    const r = fetchRequest(`<fetch><entity name="account"><filter><condition attribute="name" operator="in">${values}</condition></filter></entity></fetch>`, schema)
    expect(r).toMatchObject({ ok: true, viaBatch: true, method: 'POST', url: '{{webApiUrl}}/$batch', contentType: 'multipart/mixed; boundary=batch_fetchxml' })
    expect((r as { body: string }).body).toMatch(/^--batch_fetchxml\r\nContent-Type: application\/http\r\nContent-Transfer-Encoding: binary\r\n\r\nGET \{\{webApiUrl\}\}\/accounts\?fetchXml=%3Cfetch/)
  })

  it('says what is wrong with a query that cannot be sent', () => {
    expect(fetchRequest('<fetch><entity name="acount"/></fetch>', schema)).toMatchObject({ ok: false, reason: expect.stringMatching(/"acount" is not a table/) })
    expect(fetchRequest('<fetch>', schema)).toMatchObject({ ok: false, reason: expect.stringMatching(/not well-formed/) })
    expect(fetchRequest('<entity name="account"/>', schema)).toMatchObject({ ok: false })
  })
})

describe('nextPageFetchXml ("Page results using FetchXml")', () => {
  const query = '<fetch count="5">\n  <entity name="account"><attribute name="name"/><order attribute="name"/></entity>\n</fetch>'
  const inner = '<cookie page="1"><name last="B &amp; Co" first="A" /><accountid last="{X}" first="{Y}" /></cookie>'
  const twice = encodeURIComponent(encodeURIComponent(inner))
  const answer = { value: [], '@Microsoft.Dynamics.CRM.morerecords': true, '@Microsoft.Dynamics.CRM.fetchxmlpagingcookie': `<cookie pagenumber="2" pagingcookie="${twice}" istracking="False" />` }

  it('sends the query again with the next page and the decoded cookie, XML-escaped', () => {
    const r = nextPageFetchXml(query, answer)
    expect(r).toMatchObject({ ok: true, page: 2 })
    const xml = (r as { xml: string }).xml
    expect(xml).toMatch(/^<fetch count="5" page="2" paging-cookie="&lt;cookie page=&quot;1&quot;&gt;&lt;name last=&quot;B &amp;amp; Co&quot;/)
    // The result parses, and its cookie attribute is the cookie as the server wrote it.
    const again = nextPageFetchXml(xml, { ...answer, '@Microsoft.Dynamics.CRM.fetchxmlpagingcookie': answer['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'].replace('pagenumber="2"', 'pagenumber="3"') })
    expect((again as { xml: string }).xml.match(/ page="/g)).toHaveLength(1)
    expect((again as { xml: string }).xml).toContain(' page="3" ')
  })

  it('stops on the last page and explains a missing cookie', () => {
    expect(nextPageFetchXml(query, { value: [], '@Microsoft.Dynamics.CRM.morerecords': false })).toBeNull()
    expect(nextPageFetchXml(query, { value: [] })).toBeNull()
    expect(nextPageFetchXml(query, { value: [], '@Microsoft.Dynamics.CRM.morerecords': true })).toMatchObject({ ok: false, reason: expect.stringMatching(/no paging cookie/) })
  })
})

import { describe, expect, it } from 'vitest'
import { fetchXmlInUrl, nextPage } from './paging'

const root = 'https://org.crm.dynamics.com/api/data/v9.2'
const xml = '<fetch count="2"><entity name="account"><attribute name="name"/><order attribute="name"/></entity></fetch>'
const cookie = `<cookie pagenumber="2" pagingcookie="${encodeURIComponent(encodeURIComponent('<cookie page="1"><name last="B" first="A" /></cookie>'))}" istracking="False" />`

describe('the page after an answer', () => {
  it('is the nextLink exactly as given when there is one', () => {
    const link = `${root}/accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%3E`
    expect(nextPage(`${root}/accounts?$select=name`, { nextLink: link, pagingCookie: null, moreRecords: null })).toEqual({ url: link, kind: 'nextLink' })
  })

  it('for FetchXML, is the same query with the page number and the paging cookie of the answer', () => {
    const url = `${root}/accounts?fetchXml=${encodeURIComponent(xml)}`
    const next = nextPage(url, { nextLink: null, pagingCookie: cookie, moreRecords: true })
    expect(next).toMatchObject({ kind: 'fetchXml', page: 2 })
    const sent = fetchXmlInUrl((next as { url: string }).url)!
    expect(sent).toContain('page="2"')
    expect(sent).toContain('paging-cookie="&lt;cookie page=&quot;1&quot;&gt;&lt;name last=&quot;B&quot; first=&quot;A&quot; /&gt;&lt;/cookie&gt;"')
    expect((next as { url: string }).url.startsWith(`${root}/accounts?fetchXml=`)).toBe(true)
  })

  it('is nothing when the answer has no more records, and says why when it cannot be followed', () => {
    const url = `${root}/accounts?fetchXml=${encodeURIComponent(xml)}`
    expect(nextPage(url, { nextLink: null, pagingCookie: cookie, moreRecords: false })).toBeNull()
    expect(nextPage(`${root}/accounts?$top=2`, { nextLink: null, pagingCookie: null, moreRecords: true })).toBeNull()
    expect(nextPage(url, { nextLink: null, pagingCookie: null, moreRecords: true })).toMatchObject({ problem: expect.stringContaining('paging cookie') })
    expect(fetchXmlInUrl(`${root}/accounts?fetchXml=%E0%A4%A`)).toBeNull()
  })
})

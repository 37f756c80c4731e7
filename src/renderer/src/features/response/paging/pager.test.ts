import { describe, expect, it } from 'vitest'
import type { HeaderList } from '@shared/http'
import { resultOf, type ResultPage } from '../grid/result'
import { Pager, retryAfterSeconds, type PagerPort } from './pager'

/** A server of `pages` pages of 3 rows, whose next links carry a skip token the pager must send back untouched. */
function server(pages: number, script: Record<number, Array<{ status: number; headers?: HeaderList }>> = {}) {
  const asked: string[] = []
  const port: PagerPort = {
    async fetch(url) {
      asked.push(url)
      const n = Number(/pagenumber=%22(\d+)%22/.exec(url)?.[1])
      const scripted = script[n]?.shift()
      if (scripted) return { status: scripted.status, statusText: 'Too Many Requests', headers: scripted.headers ?? [], text: '{"error":{"code":"0x80072322"}}' }
      const next = n < pages ? `https://org/api/data/v9.2/accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%22${n + 1}%22%20pagingcookie=%22%253ccookie%2520page%253d%2522${n}%2522%253e%22%20/%3E` : undefined
      return { status: 200, statusText: 'OK', headers: [], text: JSON.stringify({ value: [1, 2, 3].map((k) => ({ name: `p${n}-${k}` })), ...(next ? { '@odata.nextLink': next } : {}) }) }
    },
    async parse(text) {
      return resultOf(JSON.parse(text)) ?? 'no records'
    },
    sleep: async () => undefined
  }
  return { port, asked }
}
const firstLink = 'https://org/api/data/v9.2/accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%20pagingcookie=%22%253ccookie%2520page%253d%25221%2522%253e%22%20/%3E'

describe('Pager (Fetch all)', () => {
  it('follows every next link exactly as given and hands the records over page by page', async () => {
    const { port, asked } = server(4)
    const got: string[] = []
    const end = await new Pager(port, { idPrefix: 't', cap: 1000 }).run({ nextLink: firstLink }, 3, (records) => got.push(...records.map((r) => String(r.name))), () => undefined)
    expect(end).toEqual({ reason: 'done', pages: 3, rows: 12 })
    expect(asked[0]).toBe(firstLink)
    expect(asked[1]).toContain('pagingcookie=%22%253ccookie%2520page%253d%25222%2522%253e%22')
    expect(got).toEqual(['p2-1', 'p2-2', 'p2-3', 'p3-1', 'p3-2', 'p3-3', 'p4-1', 'p4-2', 'p4-3'])
  })

  it('stops at the row cap, keeping only the rows up to it', async () => {
    const { port } = server(10)
    let rows = 0
    const end = await new Pager(port, { idPrefix: 't', cap: 7 }).run({ nextLink: firstLink }, 3, (r) => (rows += r.length), () => undefined)
    expect(end).toEqual({ reason: 'cap', pages: 2, rows: 7, cap: 7 })
    expect(rows).toBe(4)
  })

  it('waits out a 429 as Retry-After says, then carries on; fails after too many', async () => {
    const { port } = server(3, { 2: [{ status: 429, headers: [['Retry-After', '2']] }] })
    const waits: Array<number | null> = []
    const end = await new Pager(port, { idPrefix: 't', cap: 100 }).run({ nextLink: firstLink }, 3, () => undefined, (p) => waits.push(p.waiting))
    expect(end.reason).toBe('done')
    expect(waits).toEqual([null, 2, 1, null])
    const busy = server(3, { 2: Array.from({ length: 5 }, () => ({ status: 429, headers: [['Retry-After', '1']] as HeaderList })) })
    const failed = await new Pager(busy.port, { idPrefix: 't', cap: 100, retries: 2 }).run({ nextLink: firstLink }, 3, () => undefined, () => undefined)
    expect(failed).toMatchObject({ reason: 'failed', status: 429, pages: 0 })
  })

  it('cancels: the request in flight is stopped and no more pages are fetched', async () => {
    const { port, asked } = server(10)
    const stopped: string[] = []
    const pager = new Pager({ ...port, cancel: (id) => stopped.push(id) }, { idPrefix: 'tab', cap: 100 })
    const end = await pager.run({ nextLink: firstLink }, 3, (_r: unknown, page: ResultPage) => {
      if (page.records[0]!.name === 'p3-1') pager.cancel()
    }, () => undefined)
    expect(end).toEqual({ reason: 'cancelled', pages: 2, rows: 9 })
    expect(asked).toHaveLength(2)
  })

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterSeconds([['retry-after', '7']])).toBe(7)
    expect(retryAfterSeconds([['Retry-After', new Date(10_000).toUTCString()]], 4_000)).toBe(6)
    expect(retryAfterSeconds([])).toBeNull()
  })

  it('follows a FetchXML query page by page with the paging cookie of each answer', async () => {
    const xml = '<fetch count="2"><entity name="account"><attribute name="name"/><order attribute="name"/></entity></fetch>'
    const asked: string[] = []
    const port: PagerPort = {
      async fetch(url) {
        asked.push(url)
        const page = Number(/page="(\d+)"/.exec(decodeURIComponent(url.split('fetchXml=')[1]!))?.[1] ?? 1)
        const cookie = `<cookie pagenumber="${page + 1}" pagingcookie="${encodeURIComponent(encodeURIComponent(`<cookie page="${page}"><name last="n${page}" /></cookie>`))}" istracking="False" />`
        return { status: 200, statusText: 'OK', headers: [], text: JSON.stringify({ value: [{ name: `n${page}` }], '@Microsoft.Dynamics.CRM.fetchxmlpagingcookie': cookie, '@Microsoft.Dynamics.CRM.morerecords': page < 4 }) }
      },
      async parse(text) {
        return resultOf(JSON.parse(text)) ?? 'no records'
      }
    }
    const got: string[] = []
    const first = `https://org/api/data/v9.2/accounts?fetchXml=${encodeURIComponent(xml.replace('<fetch ', '<fetch page="2" '))}`
    const end = await new Pager(port, { idPrefix: 'f', cap: 100 }).run({ nextLink: first }, 1, (records) => got.push(...records.map((r) => String(r.name))), () => undefined)
    expect(end).toEqual({ reason: 'done', pages: 3, rows: 4 })
    expect(got).toEqual(['n2', 'n3', 'n4'])
    expect(decodeURIComponent(asked[1]!.split('fetchXml=')[1]!)).toContain('page="3" paging-cookie="&lt;cookie page=&quot;2&quot;&gt;')
  })

  it('stops at a 429 when automatic retry is off (Settings)', async () => {
    const { port, asked } = server(4, { 2: [{ status: 429, headers: [['Retry-After', '1']] }] })
    const end = await new Pager(port, { idPrefix: 't', cap: 1000, retries: 0, maxWaitSeconds: 0 }).run({ nextLink: firstLink }, 3, () => undefined, () => undefined)
    expect(end).toMatchObject({ reason: 'failed', status: 429 })
    expect(asked).toHaveLength(1)
  })
})

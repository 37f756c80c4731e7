import { describe, expect, it } from 'vitest'
import { buildUrl, paramsFromUrl, parseQuery, splitUrl, urlFromParams } from './query'

describe('query parameters', () => {
  it('splits base, query and fragment without decoding', () => {
    expect(splitUrl("{{webApiUrl}}/accounts?$filter=name eq 'A&B'#x")).toEqual({ base: '{{webApiUrl}}/accounts', query: "$filter=name eq 'A&B'", hash: '#x' })
    expect(parseQuery('$select=name,revenue&$top=5&flag')).toEqual([
      { key: '$select', value: 'name,revenue', enabled: true },
      { key: '$top', value: '5', enabled: true },
      { key: 'flag', value: '', enabled: true }
    ])
  })

  it('round-trips a URL through the table unchanged', () => {
    const url = '{{webApiUrl}}/accounts?$select=name&$expand=primarycontactid($select=fullname)&$top=3'
    expect(urlFromParams(url, paramsFromUrl(url, []))).toBe(url)
  })

  it('keeps disabled rows in the table but out of the URL', () => {
    const rows = [
      { key: '$top', value: '3', enabled: true },
      { key: '$count', value: 'true', enabled: false }
    ]
    const url = urlFromParams('https://x/api?old=1', rows)
    expect(url).toBe('https://x/api?$top=3')
    expect(paramsFromUrl(url + '&$skip=1', rows)).toEqual([
      { key: '$top', value: '3', enabled: true },
      { key: '$skip', value: '1', enabled: true },
      { key: '$count', value: 'true', enabled: false }
    ])
  })

  it('writes a row only once it has a key: a value typed first never becomes &=value', () => {
    const rows = [
      { key: '$top', value: '3', enabled: true },
      { key: '', value: 'name', enabled: true }
    ]
    const url = urlFromParams('{{webApiUrl}}/accounts', rows)
    expect(url).toBe('{{webApiUrl}}/accounts?$top=3')
    expect(urlFromParams('{{webApiUrl}}/accounts', [{ key: '', value: 'name', enabled: true }])).toBe('{{webApiUrl}}/accounts')
    // The half-typed row stays in the table while the URL is edited, and is written once it has a key.
    const after = paramsFromUrl(url + '&$count=true', rows)
    expect(after).toEqual([
      { key: '$top', value: '3', enabled: true },
      { key: '$count', value: 'true', enabled: true },
      { key: '', value: 'name', enabled: true }
    ])
    expect(urlFromParams(url, after.map((r) => (r.key === '' ? { ...r, key: '$select' } : r)))).toBe('{{webApiUrl}}/accounts?$top=3&$count=true&$select=name')
  })

  it('drops the ? when no parameter is left', () => {
    expect(buildUrl('https://x/api', [], '#h')).toBe('https://x/api#h')
  })
})

import { describe, expect, it } from 'vitest'
import { entitySetOf, resultOf } from './result'

describe('resultOf', () => {
  it('reads a collection page and what it says about paging and counts', () => {
    const page = resultOf({
      '@odata.context': 'https://org/api/data/v9.2/$metadata#accounts(name,revenue)',
      '@odata.count': 5000,
      '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded': true,
      '@odata.nextLink': 'https://org/api/data/v9.2/accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%3E',
      value: [{ name: 'A' }, { name: 'B' }]
    })!
    expect(page).toMatchObject({ entitySet: 'accounts', count: 5000, countLimitExceeded: true, single: false })
    expect(page.nextLink).toBe('https://org/api/data/v9.2/accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%3E')
    expect(page.records).toHaveLength(2)
  })

  it('reads one entity as a page of one record', () => {
    const page = resultOf({ '@odata.context': 'https://org/api/data/v9.2/$metadata#accounts(name)/$entity', '@odata.etag': 'W/"1"', name: 'A', accountid: 'x' })!
    expect(page.single).toBe(true)
    expect(page.entitySet).toBe('accounts')
    expect(page.records[0]!.name).toBe('A')
  })

  it('is null for what is not records: an error, a function result, values that are not objects', () => {
    expect(resultOf({ error: { code: '0x80040217', message: 'x' } })).toBeNull()
    expect(resultOf({ '@odata.context': 'https://org/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse', UserId: 'u' })).toBeNull()
    expect(resultOf({ value: [1, 2] })).toBeNull()
    expect(resultOf([{ a: 1 }])).toBeNull()
    expect(resultOf('text')).toBeNull()
  })

  it('names the entity set of a context', () => {
    expect(entitySetOf('https://o/api/data/v9.2/$metadata#contacts')).toBe('contacts')
    expect(entitySetOf('https://o/api/data/v9.2/$metadata#accounts(primarycontactid(fullname))')).toBe('accounts')
    expect(entitySetOf(null)).toBeNull()
  })
})

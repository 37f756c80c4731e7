import { describe, expect, it } from 'vitest'
import type { DataverseFailure } from '../errors'
import { defaultSeed } from '../seed'
import { parseFilter, type FilterContext } from './filter'
import { SandboxOrg } from './org'
import { tableByName } from './schema'
import { tableScope } from './scopes'

const org = new SandboxOrg(defaultSeed(''), null)
const tasks = tableScope(org, tableByName.get('task')!)
const accounts = tableScope(org, tableByName.get('account')!)
// Wednesday 18 March 2026, noon UTC: the week started on Sunday the 15th.
const NOW = new Date('2026-03-18T12:00:00Z')
const ctx: FilterContext = { alias: () => null, now: () => NOW, userId: 'aaaaaaaa-0000-4000-8000-000000000001', businessUnitId: 'bbbbbbbb-0000-4000-8000-000000000002' }
const on = (fn: string, value?: number) => parseFilter(`Microsoft.Dynamics.CRM.${fn}(PropertyName='scheduledend'${value === undefined ? '' : `,PropertyValue=${value}`})`, tasks, ctx)
const at = (iso: string) => ({ scheduledend: iso })

describe('Dataverse query functions on dates (UTC)', () => {
  it.each([
    ['Today', undefined, '2026-03-18T00:00:00Z', '2026-03-17T23:59:59Z'],
    ['Yesterday', undefined, '2026-03-17T08:00:00Z', '2026-03-18T00:00:00Z'],
    ['Tomorrow', undefined, '2026-03-19T23:00:00Z', '2026-03-20T00:00:00Z'],
    ['ThisWeek', undefined, '2026-03-15T00:00:00Z', '2026-03-14T23:59:00Z'],
    ['LastWeek', undefined, '2026-03-08T00:00:00Z', '2026-03-15T00:00:00Z'],
    ['ThisMonth', undefined, '2026-03-01T00:00:00Z', '2026-02-28T23:00:00Z'],
    ['LastMonth', undefined, '2026-02-28T23:00:00Z', '2026-03-01T00:00:00Z'],
    ['NextMonth', undefined, '2026-04-30T10:00:00Z', '2026-05-01T00:00:00Z'],
    ['ThisYear', undefined, '2026-01-01T00:00:00Z', '2025-12-31T23:00:00Z'],
    ['LastXDays', 3, '2026-03-15T00:00:00Z', '2026-03-14T23:00:00Z'],
    ['NextXDays', 2, '2026-03-20T23:00:00Z', '2026-03-21T00:00:00Z'],
    ['LastXHours', 2, '2026-03-18T10:30:00Z', '2026-03-18T09:59:00Z'],
    ['OlderThanXMonths', 1, '2026-02-17T12:00:00Z', '2026-02-19T12:00:00Z'],
    ['OlderThanXDays', 7, '2026-03-10T12:00:00Z', '2026-03-12T12:00:00Z']
  ])('%s(%s) includes %s and not %s', (fn, value, inside, outside) => {
    const f = on(fn, value)
    expect(f.test(at(inside))).toBe(true)
    expect(f.test(at(outside))).toBe(false)
    expect(f.test({ scheduledend: null })).toBe(false)
  })

  it('On, OnOrAfter and OnOrBefore compare whole days', () => {
    const f = (fn: string) => parseFilter(`Microsoft.Dynamics.CRM.${fn}(PropertyName='scheduledend',PropertyValue='2026-03-10')`, tasks, ctx)
    expect(f('On').test(at('2026-03-10T23:59:00Z'))).toBe(true)
    expect(f('On').test(at('2026-03-11T00:00:00Z'))).toBe(false)
    expect(f('OnOrAfter').test(at('2026-03-10T00:00:00Z'))).toBe(true)
    expect(f('OnOrBefore').test(at('2026-03-10T20:00:00Z'))).toBe(true)
    expect(f('OnOrBefore').test(at('2026-03-11T00:00:00Z'))).toBe(false)
  })
})

describe('Dataverse query functions on values and ids', () => {
  it('Between and NotBetween are inclusive; In and NotIn convert the values to the column type', () => {
    const between = parseFilter('Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["5","2000"])', accounts, ctx)
    expect([4, 5, 2000, 2001].map((n) => between.test({ numberofemployees: n }))).toEqual([false, true, true, false])
    const notBetween = parseFilter('Microsoft.Dynamics.CRM.NotBetween(PropertyName=\'numberofemployees\',PropertyValues=[5,2000])', accounts, ctx)
    expect([4, 5].map((n) => notBetween.test({ numberofemployees: n }))).toEqual([true, false])
    const inList = parseFilter('Microsoft.Dynamics.CRM.In(PropertyName=\'industrycode\',PropertyValues=["6","12"])', accounts, ctx)
    expect([6, 12, 7].map((n) => inList.test({ industrycode: n }))).toEqual([true, true, false])
    const notIn = parseFilter("Microsoft.Dynamics.CRM.NotIn(PropertyName='name',PropertyValues=['a','b'])", accounts, ctx)
    expect(['A', 'c'].map((name) => notIn.test({ name }))).toEqual([false, true])
  })

  it('EqualUserId and EqualBusinessId compare with the caller', () => {
    const mine = parseFilter("Microsoft.Dynamics.CRM.EqualUserId(PropertyName='_ownerid_value')", accounts, ctx)
    expect(mine.test({ _ownerid_value: ctx.userId })).toBe(true)
    expect(mine.test({ _ownerid_value: ctx.businessUnitId })).toBe(false)
    const notBu = parseFilter("Microsoft.Dynamics.CRM.NotEqualBusinessId(PropertyName='_ownerid_value')", accounts, ctx)
    expect(notBu.test({ _ownerid_value: ctx.userId })).toBe(true)
  })

  it('fiscal and hierarchy functions say they are not supported by the Sandbox (501), unknown names are the parser\'s error', () => {
    const failure = (text: string) => {
      try {
        parseFilter(text, accounts, ctx)
      } catch (error) {
        return error as DataverseFailure
      }
      throw new Error('expected an error')
    }
    const fiscal = failure("Microsoft.Dynamics.CRM.InFiscalYear(PropertyName='createdon',PropertyValue=2026)")
    expect(fiscal.status).toBe(501)
    expect(fiscal.message).toMatch(/^The query function 'Microsoft\.Dynamics\.CRM\.InFiscalYear' is not supported by the OrgBench Sandbox/)
    const unknown = failure("Microsoft.Dynamics.CRM.Nope(PropertyName='createdon')")
    expect(unknown.status).toBe(400)
    expect(unknown.message).toBe("An unknown function with name 'Microsoft.Dynamics.CRM.Nope' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.")
  })
})

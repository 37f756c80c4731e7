import { describe, expect, it } from 'vitest'
import { operatorInfo, operatorsFor, valueCount } from './operators'

const values = (type: string) => operatorsFor(type).map((o) => o.value)

describe('operatorsFor', () => {
  it('offers string tests on text, ordering on numbers and dates, and only equality on booleans and GUIDs', () => {
    expect(values('Edm.String')).toEqual(expect.arrayContaining(['eq', 'ne', 'contains', 'notcontains', 'startswith', 'endswith', 'null', 'notnull', 'In', 'ContainValues']))
    expect(values('Edm.Decimal')).toEqual(expect.arrayContaining(['gt', 'ge', 'lt', 'le', 'In', 'Between']))
    expect(values('Edm.Decimal')).not.toContain('contains')
    expect(values('Edm.Boolean')).toEqual(['eq', 'ne', 'null', 'notnull'])
    expect(values('Edm.Guid')).toEqual(expect.arrayContaining(['eq', 'ne', 'EqualUserId', 'Under', 'In']))
    expect(values('Edm.Guid')).not.toContain('gt')
  })

  it('offers Dataverse date functions on dates only', () => {
    expect(values('Edm.DateTimeOffset')).toEqual(expect.arrayContaining(['Today', 'LastXDays', 'On', 'OlderThanXMonths', 'InFiscalPeriodAndYear', 'ThisMonth']))
    expect(values('Edm.Int32')).not.toContain('LastXDays')
    expect(values('Edm.String')).not.toContain('Today')
  })

  it('says how many values an operator takes and of what kind', () => {
    expect(operatorInfo('LastXDays')).toMatchObject({ arity: 'one', valueKind: 'number' })
    expect(operatorInfo('On')).toMatchObject({ arity: 'one', valueKind: 'date' })
    expect(operatorInfo('Under')).toMatchObject({ arity: 'one', valueKind: 'guid' })
    expect(operatorInfo('InFiscalPeriodAndYear')).toMatchObject({ arity: 'two', valueKind: 'number' })
    expect(operatorInfo('In')).toMatchObject({ arity: 'list' })
    expect(operatorInfo('Today')).toMatchObject({ arity: 'none' })
    expect(operatorInfo('notcontains')).toMatchObject({ arity: 'one', valueKind: 'text' })
    expect(operatorInfo('nope')).toBeNull()
  })

  it('keeps the values that still fit when the operator changes', () => {
    expect(valueCount('null', ['x'])).toEqual([])
    expect(valueCount('eq', [])).toEqual([''])
    expect(valueCount('eq', ['a', 'b'])).toEqual(['a'])
    expect(valueCount('InFiscalPeriodAndYear', ['3'])).toEqual(['3', ''])
    expect(valueCount('In', ['a', ''])).toEqual(['a'])
  })
})

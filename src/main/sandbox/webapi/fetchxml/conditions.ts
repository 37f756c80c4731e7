import { failure } from '../failures'
import { compareValues, likePattern } from '../filter'
import type { Literal } from '../filterLexer'
import { queryFunction, type QueryFunctionContext } from '../queryFunctions'
import type { Row } from '../seedData'
import { edmType, type Column } from '../schema'
import type { EntityNode, FetchCondition } from './model'

/** The rows joined so far, one per entity node of the query (null where an outer join found nothing). */
export type Tuple = Map<EntityNode, Row | null>
export type Predicate = (tuple: Tuple) => boolean

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i

const SYSTEM_TYPES: Record<string, string> = { Int32: 'System.Int32', Int64: 'System.Int64', Picklist: 'System.Int32', State: 'System.Int32', Status: 'System.Int32', Money: 'System.Decimal', Decimal: 'System.Decimal', Boolean: 'System.Boolean', Guid: 'System.Guid', Lookup: 'System.Guid', DateTimeOffset: 'System.DateTime', Date: 'System.DateTime' }

/** A condition value (always text in FetchXML) as the column's type, or Dataverse's conversion error. */
export function typedValue(value: string, col: Column, attribute: string): unknown {
  const fail = () => failure.fetchValue(value, attribute, SYSTEM_TYPES[col.type] ?? 'System.String')
  switch (col.type) {
    case 'Int32':
    case 'Int64':
    case 'Picklist':
    case 'State':
    case 'Status':
      if (!/^\s*-?\d+\s*$/.test(value)) throw fail()
      return Number(value)
    case 'Money':
    case 'Decimal':
      if (!/^\s*-?\d+(\.\d+)?\s*$/.test(value)) throw fail()
      return Number(value)
    case 'Boolean': {
      const v = value.trim().toLowerCase()
      if (v === '1' || v === 'true') return true
      if (v === '0' || v === 'false') return false
      throw fail()
    }
    case 'Guid':
    case 'Lookup': {
      const m = GUID.exec(value.trim())
      if (!m) throw fail()
      return m[1]!.toLowerCase()
    }
    case 'DateTimeOffset': {
      const t = Date.parse(value.trim())
      if (Number.isNaN(t)) throw fail()
      return new Date(t).toISOString().replace(/\.\d+Z$/, 'Z')
    }
    case 'Date': {
      const t = Date.parse(value.trim())
      if (Number.isNaN(t)) throw fail()
      return new Date(t).toISOString().slice(0, 10)
    }
    default:
      return value
  }
}

/** FetchXML operators that are Dataverse query functions in OData (one implementation for both). */
const AS_QUERY_FUNCTION: Record<string, string> = {
  'eq-userid': 'EqualUserId', 'ne-userid': 'NotEqualUserId', 'eq-businessid': 'EqualBusinessId', 'ne-businessid': 'NotEqualBusinessId',
  today: 'Today', yesterday: 'Yesterday', tomorrow: 'Tomorrow', 'last-seven-days': 'Last7Days', 'next-seven-days': 'Next7Days',
  'last-week': 'LastWeek', 'this-week': 'ThisWeek', 'next-week': 'NextWeek', 'last-month': 'LastMonth', 'this-month': 'ThisMonth', 'next-month': 'NextMonth',
  'last-year': 'LastYear', 'this-year': 'ThisYear', 'next-year': 'NextYear',
  'last-x-hours': 'LastXHours', 'next-x-hours': 'NextXHours', 'last-x-days': 'LastXDays', 'next-x-days': 'NextXDays', 'last-x-weeks': 'LastXWeeks', 'next-x-weeks': 'NextXWeeks',
  'last-x-months': 'LastXMonths', 'next-x-months': 'NextXMonths', 'last-x-years': 'LastXYears', 'next-x-years': 'NextXYears',
  'olderthan-x-minutes': 'OlderThanXMinutes', 'olderthan-x-hours': 'OlderThanXHours', 'olderthan-x-days': 'OlderThanXDays', 'olderthan-x-weeks': 'OlderThanXWeeks',
  'olderthan-x-months': 'OlderThanXMonths', 'olderthan-x-years': 'OlderThanXYears',
  on: 'On', 'on-or-after': 'OnOrAfter', 'on-or-before': 'OnOrBefore',
  in: 'In', 'not-in': 'NotIn', between: 'Between', 'not-between': 'NotBetween',
  // Fiscal periods and hierarchies: the query functions answer "not supported by the Sandbox".
  'in-fiscal-year': 'InFiscalYear', 'in-fiscal-period': 'InFiscalPeriod', 'in-fiscal-period-and-year': 'InFiscalPeriodAndYear', 'in-or-after-fiscal-period-and-year': 'InOrAfterFiscalPeriodAndYear',
  'in-or-before-fiscal-period-and-year': 'InOrBeforeFiscalPeriodAndYear', 'last-fiscal-year': 'LastFiscalYear', 'last-fiscal-period': 'LastFiscalPeriod', 'this-fiscal-year': 'ThisFiscalYear',
  'this-fiscal-period': 'ThisFiscalPeriod', 'next-fiscal-year': 'NextFiscalYear', 'next-fiscal-period': 'NextFiscalPeriod', 'last-x-fiscal-years': 'LastXFiscalYears',
  'last-x-fiscal-periods': 'LastXFiscalPeriods', 'next-x-fiscal-years': 'NextXFiscalYears', 'next-x-fiscal-periods': 'NextXFiscalPeriods',
  above: 'Above', 'eq-or-above': 'AboveOrEqual', under: 'Under', 'eq-or-under': 'UnderOrEqual', 'not-under': 'NotUnder',
  'eq-useroruserhierarchy': 'EqualUserOrUserHierarchy', 'eq-useroruserhierarchyandteams': 'EqualUserOrUserHierarchyAndTeams', 'eq-userteams': 'EqualUserTeams',
  'eq-useroruserteams': 'EqualUserOrUserTeams', 'eq-userlanguage': 'EqualUserLanguage', 'contain-values': 'ContainValues', 'not-contain-values': 'DoesNotContainValues'
}
const COMPARISONS = new Set(['eq', 'ne', 'neq', 'gt', 'ge', 'lt', 'le'])
const PATTERNS: Record<string, { negate: boolean; pattern: (v: string) => string }> = {
  like: { negate: false, pattern: (v) => v },
  'not-like': { negate: true, pattern: (v) => v },
  'begins-with': { negate: false, pattern: (v) => `${v}%` },
  'not-begin-with': { negate: true, pattern: (v) => `${v}%` },
  'ends-with': { negate: false, pattern: (v) => `%${v}` },
  'not-end-with': { negate: true, pattern: (v) => `%${v}` }
}
const NO_VALUE = new Set(['null', 'not-null', 'eq-userid', 'ne-userid', 'eq-businessid', 'ne-businessid', 'today', 'yesterday', 'tomorrow', 'last-seven-days', 'next-seven-days', 'last-week', 'this-week', 'next-week', 'last-month', 'this-month', 'next-month', 'last-year', 'this-year', 'next-year'])

const isNull = (v: unknown) => v === null || v === undefined

function compare(op: string, a: unknown, b: unknown, guid: boolean): boolean {
  // SQL semantics: a comparison with NULL is never true (FetchXML `ne` leaves out rows where the column is null).
  if (isNull(a) || isNull(b)) return false
  const c = compareValues(a, b, guid)
  switch (op) {
    case 'eq':
      return c === 0
    case 'ne':
    case 'neq':
      return c !== 0
    case 'gt':
      return c > 0
    case 'ge':
      return c >= 0
    case 'lt':
      return c < 0
    default:
      return c <= 0
  }
}

/** One `<condition>` as a predicate over joined rows. */
export function conditionPredicate(c: FetchCondition, ctx: QueryFunctionContext): Predicate {
  const name = c.node.alias ? `${c.node.alias}.${c.name}` : c.name
  const get = (t: Tuple) => t.get(c.node)?.[c.column.name] ?? null
  const guid = c.column.type === 'Guid' || c.column.type === 'Lookup'
  const op = c.operator
  const one = (): string => {
    if (c.values.length !== 1) throw failure.fetchValueMissing(op, name)
    return c.values[0]!
  }
  if (!NO_VALUE.has(op) && !c.valueOf && c.values.length === 0) throw failure.fetchValueMissing(op, name)

  if (COMPARISONS.has(op)) {
    if (c.valueOf) {
      const other = c.valueOf
      return (t) => compare(op, get(t), t.get(c.node)?.[other.name] ?? null, guid)
    }
    const value = typedValue(one(), c.column, name)
    return (t) => compare(op, get(t), value, guid)
  }
  if (op === 'null') return (t) => isNull(get(t))
  if (op === 'not-null') return (t) => !isNull(get(t))
  const pattern = PATTERNS[op]
  if (pattern) {
    if (c.column.type !== 'String' && c.column.type !== 'Memo') throw failure.fetchOperator(op)
    const like = likePattern(pattern.pattern(one()))
    return (t) => {
      const v = get(t)
      if (typeof v !== 'string') return false
      return like.test(v) !== pattern.negate
    }
  }
  const fn = AS_QUERY_FUNCTION[op]
  if (!fn) throw failure.fetchOperator(op)
  const args = new Map<string, Literal>([['PropertyName', { kind: 'literal', type: 'Edm.String', value: c.name }]])
  if (/^(In|NotIn|Between|NotBetween|ContainValues|DoesNotContainValues)$/.test(fn)) {
    if ((fn === 'Between' || fn === 'NotBetween') && c.values.length !== 2) throw failure.fetchValueMissing(op, name)
    args.set('PropertyValues', { kind: 'literal', type: 'array', value: c.values.map((v) => typedValue(v, c.column, name)) })
  } else if (/X/.test(fn)) {
    const v = one()
    if (!/^\s*\d+\s*$/.test(v)) throw failure.fetchValue(v, name, 'System.Int32')
    args.set('PropertyValue', { kind: 'literal', type: 'Edm.Int32', value: Number(v) })
  } else if (/^On/.test(fn)) {
    const v = one()
    if (Number.isNaN(Date.parse(v))) throw failure.fetchValue(v, name, 'System.DateTime')
    args.set('PropertyValue', { kind: 'literal', type: 'Edm.String', value: v })
  }
  const operand = { edm: edmType(c.column.type), get: (env: { it: unknown }) => get(env.it as Tuple) }
  const pred = queryFunction(`Microsoft.Dynamics.CRM.${fn}`, args, () => operand as never, ctx)
  return (t) => pred({ it: t as unknown as Row, vars: new Map() })
}


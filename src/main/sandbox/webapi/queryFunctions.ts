import { dv } from '../errors'
import type { Literal } from './filterLexer'
import type { Row } from './seedData'

/**
 * Dataverse's query functions (`Microsoft.Dynamics.CRM.<Name>(PropertyName='…',PropertyValue=…)`), each the
 * Web API form of a ConditionOperator. Dates are compared in UTC: the Sandbox's users all work in UTC.
 */
export interface QueryFunctionContext {
  now(): Date
  userId: string
  businessUnitId: string
}

interface OperandLike {
  edm: string
  get(env: never): unknown
}

type Env = { it: Row; vars: Map<string, Row> }
type Pred = (env: Env) => boolean
type Args = Map<string, Literal>

const DAY = 86_400_000
const startOfDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY)
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()))
const startOfWeek = (d: Date) => addDays(startOfDay(d), -d.getUTCDay())
const startOfMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))
const startOfYear = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), 0, 1))

type Unit = 'Minutes' | 'Hours' | 'Days' | 'Weeks' | 'Months' | 'Years'
function shift(d: Date, unit: Unit, n: number): Date {
  switch (unit) {
    case 'Minutes':
      return new Date(d.getTime() + n * 60_000)
    case 'Hours':
      return new Date(d.getTime() + n * 3_600_000)
    case 'Days':
      return addDays(d, n)
    case 'Weeks':
      return addDays(d, 7 * n)
    case 'Months':
      return addMonths(d, n)
    case 'Years':
      return addMonths(d, 12 * n)
  }
}

/** [from, to): the range a relative date function covers. */
function dateRange(name: string, now: Date, x: number): [Date, Date] | null {
  const today = startOfDay(now)
  const fixed: Record<string, () => [Date, Date]> = {
    Today: () => [today, addDays(today, 1)],
    Tomorrow: () => [addDays(today, 1), addDays(today, 2)],
    Yesterday: () => [addDays(today, -1), today],
    Last7Days: () => [addDays(today, -7), now],
    Next7Days: () => [now, addDays(today, 8)],
    ThisWeek: () => [startOfWeek(now), addDays(startOfWeek(now), 7)],
    LastWeek: () => [addDays(startOfWeek(now), -7), startOfWeek(now)],
    NextWeek: () => [addDays(startOfWeek(now), 7), addDays(startOfWeek(now), 14)],
    ThisMonth: () => [startOfMonth(now), addMonths(startOfMonth(now), 1)],
    LastMonth: () => [addMonths(startOfMonth(now), -1), startOfMonth(now)],
    NextMonth: () => [addMonths(startOfMonth(now), 1), addMonths(startOfMonth(now), 2)],
    ThisYear: () => [startOfYear(now), addMonths(startOfYear(now), 12)],
    LastYear: () => [addMonths(startOfYear(now), -12), startOfYear(now)],
    NextYear: () => [addMonths(startOfYear(now), 12), addMonths(startOfYear(now), 24)]
  }
  if (fixed[name]) return fixed[name]!()
  const m = /^(Last|Next)X(Hours|Days|Weeks|Months|Years)$/.exec(name)
  if (m) {
    const unit = m[2] as Unit
    const fine = unit === 'Hours'
    if (m[1] === 'Last') return [fine ? shift(now, unit, -x) : shift(today, unit, -x), now]
    return [now, fine ? shift(now, unit, x) : addDays(shift(today, unit, x), 1)]
  }
  return null
}

const FISCAL_AND_HIERARCHY = /^(InFiscal|InOrAfterFiscal|InOrBeforeFiscal|LastFiscal|LastXFiscal|NextFiscal|NextXFiscal|ThisFiscal|Above|AboveOrEqual|Under|UnderOrEqual|NotUnder|EqualUserOrUserHierarchy|EqualUserOrUserHierarchyAndTeams|EqualUserOrUserTeams|EqualUserTeams|EqualUserLanguage|ContainValues|DoesNotContainValues|Contains|DoesNotContain)/

function argument(args: Args, name: string, fn: string): Literal {
  const value = args.get(name)
  if (!value) throw dv.badRequest(`The function '${fn}' needs the parameter '${name}'.`)
  return value
}

function timeOf(value: unknown): number | null {
  if (value === null || value === undefined) return null
  const t = Date.parse(String(value))
  return Number.isNaN(t) ? null : t
}

/** A function's string/number argument converted to the property's type, for comparisons. */
function convert(value: unknown, edm: string): unknown {
  if (value === null || value === undefined) return null
  if (edm === 'Edm.Int32' || edm === 'Edm.Int64' || edm === 'Edm.Decimal' || edm === 'Edm.Double') {
    const n = Number(value)
    if (Number.isNaN(n)) throw dv.badRequest(`Cannot convert the literal '${String(value)}' to the expected type '${edm}'.`)
    return n
  }
  if (edm === 'Edm.Guid') return String(value).replace(/[{}]/g, '').toLowerCase()
  return value
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b, 'en', { sensitivity: 'base' }) === 0
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b)
  return a === b
}

function order(a: unknown, b: unknown, edm: string): number {
  if (edm === 'Edm.DateTimeOffset' || edm === 'Edm.Date') return (timeOf(a) ?? 0) - (timeOf(b) ?? 0)
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a).localeCompare(String(b), 'en', { sensitivity: 'base' })
}

export function queryFunction(fullName: string, args: Args, resolve: (property: string) => OperandLike, ctx: QueryFunctionContext): Pred {
  const name = fullName.replace(/^Microsoft\.Dynamics\.CRM\./, '')
  const property = () => {
    const p = argument(args, 'PropertyName', fullName)
    if (p.type !== 'Edm.String') throw dv.badRequest(`The PropertyName of '${fullName}' must be a string naming a column, like PropertyName='createdon'.`)
    return resolve(String(p.value))
  }
  const get = (operand: OperandLike, env: Env) => operand.get(env as never)
  const values = () => {
    const v = argument(args, 'PropertyValues', fullName)
    if (v.type !== 'array') throw dv.badRequest(`The PropertyValues of '${fullName}' must be a collection, like PropertyValues=["a","b"].`)
    return v.value as unknown[]
  }
  const x = () => {
    const v = argument(args, 'PropertyValue', fullName)
    const n = Number(v.value)
    if (!Number.isInteger(n)) throw dv.badRequest(`The PropertyValue of '${fullName}' must be a whole number.`)
    return n
  }

  switch (name) {
    case 'Between':
    case 'NotBetween': {
      const p = property()
      const [low, high] = values().map((v) => convert(v, p.edm))
      if (low === undefined || high === undefined) throw dv.badRequest(`'${fullName}' needs two PropertyValues: the low and the high end.`)
      return (env) => {
        const v = get(p, env)
        if (v === null || v === undefined) return false
        const inside = order(v, low, p.edm) >= 0 && order(v, high, p.edm) <= 0
        return name === 'Between' ? inside : !inside
      }
    }
    case 'In':
    case 'NotIn': {
      const p = property()
      const list = values().map((v) => convert(v, p.edm))
      return (env) => {
        const v = get(p, env)
        if (v === null || v === undefined) return false
        const found = list.some((item) => sameValue(v, item))
        return name === 'In' ? found : !found
      }
    }
    case 'EqualUserId':
    case 'NotEqualUserId':
    case 'EqualBusinessId':
    case 'NotEqualBusinessId': {
      const p = property()
      const id = name.endsWith('UserId') ? ctx.userId : ctx.businessUnitId
      return (env) => {
        const v = get(p, env)
        if (v === null || v === undefined) return false
        const equal = String(v).toLowerCase() === id.toLowerCase()
        return name.startsWith('Equal') ? equal : !equal
      }
    }
    case 'On':
    case 'OnOrAfter':
    case 'OnOrBefore': {
      const p = property()
      const day = timeOf(argument(args, 'PropertyValue', fullName).value)
      if (day === null) throw dv.badRequest(`The PropertyValue of '${fullName}' must be a date, like PropertyValue='2024-05-01'.`)
      const start = startOfDay(new Date(day)).getTime()
      return (env) => {
        const t = timeOf(get(p, env))
        if (t === null) return false
        if (name === 'On') return t >= start && t < start + DAY
        return name === 'OnOrAfter' ? t >= start : t < start + DAY
      }
    }
  }
  const older = /^OlderThanX(Minutes|Hours|Days|Weeks|Months|Years)$/.exec(name)
  if (older) {
    const p = property()
    const n = x()
    return (env) => {
      const t = timeOf(get(p, env))
      return t !== null && t < shift(ctx.now(), older[1] as Unit, -n).getTime()
    }
  }
  if (dateRange(name, new Date(), 1)) {
    const p = property()
    const n = /X/.test(name) ? x() : 0
    return (env) => {
      const t = timeOf(get(p, env))
      if (t === null) return false
      const now = ctx.now()
      const [from, to] = dateRange(name, now, n)!
      // Ranges that end now include now; calendar ranges end before their next period starts.
      return t >= from.getTime() && (to.getTime() === now.getTime() ? t <= now.getTime() : t < to.getTime())
    }
  }
  if (FISCAL_AND_HIERARCHY.test(name)) throw dv.notSupported(`The query function '${fullName}'`)
  throw dv.badRequest(`An unknown function with name '${fullName}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`)
}

import { dv } from '../errors'
import { appliedPreferences } from './collection'
import { parseFilter } from './filter'
import { formatDateTime, formatMoney, formattedValue } from './format'
import { odataJson, type SandboxResponse } from './http'
import type { Call } from './routes'
import { tableScope } from './scopes'
import type { Row } from './seedData'
import { column, lookupByNavigation, type Column, type Table } from './schema'
import { splitTopLevel } from './text'

/**
 * `$apply` as Dataverse supports it ("Aggregate data using OData"): `filter(…)`, `groupby((…))` with an optional
 * `aggregate(…)`, and `aggregate(…)` alone; sum, average, min, max, countdistinct and `$count`. A group key through a
 * lookup (`primarycontactid/fullname`) comes back as `<table>_<column>`; null group values are left out.
 */
interface GroupKey {
  alias: string
  column: Column
  table: Table
  get(row: Row): { row: Row | null; value: unknown }
}

interface Aggregate {
  alias: string
  method: 'sum' | 'average' | 'min' | 'max' | 'countdistinct' | '$count'
  column: Column | null
}

const METHODS = new Set(['sum', 'average', 'min', 'max', 'countdistinct'])
const inner = (text: string, name: string) => {
  const m = new RegExp(`^${name.replace('$', '\\$')}\\s*\\(([\\s\\S]*)\\)$`).exec(text.trim())
  return m ? m[1]! : null
}

export function handleApply(call: Call, table: Table, source: Row[]): SandboxResponse {
  if (call.q.has('$orderby')) throw dv.badRequest('The query node SingleValueOpenPropertyAccess is not supported')
  if (call.q.has('$select') || call.q.has('$expand')) throw dv.badRequest('$select and $expand cannot be combined with $apply: name the columns in groupby((…)).')
  const org = call.ctx.org
  let rows = source
  let groups: GroupKey[] | null = null
  let aggregates: Aggregate[] = []
  for (const step of splitTopLevel(call.q.get('$apply')!, '/')) {
    const filter = inner(step, 'filter')
    const groupby = inner(step, 'groupby')
    const aggregate = inner(step, 'aggregate')
    if (filter !== null) {
      const f = parseFilter(filter, tableScope(org, table), call.env.filter)
      rows = rows.filter((r) => f.test(r))
    } else if (groupby !== null) {
      const [keys, agg, extra] = splitTopLevel(groupby, ',')
      if (!keys?.startsWith('(') || !keys.endsWith(')') || extra) throw dv.badRequest(`Syntax error in groupby: '${groupby}'. Use groupby((column1,column2),aggregate(…)).`)
      groups = splitTopLevel(keys.slice(1, -1), ',').map((k) => groupKey(call, table, k))
      if (agg) {
        const a = inner(agg, 'aggregate')
        if (a === null) throw dv.badRequest(`Syntax error in groupby: '${agg}' is not aggregate(…).`)
        aggregates = parseAggregates(a, table)
      }
    } else if (aggregate !== null) aggregates = parseAggregates(aggregate, table)
    else throw dv.badRequest(`The transformation '${step}' is not supported in $apply: use filter, groupby or aggregate.`)
  }

  const buckets = new Map<string, { sample: Row; members: Row[] }>()
  for (const row of rows) {
    const key = JSON.stringify((groups ?? []).map((g) => g.get(row).value ?? null))
    const bucket = buckets.get(key)
    if (bucket) bucket.members.push(row)
    else buckets.set(key, { sample: row, members: [row] })
  }
  if (!groups && buckets.size === 0) buckets.set('[]', { sample: {}, members: [] })
  const annotate = call.prefer.annotate('OData.Community.Display.V1.FormattedValue')
  const value = [...buckets.values()]
    .sort((a, b) => compareGroups(groups ?? [], a.sample, b.sample))
    .map(({ sample, members }) => {
      const out: Record<string, unknown> = {}
      for (const g of groups ?? []) {
        const { row, value: v } = g.get(sample)
        if (v === null || v === undefined) continue
        if (annotate && row) {
          const text = formattedValue(org, g.table, row, g.column)
          if (text !== null) out[`${g.alias}@OData.Community.Display.V1.FormattedValue`] = text
        }
        out[g.alias] = v
      }
      for (const a of aggregates) {
        const result = compute(a, members)
        if (annotate && result !== null) out[`${a.alias}@OData.Community.Display.V1.FormattedValue`] = formatAggregate(a, result)
        out[a.alias] = result
      }
      return out
    })
  return odataJson(200, { '@odata.context': `${call.base}/$metadata#${table.entitySet}`, value }, appliedPreferences(call.prefer.annotations))
}

function groupKey(call: Call, table: Table, path: string): GroupKey {
  const segments = path.trim().split('/')
  if (segments.length === 1) {
    const col = column(table, segments[0]!)
    if (!col) throw dv.unknownProperty(segments[0]!, table.logicalName)
    if (col.type === 'DateTimeOffset' || col.type === 'Date') throw dv.badRequest(`groupby with datetime values is not supported ('${col.name}').`)
    return { alias: col.name, column: col, table, get: (row) => ({ row, value: row[col.name] }) }
  }
  if (segments.length !== 2) throw dv.badRequest(`groupby supports a column or one lookup and a column of the related table ('${path}').`)
  const nav = lookupByNavigation(table, segments[0]!)
  if (!nav) throw dv.unknownProperty(segments[0]!, table.logicalName)
  const col = column(nav.target, segments[1]!)
  if (!col) throw dv.unknownProperty(segments[1]!, nav.target.logicalName)
  const org = call.ctx.org
  return {
    alias: `${nav.target.logicalName}_${col.name}`,
    column: col,
    table: nav.target,
    get: (row) => {
      const id = row[nav.column.name]
      const related = typeof id === 'string' ? (org.find(nav.target, id) ?? null) : null
      return { row: related, value: related ? related[col.name] : null }
    }
  }
}

function parseAggregates(text: string, table: Table): Aggregate[] {
  return splitTopLevel(text, ',').map((part) => {
    const count = /^\$count\s+as\s+(\w+)$/i.exec(part.trim())
    if (count) return { alias: count[1]!, method: '$count', column: null }
    const m = /^(\w+)\s+with\s+(\w+)\s+as\s+(\w+)$/i.exec(part.trim())
    if (!m) throw dv.badRequest(`Syntax error in aggregate: '${part}'. Use <column> with sum|average|min|max|countdistinct as <alias>, or $count as <alias>.`)
    const col = column(table, m[1]!)
    if (!col) throw dv.unknownProperty(m[1]!, table.logicalName)
    const method = m[2]!.toLowerCase()
    if (!METHODS.has(method)) throw dv.badRequest(`The aggregation method '${m[2]!}' is not supported: use sum, average, min, max or countdistinct.`)
    const numeric = ['Int32', 'Int64', 'Money', 'Decimal'].includes(col.type)
    if ((method === 'sum' || method === 'average') && !numeric) throw dv.badRequest(`The aggregation method '${method}' needs a number or money column; '${col.name}' is ${col.type}.`)
    return { alias: m[3]!, method: method as Aggregate['method'], column: col }
  })
}

function compute(a: Aggregate, rows: Row[]): unknown {
  if (a.method === '$count') return rows.length
  const values = rows.map((r) => r[a.column!.name]).filter((v) => v !== null && v !== undefined)
  switch (a.method) {
    case 'countdistinct':
      return new Set(values.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))).size
    case 'sum':
      return values.reduce((s: number, v) => s + Number(v), 0)
    case 'average':
      return values.length ? values.reduce((s: number, v) => s + Number(v), 0) / values.length : null
    default: {
      if (!values.length) return null
      const sorted = [...values].sort((x, y) => (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))))
      return a.method === 'min' ? sorted[0] : sorted[sorted.length - 1]
    }
  }
}

function formatAggregate(a: Aggregate, value: unknown): string {
  if (a.method === '$count' || a.method === 'countdistinct') return new Intl.NumberFormat('en-US').format(Number(value))
  if (a.column!.type === 'Money') return formatMoney(Number(value), 'USD')
  if (a.column!.type === 'DateTimeOffset') return formatDateTime(String(value))
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 10 }).format(Number(value))
}

function compareGroups(groups: GroupKey[], a: Row, b: Row): number {
  for (const g of groups) {
    const x = g.get(a).value
    const y = g.get(b).value
    if (x === y) continue
    if (x === null || x === undefined) return -1
    if (y === null || y === undefined) return 1
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { sensitivity: 'base' })
    if (c !== 0) return c
  }
  return 0
}

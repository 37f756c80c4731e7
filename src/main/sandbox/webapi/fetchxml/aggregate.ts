import { formatDateTime, formatMoney, formattedValue } from '../format'
import type { SandboxOrg } from '../org'
import type { Row } from '../seedData'
import type { Tuple } from './conditions'
import { sortCompare } from './evaluate'
import { allNodes, type FetchAttribute, type FetchQuery } from './model'

const integer = new Intl.NumberFormat('en-US')
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 10 })
const FORMATTED = 'OData.Community.Display.V1.FormattedValue'

/** The part of a date a `dategrouping` groups by (UTC, as the Sandbox's users all work in UTC). */
function datePart(value: unknown, grouping: NonNullable<FetchAttribute['dategrouping']>): number | null {
  if (typeof value !== 'string') return null
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return null
  switch (grouping) {
    case 'year':
      return d.getUTCFullYear()
    case 'quarter':
      return Math.floor(d.getUTCMonth() / 3) + 1
    case 'month':
      return d.getUTCMonth() + 1
    case 'day':
      return d.getUTCDate()
    case 'week': {
      const jan1 = Date.UTC(d.getUTCFullYear(), 0, 1)
      const dayOfYear = Math.floor((d.getTime() - jan1) / 86_400_000)
      return Math.floor((dayOfYear + new Date(jan1).getUTCDay()) / 7) + 1
    }
  }
}

function groupValue(a: FetchAttribute, t: Tuple): { value: unknown; row: Row | null } {
  const row = t.get(a.node) ?? null
  const raw = row?.[a.column.name] ?? null
  return { value: a.dategrouping ? datePart(raw, a.dategrouping) : raw, row }
}

function compute(a: FetchAttribute, members: Tuple[]): unknown {
  if (a.aggregate === 'count') return members.length
  const values = members.map((t) => t.get(a.node)?.[a.column.name]).filter((v) => v !== null && v !== undefined)
  switch (a.aggregate) {
    case 'countcolumn':
      return a.distinct ? new Set(values.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))).size : values.length
    case 'sum':
      return values.reduce((s: number, v) => s + Number(v), 0)
    case 'avg': {
      if (!values.length) return null
      const mean = values.reduce((s: number, v) => s + Number(v), 0) / values.length
      // SQL's AVG of a whole-number column is a whole number.
      return a.column.type === 'Int32' || a.column.type === 'Int64' ? Math.trunc(mean) : mean
    }
    default: {
      if (!values.length) return null
      const sorted = [...values].sort((x, y) => (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))))
      return a.aggregate === 'min' ? sorted[0] : sorted[sorted.length - 1]
    }
  }
}

function formatAggregate(a: FetchAttribute, value: unknown): string {
  if (a.aggregate === 'count' || a.aggregate === 'countcolumn') return integer.format(Number(value))
  switch (a.column.type) {
    case 'Money':
      return formatMoney(Number(value), 'USD')
    case 'DateTimeOffset':
      return formatDateTime(String(value))
    case 'Int32':
    case 'Int64':
      return integer.format(Number(value))
    case 'Decimal':
      return decimal.format(Number(value))
    default:
      return String(value)
  }
}

/**
 * `aggregate='true'` ("Aggregate data using FetchXml"): rows grouped by the `groupby` attributes (a date by its
 * `dategrouping` part), each aggregate computed over a group without its null values; columns named by their
 * aliases, with formatted values when asked. Null group values are a group of their own, left out of the row.
 */
export function aggregateRows(org: SandboxOrg, query: FetchQuery, tuples: Tuple[], annotate: boolean): Array<Record<string, unknown>> {
  const attrs = [...allNodes(query.root)].flatMap((n) => n.attributes)
  const groups = attrs.filter((a) => a.groupby)
  const buckets = new Map<string, Tuple[]>()
  for (const t of tuples) {
    const k = JSON.stringify(groups.map((g) => groupValue(g, t).value ?? null))
    const list = buckets.get(k)
    if (list) list.push(t)
    else buckets.set(k, [t])
  }
  if (!groups.length && buckets.size === 0) buckets.set('[]', [])
  const rows = [...buckets.values()].map((members) => {
    const out: Record<string, unknown> = {}
    for (const a of attrs) {
      const alias = a.alias!
      if (a.groupby) {
        const { value, row } = groupValue(a, members[0]!)
        if (value === null || value === undefined) continue
        if (annotate) {
          const text = a.dategrouping ? integer.format(Number(value)) : row ? formattedValue(org, a.node.table, row, a.column) : null
          if (text !== null) out[`${alias}@${FORMATTED}`] = text
        }
        out[alias] = value
      } else {
        const value = compute(a, members)
        if (value === null || value === undefined) continue
        if (annotate) out[`${alias}@${FORMATTED}`] = formatAggregate(a, value)
        out[alias] = value
      }
    }
    return out
  })
  const orders = [...allNodes(query.root)].flatMap((n) => n.orders)
  return rows.sort((x, y) => {
    for (const o of orders) {
      const c = sortCompare(x[o.alias!] ?? null, y[o.alias!] ?? null)
      if (c !== 0) return o.descending ? -c : c
    }
    return 0
  })
}

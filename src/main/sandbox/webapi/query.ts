import { dv } from '../errors'
import { evaluate, parseFilter, type FilterNode, type PropertyRef } from './filter'
import type { SandboxOrg } from './org'
import type { Row } from './seedData'
import { column, lookupByNavigation, tableByName, type Column, type Table } from './schema'

/** Split on `sep` outside parentheses and quotes: `a,b($select=x,y),c`. */
export function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === "'") quoted = !quoted
    else if (!quoted && ch === '(') depth++
    else if (!quoted && ch === ')') depth--
    else if (!quoted && depth === 0 && ch === sep) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}

export function parseSelect(text: string | null, table: Table): string[] | null {
  if (text === null) return null
  const names = splitTopLevel(text, ',')
  for (const name of names) if (!column(table, name)) throw dv.unknownProperty(name, table.logicalName)
  return names
}

export function parseOrderBy(text: string | null, table: Table): Array<{ column: Column; desc: boolean }> {
  if (!text) return []
  return splitTopLevel(text, ',').map((part) => {
    const [name, direction, extra] = part.split(/\s+/)
    const col = column(table, name!)
    if (!col) throw dv.unknownProperty(name!, table.logicalName)
    if (extra || (direction && !/^(asc|desc)$/i.test(direction))) throw dv.badRequest(`Syntax error: character '${direction ?? ''}' is not valid in '$orderby=${text}'.`)
    return { column: col, desc: direction?.toLowerCase() === 'desc' }
  })
}

export function parseTop(text: string | null): number | null {
  if (text === null) return null
  if (!/^\d+$/.test(text)) throw dv.badRequest(`Invalid value '${text}' for $top query option found. The $top query option requires a non-negative integer value.`)
  const top = Number(text)
  if (top > 5000) throw dv.badRequest('The $top query option value must be 5000 or less.')
  return top
}

export interface Expansion {
  name: string
  single: boolean
  table: Table
  /** single: the lookup on the parent; collection: the lookup on the child pointing back. */
  lookup: string
  select: string[] | null
  filter: FilterNode | null
  orderBy: Array<{ column: Column; desc: boolean }>
  top: number | null
}

export function parseExpand(text: string | null, table: Table): Expansion[] {
  if (!text) return []
  return splitTopLevel(text, ',').map((part) => {
    const open = part.indexOf('(')
    const name = (open >= 0 ? part.slice(0, open) : part).trim()
    if (open >= 0 && !part.endsWith(')')) throw dv.badRequest(`Syntax error in $expand: '${part}'.`)
    const options = new Map<string, string>()
    if (open >= 0) {
      for (const opt of splitTopLevel(part.slice(open + 1, -1), ';')) {
        const eq = opt.indexOf('=')
        if (eq <= 0) throw dv.badRequest(`Syntax error in $expand options: '${opt}'.`)
        const key = opt.slice(0, eq).trim().toLowerCase()
        if (!['$select', '$filter', '$orderby', '$top'].includes(key)) throw dv.badRequest(`The query option '${opt.slice(0, eq)}' is not supported inside $expand (only $select, $filter, $orderby and $top).`)
        options.set(key, opt.slice(eq + 1))
      }
    }
    const lookup = lookupByNavigation(table, name)
    if (lookup) {
      const target = tableByName.get(lookup.target!)!
      if (options.has('$filter') || options.has('$orderby') || options.has('$top')) throw dv.badRequest(`Only $select can be applied to the single-valued navigation property '${name}'.`)
      return { name, single: true, table: target, lookup: lookup.name, select: parseSelect(options.get('$select') ?? null, target), filter: null, orderBy: [], top: null }
    }
    const collection = table.collections.find((c) => c.name === name)
    if (!collection) throw dv.unknownProperty(name, table.logicalName)
    const target = tableByName.get(collection.table)!
    const filterText = options.get('$filter')
    return {
      name,
      single: false,
      table: target,
      lookup: collection.via,
      select: parseSelect(options.get('$select') ?? null, target),
      filter: filterText ? parseFilter(filterText, target) : null,
      orderBy: parseOrderBy(options.get('$orderby') ?? null, target),
      top: parseTop(options.get('$top') ?? null)
    }
  })
}

export function resolver(org: SandboxOrg, table: Table): (row: Row, ref: PropertyRef) => unknown {
  return (row, ref) => {
    if (ref.path.length === 1) return row[ref.column.name]
    const lookup = lookupByNavigation(table, ref.path[0]!)!
    const id = row[lookup.name]
    if (typeof id !== 'string') return null
    const related = org.find(tableByName.get(lookup.target!)!, id)
    return related ? related[ref.column.name] : null
  }
}

export function sortRows(rows: Row[], orderBy: Array<{ column: Column; desc: boolean }>): Row[] {
  if (!orderBy.length) return rows
  return [...rows].sort((a, b) => {
    for (const { column: col, desc } of orderBy) {
      const x = a[col.name]
      const y = b[col.name]
      let c: number
      if (x === y) c = 0
      else if (x === null || x === undefined) c = -1
      else if (y === null || y === undefined) c = 1
      else if (typeof x === 'number' && typeof y === 'number') c = x - y
      else c = String(x).localeCompare(String(y), 'en', { sensitivity: 'base' })
      if (c !== 0) return desc ? -c : c
    }
    return 0
  })
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })
const integer = new Intl.NumberFormat('en-US')
const dateTime = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'numeric', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' })

function formatted(org: SandboxOrg, col: Column, value: unknown): string | null {
  if (value === null || value === undefined) return null
  switch (col.type) {
    case 'Money':
      return money.format(Number(value))
    case 'Int32':
    case 'Int64':
    case 'Decimal':
      return integer.format(Number(value))
    case 'Picklist':
    case 'State':
    case 'Status':
      return col.options?.[Number(value)] ?? String(value)
    case 'Boolean':
      return value ? 'Yes' : 'No'
    case 'DateTimeOffset':
      return dateTime.format(new Date(String(value))).replace(',', '')
    case 'Date': {
      const [y, m, d] = String(value).split('-')
      return `${Number(m)}/${Number(d)}/${y}`
    }
    case 'Lookup': {
      const target = tableByName.get(col.target!)!
      const related = org.find(target, String(value))
      return related ? ((related[target.primaryName] as string | null) ?? null) : null
    }
    default:
      return null
  }
}

/** Which instance annotations the client asked for with `Prefer: odata.include-annotations="…"`. */
export function annotationFilter(prefer: string | null): (name: string) => boolean {
  const match = prefer ? /odata\.include-annotations="([^"]*)"/i.exec(prefer) : null
  if (!match) return () => false
  const patterns = match[1]!.split(',').map((p) => p.trim())
  return (name) => patterns.some((p) => p === '*' || p === name || (p.endsWith('.*') && name.startsWith(p.slice(0, -1))))
}

export function etagOf(row: Row): string {
  return `W/"${String(row.versionnumber)}"`
}

export interface FormatOptions {
  select: string[] | null
  expand: Expansion[]
  annotate: (name: string) => boolean
}

export function formatRow(org: SandboxOrg, table: Table, row: Row, options: FormatOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': etagOf(row) }
  const names = options.select ? [...new Set([...options.select, table.primaryId])] : table.columns.map((c) => c.name)
  for (const name of names) {
    const col = column(table, name)!
    const value = row[name] ?? null
    if (value !== null && options.annotate('OData.Community.Display.V1.FormattedValue')) {
      const text = formatted(org, col, value)
      if (text !== null) out[`${name}@OData.Community.Display.V1.FormattedValue`] = text
    }
    if (col.type === 'Lookup' && value !== null) {
      if (options.annotate('Microsoft.Dynamics.CRM.associatednavigationproperty')) out[`${name}@Microsoft.Dynamics.CRM.associatednavigationproperty`] = col.navigation
      if (options.annotate('Microsoft.Dynamics.CRM.lookuplogicalname')) out[`${name}@Microsoft.Dynamics.CRM.lookuplogicalname`] = col.target
    }
    out[name] = value
  }
  for (const x of options.expand) {
    const nested = { select: x.select, expand: [], annotate: options.annotate }
    if (x.single) {
      const id = row[x.lookup]
      const related = typeof id === 'string' ? org.find(x.table, id) : undefined
      out[x.name] = related ? formatRow(org, x.table, related, nested) : null
    } else {
      const id = row[table.primaryId]
      const resolve = resolver(org, x.table)
      let children = org.rows(x.table).filter((r) => r[x.lookup] === id && (!x.filter || evaluate(x.filter, r, resolve)))
      children = sortRows(children, x.orderBy)
      if (x.top !== null) children = children.slice(0, x.top)
      out[x.name] = children.map((r) => formatRow(org, x.table, r, nested))
    }
  }
  return out
}

export function contextFragment(table: Table, select: string[] | null, expand: Expansion[]): string {
  const parts = [...(select ?? []), ...expand.map((x) => `${x.name}(${(x.select ?? []).join(',')})`)]
  return parts.length ? `${table.entitySet}(${parts.join(',')})` : table.entitySet
}

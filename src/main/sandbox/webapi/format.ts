import type { SandboxOrg } from './org'
import { linkWith, skiptokenParameter } from './paging'
import { sortRows, type Expansion } from './query'
import type { Row } from './seedData'
import { column, lookupTargetOf, type Column, type Table } from './schema'

export interface FormatOptions {
  select: string[] | null
  expand: Expansion[]
  annotate: (term: string) => boolean
  /** The Web API root (`https://…/api/data/v9.2`), for `@odata.id` and expanded collections' next links. */
  base: string
  /** A nested `$expand` anywhere in the query: expanded collections are paged with `pageSize` and lose their ETags. */
  nested: boolean
  pageSize: number | null
}

const FORMATTED = 'OData.Community.Display.V1.FormattedValue'
const integer = new Intl.NumberFormat('en-US')
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 10 })
const dateTime = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'numeric', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' })
const moneyFormats = new Map<string, Intl.NumberFormat>()

export function etagOf(row: Row): string {
  return `W/"${String(row.versionnumber)}"`
}

export function formatMoney(value: number, isoCode: string): string {
  let f = moneyFormats.get(isoCode)
  if (!f) moneyFormats.set(isoCode, (f = new Intl.NumberFormat('en-US', { style: 'currency', currency: isoCode })))
  return f.format(value)
}

export function formatDateTime(value: string): string {
  return dateTime.format(new Date(value)).replace(',', '').replace(/\u202f/g, ' ')
}

/** The string Dataverse returns as `<property>@OData.Community.Display.V1.FormattedValue` (en-US, UTC). */
export function formattedValue(org: SandboxOrg, table: Table, row: Row, col: Column): string | null {
  const value = row[col.name]
  if (value === null || value === undefined) return null
  // An activitypointer row is a task, an email…: its labels are its own table's.
  if (table.view) col = column(org.tableOfRow(table, row), col.name) ?? col
  switch (col.type) {
    case 'Money': {
      const currencyId = row._transactioncurrencyid_value
      const currency = typeof currencyId === 'string' ? org.find(org.table('transactioncurrency'), currencyId) : undefined
      return formatMoney(Number(value), String(currency?.isocurrencycode ?? 'USD'))
    }
    case 'Int32':
    case 'Int64':
      return integer.format(Number(value))
    case 'Decimal':
      return decimal.format(Number(value))
    case 'Picklist':
    case 'State':
    case 'Status':
      return col.options?.[Number(value)] ?? String(value)
    case 'Boolean':
      return col.options?.[value ? 1 : 0] ?? (value ? 'Yes' : 'No')
    case 'DateTimeOffset':
      return formatDateTime(String(value))
    case 'Date': {
      const [y, m, d] = String(value).split('-')
      return `${Number(m)}/${Number(d)}/${y}`
    }
    case 'Lookup': {
      const target = lookupTargetOf(row, col)
      const related = target ? org.find(target, String(value)) : undefined
      return related ? ((related[target!.primaryName] as string | null) ?? null) : null
    }
    default:
      return null
  }
}

function writeProperty(org: SandboxOrg, table: Table, row: Row, col: Column, out: Record<string, unknown>, annotate: (term: string) => boolean): void {
  const value = row[col.name] ?? null
  if (value !== null && annotate(FORMATTED)) {
    const text = formattedValue(org, table, row, col)
    if (text !== null) out[`${col.name}@${FORMATTED}`] = text
  }
  if (col.type === 'Lookup' && value !== null) {
    const target = lookupTargetOf(row, col)
    const nav = col.targets!.find((t) => t.table === target?.logicalName)
    if (annotate('Microsoft.Dynamics.CRM.associatednavigationproperty')) out[`${col.name}@Microsoft.Dynamics.CRM.associatednavigationproperty`] = nav?.navigation ?? col.targets![0]!.navigation
    if (annotate('Microsoft.Dynamics.CRM.lookuplogicalname')) out[`${col.name}@Microsoft.Dynamics.CRM.lookuplogicalname`] = target?.logicalName ?? col.targets![0]!.table
  }
  out[col.name] = value
}

/**
 * A row as Dataverse writes it: its ETag (when asked), the selected columns with their annotations, the currency
 * lookup when a money column is selected, lookups the query implies, the primary key, then expanded navigation.
 */
export function formatRow(org: SandboxOrg, table: Table, row: Row, o: FormatOptions, extras: { etag: boolean; lookups?: string[] } = { etag: true }): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (extras.etag) out['@odata.etag'] = etagOf(row)
  let names: string[]
  if (o.select) {
    names = [...o.select]
    if (names.some((n) => column(table, n)?.type === 'Money') && column(table, '_transactioncurrencyid_value')) names.push('_transactioncurrencyid_value')
    names.push(...(extras.lookups ?? []), ...o.expand.filter((x) => x.kind === 'ref').map((x) => x.column!.name), table.primaryId)
    names = [...new Set(names)]
  } else names = table.columns.map((c) => c.name)
  for (const name of names) writeProperty(org, table, row, column(table, name)!, out, o.annotate)
  for (const x of o.expand) {
    out[x.name] = null // first, so that `<name>@odata.nextLink` follows it
    out[x.name] = expanded(org, table, row, x, o, out)
  }
  return out
}

function expanded(org: SandboxOrg, table: Table, row: Row, x: Expansion, o: FormatOptions, out: Record<string, unknown>): unknown {
  const nested = { ...o, select: x.select, expand: x.expand }
  if (x.kind !== 'collection') {
    const lookup = x.column!
    const target = lookupTargetOf(row, lookup)
    const related = target === x.table ? org.find(x.table, String(row[lookup.name])) : undefined
    if (!related || (x.filter && !x.filter.test(related))) return null
    if (x.kind === 'ref') return { '@odata.id': `${o.base}/${x.table.entitySet}(${String(related[x.table.primaryId])})` }
    return formatRow(org, x.table, related, nested, { etag: false })
  }
  let children = x.manyToMany ? org.relatedMany(row, table, x.manyToMany) : org.related(table, row, table.collections.find((c) => c.name === x.name)!)
  if (x.filter) children = children.filter((r) => x.filter!.test(r))
  children = sortRows(children, x.orderBy)
  if (x.top !== null) children = children.slice(0, x.top)
  const paged = o.nested && o.pageSize !== null
  if (paged) children = children.slice(0, o.pageSize!)
  const link = `${o.base}/${table.entitySet}(${String(row[table.primaryId])})/${x.name}`
  const query = x.options.join('&')
  let next = query ? `${link}?${query}` : link
  if (paged && children.length >= o.pageSize! && children.length > 0) {
    const ids = children.map((r) => String(r[x.table.primaryId]))
    next = linkWith(link, query, skiptokenParameter({ page: 1, primaryId: x.table.primaryId, first: ids[0]!, last: ids[ids.length - 1]!, countOfRecords: o.pageSize!, upperCase: false }))
  }
  out[`${x.name}@odata.nextLink`] = next
  return children.map((r) => formatRow(org, x.table, r, nested, { etag: !o.nested, lookups: o.nested || !x.column ? [] : [x.column.name] }))
}

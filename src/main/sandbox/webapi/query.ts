import { dv } from '../errors'
import { parseFilter, type Filter, type FilterContext } from './filter'
import type { SandboxOrg } from './org'
import type { Row } from './seedData'
import { tableScope } from './scopes'
import { column, lookupByNavigation, manyToManyOf, type Column, type ManyToMany, type Table } from './schema'
import { splitTopLevel } from './text'

export { splitTopLevel }

export interface OrderBy {
  column: Column
  desc: boolean
}

/** What parsing the query options needs: the org (for lookups in `$filter`) and the alias/user context. */
export interface QueryEnv {
  org: SandboxOrg
  filter: FilterContext
}

export function parseSelect(text: string | null, table: Table): string[] | null {
  if (text === null) return null
  const names = splitTopLevel(text, ',')
  if (names.includes('*')) return null
  for (const name of names) if (!column(table, name)) throw dv.unknownProperty(name, table.logicalName)
  return names
}

export function parseOrderBy(text: string | null, table: Table): OrderBy[] {
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

export function filterOf(text: string | null, table: Table, env: QueryEnv): Filter | null {
  return text ? parseFilter(text, tableScope(env.org, table), env.filter) : null
}

export interface Expansion {
  name: string
  kind: 'single' | 'collection' | 'ref'
  parent: Table
  table: Table
  /** single/ref: the lookup on the parent; collection: the lookup on the child that points back (none for many-to-many). */
  column: Column | null
  /** A collection through a many-to-many relationship. */
  manyToMany?: ManyToMany
  select: string[] | null
  filter: Filter | null
  orderBy: OrderBy[]
  top: number | null
  expand: Expansion[]
  /** The options as sent, for the `<name>@odata.nextLink` of an expanded collection. */
  options: string[]
}

/** Dataverse joins at most 15 tables in one query. */
export const MAX_EXPANSIONS = 15
const EXPAND_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$expand'])
const ONLY_SELECT_FILTER = 'Only $select and $filter clause can be provided while doing $expand on many-to-one relationship or nested one-to-many relationship.'

export function parseExpand(text: string | null, table: Table, env: QueryEnv): Expansion[] {
  const count = { n: 0 }
  const list = parseLevel(text, table, env, count)
  if (hasNested(list)) {
    for (const x of walk(list)) if (x.kind === 'collection' && (x.top !== null || x.orderBy.length)) throw dv.badRequest(ONLY_SELECT_FILTER)
  }
  return list
}

export function hasNested(list: Expansion[]): boolean {
  return list.some((x) => x.expand.length > 0)
}

function* walk(list: Expansion[]): Generator<Expansion> {
  for (const x of list) {
    yield x
    yield* walk(x.expand)
  }
}

function parseLevel(text: string | null, table: Table, env: QueryEnv, count: { n: number }): Expansion[] {
  if (!text) return []
  return splitTopLevel(text, ',').map((part) => {
    if (++count.n > MAX_EXPANSIONS) throw dv.badRequest('Number of link entities in query exceeded maximum limit.')
    const open = part.indexOf('(')
    let name = (open >= 0 ? part.slice(0, open) : part).trim()
    if (open >= 0 && !part.endsWith(')')) throw dv.badRequest(`Syntax error in $expand: '${part}'.`)
    const options = new Map<string, string>()
    const sent: string[] = []
    if (open >= 0) {
      for (const opt of splitTopLevel(part.slice(open + 1, -1), ';')) {
        const eq = opt.indexOf('=')
        if (eq <= 0) throw dv.badRequest(`Syntax error in $expand options: '${opt}'.`)
        const key = opt.slice(0, eq).trim().toLowerCase()
        if (!EXPAND_OPTIONS.has(key)) throw dv.queryOptionNotSupported(opt.slice(0, eq).trim())
        options.set(key, opt.slice(eq + 1))
        sent.push(`${opt.slice(0, eq).trim()}=${opt.slice(eq + 1)}`)
      }
    }
    const ref = name.endsWith('/$ref')
    if (ref) name = name.slice(0, -'/$ref'.length)
    const single = lookupByNavigation(table, name)
    if (single) {
      if (options.has('$top') || options.has('$orderby')) throw dv.badRequest(ONLY_SELECT_FILTER)
      return {
        name,
        kind: ref ? 'ref' : 'single',
        parent: table,
        table: single.target,
        column: single.column,
        select: parseSelect(options.get('$select') ?? null, single.target),
        filter: filterOf(options.get('$filter') ?? null, single.target, env),
        orderBy: [],
        top: null,
        expand: parseLevel(options.get('$expand') ?? null, single.target, env, count),
        options: sent
      }
    }
    const collection = table.collections.find((c) => c.name === name)
    const many = manyToManyOf(table, name)
    if (!collection && !many) throw dv.unknownProperty(name, table.logicalName)
    if (ref) throw dv.badRequest('Expand with $ref is only supported on lookup type navigation property.')
    const target = env.org.table(collection?.table ?? many!.table)
    return {
      name,
      kind: 'collection',
      parent: table,
      table: target,
      column: collection ? column(target, collection.via)! : null,
      ...(many ? { manyToMany: many } : {}),
      select: parseSelect(options.get('$select') ?? null, target),
      filter: filterOf(options.get('$filter') ?? null, target, env),
      orderBy: parseOrderBy(options.get('$orderby') ?? null, target),
      top: parseTop(options.get('$top') ?? null),
      expand: parseLevel(options.get('$expand') ?? null, target, env, count),
      options: sent
    }
  })
}

export function sortRows(rows: Row[], orderBy: OrderBy[]): Row[] {
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

export function contextFragment(table: Table, select: string[] | null, expand: Expansion[]): string {
  const parts = [...(select ?? []), ...expand.flatMap(expansionFragment)]
  return parts.length ? `${table.entitySet}(${parts.join(',')})` : table.entitySet
}

function expansionFragment(x: Expansion): string[] {
  if (x.kind === 'ref') return [x.name, `${x.name}/$ref()`]
  return [`${x.name}(${[...(x.select ?? []), ...x.expand.flatMap(expansionFragment)].join(',')})`]
}

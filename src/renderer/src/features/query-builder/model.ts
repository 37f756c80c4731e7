/**
 * The query builder's model of a Web API query: what the panel edits and what `buildQuery` writes.
 * Plain data (no ids, no class instances), so two models compare with a deep equality and a model
 * survives structuredClone. Whatever the builder cannot show is kept as written in a `raw` part with the
 * reason, and written back as it was.
 */

export type Logic = 'and' | 'or'

export interface FilterGroup {
  kind: 'group'
  logic: Logic
  children: FilterNode[]
}

export interface FilterCondition {
  kind: 'condition'
  /** A column of the table, a lookup's `_x_value`, or a column through a lookup: `primarycontactid/fullname`. */
  column: string
  /** The column's Edm type (`Edm.String`…); '' when the schema does not know the column. Decides quoting. */
  type: string
  /** A comparison (`eq`…), a string test (`contains`, `notcontains`…), `null`/`notnull`, or a query function's name (`LastXDays`). */
  operator: string
  /** The values as a person reads them (unquoted, unescaped): one for a comparison, none for `null`, a list for `In`. */
  values: string[]
}

/** A part of a `$filter` the builder cannot show, kept as written. */
export interface RawCondition {
  kind: 'raw'
  text: string
  reason: string
}

export type FilterNode = FilterGroup | FilterCondition | RawCondition

export interface OrderItem {
  column: string
  desc: boolean
}

/** A query option the builder cannot show (or does not know), kept as written. */
export interface RawOption {
  name: string
  /** `name=value` exactly as it was in the URL (inside `$expand(…)`: as it was between the `;`). */
  text: string
  reason: string
}

export interface ExpandItem {
  navigation: string
  columns: string[]
  filter: FilterGroup
  orderby: OrderItem[]
  top: number | null
  /** Nested options the builder does not show (a second-level `$expand`…), written back after the others. */
  raw: RawOption[]
}

export interface QueryModel {
  /** Everything before the path, as written: `{{webApiUrl}}/`, `https://contoso.crm.dynamics.com/api/data/v9.2/`. */
  root: string
  /**
   * The rest of the URL, as written, when it is not a query on a table (a record, a function, another site):
   * the builder writes it back untouched and shows nothing else.
   */
  rest: string | null
  /** The entity set as written; '' before one is chosen. */
  table: string
  columns: string[]
  filter: FilterGroup
  expand: ExpandItem[]
  orderby: OrderItem[]
  top: number | null
  count: boolean
  raw: RawOption[]
}

export const DEFAULT_ROOT = '{{webApiUrl}}/'

export function emptyGroup(logic: Logic = 'and'): FilterGroup {
  return { kind: 'group', logic, children: [] }
}

export function emptyModel(root = DEFAULT_ROOT): QueryModel {
  return { root, rest: null, table: '', columns: [], filter: emptyGroup(), expand: [], orderby: [], top: null, count: false, raw: [] }
}

export function emptyExpand(navigation: string): ExpandItem {
  return { navigation, columns: [], filter: emptyGroup(), orderby: [], top: null, raw: [] }
}

export interface UnsupportedPart {
  /** The text kept as written. */
  part: string
  /** Where it is, when that is not the query itself: `$filter`, `$expand=primarycontactid`. */
  where: string
  reason: string
}

/** Every part of the model the builder keeps as written: which part, where, and why. */
export function unsupportedItems(model: QueryModel): UnsupportedPart[] {
  const out: UnsupportedPart[] = []
  if (model.rest !== null) {
    if (model.root) out.push({ part: model.rest.split('?')[0]!, where: '', reason: 'is not a query on a table; the builder shows queries on a table such as accounts.' })
    else out.push({ part: model.rest, where: '', reason: 'is not a Web API URL; the builder reads URLs that start with {{webApiUrl}}/ or …/api/data/v9.2/.' })
  }
  const filterParts = (group: FilterGroup, where: string) => {
    for (const node of group.children) {
      if (node.kind === 'raw') out.push({ part: node.text, where, reason: node.reason })
      else if (node.kind === 'group') filterParts(node, where)
    }
  }
  filterParts(model.filter, '$filter')
  for (const item of model.expand) {
    filterParts(item.filter, `$expand=${item.navigation}($filter)`)
    for (const r of item.raw) out.push({ part: r.text, where: `$expand=${item.navigation}`, reason: r.reason })
  }
  for (const r of model.raw) out.push({ part: r.text, where: '', reason: r.reason })
  return out
}

/** The same, one sentence each: `tolower(name) eq 'a' — in $filter: tolower() is not…`. */
export function unsupportedParts(model: QueryModel): string[] {
  return unsupportedItems(model).map((u) => `${u.part} — ${u.where ? `in ${u.where}: ` : ''}${u.reason}`)
}

/** Options that belong to a table's columns: a new table starts without them. */
const TABLE_OPTIONS = new Set(['$select', '$filter', '$expand', '$orderby', '$apply'])

/**
 * The query on another table: its columns, filter, expand and order go (they name the old table's columns);
 * top, count and options that do not name columns stay. A URL that was not a table query starts afresh.
 */
export function withTable(model: QueryModel, table: string): QueryModel {
  if (model.rest !== null) return { ...emptyModel(model.root || DEFAULT_ROOT), table }
  return { ...emptyModel(model.root), table, top: model.top, count: model.count, raw: model.raw.filter((r) => !TABLE_OPTIONS.has(r.name)) }
}

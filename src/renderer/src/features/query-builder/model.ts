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

/** Every part of the model the builder keeps as written, in words: "which part, and why". */
export function unsupportedParts(model: QueryModel): string[] {
  const out: string[] = []
  if (model.rest !== null) out.push(model.root ? `${model.rest.split('?')[0]} — is not a query on a table; the builder shows queries on a table such as accounts.` : 'This is not a Web API URL — the builder reads URLs that start with {{webApiUrl}}/ or …/api/data/v9.2/.')
  const filterParts = (group: FilterGroup, where: string) => {
    for (const node of group.children) {
      if (node.kind === 'raw') out.push(`${node.text} — in ${where}: ${node.reason}`)
      else if (node.kind === 'group') filterParts(node, where)
    }
  }
  filterParts(model.filter, '$filter')
  for (const item of model.expand) {
    filterParts(item.filter, `$expand=${item.navigation}($filter)`)
    for (const r of item.raw) out.push(`${r.text} — in $expand=${item.navigation}: ${r.reason}`)
  }
  for (const r of model.raw) out.push(`${r.text} — ${r.reason}`)
  return out
}

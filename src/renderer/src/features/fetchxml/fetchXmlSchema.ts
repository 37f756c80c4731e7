/**
 * FetchXML's vocabulary (elements, their attributes, condition operators by column type) and how the
 * Web API schema maps to FetchXML's logical names: a lookup is the column `_x_value` in the Web API and
 * the attribute `x` in FetchXML; a navigation property is a link-entity with from/to.
 */
import type { EntityTypeIndex, SchemaView } from '@shared/schema'

export interface ElementSpec {
  children: string[]
  attributes: string[]
  info: string
}

export const ELEMENTS: Record<string, ElementSpec> = {
  fetch: { children: ['entity'], attributes: ['top', 'count', 'page', 'paging-cookie', 'distinct', 'aggregate', 'returntotalrecordcount', 'no-lock', 'latematerialize', 'datasource'], info: 'The query: one entity, optional paging and aggregation.' },
  entity: { children: ['attribute', 'all-attributes', 'order', 'filter', 'link-entity'], attributes: ['name'], info: 'The table to query (logical name).' },
  'link-entity': { children: ['attribute', 'all-attributes', 'order', 'filter', 'link-entity'], attributes: ['name', 'from', 'to', 'alias', 'link-type', 'visible', 'intersect'], info: 'Join a related table: from = its column, to = the parent\'s column.' },
  attribute: { children: [], attributes: ['name', 'alias', 'aggregate', 'groupby', 'distinct', 'dategrouping', 'usertimezone'], info: 'A column to return (or aggregate).' },
  'all-attributes': { children: [], attributes: [], info: 'Every column (slow: name the columns you need).' },
  order: { children: [], attributes: ['attribute', 'alias', 'descending', 'entityname'], info: 'Sort by a column.' },
  filter: { children: ['condition', 'filter'], attributes: ['type'], info: 'Conditions combined with and (default) or or.' },
  condition: { children: ['value'], attributes: ['attribute', 'operator', 'value', 'entityname', 'valueof'], info: 'Compare a column with a value.' },
  value: { children: [], attributes: [], info: 'One value for in, not-in, between.' }
}

export const ATTRIBUTE_VALUES: Record<string, string[]> = {
  'link-type': ['inner', 'outer', 'any', 'not any', 'all', 'not all', 'exists', 'in', 'matchfirstrowusingcrossapply'],
  type: ['and', 'or'],
  aggregate: ['count', 'countcolumn', 'sum', 'avg', 'min', 'max', 'true', 'false'],
  dategrouping: ['day', 'week', 'month', 'quarter', 'year', 'fiscal-period', 'fiscal-year'],
  descending: ['true', 'false'],
  distinct: ['true', 'false'],
  groupby: ['true', 'false'],
  'no-lock': ['true', 'false'],
  returntotalrecordcount: ['true', 'false'],
  visible: ['true', 'false'],
  intersect: ['true', 'false'],
  usertimezone: ['true', 'false'],
  latematerialize: ['true', 'false'],
  datasource: ['retained']
}

const COMMON = ['eq', 'ne', 'null', 'not-null', 'in', 'not-in']
const ORDERED = ['gt', 'ge', 'lt', 'le', 'between', 'not-between']
const STRING = ['like', 'not-like', 'begins-with', 'not-begin-with', 'ends-with', 'not-end-with']
const DATE = ['on', 'on-or-after', 'on-or-before', 'today', 'yesterday', 'tomorrow', 'last-seven-days', 'next-seven-days', 'this-week', 'last-week', 'next-week', 'this-month', 'last-month', 'next-month', 'this-year', 'last-year', 'next-year', 'last-x-hours', 'next-x-hours', 'last-x-days', 'next-x-days', 'last-x-weeks', 'next-x-weeks', 'last-x-months', 'next-x-months', 'last-x-years', 'next-x-years', 'olderthan-x-minutes', 'olderthan-x-hours', 'olderthan-x-days', 'olderthan-x-weeks', 'olderthan-x-months', 'olderthan-x-years', 'this-fiscal-year', 'this-fiscal-period', 'last-fiscal-year', 'next-fiscal-year', 'in-fiscal-year', 'in-fiscal-period']
const ID = ['eq-userid', 'ne-userid', 'eq-userteams', 'eq-useroruserteams', 'eq-useroruserhierarchy', 'eq-businessid', 'ne-businessid', 'under', 'eq-or-under', 'not-under', 'above', 'eq-or-above']

/** Condition operators that fit a column's Web API type. */
export function operatorsFor(type: string | null): string[] {
  switch (type) {
    case 'Edm.String':
      return [...COMMON, ...STRING, ...ORDERED.slice(0, 4)]
    case 'Edm.DateTimeOffset':
    case 'Edm.Date':
      return [...COMMON, ...ORDERED, ...DATE]
    case 'Edm.Guid':
      return [...COMMON, ...ID]
    case 'Edm.Boolean':
      return ['eq', 'ne', 'null', 'not-null']
    case 'Edm.Int32':
      return [...COMMON, ...ORDERED, 'contain-values', 'not-contain-values', 'eq-userlanguage']
    case null:
      return [...COMMON, ...ORDERED, ...STRING, ...DATE, ...ID]
    default:
      return [...COMMON, ...ORDERED]
  }
}

/** Operators that take no value attribute. */
export const NO_VALUE = new Set(['null', 'not-null', 'today', 'yesterday', 'tomorrow', 'last-seven-days', 'next-seven-days', 'this-week', 'last-week', 'next-week', 'this-month', 'last-month', 'next-month', 'this-year', 'last-year', 'next-year', 'this-fiscal-year', 'this-fiscal-period', 'last-fiscal-year', 'next-fiscal-year', 'eq-userid', 'ne-userid', 'eq-userteams', 'eq-useroruserteams', 'eq-useroruserhierarchy', 'eq-businessid', 'ne-businessid', 'eq-userlanguage'])

export interface FetchAttribute {
  /** FetchXML's logical name (`primarycontactid`, not `_primarycontactid_value`). */
  name: string
  type: string
  /** For a lookup: the table it points to. */
  target: string | null
}

/** A table's columns by their FetchXML logical names. */
export function fetchAttributes(type: EntityTypeIndex): FetchAttribute[] {
  const out: FetchAttribute[] = []
  const seen = new Set<string>()
  for (const p of type.properties) {
    const m = /^_(.+)_value$/.exec(p.name)
    const name = m ? m[1]! : p.name
    if (seen.has(name)) continue
    seen.add(name)
    const nav = m ? type.navigation.find((n) => n.lookup === p.name) : undefined
    out.push({ name, type: p.type, target: nav?.target ?? null })
  }
  return out
}

/** The table by its logical name (FetchXML names entity types, not entity sets). */
export function tableByLogicalName(schema: SchemaView, name: string): EntityTypeIndex | null {
  return schema.entityType(name)
}

export interface LinkSuggestion {
  navigation: string
  name: string
  from: string
  to: string
  info: string
}

/** The joins a table has, from its navigation properties, with from/to filled. */
export function linksOf(type: EntityTypeIndex, schema: SchemaView): LinkSuggestion[] {
  const out: LinkSuggestion[] = []
  for (const nav of type.navigation) {
    const target = schema.entityType(nav.target)
    if (!target || target.abstract) continue
    if (!nav.collection && nav.lookup) {
      const to = nav.lookup.replace(/^_(.+)_value$/, '$1')
      out.push({ navigation: nav.name, name: target.name, from: target.key[0] ?? `${target.name}id`, to, info: `The ${target.name} this ${type.name}'s ${to} points to (many-to-one).` })
    } else if (nav.collection && nav.partner) {
      const back = target.navigation.find((n) => n.name === nav.partner)
      if (!back?.lookup) continue
      out.push({ navigation: nav.name, name: target.name, from: back.lookup.replace(/^_(.+)_value$/, '$1'), to: type.key[0] ?? `${type.name}id`, info: `The ${target.name} rows whose ${back.lookup.replace(/^_(.+)_value$/, '$1')} points to this ${type.name} (one-to-many).` })
    }
  }
  return out
}

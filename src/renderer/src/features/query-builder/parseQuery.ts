/**
 * A Web API URL read into the builder's model, with the schema for column types. Never throws and never
 * changes the URL: what the builder cannot show is kept as written in the model's raw parts, and
 * `unsupported` says which parts they are and why.
 */
import type { EntityTypeIndex, SchemaView } from '@shared/schema'
import { readUrl, splitTopLevel } from '../odata/urlModel'
import { FilterSyntaxError, parseFilter } from './filterParse'
import { decodeValue } from './literals'
import { emptyExpand, emptyModel, unsupportedParts, type ExpandItem, type FilterGroup, type OrderItem, type QueryModel } from './model'

export interface ParsedQuery {
  model: QueryModel
  unsupported: string[]
}

const NAME = /^[A-Za-z_]\w*$/
const ORDER_ITEM = /^([A-Za-z_]\w*(?:\/[A-Za-z_]\w*)*)(?:\s+(asc|desc))?$/i

const RAW_REASONS: Record<string, string> = {
  $apply: 'aggregation ($apply) is not shown by the builder.',
  fetchXml: 'a FetchXML query is not shown by the builder.',
  $skiptoken: 'a paging cookie from @odata.nextLink is kept as it came.',
  $search: 'a relevance search ($search) is not shown by the builder.',
  savedQuery: 'a saved view (savedQuery) is not shown by the builder.',
  userQuery: 'a personal view (userQuery) is not shown by the builder.'
}

export function parseQuery(url: string, schema: SchemaView): ParsedQuery {
  const model = readModel(url, schema)
  return { model, unsupported: unsupportedParts(model) }
}

function readModel(url: string, schema: SchemaView): QueryModel {
  if (url.trim() === '') return emptyModel()
  const parsed = readUrl(url)
  if (parsed.rootEnd < 0) return { ...emptyModel(''), rest: url }
  const root = url.slice(0, parsed.rootEnd)
  const path = url.slice(parsed.rootEnd, parsed.queryStart < 0 ? url.length : parsed.queryStart)
  if (path === '' && parsed.queryStart < 0) return emptyModel(root)
  const type = NAME.test(path) ? schema.entityTypeOfSet(path) : null
  const model = emptyModel(root)
  if (!type) return { ...model, rest: url.slice(parsed.rootEnd) }
  model.table = path

  const seen = new Set<string>()
  for (const option of parsed.options) {
    const text = url.slice(option.name.from, option.value ? option.value.to : option.name.to)
    if (text === '') continue
    const name = option.name.text
    const keep = (reason: string) => model.raw.push({ name, text, reason })
    if (seen.has(name)) {
      keep(`a second ${name}: the builder shows one.`)
      continue
    }
    seen.add(name)
    if (option.value === null) {
      keep(RAW_REASONS[name] ?? `${name} has no value.`)
      continue
    }
    const value = decodeValue(option.value.text)
    switch (name) {
      case '$select': {
        const columns = readColumns(value)
        if (columns) model.columns = columns
        else keep('the builder shows $select as a list of column names.')
        break
      }
      case '$filter': {
        const filter = readFilter(value, type, schema)
        if ('group' in filter) model.filter = filter.group
        else keep(filter.reason)
        break
      }
      case '$expand': {
        const expand = readExpand(value, type, schema)
        if ('items' in expand) model.expand = expand.items
        else keep(expand.reason)
        break
      }
      case '$orderby': {
        const order = readOrder(value)
        if (order) model.orderby = order
        else keep('the builder shows $orderby as columns, each asc or desc.')
        break
      }
      case '$top': {
        const top = readTop(value)
        if (top !== null) model.top = top
        else keep('the builder shows $top as a whole number above 0.')
        break
      }
      case '$count':
        if (value === 'true' || value === 'false') model.count = value === 'true'
        else keep('$count is true or false.')
        break
      default:
        keep(RAW_REASONS[name] ?? (name.startsWith('@') ? 'a parameter alias is kept as written.' : `${name} is not an option the builder shows.`))
    }
  }
  return model
}

function readColumns(value: string): string[] | null {
  const items = value.split(',').map((c) => c.trim()).filter((c) => c !== '')
  return items.every((c) => NAME.test(c)) ? items : null
}

function readOrder(value: string): OrderItem[] | null {
  const out: OrderItem[] = []
  for (const item of value.split(',').map((c) => c.trim()).filter((c) => c !== '')) {
    const m = ORDER_ITEM.exec(item)
    if (!m) return null
    out.push({ column: m[1]!, desc: m[2]?.toLowerCase() === 'desc' })
  }
  return out
}

function readTop(value: string): number | null {
  if (!/^\d+$/.test(value.trim())) return null
  const n = Number(value.trim())
  return n > 0 && Number.isSafeInteger(n) ? n : null
}

function readFilter(value: string, type: EntityTypeIndex, schema: SchemaView): { group: FilterGroup } | { reason: string } {
  try {
    return { group: parseFilter(value, type, schema) }
  } catch (error) {
    if (error instanceof FilterSyntaxError) return { reason: `this $filter cannot be read (${error.message}).` }
    throw error
  }
}

function readExpand(value: string, type: EntityTypeIndex, schema: SchemaView): { items: ExpandItem[] } | { reason: string } {
  const items: ExpandItem[] = []
  for (const span of splitTopLevel(value, 0, value.length, ',')) {
    const text = span.text.trim()
    if (text === '') continue
    const m = /^([A-Za-z_]\w*)(?:\(([\s\S]*)\))?$/.exec(text)
    if (!m) return { reason: `"${text}" is not a navigation property with options in parentheses.` }
    const nav = type.navigation.find((n) => n.name === m[1])
    if (!nav) return { reason: `${m[1]} is not a navigation property of ${type.name}.` }
    const target = schema.entityType(nav.target)
    if (!target) return { reason: `the schema has no table ${nav.target} for ${nav.name}.` }
    const item = emptyExpand(nav.name)
    const inner = m[2] ?? ''
    const seen = new Set<string>()
    for (const part of splitTopLevel(inner, 0, inner.length, ';')) {
      const optionText = part.text.trim()
      if (optionText === '') continue
      const eq = optionText.indexOf('=')
      const name = eq < 0 ? optionText : optionText.slice(0, eq)
      const optionValue = eq < 0 ? null : optionText.slice(eq + 1)
      const keep = (reason: string) => item.raw.push({ name, text: optionText, reason })
      if (seen.has(name)) {
        keep(`a second ${name}: the builder shows one.`)
        continue
      }
      seen.add(name)
      readNested(item, name, optionValue, target, schema, keep)
    }
    items.push(item)
  }
  return { items }
}

function readNested(item: ExpandItem, name: string, value: string | null, target: EntityTypeIndex, schema: SchemaView, keep: (reason: string) => void): void {
  if (value === null) {
    keep(`${name} has no value.`)
    return
  }
  switch (name) {
    case '$select': {
      const columns = readColumns(value)
      if (columns) item.columns = columns
      else keep('the builder shows $select as a list of column names.')
      break
    }
    case '$filter': {
      const filter = readFilter(value, target, schema)
      if ('group' in filter) item.filter = filter.group
      else keep(filter.reason)
      break
    }
    case '$orderby': {
      const order = readOrder(value)
      if (order) item.orderby = order
      else keep('the builder shows $orderby as columns, each asc or desc.')
      break
    }
    case '$top': {
      const top = readTop(value)
      if (top !== null) item.top = top
      else keep('the builder shows $top as a whole number above 0.')
      break
    }
    case '$expand':
      keep('the builder shows one level of $expand; deeper ones are kept as written.')
      break
    default:
      keep(`${name} is not an option the builder shows inside $expand.`)
  }
}

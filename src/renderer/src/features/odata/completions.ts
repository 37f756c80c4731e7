/**
 * Completion for a Web API URL from the org's schema: entity sets, keys and alternate keys, navigation
 * paths, bound and unbound operations, query options, `$select`/`$orderby` columns, `$expand` with
 * nested options, and `$filter` columns, operators, values by type and Dataverse's query functions.
 * Pure: text and cursor in, options out; the CodeMirror glue maps them to its completion API.
 */
import type { EntityTypeIndex, OperationIndex, SchemaProperty, SchemaView } from '@shared/schema'
import { COMPARISON, filterContext, LOGICAL, STRING_FUNCTIONS } from './filterContext'
import { QUERY_FUNCTIONS, querySnippet } from './queryFunctions'
import { readUrl, resolvePath, splitOption, splitTopLevel, type Span } from './urlModel'

export type OptionKind = 'entitySet' | 'property' | 'lookup' | 'navigation' | 'collection' | 'function' | 'action' | 'option' | 'operator' | 'keyword' | 'value' | 'key'

export interface CompletionOption {
  label: string
  kind: OptionKind
  /** Short type text shown beside the label. */
  detail?: string
  /** A longer explanation shown in the info panel. */
  info?: string
  /** Text inserted instead of the label. */
  apply?: string
  /** CodeMirror snippet template (`${}` fields) instead of plain text. */
  snippet?: string
  boost?: number
}

export interface CompletionResult {
  from: number
  options: CompletionOption[]
}

const QUERY_OPTIONS_COLLECTION = ['$select', '$filter', '$expand', '$orderby', '$top', '$count', '$apply', 'fetchXml', 'savedQuery', 'userQuery']
const QUERY_OPTIONS_SINGLE = ['$select', '$expand']
const OPTION_INFO: Record<string, string> = {
  $select: 'Columns to return (always name them: Dataverse returns every column otherwise).',
  $filter: 'Rows to return: comparisons, string functions, lambdas and Dataverse query functions.',
  $expand: 'Related rows through navigation properties, with their own $select/$filter/$orderby/$top.',
  $orderby: 'Sort by columns, asc or desc.',
  $top: 'At most this many rows (no paging).',
  $count: 'Include @odata.count (at most 5,000).',
  $apply: 'Aggregate: groupby((col),aggregate(col with sum as total)).',
  fetchXml: 'A FetchXML query (URL-encoded) instead of OData options.',
  savedQuery: 'Run a system view by its savedqueryid.',
  userQuery: 'Run a personal view by its userqueryid.'
}
const NESTED_EXPAND_OPTIONS = ['$select', '$filter', '$orderby', '$top', '$expand']

export function completeUrl(text: string, cursor: number, schema: SchemaView): CompletionResult | null {
  const before = text.slice(0, cursor)
  const model = readUrl(before)
  if (model.rootEnd < 0) {
    const typed = /\S*$/.exec(before)![0]
    if ('{{webApiUrl}}/'.startsWith(typed)) return { from: cursor - typed.length, options: [{ label: '{{webApiUrl}}/', kind: 'keyword', detail: 'the Web API root', info: 'The environment\'s org URL + /api/data/v9.2' }] }
    return null
  }
  if (model.queryStart < 0) return completePath(model.segments, schema)
  const resource = resolvePath(model.segments, model.segments.length, schema)
  const option = model.options[model.options.length - 1]!
  if (!option.value) {
    const collection = resource?.kind === 'entity' && resource.collection
    const names = resource?.kind === 'entity' ? (collection ? QUERY_OPTIONS_COLLECTION : QUERY_OPTIONS_SINGLE) : []
    const used = new Set(model.options.slice(0, -1).map((o) => o.name.text))
    return {
      from: option.name.from,
      options: names.filter((n) => !used.has(n)).map((n) => ({ label: n, kind: 'option', apply: `${n}=`, info: OPTION_INFO[n] ?? '' }))
    }
  }
  if (resource?.kind !== 'entity') return null
  return completeOptionValue(option.name.text, option.value, resource.type, schema)
}

function completePath(segments: Span[], schema: SchemaView): CompletionResult | null {
  const last = segments[segments.length - 1]!
  const paren = last.text.indexOf('(')
  if (segments.length === 1) {
    if (paren >= 0) return completeKey(last, paren, schema.entityTypeOfSet(last.text.slice(0, paren)))
    const sets: CompletionOption[] = schema.entitySets.map((s) => ({ label: s.name, kind: 'entitySet', detail: s.entityType, boost: 1 }))
    const ops = schema.operations.filter((o) => o.binding === null).map((o) => operationOption(o, ''))
    return { from: last.from, options: [...sets, ...ops, { label: '$metadata', kind: 'keyword', detail: 'CSDL' }, { label: '$batch', kind: 'keyword', detail: 'multipart' }] }
  }
  const resource = resolvePath(segments, segments.length - 1, schema)
  if (!resource || resource.kind !== 'entity') return null
  if (paren >= 0) {
    const nav = resource.type.navigation.find((n) => n.name === last.text.slice(0, paren))
    return nav ? completeKey(last, paren, schema.entityType(nav.target)) : null
  }
  const bound = schema.operations.filter((o) => o.binding && (o.binding.type === resource.type.name || o.binding.type === 'crmbaseentity') && o.binding.collection === resource.collection)
  const options: CompletionOption[] = bound.map((o) => operationOption(o, 'Microsoft.Dynamics.CRM.'))
  if (resource.collection) options.push({ label: '$count', kind: 'keyword', detail: 'number of rows' })
  else {
    for (const n of resource.type.navigation) options.push(navigationOption(n.name, n.target, n.collection, n.lookup))
    for (const p of resource.type.properties) options.push(propertyOption(p, resource.type))
    options.push({ label: '$ref', kind: 'keyword', detail: 'reference (associate)' })
  }
  return { from: last.from, options }
}

/** Inside `accounts(`: the primary key's shape and the alternate keys as snippets. */
function completeKey(segment: Span, paren: number, type: EntityTypeIndex | null): CompletionResult | null {
  if (!type) return null
  const inside = segment.text.slice(paren + 1)
  if (/['=)]/.test(inside)) return null
  const from = segment.from + paren + 1
  const options: CompletionOption[] = []
  const keyProp = type.properties.find((p) => p.name === type.key[0])
  if (keyProp) options.push({ label: `${keyProp.name}`, kind: 'key', detail: 'primary key (GUID)', snippet: '${00000000-0000-0000-0000-000000000000}', info: `Type the ${keyProp.name} GUID without quotes: ${type.entitySet ?? type.name}(00000000-0000-0000-0000-000000000000)` })
  for (const alternate of type.alternateKeys) {
    const snippet = alternate.map((name) => `${name}=${quoteFor(type.properties.find((p) => p.name === name))}`).join(',')
    options.push({ label: alternate.join(','), kind: 'key', detail: 'alternate key', snippet, info: `Find the row by its alternate key: ${type.entitySet}(${alternate.map((n) => `${n}=…`).join(',')})` })
  }
  return { from, options }
}

function quoteFor(p: SchemaProperty | undefined): string {
  return p?.type === 'Edm.String' ? "'${value}'" : '${value}'
}

function completeOptionValue(name: string, value: Span, type: EntityTypeIndex, schema: SchemaView): CompletionResult | null {
  switch (name) {
    case '$select':
      return completeList(value, ',', (item) => ({ from: item.from, options: columnOptions(type) }))
    case '$orderby':
      return completeList(value, ',', (item) => {
        const space = item.text.lastIndexOf(' ')
        if (space > 0 && item.text.slice(0, space).trim()) return { from: item.from + space + 1, options: [{ label: 'asc', kind: 'keyword' }, { label: 'desc', kind: 'keyword' }] }
        return { from: item.from, options: columnOptions(type) }
      })
    case '$expand':
      return completeExpand(value, type, schema)
    case '$filter':
      return completeFilter(value, type, schema)
    case '$count':
      return { from: value.from, options: [{ label: 'true', kind: 'value' }, { label: 'false', kind: 'value' }] }
    case '$apply':
      return { from: value.from + (/[\w]*$/.exec(value.text)?.index ?? value.text.length), options: [
        { label: 'groupby', kind: 'function', snippet: 'groupby((${columns}))', info: 'Group rows by columns.' },
        { label: 'aggregate', kind: 'function', snippet: 'aggregate(${column} with ${sum} as ${total})', info: 'sum, average, min, max, countdistinct; or $count as total.' },
        { label: 'filter', kind: 'function', snippet: 'filter(${expression})', info: 'Filter before grouping.' }
      ] }
    default:
      return null
  }
}

function completeList(value: Span, separator: string, item: (item: Span) => CompletionResult | null): CompletionResult | null {
  const items = splitTopLevel(value.text, 0, value.text.length, separator)
  const last = items[items.length - 1]!
  return item({ text: last.text, from: value.from + last.from, to: value.from + last.to })
}

function completeExpand(value: Span, type: EntityTypeIndex, schema: SchemaView): CompletionResult | null {
  return completeList(value, ',', (item) => {
    const paren = item.text.indexOf('(')
    if (paren < 0) {
      return { from: item.from, options: type.navigation.map((n) => navigationOption(n.name, n.target, n.collection, n.lookup, true)) }
    }
    const nav = type.navigation.find((n) => n.name === item.text.slice(0, paren))
    const target = nav ? schema.entityType(nav.target) : null
    if (!target) return null
    const inner = { text: item.text.slice(paren + 1), from: item.from + paren + 1, to: item.to }
    const parts = splitTopLevel(inner.text, 0, inner.text.length, ';')
    const part = parts[parts.length - 1]!
    const option = splitOption({ text: part.text, from: inner.from + part.from, to: inner.from + part.to })
    if (!option.value) {
      const used = new Set(parts.slice(0, -1).map((p) => p.text.split('=')[0]))
      const names = nav!.collection ? NESTED_EXPAND_OPTIONS : ['$select', '$expand']
      return { from: option.name.from, options: names.filter((n) => !used.has(n)).map((n) => ({ label: n, kind: 'option', apply: `${n}=`, info: OPTION_INFO[n] ?? '' })) }
    }
    return completeOptionValue(option.name.text, option.value, target, schema)
  })
}

function completeFilter(value: Span, type: EntityTypeIndex, schema: SchemaView): CompletionResult | null {
  const ctx = filterContext(value.text, type, schema)
  const from = value.from + value.text.length - ctx.word.length
  if (ctx.inPropertyName) return { from, options: ctx.type.properties.map((p) => propertyOption(p, ctx.type)) }
  switch (ctx.expect) {
    case 'operand': {
      const options: CompletionOption[] = columnOptions(ctx.type)
      for (const n of ctx.type.navigation) {
        if (n.collection) options.push({ label: `${n.name}/any`, kind: 'collection', detail: `${n.target} rows`, snippet: `${n.name}/any(o:o/\${condition})`, info: `Rows with at least one related ${n.target} matching the condition (all: every one).` })
        else options.push({ label: `${n.name}/`, kind: 'navigation', detail: `→ ${n.target}`, info: `Filter on a column of the related ${n.target}.` })
      }
      if (!ctx.pathPrefix) {
        for (const fn of STRING_FUNCTIONS) options.push({ label: fn, kind: 'function', snippet: `${fn}(\${column},'\${text}')`, detail: 'string function' })
        options.push({ label: 'not', kind: 'keyword', apply: 'not ' })
        for (const fn of QUERY_FUNCTIONS) options.push({ label: `Microsoft.Dynamics.CRM.${fn.name}`, kind: 'function', snippet: querySnippet(fn), detail: fn.summary, boost: -1 })
      }
      return { from, options }
    }
    case 'operator':
      return { from, options: [...operatorOptions(ctx.property), ...LOGICAL.map((l) => ({ label: l, kind: 'keyword' as const, apply: `${l} `, boost: -10 }))] }
    case 'value':
      return { from, options: valueOptions(ctx.property) }
    case 'logical':
      return { from, options: LOGICAL.map((l) => ({ label: l, kind: 'keyword' as const, apply: `${l} ` })) }
  }
}

const OPERATOR_INFO: Record<string, string> = { eq: 'equals', ne: 'not equal', gt: 'greater than', ge: 'greater or equal', lt: 'less than', le: 'less or equal' }

function operatorOptions(property: SchemaProperty | null): CompletionOption[] {
  const ordered = !property || !/^Edm\.(Boolean|Guid)$/.test(property.type)
  return COMPARISON.filter((op) => ordered || op === 'eq' || op === 'ne').map((op, i) => ({ label: op, kind: 'operator', detail: OPERATOR_INFO[op], apply: `${op} `, boost: 10 - i }))
}

function valueOptions(property: SchemaProperty | null): CompletionOption[] {
  const nullable: CompletionOption = { label: 'null', kind: 'value', detail: 'no value' }
  if (!property) return [nullable]
  switch (property.type) {
    case 'Edm.String':
      return [{ label: "'…'", kind: 'value', snippet: "'${text}'", detail: 'text in single quotes' }, nullable]
    case 'Edm.Boolean':
      return [{ label: 'true', kind: 'value' }, { label: 'false', kind: 'value' }, nullable]
    case 'Edm.Guid':
      return [{ label: '00000000-0000-0000-0000-000000000000', kind: 'value', detail: 'a GUID, no quotes', snippet: '${00000000-0000-0000-0000-000000000000}' }, nullable]
    case 'Edm.DateTimeOffset':
      return [{ label: isoDate(true), kind: 'value', detail: 'UTC date and time, no quotes' }, { label: isoDate(false), kind: 'value', detail: 'a date' }, nullable]
    case 'Edm.Date':
      return [{ label: isoDate(false), kind: 'value', detail: 'a date, no quotes' }, nullable]
    default:
      return [{ label: '0', kind: 'value', detail: `${property.type.replace('Edm.', '')}, no quotes` }, nullable]
  }
}

function isoDate(withTime: boolean): string {
  const d = new Date().toISOString().slice(0, 10)
  return withTime ? `${d}T00:00:00Z` : d
}

function columnOptions(type: EntityTypeIndex): CompletionOption[] {
  return type.properties.map((p) => propertyOption(p, type))
}

function propertyOption(p: SchemaProperty, type: EntityTypeIndex): CompletionOption {
  const lookup = type.navigation.find((n) => n.lookup === p.name)
  if (lookup) return { label: p.name, kind: 'lookup', detail: `lookup → ${lookup.target}`, info: `The id of the related ${lookup.target} (navigation property ${lookup.name}).` }
  const key = type.key.includes(p.name)
  return { label: p.name, kind: 'property', detail: `${p.type.replace('Edm.', '')}${key ? ' · key' : ''}`, boost: key ? 0 : 1 }
}

function navigationOption(name: string, target: string, collection: boolean, lookup: string | null, expand = false): CompletionOption {
  return {
    label: name,
    kind: collection ? 'collection' : 'navigation',
    detail: collection ? `${target} rows` : `→ ${target}`,
    info: collection ? `The related ${target} rows (one-to-many or many-to-many).` : `The related ${target}${lookup ? ` (lookup ${lookup})` : ''}.`,
    ...(expand ? { snippet: `${name}($select=\${columns})` } : {})
  }
}

function operationOption(op: OperationIndex, prefix: string): CompletionOption {
  const params = op.parameters.map((p) => `${p.name}: ${p.collection ? `Collection(${p.type})` : p.type}${p.required ? '' : '?'}`).join(', ')
  const returns = op.returnType ? ` → ${op.returnType.collection ? `Collection(${op.returnType.type})` : op.returnType.type}` : ''
  if (op.kind === 'function') {
    const args = op.parameters.map((p, i) => `${p.name}=@p${i + 1}`).join(',')
    const aliases = op.parameters.map((p, i) => `@p${i + 1}=\${${p.name}}`).join('&')
    return { label: `${prefix}${op.name}`, kind: 'function', detail: `function${op.binding ? ' (bound)' : ''}`, info: `${op.name}(${params})${returns}`, snippet: `${prefix}${op.name}(${args})${aliases ? `?${aliases}` : ''}` }
  }
  return { label: `${prefix}${op.name}`, kind: 'action', detail: `action${op.binding ? ' (bound)' : ''} · POST`, info: `POST with a JSON body { ${params} }${returns}` }
}

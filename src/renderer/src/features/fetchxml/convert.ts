/**
 * OData ↔ FetchXML where a query maps one to one: one table, columns, a filter of comparisons and
 * string functions in and/or groups, order, top, count, and single-valued $expand as link-entity.
 * Anything else is refused with the reason, never approximated.
 */
import type { EntityTypeIndex, SchemaView } from '@shared/schema'
import { decodeSafe, readUrl, splitOption, splitTopLevel } from '../odata/urlModel'
import { fetchAttributes, linksOf } from './fetchXmlSchema'
import { openElementsTree, type XmlNode } from './xmlTree'

export type Converted = { ok: true; text: string } | { ok: false; reason: string }

type Filter = { kind: 'group'; type: 'and' | 'or'; items: Filter[] } | { kind: 'condition'; attribute: string; operator: string; value: string | null }

const ODATA_TO_FETCH: Record<string, string> = { eq: 'eq', ne: 'ne', gt: 'gt', ge: 'ge', lt: 'lt', le: 'le' }
const FETCH_TO_ODATA: Record<string, string> = { eq: 'eq', ne: 'ne', gt: 'gt', ge: 'ge', lt: 'lt', le: 'le' }

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const fail = (reason: string): Converted => ({ ok: false, reason })

export function odataToFetchXml(url: string, schema: SchemaView): Converted {
  const model = readUrl(url)
  if (model.rootEnd < 0 || model.segments.length !== 1 || model.segments[0]!.text.includes('(')) return fail('Only a query on one table (…/accounts?…) converts to FetchXML.')
  const type = schema.entityTypeOfSet(decodeSafe(model.segments[0]!.text))
  if (!type) return fail(`"${model.segments[0]!.text}" is not an entity set of this org.`)
  const fetchAttrs: string[] = []
  const inner: string[] = []
  for (const option of model.options) {
    const name = option.name.text
    const value = decodeSafe(option.value?.text ?? '')
    switch (name) {
      case '':
        break
      case '$select':
        for (const column of value.split(',').map((c) => c.trim()).filter(Boolean)) inner.push(`<attribute name="${xmlEscape(logical(column))}" />`)
        break
      case '$top':
        if (!/^\d+$/.test(value)) return fail('$top must be a number.')
        fetchAttrs.push(`top="${value}"`)
        break
      case '$count':
        if (value === 'true') fetchAttrs.push('returntotalrecordcount="true"')
        break
      case '$orderby':
        for (const item of value.split(',').map((c) => c.trim()).filter(Boolean)) {
          const [column, direction] = item.split(/\s+/)
          inner.push(`<order attribute="${xmlEscape(logical(column!))}"${direction === 'desc' ? ' descending="true"' : ''} />`)
        }
        break
      case '$filter': {
        const parsed = parseFilter(value)
        if ('reason' in parsed) return fail(parsed.reason)
        inner.push(filterXml(parsed.filter, '    '))
        break
      }
      case '$expand': {
        for (const item of splitTopLevel(value, 0, value.length, ',')) {
          const link = expandToLink(item.text.trim(), type, schema)
          if (typeof link !== 'string') return link
          inner.push(link)
        }
        break
      }
      default:
        return fail(`${name} has no FetchXML equivalent here.`)
    }
  }
  const body = inner.map((line) => (line.startsWith('    ') ? line : `    ${line}`)).join('\n')
  return { ok: true, text: `<fetch${fetchAttrs.length ? ' ' + fetchAttrs.join(' ') : ''}>\n  <entity name="${type.name}">\n${body}${body ? '\n' : ''}  </entity>\n</fetch>` }
}

/** `_primarycontactid_value` (Web API) → `primarycontactid` (FetchXML). */
function logical(column: string): string {
  return column.replace(/^_(.+)_value$/, '$1')
}

function expandToLink(item: string, type: EntityTypeIndex, schema: SchemaView): string | Converted {
  const paren = item.indexOf('(')
  const navName = paren < 0 ? item : item.slice(0, paren)
  const nav = type.navigation.find((n) => n.name === navName)
  if (!nav) return fail(`${type.name} has no navigation property "${navName}".`)
  if (nav.collection) return fail(`$expand=${navName} is a collection: FetchXML would return one row per related ${nav.target}, not the same result.`)
  const link = linksOf(type, schema).find((l) => l.navigation === navName)
  if (!link) return fail(`No join is known for ${navName}.`)
  const attrs: string[] = []
  if (paren >= 0) {
    const inner = item.slice(paren + 1).replace(/\)$/, '')
    for (const part of splitTopLevel(inner, 0, inner.length, ';')) {
      const option = splitOption(part)
      if (option.name.text !== '$select' || !option.value) return fail(`Only $select inside $expand converts (found ${option.name.text}).`)
      for (const column of option.value.text.split(',').map((c) => c.trim()).filter(Boolean)) attrs.push(`      <attribute name="${xmlEscape(logical(column))}" />`)
    }
  }
  return `    <link-entity name="${link.name}" from="${link.from}" to="${link.to}" link-type="outer" alias="${navName}">\n${attrs.join('\n')}${attrs.length ? '\n' : ''}    </link-entity>`
}

function filterXml(filter: Filter, indent: string): string {
  if (filter.kind === 'condition') {
    return `${indent}<condition attribute="${xmlEscape(filter.attribute)}" operator="${filter.operator}"${filter.value === null ? '' : ` value="${xmlEscape(filter.value)}"`} />`
  }
  const items = filter.items.map((f) => filterXml(f.kind === 'group' ? f : f, indent + '  ')).join('\n')
  return `${indent}<filter type="${filter.type}">\n${items}\n${indent}</filter>`
}

/** A small parser for the $filter subset that maps to FetchXML conditions. */
export function parseFilter(text: string): { filter: Filter } | { reason: string } {
  const tokens = text.match(/'(?:[^']|'')*'|\(|\)|,|[^\s(),']+/g) ?? []
  let i = 0
  const peek = () => tokens[i]
  const unsupported = (what: string) => ({ reason: `This $filter does not convert to FetchXML: ${what}.` })
  const parseOr = (): Filter | { reason: string } => {
    const items: Filter[] = []
    for (;;) {
      const left = parseAnd()
      if ('reason' in left) return left
      items.push(left)
      if (peek()?.toLowerCase() !== 'or') break
      i++
    }
    return items.length === 1 ? items[0]! : { kind: 'group', type: 'or', items }
  }
  const parseAnd = (): Filter | { reason: string } => {
    const items: Filter[] = []
    for (;;) {
      const term = parseTerm()
      if ('reason' in term) return term
      items.push(term)
      if (peek()?.toLowerCase() !== 'and') break
      i++
    }
    return items.length === 1 ? items[0]! : { kind: 'group', type: 'and', items }
  }
  const parseTerm = (): Filter | { reason: string } => {
    const token = tokens[i++]
    if (token === undefined) return unsupported('it ends early')
    if (token === '(') {
      const inner = parseOr()
      if ('reason' in inner) return inner
      if (tokens[i++] !== ')') return unsupported('a parenthesis is not closed')
      return inner
    }
    const fn = token.toLowerCase()
    if ((fn === 'contains' || fn === 'startswith' || fn === 'endswith') && peek() === '(') {
      i++
      const column = tokens[i++]
      if (tokens[i++] !== ',') return unsupported(`${token}() needs a column and a text`)
      const literal = tokens[i++] ?? ''
      if (tokens[i++] !== ')' || !/^'.*'$/.test(literal)) return unsupported(`${token}() needs a column and a text`)
      const value = literal.slice(1, -1).replace(/''/g, "'")
      const pattern = fn === 'contains' ? `%${value}%` : fn === 'startswith' ? `${value}%` : `%${value}`
      return { kind: 'condition', attribute: logical(column ?? ''), operator: 'like', value: pattern }
    }
    if (fn === 'not') return unsupported('"not" has no single FetchXML condition')
    if (token.includes('/')) return unsupported(`"${token}" filters on a related table`)
    const op = tokens[i++]?.toLowerCase() ?? ''
    const literal = tokens[i++]
    if (!ODATA_TO_FETCH[op] || literal === undefined) return unsupported(`"${token} ${op}" is not a comparison`)
    if (literal === 'null') {
      if (op !== 'eq' && op !== 'ne') return unsupported('null compares only with eq or ne')
      return { kind: 'condition', attribute: logical(token), operator: op === 'eq' ? 'null' : 'not-null', value: null }
    }
    const value = /^'.*'$/.test(literal) ? literal.slice(1, -1).replace(/''/g, "'") : literal === 'true' ? '1' : literal === 'false' ? '0' : literal
    return { kind: 'condition', attribute: logical(token), operator: ODATA_TO_FETCH[op]!, value }
  }
  const result = parseOr()
  if ('reason' in result) return result
  if (i < tokens.length) return unsupported(`"${tokens[i]}" is not understood`)
  return { filter: result.kind === 'group' ? result : { kind: 'group', type: 'and', items: [result] } }
}

/** FetchXML → OData, for the same subset. */
export function fetchXmlToOdata(xml: string, schema: SchemaView, root = '{{webApiUrl}}/'): Converted {
  const tree = openElementsTree(xml)
  if ('reason' in tree) return fail(tree.reason)
  const fetch = tree.root
  if (fetch.name !== 'fetch') return fail('The document must start with <fetch>.')
  if (fetch.attributes.aggregate === 'true') return fail('Aggregate queries convert to $apply, which this conversion does not write.')
  const entity = fetch.children.find((c) => c.name === 'entity')
  const type = entity?.attributes.name ? schema.entityType(entity.attributes.name) : null
  if (!entity || !type || !type.entitySet) return fail(`<entity name="${entity?.attributes.name ?? ''}"> is not a table of this org with an entity set.`)
  const options: string[] = []
  const lookupColumn = (t: EntityTypeIndex, name: string) => (fetchAttributes(t).find((a) => a.name === name)?.target ? `_${name}_value` : name)
  const select = entity.children.filter((c) => c.name === 'attribute').map((c) => lookupColumn(type, c.attributes.name ?? ''))
  if (entity.children.some((c) => c.name === 'all-attributes')) return fail('<all-attributes/> has no $select equivalent (leave $select out instead).')
  if (select.length) options.push(`$select=${select.join(',')}`)
  const filters = entity.children.filter((c) => c.name === 'filter')
  if (filters.length) {
    const parts: string[] = []
    for (const f of filters) {
      const text = filterToOdata(f, type)
      if (typeof text !== 'string') return text
      parts.push(text)
    }
    options.push(`$filter=${parts.join(' and ')}`)
  }
  const expands: string[] = []
  for (const link of entity.children.filter((c) => c.name === 'link-entity')) {
    const known = linksOf(type, schema).find((l) => l.name === link.attributes.name && l.from === link.attributes.from && l.to === link.attributes.to)
    const nav = known ? type.navigation.find((n) => n.name === known.navigation) : undefined
    if (!known || !nav || nav.collection) return fail(`<link-entity name="${link.attributes.name ?? ''}"> is not a many-to-one join that $expand can express.`)
    if (link.children.some((c) => c.name !== 'attribute')) return fail(`<link-entity name="${link.attributes.name}"> has filters or orders: $expand cannot filter the parent rows by them.`)
    const target = schema.entityType(known.name)!
    const cols = link.children.map((c) => lookupColumn(target, c.attributes.name ?? ''))
    expands.push(cols.length ? `${nav.name}($select=${cols.join(',')})` : nav.name)
  }
  if (expands.length) options.push(`$expand=${expands.join(',')}`)
  const orders = entity.children.filter((c) => c.name === 'order').map((c) => `${lookupColumn(type, c.attributes.attribute ?? '')}${c.attributes.descending === 'true' ? ' desc' : ''}`)
  if (orders.length) options.push(`$orderby=${orders.join(',')}`)
  if (fetch.attributes.top) options.push(`$top=${fetch.attributes.top}`)
  if (fetch.attributes.returntotalrecordcount === 'true') options.push('$count=true')
  for (const attr of ['page', 'paging-cookie', 'count', 'distinct']) if (fetch.attributes[attr]) return fail(`<fetch ${attr}="…"> has no one-to-one OData equivalent.`)
  return { ok: true, text: `${root}${type.entitySet}${options.length ? '?' + options.join('&') : ''}` }
}

function filterToOdata(node: XmlNode, type: EntityTypeIndex): string | Converted {
  const joiner = node.attributes.type === 'or' ? ' or ' : ' and '
  const parts: string[] = []
  for (const child of node.children) {
    if (child.name === 'filter') {
      const inner = filterToOdata(child, type)
      if (typeof inner !== 'string') return inner
      parts.push(child.children.length > 1 ? `(${inner})` : inner)
      continue
    }
    if (child.name !== 'condition') return fail(`<${child.name}> inside a filter does not convert.`)
    const a = child.attributes
    if (a.entityname || a.valueof) return fail('Conditions on a linked table or another column do not convert.')
    const column = fetchAttributes(type).find((x) => x.name === a.attribute)
    if (!column) return fail(`${type.name} has no column "${a.attribute ?? ''}".`)
    const name = column.target ? `_${column.name}_value` : column.name
    const literal = (v: string) => (column.type === 'Edm.String' ? `'${v.replace(/'/g, "''")}'` : column.type === 'Edm.Boolean' ? (v === '1' || v === 'true' ? 'true' : 'false') : v)
    const op = a.operator ?? ''
    if (op === 'null') parts.push(`${name} eq null`)
    else if (op === 'not-null') parts.push(`${name} ne null`)
    else if (FETCH_TO_ODATA[op] && a.value !== undefined) parts.push(`${name} ${FETCH_TO_ODATA[op]} ${literal(a.value)}`)
    else if (op === 'like' && a.value !== undefined) {
      const v = a.value
      const inner = v.replace(/^%|%$/g, '')
      if (/[%_[]/.test(inner)) return fail(`The like pattern "${v}" has wildcards inside: no OData string function matches it.`)
      const fn = v.startsWith('%') && v.endsWith('%') ? 'contains' : v.endsWith('%') ? 'startswith' : v.startsWith('%') ? 'endswith' : null
      parts.push(fn ? `${fn}(${name},'${inner.replace(/'/g, "''")}')` : `${name} eq '${v.replace(/'/g, "''")}'`)
    } else return fail(`The operator "${op}" does not convert one to one.`)
  }
  return parts.join(joiner)
}

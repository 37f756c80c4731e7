import { dv } from '../../errors'
import { failure } from '../failures'
import { attributeName, tableByName, type Column, type Table } from '../schema'
import type { XmlElement } from './xml'

/**
 * A FetchXML query read into a model, checked as Dataverse checks it (the QueryBuilder* errors): known tables and
 * columns by logical name, known elements and operators, `link-entity` from/to, aliases unique, at most 15 joins.
 */
export type Aggregate = 'count' | 'countcolumn' | 'sum' | 'avg' | 'min' | 'max'
export type DateGrouping = 'day' | 'week' | 'month' | 'quarter' | 'year'

export interface FetchAttribute {
  column: Column
  /** The logical name as FetchXML names it (`primarycontactid`, not `_primarycontactid_value`). */
  name: string
  alias: string | null
  aggregate: Aggregate | null
  distinct: boolean
  groupby: boolean
  dategrouping: DateGrouping | null
  node: EntityNode
}

export interface FetchOrder {
  node: EntityNode
  column: Column | null
  alias: string | null
  descending: boolean
}

export interface FetchCondition {
  kind: 'condition'
  node: EntityNode
  column: Column
  name: string
  operator: string
  values: string[]
  /** `valueof`: compare with another column of the same row. */
  valueOf: Column | null
}

export interface FetchFilter {
  kind: 'filter'
  type: 'and' | 'or'
  items: Array<FetchCondition | FetchFilter | LinkNode>
}

export type LinkType = 'inner' | 'outer' | 'exists' | 'in' | 'matchfirstrowusingcrossapply' | 'any' | 'not any' | 'all' | 'not all'

export interface EntityNode {
  table: Table
  /** null for the query's entity; a link-entity's alias (given, or `<name><n>` as Dataverse generates it). */
  alias: string | null
  attributes: FetchAttribute[]
  allAttributes: boolean
  orders: FetchOrder[]
  filter: FetchFilter | null
  links: LinkNode[]
}

export interface LinkNode extends EntityNode {
  kind: 'link'
  alias: string
  parent: EntityNode
  /** The column on the linked table, and the one on the parent it equals. */
  from: Column
  to: Column
  linkType: LinkType
}

export interface FetchQuery {
  root: EntityNode
  top: number | null
  count: number | null
  page: number | null
  pagingCookie: string | null
  distinct: boolean
  aggregate: boolean
  returnTotalRecordCount: boolean
}

const FETCH_ATTRIBUTES = new Set(['version', 'output-format', 'mapping', 'distinct', 'no-lock', 'top', 'count', 'page', 'paging-cookie', 'aggregate', 'aggregatelimit', 'returntotalrecordcount', 'latematerialize', 'options', 'useraworderby', 'datasource', 'min-active-row-version', 'utc-offset'])
const LINK_TYPES = new Set<LinkType>(['inner', 'outer', 'exists', 'in', 'matchfirstrowusingcrossapply', 'any', 'not any', 'all', 'not all'])
const FILTER_LINK_TYPES = new Set<LinkType>(['any', 'not any', 'all', 'not all'])
const AGGREGATES = new Set<Aggregate>(['count', 'countcolumn', 'sum', 'avg', 'min', 'max'])
const GROUPINGS = new Set<DateGrouping>(['day', 'week', 'month', 'quarter', 'year'])
const NUMERIC = new Set(['Int32', 'Int64', 'Money', 'Decimal'])
export const MAX_LINKS = 15

function bool(value: string | undefined, attribute: string): boolean {
  if (value === undefined) return false
  const v = value.toLowerCase()
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw failure.fetchBoolean(attribute)
}

function positive(value: string | undefined, attribute: string): number | null {
  if (value === undefined) return null
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) throw failure.fetchPositive(attribute)
  return Number(value)
}

/** A column by its FetchXML (logical) name. */
export function columnOf(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => attributeName(c) === name)
}

function requireColumn(table: Table, name: string | undefined, element: string): Column {
  if (!name) throw failure.fetchAttributeRequired(element)
  const col = columnOf(table, name)
  if (!col) throw failure.fetchNoAttribute(table.logicalName, name)
  return col
}

export function readFetch(root: XmlElement): FetchQuery {
  if (root.name !== 'fetch') throw failure.fetchNode(`The root element must be <fetch>, not <${root.name}>.`)
  for (const name of Object.keys(root.attributes)) if (!FETCH_ATTRIBUTES.has(name)) throw failure.fetchNode(`'${name}' is not an attribute of <fetch>.`)
  const mapping = root.attributes.mapping
  if (mapping !== undefined && mapping.toLowerCase() !== 'logical') throw failure.fetchNode("The only valid values for mapping are 'logical' or 'internal' which is deprecated.")
  const entities = root.children.filter((c) => c.name === 'entity')
  const stray = root.children.find((c) => c.name !== 'entity')
  if (stray) throw failure.fetchNode(`<${stray.name}> cannot be a child of <fetch>.`)
  if (entities.length !== 1) throw failure.fetchElementRequired('<entity>')
  const entityName = entities[0]!.attributes.name
  if (!entityName) throw failure.fetchAttributeRequired('entity (name)')
  const table = tableByName.get(entityName)
  if (!table) throw failure.fetchNoEntity(entityName)

  const aliases = new Set<string>()
  const generated = new Map<string, number>()
  const count = { links: 0 }
  const aggregate = bool(root.attributes.aggregate, 'aggregate')
  const readEntity = (element: XmlElement, node: EntityNode) => {
    for (const child of element.children) {
      switch (child.name) {
        case 'attribute':
          node.attributes.push(readAttribute(child, node, aggregate, aliases))
          break
        case 'all-attributes':
          node.allAttributes = true
          break
        case 'order':
          node.orders.push(readOrder(child, node, aggregate))
          break
        case 'filter':
          if (node.filter) throw failure.fetchNode(`<${element.name}> can have one <filter>; nest filters inside it.`)
          node.filter = readFilter(child, node)
          break
        case 'link-entity': {
          const link = readLink(child, node)
          if (FILTER_LINK_TYPES.has(link.linkType)) throw failure.fetchNode(`A link-entity of link-type '${link.linkType}' goes inside a <filter>.`)
          node.links.push(link)
          break
        }
        default:
          throw failure.fetchNode(`<${child.name}> cannot be a child of <${element.name}>.`)
      }
    }
  }
  const readFilter = (element: XmlElement, node: EntityNode): FetchFilter => {
    const type = (element.attributes.type ?? 'and').toLowerCase()
    if (type !== 'and' && type !== 'or') throw failure.fetchFilterType()
    const items: FetchFilter['items'] = []
    for (const child of element.children) {
      if (child.name === 'condition') items.push(readCondition(child, node))
      else if (child.name === 'filter') items.push(readFilter(child, node))
      else if (child.name === 'link-entity') {
        const link = readLink(child, node)
        if (!FILTER_LINK_TYPES.has(link.linkType)) throw failure.fetchNode(`A link-entity inside a <filter> needs link-type 'any', 'not any', 'all' or 'not all'.`)
        if (link.attributes.length || link.allAttributes) throw failure.fetchNode('A filter link-entity cannot return columns.')
        items.push(link)
      } else throw failure.fetchNode(`<${child.name}> cannot be a child of <filter>.`)
    }
    return { kind: 'filter', type, items }
  }
  const readLink = (element: XmlElement, parent: EntityNode): LinkNode => {
    if (++count.links > MAX_LINKS) throw failure.fetchLinkLimit()
    const name = element.attributes.name
    if (!name) throw failure.fetchAttributeRequired('link-entity (name)')
    const linked = tableByName.get(name)
    if (!linked) throw failure.fetchNoEntity(name)
    const linkType = (element.attributes['link-type'] ?? 'inner').toLowerCase() as LinkType
    if (!LINK_TYPES.has(linkType)) throw failure.fetchLinkType()
    let alias = element.attributes.alias
    if (alias) {
      if (aliases.has(alias)) throw failure.fetchDuplicateAlias()
    } else {
      do {
        const n = (generated.get(name) ?? 0) + 1
        generated.set(name, n)
        alias = `${name}${n}`
      } while (aliases.has(alias))
    }
    aliases.add(alias)
    const from = element.attributes.from ? requireColumn(linked, element.attributes.from, 'link-entity (from)') : null
    const to = element.attributes.to ? requireColumn(parent.table, element.attributes.to, 'link-entity (to)') : null
    // Without from/to Dataverse joins on the relationship between the two tables; the Sandbox needs them named.
    if (!from || !to) throw failure.fetchAttributeRequired("link-entity (from and to, e.g. from='contactid' to='primarycontactid')")
    const node: LinkNode = { kind: 'link', table: linked, alias, parent, from, to, linkType, attributes: [], allAttributes: false, orders: [], filter: null, links: [] }
    readEntity(element, node)
    return node
  }

  const rootNode: EntityNode = { table, alias: null, attributes: [], allAttributes: false, orders: [], filter: null, links: [] }
  readEntity(entities[0]!, rootNode)
  const query: FetchQuery = {
    root: rootNode,
    top: positive(root.attributes.top, 'top'),
    count: positive(root.attributes.count, 'count'),
    page: positive(root.attributes.page, 'page'),
    pagingCookie: root.attributes['paging-cookie'] ?? null,
    distinct: bool(root.attributes.distinct, 'distinct'),
    aggregate,
    returnTotalRecordCount: bool(root.attributes.returntotalrecordcount, 'returntotalrecordcount')
  }
  if (query.top !== null && query.top > 5000) throw failure.fetchTopLimit()
  if (query.top !== null && (query.page !== null || query.count !== null || query.returnTotalRecordCount)) throw failure.fetchTopAndPaging()
  if (aggregate) checkAggregate(rootNode)
  return query
}

function readAttribute(element: XmlElement, node: EntityNode, aggregate: boolean, aliases: Set<string>): FetchAttribute {
  const column = requireColumn(node.table, element.attributes.name, 'attribute (name)')
  const alias = element.attributes.alias ?? null
  if (alias !== null) {
    if (aliases.has(alias)) throw failure.fetchDuplicateAlias()
    aliases.add(alias)
  }
  const fn = element.attributes.aggregate?.toLowerCase() ?? null
  if (fn !== null && !AGGREGATES.has(fn as Aggregate)) throw failure.fetchNode(`'${fn}' is not an aggregate function: use count, countcolumn, sum, avg, min or max.`)
  const groupby = bool(element.attributes.groupby, 'groupby')
  const grouping = element.attributes.dategrouping?.toLowerCase() ?? null
  if (grouping !== null && !GROUPINGS.has(grouping as DateGrouping)) {
    if (grouping === 'fiscal-period' || grouping === 'fiscal-year') throw dv.notSupported(`dategrouping '${grouping}' (fiscal periods need the organization's fiscal year settings)`)
    throw failure.fetchDateGrouping()
  }
  if (aggregate) {
    if (fn === null && !groupby) throw failure.fetchAttributeWithAggregate()
    if (alias === null) throw failure.fetchAggregateAlias()
    if ((fn === 'sum' || fn === 'avg') && !NUMERIC.has(column.type)) throw failure.fetchAggregateType(fn, column.type)
  }
  return { column, name: attributeName(column), alias, aggregate: aggregate ? (fn as Aggregate | null) : null, distinct: bool(element.attributes.distinct, 'distinct'), groupby: aggregate && groupby, dategrouping: aggregate ? (grouping as DateGrouping | null) : null, node }
}

function readOrder(element: XmlElement, node: EntityNode, aggregate: boolean): FetchOrder {
  const descending = bool(element.attributes.descending, 'descending')
  const alias = element.attributes.alias ?? null
  const name = element.attributes.attribute
  if (aggregate) {
    if (name !== undefined) throw failure.fetchAggregateOrder()
    if (alias === null) throw failure.fetchAttributeRequired('order (alias, in an aggregate query)')
    return { node, column: null, alias, descending }
  }
  if (alias !== null && name === undefined) throw failure.fetchOrderAlias()
  return { node, column: requireColumn(node.table, name, 'order (attribute)'), alias: null, descending }
}

function readCondition(element: XmlElement, node: EntityNode): FetchCondition {
  // `entityname` names a link-entity's alias: a condition on the joined table, written in the outer filter.
  const entityname = element.attributes.entityname
  const scope = entityname ? findAlias(node, entityname) : node
  if (!scope) throw failure.fetchAlias(entityname!)
  const column = requireColumn(scope.table, element.attributes.attribute, 'condition (attribute)')
  const operator = element.attributes.operator?.toLowerCase()
  if (!operator) throw failure.fetchAttributeRequired('condition (operator)')
  const values = element.attributes.value !== undefined ? [element.attributes.value] : element.children.filter((c) => c.name === 'value').map((c) => c.text.trim())
  const stray = element.children.find((c) => c.name !== 'value')
  if (stray) throw failure.fetchNode(`<${stray.name}> cannot be a child of <condition>.`)
  const valueOf = element.attributes.valueof ? requireColumn(scope.table, element.attributes.valueof, 'condition (valueof)') : null
  return { kind: 'condition', node: scope, column, name: attributeName(column), operator, values, valueOf }
}

/** A link-entity by alias anywhere under `node` (conditions may name one with `entityname`). */
function findAlias(node: EntityNode, alias: string): EntityNode | undefined {
  for (const link of node.links) {
    if (link.alias === alias) return link
    const deeper = findAlias(link, alias)
    if (deeper) return deeper
  }
  return undefined
}

function* allNodes(node: EntityNode): Generator<EntityNode> {
  yield node
  for (const link of node.links) yield* allNodes(link)
}

function checkAggregate(root: EntityNode): void {
  for (const node of allNodes(root)) if (node.allAttributes) throw failure.fetchAttributeWithAggregate()
}

export { allNodes }

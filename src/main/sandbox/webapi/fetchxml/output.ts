import { etagOf, formattedValue } from '../format'
import type { SandboxOrg } from '../org'
import type { Row } from '../seedData'
import { attributeName, column, lookupTargetOf, type Column, type Table } from '../schema'
import type { Tuple } from './conditions'
import { allNodes, type EntityNode, type FetchQuery, type LinkNode } from './model'

const FORMATTED = 'OData.Community.Display.V1.FormattedValue'
const ATTRIBUTE_NAME = 'OData.Community.Display.V1.AttributeName'

/** A link-entity's columns come back as `<alias>.<column>`, the dot written `_x002e_` in JSON property names. */
export function linkedName(alias: string, attribute: string): string {
  return `${alias}_x002e_${attribute}`
}

function columnsOf(node: EntityNode): Array<{ column: Column; alias: string | null }> {
  return node.allAttributes ? node.table.columns.map((column) => ({ column, alias: null })) : node.attributes.map((a) => ({ column: a.column, alias: a.alias }))
}

function write(org: SandboxOrg, table: Table, row: Row, col: Column, key: string, out: Record<string, unknown>, annotate: (term: string) => boolean, attributeNameToo: boolean): void {
  const value = row[col.name]
  // FetchXML results leave out null values (Use FetchXml to retrieve data).
  if (value === null || value === undefined) return
  if (attributeNameToo && annotate(ATTRIBUTE_NAME)) out[`${key}@${ATTRIBUTE_NAME}`] = attributeName(col)
  if (annotate(FORMATTED)) {
    const text = formattedValue(org, table, row, col)
    if (text !== null) out[`${key}@${FORMATTED}`] = text
  }
  if (col.type === 'Lookup') {
    const target = lookupTargetOf(row, col)
    if (!attributeNameToo && annotate('Microsoft.Dynamics.CRM.associatednavigationproperty')) out[`${key}@Microsoft.Dynamics.CRM.associatednavigationproperty`] = col.targets!.find((t) => t.table === target?.logicalName)?.navigation ?? col.targets![0]!.navigation
    if (annotate('Microsoft.Dynamics.CRM.lookuplogicalname')) out[`${key}@Microsoft.Dynamics.CRM.lookuplogicalname`] = target?.logicalName ?? col.targets![0]!.table
  }
  out[key] = value
}

/**
 * One result row as the Web API returns FetchXML results: the ETag, the entity's columns (lookups as
 * `_<name>_value`, an attribute alias as the name), the currency when a money column is selected, the primary key,
 * then the joined tables' columns as `<alias>_x002e_<column>`.
 */
export function outputRow(org: SandboxOrg, query: FetchQuery, tuple: Tuple, annotate: (term: string) => boolean): Record<string, unknown> {
  const root = query.root
  const row = tuple.get(root)!
  const out: Record<string, unknown> = { '@odata.etag': etagOf(row) }
  const columns = columnsOf(root)
  for (const { column: col, alias } of columns) write(org, root.table, row, col, alias ?? col.name, out, annotate, alias !== null)
  const currency = column(root.table, '_transactioncurrencyid_value')
  if (currency && columns.some((c) => c.column.type === 'Money') && !('_transactioncurrencyid_value' in out)) write(org, root.table, row, currency, currency.name, out, annotate, false)
  out[root.table.primaryId] = row[root.table.primaryId]
  for (const node of allNodes(root)) {
    if (node === root) continue
    const link = node as LinkNode
    const linked = tuple.get(link)
    if (!linked || link.linkType === 'exists' || link.linkType === 'in') continue
    for (const { column: col, alias } of columnsOf(link)) write(org, link.table, linked, col, alias ?? linkedName(link.alias, attributeName(col)), out, annotate, true)
  }
  return out
}

/** `accounts(name,accountid)`: the entity's selected columns and its key, as `@odata.context` names them. */
export function contextColumns(query: FetchQuery): string | null {
  const root = query.root
  if (root.allAttributes || query.aggregate) return null
  const names = root.attributes.map((a) => a.column.name)
  const money = root.attributes.some((a) => a.column.type === 'Money') && column(root.table, '_transactioncurrencyid_value')
  if (money) names.push('_transactioncurrencyid_value', 'transactioncurrencyid')
  names.push(root.table.primaryId)
  if (money) names.push('transactioncurrencyid()')
  return [...new Set(names)].join(',')
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
/** URL-encoding as Dataverse does it for the paging cookie: every reserved character, lower-case escapes. */
const urlEncode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())

/**
 * `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` ("Page results using FetchXml"): a `<cookie>` element whose
 * `pagingcookie` attribute is the inner cookie — the first and last values of the order columns and of the
 * primary key on this page — URL-encoded twice. The Sandbox pages by position; the cookie is there to be sent back.
 */
export function pagingCookie(query: FetchQuery, page: number, first: Tuple, last: Tuple): string {
  const root = query.root
  const parts: string[] = []
  const value = (t: Tuple, col: Column) => {
    const v = t.get(root)?.[col.name]
    if (v === null || v === undefined) return ''
    return col.type === 'Guid' || col.type === 'Lookup' ? `{${String(v).toUpperCase()}}` : String(v)
  }
  for (const o of root.orders) {
    if (!o.column || o.column.name === root.table.primaryId) continue
    parts.push(`<${attributeName(o.column)} last="${escapeXml(value(last, o.column))}" first="${escapeXml(value(first, o.column))}" />`)
  }
  const id = root.table.columns.find((c) => c.name === root.table.primaryId)!
  parts.push(`<${root.table.primaryId} last="${value(last, id)}" first="${value(first, id)}" />`)
  const inner = `<cookie page="${page}">${parts.join('')}</cookie>`
  return `<cookie pagenumber="${page + 1}" pagingcookie="${urlEncode(urlEncode(inner))}" istracking="False" />`
}

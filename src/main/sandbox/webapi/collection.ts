import { dv } from '../errors'
import { handleApply } from './apply'
import { handleChanges } from './changes'
import { formatRow } from './format'
import { odataJson, type SandboxResponse } from './http'
import { linkWith, pageOf, queryWithout, skiptokenParameter } from './paging'
import { MAX_PAGE_SIZE } from './prefer'
import { contextFragment, filterOf, hasNested, parseExpand, parseOrderBy, parseSelect, parseTop, sortRows } from './query'
import type { Call } from './routes'
import type { Row } from './seedData'
import { GLOBAL_METADATA_VERSION, type Table } from './schema'

const QUERY_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$expand', '$skiptoken', '$apply', '$deltatoken', '$format'])

/** Dataverse's query parameters that are not OData options and that the Sandbox does not run (views). */
const NOT_EMULATED = new Map([
  ['savedQuery', 'The savedQuery parameter (a saved view)'],
  ['userQuery', 'The userQuery parameter (a personal view)']
])

export function checkQueryOptions(call: Call): void {
  for (const name of call.q.keys()) {
    if (name.startsWith('$') && !QUERY_OPTIONS.has(name)) throw dv.queryOptionNotSupported(name)
    if (NOT_EMULATED.has(name)) throw dv.notSupported(NOT_EMULATED.get(name)!)
    // FetchXML runs on an entity set (`GET /accounts?fetchXml=…`), not on a record's related rows.
    if (name === 'fetchXml') throw dv.badRequest('The fetchXml parameter is for an entity set: GET /<entityset>?fetchXml=<FetchXML>, like /accounts?fetchXml=….')
  }
}

/** `$count=true` as Dataverse reports it: the number of matching rows, at most 5,000. */
function countOption(call: Call): boolean {
  const value = call.q.get('$count')
  if (value !== null && value !== 'true' && value !== 'false') throw dv.badRequest(`'${value}' is not a valid count option.`)
  return value === 'true'
}

/** The annotations Dataverse adds to a collection when `odata.include-annotations` asks for them. */
export function collectionAnnotations(call: Call, total: number, counted: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const { annotate } = call.prefer
  if (annotate('Microsoft.Dynamics.CRM.totalrecordcount')) out['@Microsoft.Dynamics.CRM.totalrecordcount'] = counted ? Math.min(total, MAX_PAGE_SIZE) : -1
  if (annotate('Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded')) out['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'] = counted && total > MAX_PAGE_SIZE
  if (annotate('Microsoft.Dynamics.CRM.globalmetadataversion')) out['@Microsoft.Dynamics.CRM.globalmetadataversion'] = GLOBAL_METADATA_VERSION
  return out
}

export function appliedPreferences(...applied: Array<string | null | false>): Record<string, string> {
  const list = applied.filter((a): a is string => typeof a === 'string' && a !== '')
  return list.length ? { 'preference-applied': list.join(', ') } : {}
}

/**
 * GET on an entity set or on a record's collection-valued navigation property: `$select`, `$filter`, `$orderby`,
 * `$top`, `$expand`, `$count`, server paging with Dataverse's `$skiptoken` cookie, `$apply`, change tracking.
 */
export function listRows(call: Call, table: Table, source: Row[], linkBase: string): SandboxResponse {
  checkQueryOptions(call)
  const { q, prefer, env } = call
  if (prefer.trackChanges || q.has('$deltatoken')) return handleChanges(call, table, source, linkBase)
  if (q.has('$apply')) return handleApply(call, table, source)
  const select = parseSelect(q.get('$select'), table)
  const filter = filterOf(q.get('$filter'), table, env)
  const orderBy = parseOrderBy(q.get('$orderby'), table)
  const top = parseTop(q.get('$top'))
  const expand = parseExpand(q.get('$expand'), table, env)
  const counted = countOption(call)

  let rows = source.filter((r) => !filter || filter.test(r))
  rows = sortRows(rows, orderBy)
  const total = rows.length
  // "Don't use $top with the Prefer: odata.maxpagesize request header. If you include both, $top is ignored." (Page results using OData)
  const pageSize = prefer.maxPageSize ?? MAX_PAGE_SIZE
  if (top !== null && prefer.maxPageSize === null) rows = rows.slice(0, top)
  const token = q.get('$skiptoken')
  const page = token === null ? 1 : pageOf(token)
  const start = (page - 1) * pageSize
  const pageRows = rows.slice(start, start + pageSize)
  const more = start + pageSize < rows.length

  const nested = hasNested(expand)
  const options = { select, expand, annotate: prefer.annotate, base: call.base, nested, pageSize: prefer.maxPageSize }
  const body: Record<string, unknown> = { '@odata.context': `${call.base}/$metadata#${contextFragment(table, select, expand)}` }
  if (counted) body['@odata.count'] = Math.min(total, MAX_PAGE_SIZE)
  Object.assign(body, collectionAnnotations(call, total, counted))
  body.value = pageRows.map((r) => formatRow(call.ctx.org, table, r, options))
  if (more && pageRows.length) {
    const ids = pageRows.map((r) => String(r[table.primaryId]))
    body['@odata.nextLink'] = linkWith(linkBase, queryWithout(call.req.url.search, '$skiptoken'), skiptokenParameter({ page, primaryId: table.primaryId, first: ids[0]!, last: ids[ids.length - 1]! }))
  }
  return odataJson(200, body, appliedPreferences(prefer.maxPageSize !== null && `odata.maxpagesize=${prefer.maxPageSize}`, prefer.annotations))
}

/** `…/$count`: the number of matching rows as plain text, at most 5,000. */
export function countRows(call: Call, table: Table, source: Row[]): SandboxResponse {
  checkQueryOptions(call)
  if (call.q.has('$deltatoken')) return handleChanges(call, table, source, '', true)
  const filter = filterOf(call.q.get('$filter'), table, call.env)
  const n = source.filter((r) => !filter || filter.test(r)).length
  return { status: 200, headers: { 'odata-version': '4.0', 'content-type': 'text/plain' }, body: String(Math.min(n, MAX_PAGE_SIZE)) }
}

import { appliedPreferences, collectionAnnotations } from '../collection'
import { failure } from '../failures'
import { odataJson, type SandboxResponse } from '../http'
import { MAX_PAGE_SIZE } from '../prefer'
import type { Call } from '../routes'
import type { Table } from '../schema'
import { aggregateRows } from './aggregate'
import type { Tuple } from './conditions'
import { FetchRunner, ordersOf } from './evaluate'
import { readFetch, type FetchQuery } from './model'
import { contextColumns, outputRow, pagingCookie } from './output'
import { parseXml } from './xml'

/** What may come with `fetchXml`: `$count=true` (the same as `returntotalrecordcount`) and nothing else of OData's. */
const ALLOWED = new Set(['fetchXml', '$count'])

function checkOptions(call: Call): void {
  for (const name of call.q.keys()) if (!ALLOWED.has(name) && name.startsWith('$')) throw failure.fetchWithQueryOption(name)
}

/** The page the `page` and `paging-cookie` attributes ask for; a cookie from another page is Dataverse's error. */
function pageOf(query: FetchQuery): number {
  const page = query.page ?? 1
  if (query.pagingCookie !== null) {
    const m = /<cookie\s+page="(\d+)"/.exec(query.pagingCookie)
    if (!m || Number(m[1]) !== page - 1) throw failure.fetchPagingCookie()
  }
  return page
}

/**
 * `GET <entityset>?fetchXml=<encoded>` ("Use FetchXml to retrieve data"): the query runs on the seeded tables and
 * answers in the Web API's shape — null values left out, joined columns as `<alias>_x002e_<column>`, `@odata.count`
 * for `returntotalrecordcount`, and the paging cookie and more-records annotations when asked for.
 */
export function handleFetchXml(call: Call, table: Table): SandboxResponse {
  checkOptions(call)
  const text = call.q.get('fetchXml') ?? ''
  if (!text.trim()) throw failure.fetchEmpty()
  const query = readFetch(parseXml(text))
  if (query.root.table !== table) throw failure.fetchEntitiesDontMatch()
  const org = call.ctx.org
  const runner = new FetchRunner(org, call.env.filter)
  const { annotate } = call.prefer
  let tuples: Tuple[] = runner.run(query.root)
  const raw = /^(true|1)$/i.test(/useraworderby=['"]([^'"]+)['"]/i.exec(text)?.[1] ?? '')
  if (!query.aggregate) tuples = runner.sort(tuples, ordersOf(query.root), raw)

  let rows: Array<Record<string, unknown>>
  let pageTuples: Tuple[] = []
  if (query.aggregate) rows = aggregateRows(org, query, tuples, annotate('OData.Community.Display.V1.FormattedValue'))
  else {
    rows = tuples.map((t) => outputRow(org, query, t, annotate))
    if (query.distinct) {
      const seen = new Set<string>()
      const kept: number[] = []
      rows.forEach((r, i) => {
        const k = JSON.stringify(Object.entries(r).filter(([name]) => !name.startsWith('@') && name !== table.primaryId))
        if (!seen.has(k)) {
          seen.add(k)
          kept.push(i)
        }
      })
      rows = kept.map((i) => rows[i]!)
      tuples = kept.map((i) => tuples[i]!)
    }
  }
  const total = rows.length
  const page = pageOf(query)
  const size = query.count ?? MAX_PAGE_SIZE
  // `top` limits the rows; otherwise `count` rows from page `page` (5,000 when not set).
  const start = query.top !== null ? 0 : (page - 1) * size
  const end = Math.min(total, query.top !== null ? query.top : start + size)
  const more = query.top === null && end < total
  if (!query.aggregate) pageTuples = tuples.slice(start, end)

  const columns = contextColumns(query)
  const body: Record<string, unknown> = { '@odata.context': `${call.base}/$metadata#${table.entitySet}${columns ? `(${columns})` : ''}` }
  const counted = query.returnTotalRecordCount || call.q.get('$count') === 'true'
  if (counted) body['@odata.count'] = Math.min(total, MAX_PAGE_SIZE)
  Object.assign(body, collectionAnnotations(call, total, counted))
  // "On the final page, the morerecords and fetchxmlpagingcookie annotations aren't included." No cookie either
  // when the query is ordered by a link-entity's column ("Queries that don't support paging cookies").
  const linkOrdered = ordersOf(query.root).some((o) => o.node !== query.root)
  if (more && pageTuples.length && !linkOrdered && annotate('Microsoft.Dynamics.CRM.fetchxmlpagingcookie')) body['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'] = pagingCookie(query, page, pageTuples[0]!, pageTuples[pageTuples.length - 1]!)
  if (more && annotate('Microsoft.Dynamics.CRM.morerecords')) body['@Microsoft.Dynamics.CRM.morerecords'] = true
  body.value = rows.slice(start, end)
  return odataJson(200, body, appliedPreferences(call.prefer.annotations))
}

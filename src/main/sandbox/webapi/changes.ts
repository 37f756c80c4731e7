import { dv } from '../errors'
import { appliedPreferences } from './collection'
import { formatRow } from './format'
import { odataJson, type SandboxResponse } from './http'
import { linkWith, queryWithout } from './paging'
import { contextFragment, parseSelect } from './query'
import type { Call } from './routes'
import type { Row } from './seedData'
import type { Table } from './schema'

/**
 * Change tracking ("Use change tracking to synchronize data with external systems"): `Prefer: odata.track-changes`
 * answers with every row and an `@odata.deltaLink`; that link answers with the rows created or updated since, the
 * ids deleted since (`$deletedEntity`), and a new delta link. `$count` on a delta link counts the changes.
 */
const two = (n: number) => String(n).padStart(2, '0')

/** `919042!08/22/2017 08:10:44`, escaped as Dataverse escapes it (lower-case, `!` included). */
export function deltaToken(version: number, at: Date): string {
  const stamp = `${two(at.getUTCMonth() + 1)}/${two(at.getUTCDate())}/${at.getUTCFullYear()} ${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}`
  return encodeURIComponent(`${version}!${stamp}`).replace(/!/g, '%21').replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())
}

function versionOf(token: string): number {
  const m = /^(\d+)!/.exec(token)
  if (!m) throw dv.badRequest('The $deltatoken is not valid: use the @odata.deltaLink the server returned, unchanged.')
  return Number(m[1])
}

export function handleChanges(call: Call, table: Table, source: Row[], linkBase: string, countOnly = false): SandboxResponse {
  if (!table.changeTracking) throw dv.badRequest(`Change tracking is not enabled for the '${table.logicalName}' table: its ChangeTrackingEnabled is false.`)
  for (const option of ['$filter', '$orderby', '$expand', '$top', '$apply']) if (call.q.has(option)) throw dv.trackChangesOption(option)
  const org = call.ctx.org
  const token = call.q.get('$deltatoken')
  const since = token === null ? null : versionOf(token)
  const deleted = since === null ? [] : org.changesSince(table, since).deleted
  const rows = since === null ? source : source.filter((r) => Number(r.versionnumber) > since)
  if (countOnly) return { status: 200, headers: { 'odata-version': '4.0', 'content-type': 'text/plain' }, body: String(rows.length + deleted.length) }
  const select = parseSelect(call.q.get('$select'), table)
  const options = { select, expand: [], annotate: call.prefer.annotate, base: call.base, nested: false, pageSize: null }
  const link = linkWith(linkBase, queryWithout(call.req.url.search, '$deltatoken', '$skiptoken'), `$deltatoken=${deltaToken(org.currentVersion, new Date())}`)
  const body: Record<string, unknown> = {
    '@odata.context': `${call.base}/$metadata#${contextFragment(table, select, [])}${since === null ? '' : '/$delta'}`,
    '@odata.deltaLink': link,
    value: [
      ...rows.map((r) => formatRow(org, table, r, options)),
      ...deleted.map((id) => ({ '@odata.context': `${call.base}/$metadata#${table.entitySet}/$deletedEntity`, id, reason: 'deleted' }))
    ]
  }
  return odataJson(200, body, appliedPreferences(call.prefer.trackChanges && 'odata.track-changes', call.prefer.annotations))
}

import { dv } from '../errors'
import { appliedPreferences, countRows, listRows } from './collection'
import { etagOf, formatRow } from './format'
import { empty, ODATA_JSON, ODATA_VERSION, odataJson, safeDecode, type SandboxResponse } from './http'
import { parseKey, type RecordKey } from './keys'
import { contextFragment, hasNested, parseExpand, parseSelect } from './query'
import { readBody } from './body'
import { failure } from './failures'
import { handleFetchXml } from './fetchxml'
import { handleBound } from './operations'
import { handleProperty, handleReference } from './references'
import type { Call } from './routes'
import type { Row } from './seedData'
import { column, lookupByNavigation, lookupTargetOf, manyToManyOf, type Table } from './schema'

type Segment = { name: string; args: string | null; raw: string }

export function entityUrl(call: Call, table: Table, row: Row): string {
  return `${call.base}/${table.entitySet}(${String(row[table.primaryId])})`
}

/** The record a key in the URL names, or undefined when there is none. */
export function findRecord(call: Call, table: Table, key: RecordKey): Row | undefined {
  return 'id' in key ? call.ctx.org.find(table, key.id) : call.ctx.org.findByAlternateKey(table, key.alternate)
}

export function getRecord(call: Call, table: Table, key: RecordKey): Row {
  const row = findRecord(call, table, key)
  if (!row) throw 'id' in key ? dv.notFound(table.logicalName, key.id) : dv.notFoundByKey(table.logicalName)
  return row
}

/** activitypointer and intersect tables are read through the Web API, never written (their rows come from other writes). */
function checkWritable(table: Table, method: string): void {
  if (!table.view && !table.intersect) return
  const message = method === 'POST' ? 'Create' : method === 'PATCH' || method === 'PUT' ? 'Update' : method === 'DELETE' ? 'Delete' : null
  if (message) throw failure.messageNotSupported(message, table.logicalName)
}

/** Everything under an entity set: the collection, one record, its properties, its related records and references. */
export function handleRecords(call: Call, table: Table, segments: Segment[]): SandboxResponse {
  const { method } = call
  const [set, second, third, fourth] = segments as [Segment, Segment | undefined, Segment | undefined, Segment | undefined]
  if (set.args === null) {
    if (second?.name === '$count' && !third) {
      if (method !== 'GET') throw dv.methodNotAllowed(method)
      return countRows(call, table, call.ctx.org.rows(table))
    }
    if (second) throw dv.noResource(safeDecode(second.raw))
    if (method === 'GET') return call.q.has('fetchXml') ? handleFetchXml(call, table) : listRows(call, table, call.ctx.org.rows(table), `${call.base}/${table.entitySet}`)
    if (method === 'POST') {
      checkWritable(table, method)
      return create(call, table, readBody(call))
    }
    throw dv.methodNotAllowed(method)
  }
  const key = parseKey(safeDecode(set.args), table, (n) => call.q.get(n))
  if (!second) {
    checkWritable(table, method)
    switch (method) {
      case 'GET':
        return retrieve(call, table, getRecord(call, table, key))
      case 'PATCH':
        return upsert(call, table, key, readBody(call))
      case 'DELETE': {
        const row = getRecord(call, table, key)
        checkIfMatch(call, row)
        call.ctx.org.delete(table, String(row[table.primaryId]))
        return empty(204, ODATA_VERSION)
      }
      default:
        throw dv.methodNotAllowed(method)
    }
  }
  const row = getRecord(call, table, key)
  if (second.name.startsWith('Microsoft.Dynamics.CRM.')) return handleBound(call, table, row, second, segments.slice(2))!
  const collection = table.collections.find((c) => c.name === second.name)
  if (collection) {
    const child = call.ctx.org.table(collection.table)
    if (third?.name === '$ref' || fourth?.name === '$ref' || second.args !== null) return handleReference(call, table, row, segments.slice(1))
    const related = call.ctx.org.related(table, row, collection)
    const link = `${entityUrl(call, table, row)}/${collection.name}`
    if (third?.name === '$count' && !fourth) {
      if (method !== 'GET') throw dv.methodNotAllowed(method)
      return countRows(call, child, related)
    }
    if (third) throw dv.noResource(safeDecode(third.raw))
    if (method === 'GET') return listRows(call, child, related, link)
    if (method === 'POST') {
      checkWritable(child, method)
      const via = column(child, collection.via)!
      const body = readBody(call)
      return create(call, child, body, (created) => call.ctx.org.setLookup(created, via, table, String(row[table.primaryId])))
    }
    throw dv.methodNotAllowed(method)
  }
  const many = manyToManyOf(table, second.name)
  if (many) {
    if (third?.name === '$ref' || fourth?.name === '$ref' || second.args !== null) return handleReference(call, table, row, segments.slice(1))
    const other = call.ctx.org.table(many.table)
    const related = call.ctx.org.relatedMany(row, table, many)
    if (third?.name === '$count' && !fourth) {
      if (method !== 'GET') throw dv.methodNotAllowed(method)
      return countRows(call, other, related)
    }
    if (third) throw dv.noResource(safeDecode(third.raw))
    if (method === 'GET') return listRows(call, other, related, `${entityUrl(call, table, row)}/${many.name}`)
    if (method === 'POST') return create(call, other, readBody(call), (created) => call.ctx.org.associate(row, table, many, created))
    throw dv.methodNotAllowed(method)
  }
  const single = lookupByNavigation(table, second.name)
  if (single) {
    if (third?.name === '$ref') return handleReference(call, table, row, segments.slice(1))
    if (third) throw dv.noResource(safeDecode(third.raw))
    if (method !== 'GET') throw dv.methodNotAllowed(method)
    const target = lookupTargetOf(row, single.column)
    const related = target === single.target ? call.ctx.org.find(single.target, String(row[single.column.name])) : undefined
    if (!related) return empty(204, ODATA_VERSION)
    return retrieve(call, single.target, related)
  }
  if (column(table, second.name)) {
    if (method !== 'GET') checkWritable(table, method)
    return handleProperty(call, table, row, second.name, third)
  }
  const bound = handleBound(call, table, row, second, segments.slice(2))
  if (bound) return bound
  throw dv.noResource(safeDecode(second.raw))
}

function checkIfMatch(call: Call, row: Row | undefined): void {
  const ifMatch = call.req.headers['if-match']
  if (ifMatch === undefined) return
  if (ifMatch.trim() === '*') {
    if (!row) throw dv.notFound('record', '(If-Match: *)')
    return
  }
  if (!row || !ifMatch.split(',').map((s) => s.trim()).includes(etagOf(row))) throw dv.precondition()
}

function retrieve(call: Call, table: Table, row: Row): SandboxResponse {
  const select = parseSelect(call.q.get('$select'), table)
  const expand = parseExpand(call.q.get('$expand'), table, call.env)
  const { prefer } = call
  const ifNoneMatch = call.req.headers['if-none-match']
  // "If the query includes $expand it will never return 304", nor when annotations are requested (Perform conditional operations).
  if (ifNoneMatch && !expand.length && !prefer.annotations && ifNoneMatch.split(',').map((s) => s.trim()).includes(etagOf(row))) {
    return { status: 304, headers: { ...ODATA_VERSION, 'content-type': ODATA_JSON, etag: etagOf(row) }, body: '' }
  }
  const options = { select, expand, annotate: prefer.annotate, base: call.base, nested: hasNested(expand), pageSize: prefer.maxPageSize }
  const body = { '@odata.context': `${call.base}/$metadata#${contextFragment(table, select, expand)}/$entity`, ...formatRow(call.ctx.org, table, row, options) }
  return odataJson(200, body, { etag: etagOf(row), ...appliedPreferences(prefer.annotations) })
}

function representation(call: Call, table: Table, row: Row, status: number, expandAllowed: boolean): SandboxResponse {
  const select = parseSelect(call.q.get('$select'), table)
  // "The $expand query option will be ignored if used" on update (Update with data returned).
  const expand = expandAllowed ? parseExpand(call.q.get('$expand'), table, call.env) : []
  const options = { select, expand, annotate: call.prefer.annotate, base: call.base, nested: hasNested(expand), pageSize: null }
  const body = { '@odata.context': `${call.base}/$metadata#${contextFragment(table, select, expand)}/$entity`, ...formatRow(call.ctx.org, table, row, options) }
  return odataJson(status, body, { etag: etagOf(row), ...appliedPreferences('return=representation', call.prefer.annotations) })
}

function create(call: Call, table: Table, body: Record<string, unknown>, link?: (row: Row) => void): SandboxResponse {
  const org = call.ctx.org
  const row = org.atomically(() => {
    const created = org.insert(table, body, call.write)
    link?.(created)
    return created
  })
  // "When an entity is created in this way the OData-EntityId header containing the URI to the created record is not returned." (Create with data returned)
  if (call.prefer.representation) return representation(call, table, row, 201, true)
  return empty(204, { ...ODATA_VERSION, 'odata-entityid': entityUrl(call, table, row) })
}

/** PATCH is an upsert unless If-Match (update only) or If-None-Match: * (create only) says otherwise. */
function upsert(call: Call, table: Table, key: RecordKey, body: Record<string, unknown>): SandboxResponse {
  const existing = findRecord(call, table, key)
  checkIfMatch(call, existing)
  if (call.req.headers['if-none-match']?.trim() === '*' && existing) throw dv.alreadyExists()
  const org = call.ctx.org
  const row = existing
    ? org.update(table, existing, body, call.write)
    : org.create(table, { ...body, ...('id' in key ? { [table.primaryId]: key.id } : key.alternate) }, call.write)
  if (call.prefer.representation) return representation(call, table, row, existing ? 200 : 201, false)
  return empty(204, { ...ODATA_VERSION, 'odata-entityid': entityUrl(call, table, row) })
}

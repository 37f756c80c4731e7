import { dv } from '../errors'
import { readBody, readJson } from './body'
import { empty, ODATA_VERSION, odataJson, safeDecode, type SandboxResponse } from './http'
import { parseKey } from './keys'
import { entityUrl, getRecord } from './records'
import { resolveReference, type Call } from './routes'
import type { Row } from './seedData'
import { column, lookupByNavigation, lookupTargetOf, manyToManyOf, type ManyToMany, type Table } from './schema'

type Segment = { name: string; args: string | null; raw: string }

/** The record an `@odata.id` body (or the `$id` query option) names. */
function referenced(call: Call, reference: unknown): { table: Table; row: Row } {
  if (typeof reference !== 'string' || !reference) throw dv.badRequest('Send the related record as {"@odata.id": "<entityset>(<id>)"}.')
  return resolveReference(reference, call.ctx)
}

/**
 * Associate and disassociate through `$ref` ("Associate and disassociate table rows using the Web API"): POST/DELETE
 * on a collection-valued navigation property, PUT/DELETE on a single-valued one, and GET to read the references.
 */
export function handleReference(call: Call, table: Table, row: Row, segments: Segment[]): SandboxResponse {
  const org = call.ctx.org
  const [nav, ref] = segments as [Segment, Segment | undefined]
  const { method } = call
  const collection = table.collections.find((c) => c.name === nav.name)
  if (collection) {
    const child = org.table(collection.table)
    const via = column(child, collection.via)!
    if (ref?.name !== '$ref') throw dv.notSupported(`Addressing a related record by key ('${safeDecode(nav.raw)}')`)
    const detach = (target: Row) => {
      const points = target[via.name] === row[table.primaryId] && lookupTargetOf(target, via) === table
      if (!points) throw dv.badRequest(`The ${child.logicalName} record is not related to this ${table.logicalName} through '${collection.name}'.`)
      org.setLookup(target, via, null, null)
      org.touch(child, target, call.write)
      return empty(204, ODATA_VERSION)
    }
    if (nav.args !== null) {
      if (method !== 'DELETE') throw dv.methodNotAllowed(method)
      return detach(getRecord(call, child, parseKey(safeDecode(nav.args), child)))
    }
    switch (method) {
      case 'GET': {
        const value = org.related(table, row, collection).map((r) => ({ '@odata.id': entityUrl(call, child, r) }))
        return odataJson(200, { '@odata.context': `${call.base}/$metadata#Collection($ref)`, value })
      }
      case 'POST': {
        const target = referenced(call, readBody(call)['@odata.id'])
        if (target.table !== child) throw dv.badRequest(`'${collection.name}' relates ${child.logicalName} records, not ${target.table.logicalName}.`)
        org.setLookup(target.row, via, table, String(row[table.primaryId]))
        org.touch(child, target.row, call.write)
        return empty(204, ODATA_VERSION)
      }
      case 'DELETE': {
        const id = call.q.get('$id')
        if (!id) throw dv.badRequest(`Name the record to disassociate: DELETE …/${collection.name}/$ref?$id=<url of the ${child.logicalName}>, or …/${collection.name}(<id>)/$ref.`)
        const target = referenced(call, id)
        if (target.table !== child) throw dv.badRequest(`'${collection.name}' relates ${child.logicalName} records, not ${target.table.logicalName}.`)
        return detach(target.row)
      }
      default:
        throw dv.methodNotAllowed(method)
    }
  }
  const many = manyToManyOf(table, nav.name)
  if (many) {
    if (ref?.name !== '$ref') throw dv.notSupported(`Addressing a related record by key ('${safeDecode(nav.raw)}')`)
    return manyToManyReference(call, table, row, many, nav)
  }
  const single = lookupByNavigation(table, nav.name)!
  switch (method) {
    case 'GET': {
      if (lookupTargetOf(row, single.column) !== single.target) return empty(204, ODATA_VERSION)
      return odataJson(200, { '@odata.context': `${call.base}/$metadata#$ref`, '@odata.id': `${call.base}/${single.target.entitySet}(${String(row[single.column.name])})` })
    }
    case 'PUT': {
      const target = referenced(call, readBody(call)['@odata.id'])
      if (target.table !== single.target) throw dv.badRequest(`'${nav.name}' must reference a ${single.target.logicalName} record (got a ${target.table.logicalName}).`)
      org.setLookup(row, single.column, single.target, String(target.row[single.target.primaryId]))
      org.touch(table, row, call.write)
      return empty(204, ODATA_VERSION)
    }
    case 'DELETE':
      org.setLookup(row, single.column, null, null)
      org.touch(table, row, call.write)
      return empty(204, ODATA_VERSION)
    default:
      throw dv.methodNotAllowed(method)
  }
}

/**
 * `$ref` on a many-to-many relationship: POST `{"@odata.id": …}` associates (one intersect row), DELETE
 * `…(<id>)/$ref` or `…/$ref?$id=…` disassociates, GET lists the references.
 */
function manyToManyReference(call: Call, table: Table, row: Row, many: ManyToMany, nav: Segment): SandboxResponse {
  const org = call.ctx.org
  const other = org.table(many.table)
  const check = (target: { table: Table; row: Row }) => {
    if (target.table !== other) throw dv.badRequest(`'${many.name}' relates ${other.logicalName} records, not ${target.table.logicalName}.`)
    return target.row
  }
  if (nav.args !== null) {
    if (call.method !== 'DELETE') throw dv.methodNotAllowed(call.method)
    org.disassociate(row, table, many, getRecord(call, other, parseKey(safeDecode(nav.args), other)))
    return empty(204, ODATA_VERSION)
  }
  switch (call.method) {
    case 'GET': {
      const value = org.relatedMany(row, table, many).map((r) => ({ '@odata.id': entityUrl(call, other, r) }))
      return odataJson(200, { '@odata.context': `${call.base}/$metadata#Collection($ref)`, value })
    }
    case 'POST':
      org.associate(row, table, many, check(referenced(call, readBody(call)['@odata.id'])))
      return empty(204, ODATA_VERSION)
    case 'DELETE': {
      const id = call.q.get('$id')
      if (!id) throw dv.badRequest(`Name the record to disassociate: DELETE …/${many.name}/$ref?$id=<url of the ${other.logicalName}>, or …/${many.name}(<id>)/$ref.`)
      // Removing an association that does not exist changes nothing, and is not an error.
      org.disassociate(row, table, many, check(referenced(call, id)))
      return empty(204, ODATA_VERSION)
    }
    default:
      throw dv.methodNotAllowed(call.method)
  }
}

/** One column of a record: GET (and `/$value`), PUT `{"value": …}` to set it, DELETE to clear it ("Update and delete table rows"). */
export function handleProperty(call: Call, table: Table, row: Row, name: string, next: Segment | undefined): SandboxResponse {
  const org = call.ctx.org
  const value = row[name] ?? null
  if (next && next.name !== '$value') throw dv.noResource(safeDecode(next.raw))
  switch (call.method) {
    case 'GET':
      if (value === null) return empty(204, ODATA_VERSION)
      if (next) return { status: 200, headers: { ...ODATA_VERSION, 'content-type': 'text/plain' }, body: String(value) }
      return odataJson(200, { '@odata.context': `${call.base}/$metadata#${table.entitySet}(${String(row[table.primaryId])})/${name}`, value })
    case 'PUT': {
      if (next) throw dv.methodNotAllowed(call.method)
      const body = readJson(call)
      if (!body || typeof body !== 'object' || !('value' in body)) throw dv.badRequest(`Send the new value as {"value": …}.`)
      org.update(table, row, { [name]: (body as { value: unknown }).value }, call.write)
      return empty(204, ODATA_VERSION)
    }
    case 'DELETE':
      if (next) throw dv.methodNotAllowed(call.method)
      org.update(table, row, { [name]: null }, call.write)
      return empty(204, ODATA_VERSION)
    default:
      throw dv.methodNotAllowed(call.method)
  }
}

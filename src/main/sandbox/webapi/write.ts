import { DataverseFailure, dv } from '../errors'
import type { SandboxOrg } from './org'
import type { Row } from './seedData'
import { lookupByNavigation, manyToManyOf, type Column, type Table } from './schema'

export interface WriteContext {
  /** A record reference from `@odata.bind` or `@odata.id`: `/accounts(<id>)`, `accounts(accountnumber='…')` or a full URL. */
  resolve(reference: string): { table: Table; row: Row }
  /** The caller's systemuserid (the impersonated user's, when impersonating): owner and created-by of new rows. */
  userId: string
  /** When impersonating, the user who actually called: created-by and modified-by "on behalf" of `userId`. */
  delegateId?: string | null
}

type After = (row: Row) => void

/**
 * Apply a JSON body to a row (create or update) as Dataverse validates it: known writable columns with values of the
 * right type, `nav@odata.bind` for lookups (and for collections on create), a navigation property set to `null` to
 * disassociate, and deep insert (an object for a lookup, an array for a collection). Returns what must run once the
 * row has its id (children pointing back at it).
 */
export function applyBody(org: SandboxOrg, table: Table, row: Row, body: Record<string, unknown>, ctx: WriteContext): After[] {
  const after: After[] = []
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@odata.') || key.startsWith('@')) continue
    if (key.endsWith('@odata.bind')) {
      bind(org, table, row, key.slice(0, -'@odata.bind'.length), value, ctx, after)
      continue
    }
    if (key.includes('@')) continue
    const single = lookupByNavigation(table, key)
    if (single) {
      if (value === null) org.setLookup(row, single.column, null, null)
      else if (typeof value === 'object' && !Array.isArray(value)) {
        const related = org.insert(single.target, value as Record<string, unknown>, ctx)
        org.setLookup(row, single.column, single.target, String(related[single.target.primaryId]))
      } else throw dv.badRequest(`The value of the navigation property '${key}' must be an object (deep insert) or null.`)
      continue
    }
    const many = manyToManyOf(table, key)
    if (many) {
      if (!Array.isArray(value)) throw dv.badRequest(`The value of the collection-valued navigation property '${key}' must be an array of records (deep insert).`)
      const other = org.table(many.table)
      after.push((parent) => {
        for (const item of value) {
          if (!item || typeof item !== 'object' || Array.isArray(item)) throw dv.badRequest(`Each item of '${key}' must be a record object.`)
          org.associate(parent, table, many, org.insert(other, item as Record<string, unknown>, ctx))
        }
      })
      continue
    }
    const collection = table.collections.find((c) => c.name === key)
    if (collection) {
      if (!Array.isArray(value)) throw dv.badRequest(`The value of the collection-valued navigation property '${key}' must be an array of records (deep insert).`)
      const child = org.table(collection.table)
      const via = child.columns.find((c) => c.name === collection.via)!
      after.push((parent) => {
        for (const item of value) {
          if (!item || typeof item !== 'object' || Array.isArray(item)) throw dv.badRequest(`Each item of '${key}' must be a record object.`)
          const created = org.insert(child, item as Record<string, unknown>, ctx)
          org.setLookup(created, via, table, String(parent[table.primaryId]))
        }
      })
      continue
    }
    const col = table.columns.find((c) => c.name === key)
    if (!col) throw dv.invalidBodyProperty(key, table.logicalName)
    if (col.type === 'Lookup') throw new DataverseFailure(400, '0x0', 'CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.')
    if (col.name === table.primaryId) {
      if (typeof value === 'string' && value.toLowerCase() === row[table.primaryId]) continue
      if (row[table.primaryId] === undefined) {
        row[col.name] = coerce(table, col, value)
        continue
      }
    }
    if (col.readOnly || col.name === table.primaryId) throw dv.badRequest(`The property '${key}' is read-only and cannot be set.`)
    row[col.name] = coerce(table, col, value)
  }
  if (table.logicalName === 'contact' || table.logicalName === 'systemuser' || table.logicalName === 'lead') {
    row.fullname = [row.firstname, row.lastname].filter((p) => typeof p === 'string' && p).join(' ') || null
  }
  return after
}

function bind(org: SandboxOrg, table: Table, row: Row, nav: string, value: unknown, ctx: WriteContext, after: After[]): void {
  const single = lookupByNavigation(table, nav)
  if (single) {
    if (value === null) {
      org.setLookup(row, single.column, null, null)
      return
    }
    if (typeof value !== 'string') throw dv.badRequest(`The value of '${nav}@odata.bind' must be a URL like '/${single.target.entitySet}(00000000-0000-0000-0000-000000000000)'.`)
    const target = ctx.resolve(value)
    if (target.table !== single.target) throw dv.badRequest(`'${nav}@odata.bind' must reference a ${single.target.logicalName} record (got a ${target.table.logicalName}).`)
    org.setLookup(row, single.column, single.target, String(target.row[single.target.primaryId]))
    return
  }
  const many = manyToManyOf(table, nav)
  if (many && Array.isArray(value)) {
    const other = org.table(many.table)
    const targets = value.map((ref) => {
      if (typeof ref !== 'string') throw dv.badRequest(`Each value of '${nav}@odata.bind' must be a record URL.`)
      const target = ctx.resolve(ref)
      if (target.table !== other) throw dv.badRequest(`'${nav}@odata.bind' must reference ${other.logicalName} records (got a ${target.table.logicalName}).`)
      return target.row
    })
    after.push((parent) => {
      for (const r of targets) org.associate(parent, table, many, r)
    })
    return
  }
  const collection = table.collections.find((c) => c.name === nav)
  if (collection && Array.isArray(value)) {
    const child = org.table(collection.table)
    const via = child.columns.find((c) => c.name === collection.via)!
    const targets = value.map((ref) => {
      if (typeof ref !== 'string') throw dv.badRequest(`Each value of '${nav}@odata.bind' must be a record URL.`)
      const target = ctx.resolve(ref)
      if (target.table !== child) throw dv.badRequest(`'${nav}@odata.bind' must reference ${child.logicalName} records (got a ${target.table.logicalName}).`)
      return target.row
    })
    after.push((parent) => {
      for (const r of targets) {
        org.setLookup(r, via, table, String(parent[table.primaryId]))
        org.touch(child, r, ctx)
      }
    })
    return
  }
  throw dv.undeclaredBind(nav, table.entitySet)
}

function coerce(table: Table, col: Column, value: unknown): unknown {
  if (value === null) return null
  const name = col.name
  const fail = (expected: string): never => {
    throw dv.badRequest(`Cannot convert the literal '${typeof value === 'string' ? value : JSON.stringify(value)}' to the expected type '${expected}'.`)
  }
  switch (col.type) {
    case 'String':
    case 'Memo':
      if (typeof value !== 'string') return fail('Edm.String')
      if (col.maxLength && value.length > col.maxLength) throw dv.maxLength(name, table.logicalName, col.maxLength)
      return value
    case 'Guid':
      return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? value.toLowerCase() : fail('Edm.Guid')
    case 'Int32':
    case 'Int64':
      return typeof value === 'number' && Number.isInteger(value) ? value : fail(col.type === 'Int32' ? 'Edm.Int32' : 'Edm.Int64')
    case 'Picklist':
    case 'State':
    case 'Status':
      if (typeof value !== 'number' || !Number.isInteger(value)) return fail('Edm.Int32')
      if (col.options && !(value in col.options)) throw dv.badRequest(`A validation error occurred. The value ${value} of '${name}' on record of type '${table.logicalName}' is outside the valid range. Accepted Values: ${Object.keys(col.options).join(',')}`)
      return value
    case 'Money':
    case 'Decimal':
      return typeof value === 'number' && Number.isFinite(value) ? value : fail('Edm.Decimal')
    case 'Boolean':
      return typeof value === 'boolean' ? value : fail('Edm.Boolean')
    case 'DateTimeOffset':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString().replace(/\.\d+Z$/, 'Z') : fail('Edm.DateTimeOffset')
    case 'Date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : fail('Edm.Date')
    default:
      return value
  }
}

import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../../core/store/files'
import { dv } from '../errors'
import type { Seed } from '../seed'
import { seedRows, type Row, type Tables } from './seedData'
import { column, lookupByNavigation, tableByName, tableBySet, TABLES, type Table } from './schema'

const DATA_VERSION = 1

/**
 * The Sandbox org's rows, in memory, saved to `<dir>/org-data.json` a moment after each change
 * so created records survive a restart. `reset()` goes back to the seed.
 */
export class SandboxOrg {
  private tables: Tables
  private version: number
  private saveTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly seed: Seed,
    private readonly dir: string | null
  ) {
    const loaded = dir ? this.load() : null
    this.tables = loaded ?? seedRows(seed)
    this.version = Math.max(0, ...Object.values(this.tables).flatMap((rows) => rows.map((r) => Number(r.versionnumber) || 0)))
  }

  private load(): Tables | null {
    const file = join(this.dir!, 'org-data.json')
    if (!existsSync(file)) return null
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { dataVersion?: number; tables?: Tables }
      if (data.dataVersion !== DATA_VERSION || !data.tables || TABLES.some((t) => !Array.isArray(data.tables![t.logicalName]))) return null
      return data.tables
    } catch {
      return null
    }
  }

  private scheduleSave(): void {
    if (!this.dir || this.saveTimer) return
    this.saveTimer = setTimeout(() => void this.flush(), 300)
    this.saveTimer.unref?.()
  }

  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = null
    if (this.dir) await writeFileAtomic(join(this.dir, 'org-data.json'), JSON.stringify({ dataVersion: DATA_VERSION, tables: this.tables }))
  }

  reset(): void {
    this.tables = seedRows(this.seed)
    this.scheduleSave()
  }

  rows(table: Table): Row[] {
    return this.tables[table.logicalName]!
  }

  find(table: Table, id: string): Row | undefined {
    const key = id.toLowerCase()
    return this.rows(table).find((r) => r[table.primaryId] === key)
  }

  get(table: Table, id: string): Row {
    const row = this.find(table, id)
    if (!row) throw dv.notFound(table.logicalName, id)
    return row
  }

  /** A snapshot for change sets: all-or-nothing. */
  snapshot(): Tables {
    return structuredClone(this.tables)
  }

  restore(snapshot: Tables): void {
    this.tables = snapshot
  }

  systemUserFor(identity: { oid?: string; appid?: string; app: boolean }): Row | undefined {
    const users = this.tables.systemuser!
    if (identity.app) return users.find((u) => u.applicationid === identity.appid && !u.isdisabled)
    return users.find((u) => u.azureactivedirectoryobjectid === identity.oid && !u.isdisabled)
  }

  /**
   * Validate and apply a JSON body to a row (create or update): known, writable columns only, typed values,
   * `nav@odata.bind` for lookups, derived names kept in step.
   */
  apply(table: Table, row: Row, body: Record<string, unknown>, resolveBind: (path: string) => { table: Table; id: string }): void {
    for (const [key, value] of Object.entries(body)) {
      if (key.startsWith('@odata.')) continue
      if (key.endsWith('@odata.bind')) {
        const nav = key.slice(0, -'@odata.bind'.length)
        const lookup = lookupByNavigation(table, nav)
        if (!lookup) throw dv.badRequest(`An undeclared property '${nav}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`)
        if (value === null) {
          row[lookup.name] = null
          continue
        }
        if (typeof value !== 'string') throw dv.badRequest(`The value of '${key}' must be a URL like '/${tableByName.get(lookup.target!)!.entitySet}(00000000-0000-0000-0000-000000000000)'.`)
        const target = resolveBind(value)
        if (target.table.logicalName !== lookup.target) throw dv.badRequest(`'${key}' must reference a ${lookup.target} (got a ${target.table.logicalName}).`)
        this.get(target.table, target.id)
        row[lookup.name] = target.id
        continue
      }
      const col = column(table, key)
      if (!col || col.type === 'Lookup') throw dv.unknownBodyProperty(key, table.logicalName)
      if (col.readOnly || col.name === table.primaryId) {
        if (col.name === table.primaryId && typeof value === 'string' && value.toLowerCase() === row[table.primaryId]) continue
        if (col.name === table.primaryId && row[table.primaryId] === undefined && typeof value === 'string') {
          row[col.name] = value.toLowerCase()
          continue
        }
        throw dv.badRequest(`The property '${key}' is read-only and cannot be set.`)
      }
      row[col.name] = coerce(col.name, col.type, value, col.maxLength, col.options)
    }
    if (table.logicalName === 'contact' || table.logicalName === 'systemuser') {
      row.fullname = [row.firstname, row.lastname].filter((p) => typeof p === 'string' && p).join(' ') || null
    }
  }

  create(table: Table, body: Record<string, unknown>, resolveBind: (path: string) => { table: Table; id: string }, ownerId: string | null): Row {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const row: Row = {}
    for (const col of table.columns) row[col.name] = null
    delete row[table.primaryId]
    if (column(table, 'statecode')) Object.assign(row, { statecode: 0, statuscode: 1 })
    if (column(table, '_ownerid_value')) row._ownerid_value = ownerId
    this.apply(table, row, body, resolveBind)
    const id = typeof row[table.primaryId] === 'string' ? (row[table.primaryId] as string) : randomUUID()
    if (this.find(table, id)) throw dv.alreadyExists()
    row[table.primaryId] = id
    Object.assign(row, { createdon: now, modifiedon: now, versionnumber: ++this.version })
    this.rows(table).push(row)
    this.scheduleSave()
    return row
  }

  update(table: Table, row: Row, body: Record<string, unknown>, resolveBind: (path: string) => { table: Table; id: string }): Row {
    const draft = { ...row }
    this.apply(table, draft, body, resolveBind)
    Object.assign(row, draft, { modifiedon: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), versionnumber: ++this.version })
    this.scheduleSave()
    return row
  }

  delete(table: Table, id: string): void {
    const rows = this.rows(table)
    const index = rows.findIndex((r) => r[table.primaryId] === id.toLowerCase())
    if (index < 0) throw dv.notFound(table.logicalName, id)
    rows.splice(index, 1)
    // Lookups that pointed at the deleted row are cleared, as Dataverse's default (remove link) relationship does.
    for (const other of TABLES) {
      for (const col of other.columns) {
        if (col.type !== 'Lookup' || col.target !== table.logicalName) continue
        for (const r of this.rows(other)) if (r[col.name] === id.toLowerCase()) r[col.name] = null
      }
    }
    this.scheduleSave()
  }

  tableForSet(name: string): Table | undefined {
    return tableBySet.get(name)
  }
}

function coerce(name: string, type: string, value: unknown, maxLength?: number, options?: Record<number, string>): unknown {
  if (value === null) return null
  const fail = (expected: string): never => {
    throw dv.badRequest(`Cannot convert the literal '${typeof value === 'string' ? value : JSON.stringify(value)}' to the expected type '${expected}' for property '${name}'.`)
  }
  switch (type) {
    case 'String':
    case 'Memo':
      if (typeof value !== 'string') return fail('Edm.String')
      if (maxLength && value.length > maxLength) throw dv.badRequest(`A validation error occurred. The length of the '${name}' attribute exceeded the maximum allowed length of '${maxLength}'.`)
      return value
    case 'Guid':
      return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? value.toLowerCase() : fail('Edm.Guid')
    case 'Int32':
    case 'Int64':
      return typeof value === 'number' && Number.isInteger(value) ? value : fail(type === 'Int32' ? 'Edm.Int32' : 'Edm.Int64')
    case 'Picklist':
    case 'State':
    case 'Status':
      if (typeof value !== 'number' || !Number.isInteger(value)) return fail('Edm.Int32')
      if (options && !(value in options)) throw dv.badRequest(`A validation error occurred. The value ${value} of '${name}' on record of type is outside the valid range. Accepted Values: ${Object.keys(options).join(',')}`)
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

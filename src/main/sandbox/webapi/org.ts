import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../../core/store/files'
import { dv } from '../errors'
import type { Seed } from '../seed'
import { applyBody, type WriteContext } from './write'
import { seedRows, USD_ID, type Row, type Tables } from './seedData'
import { column, lookupTypeField, tableByName, TABLES, type CollectionNavigation, type Column, type Table } from './schema'

const DATA_VERSION = 2

interface Deleted {
  id: string
  version: number
}

interface Data {
  tables: Tables
  deleted: Record<string, Deleted[]>
}

/**
 * The Sandbox org's rows, in memory, saved to `<dir>/org-data.json` a moment after each change so created records
 * survive a restart. Deletions are remembered with their version for change tracking. `reset()` goes back to the seed.
 */
export class SandboxOrg {
  private data: Data
  private version: number
  private saveTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly seed: Seed,
    private readonly dir: string | null
  ) {
    this.data = (dir ? this.load() : null) ?? { tables: seedRows(seed), deleted: {} }
    this.version = Math.max(0, ...Object.values(this.data.tables).flatMap((rows) => rows.map((r) => Number(r.versionnumber) || 0)), ...Object.values(this.data.deleted).flat().map((d) => d.version))
  }

  private load(): Data | null {
    const file = join(this.dir!, 'org-data.json')
    if (!existsSync(file)) return null
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { dataVersion?: number; tables?: Tables; deleted?: Record<string, Deleted[]> }
      if (!data.tables || (data.dataVersion !== 1 && data.dataVersion !== DATA_VERSION)) return null
      return { tables: this.migrate(data.tables), deleted: data.deleted ?? {} }
    } catch {
      return null
    }
  }

  /** Data saved by an older Sandbox keeps its rows: new tables come from the seed, new columns start empty. */
  private migrate(tables: Tables): Tables {
    const fresh = seedRows(this.seed)
    for (const table of TABLES) {
      const rows = tables[table.logicalName]
      if (!Array.isArray(rows)) {
        tables[table.logicalName] = fresh[table.logicalName] ?? []
        continue
      }
      for (const row of rows) {
        for (const col of table.columns) if (!(col.name in row)) row[col.name] = null
        if (column(table, '_transactioncurrencyid_value') && row._transactioncurrencyid_value === null) row._transactioncurrencyid_value = USD_ID
        if (column(table, '_owninguser_value') && row._owninguser_value === null) row._owninguser_value = row._ownerid_value ?? null
      }
    }
    return tables
  }

  private scheduleSave(): void {
    if (!this.dir || this.saveTimer) return
    this.saveTimer = setTimeout(() => void this.flush(), 300)
    this.saveTimer.unref?.()
  }

  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = null
    if (this.dir) await writeFileAtomic(join(this.dir, 'org-data.json'), JSON.stringify({ dataVersion: DATA_VERSION, tables: this.data.tables, deleted: this.data.deleted }))
  }

  reset(): void {
    this.data = { tables: seedRows(this.seed), deleted: {} }
    this.scheduleSave()
  }

  /** The highest row version: change-tracking tokens are versions. */
  get currentVersion(): number {
    return this.version
  }

  nextVersion(): number {
    return ++this.version
  }

  table(logicalName: string): Table {
    return tableByName.get(logicalName)!
  }

  rows(table: Table): Row[] {
    return this.data.tables[table.logicalName]!
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

  /** The row an alternate key names (string values compare case-insensitively, as SQL Server's collation does). */
  findByAlternateKey(table: Table, values: Record<string, unknown>): Row | undefined {
    return this.rows(table).find((r) => Object.entries(values).every(([k, v]) => same(r[k], v)))
  }

  /** The rows of a one-to-many relationship: children whose lookup points at this row. */
  related(table: Table, row: Row, nav: CollectionNavigation): Row[] {
    const child = this.table(nav.table)
    const lookup = column(child, nav.via)!
    const id = row[table.primaryId]
    return this.rows(child).filter((r) => r[nav.via] === id && (lookup.targets!.length === 1 || r[lookupTypeField(lookup)] === table.logicalName))
  }

  /** Rows changed (created or updated) after `version`, and ids deleted after it. */
  changesSince(table: Table, version: number): { changed: Row[]; deleted: string[] } {
    return {
      changed: this.rows(table).filter((r) => Number(r.versionnumber) > version),
      deleted: (this.data.deleted[table.logicalName] ?? []).filter((d) => d.version > version).map((d) => d.id)
    }
  }

  /** A snapshot for change sets and deep inserts: all-or-nothing. */
  snapshot(): { data: Data; version: number } {
    return { data: structuredClone(this.data), version: this.version }
  }

  restore(snapshot: { data: Data; version: number }): void {
    this.data = snapshot.data
    this.version = snapshot.version
  }

  /** Run `work` as one transaction: every change it made is undone if it throws. */
  atomically<T>(work: () => T): T {
    const before = this.snapshot()
    try {
      return work()
    } catch (error) {
      this.restore(before)
      throw error
    }
  }

  systemUserFor(identity: { oid?: string; appid?: string; app: boolean }): Row | undefined {
    const users = this.data.tables.systemuser!
    if (identity.app) return users.find((u) => u.applicationid === identity.appid && !u.isdisabled)
    return users.find((u) => u.azureactivedirectoryobjectid === identity.oid && !u.isdisabled)
  }

  create(table: Table, body: Record<string, unknown>, ctx: WriteContext): Row {
    return this.atomically(() => this.insert(table, body, ctx))
  }

  /** Create without its own transaction (deep insert creates related rows inside the caller's). */
  insert(table: Table, body: Record<string, unknown>, ctx: WriteContext): Row {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const row: Row = {}
    for (const col of table.columns) row[col.name] = null
    delete row[table.primaryId]
    if (column(table, 'statecode')) Object.assign(row, defaultState(table))
    for (const name of ['_ownerid_value', '_owninguser_value', '_createdby_value', '_modifiedby_value']) if (column(table, name)) row[name] = ctx.userId
    if (column(table, '_transactioncurrencyid_value')) row._transactioncurrencyid_value = USD_ID
    const after = applyBody(this, table, row, body, ctx)
    const id = typeof row[table.primaryId] === 'string' ? (row[table.primaryId] as string) : randomUUID()
    if (this.find(table, id)) throw dv.alreadyExists()
    row[table.primaryId] = id
    if (column(table, '_owninguser_value')) row._owninguser_value = row._ownerid_value
    this.checkAlternateKeys(table, row)
    Object.assign(row, { createdon: now, modifiedon: now, versionnumber: this.nextVersion() })
    this.rows(table).push(row)
    for (const step of after) step(row)
    this.scheduleSave()
    return row
  }

  update(table: Table, row: Row, body: Record<string, unknown>, ctx: WriteContext): Row {
    return this.atomically(() => {
      const draft = { ...row }
      const after = applyBody(this, table, draft, body, ctx)
      if (column(table, '_owninguser_value')) draft._owninguser_value = draft._ownerid_value
      this.checkAlternateKeys(table, draft)
      this.touch(table, Object.assign(row, draft), ctx.userId)
      for (const step of after) step(row)
      this.scheduleSave()
      return row
    })
  }

  /** A change made outside a body (a single property, a `$ref`): new version and modifiedon. */
  touch(table: Table, row: Row, userId: string | null): void {
    row.modifiedon = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    row.versionnumber = this.nextVersion()
    if (userId && column(table, '_modifiedby_value')) row._modifiedby_value = userId
    this.scheduleSave()
  }

  /** Point a lookup at a row (or clear it), keeping which table a multi-table lookup points to. */
  setLookup(row: Row, col: Column, target: Table | null, id: string | null): void {
    row[col.name] = id
    if (col.targets!.length > 1) row[lookupTypeField(col)] = id === null ? null : target!.logicalName
  }

  delete(table: Table, id: string): void {
    const rows = this.rows(table)
    const index = rows.findIndex((r) => r[table.primaryId] === id.toLowerCase())
    if (index < 0) throw dv.notFound(table.logicalName, id)
    rows.splice(index, 1)
    ;(this.data.deleted[table.logicalName] ??= []).push({ id: id.toLowerCase(), version: this.nextVersion() })
    // Lookups that pointed at the deleted row are cleared, as Dataverse's default (remove link) relationship does.
    for (const other of TABLES) {
      for (const col of other.columns) {
        if (col.type !== 'Lookup' || !col.targets!.some((t) => t.table === table.logicalName)) continue
        for (const r of this.rows(other)) if (r[col.name] === id.toLowerCase()) this.setLookup(r, col, null, null)
      }
    }
    this.scheduleSave()
  }

  private checkAlternateKeys(table: Table, row: Row): void {
    for (const key of table.alternateKeys) {
      const values = Object.fromEntries(key.columns.map((c) => [c, row[c]]))
      if (Object.values(values).some((v) => v === null || v === undefined)) continue
      const other = this.findByAlternateKey(table, values)
      if (other && other[table.primaryId] !== row[table.primaryId]) {
        throw dv.duplicateKey(key.displayName, key.columns.map((c) => column(table, c)?.displayName ?? c).join(', '))
      }
    }
  }
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b, 'en', { sensitivity: 'base' }) === 0
  return a === b
}

function defaultState(table: Table): Row {
  const status = column(table, 'statuscode')?.options ?? {}
  return { statecode: 0, statuscode: Number(Object.keys(status)[0] ?? 1) }
}

import { randomInt, randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../../core/store/files'
import { dv } from '../errors'
import type { Seed } from '../seed'
import { applyBody, type WriteContext } from './write'
import { failure } from './failures'
import { migrateTables } from './migrate'
import { seedRows, USD_ID, type Row, type Tables } from './seedData'
import { column, derivedTables, intersectEnds, lookupTargetOf, lookupTypeField, tableByName, TABLES, type CollectionNavigation, type Column, type ManyToMany, type Table } from './schema'

/** 3: the realistic schema (sales, service, activities, teams and roles). Older data is migrated on load. */
const DATA_VERSION = 3

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
    this.version = highestVersion(this.data)
  }

  private load(): Data | null {
    const file = join(this.dir!, 'org-data.json')
    if (!existsSync(file)) return null
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { dataVersion?: number; tables?: Tables; deleted?: Record<string, Deleted[]> }
      if (!data.tables || typeof data.dataVersion !== 'number' || data.dataVersion < 1 || data.dataVersion > DATA_VERSION) return null
      const deleted = data.deleted ?? {}
      return { tables: migrateTables(this.seed, data.tables, highestVersion({ tables: data.tables, deleted })), deleted }
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

  /** The table's rows; a view (activitypointer) shows the rows of every table derived from it. */
  rows(table: Table): Row[] {
    if (table.view) return derivedTables(table).flatMap((t) => this.data.tables[t.logicalName] ?? [])
    return this.data.tables[table.logicalName]!
  }

  /** The table a row of a view belongs to (an activitypointer row is a task, an email…). */
  tableOfRow(table: Table, row: Row): Table {
    if (!table.view) return table
    return derivedTables(table).find((t) => t.logicalName === row.activitytypecode) ?? table
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

  /** The rows a many-to-many relationship relates to this one, through its intersect table. */
  relatedMany(row: Row, table: Table, m: ManyToMany): Row[] {
    const other = this.table(m.table)
    const id = row[table.primaryId]
    const ids = new Set(this.rows(this.table(m.intersect)).filter((r) => r[m.self] === id).map((r) => r[m.other]))
    return this.rows(other).filter((r) => ids.has(r[other.primaryId]))
  }

  isAssociated(row: Row, table: Table, m: ManyToMany, otherRow: Row): boolean {
    const other = this.table(m.table)
    return this.rows(this.table(m.intersect)).some((r) => r[m.self] === row[table.primaryId] && r[m.other] === otherRow[other.primaryId])
  }

  /** Associate two records through a many-to-many relationship: one intersect row (Dataverse refuses a second one). */
  associate(row: Row, table: Table, m: ManyToMany, otherRow: Row): void {
    if (this.isAssociated(row, table, m, otherRow)) throw failure.duplicateAssociation()
    const intersect = this.table(m.intersect)
    const other = this.table(m.table)
    this.rows(intersect).push({ [intersect.primaryId]: randomUUID(), [m.self]: row[table.primaryId], [m.other]: otherRow[other.primaryId], versionnumber: this.nextVersion() })
    this.scheduleSave()
  }

  disassociate(row: Row, table: Table, m: ManyToMany, otherRow: Row): boolean {
    const rows = this.rows(this.table(m.intersect))
    const other = this.table(m.table)
    const index = rows.findIndex((r) => r[m.self] === row[table.primaryId] && r[m.other] === otherRow[other.primaryId])
    if (index < 0) return false
    rows.splice(index, 1)
    this.scheduleSave()
    return true
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

  /** The ids of the security roles assigned to a user. */
  roleIdsOf(userId: string): string[] {
    return this.rows(this.table('systemuserroles')).filter((r) => r.systemuserid === userId).map((r) => String(r.roleid))
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
    for (const name of ['_createdonbehalfby_value', '_modifiedonbehalfby_value']) if (column(table, name)) row[name] = ctx.delegateId ?? null
    if (column(table, '_transactioncurrencyid_value')) row._transactioncurrencyid_value = USD_ID
    if (table.baseTable) row.activitytypecode = table.logicalName
    const after = applyBody(this, table, row, body, ctx)
    const id = typeof row[table.primaryId] === 'string' ? (row[table.primaryId] as string) : randomUUID()
    if (this.find(table, id)) throw dv.alreadyExists()
    row[table.primaryId] = id
    if (column(table, '_owninguser_value')) row._owninguser_value = row._ownerid_value
    for (const col of table.columns) if (col.autoNumberFormat && (row[col.name] === null || row[col.name] === undefined)) row[col.name] = this.autoNumber(table, col)
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
      this.touch(table, Object.assign(row, draft), ctx)
      for (const step of after) step(row)
      this.scheduleSave()
      return row
    })
  }

  /** A change made outside a body (a single property, a `$ref`): new version, modifiedon and who made it. */
  touch(table: Table, row: Row, by: { userId: string | null; delegateId?: string | null }): void {
    row.modifiedon = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    row.versionnumber = this.nextVersion()
    if (by.userId && column(table, '_modifiedby_value')) row._modifiedby_value = by.userId
    if (by.userId && column(table, '_modifiedonbehalfby_value')) row._modifiedonbehalfby_value = by.delegateId ?? null
    this.scheduleSave()
  }

  /** An autonumber value (`CAS-{SEQNUM:5}-{RANDSTRING:6}`): the next sequence number after the table's highest. */
  private autoNumber(table: Table, col: Column): string {
    const format = col.autoNumberFormat!
    const seqAt = format.indexOf('{SEQNUM')
    const prefix = format.slice(0, seqAt)
    let highest = 1000
    for (const r of this.rows(table)) {
      const m = typeof r[col.name] === 'string' ? new RegExp(`^${prefix.replace(/[-\\^$.*+?()[\]{}|]/g, '\\$&')}(\\d+)`).exec(r[col.name] as string) : null
      if (m) highest = Math.max(highest, Number(m[1]))
    }
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
    return format
      .replace(/\{SEQNUM:(\d+)\}/, (_m, n: string) => String(highest + 1).padStart(Number(n), '0'))
      .replace(/\{RANDSTRING:(\d+)\}/, (_m, n: string) => Array.from({ length: Number(n) }, () => alphabet[randomInt(alphabet.length)]).join(''))
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
      if (other.view) continue
      for (const col of other.columns) {
        if (col.type !== 'Lookup' || !col.targets!.some((t) => t.table === table.logicalName)) continue
        for (const r of this.rows(other)) if (r[col.name] === id.toLowerCase() && lookupTargetOf(r, col) === table) this.setLookup(r, col, null, null)
      }
      // Its many-to-many associations go with it.
      if (other.intersect) {
        const ends = intersectEnds(other).filter((e) => e.table === table.logicalName)
        const intersectRows = this.rows(other)
        for (let i = intersectRows.length - 1; i >= 0; i--) if (ends.some((e) => intersectRows[i]![e.column] === id.toLowerCase())) intersectRows.splice(i, 1)
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

function highestVersion(data: Data): number {
  let highest = 0
  for (const rows of Object.values(data.tables)) for (const r of rows) highest = Math.max(highest, Number(r.versionnumber) || 0)
  for (const list of Object.values(data.deleted)) for (const d of list) highest = Math.max(highest, d.version)
  return highest
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b, 'en', { sensitivity: 'base' }) === 0
  return a === b
}

/** A new row's state: the first state, with the first status reason that belongs to it. */
function defaultState(table: Table): Row {
  const status = column(table, 'statuscode')
  const values = Object.keys(status?.options ?? {}).map(Number)
  const first = values.find((v) => (status?.states?.[v] ?? 0) === 0) ?? values[0] ?? 1
  return { statecode: 0, statuscode: first }
}

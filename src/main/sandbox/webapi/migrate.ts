import { seedRows, USD_ID, type Row, type Tables } from './seedData'
import { column, intersectEnds, lookupTypeField, tableByName, TABLES, type Table } from './schema'
import type { Seed } from '../seed'

/**
 * Data saved by an older Sandbox keeps its rows: new columns start empty (or with the value Dataverse gives old
 * rows), new tables come from the seed — minus any reference to a row the user deleted since — with versions
 * above every saved one, so change tracking sees them as new.
 */
export function migrateTables(seed: Seed, tables: Tables, lastVersion: number): Tables {
  const fresh = seedRows(seed)
  const added: Table[] = []
  for (const table of TABLES) {
    if (table.view) continue
    const rows = tables[table.logicalName]
    if (!Array.isArray(rows)) {
      tables[table.logicalName] = fresh[table.logicalName] ?? []
      added.push(table)
      continue
    }
    for (const row of rows) {
      for (const col of table.columns) if (!(col.name in row)) row[col.name] = null
      if (column(table, '_transactioncurrencyid_value') && row._transactioncurrencyid_value === null) row._transactioncurrencyid_value = USD_ID
      if (column(table, '_owninguser_value') && row._owninguser_value === null) row._owninguser_value = row._ownerid_value ?? null
      if (table.baseTable && row.activitytypecode === null) row.activitytypecode = table.logicalName
    }
  }
  const exists = (table: string, id: unknown) => {
    const t = tableByName.get(table)
    return !!t && typeof id === 'string' && (tables[table] ?? []).some((r) => r[t.primaryId] === id)
  }
  let version = lastVersion
  for (const table of added) {
    const kept: Row[] = []
    for (const row of tables[table.logicalName]!) {
      if (table.intersect) {
        // An intersect row joins two records: it goes when either is gone.
        if (!intersectEnds(table).every((end) => exists(end.table, row[end.column]))) continue
      } else {
        for (const col of table.columns) {
          if (col.type !== 'Lookup' || row[col.name] === null || row[col.name] === undefined) continue
          const target = col.targets!.length === 1 ? col.targets![0]!.table : String(row[lookupTypeField(col)] ?? '')
          if (!exists(target, row[col.name])) {
            row[col.name] = null
            if (col.targets!.length > 1) row[lookupTypeField(col)] = null
          }
        }
      }
      row.versionnumber = ++version
      kept.push(row)
    }
    tables[table.logicalName] = kept
  }
  return tables
}

import type { SandboxOrg } from './org'
import type { Row } from './seedData'
import { edmType, lookupByNavigation, lookupTargetOf, manyToManyOf, type Column, type Table } from './schema'

/**
 * What a `$filter` (or `$apply`) can name from a row: properties, single-valued navigation (lookups, or complex
 * values in metadata) and collection-valued navigation. Tables and metadata definitions both provide one.
 */
export interface FilterProperty {
  edm: string
  get(row: Row): unknown
  column?: Column
}

export interface FilterNavigation {
  collection: boolean
  scope: FilterScope
  follow(row: Row): Row | null | Row[]
}

export interface FilterScope {
  /** For errors: `Microsoft.Dynamics.CRM.<typeName>`. */
  typeName: string
  property(name: string): FilterProperty | undefined
  navigation(name: string): FilterNavigation | undefined
  table?: Table
}

const cache = new WeakMap<SandboxOrg, Map<string, FilterScope>>()

export function tableScope(org: SandboxOrg, table: Table): FilterScope {
  let scopes = cache.get(org)
  if (!scopes) cache.set(org, (scopes = new Map()))
  const known = scopes.get(table.logicalName)
  if (known) return known
  const scope: FilterScope = {
    typeName: table.logicalName,
    table,
    property(name) {
      const col = table.columns.find((c) => c.name === name)
      return col ? { edm: edmType(col.type), get: (row) => row[col.name] ?? null, column: col } : undefined
    },
    navigation(name) {
      const single = lookupByNavigation(table, name)
      if (single) {
        const { column: col, target } = single
        return {
          collection: false,
          scope: tableScope(org, target),
          follow: (row) => {
            if (lookupTargetOf(row, col) !== target) return null
            return org.find(target, String(row[col.name])) ?? null
          }
        }
      }
      const many = manyToManyOf(table, name)
      if (many) return { collection: true, scope: tableScope(org, org.table(many.table)), follow: (row) => org.relatedMany(row, table, many) }
      const nav = table.collections.find((c) => c.name === name)
      if (!nav) return undefined
      const child = org.table(nav.table)
      return { collection: true, scope: tableScope(org, child), follow: (row) => org.related(table, row, nav) }
    }
  }
  scopes.set(table.logicalName, scope)
  return scope
}

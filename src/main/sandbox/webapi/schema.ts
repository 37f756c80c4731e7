/**
 * The Sandbox org's schema types and lookups. The table definitions (tables.ts) drive everything the Web API
 * says about itself: `$metadata`, `EntityDefinitions`, validation, formatting and queries.
 */
import { TABLES } from './tables'

export type ColumnType = 'Guid' | 'String' | 'Memo' | 'Int32' | 'Int64' | 'Money' | 'Decimal' | 'Boolean' | 'DateTimeOffset' | 'Date' | 'Picklist' | 'State' | 'Status' | 'Lookup'

export interface LookupTarget {
  table: string
  /** The single-valued navigation property for this target (`parentcustomerid_account`). */
  navigation: string
}

export interface Column {
  name: string
  type: ColumnType
  displayName?: string
  maxLength?: number
  /** Option labels for Picklist/State/Status. */
  options?: Record<number, string>
  /** Status: the state each status reason belongs to (StatusOptionMetadata.State). */
  states?: Record<number, number>
  /** For Lookup: the tables it can point to; more than one makes it a multi-table (polymorphic) lookup. */
  targets?: LookupTarget[]
  readOnly?: boolean
  required?: 'None' | 'ApplicationRequired' | 'SystemRequired'
  /** An autonumber column (`CAS-{SEQNUM:5}-{RANDSTRING:6}`): filled on create when the body leaves it empty. */
  autoNumberFormat?: string
}

export interface CollectionNavigation {
  name: string
  table: string
  /** The lookup column on `table` that points back here. */
  via: string
}

/**
 * A many-to-many relationship seen from one side: the collection-valued navigation property (named, as in
 * Dataverse, after the relationship on both sides), the other table, and the intersect table with its two columns.
 */
export interface ManyToMany {
  name: string
  table: string
  intersect: string
  /** The intersect column that holds this table's id, and the one that holds the other table's. */
  self: string
  other: string
}

export interface AlternateKey {
  name: string
  displayName: string
  columns: string[]
}

export interface Table {
  logicalName: string
  entitySet: string
  primaryId: string
  primaryName: string
  displayName: string
  displayCollectionName: string
  objectTypeCode: number
  ownership: 'UserOwned' | 'OrganizationOwned' | 'BusinessOwned'
  changeTracking: boolean
  columns: Column[]
  collections: CollectionNavigation[]
  alternateKeys: AlternateKey[]
  manyToMany?: ManyToMany[]
  /** The entity type this one derives from in the CSDL: activities derive from activitypointer. */
  baseTable?: string
  /** activitypointer: the rows of every table that derives from it, read-only (GET only, as in Dataverse). */
  view?: boolean
  /** An intersect table of a many-to-many relationship: read-only, written by associating records. */
  intersect?: boolean
  isActivity?: boolean
}

export { TABLES }
export const tableByName = new Map(TABLES.map((t) => [t.logicalName, t]))
export const tableBySet = new Map(TABLES.map((t) => [t.entitySet, t]))

/** The tables whose rows a view table (activitypointer) shows. */
export function derivedTables(table: Table): Table[] {
  return TABLES.filter((t) => t.baseTable === table.logicalName)
}

export function manyToManyOf(table: Table, name: string): ManyToMany | undefined {
  return table.manyToMany?.find((m) => m.name === name)
}

/** The two columns of an intersect table and the tables whose ids they hold. */
export function intersectEnds(intersect: Table): Array<{ column: string; table: string }> {
  for (const t of TABLES) {
    const m = t.manyToMany?.find((x) => x.intersect === intersect.logicalName)
    if (m) return [{ column: m.self, table: t.logicalName }, { column: m.other, table: m.table }]
  }
  return []
}

export function column(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name)
}

/**
 * The lookup column behind a single-valued navigation property, and which target that property names. A derived
 * type also has its base type's navigation properties (task: `regardingobjectid_account` beside `regardingobjectid_account_task`).
 */
export function lookupByNavigation(table: Table, navigation: string): { column: Column; target: Table } | undefined {
  for (const c of table.columns) {
    const t = c.targets?.find((x) => x.navigation === navigation)
    if (t) return { column: c, target: tableByName.get(t.table)! }
  }
  const base = table.baseTable ? tableByName.get(table.baseTable) : undefined
  const inherited = base ? lookupByNavigation(base, navigation) : undefined
  if (!inherited) return undefined
  const own = column(table, inherited.column.name)
  return own ? { column: own, target: inherited.target } : undefined
}

/** The navigation properties a table declares itself in the CSDL (a derived type does not repeat its base type's). */
export function ownNavigations(table: Table, col: Column): LookupTarget[] {
  const base = table.baseTable ? tableByName.get(table.baseTable) : undefined
  return col.targets!.filter((t) => !base || !lookupByNavigation(base, t.navigation))
}

/** The columns a table declares itself in the CSDL: a derived type inherits its base type's. */
export function ownColumns(table: Table): Column[] {
  const base = table.baseTable ? tableByName.get(table.baseTable) : undefined
  return base ? table.columns.filter((c) => !column(base, c.name)) : table.columns
}

/** For multi-table lookups the row keeps which table the id belongs to beside the value. */
export function lookupTypeField(col: Column): string {
  return `${col.name}@type`
}

export function lookupTargetOf(row: Record<string, unknown>, col: Column): Table | undefined {
  if (!col.targets?.length || row[col.name] === null || row[col.name] === undefined) return undefined
  const name = col.targets.length === 1 ? col.targets[0]!.table : (row[lookupTypeField(col)] as string | undefined)
  return name ? tableByName.get(name) : undefined
}

export function edmType(type: ColumnType): string {
  switch (type) {
    case 'Guid':
    case 'Lookup':
      return 'Edm.Guid'
    case 'String':
    case 'Memo':
      return 'Edm.String'
    case 'Int32':
    case 'Picklist':
    case 'State':
    case 'Status':
      return 'Edm.Int32'
    case 'Int64':
      return 'Edm.Int64'
    case 'Money':
    case 'Decimal':
      return 'Edm.Decimal'
    case 'Boolean':
      return 'Edm.Boolean'
    case 'DateTimeOffset':
      return 'Edm.DateTimeOffset'
    case 'Date':
      return 'Edm.Date'
  }
}

/** `_parentcustomerid_value` → `parentcustomerid`, the column's logical name. */
export function attributeName(col: Column): string {
  return col.type === 'Lookup' ? col.name.replace(/^_/, '').replace(/_value$/, '') : col.name
}

export function displayNameOf(col: Column): string {
  if (col.displayName) return col.displayName
  return attributeName(col)
    .replace(/^address1_/, 'Address 1: ')
    .replace(/code$/, '')
    .replace(/id$/, '')
    .replace(/^./, (c) => c.toUpperCase())
}

export const API_VERSION = '9.2.25114.00178'
/** Changes whenever the Sandbox's schema changes; sent as `@Microsoft.Dynamics.CRM.globalmetadataversion`. */
export const GLOBAL_METADATA_VERSION = '20261122'

/**
 * The values a person gives an operation's parameters, as the form holds them: text as typed (so a
 * half-typed number or a {{variable}} is kept), switches, enum members, record references, fields of a
 * record to create or of a complex value, and lists of any of these.
 */
import type { SchemaView } from '@shared/schema'
import { fieldType, primaryKey, tablesFor, type FieldType } from './paramTypes'

export type ParamValue =
  | { kind: 'text'; text: string }
  /** null: not given. */
  | { kind: 'boolean'; value: boolean | null }
  /** Member names; a flags enum may hold several. */
  | { kind: 'enum'; members: string[] }
  /** An existing record: its table (entity set) and id. */
  | { kind: 'record'; entitySet: string; id: string }
  /**
   * A record to create (entitySet: its table; fields are its columns, or single-valued navigation
   * properties bound to existing records) or a complex value (entitySet '': fields are its properties).
   */
  | { kind: 'fields'; entitySet: string; fields: FieldEntry[] }
  | { kind: 'list'; items: ParamValue[] }

export interface FieldEntry {
  name: string
  value: ParamValue
}

export type ParamValues = Record<string, ParamValue>

/** The empty value a field of this type starts with (a collection: an empty list). */
export function emptyValue(type: FieldType, schema: SchemaView): ParamValue {
  if (type.collection) return { kind: 'list', items: [] }
  return emptyItem(type, schema)
}

/** The empty value of one item of this type (for a list's new item). */
export function emptyItem(type: FieldType, schema: SchemaView): ParamValue {
  switch (type.kind) {
    case 'boolean':
      return { kind: 'boolean', value: null }
    case 'enum':
      return { kind: 'enum', members: [] }
    case 'entity': {
      const tables = type.entityType ? tablesFor(type.entityType, schema) : []
      const own = type.entityType?.entitySet ?? null
      return { kind: 'record', entitySet: own ?? (tables.length === 1 ? tables[0]!.entitySet : ''), id: '' }
    }
    case 'complex':
      return { kind: 'fields', entitySet: '', fields: [] }
    default:
      return { kind: 'text', text: '' }
  }
}

/** Whether a value says nothing (left out of the request unless the parameter is required). */
export function isEmpty(value: ParamValue): boolean {
  switch (value.kind) {
    case 'text':
      return value.text.trim() === ''
    case 'boolean':
      return value.value === null
    case 'enum':
      return value.members.length === 0
    case 'record':
      return value.id.trim() === ''
    case 'fields':
      return false
    case 'list':
      return value.items.length === 0
  }
}

/** A record to create in this table, with no columns yet. */
export function newRecordValue(entitySet: string): ParamValue {
  return { kind: 'fields', entitySet, fields: [] }
}

/**
 * The fields a record to create or a complex value can hold: for a record, its columns (without the
 * primary key and the `_x_value` lookup columns, which are set through their navigation properties) and
 * its single-valued navigation properties (bound to existing records); for a complex value, its properties.
 */
export function fieldChoices(value: Extract<ParamValue, { kind: 'fields' }>, complexType: string | null, schema: SchemaView): { name: string; type: FieldType; bind: boolean }[] {
  if (!value.entitySet) {
    const complex = complexType ? schema.complexType(complexType) : null
    return (complex?.properties ?? []).map((p) => ({ name: p.name, type: parseTypeRef(p.type, schema), bind: false }))
  }
  const entity = schema.entityTypeOfSet(value.entitySet)
  if (!entity) return []
  const key = primaryKey(entity, schema)
  const columns = entity.properties.filter((p) => p.name !== key && !/^_.*_value$/.test(p.name)).map((p) => ({ name: p.name, type: parseTypeRef(p.type, schema), bind: false }))
  const binds = entity.navigation
    .filter((n) => !n.collection)
    .map((n) => ({ name: n.name, type: fieldType(n.target, false, schema), bind: true }))
  return [...columns, ...binds].sort((a, b) => a.name.localeCompare(b.name))
}

/** A property type as the index writes it: `Collection(mscrm.RolePrivilege)` keeps its namespace inside the parentheses. */
function parseTypeRef(type: string, schema: SchemaView): FieldType {
  const m = /^Collection\((.+)\)$/.exec(type)
  if (!m) return fieldType(type, false, schema)
  const prefixes = [schema.packed.namespace, schema.packed.alias].filter((p): p is string => !!p).map((p) => `${p}.`)
  const inner = prefixes.reduce((t, p) => (t.startsWith(p) ? t.slice(p.length) : t), m[1]!)
  return fieldType(inner, true, schema)
}

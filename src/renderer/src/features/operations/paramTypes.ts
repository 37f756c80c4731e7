/**
 * What a parameter's type asks the form for: a text of some shape (string, number, GUID, date…), a
 * switch, enum members, a record reference, a structure of fields (a record to create, a complex
 * value), or JSON when the schema says nothing more. Read from the org's schema index.
 */
import type { ComplexTypeIndex, EntityTypeIndex, EnumTypeIndex, SchemaView } from '@shared/schema'

export type FieldKind = 'string' | 'integer' | 'decimal' | 'boolean' | 'guid' | 'datetime' | 'date' | 'time' | 'duration' | 'binary' | 'enum' | 'entity' | 'complex' | 'untyped'

export interface FieldType {
  kind: FieldKind
  /** The type as the index names it (`Edm.Int32`, `account`, `EntityFilters`). */
  type: string
  collection: boolean
  enumType: EnumTypeIndex | null
  /** For an entity type: the type, null when it is unknown to the index. */
  entityType: EntityTypeIndex | null
  complexType: ComplexTypeIndex | null
}

const EDM: Record<string, FieldKind> = {
  'Edm.String': 'string',
  'Edm.Int16': 'integer',
  'Edm.Int32': 'integer',
  'Edm.Int64': 'integer',
  'Edm.Byte': 'integer',
  'Edm.SByte': 'integer',
  'Edm.Decimal': 'decimal',
  'Edm.Double': 'decimal',
  'Edm.Single': 'decimal',
  'Edm.Boolean': 'boolean',
  'Edm.Guid': 'guid',
  'Edm.DateTimeOffset': 'datetime',
  'Edm.Date': 'date',
  'Edm.TimeOfDay': 'time',
  'Edm.Duration': 'duration',
  'Edm.Binary': 'binary'
}

export function fieldType(type: string, collection: boolean, schema: SchemaView): FieldType {
  const base = { type, collection, enumType: null, entityType: null, complexType: null }
  const edm = EDM[type]
  if (edm) return { ...base, kind: edm }
  if (type.startsWith('Edm.')) return { ...base, kind: 'untyped' }
  const enumType = schema.enumType(type)
  if (enumType) return { ...base, kind: 'enum', enumType }
  const entityType = schema.entityType(type)
  if (entityType) return { ...base, kind: 'entity', entityType }
  const complexType = schema.complexType(type)
  if (complexType) return { ...base, kind: 'complex', complexType }
  return { ...base, kind: 'untyped' }
}

/** A short human name for a type: `Decimal`, `account`, `Collection(String)`. */
export function typeLabel(type: string, collection: boolean): string {
  const name = type.replace(/^Edm\./, '')
  return collection ? `Collection(${name})` : name
}

/**
 * The tables a reference of this type may point to: the type's own entity set and those of every type
 * derived from it (`crmbaseentity`: any table; `principal`: users and teams). Reads base types from the
 * packed index, so a large org's tables are not unpacked for this.
 */
export function tablesFor(type: EntityTypeIndex, schema: SchemaView): { entitySet: string; entityType: string }[] {
  const bases = new Map(schema.packed.entityTypes.map((t) => [t.name, t.baseType]))
  const derives = (name: string): boolean => {
    let current: string | null | undefined = name
    for (let depth = 0; current && depth < 32; depth++) {
      if (current === type.name) return true
      current = bases.get(current)
    }
    return false
  }
  return schema.entitySets
    .filter((s) => derives(s.entityType))
    .map((s) => ({ entitySet: s.name, entityType: s.entityType }))
    .sort((a, b) => (a.entitySet < b.entitySet ? -1 : a.entitySet > b.entitySet ? 1 : 0))
}

/** The primary key of an entity type (inherited from its base types when the type declares none). */
export function primaryKey(type: EntityTypeIndex, schema: SchemaView): string | null {
  let current: EntityTypeIndex | null = type
  for (let depth = 0; current && depth < 32; depth++) {
    if (current.key.length) return current.key[0]!
    current = current.baseType ? schema.entityType(current.baseType) : null
  }
  return null
}

/**
 * Whether a value may combine several members. IsFlags says so, but Dataverse's CSDL does not always
 * write it (AccessRights has none, and its members are combined: web-api-complex-enum-types.md), so
 * members that are all distinct bits say so too.
 */
export function severalMembers(type: EnumTypeIndex): boolean {
  if (type.flags) return true
  const bits = type.members.filter((m) => m.value !== 0)
  return bits.length >= 3 && bits.every((m) => (m.value & (m.value - 1)) === 0) && new Set(bits.map((m) => m.value)).size === bits.length
}

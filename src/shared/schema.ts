import { z } from 'zod'

/**
 * The org's schema as OrgBench uses it: a compact index of the `$metadata` CSDL (entity sets, entity types
 * with keys, properties and navigation properties, complex and enum types, actions and functions).
 * Built once per environment in main, cached on disk, sent to the renderer once; completion, the query
 * builder, action forms and FetchXML read it with no call per keystroke.
 *
 * Type names: `Edm.*` stay as they are; the org's own types (entity, complex, enum) by their short name
 * (`account`, `WhoAmIResponse`), without the `Microsoft.Dynamics.CRM.` / `mscrm.` prefix.
 */
export const TypeRef = z.object({ type: z.string(), collection: z.boolean() })
export type TypeRef = z.infer<typeof TypeRef>

export const SchemaProperty = z.object({
  name: z.string(),
  type: z.string(),
  /** Nullable="false" in the CSDL. */
  required: z.boolean()
})
export type SchemaProperty = z.infer<typeof SchemaProperty>

export const NavigationProperty = z.object({
  name: z.string(),
  /** The related entity type. */
  target: z.string(),
  /** Collection-valued (one-to-many or many-to-many) or single-valued (a lookup). */
  collection: z.boolean(),
  partner: z.string().nullable(),
  /** For a single-valued navigation: the lookup property behind it (`_primarycontactid_value`). */
  lookup: z.string().nullable()
})
export type NavigationProperty = z.infer<typeof NavigationProperty>

export const EntityTypeIndex = z.object({
  name: z.string(),
  baseType: z.string().nullable(),
  abstract: z.boolean(),
  /** The entity set that serves this type, when one does. */
  entitySet: z.string().nullable(),
  key: z.array(z.string()),
  /** Each alternate key is the list of its properties. */
  alternateKeys: z.array(z.array(z.string())),
  /** Own and inherited properties. */
  properties: z.array(SchemaProperty),
  navigation: z.array(NavigationProperty)
})
export type EntityTypeIndex = z.infer<typeof EntityTypeIndex>

export const ComplexTypeIndex = z.object({ name: z.string(), properties: z.array(SchemaProperty) })
export type ComplexTypeIndex = z.infer<typeof ComplexTypeIndex>

export const EnumTypeIndex = z.object({
  name: z.string(),
  flags: z.boolean(),
  members: z.array(z.object({ name: z.string(), value: z.number() }))
})
export type EnumTypeIndex = z.infer<typeof EnumTypeIndex>

export const OperationParameter = z.object({ name: z.string(), type: z.string(), collection: z.boolean(), required: z.boolean() })
export type OperationParameter = z.infer<typeof OperationParameter>

export const OperationIndex = z.object({
  kind: z.enum(['action', 'function']),
  name: z.string(),
  /** Bound operations are called on a table or record: the binding parameter's type. */
  binding: TypeRef.nullable(),
  /** Parameters after the binding parameter. */
  parameters: z.array(OperationParameter),
  returnType: TypeRef.nullable(),
  composable: z.boolean()
})
export type OperationIndex = z.infer<typeof OperationIndex>

export const SchemaIndex = z.object({
  namespace: z.string(),
  alias: z.string().nullable(),
  entitySets: z.array(z.object({ name: z.string(), entityType: z.string() })),
  entityTypes: z.array(EntityTypeIndex),
  complexTypes: z.array(ComplexTypeIndex),
  enumTypes: z.array(EnumTypeIndex),
  operations: z.array(OperationIndex)
})
export type SchemaIndex = z.infer<typeof SchemaIndex>

export const SchemaInfo = z.object({
  environmentId: z.string(),
  orgUrl: z.string(),
  /** ISO time the CSDL was downloaded. */
  fetchedAt: z.string(),
  /** Size of the downloaded CSDL in bytes. */
  csdlBytes: z.number(),
  /** The org's `globalmetadataversion` when it sent one: a cheap check that the schema has not changed. */
  metadataVersion: z.string().nullable(),
  /** Milliseconds to parse and index the CSDL. */
  parseMs: z.number(),
  counts: z.object({ entitySets: z.number(), entityTypes: z.number(), actions: z.number(), functions: z.number() }),
  /** Where the index came from in this call. */
  source: z.enum(['memory', 'disk', 'network'])
})
export type SchemaInfo = z.infer<typeof SchemaInfo>

/**
 * The index as it is stored on disk and sent to the renderer: an entity type's properties and navigation
 * properties packed as tab-separated lines (one string each instead of thousands of small objects), so a
 * large org's index loads in a few milliseconds and is unpacked per table only when a table is used.
 */
export const PackedEntityType = EntityTypeIndex.omit({ properties: true, navigation: true }).extend({
  /** `name\ttype\t1|0(required)` lines. */
  properties: z.string(),
  /** `name\ttarget\t1|0(collection)\tpartner\tlookup` lines; empty for null. */
  navigation: z.string()
})
export type PackedEntityType = z.infer<typeof PackedEntityType>

export const PackedSchema = SchemaIndex.omit({ entityTypes: true }).extend({ entityTypes: z.array(PackedEntityType) })
export type PackedSchema = z.infer<typeof PackedSchema>

export function packSchema(index: SchemaIndex): PackedSchema {
  return {
    ...index,
    entityTypes: index.entityTypes.map(({ properties, navigation, ...rest }) => ({
      ...rest,
      properties: properties.map((p) => `${p.name}\t${p.type}\t${p.required ? 1 : 0}`).join('\n'),
      navigation: navigation.map((n) => `${n.name}\t${n.target}\t${n.collection ? 1 : 0}\t${n.partner ?? ''}\t${n.lookup ?? ''}`).join('\n')
    }))
  }
}

export function unpackEntityType(packed: PackedEntityType): EntityTypeIndex {
  const lines = (text: string) => (text ? text.split('\n') : [])
  return {
    ...packed,
    properties: lines(packed.properties).map((line) => {
      const [name = '', type = '', required] = line.split('\t')
      return { name, type, required: required === '1' }
    }),
    navigation: lines(packed.navigation).map((line) => {
      const [name = '', target = '', collection, partner, lookup] = line.split('\t')
      return { name, target, collection: collection === '1', partner: partner || null, lookup: lookup || null }
    })
  }
}

/**
 * Read access to a packed schema with lookups by name; tables are unpacked on first use and kept.
 * Pure (no Node, no DOM): the renderer's completion, the CLI and main use the same view.
 */
export class SchemaView {
  private readonly setsByName = new Map<string, string>()
  private readonly packedTypes = new Map<string, PackedEntityType>()
  private readonly unpacked = new Map<string, EntityTypeIndex>()
  private readonly operationsByName = new Map<string, OperationIndex[]>()

  constructor(readonly packed: PackedSchema) {
    for (const s of packed.entitySets) this.setsByName.set(s.name.toLowerCase(), s.entityType)
    for (const t of packed.entityTypes) this.packedTypes.set(t.name, t)
    for (const o of packed.operations) {
      const list = this.operationsByName.get(o.name.toLowerCase()) ?? []
      list.push(o)
      this.operationsByName.set(o.name.toLowerCase(), list)
    }
  }

  get entitySets(): PackedSchema['entitySets'] {
    return this.packed.entitySets
  }

  get operations(): OperationIndex[] {
    return this.packed.operations
  }

  /** The entity type served by an entity set (case-insensitive, as Dataverse's URLs are). */
  entityTypeOfSet(entitySet: string): EntityTypeIndex | null {
    const name = this.setsByName.get(entitySet.toLowerCase())
    return name ? this.entityType(name) : null
  }

  entityType(name: string): EntityTypeIndex | null {
    const done = this.unpacked.get(name)
    if (done) return done
    const packed = this.packedTypes.get(name)
    if (!packed) return null
    const type = unpackEntityType(packed)
    this.unpacked.set(name, type)
    return type
  }

  operation(name: string): OperationIndex[] {
    return this.operationsByName.get(name.toLowerCase()) ?? []
  }

  complexType(name: string): ComplexTypeIndex | null {
    return this.packed.complexTypes.find((c) => c.name === name) ?? null
  }

  enumType(name: string): EnumTypeIndex | null {
    return this.packed.enumTypes.find((e) => e.name === name) ?? null
  }
}

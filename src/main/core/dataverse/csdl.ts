import { SaxesParser, type SaxesTagPlain } from 'saxes'
import { AppError } from '../../../shared/errors'
import type { EntityTypeIndex, NavigationProperty, OperationIndex, OperationParameter, SchemaIndex, SchemaProperty, TypeRef } from '../../../shared/schema'

interface EntityDraft extends EntityTypeIndex {
  ownKey: string[]
}

/**
 * Parse an OData v4 CSDL document (Dataverse's `$metadata`) into the compact schema index.
 * Streaming (saxes): one pass, no DOM, so a 10–15 MB document of a large org is indexed in a few
 * hundred milliseconds. Throws `invalid_metadata` with the position for a document that is not XML or not CSDL.
 */
export function parseCsdl(xml: string): SchemaIndex {
  const parser = new SaxesParser({ xmlns: false, position: true })
  const prefixes: string[] = []
  let namespace = ''
  let alias: string | null = null
  let sawEdmx = false

  const entityTypes: EntityDraft[] = []
  const complexTypes: SchemaIndex['complexTypes'] = []
  const enumTypes: SchemaIndex['enumTypes'] = []
  const operations: OperationIndex[] = []
  const entitySets: SchemaIndex['entitySets'] = []

  // What the walk is inside of.
  let entity: EntityDraft | null = null
  let complex: { properties: SchemaProperty[] } | null = null
  let enumType: SchemaIndex['enumTypes'][number] | null = null
  let operation: (OperationIndex & { raw: OperationParameter[] }) | null = null
  let navigation: NavigationProperty | null = null
  let inKey = false
  let annotationDepth = 0
  let alternateKeysAt = -1
  let currentAlternateKey: string[] | null = null
  let depth = 0

  const typeRef = (text: string | undefined): TypeRef => {
    const value = text ?? 'Edm.String'
    const m = /^Collection\((.*)\)$/.exec(value)
    return { type: m ? m[1]! : value, collection: m !== null }
  }

  parser.on('opentag', (tag: SaxesTagPlain) => {
    depth++
    const name = localName(tag.name)
    const a = tag.attributes
    if (name === 'Edmx') sawEdmx = true
    if (annotationDepth > 0 || name === 'Annotation') {
      if (name === 'Annotation') {
        annotationDepth++
        if (entity && annotationDepth === 1 && /(^|\.)AlternateKeys$/.test(a.Term ?? '')) alternateKeysAt = depth
        return
      }
      if (alternateKeysAt > 0) {
        if (name === 'Record' && /AlternateKey$/.test(a.Type ?? '')) currentAlternateKey = []
        else if (name === 'PropertyValue' && a.Property === 'Name' && a.PropertyPath && currentAlternateKey) currentAlternateKey.push(a.PropertyPath)
      }
      return
    }
    switch (name) {
      case 'Schema':
        if (!namespace) {
          namespace = a.Namespace ?? ''
          alias = a.Alias ?? null
        }
        if (a.Namespace) prefixes.push(a.Namespace + '.')
        if (a.Alias) prefixes.push(a.Alias + '.')
        break
      case 'EntityType':
        entity = { name: a.Name ?? '', baseType: a.BaseType ?? null, abstract: a.Abstract === 'true', entitySet: null, key: [], ownKey: [], alternateKeys: [], properties: [], navigation: [] }
        entityTypes.push(entity)
        break
      case 'ComplexType':
        complex = { properties: [] }
        complexTypes.push({ name: a.Name ?? '', properties: complex.properties })
        break
      case 'EnumType':
        enumType = { name: a.Name ?? '', flags: a.IsFlags === 'true', members: [] }
        enumTypes.push(enumType)
        break
      case 'Member':
        if (enumType) enumType.members.push({ name: a.Name ?? '', value: a.Value !== undefined ? Number(a.Value) : enumType.members.length })
        break
      case 'Key':
        inKey = true
        break
      case 'PropertyRef':
        if (inKey && entity && a.Name) entity.ownKey.push(a.Name)
        break
      case 'Property': {
        const target = entity ?? complex
        if (target) {
          const property = { name: a.Name ?? '', type: a.Type ?? 'Edm.String', required: a.Nullable === 'false' }
          target.properties.push(property)
        }
        break
      }
      case 'NavigationProperty':
        if (entity) {
          const ref = typeRef(a.Type)
          navigation = { name: a.Name ?? '', target: ref.type, collection: ref.collection, partner: a.Partner ?? null, lookup: null }
          entity.navigation.push(navigation)
        }
        break
      case 'ReferentialConstraint':
        if (navigation && a.Property) navigation.lookup = a.Property
        break
      case 'Action':
      case 'Function':
        operation = { kind: name === 'Action' ? 'action' : 'function', name: a.Name ?? '', binding: null, parameters: [], returnType: null, composable: a.IsComposable === 'true', raw: [] }
        if (a.IsBound === 'true') operation.binding = { type: '', collection: false }
        operations.push(operation)
        break
      case 'Parameter':
        if (operation) {
          const ref = typeRef(a.Type)
          operation.raw.push({ name: a.Name ?? '', type: ref.type, collection: ref.collection, required: a.Nullable === 'false' })
        }
        break
      case 'ReturnType':
        if (operation) operation.returnType = typeRef(a.Type)
        break
      case 'EntitySet':
        if (a.Name && a.EntityType) entitySets.push({ name: a.Name, entityType: a.EntityType })
        break
    }
  })

  parser.on('closetag', (tag) => {
    const name = localName(tag.name)
    if (annotationDepth > 0) {
      if (alternateKeysAt > 0 && name === 'Record' && currentAlternateKey) {
        if (currentAlternateKey.length && entity) entity.alternateKeys.push(currentAlternateKey)
        currentAlternateKey = null
      }
      if (name === 'Annotation') {
        annotationDepth--
        if (depth === alternateKeysAt) alternateKeysAt = -1
      }
      depth--
      return
    }
    depth--
    switch (name) {
      case 'EntityType':
        entity = null
        break
      case 'ComplexType':
        complex = null
        break
      case 'EnumType':
        enumType = null
        break
      case 'Key':
        inKey = false
        break
      case 'NavigationProperty':
        navigation = null
        break
      case 'Action':
      case 'Function':
        if (operation) {
          const [first, ...rest] = operation.raw
          if (operation.binding && first) {
            operation.binding = { type: first.type, collection: first.collection }
            operation.parameters = rest
          } else {
            operation.binding = null
            operation.parameters = operation.raw
          }
        }
        operation = null
        break
    }
  })

  try {
    parser.write(xml).close()
  } catch (error) {
    throw new AppError('invalid_metadata', `The org's $metadata is not valid XML: ${(error as Error).message.split('\n')[0]}`)
  }
  if (!sawEdmx || !namespace) throw new AppError('invalid_metadata', "The org's $metadata is not an OData CSDL document (no edmx:Edmx with a Schema). Is the URL the Web API's $metadata?")

  const strip = (type: string): string => {
    for (const p of prefixes) if (type.startsWith(p)) return type.slice(p.length)
    return type
  }
  const byName = new Map<string, EntityDraft>()
  for (const e of entityTypes) {
    e.baseType = e.baseType === null ? null : strip(e.baseType)
    for (const n of e.navigation) n.target = strip(n.target)
    for (const p of e.properties) p.type = strip(p.type)
    byName.set(e.name, e)
  }
  for (const c of complexTypes) for (const p of c.properties) p.type = strip(p.type)
  const sets = entitySets.map((s) => ({ name: s.name, entityType: strip(s.entityType) }))
  for (const s of sets) {
    const e = byName.get(s.entityType)
    if (e && e.entitySet === null) e.entitySet = s.name
  }
  const finalOperations: OperationIndex[] = operations.map((o) => ({
    kind: o.kind,
    name: o.name,
    binding: o.binding ? { type: strip(o.binding.type), collection: o.binding.collection } : null,
    parameters: o.parameters.map((p) => ({ ...p, type: strip(p.type) })),
    returnType: o.returnType ? { type: strip(o.returnType.type), collection: o.returnType.collection } : null,
    composable: o.composable
  }))

  return {
    namespace,
    alias,
    entitySets: sets,
    entityTypes: entityTypes.map((e) => flatten(e, byName)),
    complexTypes,
    enumTypes,
    operations: finalOperations
  }
}

/** Own plus inherited key, properties and navigation (Dataverse's activities inherit from activitypointer). */
function flatten(entity: EntityDraft, byName: Map<string, EntityDraft>): EntityTypeIndex {
  const chain: EntityDraft[] = []
  const seen = new Set<string>()
  for (let e: EntityDraft | undefined = entity; e && !seen.has(e.name); e = e.baseType ? byName.get(e.baseType) : undefined) {
    seen.add(e.name)
    chain.push(e)
  }
  const key = chain.find((e) => e.ownKey.length)?.ownKey ?? []
  if (chain.length === 1) return { name: entity.name, baseType: entity.baseType, abstract: entity.abstract, entitySet: entity.entitySet, key, alternateKeys: entity.alternateKeys, properties: entity.properties, navigation: entity.navigation }
  const properties = new Map<string, SchemaProperty>()
  const navigation = new Map<string, NavigationProperty>()
  for (const e of chain.reverse()) {
    for (const p of e.properties) properties.set(p.name, p)
    for (const n of e.navigation) navigation.set(n.name, n)
  }
  return { name: entity.name, baseType: entity.baseType, abstract: entity.abstract, entitySet: entity.entitySet, key, alternateKeys: entity.alternateKeys, properties: [...properties.values()], navigation: [...navigation.values()] }
}

function localName(qualified: string): string {
  const i = qualified.indexOf(':')
  return i < 0 ? qualified : qualified.slice(i + 1)
}

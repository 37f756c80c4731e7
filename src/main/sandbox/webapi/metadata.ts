import { DataverseFailure, dv } from '../errors'
import { checkQueryOptions } from './collection'
import { parseFilter, type Filter } from './filter'
import { parseLiteral } from './filterLexer'
import { odataJson, safeDecode, type SandboxResponse } from './http'
import { attributeDefinition, castOf, COMPLEX_TYPES, entityDefinition, ENUM_TYPES, GLOBAL_OPTION_SETS, keysOf, manyToMany, manyToOne, METADATA_TYPES, navigationOf, oneToMany, optionSet, propertiesOf } from './metadataModel'
import type { Call } from './routes'
import type { FilterScope } from './scopes'
import type { Row } from './seedData'
import { attributeName, tableByName, TABLES, type Table } from './schema'
import { splitTopLevel } from './text'

type Segment = { name: string; args: string | null; raw: string }

/**
 * Table definitions through the Web API ("Query table definitions using the Web API"): `EntityDefinitions` with
 * `Attributes` (cast to a derived type for `OptionSet`), `OneToManyRelationships`, `ManyToOneRelationships`,
 * `ManyToManyRelationships` and `Keys`, and `GlobalOptionSetDefinitions`. No paging, as in Dataverse.
 */
export function isMetadataSet(name: string): boolean {
  return name === 'EntityDefinitions' || name === 'GlobalOptionSetDefinitions' || name === 'RelationshipDefinitions'
}

const CRM = 'Microsoft.Dynamics.CRM.'
const METADATA_OPTIONS = new Set(['$select', '$filter', '$expand'])

function notFound(what: string): DataverseFailure {
  return new DataverseFailure(404, '0x80040217', `The entity with a name = '${what}' with namemapping = 'Logical' was not found in the MetadataCache.`)
}

/** What a metadata row's navigation property holds, computed from the schema. */
function children(type: string, row: Row, nav: string): Row[] | Row | null {
  if (type === 'EntityMetadata') {
    const table = tableByName.get(String(row.LogicalName))!
    switch (nav) {
      case 'Attributes':
        return table.columns.map((c, i) => attributeDefinition(table, c, i))
      case 'OneToManyRelationships':
        return oneToMany(table)
      case 'ManyToOneRelationships':
        return manyToOne(table)
      case 'ManyToManyRelationships':
        return manyToMany(table)
      case 'Keys':
        return keysOf(table)
    }
  }
  if (nav === 'OptionSet' || nav === 'GlobalOptionSet') {
    if (nav === 'GlobalOptionSet') return null
    const table = tableByName.get(String(row.EntityLogicalName))!
    const col = table.columns.find((c) => attributeName(c) === row.LogicalName)!
    return optionSet(table, col)
  }
  return null
}

function scopeOf(type: string): FilterScope {
  const complex = COMPLEX_TYPES[type]
  const props = complex ?? propertiesOf(type)
  const navs = complex ? {} : navigationOf(type)
  return {
    typeName: type,
    property(name) {
      const t = props[name]
      if (!t || t.startsWith('Collection(')) return undefined
      if (t.startsWith('Edm.')) return { edm: t, get: (row) => row[name] ?? null }
      const bare = t.replace(/^mscrm\./, '')
      if (ENUM_TYPES[bare]) return { edm: `${CRM}${bare}`, get: (row) => row[name] ?? null }
      return undefined
    },
    navigation(name) {
      const t = props[name]
      const bare = t?.replace(/^mscrm\./, '')
      if (bare && COMPLEX_TYPES[bare] && bare !== 'Label' && bare !== 'LocalizedLabel') return { collection: false, scope: scopeOf(bare), follow: (row) => (row[name] as Row | null) ?? null }
      const nav = navs[name]
      if (!nav) return undefined
      return { collection: nav.collection, scope: scopeOf(nav.type), follow: (row) => children(type, row, name) }
    }
  }
}

interface Shape {
  select: string[] | null
  filter: Filter | null
  expand: Array<{ name: string; shape: Shape; type: string; collection: boolean }>
}

function shapeOf(call: Call, type: string, options: Map<string, string>): Shape {
  const props = propertiesOf(type)
  const navs = navigationOf(type)
  const selectText = options.get('$select')
  const select = selectText ? splitTopLevel(selectText, ',') : null
  for (const name of select ?? []) if (!(name in props) && !(name in navs)) throw dv.unknownProperty(name, type)
  const filterText = options.get('$filter')
  const filter = filterText ? parseFilter(filterText, scopeOf(type), call.env.filter) : null
  const expand = splitTopLevel(options.get('$expand') ?? '', ',').map((part) => {
    const open = part.indexOf('(')
    const name = open < 0 ? part : part.slice(0, open)
    const nav = navs[name]
    if (!nav) throw dv.unknownProperty(name, type)
    const inner = new Map<string, string>()
    if (open >= 0) {
      for (const opt of splitTopLevel(part.slice(open + 1, -1), ';')) {
        const eq = opt.indexOf('=')
        if (eq <= 0 || !METADATA_OPTIONS.has(opt.slice(0, eq).toLowerCase())) throw dv.badRequest(`Syntax error in $expand options: '${opt}'.`)
        inner.set(opt.slice(0, eq).toLowerCase(), opt.slice(eq + 1))
      }
    }
    return { name, type: nav.type, collection: nav.collection, shape: shapeOf(call, nav.type, inner) }
  })
  return { select, filter, expand }
}

function shaped(type: string, row: Row, shape: Shape, typeAnnotation: boolean): Row {
  const out: Row = {}
  if (typeAnnotation && row['@odata.type']) out['@odata.type'] = row['@odata.type']
  const props = propertiesOf(type)
  const names = shape.select ? [...new Set([...shape.select.filter((n) => n in props), ...('MetadataId' in props ? ['MetadataId'] : [])])] : Object.keys(row).filter((k) => !k.startsWith('@'))
  for (const name of names) if (name in row) out[name] = row[name]
  for (const x of shape.expand) {
    const value = children(type, row, x.name)
    if (Array.isArray(value)) out[x.name] = value.filter((r) => !x.shape.filter || x.shape.filter.test(r)).map((r) => shaped(x.type, r, x.shape, true))
    else out[x.name] = value ? shaped(x.type, value, x.shape, false) : null
  }
  return out
}

function optionsOf(call: Call): Map<string, string> {
  checkQueryOptions(call)
  const out = new Map<string, string>()
  for (const name of METADATA_OPTIONS) {
    const value = call.q.get(name)
    if (value !== null) out.set(name, value)
  }
  for (const name of ['$top', '$orderby', '$count', '$skiptoken', '$apply']) if (call.q.has(name)) throw dv.queryOptionNotSupported(name)
  return out
}

/** `(LogicalName='account')`, `('account')` or `(<MetadataId>)`. */
function keyOf(args: string, nameProperty: string): { property: string; value: string } {
  const text = safeDecode(args).trim()
  const named = new RegExp(`^${nameProperty}\\s*=\\s*(.+)$`).exec(text)
  const raw = named ? named[1]! : text
  if (/^\{?[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}\}?$/i.test(raw)) return { property: 'MetadataId', value: raw.replace(/[{}]/g, '').toLowerCase() }
  const literal = parseLiteral(raw)
  if (literal.type !== 'Edm.String') throw dv.badRequest(`The key '${text}' is not valid: use (${nameProperty}='…') or the MetadataId.`)
  return { property: nameProperty, value: String(literal.value) }
}

function pick(rows: Row[], key: { property: string; value: string }, what: string): Row {
  const row = rows.find((r) => String(r[key.property]).toLowerCase() === key.value.toLowerCase())
  if (!row) throw notFound(key.property === 'MetadataId' ? `${what} ${key.value}` : key.value)
  return row
}

export function handleMetadata(call: Call, segments: Segment[]): SandboxResponse {
  if (call.method !== 'GET') throw dv.notSupported(`Changing table definitions (${call.method} ${segments[0]!.name})`)
  const options = optionsOf(call)
  const root = `${call.base}/$metadata#`
  const select = (type: string, shape: Shape) => (shape.select ? `(${[...shape.select, ...shape.expand.map((x) => x.name)].join(',')})` : '')
  const [set, ...rest] = segments as [Segment, ...Segment[]]

  if (set.name === 'RelationshipDefinitions') {
    if (set.args !== null || rest.length) throw dv.noResource(safeDecode(rest[0]?.raw ?? set.raw))
    const shape = shapeOf(call, 'OneToManyRelationshipMetadata', options)
    const rows = TABLES.flatMap(oneToMany).filter((r) => !shape.filter || shape.filter.test(r))
    return odataJson(200, { '@odata.context': `${root}RelationshipDefinitions${select('OneToManyRelationshipMetadata', shape)}`, value: rows.map((r) => shaped('OneToManyRelationshipMetadata', r, shape, true)) })
  }

  if (set.name === 'GlobalOptionSetDefinitions') {
    const cast = rest[0]?.name.startsWith(CRM) ? rest.shift()!.name.slice(CRM.length) : null
    if (rest.length || (cast && cast !== 'OptionSetMetadata')) throw dv.noResource(safeDecode(rest[0]?.raw ?? cast ?? ''))
    const shape = shapeOf(call, 'OptionSetMetadata', options)
    if (set.args !== null) {
      const row = pick(GLOBAL_OPTION_SETS, keyOf(set.args, 'Name'), 'GlobalOptionSet')
      return odataJson(200, { '@odata.context': `${root}GlobalOptionSetDefinitions${select('OptionSetMetadata', shape)}/$entity`, ...shaped('OptionSetMetadata', row, shape, false) })
    }
    const rows = GLOBAL_OPTION_SETS.filter((r) => !shape.filter || shape.filter.test(r))
    return odataJson(200, { '@odata.context': `${root}GlobalOptionSetDefinitions${select('OptionSetMetadata', shape)}`, value: rows.map((r) => ({ '@odata.type': '#Microsoft.Dynamics.CRM.OptionSetMetadata', ...shaped('OptionSetMetadata', r, shape, false) })) })
  }

  const entities = TABLES.map(entityDefinition)
  if (set.args === null) {
    if (rest.length) throw dv.noResource(safeDecode(rest[0]!.raw))
    const shape = shapeOf(call, 'EntityMetadata', options)
    const rows = entities.filter((r) => !shape.filter || shape.filter.test(r))
    return odataJson(200, { '@odata.context': `${root}EntityDefinitions${select('EntityMetadata', shape)}`, value: rows.map((r) => shaped('EntityMetadata', r, shape, false)) })
  }
  const entity = pick(entities, keyOf(set.args, 'LogicalName'), 'Entity')
  const entityPath = `EntityDefinitions(${String(entity.MetadataId)})`
  if (!rest.length) {
    const shape = shapeOf(call, 'EntityMetadata', options)
    return odataJson(200, { '@odata.context': `${root}EntityDefinitions${select('EntityMetadata', shape)}/$entity`, ...shaped('EntityMetadata', entity, shape, false) })
  }
  const nav = rest.shift()!
  const navInfo = navigationOf('EntityMetadata')[nav.name]
  if (!navInfo) throw dv.noResource(safeDecode(nav.raw))
  const table = tableByName.get(String(entity.LogicalName))!
  let type = navInfo.type
  let rows = children('EntityMetadata', entity, nav.name) as Row[]
  let cast: string | null = null
  if (rest[0]?.name.startsWith(CRM)) {
    cast = rest.shift()!.name.slice(CRM.length)
    if (nav.name !== 'Attributes' || !METADATA_TYPES[cast] || !derivesFrom(cast, 'AttributeMetadata')) throw dv.noResource(`${CRM}${cast}`)
    type = cast
    rows = rows.filter((r) => derivesFrom(castOfRow(table, r), cast!))
  }
  let path = `${entityPath}/${nav.name}`
  if (nav.args !== null) {
    const row = pick(rows, keyOf(nav.args, 'LogicalName'), nav.name)
    path = `${entityPath}/${nav.name}(${String(row.MetadataId)})`
    if (rest[0]?.name.startsWith(CRM) && !cast) {
      cast = rest.shift()!.name.slice(CRM.length)
      if (!METADATA_TYPES[cast] || !derivesFrom(castOfRow(table, row), cast)) throw dv.noResource(`${CRM}${cast}`)
      type = cast
    }
    const castPath = cast ? `/${CRM}${cast}` : ''
    if (rest.length) {
      const sub = rest.shift()!
      const subNav = navigationOf(type)[sub.name]
      if (!subNav || rest.length) throw dv.noResource(safeDecode(sub.raw))
      const value = children(type, row, sub.name)
      const shape = shapeOf(call, subNav.type, options)
      if (!value || Array.isArray(value)) throw dv.noResource(sub.name)
      return odataJson(200, { '@odata.context': `${root}${path}${castPath}/${sub.name}${select(subNav.type, shape)}/$entity`, ...shaped(subNav.type, value, shape, false) })
    }
    const shape = shapeOf(call, type, options)
    const body: Row = { '@odata.context': `${root}${entityPath}/${nav.name}${castPath}${select(type, shape)}/$entity` }
    const out = shaped(type, row, shape, !cast)
    for (const x of shape.expand) if (!x.collection) body[`${x.name}@odata.context`] = `${root}${path}${castPath}/${x.name}/$entity`
    return odataJson(200, { ...body, ...out })
  }
  if (rest.length) throw dv.noResource(safeDecode(rest[0]!.raw))
  const shape = shapeOf(call, type, options)
  const value = rows.filter((r) => !shape.filter || shape.filter.test(r)).map((r) => shaped(type, r, shape, !cast))
  return odataJson(200, { '@odata.context': `${root}${path}${cast ? `/${CRM}${cast}` : ''}${select(type, shape)}`, value })
}

function derivesFrom(type: string, base: string): boolean {
  for (let t: string | undefined = type; t; t = METADATA_TYPES[t]?.baseType) if (t === base) return true
  return false
}

function castOfRow(table: Table, row: Row): string {
  const col = table.columns.find((c) => attributeName(c) === row.LogicalName)
  return col ? castOf(col) : 'AttributeMetadata'
}

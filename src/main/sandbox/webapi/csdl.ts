import { COMPLEX_TYPES, ENUM_TYPES, METADATA_TYPES } from './metadataModel'
import { OPERATIONS } from './operations'
import type { Operation } from './operations/types'
import { edmType, ownColumns, ownNavigations, tableByName, TABLES } from './schema'

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * The org's CSDL, shaped like Dataverse's and generated from the same definitions the Web API serves: namespace
 * Microsoft.Dynamics.CRM (alias mscrm), a crmbaseentity, entity types with keys (alternate keys in the Keys
 * vocabulary), properties and navigation (partners, referential constraints), the metadata model behind
 * EntityDefinitions, the functions and actions the Sandbox answers, and the System container.
 */
export function buildCsdl(): string {
  const lines: string[] = []
  const add = (line: string) => lines.push(line)
  add('<?xml version="1.0" encoding="utf-8"?>')
  add('<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">')
  add('<edmx:Reference Uri="http://vocabularies.odata.org/OData.Community.Keys.V1.xml"><edmx:Include Namespace="OData.Community.Keys.V1" Alias="Keys"/></edmx:Reference>')
  add('<edmx:Reference Uri="http://vocabularies.odata.org/OData.Community.Display.V1.xml"><edmx:Include Namespace="OData.Community.Display.V1" Alias="Display"/></edmx:Reference>')
  add('<edmx:DataServices>')
  add('<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">')
  add('<EntityType Name="crmbaseentity" Abstract="true"/>')
  for (const table of TABLES) {
    add(`<EntityType Name="${table.logicalName}" BaseType="mscrm.${table.baseTable ?? 'crmbaseentity'}">`)
    // A derived type (task) inherits its key, columns and navigation properties from its base type (activitypointer).
    if (!table.baseTable) add(`<Key><PropertyRef Name="${table.primaryId}"/></Key>`)
    for (const col of ownColumns(table)) {
      const facets = col.type === 'Money' || col.type === 'Decimal' ? ' Scale="Variable"' : ''
      add(`<Property Name="${col.name}" Type="${edmType(col.type)}"${facets}>`)
      if (col.readOnly) add('<Annotation Term="Org.OData.Core.V1.Computed" Bool="true"/>')
      if (col.maxLength) add(`<Annotation Term="Org.OData.Validation.V1.MaxLength" Int="${col.maxLength}"/>`)
      add('</Property>')
    }
    for (const col of table.columns.filter((c) => c.type === 'Lookup')) {
      for (const t of ownNavigations(table, col)) {
        const target = tableByName.get(t.table)!
        const partner = target.collections.find((c) => c.table === table.logicalName && c.via === col.name)
        add(`<NavigationProperty Name="${t.navigation}" Type="mscrm.${target.logicalName}" Nullable="false"${partner ? ` Partner="${partner.name}"` : ''}>`)
        add(`<ReferentialConstraint Property="${col.name}" ReferencedProperty="${target.primaryId}"/>`)
        add('</NavigationProperty>')
      }
    }
    for (const nav of table.collections) {
      const lookup = tableByName.get(nav.table)!.columns.find((c) => c.name === nav.via)!
      const partner = lookup.targets!.find((t) => t.table === table.logicalName)!
      add(`<NavigationProperty Name="${nav.name}" Type="Collection(mscrm.${nav.table})" Partner="${partner.navigation}"/>`)
    }
    // A many-to-many relationship: the same name on both sides, each the other's partner.
    for (const m of table.manyToMany ?? []) add(`<NavigationProperty Name="${m.name}" Type="Collection(mscrm.${m.table})" Partner="${m.name}"/>`)
    if (table.alternateKeys.length) {
      add('<Annotation Term="OData.Community.Keys.V1.AlternateKeys"><Collection>')
      for (const key of table.alternateKeys) {
        add('<Record Type="OData.Community.Keys.V1.AlternateKey"><PropertyValue Property="Key"><Collection>')
        for (const c of key.columns) add(`<Record Type="OData.Community.Keys.V1.PropertyRef"><PropertyValue Property="Alias" String="${c}"/><PropertyValue Property="Name" PropertyPath="${c}"/></Record>`)
        add('</Collection></PropertyValue></Record>')
      }
      add('</Collection></Annotation>')
    }
    add('</EntityType>')
  }
  for (const [name, members] of Object.entries(ENUM_TYPES)) add(`<EnumType Name="${name}">${members.map((m, i) => `<Member Name="${m}" Value="${i}"/>`).join('')}</EnumType>`)
  for (const [name, props] of Object.entries(COMPLEX_TYPES)) add(`<ComplexType Name="${name}">${Object.entries(props).map(([p, t]) => `<Property Name="${p}" Type="${t}"/>`).join('')}</ComplexType>`)
  for (const [name, type] of Object.entries(METADATA_TYPES)) {
    const key = type.baseType ? '' : '<Key><PropertyRef Name="MetadataId"/></Key>'
    const props = Object.entries(type.properties).map(([p, t]) => `<Property Name="${p}" Type="${t}"${p === 'MetadataId' ? ' Nullable="false"' : ''}/>`).join('')
    const navs = Object.entries(type.navigation ?? {}).map(([n, t]) => `<NavigationProperty Name="${n}" Type="${t.collection ? `Collection(mscrm.${t.type})` : `mscrm.${t.type}`}"/>`).join('')
    add(`<EntityType Name="${name}"${type.baseType ? ` BaseType="mscrm.${type.baseType}"` : ''}>${key}${props}${navs}</EntityType>`)
  }
  for (const op of OPERATIONS) for (const line of operationCsdl(op)) add(line)
  add('<EntityContainer Name="System">')
  for (const table of TABLES) {
    add(`<EntitySet Name="${table.entitySet}" EntityType="mscrm.${table.logicalName}">`)
    for (const col of table.columns.filter((c) => c.type === 'Lookup')) for (const t of col.targets!) add(`<NavigationPropertyBinding Path="${t.navigation}" Target="${tableByName.get(t.table)!.entitySet}"/>`)
    for (const nav of table.collections) add(`<NavigationPropertyBinding Path="${nav.name}" Target="${tableByName.get(nav.table)!.entitySet}"/>`)
    for (const m of table.manyToMany ?? []) add(`<NavigationPropertyBinding Path="${m.name}" Target="${tableByName.get(m.table)!.entitySet}"/>`)
    if (table.changeTracking) add('<Annotation Term="Org.OData.Capabilities.V1.ChangeTracking"><Record><PropertyValue Property="Supported" Bool="true"/></Record></Annotation>')
    add('</EntitySet>')
  }
  add('<EntitySet Name="EntityDefinitions" EntityType="mscrm.EntityMetadata"/>')
  add('<EntitySet Name="GlobalOptionSetDefinitions" EntityType="mscrm.OptionSetMetadataBase"/>')
  add('<EntitySet Name="RelationshipDefinitions" EntityType="mscrm.RelationshipMetadataBase"/>')
  // Unbound operations are imported into the container; bound ones are called on their table's records.
  for (const op of OPERATIONS.filter((o) => !o.boundTo)) add(op.kind === 'Function' ? `<FunctionImport Name="${op.name}" Function="mscrm.${op.name}"/>` : `<ActionImport Name="${op.name}" Action="mscrm.${op.name}"/>`)
  add('</EntityContainer>')
  add('</Schema>')
  add('</edmx:DataServices>')
  add('</edmx:Edmx>')
  return lines.map((l) => l.replace(/Name="([^"]*)"/g, (_m, n: string) => `Name="${esc(n)}"`)).join('\n')
}

/**
 * An operation as Dataverse declares it: the complex types of its response just above it, `IsBound="true"` with the
 * binding parameter `entity` first for a bound one, `Nullable="false"` on required parameters, and
 * `Unicode="false"` on a Custom API's strings ("Create and use Custom APIs").
 */
function operationCsdl(op: Operation): string[] {
  const lines: string[] = []
  const unicode = (type: string) => (op.customApi && type === 'Edm.String' ? ' Unicode="false"' : '')
  for (const e of op.enumTypes ?? []) lines.push(`<EnumType Name="${e.name}">${e.members.map(([n, v]) => `<Member Name="${n}" Value="${v}"/>`).join('')}</EnumType>`)
  for (const c of op.complexTypes ?? []) lines.push(`<ComplexType Name="${c.name}">${c.properties.map((p) => `<Property Name="${p.name}" Type="${p.type}"${p.nullable === false ? ' Nullable="false"' : ''}${p.type === 'Edm.String' ? ' Unicode="false"' : ''}/>`).join('')}</ComplexType>`)
  const params = [...(op.boundTo ? [{ name: 'entity', type: `mscrm.${op.boundTo}`, required: true }] : []), ...op.parameters]
  const body = params.map((p) => `<Parameter Name="${p.name}" Type="${p.type}"${p.required ? ' Nullable="false"' : ''}${unicode(p.type)}/>`).join('')
  const returns = op.returns ? `<ReturnType Type="${op.returns.type}"${op.returns.nullable ? '' : ' Nullable="false"'}/>` : ''
  lines.push(`<${op.kind} Name="${op.name}"${op.boundTo ? ' IsBound="true"' : ''}>${body}${returns}</${op.kind}>`)
  return lines
}

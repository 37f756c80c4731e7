import { COMPLEX_TYPES, ENUM_TYPES, METADATA_TYPES } from './metadataModel'
import { edmType, tableByName, TABLES } from './schema'

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
    add(`<EntityType Name="${table.logicalName}" BaseType="mscrm.crmbaseentity">`)
    add(`<Key><PropertyRef Name="${table.primaryId}"/></Key>`)
    for (const col of table.columns) {
      const facets = col.type === 'Money' || col.type === 'Decimal' ? ' Scale="Variable"' : ''
      add(`<Property Name="${col.name}" Type="${edmType(col.type)}"${facets}>`)
      if (col.readOnly) add('<Annotation Term="Org.OData.Core.V1.Computed" Bool="true"/>')
      if (col.maxLength) add(`<Annotation Term="Org.OData.Validation.V1.MaxLength" Int="${col.maxLength}"/>`)
      add('</Property>')
    }
    for (const col of table.columns.filter((c) => c.type === 'Lookup')) {
      for (const t of col.targets!) {
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
  add('<ComplexType Name="WhoAmIResponse"><Property Name="BusinessUnitId" Type="Edm.Guid" Nullable="false"/><Property Name="UserId" Type="Edm.Guid" Nullable="false"/><Property Name="OrganizationId" Type="Edm.Guid" Nullable="false"/></ComplexType>')
  add('<ComplexType Name="RetrieveVersionResponse"><Property Name="Version" Type="Edm.String" Unicode="false"/></ComplexType>')
  add('<ComplexType Name="EntityRecordCountCollection"><Property Name="Count" Type="Edm.Int32" Nullable="false"/><Property Name="IsReadOnly" Type="Edm.Boolean" Nullable="false"/><Property Name="Keys" Type="Collection(Edm.String)"/><Property Name="Values" Type="Collection(Edm.Int64)"/></ComplexType>')
  add('<ComplexType Name="RetrieveTotalRecordCountResponse"><Property Name="EntityRecordCountCollection" Type="mscrm.EntityRecordCountCollection"/></ComplexType>')
  add('<Function Name="WhoAmI"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false"/></Function>')
  add('<Function Name="RetrieveVersion"><ReturnType Type="mscrm.RetrieveVersionResponse" Nullable="false"/></Function>')
  add('<Function Name="RetrieveTotalRecordCount"><Parameter Name="EntityNames" Type="Collection(Edm.String)" Nullable="false"/><ReturnType Type="mscrm.RetrieveTotalRecordCountResponse" Nullable="false"/></Function>')
  add('<Action Name="Merge"><Parameter Name="Target" Type="mscrm.crmbaseentity" Nullable="false"/><Parameter Name="Subordinate" Type="mscrm.crmbaseentity" Nullable="false"/><Parameter Name="UpdateContent" Type="mscrm.crmbaseentity"/><Parameter Name="PerformParentingChecks" Type="Edm.Boolean" Nullable="false"/></Action>')
  add('<EntityContainer Name="System">')
  for (const table of TABLES) {
    add(`<EntitySet Name="${table.entitySet}" EntityType="mscrm.${table.logicalName}">`)
    for (const col of table.columns.filter((c) => c.type === 'Lookup')) for (const t of col.targets!) add(`<NavigationPropertyBinding Path="${t.navigation}" Target="${tableByName.get(t.table)!.entitySet}"/>`)
    for (const nav of table.collections) add(`<NavigationPropertyBinding Path="${nav.name}" Target="${tableByName.get(nav.table)!.entitySet}"/>`)
    if (table.changeTracking) add('<Annotation Term="Org.OData.Capabilities.V1.ChangeTracking"><Record><PropertyValue Property="Supported" Bool="true"/></Record></Annotation>')
    add('</EntitySet>')
  }
  add('<EntitySet Name="EntityDefinitions" EntityType="mscrm.EntityMetadata"/>')
  add('<EntitySet Name="GlobalOptionSetDefinitions" EntityType="mscrm.OptionSetMetadataBase"/>')
  add('<EntitySet Name="RelationshipDefinitions" EntityType="mscrm.RelationshipMetadataBase"/>')
  add('<FunctionImport Name="WhoAmI" Function="mscrm.WhoAmI"/>')
  add('<FunctionImport Name="RetrieveVersion" Function="mscrm.RetrieveVersion"/>')
  add('<FunctionImport Name="RetrieveTotalRecordCount" Function="mscrm.RetrieveTotalRecordCount"/>')
  add('<ActionImport Name="Merge" Action="mscrm.Merge"/>')
  add('</EntityContainer>')
  add('</Schema>')
  add('</edmx:DataServices>')
  add('</edmx:Edmx>')
  return lines.map((l) => l.replace(/Name="([^"]*)"/g, (_m, n: string) => `Name="${esc(n)}"`)).join('\n')
}

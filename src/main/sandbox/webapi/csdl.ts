import { edmType, tableByName, TABLES } from './schema'

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * The org's CSDL, shaped like Dataverse's: namespace Microsoft.Dynamics.CRM (alias mscrm), a crmbaseentity,
 * entity types with keys, properties and navigation properties (with partners and referential constraints),
 * the WhoAmI and RetrieveVersion functions, the Merge action, and the System container.
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
      const target = tableByName.get(col.target!)!
      const partner = target.collections.find((c) => c.table === table.logicalName && c.via === col.name)
      add(`<NavigationProperty Name="${col.navigation}" Type="mscrm.${target.logicalName}" Nullable="false"${partner ? ` Partner="${partner.name}"` : ''}>`)
      add(`<ReferentialConstraint Property="${col.name}" ReferencedProperty="${target.primaryId}"/>`)
      add('</NavigationProperty>')
    }
    for (const nav of table.collections) {
      const lookup = tableByName.get(nav.table)!.columns.find((c) => c.name === nav.via)!
      add(`<NavigationProperty Name="${nav.name}" Type="Collection(mscrm.${nav.table})" Partner="${lookup.navigation}"/>`)
    }
    add('</EntityType>')
  }
  add('<ComplexType Name="WhoAmIResponse"><Property Name="BusinessUnitId" Type="Edm.Guid" Nullable="false"/><Property Name="UserId" Type="Edm.Guid" Nullable="false"/><Property Name="OrganizationId" Type="Edm.Guid" Nullable="false"/></ComplexType>')
  add('<ComplexType Name="RetrieveVersionResponse"><Property Name="Version" Type="Edm.String" Unicode="false"/></ComplexType>')
  add('<Function Name="WhoAmI"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false"/></Function>')
  add('<Function Name="RetrieveVersion"><ReturnType Type="mscrm.RetrieveVersionResponse" Nullable="false"/></Function>')
  add('<Action Name="Merge"><Parameter Name="Target" Type="mscrm.crmbaseentity" Nullable="false"/><Parameter Name="Subordinate" Type="mscrm.crmbaseentity" Nullable="false"/><Parameter Name="UpdateContent" Type="mscrm.crmbaseentity"/><Parameter Name="PerformParentingChecks" Type="Edm.Boolean" Nullable="false"/></Action>')
  add('<EntityContainer Name="System">')
  for (const table of TABLES) {
    add(`<EntitySet Name="${table.entitySet}" EntityType="mscrm.${table.logicalName}">`)
    for (const col of table.columns.filter((c) => c.type === 'Lookup')) add(`<NavigationPropertyBinding Path="${col.navigation}" Target="${tableByName.get(col.target!)!.entitySet}"/>`)
    for (const nav of table.collections) add(`<NavigationPropertyBinding Path="${nav.name}" Target="${tableByName.get(nav.table)!.entitySet}"/>`)
    add('</EntitySet>')
  }
  add('<FunctionImport Name="WhoAmI" Function="mscrm.WhoAmI"/>')
  add('<FunctionImport Name="RetrieveVersion" Function="mscrm.RetrieveVersion"/>')
  add('<ActionImport Name="Merge" Action="mscrm.Merge"/>')
  add('</EntityContainer>')
  add('</Schema>')
  add('</edmx:DataServices>')
  add('</edmx:Edmx>')
  return lines.map((l) => l.replace(/Name="([^"]*)"/g, (_m, n: string) => `Name="${esc(n)}"`)).join('\n')
}

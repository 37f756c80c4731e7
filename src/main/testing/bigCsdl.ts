/**
 * A CSDL document of real-org size for benchmarks and tests: Dataverse's shape (namespace
 * Microsoft.Dynamics.CRM, alias mscrm, crmbaseentity, lookups with referential constraints and
 * partners, alternate keys, option sets as Edm.Int32, actions and functions bound and unbound).
 * Deterministic: the same options give the same bytes.
 */
export interface BigCsdlOptions {
  entityTypes: number
  propertiesPerType: number
  lookupsPerType: number
  actions: number
  functions: number
}

export const REAL_ORG_SIZE: BigCsdlOptions = { entityTypes: 1000, propertiesPerType: 60, lookupsPerType: 6, actions: 400, functions: 150 }

const EDM = ['Edm.String', 'Edm.Int32', 'Edm.Decimal', 'Edm.Boolean', 'Edm.DateTimeOffset', 'Edm.Guid', 'Edm.Int64', 'Edm.Double', 'Edm.Date']

export function generateCsdl(o: BigCsdlOptions = REAL_ORG_SIZE): string {
  const out: string[] = []
  const name = (i: number) => (i === 0 ? 'account' : i === 1 ? 'contact' : `new_table${String(i).padStart(4, '0')}`)
  const set = (i: number) => (i === 0 ? 'accounts' : i === 1 ? 'contacts' : `${name(i)}s`)
  out.push('<?xml version="1.0" encoding="utf-8"?>')
  out.push('<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">')
  out.push('<edmx:Reference Uri="http://vocabularies.odata.org/OData.Community.Keys.V1.xml"><edmx:Include Namespace="OData.Community.Keys.V1" Alias="Keys"/></edmx:Reference>')
  out.push('<edmx:DataServices><Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">')
  out.push('<EntityType Name="crmbaseentity" Abstract="true"/>')
  for (let t = 0; t < o.entityTypes; t++) {
    const n = name(t)
    out.push(`<EntityType Name="${n}" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="${n}id"/></Key>`)
    out.push(`<Property Name="${n}id" Type="Edm.Guid"/>`)
    out.push(`<Property Name="name" Type="Edm.String" Unicode="false"><Annotation Term="Org.OData.Core.V1.Description" String="The primary name of the ${n} record."/></Property>`)
    for (let p = 0; p < o.propertiesPerType; p++) {
      const type = EDM[(t + p) % EDM.length]!
      const facets = type === 'Edm.Decimal' ? ' Scale="Variable"' : type === 'Edm.String' ? ' Unicode="false"' : ''
      out.push(`<Property Name="new_field${String(p).padStart(3, '0')}" Type="${type}"${facets}><Annotation Term="Org.OData.Core.V1.Description" String="Column ${p} of ${n}, added by the customisation team."/></Property>`)
    }
    for (let l = 0; l < o.lookupsPerType; l++) {
      const target = (t + l + 1) % o.entityTypes
      out.push(`<Property Name="_new_lookup${l}_value" Type="Edm.Guid"/>`)
      out.push(`<NavigationProperty Name="new_lookup${l}" Type="mscrm.${name(target)}" Nullable="false" Partner="new_${n}_lookup${l}"><ReferentialConstraint Property="_new_lookup${l}_value" ReferencedProperty="${name(target)}id"/></NavigationProperty>`)
    }
    for (let l = 0; l < o.lookupsPerType; l++) {
      const source = (t - l - 1 + o.entityTypes) % o.entityTypes
      out.push(`<NavigationProperty Name="new_${name(source)}_lookup${l}" Type="Collection(mscrm.${name(source)})" Partner="new_lookup${l}"/>`)
    }
    out.push('<Annotation Term="OData.Community.Keys.V1.AlternateKeys"><Collection><Record Type="OData.Community.Keys.V1.AlternateKey"><PropertyValue Property="Key"><Collection>')
    out.push(`<Record Type="OData.Community.Keys.V1.PropertyRef"><PropertyValue Property="Alias" String="new_field000"/><PropertyValue Property="Name" PropertyPath="new_field000"/></Record>`)
    out.push('</Collection></PropertyValue></Record></Collection></Annotation>')
    out.push('</EntityType>')
  }
  out.push('<ComplexType Name="WhoAmIResponse"><Property Name="BusinessUnitId" Type="Edm.Guid" Nullable="false"/><Property Name="UserId" Type="Edm.Guid" Nullable="false"/><Property Name="OrganizationId" Type="Edm.Guid" Nullable="false"/></ComplexType>')
  out.push('<EnumType Name="EntityFilters" IsFlags="true"><Member Name="Default" Value="1"/><Member Name="Entity" Value="1"/><Member Name="Attributes" Value="2"/><Member Name="Privileges" Value="4"/><Member Name="Relationships" Value="8"/><Member Name="All" Value="15"/></EnumType>')
  out.push('<Function Name="WhoAmI"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false"/></Function>')
  for (let a = 0; a < o.actions; a++) {
    const bound = a % 2 === 0
    const target = name(a % o.entityTypes)
    out.push(`<Action Name="new_Action${a}"${bound ? ' IsBound="true"' : ''}>`)
    if (bound) out.push(`<Parameter Name="entity" Type="mscrm.${target}" Nullable="false"/>`)
    out.push(`<Parameter Name="Amount" Type="Edm.Decimal" Nullable="false"/><Parameter Name="Note" Type="Edm.String" Unicode="false"/><Parameter Name="Related" Type="mscrm.${name((a + 1) % o.entityTypes)}"/><Parameter Name="Targets" Type="Collection(mscrm.crmbaseentity)"/>`)
    out.push('<ReturnType Type="mscrm.WhoAmIResponse" Nullable="false"/></Action>')
  }
  for (let f = 0; f < o.functions; f++) {
    const bound = f % 3 === 0
    out.push(`<Function Name="new_Function${f}"${bound ? ' IsBound="true"' : ''}>`)
    if (bound) out.push(`<Parameter Name="entity" Type="Collection(mscrm.${name(f % o.entityTypes)})" Nullable="false"/>`)
    out.push('<Parameter Name="Days" Type="Edm.Int32" Nullable="false"/><Parameter Name="Filters" Type="mscrm.EntityFilters"/><ReturnType Type="Collection(Edm.String)"/></Function>')
  }
  out.push('<EntityContainer Name="System">')
  for (let t = 0; t < o.entityTypes; t++) {
    out.push(`<EntitySet Name="${set(t)}" EntityType="mscrm.${name(t)}">`)
    for (let l = 0; l < o.lookupsPerType; l++) out.push(`<NavigationPropertyBinding Path="new_lookup${l}" Target="${set((t + l + 1) % o.entityTypes)}"/>`)
    out.push('</EntitySet>')
  }
  out.push('<FunctionImport Name="WhoAmI" Function="mscrm.WhoAmI"/>')
  for (let a = 1; a < o.actions; a += 2) out.push(`<ActionImport Name="new_Action${a}" Action="mscrm.new_Action${a}"/>`)
  for (let f = 1; f < o.functions; f++) if (f % 3 !== 0) out.push(`<FunctionImport Name="new_Function${f}" Function="mscrm.new_Function${f}"/>`)
  out.push('</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>')
  return out.join('\n')
}

import { createHash } from 'node:crypto'
import type { Row } from './seedData'
import { attributeName, displayNameOf, tableByName, TABLES, type Column, type Table } from './schema'

/**
 * The org's definitions (EntityMetadata, AttributeMetadata, relationships, option sets) built from the same tables
 * that drive the data, and the types that describe them: `$metadata` declares exactly these.
 */
export const COMPLEX_TYPES: Record<string, Record<string, string>> = {
  Label: { LocalizedLabels: 'Collection(mscrm.LocalizedLabel)', UserLocalizedLabel: 'mscrm.LocalizedLabel' },
  LocalizedLabel: { Label: 'Edm.String', LanguageCode: 'Edm.Int32', IsManaged: 'Edm.Boolean', MetadataId: 'Edm.Guid', HasChanged: 'Edm.Boolean' },
  BooleanManagedProperty: { Value: 'Edm.Boolean', CanBeChanged: 'Edm.Boolean', ManagedPropertyLogicalName: 'Edm.String' },
  AttributeRequiredLevelManagedProperty: { Value: 'mscrm.AttributeRequiredLevel', CanBeChanged: 'Edm.Boolean', ManagedPropertyLogicalName: 'Edm.String' },
  AttributeTypeDisplayName: { Value: 'Edm.String' },
  OptionMetadata: { Value: 'Edm.Int32', Label: 'mscrm.Label', Description: 'mscrm.Label', Color: 'Edm.String', IsManaged: 'Edm.Boolean', MetadataId: 'Edm.Guid', HasChanged: 'Edm.Boolean' }
}

export const ENUM_TYPES: Record<string, string[]> = {
  OwnershipTypes: ['None', 'UserOwned', 'TeamOwned', 'BusinessOwned', 'OrganizationOwned', 'BusinessParented'],
  AttributeRequiredLevel: ['None', 'SystemRequired', 'ApplicationRequired', 'Recommended'],
  AttributeTypeCode: ['Boolean', 'Customer', 'DateTime', 'Decimal', 'Double', 'Integer', 'Lookup', 'Memo', 'Money', 'Owner', 'PartyList', 'Picklist', 'State', 'Status', 'String', 'Uniqueidentifier', 'CalendarRules', 'Virtual', 'BigInt', 'ManagedProperty', 'EntityName'],
  RelationshipType: ['OneToManyRelationship', 'ManyToManyRelationship'],
  OptionSetType: ['Picklist', 'State', 'Status', 'Boolean']
}

/** Entity types of the metadata model: properties, then navigation (name → target type, collection or not). */
export interface MetadataType {
  baseType?: string
  properties: Record<string, string>
  navigation?: Record<string, { type: string; collection: boolean }>
}

export const METADATA_TYPES: Record<string, MetadataType> = {
  EntityMetadata: {
    properties: {
      MetadataId: 'Edm.Guid', LogicalName: 'Edm.String', SchemaName: 'Edm.String', EntitySetName: 'Edm.String', LogicalCollectionName: 'Edm.String', CollectionSchemaName: 'Edm.String',
      DisplayName: 'mscrm.Label', DisplayCollectionName: 'mscrm.Label', Description: 'mscrm.Label', PrimaryIdAttribute: 'Edm.String', PrimaryNameAttribute: 'Edm.String', ObjectTypeCode: 'Edm.Int32',
      OwnershipType: 'mscrm.OwnershipTypes', IsCustomEntity: 'Edm.Boolean', IsActivity: 'Edm.Boolean', IsIntersect: 'Edm.Boolean', ChangeTrackingEnabled: 'Edm.Boolean', IsKnowledgeManagementEnabled: 'Edm.Boolean',
      IsOptimisticConcurrencyEnabled: 'Edm.Boolean', IsValidForAdvancedFind: 'Edm.Boolean', CanCreateAttributes: 'mscrm.BooleanManagedProperty', CanChangeTrackingBeEnabled: 'mscrm.BooleanManagedProperty',
      IsCustomizable: 'mscrm.BooleanManagedProperty', HasChanged: 'Edm.Boolean'
    },
    navigation: {
      Attributes: { type: 'AttributeMetadata', collection: true },
      OneToManyRelationships: { type: 'OneToManyRelationshipMetadata', collection: true },
      ManyToOneRelationships: { type: 'OneToManyRelationshipMetadata', collection: true },
      ManyToManyRelationships: { type: 'ManyToManyRelationshipMetadata', collection: true },
      Keys: { type: 'EntityKeyMetadata', collection: true }
    }
  },
  AttributeMetadata: {
    properties: {
      MetadataId: 'Edm.Guid', LogicalName: 'Edm.String', SchemaName: 'Edm.String', EntityLogicalName: 'Edm.String', AttributeType: 'mscrm.AttributeTypeCode', AttributeTypeName: 'mscrm.AttributeTypeDisplayName',
      DisplayName: 'mscrm.Label', Description: 'mscrm.Label', IsPrimaryId: 'Edm.Boolean', IsPrimaryName: 'Edm.Boolean', IsCustomAttribute: 'Edm.Boolean', IsValidForCreate: 'Edm.Boolean',
      IsValidForUpdate: 'Edm.Boolean', IsValidForRead: 'Edm.Boolean', RequiredLevel: 'mscrm.AttributeRequiredLevelManagedProperty', AttributeOf: 'Edm.String', ColumnNumber: 'Edm.Int32', HasChanged: 'Edm.Boolean'
    }
  },
  StringAttributeMetadata: { baseType: 'AttributeMetadata', properties: { MaxLength: 'Edm.Int32', Format: 'Edm.String' } },
  MemoAttributeMetadata: { baseType: 'AttributeMetadata', properties: { MaxLength: 'Edm.Int32', Format: 'Edm.String' } },
  IntegerAttributeMetadata: { baseType: 'AttributeMetadata', properties: { MinValue: 'Edm.Int32', MaxValue: 'Edm.Int32', Format: 'Edm.String' } },
  BigIntAttributeMetadata: { baseType: 'AttributeMetadata', properties: { MinValue: 'Edm.Int64', MaxValue: 'Edm.Int64' } },
  DecimalAttributeMetadata: { baseType: 'AttributeMetadata', properties: { Precision: 'Edm.Int32', MinValue: 'Edm.Decimal', MaxValue: 'Edm.Decimal' } },
  MoneyAttributeMetadata: { baseType: 'AttributeMetadata', properties: { Precision: 'Edm.Int32', MinValue: 'Edm.Double', MaxValue: 'Edm.Double' } },
  BooleanAttributeMetadata: { baseType: 'AttributeMetadata', properties: { DefaultValue: 'Edm.Boolean' }, navigation: { OptionSet: { type: 'BooleanOptionSetMetadata', collection: false } } },
  DateTimeAttributeMetadata: { baseType: 'AttributeMetadata', properties: { Format: 'Edm.String' } },
  LookupAttributeMetadata: { baseType: 'AttributeMetadata', properties: { Targets: 'Collection(Edm.String)' } },
  UniqueIdentifierAttributeMetadata: { baseType: 'AttributeMetadata', properties: {} },
  EnumAttributeMetadata: { baseType: 'AttributeMetadata', properties: { DefaultFormValue: 'Edm.Int32' }, navigation: { OptionSet: { type: 'OptionSetMetadata', collection: false }, GlobalOptionSet: { type: 'OptionSetMetadata', collection: false } } },
  PicklistAttributeMetadata: { baseType: 'EnumAttributeMetadata', properties: {} },
  StateAttributeMetadata: { baseType: 'EnumAttributeMetadata', properties: {} },
  StatusAttributeMetadata: { baseType: 'EnumAttributeMetadata', properties: {} },
  OptionSetMetadataBase: { properties: { MetadataId: 'Edm.Guid', Name: 'Edm.String', DisplayName: 'mscrm.Label', Description: 'mscrm.Label', IsCustomOptionSet: 'Edm.Boolean', IsGlobal: 'Edm.Boolean', IsManaged: 'Edm.Boolean', OptionSetType: 'mscrm.OptionSetType', HasChanged: 'Edm.Boolean' } },
  OptionSetMetadata: { baseType: 'OptionSetMetadataBase', properties: { Options: 'Collection(mscrm.OptionMetadata)' } },
  BooleanOptionSetMetadata: { baseType: 'OptionSetMetadataBase', properties: { TrueOption: 'mscrm.OptionMetadata', FalseOption: 'mscrm.OptionMetadata' } },
  RelationshipMetadataBase: { properties: { MetadataId: 'Edm.Guid', SchemaName: 'Edm.String', RelationshipType: 'mscrm.RelationshipType', IsCustomRelationship: 'Edm.Boolean', IsValidForAdvancedFind: 'Edm.Boolean', HasChanged: 'Edm.Boolean' } },
  OneToManyRelationshipMetadata: {
    baseType: 'RelationshipMetadataBase',
    properties: { ReferencedEntity: 'Edm.String', ReferencedAttribute: 'Edm.String', ReferencingEntity: 'Edm.String', ReferencingAttribute: 'Edm.String', ReferencedEntityNavigationPropertyName: 'Edm.String', ReferencingEntityNavigationPropertyName: 'Edm.String' }
  },
  ManyToManyRelationshipMetadata: {
    baseType: 'RelationshipMetadataBase',
    properties: {
      Entity1LogicalName: 'Edm.String', Entity2LogicalName: 'Edm.String', IntersectEntityName: 'Edm.String', Entity1IntersectAttribute: 'Edm.String', Entity2IntersectAttribute: 'Edm.String',
      Entity1NavigationPropertyName: 'Edm.String', Entity2NavigationPropertyName: 'Edm.String'
    }
  },
  EntityKeyMetadata: { properties: { MetadataId: 'Edm.Guid', LogicalName: 'Edm.String', SchemaName: 'Edm.String', EntityLogicalName: 'Edm.String', KeyAttributes: 'Collection(Edm.String)', DisplayName: 'mscrm.Label', EntityKeyIndexStatus: 'Edm.String', HasChanged: 'Edm.Boolean' } }
}

/** All properties of a metadata type, its base types' first. */
export function propertiesOf(type: string): Record<string, string> {
  const t = METADATA_TYPES[type]!
  return { ...(t.baseType ? propertiesOf(t.baseType) : {}), ...t.properties }
}

export function navigationOf(type: string): Record<string, { type: string; collection: boolean }> {
  const t = METADATA_TYPES[type]!
  return { ...(t.baseType ? navigationOf(t.baseType) : {}), ...(t.navigation ?? {}) }
}

/** Stable ids: the same definition has the same MetadataId in every Sandbox. */
export function metadataId(name: string): string {
  const h = createHash('sha1').update(`orgbench-metadata:${name}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

export function label(text: string, key: string): Record<string, unknown> {
  const localized = { Label: text, LanguageCode: 1033, IsManaged: true, MetadataId: metadataId(`label:${key}`), HasChanged: null }
  return { LocalizedLabels: text ? [localized] : [], UserLocalizedLabel: text ? localized : null }
}

const managed = (value: boolean, name: string) => ({ Value: value, CanBeChanged: false, ManagedPropertyLogicalName: name })
const schemaCase = (name: string) => name.replace(/(^|_)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase())

const ATTRIBUTE_TYPES: Record<Column['type'], { code: string; typeName: string; cast: string }> = {
  Guid: { code: 'Uniqueidentifier', typeName: 'UniqueidentifierType', cast: 'UniqueIdentifierAttributeMetadata' },
  String: { code: 'String', typeName: 'StringType', cast: 'StringAttributeMetadata' },
  Memo: { code: 'Memo', typeName: 'MemoType', cast: 'MemoAttributeMetadata' },
  Int32: { code: 'Integer', typeName: 'IntegerType', cast: 'IntegerAttributeMetadata' },
  Int64: { code: 'BigInt', typeName: 'BigIntType', cast: 'BigIntAttributeMetadata' },
  Money: { code: 'Money', typeName: 'MoneyType', cast: 'MoneyAttributeMetadata' },
  Decimal: { code: 'Decimal', typeName: 'DecimalType', cast: 'DecimalAttributeMetadata' },
  Boolean: { code: 'Boolean', typeName: 'BooleanType', cast: 'BooleanAttributeMetadata' },
  DateTimeOffset: { code: 'DateTime', typeName: 'DateTimeType', cast: 'DateTimeAttributeMetadata' },
  Date: { code: 'DateTime', typeName: 'DateTimeType', cast: 'DateTimeAttributeMetadata' },
  Picklist: { code: 'Picklist', typeName: 'PicklistType', cast: 'PicklistAttributeMetadata' },
  State: { code: 'State', typeName: 'StateType', cast: 'StateAttributeMetadata' },
  Status: { code: 'Status', typeName: 'StatusType', cast: 'StatusAttributeMetadata' },
  Lookup: { code: 'Lookup', typeName: 'LookupType', cast: 'LookupAttributeMetadata' }
}

export function castOf(col: Column): string {
  return ATTRIBUTE_TYPES[col.type].cast
}

export function optionSet(table: Table, col: Column): Row | null {
  const name = `${table.logicalName}_${attributeName(col)}`
  if (col.type === 'Boolean') {
    return { MetadataId: metadataId(`optionset:${name}`), Name: name, DisplayName: label(displayNameOf(col), `os:${name}`), Description: label('', `osd:${name}`), IsCustomOptionSet: false, IsGlobal: false, IsManaged: true, OptionSetType: 'Boolean', HasChanged: null, TrueOption: option(1, col.options?.[1] ?? 'Yes', `${name}:1`), FalseOption: option(0, col.options?.[0] ?? 'No', `${name}:0`) }
  }
  if (!col.options) return null
  return {
    MetadataId: metadataId(`optionset:${name}`),
    Name: name,
    DisplayName: label(displayNameOf(col), `os:${name}`),
    Description: label('', `osd:${name}`),
    IsCustomOptionSet: false,
    IsGlobal: false,
    IsManaged: true,
    OptionSetType: col.type === 'Picklist' ? 'Picklist' : col.type,
    HasChanged: null,
    Options: Object.entries(col.options).map(([value, text]) => option(Number(value), text, `${name}:${value}`))
  }
}

function option(value: number, text: string, key: string): Row {
  return { Value: value, Label: label(text, `opt:${key}`), Description: label('', `optd:${key}`), Color: null, IsManaged: true, MetadataId: null, HasChanged: null }
}

/** Global choices (option sets shared by tables); a real org has hundreds, the Sandbox one that every org has. */
export const GLOBAL_OPTION_SETS: Row[] = [
  {
    MetadataId: metadataId('optionset:componentstate'),
    Name: 'componentstate',
    DisplayName: label('Component State', 'os:componentstate'),
    Description: label('The state of this component.', 'osd:componentstate'),
    IsCustomOptionSet: false,
    IsGlobal: true,
    IsManaged: true,
    OptionSetType: 'Picklist',
    HasChanged: null,
    Options: [
      [0, 'Published'],
      [1, 'Unpublished'],
      [2, 'Deleted'],
      [3, 'Deleted Unpublished']
    ].map(([v, t]) => option(v as number, t as string, `componentstate:${String(v)}`))
  }
]

export function attributeDefinition(table: Table, col: Column, index: number): Row {
  const name = attributeName(col)
  const type = ATTRIBUTE_TYPES[col.type]
  const owner = name === 'ownerid'
  const row: Row = {
    '@odata.type': `#Microsoft.Dynamics.CRM.${type.cast}`,
    MetadataId: metadataId(`attribute:${table.logicalName}.${name}`),
    LogicalName: name,
    SchemaName: schemaCase(name),
    EntityLogicalName: table.logicalName,
    AttributeType: owner ? 'Owner' : type.code,
    AttributeTypeName: { Value: owner ? 'OwnerType' : type.typeName },
    DisplayName: label(displayNameOf(col), `attr:${table.logicalName}.${name}`),
    Description: label('', `attrd:${table.logicalName}.${name}`),
    IsPrimaryId: col.name === table.primaryId,
    IsPrimaryName: col.name === table.primaryName && table.primaryName !== '',
    IsCustomAttribute: false,
    IsValidForCreate: !col.readOnly,
    IsValidForUpdate: !col.readOnly && col.name !== table.primaryId,
    IsValidForRead: true,
    RequiredLevel: { Value: col.required ?? (col.name === table.primaryId ? 'SystemRequired' : 'None'), CanBeChanged: true, ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings' },
    AttributeOf: null,
    ColumnNumber: index + 1,
    HasChanged: null
  }
  if (col.type === 'String' || col.type === 'Memo') Object.assign(row, { MaxLength: col.maxLength ?? 100, Format: col.type === 'Memo' ? 'TextArea' : 'Text' })
  if (col.type === 'Int32') Object.assign(row, { MinValue: -2147483648, MaxValue: 2147483647, Format: 'None' })
  if (col.type === 'Int64') Object.assign(row, { MinValue: Number('-9223372036854775808'), MaxValue: Number('9223372036854775807') })
  if (col.type === 'Money') Object.assign(row, { Precision: 2, MinValue: -922337203685477, MaxValue: 922337203685477 })
  if (col.type === 'Decimal') Object.assign(row, { Precision: 10, MinValue: -100000000000, MaxValue: 100000000000 })
  if (col.type === 'DateTimeOffset' || col.type === 'Date') row.Format = col.type === 'Date' ? 'DateOnly' : 'DateAndTime'
  if (col.type === 'Lookup') row.Targets = col.targets!.map((t) => t.table)
  if (col.type === 'Boolean') row.DefaultValue = false
  if (col.options) row.DefaultFormValue = -1
  return row
}

function relationship(parent: Table, nav: { name: string; table: string; via: string }): Row {
  const child = tableByName.get(nav.table)!
  const lookup = child.columns.find((c) => c.name === nav.via)!
  const target = lookup.targets!.find((t) => t.table === parent.logicalName)!
  return {
    MetadataId: metadataId(`relationship:${nav.name}`),
    SchemaName: nav.name,
    RelationshipType: 'OneToManyRelationship',
    IsCustomRelationship: false,
    IsValidForAdvancedFind: true,
    HasChanged: null,
    ReferencedEntity: parent.logicalName,
    ReferencedAttribute: parent.primaryId,
    ReferencingEntity: child.logicalName,
    ReferencingAttribute: attributeName(lookup),
    ReferencedEntityNavigationPropertyName: nav.name,
    ReferencingEntityNavigationPropertyName: target.navigation
  }
}

export function oneToMany(table: Table): Row[] {
  return table.collections.map((c) => relationship(table, c))
}

export function manyToOne(table: Table): Row[] {
  return TABLES.flatMap((parent) => parent.collections.filter((c) => c.table === table.logicalName).map((c) => relationship(parent, c)))
}

/** The table's many-to-many relationships; Entity1 is the table that comes first in the org's list (systemuser). */
export function manyToMany(table: Table): Row[] {
  return (table.manyToMany ?? []).map((m) => {
    const order = TABLES.findIndex((t) => t.logicalName === table.logicalName) < TABLES.findIndex((t) => t.logicalName === m.table)
    const [one, two] = order ? [{ table: table.logicalName, column: m.self }, { table: m.table, column: m.other }] : [{ table: m.table, column: m.other }, { table: table.logicalName, column: m.self }]
    return {
      MetadataId: metadataId(`relationship:${m.name}`),
      SchemaName: m.name,
      RelationshipType: 'ManyToManyRelationship',
      IsCustomRelationship: false,
      IsValidForAdvancedFind: true,
      HasChanged: null,
      Entity1LogicalName: one.table,
      Entity2LogicalName: two.table,
      IntersectEntityName: m.intersect,
      Entity1IntersectAttribute: one.column,
      Entity2IntersectAttribute: two.column,
      Entity1NavigationPropertyName: m.name,
      Entity2NavigationPropertyName: m.name
    }
  })
}

export function keysOf(table: Table): Row[] {
  return table.alternateKeys.map((k) => ({
    MetadataId: metadataId(`key:${table.logicalName}.${k.name}`),
    LogicalName: k.name,
    SchemaName: schemaCase(k.name),
    EntityLogicalName: table.logicalName,
    KeyAttributes: k.columns,
    DisplayName: label(k.displayName, `key:${table.logicalName}.${k.name}`),
    EntityKeyIndexStatus: 'Active',
    HasChanged: null
  }))
}

export function entityDefinition(table: Table): Row {
  return {
    MetadataId: metadataId(`entity:${table.logicalName}`),
    LogicalName: table.logicalName,
    SchemaName: schemaCase(table.logicalName),
    EntitySetName: table.entitySet,
    LogicalCollectionName: table.entitySet,
    CollectionSchemaName: schemaCase(table.entitySet),
    DisplayName: label(table.displayName, `entity:${table.logicalName}`),
    DisplayCollectionName: label(table.displayCollectionName, `entities:${table.logicalName}`),
    Description: label('', `entityd:${table.logicalName}`),
    PrimaryIdAttribute: table.primaryId,
    PrimaryNameAttribute: table.primaryName || null,
    ObjectTypeCode: table.objectTypeCode,
    OwnershipType: table.ownership,
    IsCustomEntity: false,
    IsActivity: table.isActivity === true,
    IsIntersect: table.intersect === true,
    ChangeTrackingEnabled: table.changeTracking,
    IsKnowledgeManagementEnabled: false,
    IsOptimisticConcurrencyEnabled: true,
    IsValidForAdvancedFind: true,
    CanCreateAttributes: managed(true, 'cancreateattributes'),
    CanChangeTrackingBeEnabled: managed(true, 'canchangetrackingbeenabled'),
    IsCustomizable: managed(true, 'iscustomizable'),
    HasChanged: null
  }
}

/** The Sandbox org's tables: one definition drives $metadata, validation, formatting and queries. */

export type ColumnType = 'Guid' | 'String' | 'Memo' | 'Int32' | 'Int64' | 'Money' | 'Decimal' | 'Boolean' | 'DateTimeOffset' | 'Date' | 'Picklist' | 'State' | 'Status' | 'Lookup'

export interface Column {
  name: string
  type: ColumnType
  maxLength?: number
  /** Option labels for Picklist/State/Status. */
  options?: Record<number, string>
  /** For Lookup: the target table and the single-valued navigation property (`_x_value` ↔ `x`). */
  target?: string
  navigation?: string
  readOnly?: boolean
}

export interface CollectionNavigation {
  name: string
  table: string
  /** The lookup column on `table` that points back here. */
  via: string
}

export interface Table {
  logicalName: string
  entitySet: string
  primaryId: string
  primaryName: string
  columns: Column[]
  collections: CollectionNavigation[]
}

const STATE = { 0: 'Active', 1: 'Inactive' }
const audit: Column[] = [
  { name: 'createdon', type: 'DateTimeOffset', readOnly: true },
  { name: 'modifiedon', type: 'DateTimeOffset', readOnly: true },
  { name: 'versionnumber', type: 'Int64', readOnly: true }
]
const owner: Column = { name: '_ownerid_value', type: 'Lookup', target: 'systemuser', navigation: 'ownerid' }

export const TABLES: Table[] = [
  {
    logicalName: 'account',
    entitySet: 'accounts',
    primaryId: 'accountid',
    primaryName: 'name',
    columns: [
      { name: 'accountid', type: 'Guid' },
      { name: 'name', type: 'String', maxLength: 160 },
      { name: 'accountnumber', type: 'String', maxLength: 20 },
      { name: 'telephone1', type: 'String', maxLength: 50 },
      { name: 'emailaddress1', type: 'String', maxLength: 100 },
      { name: 'websiteurl', type: 'String', maxLength: 200 },
      { name: 'address1_city', type: 'String', maxLength: 80 },
      { name: 'address1_country', type: 'String', maxLength: 80 },
      { name: 'description', type: 'Memo', maxLength: 2000 },
      { name: 'revenue', type: 'Money' },
      { name: 'numberofemployees', type: 'Int32' },
      {
        name: 'industrycode',
        type: 'Picklist',
        options: { 1: 'Accounting', 2: 'Agriculture and Non-petrol Natural Resource Extraction', 3: 'Broadcasting Printing and Publishing', 6: 'Consulting', 7: 'Consumer Services', 12: 'Financial', 19: 'Manufacturing', 26: 'Retail', 33: 'Wholesale' }
      },
      { name: 'statecode', type: 'State', options: STATE },
      { name: 'statuscode', type: 'Status', options: { 1: 'Active', 2: 'Inactive' } },
      { name: '_primarycontactid_value', type: 'Lookup', target: 'contact', navigation: 'primarycontactid' },
      { name: '_parentaccountid_value', type: 'Lookup', target: 'account', navigation: 'parentaccountid' },
      owner,
      ...audit
    ],
    collections: [
      { name: 'contact_customer_accounts', table: 'contact', via: '_parentcustomerid_value' },
      { name: 'account_parent_account', table: 'account', via: '_parentaccountid_value' }
    ]
  },
  {
    logicalName: 'contact',
    entitySet: 'contacts',
    primaryId: 'contactid',
    primaryName: 'fullname',
    columns: [
      { name: 'contactid', type: 'Guid' },
      { name: 'firstname', type: 'String', maxLength: 50 },
      { name: 'lastname', type: 'String', maxLength: 50 },
      { name: 'fullname', type: 'String', maxLength: 160, readOnly: true },
      { name: 'emailaddress1', type: 'String', maxLength: 100 },
      { name: 'jobtitle', type: 'String', maxLength: 100 },
      { name: 'telephone1', type: 'String', maxLength: 50 },
      { name: 'birthdate', type: 'Date' },
      { name: 'donotemail', type: 'Boolean' },
      { name: 'preferredcontactmethodcode', type: 'Picklist', options: { 1: 'Any', 2: 'Email', 3: 'Phone', 4: 'Fax', 5: 'Mail' } },
      { name: 'statecode', type: 'State', options: STATE },
      { name: 'statuscode', type: 'Status', options: { 1: 'Active', 2: 'Inactive' } },
      { name: '_parentcustomerid_value', type: 'Lookup', target: 'account', navigation: 'parentcustomerid_account' },
      owner,
      ...audit
    ],
    collections: [{ name: 'account_primary_contact', table: 'account', via: '_primarycontactid_value' }]
  },
  {
    logicalName: 'systemuser',
    entitySet: 'systemusers',
    primaryId: 'systemuserid',
    primaryName: 'fullname',
    columns: [
      { name: 'systemuserid', type: 'Guid' },
      { name: 'firstname', type: 'String', maxLength: 64 },
      { name: 'lastname', type: 'String', maxLength: 64 },
      { name: 'fullname', type: 'String', maxLength: 200, readOnly: true },
      { name: 'domainname', type: 'String', maxLength: 1024 },
      { name: 'internalemailaddress', type: 'String', maxLength: 100 },
      { name: 'azureactivedirectoryobjectid', type: 'Guid' },
      { name: 'applicationid', type: 'Guid' },
      { name: 'isdisabled', type: 'Boolean' },
      { name: 'accessmode', type: 'Picklist', options: { 0: 'Read-Write', 1: 'Administrative', 2: 'Read', 3: 'Support User', 4: 'Non-interactive', 5: 'Delegated Admin' } },
      { name: '_businessunitid_value', type: 'Lookup', target: 'businessunit', navigation: 'businessunitid' },
      ...audit
    ],
    collections: [
      { name: 'user_accounts', table: 'account', via: '_ownerid_value' },
      { name: 'contact_owning_user', table: 'contact', via: '_ownerid_value' }
    ]
  },
  {
    logicalName: 'businessunit',
    entitySet: 'businessunits',
    primaryId: 'businessunitid',
    primaryName: 'name',
    columns: [{ name: 'businessunitid', type: 'Guid' }, { name: 'name', type: 'String', maxLength: 160 }, ...audit],
    collections: [{ name: 'business_unit_system_users', table: 'systemuser', via: '_businessunitid_value' }]
  }
]

export const tableByName = new Map(TABLES.map((t) => [t.logicalName, t]))
export const tableBySet = new Map(TABLES.map((t) => [t.entitySet, t]))

export function column(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name)
}

export function lookupByNavigation(table: Table, navigation: string): Column | undefined {
  return table.columns.find((c) => c.type === 'Lookup' && c.navigation === navigation)
}

export function edmType(type: ColumnType): string {
  switch (type) {
    case 'Guid':
    case 'Lookup':
      return 'Edm.Guid'
    case 'String':
    case 'Memo':
      return 'Edm.String'
    case 'Int32':
    case 'Picklist':
    case 'State':
    case 'Status':
      return 'Edm.Int32'
    case 'Int64':
      return 'Edm.Int64'
    case 'Money':
    case 'Decimal':
      return 'Edm.Decimal'
    case 'Boolean':
      return 'Edm.Boolean'
    case 'DateTimeOffset':
      return 'Edm.DateTimeOffset'
    case 'Date':
      return 'Edm.Date'
  }
}

export const API_VERSION = '9.2.25114.00178'

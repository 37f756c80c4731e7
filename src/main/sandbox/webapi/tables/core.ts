/** The org's core tables: accounts, contacts, users, teams and roles, business units, currencies. */
import type { Column, Table } from '../schema'
import { audit, currency, ownership, regardingCollections, STATE, STATUS, STATUS_STATES } from './common'

const ACCOUNT_INDUSTRY = { 1: 'Accounting', 2: 'Agriculture and Non-petrol Natural Resource Extraction', 3: 'Broadcasting Printing and Publishing', 6: 'Consulting', 7: 'Consumer Services', 12: 'Financial', 19: 'Manufacturing', 26: 'Retail', 33: 'Wholesale' }
const originatingLead = (): Column => ({ name: '_originatingleadid_value', type: 'Lookup', targets: [{ table: 'lead', navigation: 'originatingleadid' }], displayName: 'Originating Lead' })

export const CORE_TABLES: Table[] = [
  {
    logicalName: 'account',
    entitySet: 'accounts',
    primaryId: 'accountid',
    primaryName: 'name',
    displayName: 'Account',
    displayCollectionName: 'Accounts',
    objectTypeCode: 1,
    ownership: 'UserOwned',
    changeTracking: true,
    columns: [
      { name: 'accountid', type: 'Guid', displayName: 'Account' },
      { name: 'name', type: 'String', maxLength: 160, displayName: 'Account Name', required: 'ApplicationRequired' },
      { name: 'accountnumber', type: 'String', maxLength: 20, displayName: 'Account Number' },
      { name: 'telephone1', type: 'String', maxLength: 50, displayName: 'Main Phone' },
      { name: 'emailaddress1', type: 'String', maxLength: 100, displayName: 'Email' },
      { name: 'websiteurl', type: 'String', maxLength: 200, displayName: 'Website' },
      { name: 'address1_city', type: 'String', maxLength: 80, displayName: 'Address 1: City' },
      { name: 'address1_country', type: 'String', maxLength: 80, displayName: 'Address 1: Country/Region' },
      { name: 'description', type: 'Memo', maxLength: 2000, displayName: 'Description' },
      { name: 'revenue', type: 'Money', displayName: 'Annual Revenue' },
      { name: 'numberofemployees', type: 'Int32', displayName: 'Number of Employees' },
      { name: 'industrycode', type: 'Picklist', options: ACCOUNT_INDUSTRY, displayName: 'Industry' },
      { name: 'statecode', type: 'State', options: STATE, displayName: 'Status' },
      { name: 'statuscode', type: 'Status', options: STATUS, states: STATUS_STATES, displayName: 'Status Reason' },
      { name: '_primarycontactid_value', type: 'Lookup', targets: [{ table: 'contact', navigation: 'primarycontactid' }], displayName: 'Primary Contact' },
      { name: '_parentaccountid_value', type: 'Lookup', targets: [{ table: 'account', navigation: 'parentaccountid' }], displayName: 'Parent Account' },
      currency,
      originatingLead(),
      ...ownership,
      ...audit(true)
    ],
    collections: [
      { name: 'contact_customer_accounts', table: 'contact', via: '_parentcustomerid_value' },
      { name: 'account_parent_account', table: 'account', via: '_parentaccountid_value' },
      ...regardingCollections('account'),
      { name: 'opportunity_customer_accounts', table: 'opportunity', via: '_customerid_value' },
      { name: 'opportunity_parent_account', table: 'opportunity', via: '_parentaccountid_value' },
      { name: 'incident_customer_accounts', table: 'incident', via: '_customerid_value' },
      { name: 'lead_parent_account', table: 'lead', via: '_parentaccountid_value' }
    ],
    alternateKeys: [{ name: 'accountnumber_key', displayName: 'Account Number Key', columns: ['accountnumber'] }]
  },
  {
    logicalName: 'contact',
    entitySet: 'contacts',
    primaryId: 'contactid',
    primaryName: 'fullname',
    displayName: 'Contact',
    displayCollectionName: 'Contacts',
    objectTypeCode: 2,
    ownership: 'UserOwned',
    changeTracking: true,
    columns: [
      { name: 'contactid', type: 'Guid', displayName: 'Contact' },
      { name: 'firstname', type: 'String', maxLength: 50, displayName: 'First Name' },
      { name: 'lastname', type: 'String', maxLength: 50, displayName: 'Last Name', required: 'ApplicationRequired' },
      { name: 'fullname', type: 'String', maxLength: 160, readOnly: true, displayName: 'Full Name' },
      { name: 'emailaddress1', type: 'String', maxLength: 100, displayName: 'Email' },
      { name: 'jobtitle', type: 'String', maxLength: 100, displayName: 'Job Title' },
      { name: 'telephone1', type: 'String', maxLength: 50, displayName: 'Business Phone' },
      { name: 'birthdate', type: 'Date', displayName: 'Birthday' },
      { name: 'donotemail', type: 'Boolean', displayName: 'Do not allow Emails' },
      { name: 'preferredcontactmethodcode', type: 'Picklist', options: { 1: 'Any', 2: 'Email', 3: 'Phone', 4: 'Fax', 5: 'Mail' }, displayName: 'Preferred Method of Contact' },
      { name: 'statecode', type: 'State', options: STATE, displayName: 'Status' },
      { name: 'statuscode', type: 'Status', options: STATUS, states: STATUS_STATES, displayName: 'Status Reason' },
      { name: '_parentcustomerid_value', type: 'Lookup', targets: [{ table: 'account', navigation: 'parentcustomerid_account' }], displayName: 'Company Name' },
      originatingLead(),
      ...ownership,
      ...audit(true)
    ],
    collections: [
      { name: 'account_primary_contact', table: 'account', via: '_primarycontactid_value' },
      ...regardingCollections('contact'),
      { name: 'opportunity_customer_contacts', table: 'opportunity', via: '_customerid_value' },
      { name: 'opportunity_parent_contact', table: 'opportunity', via: '_parentcontactid_value' },
      { name: 'incident_customer_contacts', table: 'incident', via: '_customerid_value' },
      { name: 'lead_parent_contact', table: 'lead', via: '_parentcontactid_value' }
    ],
    alternateKeys: []
  },
  {
    logicalName: 'systemuser',
    entitySet: 'systemusers',
    primaryId: 'systemuserid',
    primaryName: 'fullname',
    displayName: 'User',
    displayCollectionName: 'Users',
    objectTypeCode: 8,
    ownership: 'BusinessOwned',
    changeTracking: true,
    columns: [
      { name: 'systemuserid', type: 'Guid', displayName: 'User' },
      { name: 'firstname', type: 'String', maxLength: 64, displayName: 'First Name' },
      { name: 'lastname', type: 'String', maxLength: 64, displayName: 'Last Name' },
      { name: 'fullname', type: 'String', maxLength: 200, readOnly: true, displayName: 'Full Name' },
      { name: 'domainname', type: 'String', maxLength: 1024, displayName: 'User Name' },
      { name: 'internalemailaddress', type: 'String', maxLength: 100, displayName: 'Primary Email' },
      { name: 'azureactivedirectoryobjectid', type: 'Guid', displayName: 'Azure AD Object ID' },
      { name: 'applicationid', type: 'Guid', displayName: 'Application ID' },
      { name: 'isdisabled', type: 'Boolean', displayName: 'Status' },
      { name: 'accessmode', type: 'Picklist', options: { 0: 'Read-Write', 1: 'Administrative', 2: 'Read', 3: 'Support User', 4: 'Non-interactive', 5: 'Delegated Admin' }, displayName: 'Access Mode' },
      { name: '_businessunitid_value', type: 'Lookup', targets: [{ table: 'businessunit', navigation: 'businessunitid' }], displayName: 'Business Unit' },
      ...audit(false)
    ],
    collections: [
      { name: 'user_accounts', table: 'account', via: '_owninguser_value' },
      { name: 'contact_owning_user', table: 'contact', via: '_owninguser_value' },
      { name: 'user_task', table: 'task', via: '_owninguser_value' },
      { name: 'lk_accountbase_createdby', table: 'account', via: '_createdby_value' },
      { name: 'lk_accountbase_modifiedby', table: 'account', via: '_modifiedby_value' },
      { name: 'lk_accountbase_createdonbehalfby', table: 'account', via: '_createdonbehalfby_value' },
      { name: 'lk_contactbase_createdby', table: 'contact', via: '_createdby_value' },
      { name: 'lk_contactbase_modifiedby', table: 'contact', via: '_modifiedby_value' },
      { name: 'lk_contactbase_createdonbehalfby', table: 'contact', via: '_createdonbehalfby_value' },
      { name: 'lk_task_createdby', table: 'task', via: '_createdby_value' },
      { name: 'lk_task_modifiedby', table: 'task', via: '_modifiedby_value' },
      { name: 'lk_teambase_administratorid', table: 'team', via: '_administratorid_value' }
    ],
    alternateKeys: [],
    manyToMany: [
      { name: 'teammembership_association', table: 'team', intersect: 'teammembership', self: 'systemuserid', other: 'teamid' },
      { name: 'systemuserroles_association', table: 'role', intersect: 'systemuserroles', self: 'systemuserid', other: 'roleid' }
    ]
  },
  {
    logicalName: 'businessunit',
    entitySet: 'businessunits',
    primaryId: 'businessunitid',
    primaryName: 'name',
    displayName: 'Business Unit',
    displayCollectionName: 'Business Units',
    objectTypeCode: 10,
    ownership: 'BusinessOwned',
    changeTracking: false,
    columns: [{ name: 'businessunitid', type: 'Guid', displayName: 'Business Unit' }, { name: 'name', type: 'String', maxLength: 160, displayName: 'Name', required: 'SystemRequired' }, ...audit(false)],
    collections: [
      { name: 'business_unit_system_users', table: 'systemuser', via: '_businessunitid_value' },
      { name: 'business_unit_teams', table: 'team', via: '_businessunitid_value' },
      { name: 'business_unit_roles', table: 'role', via: '_businessunitid_value' }
    ],
    alternateKeys: []
  },
  {
    logicalName: 'transactioncurrency',
    entitySet: 'transactioncurrencies',
    primaryId: 'transactioncurrencyid',
    primaryName: 'currencyname',
    displayName: 'Currency',
    displayCollectionName: 'Currencies',
    objectTypeCode: 9105,
    ownership: 'OrganizationOwned',
    changeTracking: false,
    columns: [
      { name: 'transactioncurrencyid', type: 'Guid', displayName: 'Transaction Currency' },
      { name: 'currencyname', type: 'String', maxLength: 100, displayName: 'Currency Name', required: 'SystemRequired' },
      { name: 'isocurrencycode', type: 'String', maxLength: 5, displayName: 'Currency Code', required: 'SystemRequired' },
      { name: 'currencysymbol', type: 'String', maxLength: 13, displayName: 'Currency Symbol', required: 'SystemRequired' },
      { name: 'exchangerate', type: 'Decimal', displayName: 'Exchange Rate', required: 'SystemRequired' },
      ...audit(false)
    ],
    collections: [
      { name: 'transactioncurrency_account', table: 'account', via: '_transactioncurrencyid_value' },
      { name: 'transactioncurrency_lead', table: 'lead', via: '_transactioncurrencyid_value' },
      { name: 'transactioncurrency_opportunity', table: 'opportunity', via: '_transactioncurrencyid_value' },
      { name: 'transactioncurrency_product', table: 'product', via: '_transactioncurrencyid_value' }
    ],
    alternateKeys: [{ name: 'isocurrencycode_key', displayName: 'Currency Code Key', columns: ['isocurrencycode'] }]
  }
]

/** Teams and security roles, each related to users many-to-many through an intersect table. */
export const SECURITY_TABLES: Table[] = [
  {
    logicalName: 'team',
    entitySet: 'teams',
    primaryId: 'teamid',
    primaryName: 'name',
    displayName: 'Team',
    displayCollectionName: 'Teams',
    objectTypeCode: 9,
    ownership: 'BusinessOwned',
    changeTracking: true,
    columns: [
      { name: 'teamid', type: 'Guid', displayName: 'Team' },
      { name: 'name', type: 'String', maxLength: 160, displayName: 'Team Name', required: 'SystemRequired' },
      { name: 'description', type: 'Memo', maxLength: 2000, displayName: 'Description' },
      { name: 'teamtype', type: 'Picklist', options: { 0: 'Owner', 1: 'Access', 2: 'Security Group', 3: 'Office Group' }, displayName: 'Team Type' },
      { name: 'isdefault', type: 'Boolean', readOnly: true, displayName: 'Is Default' },
      { name: '_businessunitid_value', type: 'Lookup', targets: [{ table: 'businessunit', navigation: 'businessunitid' }], displayName: 'Business Unit', required: 'SystemRequired' },
      { name: '_administratorid_value', type: 'Lookup', targets: [{ table: 'systemuser', navigation: 'administratorid' }], displayName: 'Administrator', required: 'SystemRequired' },
      ...audit(true)
    ],
    collections: [],
    alternateKeys: [],
    manyToMany: [{ name: 'teammembership_association', table: 'systemuser', intersect: 'teammembership', self: 'teamid', other: 'systemuserid' }]
  },
  {
    logicalName: 'role',
    entitySet: 'roles',
    primaryId: 'roleid',
    primaryName: 'name',
    displayName: 'Security Role',
    displayCollectionName: 'Security Roles',
    objectTypeCode: 1036,
    ownership: 'BusinessOwned',
    changeTracking: false,
    columns: [
      { name: 'roleid', type: 'Guid', displayName: 'Role' },
      { name: 'name', type: 'String', maxLength: 100, displayName: 'Name', required: 'SystemRequired' },
      { name: '_businessunitid_value', type: 'Lookup', targets: [{ table: 'businessunit', navigation: 'businessunitid' }], displayName: 'Business Unit', required: 'SystemRequired' },
      ...audit(false)
    ],
    collections: [],
    alternateKeys: [],
    manyToMany: [{ name: 'systemuserroles_association', table: 'systemuser', intersect: 'systemuserroles', self: 'roleid', other: 'systemuserid' }]
  },
  {
    logicalName: 'teammembership',
    entitySet: 'teammemberships',
    primaryId: 'teammembershipid',
    primaryName: '',
    displayName: 'Team Membership',
    displayCollectionName: 'Team Memberships',
    objectTypeCode: 23,
    ownership: 'OrganizationOwned',
    changeTracking: false,
    intersect: true,
    columns: [
      { name: 'teammembershipid', type: 'Guid', displayName: 'Team Membership' },
      { name: 'systemuserid', type: 'Guid', displayName: 'User' },
      { name: 'teamid', type: 'Guid', displayName: 'Team' },
      { name: 'versionnumber', type: 'Int64', readOnly: true, displayName: 'Version Number' }
    ],
    collections: [],
    alternateKeys: []
  },
  {
    logicalName: 'systemuserroles',
    entitySet: 'systemuserrolescollection',
    primaryId: 'systemuserroleid',
    primaryName: '',
    displayName: 'User Roles',
    displayCollectionName: 'User Roles',
    objectTypeCode: 15,
    ownership: 'OrganizationOwned',
    changeTracking: false,
    intersect: true,
    columns: [
      { name: 'systemuserroleid', type: 'Guid', displayName: 'User Role' },
      { name: 'systemuserid', type: 'Guid', displayName: 'User' },
      { name: 'roleid', type: 'Guid', displayName: 'Role' },
      { name: 'versionnumber', type: 'Int64', readOnly: true, displayName: 'Version Number' }
    ],
    collections: [],
    alternateKeys: []
  }
]


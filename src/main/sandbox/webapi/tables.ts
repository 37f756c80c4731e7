/** The Sandbox org's tables, named and shaped as in a real org (a small subset of each table's columns). */
import type { Column, Table } from './schema'

const STATE = { 0: 'Active', 1: 'Inactive' }
const STATUS = { 1: 'Active', 2: 'Inactive' }
const user = (name: string, navigation: string, displayName: string): Column => ({ name, type: 'Lookup', targets: [{ table: 'systemuser', navigation }], displayName, readOnly: true })
const audit = (withUsers: boolean): Column[] => [
  { name: 'createdon', type: 'DateTimeOffset', readOnly: true, displayName: 'Created On' },
  { name: 'modifiedon', type: 'DateTimeOffset', readOnly: true, displayName: 'Modified On' },
  { name: 'versionnumber', type: 'Int64', readOnly: true, displayName: 'Version Number' },
  ...(withUsers ? [user('_createdby_value', 'createdby', 'Created By'), user('_modifiedby_value', 'modifiedby', 'Modified By')] : [])
]
/** Owner columns of a user-owned table: `ownerid` (set through `ownerid@odata.bind`) and the read-only `owninguser`. */
const ownership: Column[] = [
  { name: '_ownerid_value', type: 'Lookup', targets: [{ table: 'systemuser', navigation: 'ownerid' }], displayName: 'Owner', required: 'SystemRequired' },
  user('_owninguser_value', 'owninguser', 'Owning User')
]
const ACCOUNT_INDUSTRY = { 1: 'Accounting', 2: 'Agriculture and Non-petrol Natural Resource Extraction', 3: 'Broadcasting Printing and Publishing', 6: 'Consulting', 7: 'Consumer Services', 12: 'Financial', 19: 'Manufacturing', 26: 'Retail', 33: 'Wholesale' }

export const TABLES: Table[] = [
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
      { name: 'statuscode', type: 'Status', options: STATUS, displayName: 'Status Reason' },
      { name: '_primarycontactid_value', type: 'Lookup', targets: [{ table: 'contact', navigation: 'primarycontactid' }], displayName: 'Primary Contact' },
      { name: '_parentaccountid_value', type: 'Lookup', targets: [{ table: 'account', navigation: 'parentaccountid' }], displayName: 'Parent Account' },
      { name: '_transactioncurrencyid_value', type: 'Lookup', targets: [{ table: 'transactioncurrency', navigation: 'transactioncurrencyid' }], displayName: 'Currency' },
      ...ownership,
      ...audit(true)
    ],
    collections: [
      { name: 'contact_customer_accounts', table: 'contact', via: '_parentcustomerid_value' },
      { name: 'account_parent_account', table: 'account', via: '_parentaccountid_value' },
      { name: 'Account_Tasks', table: 'task', via: '_regardingobjectid_value' }
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
      { name: 'statuscode', type: 'Status', options: STATUS, displayName: 'Status Reason' },
      { name: '_parentcustomerid_value', type: 'Lookup', targets: [{ table: 'account', navigation: 'parentcustomerid_account' }], displayName: 'Company Name' },
      ...ownership,
      ...audit(true)
    ],
    collections: [
      { name: 'account_primary_contact', table: 'account', via: '_primarycontactid_value' },
      { name: 'Contact_Tasks', table: 'task', via: '_regardingobjectid_value' }
    ],
    alternateKeys: []
  },
  {
    logicalName: 'task',
    entitySet: 'tasks',
    primaryId: 'activityid',
    primaryName: 'subject',
    displayName: 'Task',
    displayCollectionName: 'Tasks',
    objectTypeCode: 4212,
    ownership: 'UserOwned',
    changeTracking: true,
    columns: [
      { name: 'activityid', type: 'Guid', displayName: 'Activity' },
      { name: 'subject', type: 'String', maxLength: 200, displayName: 'Subject', required: 'ApplicationRequired' },
      { name: 'description', type: 'Memo', maxLength: 2000, displayName: 'Description' },
      { name: 'scheduledend', type: 'DateTimeOffset', displayName: 'Due Date' },
      { name: 'prioritycode', type: 'Picklist', options: { 0: 'Low', 1: 'Normal', 2: 'High' }, displayName: 'Priority' },
      { name: 'statecode', type: 'State', options: { 0: 'Open', 1: 'Completed', 2: 'Canceled' }, displayName: 'Activity Status' },
      { name: 'statuscode', type: 'Status', options: { 2: 'Not Started', 3: 'In Progress', 5: 'Completed', 6: 'Canceled' }, displayName: 'Status Reason' },
      {
        name: '_regardingobjectid_value',
        type: 'Lookup',
        targets: [
          { table: 'account', navigation: 'regardingobjectid_account_task' },
          { table: 'contact', navigation: 'regardingobjectid_contact_task' }
        ],
        displayName: 'Regarding'
      },
      ...ownership,
      ...audit(true)
    ],
    collections: [],
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
      { name: 'lk_contactbase_createdby', table: 'contact', via: '_createdby_value' },
      { name: 'lk_contactbase_modifiedby', table: 'contact', via: '_modifiedby_value' },
      { name: 'lk_task_createdby', table: 'task', via: '_createdby_value' },
      { name: 'lk_task_modifiedby', table: 'task', via: '_modifiedby_value' }
    ],
    alternateKeys: []
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
    collections: [{ name: 'business_unit_system_users', table: 'systemuser', via: '_businessunitid_value' }],
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
    collections: [{ name: 'transactioncurrency_account', table: 'account', via: '_transactioncurrencyid_value' }],
    alternateKeys: [{ name: 'isocurrencycode_key', displayName: 'Currency Code Key', columns: ['isocurrencycode'] }]
  }
]

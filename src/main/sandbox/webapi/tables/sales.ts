/** Sales and service: leads, opportunities, products and cases, with their customer (account or contact) lookups. */
import type { Column, Table } from '../schema'
import { audit, currency, ownership, regardingCollections } from './common'

/** `customerid`: one column, two single-valued navigation properties, as Dataverse names them. */
const customer = (): Column => ({
  name: '_customerid_value',
  type: 'Lookup',
  targets: [
    { table: 'account', navigation: 'customerid_account' },
    { table: 'contact', navigation: 'customerid_contact' }
  ],
  displayName: 'Customer',
  required: 'ApplicationRequired'
})

const RATING = { 1: 'Hot', 2: 'Warm', 3: 'Cold' }

export const SALES_TABLES: Table[] = [
  {
    logicalName: 'lead',
    entitySet: 'leads',
    primaryId: 'leadid',
    primaryName: 'fullname',
    displayName: 'Lead',
    displayCollectionName: 'Leads',
    objectTypeCode: 4,
    ownership: 'UserOwned',
    changeTracking: true,
    columns: [
      { name: 'leadid', type: 'Guid', displayName: 'Lead' },
      { name: 'subject', type: 'String', maxLength: 300, displayName: 'Topic', required: 'ApplicationRequired' },
      { name: 'firstname', type: 'String', maxLength: 50, displayName: 'First Name' },
      { name: 'lastname', type: 'String', maxLength: 50, displayName: 'Last Name', required: 'ApplicationRequired' },
      { name: 'fullname', type: 'String', maxLength: 160, readOnly: true, displayName: 'Name' },
      { name: 'companyname', type: 'String', maxLength: 100, displayName: 'Company Name' },
      { name: 'jobtitle', type: 'String', maxLength: 100, displayName: 'Job Title' },
      { name: 'emailaddress1', type: 'String', maxLength: 100, displayName: 'Email' },
      { name: 'telephone1', type: 'String', maxLength: 50, displayName: 'Business Phone' },
      { name: 'address1_city', type: 'String', maxLength: 80, displayName: 'City' },
      { name: 'address1_country', type: 'String', maxLength: 80, displayName: 'Country/Region' },
      { name: 'description', type: 'Memo', maxLength: 2000, displayName: 'Description' },
      { name: 'estimatedamount', type: 'Money', displayName: 'Est. Value' },
      { name: 'leadsourcecode', type: 'Picklist', options: { 1: 'Advertisement', 2: 'Employee Referral', 3: 'External Referral', 4: 'Partner', 5: 'Public Relations', 6: 'Seminar', 7: 'Trade Show', 8: 'Web', 9: 'Word of Mouth', 10: 'Other' }, displayName: 'Lead Source' },
      { name: 'leadqualitycode', type: 'Picklist', options: RATING, displayName: 'Rating' },
      { name: 'statecode', type: 'State', options: { 0: 'Open', 1: 'Qualified', 2: 'Disqualified' }, displayName: 'Status' },
      { name: 'statuscode', type: 'Status', options: { 1: 'New', 2: 'Contacted', 3: 'Qualified', 4: 'Lost', 5: 'Cannot Contact', 6: 'No Longer Interested', 7: 'Canceled' }, states: { 1: 0, 2: 0, 3: 1, 4: 2, 5: 2, 6: 2, 7: 2 }, displayName: 'Status Reason' },
      { name: '_parentaccountid_value', type: 'Lookup', targets: [{ table: 'account', navigation: 'parentaccountid' }], displayName: 'Existing Account' },
      { name: '_parentcontactid_value', type: 'Lookup', targets: [{ table: 'contact', navigation: 'parentcontactid' }], displayName: 'Existing Contact' },
      { name: '_qualifyingopportunityid_value', type: 'Lookup', targets: [{ table: 'opportunity', navigation: 'qualifyingopportunityid' }], displayName: 'Qualifying Opportunity' },
      currency,
      ...ownership,
      ...audit(true)
    ],
    collections: [
      ...regardingCollections('lead'),
      { name: 'account_originating_lead', table: 'account', via: '_originatingleadid_value' },
      { name: 'contact_originating_lead', table: 'contact', via: '_originatingleadid_value' },
      { name: 'opportunity_originating_lead', table: 'opportunity', via: '_originatingleadid_value' }
    ],
    alternateKeys: []
  },
  {
    logicalName: 'opportunity',
    entitySet: 'opportunities',
    primaryId: 'opportunityid',
    primaryName: 'name',
    displayName: 'Opportunity',
    displayCollectionName: 'Opportunities',
    objectTypeCode: 3,
    ownership: 'UserOwned',
    changeTracking: true,
    columns: [
      { name: 'opportunityid', type: 'Guid', displayName: 'Opportunity' },
      { name: 'name', type: 'String', maxLength: 300, displayName: 'Topic', required: 'ApplicationRequired' },
      { name: 'description', type: 'Memo', maxLength: 2000, displayName: 'Description' },
      { name: 'estimatedvalue', type: 'Money', displayName: 'Est. Revenue' },
      { name: 'estimatedclosedate', type: 'Date', displayName: 'Est. Close Date' },
      { name: 'actualvalue', type: 'Money', displayName: 'Actual Revenue' },
      { name: 'actualclosedate', type: 'Date', displayName: 'Actual Close Date' },
      { name: 'closeprobability', type: 'Int32', displayName: 'Probability' },
      { name: 'opportunityratingcode', type: 'Picklist', options: RATING, displayName: 'Rating' },
      { name: 'salesstagecode', type: 'Picklist', options: { 0: 'Qualify', 1: 'Develop', 2: 'Propose', 3: 'Close' }, displayName: 'Sales Stage' },
      { name: 'statecode', type: 'State', options: { 0: 'Open', 1: 'Won', 2: 'Lost' }, displayName: 'Status' },
      { name: 'statuscode', type: 'Status', options: { 1: 'In Progress', 2: 'On Hold', 3: 'Won', 4: 'Canceled', 5: 'Out-Sold' }, states: { 1: 0, 2: 0, 3: 1, 4: 2, 5: 2 }, displayName: 'Status Reason' },
      customer(),
      { name: '_parentaccountid_value', type: 'Lookup', targets: [{ table: 'account', navigation: 'parentaccountid' }], displayName: 'Account' },
      { name: '_parentcontactid_value', type: 'Lookup', targets: [{ table: 'contact', navigation: 'parentcontactid' }], displayName: 'Contact' },
      { name: '_originatingleadid_value', type: 'Lookup', targets: [{ table: 'lead', navigation: 'originatingleadid' }], displayName: 'Originating Lead' },
      currency,
      ...ownership,
      ...audit(true)
    ],
    collections: [
      ...regardingCollections('opportunity'),
      { name: 'Opportunity_OpportunityClose', table: 'opportunityclose', via: '_opportunityid_value' },
      { name: 'lead_qualifying_opportunity', table: 'lead', via: '_qualifyingopportunityid_value' }
    ],
    alternateKeys: []
  },
  {
    logicalName: 'product',
    entitySet: 'products',
    primaryId: 'productid',
    primaryName: 'name',
    displayName: 'Product',
    displayCollectionName: 'Products',
    objectTypeCode: 1024,
    ownership: 'OrganizationOwned',
    changeTracking: true,
    columns: [
      { name: 'productid', type: 'Guid', displayName: 'Product' },
      { name: 'name', type: 'String', maxLength: 100, displayName: 'Name', required: 'SystemRequired' },
      { name: 'productnumber', type: 'String', maxLength: 100, displayName: 'Product ID', required: 'SystemRequired' },
      { name: 'description', type: 'Memo', maxLength: 2000, displayName: 'Description' },
      { name: 'price', type: 'Money', displayName: 'List Price' },
      { name: 'standardcost', type: 'Money', displayName: 'Standard Cost' },
      { name: 'quantitydecimal', type: 'Int32', displayName: 'Decimals Supported', required: 'SystemRequired' },
      { name: 'producttypecode', type: 'Picklist', options: { 1: 'Sales Inventory', 2: 'Miscellaneous Charges', 3: 'Services', 4: 'Flat Fees' }, displayName: 'Product Type' },
      { name: 'statecode', type: 'State', options: { 0: 'Active', 1: 'Retired', 2: 'Draft', 3: 'Under Revision' }, displayName: 'Status' },
      { name: 'statuscode', type: 'Status', options: { 0: 'Draft', 1: 'Active', 2: 'Retired', 3: 'Under Revision' }, states: { 0: 2, 1: 0, 2: 1, 3: 3 }, displayName: 'Status Reason' },
      currency,
      ...audit(true)
    ],
    collections: [{ name: 'product_incidents', table: 'incident', via: '_productid_value' }],
    alternateKeys: [{ name: 'productnumber_key', displayName: 'Product ID Key', columns: ['productnumber'] }]
  },
  {
    logicalName: 'incident',
    entitySet: 'incidents',
    primaryId: 'incidentid',
    primaryName: 'title',
    displayName: 'Case',
    displayCollectionName: 'Cases',
    objectTypeCode: 112,
    ownership: 'UserOwned',
    changeTracking: true,
    columns: [
      { name: 'incidentid', type: 'Guid', displayName: 'Case' },
      { name: 'title', type: 'String', maxLength: 200, displayName: 'Case Title', required: 'SystemRequired' },
      { name: 'ticketnumber', type: 'String', maxLength: 100, readOnly: true, displayName: 'Case Number', autoNumberFormat: 'CAS-{SEQNUM:5}-{RANDSTRING:6}' },
      { name: 'description', type: 'Memo', maxLength: 2000, displayName: 'Description' },
      { name: 'caseorigincode', type: 'Picklist', options: { 1: 'Phone', 2: 'Email', 3: 'Web', 2483: 'Facebook', 3986: 'Twitter' }, displayName: 'Origin' },
      { name: 'casetypecode', type: 'Picklist', options: { 1: 'Question', 2: 'Problem', 3: 'Request' }, displayName: 'Case Type' },
      { name: 'prioritycode', type: 'Picklist', options: { 1: 'High', 2: 'Normal', 3: 'Low' }, displayName: 'Priority' },
      { name: 'statecode', type: 'State', options: { 0: 'Active', 1: 'Resolved', 2: 'Cancelled' }, displayName: 'Status' },
      { name: 'statuscode', type: 'Status', options: { 1: 'In Progress', 2: 'On Hold', 3: 'Waiting for Details', 4: 'Researching', 5: 'Problem Solved', 1000: 'Information Provided', 6: 'Cancelled', 2000: 'Merged' }, states: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1, 1000: 1, 6: 2, 2000: 2 }, displayName: 'Status Reason' },
      customer(),
      { name: '_productid_value', type: 'Lookup', targets: [{ table: 'product', navigation: 'productid' }], displayName: 'Product' },
      ...ownership,
      ...audit(true)
    ],
    collections: [...regardingCollections('incident')],
    alternateKeys: []
  }
]

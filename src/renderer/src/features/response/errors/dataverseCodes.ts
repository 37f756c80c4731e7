/**
 * Dataverse's common error codes in words, with what to do about them. Names and messages are from Microsoft's
 * "Web service error codes" and "Service protection API limits" articles; the fixes are ours.
 */
export interface CodeWords {
  /** Dataverse's name for the error, where Microsoft's list gives one. */
  name: string | null
  title: string
  fix: string
}

export const DATAVERSE_CODES: Record<string, CodeWords> = {
  '0x80040217': {
    name: 'ObjectDoesNotExist',
    title: 'Record not found',
    fix: 'Check the id (or the alternate key values) in the URL and that the record was not deleted. A record you may not read answers 403, not 404, so the id itself is wrong.'
  },
  '0x80060891': {
    name: null,
    title: 'No record with these key values',
    fix: "The alternate key's values match no record. Check the values and their types (quotes around strings), and that the key is active (EntityDefinitions(LogicalName='…')/Keys: EntityKeyIndexStatus Active)."
  },
  '0x80040220': {
    name: 'PrivilegeDenied',
    title: 'Missing privilege',
    fix: "The message names the privilege (prvRead…, prvWrite…, prvActOnBehalfOfAnotherUser…). Give the user, or the application user of this app registration, a security role that has it — at the right depth — in this environment."
  },
  '0x80048306': {
    name: 'unManagedIdsAccessDenied',
    title: 'Not enough privilege',
    fix: "The signed-in user's roles do not allow this operation on this record. Check the security roles (and the record's owner and business unit)."
  },
  '0x80072560': {
    name: 'UserNotMemberOfOrg',
    title: 'Not a user of this environment',
    fix: "The token is valid, but the identity is not a user of this Dataverse environment. For an app (client credentials), create an application user for the app's client id in the Power Platform admin center and give it a role; for a person, add them to the environment (and its security group, if it has one)."
  },
  '0x80040225': {
    name: 'unManagedIdsUserNotEnabled',
    title: 'User disabled',
    fix: 'The user is disabled or in no business unit. Enable the user (or the application user) in the environment.'
  },
  '0x80040237': {
    name: 'DuplicateRecord',
    title: 'Duplicate record',
    fix: 'A record with the same key (or the same association) already exists. Update it instead (PATCH, or an upsert by alternate key), or do not associate twice.'
  },
  '0x80060892': {
    name: 'DuplicateRecordEntityKey',
    title: 'Alternate key already used',
    fix: "Another record has the same values for this table's alternate key. Use unique values, or update that record (PATCH by the key is an upsert)."
  },
  '0x80040333': {
    name: 'DuplicateRecordsFound',
    title: 'Duplicate detection stopped it',
    fix: 'A duplicate detection rule found a matching record. Send MSCRM.SuppressDuplicateDetection: true to create it anyway, or update the existing one.'
  },
  '0x80060882': {
    name: 'ConcurrencyVersionMismatch',
    title: 'The record changed since you read it',
    fix: 'If-Match carried an older ETag. Read the record again (its @odata.etag) and send the change with the new one — or drop If-Match to overwrite.'
  },
  '0x80048d19': {
    name: null,
    title: 'The request body has a mistake',
    fix: "Dataverse could not read the payload: a property that does not exist on the table, a lookup bound with the wrong name (@odata.bind needs the navigation property's exact, case-sensitive name, e.g. parentcustomerid_account@odata.bind), or a value of the wrong type or out of range. The InnerException below says which."
  },
  '0x80060888': {
    name: null,
    title: 'The URL or query is not valid OData',
    fix: 'Check the names in $select, $filter, $orderby and $expand (logical names, lower case; lookups as _name_value in $select and $filter), quotes around strings, and the function syntax.'
  },
  '0x8006088a': {
    name: null,
    title: 'No such resource',
    fix: 'A segment of the URL names no entity set, function or navigation property: check its spelling (entity sets are plural: accounts, contacts) and the API version.'
  },
  '0x80040203': {
    name: 'InvalidArgument',
    title: 'Invalid argument',
    fix: 'A value is not valid for this operation (a status not allowed in the state, a value that cannot convert to the column type, a bad GUID). The message says which.'
  },
  '0x80040216': {
    name: 'UnExpected',
    title: 'Unexpected error in Dataverse',
    fix: 'The server failed on its own. Try again; if it persists, keep the x-ms-service-request-id header of this answer for Microsoft support.'
  },
  '0x80040265': {
    name: 'IsvAborted',
    title: 'A plug-in stopped the operation',
    fix: 'Custom code (a plug-in, a Custom API or a real-time workflow) threw an error: its message is above, its trace and name below. Send MSCRM.BypassCustomPluginExecution: true (with the privilege for it) to check whether the plug-in is the cause.'
  },
  '0x80044331': {
    name: null,
    title: 'A value is too long',
    fix: "A text value is longer than the column's maximum length (the message names the column and the limit). Shorten it or raise the column's maximum length."
  },
  '0x8004431a': {
    name: 'PicklistValueOutOfRange',
    title: 'Not an option of this choice column',
    fix: "Use one of the column's option values (EntityDefinitions(LogicalName='…')/Attributes(LogicalName='…')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$expand=OptionSet)."
  },
  '0x80040800': {
    name: null,
    title: 'This message does not apply to this table',
    fix: 'The operation is not supported for this table (activitypointer and intersect tables, for example, are written through their own messages).'
  },
  '0x8005f101': {
    name: 'AccessTokenExpired',
    title: 'Token expired',
    fix: 'Sign in again (or let the app refresh the token) and resend.'
  },
  '0x80072322': {
    name: null,
    title: 'Service protection limit: number of requests',
    fix: 'More than 6,000 requests in 300 seconds for this user on this web server. Wait as Retry-After says, then send fewer requests (use $batch, up to 1,000 operations a request).'
  },
  '0x80072321': {
    name: null,
    title: 'Service protection limit: execution time',
    fix: 'The combined execution time of your requests went over 20 minutes (1,200,000 ms) in 300 seconds. Wait as Retry-After says, then send fewer concurrent requests or lighter ones (smaller batches, simpler queries).'
  },
  '0x80072326': {
    name: null,
    title: 'Service protection limit: concurrent requests',
    fix: 'More than 52 requests at the same time for this user. Wait as Retry-After says, then lower the number of requests in flight.'
  }
}

export const SERVICE_PROTECTION: Record<string, 'requests' | 'execution time' | 'concurrent requests'> = {
  '0x80072322': 'requests',
  '0x80072321': 'execution time',
  '0x80072326': 'concurrent requests'
}

/** The words for a code, any case, with or without 0x (Dataverse sends 0x8006088a and 0x8006088A). */
export function wordsFor(code: string | null | undefined): CodeWords | null {
  if (!code) return null
  const hex = code.trim().toLowerCase()
  return DATAVERSE_CODES[hex.startsWith('0x') ? hex : `0x${hex}`] ?? null
}

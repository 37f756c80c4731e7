/** Column groups every table of a kind shares, named and shaped as in a real org. */
import type { Column, CollectionNavigation } from '../schema'

export const STATE = { 0: 'Active', 1: 'Inactive' }
export const STATUS = { 1: 'Active', 2: 'Inactive' }
export const STATUS_STATES = { 1: 0, 2: 1 }

export const user = (name: string, navigation: string, displayName: string): Column => ({ name, type: 'Lookup', targets: [{ table: 'systemuser', navigation }], displayName, readOnly: true })

/** createdon, modifiedon, versionnumber and, on tables people write, who did it (and on whose behalf, when impersonating). */
export const audit = (withUsers: boolean): Column[] => [
  { name: 'createdon', type: 'DateTimeOffset', readOnly: true, displayName: 'Created On' },
  { name: 'modifiedon', type: 'DateTimeOffset', readOnly: true, displayName: 'Modified On' },
  { name: 'versionnumber', type: 'Int64', readOnly: true, displayName: 'Version Number' },
  ...(withUsers
    ? [
        user('_createdby_value', 'createdby', 'Created By'),
        user('_modifiedby_value', 'modifiedby', 'Modified By'),
        user('_createdonbehalfby_value', 'createdonbehalfby', 'Created By (Delegate)'),
        user('_modifiedonbehalfby_value', 'modifiedonbehalfby', 'Modified By (Delegate)')
      ]
    : [])
]

/** Owner columns of a user-owned table: `ownerid` (set through `ownerid@odata.bind`) and the read-only `owninguser`. */
export const ownership: Column[] = [
  { name: '_ownerid_value', type: 'Lookup', targets: [{ table: 'systemuser', navigation: 'ownerid' }], displayName: 'Owner', required: 'SystemRequired' },
  user('_owninguser_value', 'owninguser', 'Owning User')
]

export const currency: Column = { name: '_transactioncurrencyid_value', type: 'Lookup', targets: [{ table: 'transactioncurrency', navigation: 'transactioncurrencyid' }], displayName: 'Currency' }

/** The tables an activity can be regarding, and the prefix of their relationships' names (`Account_Tasks`). */
export const REGARDING: Array<{ table: string; prefix: string }> = [
  { table: 'account', prefix: 'Account' },
  { table: 'contact', prefix: 'Contact' },
  { table: 'lead', prefix: 'Lead' },
  { table: 'opportunity', prefix: 'Opportunity' },
  { table: 'incident', prefix: 'Incident' }
]

/** The activity types that derive from activitypointer, with the suffix Dataverse gives their relationships. */
export const ACTIVITY_SETS: Array<{ table: string; plural: string }> = [
  { table: 'activitypointer', plural: 'ActivityPointers' },
  { table: 'task', plural: 'Tasks' },
  { table: 'email', plural: 'Emails' },
  { table: 'phonecall', plural: 'Phonecalls' }
]

/** The collection-valued navigation properties a table gets from being the "regarding" of activities. */
export function regardingCollections(table: string): CollectionNavigation[] {
  const prefix = REGARDING.find((r) => r.table === table)!.prefix
  return ACTIVITY_SETS.map((a) => ({ name: `${prefix}_${a.plural}`, table: a.table, via: '_regardingobjectid_value' }))
}

/**
 * Activities: activitypointer is the base entity type of every activity (task, email, phonecall, opportunityclose)
 * and, as in Dataverse, a read-only view of all their rows. Each activity table repeats its base type's columns (the
 * CSDL declares them once, on activitypointer) and names its own "regarding" navigation properties
 * (`regardingobjectid_account_task`) beside the inherited ones (`regardingobjectid_account`).
 */
import type { Column, Table } from '../schema'
import { audit, ownership, REGARDING } from './common'

interface ActivitySpec {
  logicalName: string
  entitySet: string
  displayName: string
  displayCollectionName: string
  objectTypeCode: number
  states: Record<number, string>
  statuses: Record<number, string>
  /** status reason → state */
  statusStates: Record<number, number>
  own: Column[]
}

const DIRECTION = { 0: 'Incoming', 1: 'Outgoing' }

function activity(spec: ActivitySpec): Table {
  const base = spec.logicalName === 'activitypointer'
  const suffix = base ? '' : `_${spec.logicalName}`
  const columns: Column[] = [
    { name: 'activityid', type: 'Guid', displayName: base ? 'Activity' : spec.displayName },
    { name: 'subject', type: 'String', maxLength: 200, displayName: 'Subject', required: 'ApplicationRequired' },
    { name: 'description', type: 'Memo', maxLength: 2000, displayName: 'Description' },
    { name: 'scheduledstart', type: 'DateTimeOffset', displayName: 'Start Date' },
    { name: 'scheduledend', type: 'DateTimeOffset', displayName: 'Due Date' },
    { name: 'actualend', type: 'DateTimeOffset', displayName: 'Actual End' },
    { name: 'actualdurationminutes', type: 'Int32', displayName: 'Actual Duration' },
    { name: 'prioritycode', type: 'Picklist', options: { 0: 'Low', 1: 'Normal', 2: 'High' }, displayName: 'Priority' },
    { name: 'activitytypecode', type: 'String', maxLength: 64, readOnly: true, displayName: 'Activity Type' },
    { name: 'statecode', type: 'State', options: spec.states, displayName: 'Activity Status' },
    { name: 'statuscode', type: 'Status', options: spec.statuses, states: spec.statusStates, displayName: 'Status Reason' },
    { name: '_regardingobjectid_value', type: 'Lookup', targets: REGARDING.map((r) => ({ table: r.table, navigation: `regardingobjectid_${r.table}${suffix}` })), displayName: 'Regarding' },
    ...spec.own,
    ...ownership,
    ...audit(true)
  ]
  return {
    logicalName: spec.logicalName,
    entitySet: spec.entitySet,
    primaryId: 'activityid',
    primaryName: 'subject',
    displayName: spec.displayName,
    displayCollectionName: spec.displayCollectionName,
    objectTypeCode: spec.objectTypeCode,
    ownership: 'UserOwned',
    changeTracking: !base,
    columns,
    collections: [],
    alternateKeys: [],
    isActivity: true,
    ...(base ? { view: true } : { baseTable: 'activitypointer' })
  }
}

const OPEN_COMPLETED_CANCELED = { 0: 'Open', 1: 'Completed', 2: 'Canceled' }

export const ACTIVITY_TABLES: Table[] = [
  activity({
    logicalName: 'activitypointer',
    entitySet: 'activitypointers',
    displayName: 'Activity',
    displayCollectionName: 'Activities',
    objectTypeCode: 4200,
    states: { ...OPEN_COMPLETED_CANCELED, 3: 'Scheduled' },
    statuses: { 1: 'Open', 2: 'Completed', 3: 'Canceled', 4: 'Scheduled' },
    statusStates: { 1: 0, 2: 1, 3: 2, 4: 3 },
    own: []
  }),
  activity({
    logicalName: 'task',
    entitySet: 'tasks',
    displayName: 'Task',
    displayCollectionName: 'Tasks',
    objectTypeCode: 4212,
    states: OPEN_COMPLETED_CANCELED,
    statuses: { 2: 'Not Started', 3: 'In Progress', 4: 'Waiting on someone else', 5: 'Completed', 6: 'Canceled', 7: 'Deferred' },
    statusStates: { 2: 0, 3: 0, 4: 0, 7: 0, 5: 1, 6: 2 },
    own: [
      { name: 'percentcomplete', type: 'Int32', displayName: 'Percent Complete' },
      { name: 'category', type: 'String', maxLength: 250, displayName: 'Category' }
    ]
  }),
  activity({
    logicalName: 'email',
    entitySet: 'emails',
    displayName: 'Email',
    displayCollectionName: 'Email Messages',
    objectTypeCode: 4202,
    states: OPEN_COMPLETED_CANCELED,
    statuses: { 1: 'Draft', 2: 'Completed', 3: 'Sent', 4: 'Received', 5: 'Canceled', 6: 'Pending Send', 7: 'Sending', 8: 'Failed' },
    statusStates: { 1: 0, 8: 0, 2: 1, 3: 1, 4: 1, 6: 1, 7: 1, 5: 2 },
    own: [
      { name: 'sender', type: 'String', maxLength: 250, displayName: 'From' },
      { name: 'torecipients', type: 'String', maxLength: 500, displayName: 'To Recipients' },
      { name: 'directioncode', type: 'Boolean', options: DIRECTION, displayName: 'Direction' }
    ]
  }),
  activity({
    logicalName: 'phonecall',
    entitySet: 'phonecalls',
    displayName: 'Phone Call',
    displayCollectionName: 'Phone Calls',
    objectTypeCode: 4210,
    states: OPEN_COMPLETED_CANCELED,
    statuses: { 1: 'Open', 2: 'Made', 3: 'Canceled', 4: 'Received' },
    statusStates: { 1: 0, 2: 1, 4: 1, 3: 2 },
    own: [
      { name: 'phonenumber', type: 'String', maxLength: 200, displayName: 'Phone Number' },
      { name: 'directioncode', type: 'Boolean', options: DIRECTION, displayName: 'Direction' }
    ]
  }),
  activity({
    logicalName: 'opportunityclose',
    entitySet: 'opportunitycloses',
    displayName: 'Opportunity Close',
    displayCollectionName: 'Opportunity Close',
    objectTypeCode: 4208,
    states: OPEN_COMPLETED_CANCELED,
    statuses: { 1: 'Open', 2: 'Completed', 3: 'Canceled' },
    statusStates: { 1: 0, 2: 1, 3: 2 },
    own: [
      { name: '_opportunityid_value', type: 'Lookup', targets: [{ table: 'opportunity', navigation: 'opportunityid' }], displayName: 'Opportunity' },
      { name: 'actualrevenue', type: 'Money', displayName: 'Actual Revenue' }
    ]
  })
]

import { encodeQueryValue, quoteLiteral } from '../operations/buildRequest'

/**
 * The request headers Dataverse reads to change what a request does, each with one line on what it does
 * and the Microsoft article that documents it (names and values as written there).
 */

export type SwitchInput =
  /** The switch writes one value. */
  | { kind: 'fixed' }
  | { kind: 'text'; placeholder: string }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'choice'; options: { label: string; value: string }[] }
  /** A user picked from the org's systemusers, by the column the header takes. */
  | { kind: 'user'; column: 'azureactivedirectoryobjectid' | 'systemuserid' }

export interface HeaderSwitch {
  id: string
  group: 'Impersonation' | 'Business logic' | 'Response' | 'Conditions' | 'Caching'
  label: string
  /** The header it writes: a header of its own, or one preference of `Prefer`. */
  header: string
  preference: string | null
  /** The value it writes when switched on (a fixed one, or the default of an editable one). */
  value: string
  input: SwitchInput
  /** Whether a value found in the headers means this switch is on (a fixed switch: that value, any case). */
  means: (value: string) => boolean
  description: string
  /** The Microsoft article (powerapps-docs, developer/data-platform) that documents it. */
  doc: string
  /** Switches it cannot be on with: turning it on turns them off. */
  excludes: string[]
}

const same = (expected: string) => (value: string) => value.trim().replace(/^"(.*)"$/, '$1').toLowerCase() === expected.toLowerCase()
const anyValue = (value: string) => value.trim() !== ''
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const HEADER_SWITCHES: readonly HeaderSwitch[] = [
  {
    id: 'caller-object-id',
    group: 'Impersonation',
    label: 'Act as a user (Entra object id)',
    header: 'CallerObjectId',
    preference: null,
    value: '',
    input: { kind: 'user', column: 'azureactivedirectoryobjectid' },
    means: anyValue,
    description: "Runs the request as this user, with their roles; the caller needs the prvActOnBehalfOfAnotherUser privilege (Delegate role). Microsoft's preferred way.",
    doc: 'webapi/impersonate-another-user-web-api.md',
    excludes: ['mscrm-caller-id']
  },
  {
    id: 'mscrm-caller-id',
    group: 'Impersonation',
    label: 'Act as a user (systemuserid, legacy)',
    header: 'MSCRMCallerID',
    preference: null,
    value: '',
    input: { kind: 'user', column: 'systemuserid' },
    means: anyValue,
    description: 'The older way to impersonate: the same rules, with the user named by their systemuserid.',
    doc: 'webapi/impersonate-another-user-web-api.md',
    excludes: ['caller-object-id']
  },
  {
    id: 'bypass-logic',
    group: 'Business logic',
    label: 'Bypass custom business logic',
    header: 'MSCRM.BypassBusinessLogicExecution',
    preference: null,
    value: 'CustomSync,CustomAsync',
    input: {
      kind: 'choice',
      options: [
        { label: 'Sync and async', value: 'CustomSync,CustomAsync' },
        { label: 'Sync only (CustomSync)', value: 'CustomSync' },
        { label: 'Async only (CustomAsync)', value: 'CustomAsync' }
      ]
    },
    means: anyValue,
    description: "Skips custom plug-ins and workflows (not Microsoft's, not Power Automate flows); needs the prvBypassCustomBusinessLogic privilege.",
    doc: 'bypass-custom-business-logic.md',
    excludes: []
  },
  {
    id: 'bypass-plugins',
    group: 'Business logic',
    label: 'Bypass custom plug-ins',
    header: 'MSCRM.BypassCustomPluginExecution',
    preference: null,
    value: 'true',
    input: { kind: 'fixed' },
    means: same('true'),
    description: 'Skips custom synchronous plug-ins; needs prvBypassCustomPlugins. Supported, but Microsoft now recommends BypassBusinessLogicExecution: CustomSync.',
    doc: 'bypass-custom-business-logic.md',
    excludes: []
  },
  {
    id: 'suppress-flows',
    group: 'Business logic',
    label: 'Do not trigger Power Automate flows',
    header: 'MSCRM.SuppressCallbackRegistrationExpanderJob',
    preference: null,
    value: 'true',
    input: { kind: 'fixed' },
    means: same('true'),
    description: 'Flows that this change would trigger do not run; their owners are not told.',
    doc: 'bypass-power-automate-flows.md',
    excludes: []
  },
  {
    id: 'duplicate-detection',
    group: 'Business logic',
    label: 'Detect duplicates',
    header: 'MSCRM.SuppressDuplicateDetection',
    preference: null,
    value: 'false',
    input: { kind: 'fixed' },
    means: same('false'),
    description: "Runs the org's duplicate detection rules on this create or update; a duplicate is refused with an error instead of saved.",
    doc: 'webapi/manage-duplicate-detection-create-update.md',
    excludes: []
  },
  {
    id: 'solution',
    group: 'Business logic',
    label: 'Add to a solution',
    header: 'MSCRM.SolutionUniqueName',
    preference: null,
    value: '',
    input: { kind: 'text', placeholder: 'solution unique name' },
    means: anyValue,
    description: 'Solution components this request creates (tables, columns, web resources…) are added to that unmanaged solution.',
    doc: 'webapi/compose-http-requests-handle-errors.md',
    excludes: []
  },
  {
    id: 'return-representation',
    group: 'Response',
    label: 'Return the record',
    header: 'Prefer',
    preference: 'return',
    value: 'representation',
    input: { kind: 'fixed' },
    means: same('representation'),
    description: 'A create answers 201 and an update 200 with the record in the body, instead of 204 No Content.',
    doc: 'webapi/compose-http-requests-handle-errors.md',
    excludes: []
  },
  {
    id: 'annotations',
    group: 'Response',
    label: 'Formatted values and annotations',
    header: 'Prefer',
    preference: 'odata.include-annotations',
    value: '"*"',
    input: { kind: 'fixed' },
    means: anyValue,
    description: 'Adds formatted values (choice labels, lookup names, money with its symbol) and other annotations beside each value.',
    doc: 'webapi/compose-http-requests-handle-errors.md',
    excludes: []
  },
  {
    id: 'max-page-size',
    group: 'Response',
    label: 'Page size',
    header: 'Prefer',
    preference: 'odata.maxpagesize',
    value: '50',
    input: { kind: 'number', min: 1, max: 5000 },
    means: anyValue,
    description: 'Rows per page of a query (5,000 at most); the rest follows through @odata.nextLink.',
    doc: 'webapi/compose-http-requests-handle-errors.md',
    excludes: []
  },
  {
    id: 'if-match',
    group: 'Conditions',
    label: 'Update only (no create)',
    header: 'If-Match',
    preference: null,
    value: '*',
    input: { kind: 'fixed' },
    means: same('*'),
    description: 'A PATCH to a record that does not exist answers 404 instead of creating it (an upsert that only updates).',
    doc: 'webapi/perform-conditional-operations-using-web-api.md',
    excludes: ['if-none-match']
  },
  {
    id: 'if-none-match',
    group: 'Conditions',
    label: 'Create only (no update)',
    header: 'If-None-Match',
    preference: null,
    value: '*',
    input: { kind: 'fixed' },
    means: same('*'),
    description: 'A PATCH to a record that already exists answers 412 instead of updating it (an upsert that only creates).',
    doc: 'webapi/perform-conditional-operations-using-web-api.md',
    excludes: ['if-match']
  },
  {
    id: 'consistency',
    group: 'Caching',
    label: 'Strong consistency',
    header: 'Consistency',
    preference: null,
    value: 'Strong',
    input: { kind: 'fixed' },
    means: same('Strong'),
    description: 'Reads the latest metadata, labels and permissions instead of cached ones (up to 30 s old); a little slower, so only when needed.',
    doc: 'webapi/compose-http-requests-handle-errors.md',
    excludes: []
  }
]

export function headerSwitch(id: string): HeaderSwitch {
  const found = HEADER_SWITCHES.find((s) => s.id === id)
  if (!found) throw new Error(`No header switch ${id}`)
  return found
}

/** What is wrong with a value typed for a switch, or null. */
export function checkSwitchValue(def: HeaderSwitch, value: string): string | null {
  const v = value.trim()
  if (/^\{\{[^{}]+\}\}$/.test(v)) return null
  switch (def.input.kind) {
    case 'user':
      return GUID.test(v) ? null : `${def.header} takes a GUID (the user's ${def.input.column}).`
    case 'number': {
      const n = Number(v)
      return /^\d+$/.test(v) && n >= def.input.min && n <= def.input.max ? null : `${def.label}: a whole number from ${def.input.min} to ${def.input.max.toLocaleString('en-US')}.`
    }
    case 'text':
      return v && !/[\r\n]/.test(v) ? null : `${def.label}: give a value.`
    default:
      return null
  }
}

/** The users an impersonation switch offers: 50 by name, those whose full name contains the search when there is one. */
export function usersUrl(search: string): string {
  const text = search.trim()
  const filter = text ? `&$filter=contains(fullname,${encodeQueryValue(quoteLiteral(text))})` : ''
  return `{{webApiUrl}}/systemusers?$select=fullname,azureactivedirectoryobjectid,internalemailaddress,systemuserid&$orderby=fullname&$top=50${filter}`
}

import { dv } from '../../errors'
import { failure } from '../failures'
import { safeDecode, type SandboxResponse } from '../http'
import type { Call } from '../routes'
import type { Row } from '../seedData'
import type { Table } from '../schema'
import { calculateDiscount } from './customApi'
import { merge } from './merge'
import { actionArguments, functionArguments } from './params'
import { loseOpportunity, qualifyLead, winOpportunity } from './sales'
import { retrieveTotalRecordCount, retrieveUserPrivileges, retrieveVersion, whoAmI } from './system'
import type { Operation } from './types'

type Segment = { name: string; args: string | null; raw: string }

/** Every function and action the Sandbox serves: `$metadata` declares exactly these. */
export const OPERATIONS: Operation[] = [whoAmI, retrieveVersion, retrieveTotalRecordCount, retrieveUserPrivileges, merge, winOpportunity, loseOpportunity, qualifyLead, calculateDiscount]

const NAMESPACE = 'Microsoft.Dynamics.CRM.'

/** Dataverse functions and actions the articles use that the Sandbox does not emulate: they answer "not supported", not "not found". */
const NOT_EMULATED = new Set([
  'GetTimeZoneCodeByLocalizedName', 'InitializeFrom', 'RetrievePrincipalAccess', 'CalculateRollupField', 'IncrementKnowledgeArticleViewCount',
  'IsValidStateTransition', 'RetrieveDuplicates', 'RetrieveLocLabels', 'RetrieveRecordWall', 'ValidateRecurrenceRule', 'RetrieveAllChildUsersSystemUser',
  'RetrieveBusinessHierarchyBusinessUnit', 'RetrieveUnpublishedMultiple', 'SearchByBodyKbArticle', 'SearchByKeywordsKbArticle', 'SearchByTitleKbArticle',
  'RetrieveCurrentOrganization', 'RetrieveMetadataChanges', 'RetrieveEntityChanges', 'RetrieveAllEntities', 'ExecuteWorkflow', 'AddToQueue',
  'SendEmail', 'GrantAccess', 'ModifyAccess', 'RevokeAccess', 'CreateMultiple', 'UpdateMultiple', 'UpsertMultiple', 'DeleteMultiple', 'BulkDelete',
  'PublishXml', 'PublishAllXml', 'ImportSolution', 'ExportSolution', 'RetrieveAttributeChangeHistory', 'RetrieveAuditDetails', 'RetrieveOrganizationInfo', 'AssociateEntities',
  'DisassociateEntities', 'AddMembersTeam', 'RemoveMembersTeam', 'CloseIncident', 'Assign', 'SetState'
])

const unbound = new Map(OPERATIONS.filter((o) => !o.boundTo).map((o) => [o.name, o]))

export function isOperation(name: string): boolean {
  return unbound.has(name) || NOT_EMULATED.has(name)
}

/** A bound operation of this table by its name (without the namespace). */
export function boundOperation(table: Table, name: string): Operation | undefined {
  return OPERATIONS.find((o) => o.boundTo === table.logicalName && o.name === name)
}

function verbOf(op: Operation): 'GET' | 'POST' {
  return op.kind === 'Function' ? 'GET' : 'POST'
}

function invoke(call: Call, op: Operation, segment: Segment, target: { table: Table; row: Row } | null): SandboxResponse {
  const args = op.kind === 'Function' ? functionArguments(call, op, segment.args) : actionArguments(call, op)
  return op.run({ call, args, target })
}

/** `/WhoAmI()`, `/RetrieveTotalRecordCount(EntityNames=@p1)`, `POST /WinOpportunity`… */
export function handleFunction(call: Call, segments: Segment[]): SandboxResponse {
  const [segment, ...rest] = segments as [Segment, ...Segment[]]
  if (NOT_EMULATED.has(segment.name)) throw dv.notSupported(`The ${segment.name} message`)
  const op = unbound.get(segment.name)!
  // A function called with POST, or an action with GET: "No HTTP resource was found that matches the request URI" (404).
  if (verbOf(op) !== call.method || rest.length) throw dv.noHttpResource(call.url)
  if (op.kind === 'Action' && segment.args !== null) throw dv.noResource(safeDecode(segment.raw))
  return invoke(call, op, segment, null)
}

/**
 * `…/leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead`: a bound operation needs its full name; without the namespace
 * Dataverse answers "Request message has unresolved parameters" (Use Web API actions).
 */
export function handleBound(call: Call, table: Table, row: Row, segment: Segment, rest: Segment[]): SandboxResponse | null {
  const full = segment.name.startsWith(NAMESPACE)
  const name = full ? segment.name.slice(NAMESPACE.length) : segment.name
  const op = boundOperation(table, name)
  if (!op) {
    if (full && NOT_EMULATED.has(name)) throw dv.notSupported(`The ${name} message`)
    if (full) throw dv.noResource(safeDecode(segment.raw))
    return null
  }
  if (!full) throw failure.unresolvedParameters()
  if (verbOf(op) !== call.method || rest.length) throw dv.noHttpResource(call.url)
  return invoke(call, op, segment, { table, row })
}

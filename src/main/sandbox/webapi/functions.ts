import { dv } from '../errors'
import { readBody } from './body'
import { parseLiteral } from './filterLexer'
import { empty, ODATA_VERSION, odataJson, safeDecode, type SandboxResponse } from './http'
import type { Call } from './routes'
import { BUSINESS_UNIT_ID } from './seedData'
import { API_VERSION, tableByName } from './schema'
import { splitTopLevel } from './text'

type Segment = { name: string; args: string | null; raw: string }

/** The unbound functions and actions the Sandbox serves, with the verb each takes (functions GET, actions POST). */
const OPERATIONS: Record<string, 'GET' | 'POST'> = { WhoAmI: 'GET', RetrieveVersion: 'GET', RetrieveTotalRecordCount: 'GET', Merge: 'POST' }

/** Dataverse functions and actions the articles use that the Sandbox does not emulate: they answer "not supported", not "not found". */
const NOT_EMULATED = new Set([
  'GetTimeZoneCodeByLocalizedName', 'InitializeFrom', 'RetrieveUserPrivileges', 'RetrievePrincipalAccess', 'CalculateRollupField', 'IncrementKnowledgeArticleViewCount',
  'IsValidStateTransition', 'RetrieveDuplicates', 'RetrieveLocLabels', 'RetrieveRecordWall', 'ValidateRecurrenceRule', 'RetrieveAllChildUsersSystemUser',
  'RetrieveBusinessHierarchyBusinessUnit', 'RetrieveUnpublishedMultiple', 'SearchByBodyKbArticle', 'SearchByKeywordsKbArticle', 'SearchByTitleKbArticle',
  'RetrieveCurrentOrganization', 'RetrieveMetadataChanges', 'RetrieveEntityChanges', 'RetrieveAllEntities', 'ExecuteWorkflow', 'AddToQueue', 'WinOpportunity',
  'QualifyLead', 'SendEmail', 'GrantAccess', 'ModifyAccess', 'RevokeAccess', 'CreateMultiple', 'UpdateMultiple', 'UpsertMultiple', 'DeleteMultiple', 'BulkDelete',
  'PublishXml', 'PublishAllXml', 'ImportSolution', 'ExportSolution', 'RetrieveAttributeChangeHistory', 'RetrieveAuditDetails', 'RetrieveOrganizationInfo', 'AssociateEntities', 'DisassociateEntities'
])

export function isOperation(name: string): boolean {
  return name in OPERATIONS || NOT_EMULATED.has(name)
}

/** Named function parameters, inline (`EntityNames=['account']`) or through an alias (`EntityNames=@p1`). */
function parameters(call: Call, args: string | null): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const part of splitTopLevel(safeDecode(args ?? ''), ',')) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw dv.badRequest(`Syntax error in the function parameters '${args ?? ''}': use Name=value.`)
    let raw = part.slice(eq + 1).trim()
    if (/^@\w+$/.test(raw)) raw = call.q.get(raw) ?? 'null'
    out.set(part.slice(0, eq).trim(), parseLiteral(raw).value)
  }
  return out
}

export function handleFunction(call: Call, segments: Segment[]): SandboxResponse {
  const [op, ...rest] = segments as [Segment, ...Segment[]]
  if (NOT_EMULATED.has(op.name)) throw dv.notSupported(`The ${op.name} message`)
  // A function called with POST, or an action with GET: "No HTTP resource was found that matches the request URI" (404).
  if (OPERATIONS[op.name] !== call.method || rest.length) throw dv.noHttpResource(call.url)
  const base = call.base
  switch (op.name) {
    case 'WhoAmI':
      return odataJson(200, { '@odata.context': `${base}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`, BusinessUnitId: call.caller.user._businessunitid_value ?? BUSINESS_UNIT_ID, UserId: call.caller.user.systemuserid, OrganizationId: call.ctx.seed.organizationId })
    case 'RetrieveVersion':
      return odataJson(200, { '@odata.context': `${base}/$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse`, Version: API_VERSION })
    case 'RetrieveTotalRecordCount': {
      const names = parameters(call, op.args).get('EntityNames')
      if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) throw dv.badRequest("RetrieveTotalRecordCount needs EntityNames, a collection of table logical names: RetrieveTotalRecordCount(EntityNames=['account']).")
      const values = (names as string[]).map((name) => {
        const table = tableByName.get(name)
        if (!table) throw dv.badRequest(`The entity with a name = '${name}' with namemapping = 'Logical' was not found in the MetadataCache.`)
        return call.ctx.org.rows(table).length
      })
      return odataJson(200, {
        '@odata.context': `${base}/$metadata#Microsoft.Dynamics.CRM.RetrieveTotalRecordCountResponse`,
        EntityRecordCountCollection: { Count: names.length, IsReadOnly: false, Keys: names, Values: values }
      })
    }
    default:
      return merge(call)
  }
}

/** The Merge action: the subordinate's children move to the target, the subordinate is deactivated. */
function merge(call: Call): SandboxResponse {
  const body = readBody(call)
  const org = call.ctx.org
  const ref = (name: string) => {
    const value = body[name] as Record<string, unknown> | undefined
    const type = typeof value?.['@odata.type'] === 'string' ? (value['@odata.type'] as string).replace(/^#?Microsoft\.Dynamics\.CRM\./, '') : ''
    const table = tableByName.get(type)
    if (!value || !table || (table.logicalName !== 'account' && table.logicalName !== 'contact')) throw dv.badRequest(`Merge needs '${name}' as {"@odata.type": "Microsoft.Dynamics.CRM.account" (or contact), "${table?.primaryId ?? 'accountid'}": "<id>"}.`)
    const id = value[table.primaryId]
    if (typeof id !== 'string') throw dv.badRequest(`'${name}' has no ${table.primaryId}.`)
    return { table, row: org.get(table, id) }
  }
  const target = ref('Target')
  const subordinate = ref('Subordinate')
  if (target.table !== subordinate.table) throw dv.badRequest('Target and Subordinate must be records of the same table.')
  if (target.row === subordinate.row) throw dv.badRequest('A record cannot be merged with itself.')
  const update = (body.UpdateContent as Record<string, unknown> | undefined) ?? {}
  const content = Object.fromEntries(Object.entries(update).filter(([k]) => k !== '@odata.type' && k !== target.table.primaryId))
  org.atomically(() => {
    if (Object.keys(content).length) org.update(target.table, target.row, content, call.write)
    for (const nav of target.table.collections) {
      const child = org.table(nav.table)
      const via = child.columns.find((c) => c.name === nav.via)!
      for (const r of org.related(subordinate.table, subordinate.row, nav)) {
        org.setLookup(r, via, target.table, String(target.row[target.table.primaryId]))
        org.touch(child, r, call.write.userId)
      }
    }
    org.update(subordinate.table, subordinate.row, { statecode: 1, statuscode: 2 }, call.write)
  })
  return empty(204, ODATA_VERSION)
}

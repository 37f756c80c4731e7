import { dv } from '../../errors'
import { failure } from '../failures'
import { empty, odataJson, ODATA_VERSION } from '../http'
import type { Row } from '../seedData'
import { column, type Table } from '../schema'
import { recordOf } from './params'
import type { EntityArgument, Operation, OperationContext } from './types'

const today = () => new Date().toISOString().slice(0, 10)

/** The state name Dataverse puts in status errors: `OpportunityState.Won`. */
function stateName(table: Table, state: number): string {
  const label = column(table, 'statecode')?.options?.[state] ?? String(state)
  return `${table.displayName.replace(/\s+/g, '')}State.${label.replace(/\s+/g, '')}`
}

/** A status reason that belongs to `state`, or the "not a valid status code" error. */
function checkStatus(table: Table, row: Row, status: number, state: number): void {
  const col = column(table, 'statuscode')!
  if (col.states?.[status] !== state) throw failure.invalidStatus(status, stateName(table, state), table.logicalName, String(row[table.primaryId]))
}

/**
 * WinOpportunity ("Use Web API actions"): creates the opportunityclose activity the parameter describes (its
 * `opportunityid@odata.bind` names the opportunity), completes it, and sets the opportunity won with its actual
 * revenue and close date.
 */
export const winOpportunity: Operation = {
  name: 'WinOpportunity',
  kind: 'Action',
  parameters: [
    { name: 'OpportunityClose', type: 'mscrm.opportunityclose', required: true },
    { name: 'Status', type: 'Edm.Int32', required: true }
  ],
  run: (ctx) => closeOpportunity(ctx, 1)
}

/** LoseOpportunity: the same activity, the opportunity lost (Canceled or Out-Sold). */
export const loseOpportunity: Operation = {
  name: 'LoseOpportunity',
  kind: 'Action',
  parameters: winOpportunity.parameters,
  run: (ctx) => closeOpportunity(ctx, 2)
}

function closeOpportunity({ call, args }: OperationContext, state: 1 | 2): ReturnType<Operation['run']> {
  const org = call.ctx.org
  const close = args.get('OpportunityClose') as EntityArgument
  const status = args.get('Status') as number
  const bind = close.value['opportunityid@odata.bind']
  if (typeof bind !== 'string') throw failure.invalidArgument('The OpportunityClose parameter must name its opportunity: "opportunityid@odata.bind": "/opportunities(<id>)".')
  const target = call.write.resolve(bind)
  if (target.table.logicalName !== 'opportunity') throw dv.badRequest(`'opportunityid@odata.bind' must reference a opportunity record (got a ${target.table.logicalName}).`)
  const opportunity = target.row
  if (opportunity.statecode !== 0) throw failure.opportunityClosed()
  checkStatus(target.table, opportunity, status, state)
  org.atomically(() => {
    const activity = org.insert(close.table, { ...close.value, statecode: 1, statuscode: 2 }, call.write)
    if (activity.actualend === null) activity.actualend = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const revenue = typeof activity.actualrevenue === 'number' ? activity.actualrevenue : state === 1 ? opportunity.estimatedvalue : null
    org.update(target.table, opportunity, { statecode: state, statuscode: status, actualvalue: revenue ?? null, actualclosedate: String(activity.actualend ?? today()).slice(0, 10) }, call.write)
  })
  return empty(204, ODATA_VERSION)
}

/** QualifyLead (bound to lead): creates what the flags ask for from the lead's data and returns references to them. */
export const qualifyLead: Operation = {
  name: 'QualifyLead',
  kind: 'Action',
  boundTo: 'lead',
  parameters: [
    { name: 'CreateAccount', type: 'Edm.Boolean', required: true },
    { name: 'CreateContact', type: 'Edm.Boolean', required: true },
    { name: 'CreateOpportunity', type: 'Edm.Boolean', required: true },
    { name: 'OpportunityCurrencyId', type: 'mscrm.transactioncurrency', required: false },
    { name: 'OpportunityCustomerId', type: 'mscrm.crmbaseentity', required: false },
    { name: 'SourceCampaignId', type: 'mscrm.crmbaseentity', required: false },
    { name: 'Status', type: 'Edm.Int32', required: true },
    { name: 'SuppressDuplicateDetection', type: 'Edm.Boolean', required: false },
    { name: 'ProcessInstanceId', type: 'mscrm.crmbaseentity', required: false }
  ],
  returns: { type: 'Collection(mscrm.crmbaseentity)', nullable: false },
  run: ({ call, args, target }) => {
    const org = call.ctx.org
    const { table: leadTable, row: lead } = target!
    const leadId = String(lead.leadid)
    if (lead.statecode !== 0) throw failure.leadClosed()
    const status = args.get('Status') as number
    checkStatus(leadTable, lead, status, 1)
    if (args.get('SourceCampaignId')) throw dv.notSupported('The SourceCampaignId parameter of QualifyLead (the Sandbox has no campaign table)')
    const customerArg = args.get('OpportunityCustomerId') as EntityArgument | undefined
    const customer = customerArg ? recordOf(call, customerArg, 'OpportunityCustomerId', ['account', 'contact']) : null
    const currencyArg = args.get('OpportunityCurrencyId') as EntityArgument | undefined
    const currency = currencyArg ? recordOf(call, currencyArg, 'OpportunityCurrencyId') : null
    const copy = (names: string[]) => Object.fromEntries(names.filter((n) => lead[n] !== null && lead[n] !== undefined).map((n) => [n, lead[n]]))
    const leadRef = `/leads(${leadId})`
    const created: Array<{ table: Table; row: Row }> = []
    org.atomically(() => {
      let account: Row | null = null
      let contact: Row | null = null
      if (args.get('CreateAccount')) {
        if (typeof lead.companyname !== 'string' || !lead.companyname) throw failure.invalidArgument('Cannot create an account from a lead without a company name: set the lead\'s companyname, or qualify with CreateAccount false.')
        account = org.insert(org.table('account'), { name: lead.companyname, ...copy(['emailaddress1', 'telephone1', 'address1_city', 'address1_country', 'description']), 'originatingleadid@odata.bind': leadRef }, call.write)
        created.push({ table: org.table('account'), row: account })
      }
      if (args.get('CreateContact')) {
        const parent = account ? { 'parentcustomerid_account@odata.bind': `/accounts(${String(account.accountid)})` } : {}
        contact = org.insert(org.table('contact'), { ...copy(['firstname', 'lastname', 'emailaddress1', 'telephone1', 'jobtitle', 'description']), ...parent, 'originatingleadid@odata.bind': leadRef }, call.write)
        created.push({ table: org.table('contact'), row: contact })
      }
      if (args.get('CreateOpportunity')) {
        const who = customer ?? (account ? { table: org.table('account'), row: account } : contact ? { table: org.table('contact'), row: contact } : null)
        const body: Record<string, unknown> = { name: lead.subject ?? lead.fullname, ...copy(['description']), 'originatingleadid@odata.bind': leadRef }
        if (typeof lead.estimatedamount === 'number') body.estimatedvalue = lead.estimatedamount
        if (who) body[`customerid_${who.table.logicalName}@odata.bind`] = `/${who.table.entitySet}(${String(who.row[who.table.primaryId])})`
        if (who?.table.logicalName === 'account') body['parentaccountid@odata.bind'] = `/accounts(${String(who.row.accountid)})`
        if (currency) body['transactioncurrencyid@odata.bind'] = `/transactioncurrencies(${String(currency.row.transactioncurrencyid)})`
        const opportunity = org.insert(org.table('opportunity'), body, call.write)
        created.push({ table: org.table('opportunity'), row: opportunity })
        org.setLookup(lead, column(leadTable, '_qualifyingopportunityid_value')!, org.table('opportunity'), String(opportunity.opportunityid))
      }
      if (account) org.setLookup(lead, column(leadTable, '_parentaccountid_value')!, org.table('account'), String(account.accountid))
      org.update(leadTable, lead, { statecode: 1, statuscode: status }, call.write)
    })
    return odataJson(200, {
      '@odata.context': `${call.base}/$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)`,
      value: created.map(({ table, row }) => ({ '@odata.type': `#Microsoft.Dynamics.CRM.${table.logicalName}`, [table.primaryId]: row[table.primaryId] }))
    })
  }
}

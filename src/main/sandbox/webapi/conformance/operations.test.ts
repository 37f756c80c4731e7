/**
 * Conformance: the actions and functions of the realistic schema — "Use Web API actions" (WinOpportunity, bound
 * actions such as QualifyLead), "Use Web API functions" (a bound function: RetrieveUserPrivileges) and "Create and
 * use Custom APIs" (sample_CalculateDiscount), each run against the seeded rows, with Dataverse's errors.
 */
import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { defaultSeed } from '../../seed'
import { useConformance, type Collection, type Json } from './setup'

const c = useConformance()
const first = async (path: string) => {
  const r = await c.get(path)
  expect(r.status, r.text.slice(0, 300)).toBe(200)
  return r.json<Collection>().value[0]!
}
const errorOf = (r: { json<T>(): T }) => r.json<{ error: { code: string; message: string } }>().error
const csdl = async () => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse((await c.get('/$metadata')).text)['edmx:Edmx']['edmx:DataServices'].Schema

describe('WinOpportunity', () => {
  it('[use-web-api-actions] the CSDL declares it as the article shows', async () => {
    const action = [(await csdl()).Action].flat().find((a: Json) => a.Name === 'WinOpportunity') as Json
    expect(action.Parameter).toEqual([{ Name: 'OpportunityClose', Type: 'mscrm.opportunityclose', Nullable: 'false' }, { Name: 'Status', Type: 'Edm.Int32', Nullable: 'false' }])
  })

  it('[use-web-api-actions] the documented request: 204, the opportunity won, its opportunityclose activity created', async () => {
    const opp = await first('/opportunities?$select=name,estimatedvalue&$filter=statecode eq 0&$top=1')
    const r = await c.send('POST', '/WinOpportunity', { Status: 3, OpportunityClose: { subject: 'Won Opportunity', 'opportunityid@odata.bind': `${c.sb.info.webApiUrl}/opportunities(${String(opp.opportunityid)})` } })
    expect(r.status, r.text).toBe(204)
    const won = (await c.get(`/opportunities(${String(opp.opportunityid)})?$select=statecode,statuscode,actualvalue,actualclosedate&$expand=Opportunity_OpportunityClose($select=subject,statecode)`, { prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' })).json()
    expect(won).toMatchObject({ statecode: 1, 'statecode@OData.Community.Display.V1.FormattedValue': 'Won', statuscode: 3, actualvalue: opp.estimatedvalue, actualclosedate: new Date().toISOString().slice(0, 10) })
    expect(won.Opportunity_OpportunityClose).toEqual([expect.objectContaining({ subject: 'Won Opportunity', statecode: 1 })])
    const activity = (won.Opportunity_OpportunityClose as Json[])[0]!
    expect((await c.get(`/activitypointers(${String(activity.activityid)})?$select=activitytypecode,subject`)).json()).toMatchObject({ activitytypecode: 'opportunityclose', subject: 'Won Opportunity' })
  })

  it('[use-web-api-actions] a closed opportunity, a status that is not a Won status, a missing or unknown parameter', async () => {
    const open = await first('/opportunities?$select=name&$filter=statecode eq 0&$top=1')
    const closed = await first('/opportunities?$select=name&$filter=statecode eq 2&$top=1')
    const win = (id: unknown, extra: Json = {}) => c.send('POST', '/WinOpportunity', { Status: 3, OpportunityClose: { subject: 'x', 'opportunityid@odata.bind': `/opportunities(${String(id)})` }, ...extra })
    expect(errorOf(await win(closed.opportunityid))).toEqual({ code: '0x80040515', message: 'The opportunity is already closed.' })
    const wrongStatus = await win(open.opportunityid, { Status: 4 })
    expect(wrongStatus.status).toBe(400)
    expect(errorOf(wrongStatus).message).toBe(`4 is not a valid status code for state code OpportunityState.Won on opportunity with Id ${String(open.opportunityid)}.`)
    const missing = await c.send('POST', '/WinOpportunity', { OpportunityClose: { subject: 'x', 'opportunityid@odata.bind': `/opportunities(${String(open.opportunityid)})` } })
    expect(missing.status).toBe(400)
    expect(errorOf(missing).message).toBe('Request message has unresolved parameters.')
    const unknown = await win(open.opportunityid, { Reason: 'Price' })
    expect(unknown.status).toBe(400)
    expect(errorOf(unknown)).toMatchObject({ code: '0x80048d19' })
    expect(errorOf(unknown).message).toContain("Microsoft.OData.ODataException: The parameter 'Reason' in the request payload is not a valid parameter for the operation 'WinOpportunity'.")
    expect(errorOf(await win(open.opportunityid, { Status: 'won' })).message).toBe("Cannot convert the literal 'won' to the expected type 'Edm.Int32'.")
    expect((await first(`/opportunities?$select=statecode&$filter=opportunityid eq ${String(open.opportunityid)}`)).statecode).toBe(0)
  })
})

describe('QualifyLead', () => {
  it('[use-web-api-actions] a bound action: account, contact and opportunity created from the lead, returned as crmbaseentity', async () => {
    const lead = await first("/leads?$select=companyname,subject,firstname,lastname,emailaddress1&$filter=statecode eq 0 and companyname ne null&$top=1")
    const currency = await first("/transactioncurrencies?$select=transactioncurrencyid&$filter=isocurrencycode eq 'EUR'")
    const r = await c.send('POST', `/leads(${String(lead.leadid)})/Microsoft.Dynamics.CRM.QualifyLead`, { CreateAccount: true, CreateContact: true, CreateOpportunity: true, Status: 3, OpportunityCurrencyId: { '@odata.type': 'Microsoft.Dynamics.CRM.transactioncurrency', transactioncurrencyid: currency.transactioncurrencyid } })
    expect(r.status, r.text).toBe(200)
    const body = r.json<Collection>()
    expect(body['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)`)
    expect(body.value.map((v) => v['@odata.type'])).toEqual(['#Microsoft.Dynamics.CRM.account', '#Microsoft.Dynamics.CRM.contact', '#Microsoft.Dynamics.CRM.opportunity'])
    const [account, contact, opportunity] = body.value as [Json, Json, Json]
    expect((await c.get(`/accounts(${String(account.accountid)})?$select=name,_originatingleadid_value`)).json()).toMatchObject({ name: lead.companyname, _originatingleadid_value: lead.leadid })
    expect((await c.get(`/contacts(${String(contact.contactid)})?$select=lastname,emailaddress1,_parentcustomerid_value`)).json()).toMatchObject({ lastname: lead.lastname, emailaddress1: lead.emailaddress1, _parentcustomerid_value: account.accountid })
    const opp = (await c.get(`/opportunities(${String(opportunity.opportunityid)})?$select=name,_customerid_value,_transactioncurrencyid_value`, { prefer: 'odata.include-annotations="*"' })).json()
    expect(opp).toMatchObject({ name: lead.subject, _customerid_value: account.accountid, '_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account', '_customerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'customerid_account', _transactioncurrencyid_value: currency.transactioncurrencyid })
    expect((await c.get(`/leads(${String(lead.leadid)})?$select=statecode,statuscode,_qualifyingopportunityid_value`)).json()).toMatchObject({ statecode: 1, statuscode: 3, _qualifyingopportunityid_value: opportunity.opportunityid })
    const again = await c.send('POST', `/leads(${String(lead.leadid)})/Microsoft.Dynamics.CRM.QualifyLead`, { CreateAccount: false, CreateContact: false, CreateOpportunity: false, Status: 3 })
    expect(errorOf(again)).toEqual({ code: '0x80040519', message: 'The lead is already closed.' })
  })

  it('[use-web-api-actions] a contact as the opportunity\'s customer (polymorphic customerid)', async () => {
    const lead = await first('/leads?$select=subject&$filter=statecode eq 0&$top=1&$orderby=subject desc')
    const contact = await first('/contacts?$select=contactid&$top=1')
    const r = await c.send('POST', `/leads(${String(lead.leadid)})/Microsoft.Dynamics.CRM.QualifyLead`, { CreateAccount: false, CreateContact: false, CreateOpportunity: true, Status: 3, OpportunityCustomerId: { '@odata.type': 'Microsoft.Dynamics.CRM.contact', contactid: contact.contactid } })
    expect(r.status, r.text).toBe(200)
    const opportunity = r.json<Collection>().value[0]!
    const opp = (await c.get(`/opportunities(${String(opportunity.opportunityid)})?$select=_customerid_value&$expand=customerid_contact($select=contactid),customerid_account($select=accountid)`)).json()
    expect(opp).toMatchObject({ _customerid_value: contact.contactid, customerid_contact: { contactid: contact.contactid }, customerid_account: null })
  })

  it('[use-web-api-actions] a bound action named without its namespace: 400 Request message has unresolved parameters', async () => {
    const lead = await first('/leads?$select=subject&$top=1')
    const r = await c.send('POST', `/leads(${String(lead.leadid)})/QualifyLead`, { CreateAccount: false, CreateContact: false, CreateOpportunity: false, Status: 3 })
    expect(r.status).toBe(400)
    expect(errorOf(r).message).toBe('Request message has unresolved parameters.')
  })
})

describe('a bound function and a Custom API', () => {
  it('[use-web-api-functions] RetrieveUserPrivileges, bound to systemuser: the privileges of the user\'s roles', async () => {
    const me = String((await c.get('/WhoAmI')).json().UserId)
    const r = await c.get(`/systemusers(${me})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`)
    expect(r.status, r.text).toBe(200)
    const body = r.json()
    expect(body['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#Microsoft.Dynamics.CRM.RetrieveUserPrivilegesResponse`)
    expect(body.RolePrivileges).toContainEqual({ Depth: 'Global', PrivilegeId: expect.stringMatching(/^[0-9a-f-]{36}$/), BusinessUnitId: expect.stringMatching(/^[0-9a-f-]{36}$/), PrivilegeName: 'prvActOnBehalfOfAnotherUser' })
    const sales = defaultSeed('').users.find((u) => u.securityRoles.includes('Salesperson'))!
    const sam = await first(`/systemusers?$select=systemuserid&$filter=domainname eq '${sales.upn}'`)
    const samPrivileges = (await c.get(`/systemusers(${String(sam.systemuserid)})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`)).json().RolePrivileges as Json[]
    expect(samPrivileges.map((p) => p.PrivilegeName)).toContain('prvReadAccount')
    expect(samPrivileges.map((p) => p.PrivilegeName)).not.toContain('prvActOnBehalfOfAnotherUser')
    expect((await c.send('POST', `/systemusers(${me})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`)).status).toBe(404)
    const fn = [(await csdl()).Function].flat().find((f: Json) => f.Name === 'RetrieveUserPrivileges') as Json
    expect(fn).toMatchObject({ IsBound: 'true', Parameter: { Name: 'entity', Type: 'mscrm.systemuser', Nullable: 'false' }, ReturnType: { Type: 'mscrm.RetrieveUserPrivilegesResponse', Nullable: 'false' } })
  })

  it('[custom-api] sample_CalculateDiscount is published as Dataverse publishes a Custom API: an Action with its Response complex type', async () => {
    const schema = await csdl()
    const action = [schema.Action].flat().find((a: Json) => a.Name === 'sample_CalculateDiscount') as Json
    expect(action.Parameter).toEqual([{ Name: 'Amount', Type: 'Edm.Decimal', Nullable: 'false' }, { Name: 'Customer', Type: 'mscrm.crmbaseentity' }, { Name: 'CouponCode', Type: 'Edm.String', Unicode: 'false' }])
    expect(action.ReturnType).toEqual({ Type: 'mscrm.sample_CalculateDiscountResponse', Nullable: 'false' })
    const response = [schema.ComplexType].flat().find((t: Json) => t.Name === 'sample_CalculateDiscountResponse') as Json
    expect([response.Property].flat().map((p) => (p as Json).Name)).toEqual(['Tier', 'DiscountPercent', 'DiscountAmount', 'FinalAmount'])
    expect([schema.EntityContainer.ActionImport].flat()).toContainEqual({ Name: 'sample_CalculateDiscount', Action: 'mscrm.sample_CalculateDiscount' })
  })

  it('[custom-api] runs against the seeded data: the account\'s revenue tier and a coupon; typed parameters and a plug-in\'s error', async () => {
    const big = await first('/accounts?$select=revenue&$filter=revenue ge 4000000&$top=1')
    const r = await c.send('POST', '/sample_CalculateDiscount', { Amount: 1000, Customer: { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: big.accountid }, CouponCode: 'sandbox10' })
    expect(r.status, r.text).toBe(200)
    expect(r.json()).toEqual({ '@odata.context': `${c.sb.info.webApiUrl}/$metadata#Microsoft.Dynamics.CRM.sample_CalculateDiscountResponse`, Tier: 'Strategic', DiscountPercent: 20, DiscountAmount: 200, FinalAmount: 800 })
    expect((await c.send('POST', '/sample_CalculateDiscount', { Amount: 99.5 })).json()).toMatchObject({ Tier: 'Standard', DiscountPercent: 0, FinalAmount: 99.5 })
    expect(errorOf(await c.send('POST', '/sample_CalculateDiscount', { CouponCode: 'X' })).message).toBe('Request message has unresolved parameters.')
    expect(errorOf(await c.send('POST', '/sample_CalculateDiscount', { Amount: '1000' })).message).toBe("Cannot convert the literal '1000' to the expected type 'Edm.Decimal'.")
    expect(errorOf(await c.send('POST', '/sample_CalculateDiscount', { Amount: 10, CouponCode: 'FREE' }))).toEqual({ code: '0x80040265', message: "The coupon code 'FREE' is not valid." })
    expect((await c.get('/sample_CalculateDiscount')).status).toBe(404)
  })
})

/**
 * Conformance: "Impersonate another user using the Web API" (powerapps-docs, developer/data-platform/webapi) and
 * the PrivilegeDenied error a caller without prvActOnBehalfOfAnotherUser gets.
 */
import { describe, expect, it } from 'vitest'
import { defaultSeed } from '../../seed'
import { useConformance, type Json } from './setup'

const c = useConformance()
const seed = defaultSeed('')
const demo = seed.users.find((u) => u.upn.startsWith('demo@'))!
const sales = seed.users.find((u) => u.securityRoles.includes('Salesperson'))!
const userId = async (upn: string) => String((await c.get(`/systemusers?$select=systemuserid&$filter=domainname eq '${upn}'`)).json<{ value: Json[] }>().value[0]!.systemuserid)
const whoAmI = async (headers: Record<string, string> = {}) => {
  const r = await c.get('/WhoAmI', headers)
  expect(r.status, r.text).toBe(200)
  return String(r.json().UserId)
}

describe('impersonation', () => {
  it('[impersonate-another-user-web-api] the documented request: a record created with CallerObjectId is the impersonated user\'s', async () => {
    const me = await whoAmI()
    const created = await c.send('POST', '/accounts', { name: 'Sample Account created using impersonation' }, { callerobjectid: demo.oid })
    expect(created.status).toBe(204)
    const id = /\(([0-9a-f-]{36})\)$/.exec(created.headers['odata-entityid']!)![1]!
    const r = await c.get(`/accounts(${id})?$select=name&$expand=createdby($select=fullname,azureactivedirectoryobjectid),createdonbehalfby($select=fullname,azureactivedirectoryobjectid),owninguser($select=fullname,azureactivedirectoryobjectid)`)
    const body = r.json()
    expect(body['@odata.context']).toBe(`${c.sb.info.webApiUrl}/$metadata#accounts(name,createdby(fullname,azureactivedirectoryobjectid),createdonbehalfby(fullname,azureactivedirectoryobjectid),owninguser(fullname,azureactivedirectoryobjectid))/$entity`)
    expect(body.createdby).toMatchObject({ fullname: `${demo.givenName} ${demo.surname}`, azureactivedirectoryobjectid: demo.oid })
    expect(body.owninguser).toMatchObject({ azureactivedirectoryobjectid: demo.oid })
    expect((body.createdonbehalfby as Json).systemuserid).toBe(me)
  })

  it('[impersonate-another-user-web-api] WhoAmI answers the impersonated user, by CallerObjectId or by the legacy MSCRMCallerID', async () => {
    const me = await whoAmI()
    const dana = await userId(demo.upn)
    expect(await whoAmI({ callerobjectid: demo.oid })).toBe(dana)
    expect(await whoAmI({ mscrmcallerid: dana })).toBe(dana)
    expect(await whoAmI()).toBe(me)
  })

  it('[impersonate-another-user-web-api] an update made on behalf of a user sets modifiedby and modifiedonbehalfby', async () => {
    const me = await whoAmI()
    const dana = await userId(demo.upn)
    const id = /\(([0-9a-f-]{36})\)$/.exec((await c.send('POST', '/contacts', { lastname: 'Impersonated update' })).headers['odata-entityid']!)![1]!
    expect((await c.send('PATCH', `/contacts(${id})`, { jobtitle: 'Changed for Dana' }, { mscrmcallerid: dana })).status).toBe(204)
    expect((await c.get(`/contacts(${id})?$select=_modifiedby_value,_modifiedonbehalfby_value,_createdonbehalfby_value`)).json()).toMatchObject({ _modifiedby_value: dana, _modifiedonbehalfby_value: me, _createdonbehalfby_value: null })
  })

  it('[impersonate-another-user-web-api] naming the caller themselves is no impersonation: createdonbehalfby stays null', async () => {
    const appUser = (await c.get(`/systemusers(${await whoAmI()})?$select=azureactivedirectoryobjectid`)).json()
    const created = await c.send('POST', '/accounts', { name: 'Self' }, { callerobjectid: String(appUser.azureactivedirectoryobjectid), prefer: 'return=representation' })
    expect(created.json()._createdonbehalfby_value).toBeNull()
  })

  it('[web-service-error-codes] a caller without prvActOnBehalfOfAnotherUser: 403 PrivilegeDenied (0x80040220)', async () => {
    const token = (await c.sb.token({ grant_type: 'password', client_id: c.sb.info.clients.public, username: sales.upn, password: sales.password, scope: `${c.sb.info.orgUrl}/user_impersonation` })).json<{ access_token: string }>().access_token
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' }
    const own = await c.sb.send('GET', `${c.sb.info.webApiUrl}/WhoAmI`, { headers })
    expect(own.status).toBe(200)
    const r = await c.sb.send('GET', `${c.sb.info.webApiUrl}/WhoAmI`, { headers: { ...headers, callerobjectid: demo.oid } })
    expect(r.status).toBe(403)
    expect(r.headers['content-type']).toBe('application/json; odata.metadata=minimal')
    const error = r.json<{ error: { code: string; message: string } }>().error
    expect(error.code).toBe('0x80040220')
    const sam = String(own.json().UserId)
    expect(error.message).toMatch(new RegExp(`^Principal user \\(Id=${sam}, type=8, roleCount=1, privilegeCount=\\d+, accessMode='0 Read-Write', AADObjectId='${sales.oid}', businessUnitId=[0-9a-f-]{36}\\), is missing prvActOnBehalfOfAnotherUser privilege \\(Id=[0-9a-f-]{36}\\)\\. context\\.Caller=${sam}\\. Consider adding missed privilege to one of the principal \\(user/team\\) roles\\.$`))
    // Nothing was written on Dana's behalf.
    expect((await c.sb.send('POST', `${c.sb.info.webApiUrl}/accounts`, { headers: { ...headers, callerobjectid: demo.oid, 'content-type': 'application/json' }, body: '{"name":"Not allowed"}' })).status).toBe(403)
    expect((await c.get("/accounts/$count?$filter=name eq 'Not allowed'")).text).toBe('0')
  })

  it('[impersonate-another-user-web-api] an object id of nobody in the org, or not a GUID, is refused', async () => {
    const nobody = await c.get('/WhoAmI', { callerobjectid: '00000000-0000-0000-0000-0000000000ff' })
    expect(nobody.status).toBe(403)
    expect(nobody.json()).toEqual({ error: { code: '0x80072560', message: 'The user is not a member of the organization.' } })
    const bad = await c.get('/WhoAmI', { callerobjectid: 'dana' })
    expect(bad.status).toBe(400)
    expect((await c.get('/WhoAmI', { mscrmcallerid: '00000000-0000-0000-0000-0000000000ff' })).status).toBe(404)
  })

  it('[execute-batch-operations-using-web-api] impersonation on the $batch request applies to every request in it', async () => {
    const dana = await userId(demo.upn)
    const body = ['--b', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', `GET ${c.sb.info.webApiUrl}/WhoAmI HTTP/1.1`, 'Accept: application/json', '', '--b--', ''].join('\r\n')
    const r = await c.sb.send('POST', `${c.sb.info.webApiUrl}/$batch`, { headers: { authorization: `Bearer ${c.token}`, 'content-type': 'multipart/mixed; boundary=b', callerobjectid: demo.oid }, body })
    expect(r.status).toBe(200)
    expect(r.text).toContain(`"UserId":"${dana}"`)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHarness } from '../testing/sandbox'

let sb: SandboxHarness
beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(() => sb.stop())

const production = () => sb.info.orgs.find((o) => o.key === 'production')!

async function accessToken(params: Record<string, string>): Promise<string> {
  const r = await sb.token(params)
  expect(r.status, r.text).toBe(200)
  return r.json<{ access_token: string }>().access_token
}

const appToken = (resource: string, clientId = sb.info.clients.secret, secret = sb.info.clientSecret) =>
  accessToken({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: `${resource}/.default` })
const userToken = (resource: string, username = sb.info.user) =>
  accessToken({ grant_type: 'password', client_id: sb.info.clients.public, username, password: sb.info.password, scope: `${resource}/.default` })

describe('the Sandbox tenant has two orgs', () => {
  it('names both, the main one first, each at its own URL', () => {
    expect(sb.info.orgs.map((o) => o.key)).toEqual(['main', 'production'])
    expect(sb.info.orgs[0]!.orgUrl).toBe(sb.info.orgUrl)
    expect(production().orgUrl).not.toBe(sb.info.orgUrl)
    expect(production().organizationId).not.toBe(sb.info.orgs[0]!.organizationId)
  })

  it('refuses a token for one org at the other with the real 401 challenge, and takes the right one', async () => {
    const prodUrl = production().orgUrl
    const forMain = await appToken(sb.info.orgUrl)
    const refused = await sb.send('GET', `${prodUrl}/api/data/v9.2/WhoAmI`, { headers: { authorization: `Bearer ${forMain}` } })
    expect(refused.status).toBe(401)
    expect(refused.headers['www-authenticate']).toBe(`Bearer authorization_uri=${sb.info.authority}/oauth2/authorize, resource_id=${prodUrl}/`)
    expect(refused.headers['x-orgbench-sandbox-reason']).toContain('audience')
    const forProd = await appToken(prodUrl)
    const ok = await sb.send('GET', `${prodUrl}/api/data/v9.2/WhoAmI`, { headers: { authorization: `Bearer ${forProd}` } })
    expect(ok.status).toBe(200)
    expect(ok.json().OrganizationId).toBe(production().organizationId)
    const main = await sb.api('GET', '/WhoAmI', forMain)
    expect(main.json().OrganizationId).toBe(sb.info.orgs[0]!.organizationId)
  })

  it('keeps each org\'s data its own', async () => {
    const prodUrl = production().orgUrl
    const main = await appToken(sb.info.orgUrl)
    const prod = await appToken(prodUrl)
    const created = await sb.api('POST', '/accounts', main, { body: { name: 'Only in the main org' }, headers: { prefer: 'return=representation' } })
    expect(created.status).toBe(201)
    const id = created.json().accountid as string
    expect((await sb.api('GET', `/accounts(${id})`, main)).status).toBe(200)
    const elsewhere = await sb.send('GET', `${prodUrl}/api/data/v9.2/accounts(${id})`, { headers: { authorization: `Bearer ${prod}` } })
    expect(elsewhere.status).toBe(404)
  })

  it('gives the production org its own application users: the certificate client has none there', async () => {
    const prodUrl = production().orgUrl
    const noAppUser = await accessToken({ grant_type: 'client_credentials', client_id: sb.info.clients.noApplicationUser, client_secret: 'sandbox-secret-~no-app-user', scope: `${prodUrl}/.default` })
    const r = await sb.send('GET', `${prodUrl}/api/data/v9.2/WhoAmI`, { headers: { authorization: `Bearer ${noAppUser}` } })
    expect(r.status).toBe(403)
    expect(r.json()).toEqual({ error: { code: '0x80072560', message: 'The user is not a member of the organization.' } })
  })

  it('serves only the Web API on the other org\'s port', async () => {
    const r = await sb.send('GET', `${production().orgUrl}/${sb.info.tenantId}/v2.0/.well-known/openid-configuration`)
    expect(r.status).toBe(404)
  })
})

describe('Global Discovery', () => {
  const instances = () => `${sb.info.discoveryUrl}/api/discovery/v2.0/Instances`

  it('lists the orgs the signed-in user is a member of, with the fields of the real service', async () => {
    const token = await userToken(sb.info.discoveryUrl)
    const r = await sb.send('GET', instances(), { headers: { authorization: `Bearer ${token}` } })
    expect(r.status).toBe(200)
    const body = r.json<{ value: Record<string, unknown>[] }>()
    expect(body.value.map((i) => i.Url)).toEqual(sb.info.orgs.map((o) => o.orgUrl))
    expect(body.value[0]).toMatchObject({ UniqueName: sb.info.orgs[0]!.uniqueName, FriendlyName: sb.info.orgs[0]!.friendlyName, TenantId: sb.info.tenantId, State: 0, Version: expect.stringMatching(/^9\.2\./), EnvironmentId: expect.any(String), Region: 'NA', IsUserSysAdmin: true })
  })

  it('answers one org by its unique name, and $select', async () => {
    const token = await userToken(sb.info.discoveryUrl)
    const one = await sb.send('GET', `${instances()}(UniqueName='${production().uniqueName}')`, { headers: { authorization: `Bearer ${token}` } })
    expect(one.status).toBe(200)
    expect(one.json().Url).toBe(production().orgUrl)
    const missing = await sb.send('GET', `${instances()}(UniqueName='nope')`, { headers: { authorization: `Bearer ${token}` } })
    expect(missing.status).toBe(404)
    const selected = await sb.send('GET', `${instances()}?$select=FriendlyName,Url`, { headers: { authorization: `Bearer ${token}` } })
    expect(Object.keys(selected.json<{ value: object[] }>().value[0]!)).toEqual(['FriendlyName', 'Url'])
  })

  it('lists nothing for a user of the tenant without a user record in any org', async () => {
    const token = await userToken(sb.info.discoveryUrl, sb.info.userNotInOrg)
    const r = await sb.send('GET', instances(), { headers: { authorization: `Bearer ${token}` } })
    expect(r.json<{ value: unknown[] }>().value).toEqual([])
  })

  it('refuses an org\'s token (401 naming Global Discovery), an app token (403) and no token (401)', async () => {
    const orgToken = await userToken(sb.info.orgUrl)
    const wrong = await sb.send('GET', instances(), { headers: { authorization: `Bearer ${orgToken}` } })
    expect(wrong.status).toBe(401)
    expect(wrong.headers['www-authenticate']).toContain(`resource_id=${sb.info.discoveryUrl}`)
    const app = await appToken(sb.info.discoveryUrl)
    expect((await sb.send('GET', instances(), { headers: { authorization: `Bearer ${app}` } })).status).toBe(403)
    expect((await sb.send('GET', instances())).status).toBe(401)
    expect((await sb.send('POST', instances(), { body: '{}' })).status).toBe(405)
  })
})

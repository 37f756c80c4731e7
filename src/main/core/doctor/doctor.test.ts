import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DoctorCheckId, DoctorReport } from '../../../shared/doctor'
import type { EnvironmentInput } from '../../../shared/environment'
import { browserRobot, startSandbox, type SandboxHarness } from '../../testing/sandbox'
import { useTempDir } from '../../testing/tempDir'
import { Services } from '../services'
import { keyFileSecretBox } from '../store/secretBox'
import { doctorPortsFor, runDoctor } from './index'
import { issuerMatches } from './network'

const tempDir = useTempDir()
let sb: SandboxHarness
let services: Services

beforeAll(async () => {
  sb = await startSandbox()
  const dir = tempDir()
  services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 'test', log: { error: () => undefined }, openBrowser: (url) => browserRobot(sb).open(url), interactiveTimeoutMs: 10_000 })
})
afterAll(async () => {
  await services.close()
  await sb.stop()
})

let n = 0
async function doctor(auth: EnvironmentInput['auth'], changes: Partial<EnvironmentInput> = {}, now?: () => number): Promise<DoctorReport> {
  const env = await services.environments.create({ name: `Doctor ${++n}`, orgUrl: sb.info.orgUrl, cloud: 'custom', authorityUrl: sb.info.authority, tenant: sb.info.tenantId, caCertificatePem: sb.info.caCertificatePem, auth, ...changes })
  return runDoctor({ ...doctorPortsFor(services), ...(now ? { now } : {}) }, env.id)
}

const statuses = (r: DoctorReport) => Object.fromEntries(r.checks.map((c) => [c.id, c.status])) as Record<DoctorCheckId, string>
const check = (r: DoctorReport, id: DoctorCheckId) => r.checks.find((c) => c.id === id)!
const ALL_PASSED = { org: 'passed', authority: 'passed', token: 'passed', claims: 'passed', whoami: 'passed', permissions: 'passed' }
const clientCredentials = (clientId: string, secret: string): EnvironmentInput['auth'] => ({ grant: 'client_credentials', clientId, credential: 'secret', clientSecret: { isSet: true, value: secret } })
const password = (clientId: string, username: string, extra: { scopes?: string } = {}): EnvironmentInput['auth'] => ({ grant: 'password', clientId, username, password: { isSet: true, value: sb.info.password }, ...extra })

describe('the auth doctor against the Sandbox', () => {
  it('passes every check for a good user and a good app, with the exchanges as evidence', async () => {
    const user = await doctor(password(sb.info.clients.public, sb.info.user))
    expect(statuses(user)).toEqual(ALL_PASSED)
    expect(user.healthy).toBe(true)
    expect(check(user, 'org').evidence[0]).toMatchObject({ value: expect.stringMatching(/^401/), entryId: expect.any(String) })
    expect(check(user, 'token').evidence.length).toBeGreaterThan(0)
    expect(check(user, 'whoami').evidence[0]!.entryId).toEqual(expect.any(String))
    expect(statuses(await doctor(clientCredentials(sb.info.clients.secret, sb.info.clientSecret)))).toEqual(ALL_PASSED)
  })

  it('passes every check against the standards-only OpenID Connect authority too', async () => {
    expect(statuses(await doctor(password(sb.info.clients.public, sb.info.user), { authorityUrl: sb.info.oidcAuthority }))).toEqual(ALL_PASSED)
    expect(statuses(await doctor(clientCredentials(sb.info.clients.secret, sb.info.clientSecret), { authorityUrl: sb.info.oidcAuthority }))).toEqual(ALL_PASSED)
  })

  it('1: a tenant that is not the org\'s', async () => {
    const r = await doctor(clientCredentials(sb.info.clients.secret, sb.info.clientSecret), { tenant: '11111111-2222-4333-8444-555555555555' })
    expect(check(r, 'org')).toMatchObject({ status: 'failed', summary: expect.stringContaining(sb.info.tenantId), fix: expect.stringContaining(`Set the environment's tenant to ${sb.info.tenantId}`) })
    expect(r.healthy).toBe(false)
  })

  it('1: an org URL that is not a Dataverse org, and one that does not answer', async () => {
    const wrong = await doctor(clientCredentials(sb.info.clients.secret, sb.info.clientSecret), { orgUrl: sb.info.pagesUrl.replace('http:', 'https:') })
    expect(check(wrong, 'org').status).toBe('failed')
    const closed = await doctor(clientCredentials(sb.info.clients.secret, sb.info.clientSecret), { orgUrl: 'https://127.0.0.1:1' })
    expect(check(closed, 'org')).toMatchObject({ status: 'failed', fix: expect.stringContaining('Environment URL') })
    expect(check(closed, 'whoami').status).toBe('skipped')
  })

  it('2: an authority that does not answer: no token, and the later checks skipped with why', async () => {
    const r = await doctor(clientCredentials(sb.info.clients.secret, sb.info.clientSecret), { authorityUrl: `https://127.0.0.1:1/${sb.info.tenantId}` })
    expect(statuses(r)).toMatchObject({ authority: 'failed', token: 'failed', claims: 'skipped', whoami: 'skipped', permissions: 'skipped' })
    expect(check(r, 'claims').summary).toContain('check 3')
  })

  it('2: a tenant the authority does not know, explained', async () => {
    const r = await doctor(clientCredentials(sb.info.clients.secret, sb.info.clientSecret), { authorityUrl: sb.info.authority.replace(sb.info.tenantId, 'nosuchtenant.onmicrosoft.com'), tenant: '' })
    expect(check(r, 'authority')).toMatchObject({ status: 'failed', summary: expect.stringContaining('Tenant not found') })
  })

  it('3: the secret\'s id instead of its value, and an expired secret', async () => {
    const id = await doctor(clientCredentials(sb.info.clients.secret, sb.info.clientSecretId))
    expect(check(id, 'token')).toMatchObject({ status: 'failed', summary: expect.stringContaining('AADSTS7000215'), fix: expect.stringContaining('secret\'s ID, not its value') })
    const expired = await doctor(clientCredentials(sb.info.clients.expiredSecret, sb.info.expiredClientSecret))
    expect(check(expired, 'token')).toMatchObject({ status: 'failed', summary: expect.stringContaining('AADSTS7000222'), fix: expect.stringContaining('new client secret') })
  })

  it('3: an expired certificate (the Sandbox\'s legacy integration\'s), read before any request', async () => {
    const r = await doctor({ grant: 'client_credentials', clientId: sb.info.clients.expiredCertificate, credential: 'certificate', certificatePem: readFileSync(sb.info.expiredCertificateFile, 'utf8'), privateKeyPem: { isSet: true, value: readFileSync(sb.info.expiredPrivateKeyFile, 'utf8') } })
    expect(check(r, 'token')).toMatchObject({ status: 'failed', summary: expect.stringContaining('expired on'), fix: expect.stringContaining('Certificates & secrets') })
    expect(check(r, 'token').evidence[0]!.value).toContain('SHA-1')
  })

  it('3: public client flows off, a redirect URI not registered, a single-page app without its Origin', async () => {
    const deviceCode = await doctor({ grant: 'device_code', clientId: sb.info.clients.implicit })
    expect(check(deviceCode, 'token'), JSON.stringify(check(deviceCode, 'token'))).toMatchObject({ status: 'failed', fix: expect.stringContaining('public client flows') })
    const redirect = await doctor({ grant: 'authorization_code', clientId: sb.info.clients.certificate })
    expect(check(redirect, 'token')).toMatchObject({ status: 'failed', summary: expect.stringContaining('AADSTS50011'), fix: expect.stringContaining('redirect URI') })
    const spa = await doctor({ grant: 'authorization_code', clientId: sb.info.clients.spa })
    expect(check(spa, 'token')).toMatchObject({ status: 'failed', summary: expect.stringContaining('9002327'), fix: expect.stringContaining('SPA origin') })
  })

  it('4: a token for the other org (its audience), and a clock far from the authority\'s', async () => {
    const production = sb.info.orgs.find((o) => o.key === 'production')!.orgUrl
    const otherOrg = await doctor(password(sb.info.clients.public, sb.info.user, { scopes: `${production}/.default` }))
    expect(statuses(otherOrg)).toMatchObject({ token: 'passed', claims: 'failed', whoami: 'failed' })
    expect(check(otherOrg, 'claims').fix).toContain(`${sb.info.orgUrl}/.default`)
    expect(check(otherOrg, 'whoami').summary).toContain('401')
    const skewed = await doctor(password(sb.info.clients.public, sb.info.user), {}, () => Date.now() + 20 * 60_000)
    expect(check(skewed, 'claims')).toMatchObject({ status: 'failed', summary: expect.stringContaining('ahead of the authority'), fix: expect.stringContaining('date and time') })
  })

  it('5: no application user, and a user without a user record in the org', async () => {
    const app = await doctor(clientCredentials(sb.info.clients.noApplicationUser, 'sandbox-secret-~no-app-user'))
    expect(check(app, 'whoami')).toMatchObject({ status: 'failed', summary: expect.stringContaining('0x80072560'), fix: expect.stringContaining('Application users → New app user') })
    const guest = await doctor(password(sb.info.clients.public, sb.info.userNotInOrg))
    expect(check(guest, 'whoami')).toMatchObject({ status: 'failed', summary: expect.stringContaining(sb.info.userNotInOrg), fix: expect.stringContaining('Add user') })
  })

  it('6: a delegated token without user_impersonation', async () => {
    const r = await doctor(password(sb.info.clients.noDataversePermission, sb.info.user))
    expect(check(r, 'permissions')).toMatchObject({ status: 'failed', fix: expect.stringContaining('Dynamics CRM → Delegated permissions → user_impersonation') })
  })

  it('a profile without a grant fails check 3 and skips what needs a token', async () => {
    const r = await doctor({ grant: 'none' })
    expect(statuses(r)).toMatchObject({ org: 'passed', token: 'failed', claims: 'skipped', whoami: 'skipped', permissions: 'skipped' })
  })
})

describe('issuerMatches', () => {
  const guid = '7f3c2a10-5b6e-4d1a-9c8f-2e4b6a8d0c11'
  it.each([
    [`https://login.microsoftonline.com/${guid}/v2.0`, `https://login.microsoftonline.com/${guid}/v2.0`, true, guid],
    ['https://login.microsoftonline.com/{tenantid}/v2.0', 'https://login.microsoftonline.com/organizations/v2.0', true, null],
    [`https://login.microsoftonline.com/${guid}/v2.0`, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0', true, guid],
    ['https://adfs.contoso.com/adfs', 'https://adfs.contoso.com/adfs/', true, null],
    ['https://evil.example.com/x/v2.0', `https://login.microsoftonline.com/${guid}/v2.0`, false, null],
    [`https://login.microsoftonline.com/not-a-guid/v2.0`, 'https://login.microsoftonline.com/contoso.com/v2.0', false, null],
    ['', 'https://idp.example.com', false, null]
  ])('%s from %s', (issuer, base, matches, tenant) => {
    expect(issuerMatches(issuer, base)).toEqual({ matches, tenant })
  })
})

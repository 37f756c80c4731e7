import { describe, expect, it } from 'vitest'
import type { ResponseView } from '../../../shared/http'
import { useTempDir } from '../../testing/tempDir'
import { EnvironmentStore } from '../store/environments'
import { keyFileSecretBox } from '../store/secretBox'
import { OrgDiscovery, type DiscoveryPorts } from './orgs'

const tempDir = useTempDir()

const token = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`

function answer(status: number, body: unknown, headers: [string, string][] = []): ResponseView {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return { entryId: 'e', status, statusText: '', httpVersion: '1.1', url: '', headers, body: { encoding: 'utf8', text, size: text.length, truncated: false, contentType: 'application/json' }, timings: { connect: null, tls: null, wait: 0, receive: 0, total: 0 }, limitBytes: 0 }
}

const INSTANCES = {
  value: [
    { Id: 'o2', UniqueName: 'unqprod', UrlName: 'contoso', FriendlyName: 'Contoso Production', State: 0, Version: '9.2.1', Url: 'https://contoso.crm4.dynamics.com/', ApiUrl: 'https://contoso.api.crm4.dynamics.com', Region: 'EUR', TenantId: 'tid', EnvironmentId: 'e2', OrganizationId: 'o2', IsUserSysAdmin: false, SomethingNew: 1 },
    { Id: 'o1', UniqueName: 'unqdev', UrlName: 'contoso-dev', FriendlyName: 'Contoso Dev', State: 1, Version: '9.2.1', Url: 'https://contoso-dev.crm4.dynamics.com', ApiUrl: '', Region: 'EUR', TenantId: 'tid', EnvironmentId: 'e1', OrganizationId: 'o1', IsUserSysAdmin: true }
  ]
}

async function setup(gds: () => ResponseView = () => answer(200, INSTANCES)) {
  const dir = tempDir()
  const environments = new EnvironmentStore(dir, keyFileSecretBox(dir))
  const asked: { scopes?: string; url?: string; auth?: string; signIns: number } = { signIns: 0 }
  const ports: DiscoveryPorts = {
    environments,
    oneOffToken: async (_id, overrides) => {
      asked.scopes = overrides.scopes
      asked.signIns++
      return { accessToken: token({ upn: 'dana@contoso.com', exp: Math.floor(Date.now() / 1000) + 3600 }) }
    },
    target: async () => ({ environmentId: null, environmentName: null, caCertificatePem: '', variables: new Map() }),
    sendPrepared: async (prepared) => {
      asked.url = prepared.url.href
      asked.auth = prepared.headers.find(([k]) => k === 'Authorization')?.[1]
      return gds()
    },
    requestTimeoutMs: async () => 1000
  }
  const source = await environments.create({
    name: 'Contoso Dev',
    orgUrl: 'https://contoso-dev.crm4.dynamics.com',
    tenant: 'tid',
    group: 'Contoso',
    auth: { grant: 'password', clientId: 'c', username: 'dana@contoso.com', password: { isSet: true, value: 'pw-secret' } },
    variables: [{ key: 'apiKey', value: 'k-secret', secret: true }]
  })
  return { environments, discovery: new OrgDiscovery(ports), source, asked }
}

describe('OrgDiscovery', () => {
  it('asks the cloud\'s Global Discovery for the user\'s orgs with a token for its scope, and marks the known ones', async () => {
    const { discovery, source, asked } = await setup()
    const result = await discovery.list(source.id)
    expect(asked.scopes).toBe('https://globaldisco.crm.dynamics.com/.default')
    expect(asked.url).toBe('https://globaldisco.crm.dynamics.com/api/discovery/v2.0/Instances')
    expect(asked.auth).toMatch(/^Bearer /)
    expect(result.user).toBe('dana@contoso.com')
    expect(result.orgs.map((o) => [o.friendlyName, o.url, o.state, o.knownEnvironmentId])).toEqual([
      ['Contoso Dev', 'https://contoso-dev.crm4.dynamics.com', 'disabled', source.id],
      ['Contoso Production', 'https://contoso.crm4.dynamics.com', 'enabled', null]
    ])
  })

  it('creates environments with the source\'s profile, secrets and group, skips known orgs, and names them uniquely', async () => {
    const { discovery, environments, source, asked } = await setup()
    await discovery.list(source.id)
    await environments.create({ name: 'Contoso Production', orgUrl: 'https://elsewhere.crm.dynamics.com' })
    const { created, skipped } = await discovery.create({ environmentId: source.id, orgUrls: ['https://contoso.crm4.dynamics.com/', 'https://contoso-dev.crm4.dynamics.com'] })
    expect(skipped).toEqual(['https://contoso-dev.crm4.dynamics.com'])
    expect(asked.signIns).toBe(1)
    expect(created).toHaveLength(1)
    const env = created[0]!
    expect(env).toMatchObject({ name: 'Contoso Production (2)', orgUrl: 'https://contoso.crm4.dynamics.com', tenant: 'tid', group: 'Contoso', label: 'PROD', color: 'red' })
    expect((await environments.resolveAuth(env.id)) as unknown).toMatchObject({ grant: 'password', username: 'dana@contoso.com', password: 'pw-secret' })
    expect((await environments.resolveVariables(env.id)).get('apiKey')).toBe('k-secret')
    expect(env.variables.find((v) => v.key === 'apiKey')).toMatchObject({ secret: true, value: '' })
  })

  it('refuses an org that was not listed, and an empty choice', async () => {
    const { discovery, source } = await setup()
    await expect(discovery.create({ environmentId: source.id, orgUrls: ['https://evil.example.com'] })).rejects.toMatchObject({ code: 'not_found' })
    await expect(discovery.create({ environmentId: source.id, orgUrls: [] })).rejects.toMatchObject({ code: 'invalid_input', message: 'Pick at least one org.' })
  })

  it('explains what it cannot do: app-only profiles, no profile, a custom authority without a discovery URL', async () => {
    const { discovery, environments } = await setup()
    const app = await environments.create({ name: 'App', orgUrl: 'https://a.crm.dynamics.com', auth: { grant: 'client_credentials', clientId: 'c' } })
    const none = await environments.create({ name: 'None', orgUrl: 'https://b.crm.dynamics.com' })
    const custom = await environments.create({ name: 'Adfs', orgUrl: 'https://c.contoso.com', cloud: 'custom', authorityUrl: 'https://adfs.contoso.com/adfs', auth: { grant: 'device_code', clientId: 'c' } })
    await expect(discovery.list(app.id)).rejects.toMatchObject({ code: 'not_supported', message: expect.stringContaining('delegated grant') })
    await expect(discovery.list(none.id)).rejects.toMatchObject({ code: 'sign_in_required' })
    await expect(discovery.list(custom.id)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('discovery URL') })
  })

  it('turns refusals and malformed answers into errors a person can act on', async () => {
    const refused = await setup(() => answer(401, '', [['x-orgbench-sandbox-reason', 'The token audience is not Global Discovery']]))
    await expect(refused.discovery.list(refused.source.id)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('audience') })
    for (const body of ['<html>', '{"value": 3}', '{"value":[{"Url": 5}]}', 'null']) {
      const bad = await setup(() => answer(200, body))
      await expect(bad.discovery.list(bad.source.id)).rejects.toMatchObject({ code: 'invalid_json' })
    }
    const down = await setup(() => answer(503, { error: { message: 'Service unavailable' } }))
    await expect(down.discovery.list(down.source.id)).rejects.toMatchObject({ code: 'network_error', message: expect.stringContaining('Service unavailable') })
  })
})

import { describe, expect, it } from 'vitest'
import { EnvironmentStore } from '../core/store/environments'
import { keyFileSecretBox } from '../core/store/secretBox'
import { SettingsStore } from '../core/store/settings'
import { readAllFiles, useTempDir } from '../testing/tempDir'
import type { SandboxInfo } from '../../shared/sandbox'
import { ensureSandboxEnvironment } from './environment'

const tempDir = useTempDir()

const info = (port: number, ca = 'CA-1'): SandboxInfo => ({
  orgUrl: `https://127.0.0.1:${port}`,
  webApiUrl: `https://127.0.0.1:${port}/api/data/v9.2`,
  authority: `https://127.0.0.1:${port}/tid`,
  oidcAuthority: `https://127.0.0.1:${port}/oidc`,
  pagesUrl: `http://127.0.0.1:${port + 1}`,
  tenantId: 'tid',
  tenantDomain: 'sandbox.onmicrosoft.com',
  caFile: '/x/ca.pem',
  caCertificatePem: `-----BEGIN CERTIFICATE-----\n${ca}\n-----END CERTIFICATE-----\n`,
  clients: { public: 'p', secret: 's', certificate: 'c', implicit: 'i', spa: 'a', noApplicationUser: 'n', expiredSecret: 'e', noDataversePermission: 'd', expiredCertificate: 'x' },
  clientSecret: 'demo-secret-value',
  clientSecretId: 'secret-id',
  expiredClientSecret: 'expired-secret-value',
  certificateFile: '/x/client.pem',
  privateKeyFile: '/x/client-key.pem',
  certificateThumbprint: 'AB',
  expiredCertificateFile: '/x/client-expired.pem',
  expiredPrivateKeyFile: '/x/client-expired-key.pem',
  user: 'demo@sandbox.onmicrosoft.com',
  password: 'demo-password-value',
  mfaUser: 'mfa@x',
  userNotInOrg: 'guest@x',
  seedFile: '/x/seed.json',
  orgs: [{ key: 'main', friendlyName: 'OrgBench Sandbox', uniqueName: 'orga1b2c3d4', orgUrl: `https://127.0.0.1:${port}`, organizationId: 'o1' }],
  discoveryUrl: `https://127.0.0.1:${port}/globaldisco`,
  problems: []
})

function stores() {
  const dir = tempDir()
  return { dir, environments: new EnvironmentStore(dir, keyFileSecretBox(dir)), settings: new SettingsStore(dir) }
}

describe('ensureSandboxEnvironment', () => {
  it('creates the Sandbox environment on first run and makes it active, with its secrets encrypted', async () => {
    const { dir, environments, settings } = stores()
    const { environment, created } = await ensureSandboxEnvironment(environments, settings, info(44311))
    expect(created).toBe(true)
    expect(environment).toMatchObject({ name: 'Sandbox', orgUrl: 'https://127.0.0.1:44311', cloud: 'custom', authorityUrl: 'https://127.0.0.1:44311/tid', label: 'SANDBOX', auth: { grant: 'authorization_code', clientId: 'p' } })
    expect((await settings.get()).activeEnvironmentId).toBe(environment.id)
    expect(await environments.revealVariable(environment.id, 'clientSecret')).toBe('demo-secret-value')
    for (const { text } of readAllFiles(dir)) expect(text).not.toContain('demo-secret-value')
  })

  it('does not take over when the user already chose another environment', async () => {
    const { environments, settings } = stores()
    const mine = await environments.create({ name: 'Mine', orgUrl: 'https://mine.crm.dynamics.com' })
    await settings.update({ activeEnvironmentId: mine.id })
    await ensureSandboxEnvironment(environments, settings, info(44311))
    expect((await settings.get()).activeEnvironmentId).toBe(mine.id)
  })

  it('follows the Sandbox to a new port and CA, keeping the user\'s own changes', async () => {
    const { environments, settings } = stores()
    const { environment } = await ensureSandboxEnvironment(environments, settings, info(44311))
    await environments.update(environment.id, { ...environment, color: 'green', variables: [...environment.variables, { key: 'mine', value: 'kept', secret: false, isSet: true, enabled: true }] })
    const moved = await ensureSandboxEnvironment(environments, settings, info(50000, 'CA-2'))
    expect(moved).toMatchObject({ created: false, environment: { id: environment.id, orgUrl: 'https://127.0.0.1:50000', color: 'green', caCertificatePem: expect.stringContaining('CA-2') } })
    expect(moved.environment.variables.find((v) => v.key === 'authority')?.value).toBe('https://127.0.0.1:50000/tid')
    expect(moved.environment.variables.find((v) => v.key === 'mine')?.value).toBe('kept')
    expect(await environments.revealVariable(environment.id, 'clientSecret')).toBe('demo-secret-value')
    expect((await environments.list()).environments).toHaveLength(1)
  })
})

import { SANDBOX_ENVIRONMENT_NAME, type SandboxInfo } from '../../shared/sandbox'
import type { EnvironmentView } from '../../shared/environment'
import type { EnvironmentStore } from '../core/store/environments'
import type { SettingsStore } from '../core/store/settings'

/** The variables the Sandbox environment carries, so its demo credentials are one {{name}} away. */
function sandboxVariables(info: SandboxInfo) {
  return [
    { key: 'authority', value: info.authority, secret: false },
    { key: 'tenantId', value: info.tenantId, secret: false },
    { key: 'publicClientId', value: info.clients.public, secret: false },
    { key: 'clientId', value: info.clients.secret, secret: false },
    { key: 'clientSecret', value: info.clientSecret, secret: true },
    { key: 'user', value: info.user, secret: false },
    { key: 'password', value: info.password, secret: true }
  ]
}

/**
 * Create the Sandbox environment, or bring it up to date when the Sandbox moved (a new port, a new CA),
 * keeping whatever else the user changed. On first run it becomes the active environment.
 */
export async function ensureSandboxEnvironment(environments: EnvironmentStore, settings: SettingsStore, info: SandboxInfo): Promise<{ environment: EnvironmentView; created: boolean }> {
  const existing = (await environments.list()).environments.find((e) => e.name === SANDBOX_ENVIRONMENT_NAME)
  if (!existing) {
    const environment = await environments.create({
      name: SANDBOX_ENVIRONMENT_NAME,
      orgUrl: info.orgUrl,
      cloud: 'custom',
      authorityUrl: info.authority,
      tenant: info.tenantId,
      auth: { grant: 'authorization_code', clientId: info.clients.public, scopes: '' },
      variables: sandboxVariables(info).map((v) => ({ ...v, isSet: true, enabled: true })),
      caCertificatePem: info.caCertificatePem,
      color: 'violet',
      label: 'SANDBOX',
      group: 'OrgBench Sandbox',
      discoveryUrl: info.discoveryUrl
    })
    const current = await settings.get()
    if (!current.activeEnvironmentId) await settings.update({ activeEnvironmentId: environment.id })
    return { environment, created: true }
  }
  const unchanged = existing.orgUrl === info.orgUrl && existing.authorityUrl === info.authority && existing.caCertificatePem === info.caCertificatePem && existing.discoveryUrl === info.discoveryUrl
  if (unchanged) return { environment: existing, created: false }
  const ours = new Map(sandboxVariables(info).map((v) => [v.key, v]))
  const variables = existing.variables.map((v) => {
    const fresh = ours.get(v.key)
    if (!fresh || fresh.secret) return v
    return { ...v, value: fresh.value }
  })
  const environment = await environments.update(existing.id, {
    ...existing,
    orgUrl: info.orgUrl,
    authorityUrl: info.authority,
    tenant: existing.tenant || info.tenantId,
    caCertificatePem: info.caCertificatePem,
    discoveryUrl: info.discoveryUrl,
    variables
  })
  return { environment, created: false }
}

import { z } from 'zod'
import { CreateFromDiscovery, type DiscoveredOrg, type DiscoveryResult } from '../../../shared/discovery'
import type { EnvColor, EnvironmentInput, EnvironmentView } from '../../../shared/environment'
import { AppError } from '../../../shared/errors'
import type { ResponseView } from '../../../shared/http'
import { decodeJwt } from 'jose'
import type { ProfileOverrides } from '../auth/overrides'
import type { PreparedRequest, SendOptions, SendTarget } from '../http/executor'
import type { EnvironmentStore } from '../store/environments'
import type { Services } from '../services'
import { DiscoveryEndpointError, discoveryEndpoint, discoveryScope, instancesUrl } from './clouds'

/** What listing and creating need from the rest of core/ (Services provides it). */
export interface DiscoveryPorts {
  environments: EnvironmentStore
  /** A token for one call with the environment's profile and other scopes; never replaces the environment's. */
  oneOffToken(environmentId: string, overrides: ProfileOverrides): Promise<{ accessToken: string }>
  target(environmentId: string): Promise<SendTarget>
  sendPrepared(prepared: PreparedRequest, target: SendTarget, options: SendOptions): Promise<ResponseView>
  requestTimeoutMs(): Promise<number>
}

/** Global Discovery's answer, as much of it as OrgBench reads; other fields are ignored. */
const Instance = z.object({
  Id: z.string().default(''),
  UniqueName: z.string(),
  UrlName: z.string().default(''),
  FriendlyName: z.string().default(''),
  State: z.number().default(0),
  Version: z.string().default(''),
  Url: z.string(),
  ApiUrl: z.string().default(''),
  Region: z.string().nullable().default(''),
  TenantId: z.string().nullable().default(''),
  EnvironmentId: z.string().nullable().default(''),
  OrganizationId: z.string().nullable().default(''),
  IsUserSysAdmin: z.boolean().nullable().default(false)
})
const Instances = z.object({ value: z.array(Instance) })

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase()

export class OrgDiscovery {
  /** Discovery tokens by environment and endpoint, kept in memory until a minute before they expire: one sign-in lists and creates. */
  private readonly tokens = new Map<string, { accessToken: string; expiresAt: number }>()

  constructor(private readonly ports: DiscoveryPorts) {}

  private async token(environmentId: string, endpoint: string): Promise<string> {
    const key = `${environmentId} ${endpoint}`
    const kept = this.tokens.get(key)
    if (kept && kept.expiresAt - 60_000 > Date.now()) return kept.accessToken
    const { accessToken } = await this.ports.oneOffToken(environmentId, { scopes: discoveryScope(endpoint) })
    this.tokens.set(key, { accessToken, expiresAt: expiryOf(accessToken) })
    return accessToken
  }

  /** Sign in to the environment's cloud's Global Discovery Service with its profile and list the user's orgs. */
  async list(environmentId: string): Promise<DiscoveryResult> {
    const env = await this.ports.environments.getStored(environmentId)
    let endpoint: string
    try {
      endpoint = discoveryEndpoint(env.cloud, env.discoveryUrl)
    } catch (error) {
      if (error instanceof DiscoveryEndpointError) throw new AppError('invalid_input', `"${env.name}": ${error.message}`)
      throw error
    }
    if (env.auth.grant === 'none') throw new AppError('sign_in_required', `"${env.name}" has no sign-in profile: Global Discovery needs a user's token. Choose a grant in Edit environment.`)
    if (env.auth.grant === 'client_credentials') {
      throw new AppError('not_supported', `"${env.name}" signs in as an application (client credentials). Global Discovery lists the orgs of a user: use an environment with a delegated grant (authorization code, device code, password or the pre-approved client).`)
    }
    const accessToken = await this.token(environmentId, endpoint)
    const response = await this.ports.sendPrepared(
      { method: 'GET', url: new URL(instancesUrl(endpoint)), headers: [['Accept', 'application/json'], ['Authorization', `Bearer ${accessToken}`]], body: null, contentType: '' },
      await this.ports.target(environmentId),
      { timeoutMs: await this.ports.requestTimeoutMs(), maxResponseBytes: 16 * 1024 * 1024, kind: 'discovery' }
    )
    if (response.status === 401 || response.status === 403) {
      this.tokens.delete(`${environmentId} ${endpoint}`)
      const reason = response.headers.find(([k]) => k.toLowerCase() === 'x-orgbench-sandbox-reason')?.[1] ?? errorMessage(response.body.text) ?? `status ${response.status}`
      throw new AppError('forbidden', `Global Discovery (${endpoint}) refused the token: ${reason}`)
    }
    if (response.status !== 200) throw new AppError('network_error', `Global Discovery (${endpoint}) answered ${response.status} ${response.statusText}${errorMessage(response.body.text) ? `: ${errorMessage(response.body.text)}` : ''}.`)
    let parsed: z.infer<typeof Instances>
    try {
      parsed = Instances.parse(JSON.parse(response.body.text))
    } catch {
      throw new AppError('invalid_json', `Global Discovery (${endpoint}) answered something other than a list of instances; see its answer in the traffic log.`)
    }
    const { environments } = await this.ports.environments.list()
    const orgs = parsed.value.map((i): DiscoveredOrg => ({
      id: i.Id,
      uniqueName: i.UniqueName,
      urlName: i.UrlName,
      friendlyName: i.FriendlyName || i.UniqueName,
      url: i.Url.replace(/\/+$/, ''),
      apiUrl: i.ApiUrl,
      version: i.Version,
      region: i.Region ?? '',
      state: i.State === 0 ? 'enabled' : 'disabled',
      tenantId: i.TenantId ?? '',
      environmentId: i.EnvironmentId ?? '',
      organizationId: i.OrganizationId ?? i.Id,
      isUserSysAdmin: Boolean(i.IsUserSysAdmin),
      knownEnvironmentId: environments.find((e) => sameUrl(e.orgUrl, i.Url))?.id ?? null
    }))
    orgs.sort((a, b) => a.friendlyName.localeCompare(b.friendlyName))
    return { endpoint, user: userOf(accessToken), orgs }
  }

  /**
   * One environment per org picked: its URL and tenant from Global Discovery, the cloud, authority, CA and sign-in
   * profile (secrets included, still encrypted at rest) from the environment that listed them. Known orgs are skipped.
   */
  async create(input: z.input<typeof CreateFromDiscovery>): Promise<{ created: EnvironmentView[]; skipped: string[] }> {
    const parsed = CreateFromDiscovery.safeParse(input)
    if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Not a valid choice of orgs.')
    const { environmentId, orgUrls, group } = parsed.data
    const listed = await this.list(environmentId)
    const source = await this.ports.environments.getStored(environmentId)
    const auth = await this.ports.environments.resolveAuth(environmentId)
    const variables = await this.ports.environments.resolveVariables(environmentId)
    const secretKeys = new Set(source.variables.filter((v) => v.secret).map((v) => v.key))
    const names = new Set((await this.ports.environments.list()).environments.map((e) => e.name.toLowerCase()))
    const created: EnvironmentView[] = []
    const skipped: string[] = []
    for (const url of orgUrls) {
      const org = listed.orgs.find((o) => sameUrl(o.url, url))
      if (!org) throw new AppError('not_found', `${url} is not among the orgs Global Discovery listed for this user.`)
      if (org.knownEnvironmentId) {
        skipped.push(org.url)
        continue
      }
      const name = uniqueName(org.friendlyName, names)
      names.add(name.toLowerCase())
      const profile: Record<string, unknown> = { ...auth }
      for (const [k, v] of Object.entries(profile)) if (['clientSecret', 'privateKeyPem', 'clientAssertion', 'password'].includes(k)) profile[k] = v ? { isSet: true, value: v } : { isSet: false }
      const production = /\bprod/i.test(`${org.friendlyName} ${org.uniqueName} ${org.urlName}`)
      const environment: EnvironmentInput = {
        name,
        orgUrl: org.url,
        cloud: source.cloud,
        authorityUrl: source.authorityUrl,
        tenant: org.tenantId || source.tenant,
        auth: profile as EnvironmentInput['auth'],
        variables: [...variables].map(([key, value]) => ({ key, value, secret: secretKeys.has(key), isSet: value !== '', enabled: true })),
        caCertificatePem: source.caCertificatePem,
        color: (production ? 'red' : source.color === 'violet' ? 'blue' : source.color) satisfies EnvColor,
        label: production ? 'PROD' : '',
        group: group ?? source.group,
        discoveryUrl: source.discoveryUrl
      }
      created.push(await this.ports.environments.create(environment))
    }
    return { created, skipped }
  }
}

function uniqueName(wanted: string, taken: Set<string>): string {
  const base = wanted.trim().slice(0, 72) || 'Org'
  if (!taken.has(base.toLowerCase())) return base
  for (let n = 2; ; n++) if (!taken.has(`${base} (${n})`.toLowerCase())) return `${base} (${n})`
}

function errorMessage(text: string): string | null {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } }
    return typeof body.error?.message === 'string' ? body.error.message : null
  } catch {
    return null
  }
}

function expiryOf(token: string): number {
  try {
    const exp = decodeJwt(token).exp
    return typeof exp === 'number' ? exp * 1000 : 0
  } catch {
    return 0
  }
}

function userOf(token: string): string | null {
  try {
    const claims = decodeJwt(token)
    const name = claims.upn ?? claims.preferred_username ?? claims.unique_name
    return typeof name === 'string' ? name : null
  } catch {
    return null
  }
}

/** Listing and creating over a process's services (the router and the CLI). */
export function orgDiscoveryFor(s: Services): OrgDiscovery {
  return new OrgDiscovery({
    environments: s.environments,
    oneOffToken: (id, overrides) => s.auth.oneOffToken(id, overrides),
    target: (id) => s.target(id),
    sendPrepared: (prepared, target, options) => s.executor.sendPrepared(prepared, target, options),
    requestTimeoutMs: async () => (await s.settings.get()).requestTimeoutMs
  })
}

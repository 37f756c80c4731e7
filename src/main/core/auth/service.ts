import { randomUUID } from 'node:crypto'
import type { SignInProgress, TokenView } from '../../../shared/auth'
import { AppError } from '../../../shared/errors'
import type { TrafficLog } from '../capture/trafficLog'
import type { RequestExecutor, SendTarget } from '../http/executor'
import type { SecretBox } from '../ports'
import type { EnvironmentStore } from '../store/environments'
import { parseChallenge } from './authority'
import { TokenCacheStore, type StoredToken } from './cache'
import type { Sleep } from './grants/deviceCodeRfc8628'
import { decodeToken } from './jwt'
import type { ProfileOverrides } from './overrides'
import type { GrantRunner, RunOptions } from './runner'
import { loadLazily } from '../lazy'

export type { ProfileOverrides }

export interface AuthPorts {
  environments: EnvironmentStore
  dataDir: string
  secretBox: SecretBox
  executor: RequestExecutor
  traffic: TrafficLog
  target(environmentId: string): Promise<SendTarget>
  requestTimeoutMs(): Promise<number>
  /** The system browser (Electron: shell.openExternal; e2e: a page that plays the user; CLI: the OS opener). */
  openBrowser(url: string): Promise<void>
  /** The desktop app's embedded window for the pre-approved client; null elsewhere. */
  embeddedSignIn: ((url: string, redirectPrefix: string, signal: AbortSignal) => Promise<string>) | null
  onProgress(progress: SignInProgress): void
  onChanged(environmentId: string): void
  interactiveTimeoutMs?: number
  /** How our own grants wait between polls; tests shorten it. */
  sleep?: Sleep
}

const REFRESH_MARGIN_SECONDS = 300

export class AuthService {
  private readonly cache: TokenCacheStore
  private readonly running = new Map<string, AbortController>()
  private readonly locks = new Map<string, Promise<unknown>>()
  /** Everything that fetches tokens (msal-node included), loaded when a grant first runs. */
  private runner: Promise<GrantRunner> | null = null

  constructor(private readonly ports: AuthPorts) {
    this.cache = new TokenCacheStore(ports.dataDir, ports.secretBox)
  }

  // ── Public API ─────────────────────────────────────────────────────────────

  /**
   * Sign in; the token becomes the environment's. `overrides` are for `orgbench login --grant …`, which signs the
   * environment in another way on purpose; for a token that must not replace the environment's, use oneOffToken.
   */
  async signIn(environmentId: string, signInId: string = randomUUID(), overrides: ProfileOverrides = {}): Promise<TokenView> {
    return this.locked(environmentId, async () => {
      const result = await this.run(environmentId, signInId, { purpose: 'sign-in', overrides, oneOff: false, current: null, forceRefresh: false })
      return this.view(environmentId, result)
    })
  }

  /**
   * A token with one call's overrides (`orgbench token --grant … --client-id …`): returned, never stored, so the
   * environment's token and msal cache stay as they were and later requests do not use it.
   */
  async oneOffToken(environmentId: string, overrides: ProfileOverrides, signInId: string = randomUUID()): Promise<{ view: TokenView; accessToken: string }> {
    const result = await this.run(environmentId, signInId, { purpose: 'sign-in', overrides, oneOff: true, current: null, forceRefresh: false })
    return { view: await this.view(environmentId, result), accessToken: result.accessToken }
  }

  cancel(signInId: string): boolean {
    const controller = this.running.get(signInId)
    if (!controller) return false
    controller.abort()
    return true
  }

  async status(environmentId: string): Promise<TokenView | null> {
    const current = await this.cache.current(environmentId)
    if (!current || current.profileKey !== (await this.profileKey(environmentId))) return null
    return this.view(environmentId, current)
  }

  async signOut(environmentId: string): Promise<boolean> {
    const had = Boolean(await this.cache.current(environmentId))
    await this.cache.clear(environmentId)
    if (this.runner) (await this.runner).forget(environmentId)
    this.ports.onChanged(environmentId)
    return had
  }

  /**
   * A valid access token for requests: from memory when it has five minutes left (no network, no disk),
   * otherwise refreshed silently — or, for client credentials, acquired again without asking anyone.
   */
  async accessToken(environmentId: string, options: { forceRefresh?: boolean } = {}): Promise<string> {
    const key = await this.profileKey(environmentId)
    const current = this.cache.peek(environmentId) ?? (await this.cache.current(environmentId))
    if (!options.forceRefresh && current && current.profileKey === key && (current.expiresAt === null || current.expiresAt - Date.now() / 1000 > REFRESH_MARGIN_SECONDS)) return current.accessToken
    return this.locked(environmentId, async () => {
      const again = await this.cache.current(environmentId)
      if (!options.forceRefresh && again && again.profileKey === key && (again.expiresAt === null || again.expiresAt - Date.now() / 1000 > REFRESH_MARGIN_SECONDS)) return again.accessToken
      const refreshed = await this.run(environmentId, randomUUID(), { purpose: 'refresh', overrides: {}, oneOff: false, current: again && again.profileKey === key ? again : null, forceRefresh: Boolean(options.forceRefresh) })
      return refreshed.accessToken
    })
  }

  /** Tenant discovery from the org URL: the Web API's anonymous 401 names the authority. */
  async discoverTenant(orgUrl: string, caCertificatePem: string): Promise<{ tenantId: string; authorityHost: string; authorizationUri: string }> {
    const url = new URL(`${orgUrl.replace(/\/+$/, '')}/api/data/v9.2/`)
    const response = await this.ports.executor.sendPrepared(
      { method: 'GET', url, headers: [['Accept', 'application/json']], body: null, contentType: '' },
      { environmentId: null, environmentName: null, caCertificatePem, variables: new Map() },
      { timeoutMs: await this.ports.requestTimeoutMs(), maxResponseBytes: 1024 * 1024, kind: 'discovery' }
    )
    const challenge = parseChallenge(response.headers.find(([k]) => k.toLowerCase() === 'www-authenticate')?.[1])
    if (!challenge) throw new AppError('sign_in_failed', `${url.host} did not answer with a Dataverse sign-in challenge (status ${response.status}). Is this a Dataverse org URL?`)
    return challenge
  }

  /** The raw access token, for the copy button. */
  async rawAccessToken(environmentId: string): Promise<string> {
    const current = await this.cache.current(environmentId)
    if (!current) throw new AppError('sign_in_required', 'Not signed in to this environment.')
    return current.accessToken
  }

  // ── Internals ──────────────────────────────────────────────────────────────

  private locked<T>(environmentId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(environmentId) ?? Promise.resolve()
    const next = previous.then(work, work)
    this.locks.set(environmentId, next.catch(() => undefined))
    return next
  }

  private async profileKey(environmentId: string): Promise<string> {
    const env = await this.ports.environments.getStored(environmentId)
    const a = env.auth as Record<string, unknown>
    return [a.grant, a.clientId ?? '', a.scopes ?? '', a.credential ?? '', a.endpoint ?? '', env.cloud, env.tenant, env.authorityUrl, env.orgUrl].join('|')
  }

  /** Run a grant (sign-in, refresh or first fetch): the runner and msal-node are loaded on the first one. */
  private async run(environmentId: string, signInId: string, o: RunOptions): Promise<StoredToken> {
    this.runner ??= loadLazily(() => import('./runner'), 'auth/runner').then(({ GrantRunner }) => new GrantRunner({ ports: this.ports, cache: this.cache, running: this.running, profileKey: (id) => this.profileKey(id) }))
    return (await this.runner).run(environmentId, signInId, o)
  }

  private async view(environmentId: string, token: StoredToken): Promise<TokenView> {
    const env = await this.ports.environments.getStored(environmentId)
    const renewable = token.issuedBy === 'orgbench' ? token.refreshToken !== null : token.account !== null && !['implicit', 'preapproved'].includes(token.grant)
    return {
      environmentId,
      grant: token.grant,
      preview: `${token.accessToken.slice(0, 12)}…`,
      expiresAt: token.expiresAt,
      acquiredAt: token.acquiredAt,
      scopes: token.scopes,
      account: token.account ? { username: token.account.username, name: token.account.name, tenantId: token.account.tenantId } : null,
      canRefresh: token.grant === 'client_credentials' || renewable,
      accessToken: decodeToken(token.accessToken, { orgUrl: env.orgUrl }),
      idToken: token.idToken ? decodeToken(token.idToken) : null
    }
  }
}

import { randomUUID } from 'node:crypto'
import type { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node'
import type { SignInProgress, SignInStep, TokenView } from '../../../shared/auth'
import { AppError } from '../../../shared/errors'
import type { TrafficLog } from '../capture/trafficLog'
import type { RequestExecutor, SendTarget } from '../http/executor'
import type { SecretBox } from '../ports'
import type { EnvironmentStore } from '../store/environments'
import { authorityFrom, discoveryUrl, openIdConfigurationUrl, parseChallenge, readOpenIdMetadata, resolveAuthority, scopesFor, type Authority, type OpenIdMetadata, type ResolvedAuthority } from './authority'
import { TokenCacheStore, type StoredToken } from './cache'
import { authorizationCode } from './grants/authorizationCode'
import { sleep, type Sleep } from './grants/deviceCodeRfc8628'
import { implicit } from './grants/implicit'
import { clientCredentials, deviceCode, password } from './grants/others'
import { preapproved } from './grants/preapproved'
import type { ConfidentialCredential, GrantContext, GrantResult } from './grants/types'
import { decodeToken } from './jwt'
import { createMsalApp, msalAppKey, type MsalApp } from './msalApps'
import { RecordingNetworkClient, type SignInContext } from './network'
import { explainSignInError } from './oauthErrors'
import { applyOverrides, type ProfileOverrides } from './overrides'
import { refresh } from './refresh'
import { recordAuthorize, recordCallback } from './signInTraffic'

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

interface RunOptions {
  purpose: 'sign-in' | 'refresh'
  overrides: ProfileOverrides
  /** A one-off: the token is returned, and neither it nor msal's cache of the environment is touched. */
  oneOff: boolean
  current: StoredToken | null
  forceRefresh: boolean
}

export class AuthService {
  private readonly cache: TokenCacheStore
  private readonly apps = new Map<string, { key: string; app: MsalApp; network: RecordingNetworkClient }>()
  private readonly running = new Map<string, AbortController>()
  private readonly locks = new Map<string, Promise<unknown>>()
  /** Custom authorities' protocol, decided once per authority URL from its discovery document. */
  private readonly authorities = new Map<string, Authority>()

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
    this.apps.delete(environmentId)
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

  private async run(environmentId: string, signInId: string, o: RunOptions): Promise<StoredToken> {
    const env = await this.ports.environments.getStored(environmentId)
    const profile = applyOverrides(await this.ports.environments.resolveAuth(environmentId), o.overrides)
    if (profile.grant === 'none') throw new AppError('sign_in_required', `"${env.name}" has no sign-in profile: choose a grant in Edit environment (or send the request with its own Authorization header).`)
    const tenantEnv = o.overrides.tenant ? { ...env, tenant: o.overrides.tenant } : env
    const resolved = resolveAuthority(tenantEnv, { needsTenant: profile.grant === 'client_credentials' && env.cloud !== 'custom' })
    const scopes = scopesFor('scopes' in profile ? profile.scopes : '', env.orgUrl)
    const controller = new AbortController()
    this.running.set(signInId, controller)
    // A one-off gets its own network client and msal apps: nothing it does reaches the environment's.
    const network = o.oneOff ? new RecordingNetworkClient(this.ports.executor) : this.networkFor(environmentId)
    const oneOffApps = new Map<string, MsalApp>()
    const context: SignInContext = {
      signInId,
      // A first fetch (no token yet, e.g. client credentials when a request needs one) is not a refresh.
      grant: o.purpose === 'refresh' && o.current ? `${profile.grant} (refresh)` : profile.grant,
      target: await this.ports.target(environmentId),
      timeoutMs: await this.ports.requestTimeoutMs(),
      tokenHeaders: profile.grant === 'authorization_code' && profile.spaOrigin ? [['Origin', profile.spaOrigin]] : [],
      lastError: null,
      lastOAuthError: null,
      signal: controller.signal
    }
    const progress = (step: SignInStep, message: string, extra: { authorizeUrl?: string; deviceCode?: SignInProgress['deviceCode'] } = {}) =>
      this.ports.onProgress({ signInId, environmentId, step, message, authorizeUrl: extra.authorizeUrl ?? null, deviceCode: extra.deviceCode ?? null })
    progress('starting', o.purpose === 'refresh' ? 'Refreshing the token…' : `Signing in to ${env.name}…`)
    try {
      network.context = context
      const authority = await this.authorityOf(resolved, network)
      const app = (clientId: string, credential: ConfidentialCredential | null): MsalApp => {
        if (!o.oneOff) return this.app(environmentId, authority, clientId, credential, network)
        const key = msalAppKey(authority, clientId, credential)
        const made = oneOffApps.get(key) ?? createMsalApp({ authority, clientId, credential, network, cachePlugin: null })
        oneOffApps.set(key, made)
        return made
      }
      const ctx: GrantContext = {
        env,
        profile,
        authority,
        scopes,
        signal: controller.signal,
        interactiveTimeoutMs: this.ports.interactiveTimeoutMs ?? 5 * 60_000,
        publicApp: (clientId) => app(clientId, null) as PublicClientApplication,
        confidentialApp: (clientId, credential) => app(clientId, credential) as ConfidentialClientApplication,
        openBrowser: (url) => this.ports.openBrowser(url),
        openIdConfiguration: (version) => this.openIdConfiguration(authority, version, network),
        network,
        sleep: this.ports.sleep ?? sleep,
        embeddedSignIn: this.ports.embeddedSignIn,
        progress,
        recordAuthorize: (url) => recordAuthorize(this.ports.traffic, env, signInId, profile.grant, url),
        recordCallback: (exchange) => recordCallback(this.ports.traffic, env, signInId, profile.grant, exchange)
      }
      const result = o.purpose === 'refresh' ? await refresh(ctx, o.current, o.forceRefresh) : await this.grant(ctx)
      const stored: StoredToken = {
        grant: profile.grant,
        accessToken: result.accessToken,
        idToken: result.idToken,
        expiresAt: result.expiresAt,
        scopes: result.scopes,
        account: result.account,
        acquiredAt: Math.floor(Date.now() / 1000),
        profileKey: await this.profileKey(environmentId),
        issuedBy: result.refreshToken !== undefined ? 'orgbench' : 'msal',
        refreshToken: result.refreshToken ?? null
      }
      if (!o.oneOff) {
        await this.cache.setCurrent(environmentId, stored)
        this.ports.onChanged(environmentId)
      }
      progress('done', 'Signed in.')
      return stored
    } catch (error) {
      const explained = controller.signal.aborted ? new AppError('cancelled', 'The sign-in was cancelled.') : explainSignInError(error, { network: context.lastError, oauth: context.lastOAuthError })
      progress(explained.code === 'cancelled' ? 'cancelled' : 'failed', explained.message)
      throw explained
    } finally {
      network.context = null
      this.running.delete(signInId)
    }
  }

  private grant(ctx: GrantContext): Promise<GrantResult> {
    switch (ctx.profile.grant) {
      case 'authorization_code':
        return authorizationCode(ctx as GrantContext<'authorization_code'>)
      case 'implicit':
        return implicit(ctx as GrantContext<'implicit'>)
      case 'client_credentials':
        // An explicit sign-in proves the credentials now: never answered from MSAL's cache.
        return clientCredentials(ctx as GrantContext<'client_credentials'>, { forceRefresh: true })
      case 'password':
        return password(ctx as GrantContext<'password'>)
      case 'device_code':
        return deviceCode(ctx as GrantContext<'device_code'>)
      case 'preapproved':
        return preapproved(ctx as GrantContext<'preapproved'>)
      default:
        throw new AppError('sign_in_required', 'This environment has no sign-in profile.')
    }
  }

  /**
   * Entra clouds and ADFS are what their configuration says. A custom authority is Entra-shaped (the Sandbox's
   * Entra authority, Entra typed as a URL) or a plain OpenID Connect provider: its root discovery document tells
   * (Entra's carries `cloud_instance_name`), read once per authority through the traffic log.
   */
  private async authorityOf(resolved: ResolvedAuthority, network: RecordingNetworkClient): Promise<Authority> {
    if (resolved.kind !== 'custom') return authorityFrom(resolved, null)
    const known = this.authorities.get(resolved.authority)
    if (known) return known
    const url = discoveryUrl(resolved.authority)
    const response = await network.sendGetRequestAsync<Record<string, unknown>>(url).catch((error: unknown) => {
      // A 404 page that is not JSON says "no discovery here"; network failures keep their own explanation.
      if (error instanceof AppError && error.code === 'sign_in_failed') return { status: 404, headers: {}, body: {} as Record<string, unknown> }
      throw error
    })
    if (response.status !== 200 || !readOpenIdMetadata(response.body)) {
      throw new AppError('sign_in_failed', `${resolved.authority} publishes no OpenID configuration (${url} answered ${response.status}): check the authority URL. For an OpenID Connect provider it is the issuer, e.g. https://idp.example.com/realms/demo; for ADFS https://adfs.contoso.com/adfs.`)
    }
    const authority = authorityFrom(resolved, response.body)
    this.authorities.set(resolved.authority, authority)
    return authority
  }

  /** The OpenID configuration our own grants read (implicit, RFC 8628, refresh): the one already read, or fetched. */
  private async openIdConfiguration(authority: Authority, version: 'v1' | 'v2', network: RecordingNetworkClient): Promise<OpenIdMetadata> {
    if (authority.protocol === 'oidc' && authority.metadata) return authority.metadata
    const url = openIdConfigurationUrl(authority, version)
    const response = await network.sendGetRequestAsync<unknown>(url)
    const metadata = response.status === 200 ? readOpenIdMetadata(response.body) : null
    if (!metadata) throw new AppError('sign_in_failed', `The authority's OpenID configuration (${url}) answered ${response.status} without its endpoints: check the cloud, tenant and authority URL.`)
    return metadata
  }

  private networkFor(environmentId: string): RecordingNetworkClient {
    const existing = this.apps.get(environmentId)
    return existing?.network ?? new RecordingNetworkClient(this.ports.executor)
  }

  /** One MSAL app per environment and profile, with the environment's encrypted cache and our network client. */
  private app(environmentId: string, authority: Authority, clientId: string, credential: ConfidentialCredential | null, network: RecordingNetworkClient): MsalApp {
    const key = msalAppKey(authority, clientId, credential)
    const existing = this.apps.get(environmentId)
    if (existing && existing.key === key) return existing.app
    const app = createMsalApp({ authority, clientId, credential, network, cachePlugin: this.cache.plugin(environmentId) })
    this.apps.set(environmentId, { key, app, network })
    return app
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

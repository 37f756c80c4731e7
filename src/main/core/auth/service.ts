import { createHash, randomUUID } from 'node:crypto'
import { ConfidentialClientApplication, LogLevel, PublicClientApplication, type AccountInfo, type Configuration } from '@azure/msal-node'
import type { SignInProgress, SignInStep, TokenView } from '../../../shared/auth'
import { ResolvedAuthProfile } from '../../../shared/environment'
import { AppError } from '../../../shared/errors'
import type { TrafficLog } from '../capture/trafficLog'
import type { RequestExecutor, SendTarget } from '../http/executor'
import type { SecretBox } from '../ports'
import type { EnvironmentStore, StoredEnvironment } from '../store/environments'
import { explainAadsts } from './aadsts'
import { openIdConfigurationUrl, parseChallenge, resolveAuthority, scopesFor, type ResolvedAuthority } from './authority'
import { TokenCacheStore, type StoredToken } from './cache'
import { authorizationCode } from './grants/authorizationCode'
import { implicit } from './grants/implicit'
import { clientCredentials, deviceCode, password } from './grants/others'
import { preapproved } from './grants/preapproved'
import { fromMsal, type ConfidentialCredential, type GrantContext, type GrantResult } from './grants/types'
import { decodeToken } from './jwt'
import type { CallbackExchange } from './loopback'
import { RecordingNetworkClient, type SignInContext } from './network'

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
}

/** Overrides for one call, as `orgbench token --grant … --client-id …` gives them. */
export type ProfileOverrides = Partial<{ grant: ResolvedAuthProfile['grant']; clientId: string; clientSecret: string; certificatePem: string; privateKeyPem: string; scopes: string; tenant: string }>

const REFRESH_MARGIN_SECONDS = 300

/** Sign-in, token cache and refresh for every environment. Grants live in ./grants, one module each. */
export class AuthService {
  private readonly cache: TokenCacheStore
  private readonly apps = new Map<string, { key: string; app: PublicClientApplication | ConfidentialClientApplication; network: RecordingNetworkClient }>()
  private readonly running = new Map<string, AbortController>()
  private readonly locks = new Map<string, Promise<unknown>>()

  constructor(private readonly ports: AuthPorts) {
    this.cache = new TokenCacheStore(ports.dataDir, ports.secretBox)
  }

  // ── Public API ─────────────────────────────────────────────────────────────

  async signIn(environmentId: string, signInId: string = randomUUID(), overrides: ProfileOverrides = {}): Promise<TokenView> {
    return this.locked(environmentId, async () => {
      const result = await this.run(environmentId, signInId, overrides, 'sign-in')
      return this.view(environmentId, result)
    })
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
      const refreshed = await this.run(environmentId, randomUUID(), {}, 'refresh', again && again.profileKey === key ? again : null, Boolean(options.forceRefresh))
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

  private async run(environmentId: string, signInId: string, overrides: ProfileOverrides, purpose: 'sign-in' | 'refresh', current: StoredToken | null = null, forceRefresh = false): Promise<StoredToken> {
    const env = await this.ports.environments.getStored(environmentId)
    const base = await this.ports.environments.resolveAuth(environmentId)
    const profile = applyOverrides(base, overrides)
    if (profile.grant === 'none') throw new AppError('sign_in_required', `"${env.name}" has no sign-in profile: choose a grant in Edit environment (or send the request with its own Authorization header).`)
    const tenantEnv = overrides.tenant ? { ...env, tenant: overrides.tenant } : env
    const authority = resolveAuthority(tenantEnv, { needsTenant: profile.grant === 'client_credentials' && env.cloud !== 'custom' })
    const scopes = scopesFor('scopes' in profile ? profile.scopes : '', env.orgUrl)
    const controller = new AbortController()
    this.running.set(signInId, controller)
    const network = this.networkFor(environmentId)
    const context: SignInContext = {
      signInId,
      grant: purpose === 'refresh' ? `${profile.grant} (refresh)` : profile.grant,
      target: await this.ports.target(environmentId),
      timeoutMs: await this.ports.requestTimeoutMs(),
      tokenHeaders: profile.grant === 'authorization_code' && profile.spaOrigin ? [['Origin', profile.spaOrigin]] : [],
      lastError: null
    }
    const progress = (step: SignInStep, message: string, extra: { authorizeUrl?: string; deviceCode?: SignInProgress['deviceCode'] } = {}) =>
      this.ports.onProgress({ signInId, environmentId, step, message, authorizeUrl: extra.authorizeUrl ?? null, deviceCode: extra.deviceCode ?? null })
    progress('starting', purpose === 'refresh' ? 'Refreshing the token…' : `Signing in to ${env.name}…`)
    try {
      network.context = context
      const ctx: GrantContext = {
        env,
        profile,
        authority,
        scopes,
        signal: controller.signal,
        interactiveTimeoutMs: this.ports.interactiveTimeoutMs ?? 5 * 60_000,
        publicApp: (clientId) => this.app(environmentId, authority, clientId, null, network) as PublicClientApplication,
        confidentialApp: (clientId, credential) => this.app(environmentId, authority, clientId, credential, network) as ConfidentialClientApplication,
        openBrowser: (url) => this.ports.openBrowser(url),
        openIdConfiguration: async (version) => {
          const url = openIdConfigurationUrl(authority, version)
          const response = await network.sendGetRequestAsync<{ authorization_endpoint?: string; token_endpoint?: string }>(url)
          if (response.status !== 200 || !response.body.authorization_endpoint) throw new AppError('sign_in_failed', `The authority's OpenID configuration (${url}) answered ${response.status} without an authorization endpoint: check the cloud, tenant and authority URL.`)
          return { authorization_endpoint: response.body.authorization_endpoint, token_endpoint: response.body.token_endpoint ?? '' }
        },
        embeddedSignIn: this.ports.embeddedSignIn,
        progress,
        recordAuthorize: (url) => this.recordAuthorize(env, signInId, profile.grant, url),
        recordCallback: (exchange) => this.recordCallback(env, signInId, profile.grant, exchange)
      }
      const result = purpose === 'refresh' ? await this.refresh(ctx, current, forceRefresh) : await this.grant(ctx)
      const stored: StoredToken = { grant: profile.grant, ...result, acquiredAt: Math.floor(Date.now() / 1000), profileKey: await this.profileKey(environmentId) }
      await this.cache.setCurrent(environmentId, stored)
      progress('done', 'Signed in.')
      this.ports.onChanged(environmentId)
      return stored
    } catch (error) {
      const explained = controller.signal.aborted ? new AppError('cancelled', 'The sign-in was cancelled.') : explain(error, context.lastError)
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

  /** Silent refresh: MSAL's cache and refresh token; client credentials simply ask again; implicit cannot refresh. */
  private async refresh(ctx: GrantContext, current: StoredToken | null, forceRefresh: boolean): Promise<GrantResult> {
    const grant = ctx.profile.grant
    if (grant === 'client_credentials') return clientCredentials(ctx as GrantContext<'client_credentials'>, { forceRefresh })
    if (!current) throw new AppError('sign_in_required', `Sign in to "${ctx.env.name}" first (Sign in, above the request).`)
    if (grant === 'implicit' || grant === 'preapproved') throw new AppError('sign_in_required', 'The token has expired, and tokens from the implicit grant cannot be refreshed: sign in again.')
    if (!current.account || !('clientId' in ctx.profile)) throw new AppError('sign_in_required', 'The token has expired and there is no account to refresh it for: sign in again.')
    const app = ctx.publicApp(ctx.profile.clientId)
    const account = (await app.getTokenCache().getAccountByHomeId(current.account.homeAccountId)) as AccountInfo | null
    if (!account) throw new AppError('sign_in_required', 'The signed-in account is no longer in the token cache: sign in again.')
    return fromMsal(await app.acquireTokenSilent({ account, scopes: ctx.scopes, forceRefresh }))
  }

  private networkFor(environmentId: string): RecordingNetworkClient {
    const existing = this.apps.get(environmentId)
    return existing?.network ?? new RecordingNetworkClient(this.ports.executor)
  }

  /** One MSAL app per environment and profile, with the environment's encrypted cache and our network client. */
  private app(environmentId: string, authority: ResolvedAuthority, clientId: string, credential: ConfidentialCredential | null, network: RecordingNetworkClient): PublicClientApplication | ConfidentialClientApplication {
    const credentialKey = credential ? createHash('sha256').update(JSON.stringify(credential)).digest('hex') : 'public'
    const key = `${clientId}|${authority.authority}|${credentialKey}`
    const existing = this.apps.get(environmentId)
    if (existing && existing.key === key) return existing.app
    const config: Configuration = {
      auth: {
        clientId,
        authority: authority.authority,
        knownAuthorities: authority.knownAuthorities,
        ...(credential?.kind === 'secret' ? { clientSecret: credential.secret } : {}),
        ...(credential?.kind === 'certificate' ? { clientCertificate: { thumbprintSha256: credential.thumbprintSha256, privateKey: credential.privateKey, x5c: credential.x5c } } : {}),
        ...(credential?.kind === 'assertion' ? { clientAssertion: credential.assertion } : {})
      },
      cache: { cachePlugin: this.cache.plugin(environmentId) },
      system: { networkClient: network, loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined } }
    }
    const app = credential ? new ConfidentialClientApplication(config) : new PublicClientApplication(config)
    this.apps.set(environmentId, { key, app, network })
    return app
  }

  private recordAuthorize(env: StoredEnvironment, signInId: string, grant: string, url: string): void {
    this.ports.traffic.record({ kind: 'authorize', startedAt: Date.now(), method: 'GET', url, environmentId: env.id, environmentName: env.name, signInId, grant, requestHeaders: [], requestBody: null, status: null, statusText: 'opened in the browser', httpVersion: '', responseHeaders: [], responseBody: null, timings: null, error: null })
  }

  private recordCallback(env: StoredEnvironment, signInId: string, grant: string, e: CallbackExchange): void {
    this.ports.traffic.record({
      kind: 'callback',
      startedAt: e.startedAt,
      method: e.method,
      url: e.url,
      environmentId: env.id,
      environmentName: env.name,
      signInId,
      grant,
      requestHeaders: e.requestHeaders,
      requestBody: e.requestBody ? { bytes: Buffer.from(e.requestBody, 'utf8'), contentType: e.requestContentType } : null,
      status: e.status,
      statusText: e.status === 200 ? 'OK' : '',
      httpVersion: '1.1',
      responseHeaders: [['content-type', 'text/html; charset=utf-8']],
      responseBody: { bytes: Buffer.from(e.responseBody, 'utf8'), contentType: 'text/html; charset=utf-8', truncated: false },
      timings: { connect: null, tls: null, wait: e.durationMs, receive: 0, total: e.durationMs },
      error: null
    })
  }

  private async view(environmentId: string, token: StoredToken): Promise<TokenView> {
    const env = await this.ports.environments.getStored(environmentId)
    return {
      environmentId,
      grant: token.grant,
      preview: `${token.accessToken.slice(0, 12)}…`,
      expiresAt: token.expiresAt,
      acquiredAt: token.acquiredAt,
      scopes: token.scopes,
      account: token.account ? { username: token.account.username, name: token.account.name, tenantId: token.account.tenantId } : null,
      canRefresh: token.grant === 'client_credentials' || (token.account !== null && !['implicit', 'preapproved'].includes(token.grant)),
      accessToken: decodeToken(token.accessToken, { orgUrl: env.orgUrl }),
      idToken: token.idToken ? decodeToken(token.idToken) : null
    }
  }

  /** The raw access token, for the copy button. */
  async rawAccessToken(environmentId: string): Promise<string> {
    const current = await this.cache.current(environmentId)
    if (!current) throw new AppError('sign_in_required', 'Not signed in to this environment.')
    return current.accessToken
  }
}

function applyOverrides(profile: ResolvedAuthProfile, o: ProfileOverrides): ResolvedAuthProfile {
  if (!Object.keys(o).length) return profile
  const grant = o.grant ?? profile.grant
  const merged: Record<string, unknown> = { ...(grant === profile.grant ? profile : { clientId: 'clientId' in profile ? profile.clientId : '', scopes: 'scopes' in profile ? profile.scopes : '' }), grant }
  if (o.clientId !== undefined) merged.clientId = o.clientId
  if (o.scopes !== undefined) merged.scopes = o.scopes
  if (o.clientSecret !== undefined) Object.assign(merged, { clientSecret: o.clientSecret, credential: 'secret' })
  if (o.certificatePem !== undefined) Object.assign(merged, { certificatePem: o.certificatePem, credential: 'certificate' })
  if (o.privateKeyPem !== undefined) merged.privateKeyPem = o.privateKeyPem
  const parsed = ResolvedAuthProfile.safeParse(merged)
  if (!parsed.success) throw new AppError('invalid_input', `The options do not make a valid ${grant} profile: ${parsed.error.issues[0]?.message ?? ''}`)
  return parsed.data
}


/** Turn an MSAL, network or our own error into one a person can act on, with the AADSTS explanation attached. */
export function explain(error: unknown, networkError: AppError | null): AppError {
  if (error instanceof AppError && error.code !== 'sign_in_failed') return error
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { errorCode?: string }).errorCode
  if (networkError && (!/AADSTS/.test(message) || code === 'endpoints_resolution_error')) return new AppError(networkError.code, `Sign-in could not reach the authority: ${networkError.message}`, networkError.detail)
  if (code === 'endpoints_resolution_error') return new AppError('sign_in_failed', 'The authority\'s OpenID configuration could not be loaded: check the cloud, tenant and authority URL, and (on-premises) the environment\'s CA certificate.')
  const explanation = explainAadsts(message)
  // MSAL wraps the server's words in "Error(s): … - Timestamp: … - Description: AADSTS…"; lead with the AADSTS sentence.
  const aadsts = /(AADSTS\d+: .+?)(?:\r?\n|\s+Trace ID:|\s+- Correlation ID:|$)/s.exec(message)?.[1]
  const first = aadsts ?? message.split(/\r?\n/)[0]!.replace(/^[a-z_]+: /, '')
  if (explanation) return new AppError('sign_in_failed', `${explanation.title}: ${first}`, { explanation })
  return new AppError('sign_in_failed', first || 'The sign-in failed.')
}

import type { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node'
import type { SignInProgress, SignInStep } from '../../../shared/auth'
import { AppError } from '../../../shared/errors'
import { authorityFrom, discoveryUrl, openIdConfigurationUrl, readOpenIdMetadata, resolveAuthority, scopesFor, type Authority, type OpenIdMetadata, type ResolvedAuthority } from './authority'
import type { TokenCacheStore, StoredToken } from './cache'
import { authorizationCode } from './grants/authorizationCode'
import { sleep } from './grants/deviceCodeRfc8628'
import { implicit } from './grants/implicit'
import { clientCredentials, deviceCode, password } from './grants/others'
import { preapproved } from './grants/preapproved'
import type { ConfidentialCredential, GrantContext, GrantResult } from './grants/types'
import { createMsalApp, msalAppKey, type MsalApp } from './msalApps'
import { RecordingNetworkClient, type SignInContext } from './network'
import { explainSignInError } from './oauthErrors'
import { applyOverrides, type ProfileOverrides } from './overrides'
import { refresh } from './refresh'
import type { AuthPorts } from './service'
import { recordAuthorize, recordCallback } from './signInTraffic'

export interface RunOptions {
  purpose: 'sign-in' | 'refresh'
  overrides: ProfileOverrides
  /** A one-off: the token is returned, and neither it nor msal's cache of the environment is touched. */
  oneOff: boolean
  current: StoredToken | null
  forceRefresh: boolean
}

/** What the runner shares with AuthService: its ports, the token cache, the sign-ins under way (for cancel). */
export interface RunnerDeps {
  ports: AuthPorts
  cache: TokenCacheStore
  running: Map<string, AbortController>
  profileKey(environmentId: string): Promise<string>
}

/**
 * Fetching a token: the authority's protocol, msal-node's apps, our own grants and silent renewal. AuthService loads
 * this module only when a grant actually runs, so a request whose token is cached loads neither msal-node (with
 * jsonwebtoken) nor the loopback listener.
 */
export class GrantRunner {
  private readonly apps = new Map<string, { key: string; app: MsalApp; network: RecordingNetworkClient }>()
  /** Custom authorities' protocol, decided once per authority URL from its discovery document. */
  private readonly authorities = new Map<string, Authority>()

  constructor(private readonly deps: RunnerDeps) {}

  /** Signed out: the environment's msal app (and its in-memory accounts) goes too. */
  forget(environmentId: string): void {
    this.apps.delete(environmentId)
  }

  async run(environmentId: string, signInId: string, o: RunOptions): Promise<StoredToken> {
    const env = await this.deps.ports.environments.getStored(environmentId)
    const profile = applyOverrides(await this.deps.ports.environments.resolveAuth(environmentId), o.overrides)
    if (profile.grant === 'none') throw new AppError('sign_in_required', `"${env.name}" has no sign-in profile: choose a grant in Edit environment (or send the request with its own Authorization header).`)
    const tenantEnv = o.overrides.tenant ? { ...env, tenant: o.overrides.tenant } : env
    const resolved = resolveAuthority(tenantEnv, { needsTenant: profile.grant === 'client_credentials' && env.cloud !== 'custom' })
    const scopes = scopesFor('scopes' in profile ? profile.scopes : '', env.orgUrl)
    const controller = new AbortController()
    this.deps.running.set(signInId, controller)
    // A one-off gets its own network client and msal apps: nothing it does reaches the environment's.
    const network = o.oneOff ? new RecordingNetworkClient(this.deps.ports.executor) : this.networkFor(environmentId)
    const oneOffApps = new Map<string, MsalApp>()
    const context: SignInContext = {
      signInId,
      // A first fetch (no token yet, e.g. client credentials when a request needs one) is not a refresh.
      grant: o.purpose === 'refresh' && o.current ? `${profile.grant} (refresh)` : profile.grant,
      target: await this.deps.ports.target(environmentId),
      timeoutMs: await this.deps.ports.requestTimeoutMs(),
      tokenHeaders: profile.grant === 'authorization_code' && profile.spaOrigin ? [['Origin', profile.spaOrigin]] : [],
      lastError: null,
      lastOAuthError: null,
      signal: controller.signal
    }
    const progress = (step: SignInStep, message: string, extra: { authorizeUrl?: string; deviceCode?: SignInProgress['deviceCode'] } = {}) =>
      this.deps.ports.onProgress({ signInId, environmentId, step, message, authorizeUrl: extra.authorizeUrl ?? null, deviceCode: extra.deviceCode ?? null })
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
        interactiveTimeoutMs: this.deps.ports.interactiveTimeoutMs ?? 5 * 60_000,
        publicApp: (clientId) => app(clientId, null) as PublicClientApplication,
        confidentialApp: (clientId, credential) => app(clientId, credential) as ConfidentialClientApplication,
        openBrowser: (url) => this.deps.ports.openBrowser(url),
        openIdConfiguration: (version) => this.openIdConfiguration(authority, version, network),
        network,
        sleep: this.deps.ports.sleep ?? sleep,
        embeddedSignIn: this.deps.ports.embeddedSignIn,
        progress,
        recordAuthorize: (url) => recordAuthorize(this.deps.ports.traffic, env, signInId, profile.grant, url),
        recordCallback: (exchange) => recordCallback(this.deps.ports.traffic, env, signInId, profile.grant, exchange)
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
        profileKey: await this.deps.profileKey(environmentId),
        issuedBy: result.refreshToken !== undefined ? 'orgbench' : 'msal',
        refreshToken: result.refreshToken ?? null
      }
      if (!o.oneOff) {
        await this.deps.cache.setCurrent(environmentId, stored)
        this.deps.ports.onChanged(environmentId)
      }
      progress('done', 'Signed in.')
      return stored
    } catch (error) {
      const explained = controller.signal.aborted ? new AppError('cancelled', 'The sign-in was cancelled.') : explainSignInError(error, { network: context.lastError, oauth: context.lastOAuthError })
      progress(explained.code === 'cancelled' ? 'cancelled' : 'failed', explained.message)
      throw explained
    } finally {
      network.context = null
      this.deps.running.delete(signInId)
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
    return existing?.network ?? new RecordingNetworkClient(this.deps.ports.executor)
  }

  /** One MSAL app per environment and profile, with the environment's encrypted cache and our network client. */
  private app(environmentId: string, authority: Authority, clientId: string, credential: ConfidentialCredential | null, network: RecordingNetworkClient): MsalApp {
    const key = msalAppKey(authority, clientId, credential)
    const existing = this.apps.get(environmentId)
    if (existing && existing.key === key) return existing.app
    const app = createMsalApp({ authority, clientId, credential, network, cachePlugin: this.deps.cache.plugin(environmentId) })
    this.apps.set(environmentId, { key, app, network })
    return app
  }
}

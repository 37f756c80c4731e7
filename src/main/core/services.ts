import { randomUUID } from 'node:crypto'
import { loadLazily } from './lazy'
import { join } from 'node:path'
import type { AppInfo, EnvironmentList } from '../../shared/contract'
import { SANDBOX_ENVIRONMENT_NAME, type SandboxInfo, type SandboxLimits } from '../../shared/sandbox'
import { BUILTIN_VARIABLES, WEB_API_PATH, type StoreProblem } from '../../shared/environment'
import { AppError } from '../../shared/errors'
import { RequestSpec, type ResponseView } from '../../shared/http'
import { substituteVariables } from '../../shared/variables'
import type { SignInProgress } from '../../shared/auth'
import { AuthService } from './auth/service'
import { SchemaService } from './dataverse/schemaService'

export type RequestAuth = { mode: 'inherit' } | { mode: 'none' } | { mode: 'bearer'; token: string }
import { sweepSpills } from './capture/spill'
import { TrafficLog } from './capture/trafficLog'
import { TrafficSessions } from './capture/sessions'
import { RequestExecutor, type SendTarget } from './http/executor'
import type { SecretBox } from './ports'
import { EnvironmentStore } from './store/environments'
import { SettingsStore } from './store/settings'
import type { Settings } from '../../shared/settings'
import { sweepTempFiles } from './store/files'
import type { CollectionChange, HistorySummary } from '../../shared/collections'
import type { CollectionStore } from './collections/store'
import type { TabsStore } from './collections/tabs'
import type { TrashMode } from './collections/trash'
import type { HistoryStore } from './history/history'
import type { SendOrigin } from './history/record'
import type { KeptTraffic } from './capture/keptTraffic'

export interface Logger {
  error(message: string, error?: unknown): void
}

/** The built-in Sandbox org, when this process runs one (the app does; the CLI only for `orgbench sandbox`). */
export interface SandboxPort {
  info(): SandboxInfo | null
  reset(): void
  /** Service protection limits to enforce (null: none); absent where the Sandbox cannot be changed. */
  setLimits?(limits: SandboxLimits | null): SandboxLimits | null
}

export interface ServiceOptions {
  dataDir: string
  secretBox: SecretBox
  appVersion: string
  log?: Logger
  /** How sign-ins open the system browser (each transport has its own). */
  openBrowser?: (url: string) => Promise<void>
  embeddedSignIn?: ((url: string, redirectPrefix: string, signal: AbortSignal) => Promise<string>) | null
  interactiveTimeoutMs?: number
  /** Follow external edits of open collections (the app and the harness; not the CLI). */
  watchCollections?: boolean
  /** Where deleted collection items go (default: the OS trash, else the collection's .trash folder). */
  trash?: TrashMode
  historyCapBytes?: number
  /** Keep the traffic log across restarts when Settings say so (the app; not the CLI, whose runs would replace it). */
  keepTraffic?: boolean
  /** The OS folder picker (Electron's dialog); absent in the CLI and the harness, where paths are typed. */
  pickFolder?: (title: string) => Promise<string | null>
}

type Listener<T> = (payload: T) => void

/** The methods of T that answer with a promise: what a part offers before it is loaded. */
export type Deferred<T> = { [K in keyof T as T[K] extends (...args: never[]) => Promise<unknown> ? K : never]: T[K] }

/**
 * A part of Services whose module is imported, and which is constructed, on the first call of one of its methods
 * (`services.collections.list()` loads the collections code and yaml then). A CLI command loads only what it uses.
 */
class Part<T extends object> {
  private loading: Promise<T> | null = null
  readonly methods: Deferred<T>

  constructor(private readonly load: () => Promise<T>) {
    this.methods = new Proxy({} as Deferred<T>, {
      // `then` stays undefined so that awaiting the part itself is not mistaken for a call.
      get: (_, name) => (typeof name !== 'string' || name === 'then' ? undefined : (...args: unknown[]) => this.get().then((part) => (part[name as keyof T] as (...a: unknown[]) => unknown).apply(part, args)))
    })
  }

  get(): Promise<T> {
    return (this.loading ??= this.load())
  }

  /** The part once something has asked for it; null while unused (closing what was never opened loads nothing). */
  started(): Promise<T> | null {
    return this.loading
  }
}

/** Events core/ raises for the transports to forward (IPC, the e2e harness). */
class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>()
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const set = this.listeners.get(event) ?? new Set()
    set.add(listener as Listener<never>)
    this.listeners.set(event, set)
    return () => set.delete(listener as Listener<never>)
  }
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as Listener<Events[K]>)(payload)
  }
}

/** Everything core/ offers, wired once per process (app, harness, CLI). */
export class Services {
  readonly dataDir: string
  readonly environments: EnvironmentStore
  readonly settings: SettingsStore
  readonly traffic: TrafficLog
  /** HAR files opened as read-only sessions. */
  readonly trafficSessions = new TrafficSessions()
  /** Done removing what a run that ended abruptly left: temporary files of interrupted writes, spilled bodies. */
  readonly swept: Promise<void>
  readonly executor: RequestExecutor
  readonly log: Logger
  readonly auth: AuthService
  readonly schema: SchemaService
  /** Loaded on first use, as are history and tabs (see Part). */
  readonly collections: Deferred<CollectionStore>
  readonly history: Deferred<HistoryStore>
  readonly tabs: Deferred<TabsStore>
  readonly events = new Emitter<{ 'auth.progress': SignInProgress; 'auth.changed': { environmentId: string }; 'schema.changed': { environmentId: string }; 'collection.changed': CollectionChange; 'history.added': { entry: HistorySummary } }>()
  private readonly inFlight = new Map<string, AbortController>()
  private sandbox: SandboxPort | null = null
  private readonly kept: Promise<KeptTraffic> | null
  private readonly keptRestored: Promise<void>
  private readonly collectionsPart: Part<CollectionStore>
  private readonly historyPart: Part<HistoryStore>

  constructor(private readonly options: ServiceOptions) {
    this.dataDir = options.dataDir
    this.log = options.log ?? { error: (m, e) => console.error(m, e) }
    this.environments = new EnvironmentStore(options.dataDir, options.secretBox)
    this.settings = new SettingsStore(options.dataDir)
    this.swept = Promise.all([sweepTempFiles(options.dataDir), sweepSpills(join(options.dataDir, 'capture'))]).then(() => undefined)
    this.traffic = new TrafficLog({ spillDir: join(options.dataDir, 'capture'), onError: (e) => this.log.error('A large captured body could not be kept on disk', e) })
    void this.settings.get().then((settings) => this.applyTrafficLimits(settings), () => undefined)
    this.kept = options.keepTraffic ? loadLazily(() => import('./capture/keptTraffic'), 'capture/keptTraffic').then(({ KeptTraffic }) => new KeptTraffic(join(options.dataDir, 'traffic-kept.enc'), options.secretBox, options.appVersion)) : null
    this.keptRestored = this.kept
      ? Promise.all([this.kept, this.settings.get()]).then(
          async ([kept, settings]) => void (settings.trafficKeep ? await kept.restore(this.traffic) : await kept.forget()),
          (e: unknown) => this.log.error('The kept traffic log could not be read', e)
        )
      : Promise.resolve()
    this.executor = new RequestExecutor(this.traffic)
    this.auth = new AuthService({
      environments: this.environments,
      dataDir: options.dataDir,
      secretBox: options.secretBox,
      executor: this.executor,
      traffic: this.traffic,
      target: (id) => this.target(id),
      requestTimeoutMs: async () => (await this.settings.get()).requestTimeoutMs,
      openBrowser: options.openBrowser ?? (async (url) => {
        throw new AppError('not_supported', `Open this URL in a browser to sign in: ${url}`)
      }),
      embeddedSignIn: options.embeddedSignIn ?? null,
      onProgress: (p) => this.events.emit('auth.progress', p),
      onChanged: (environmentId) => this.events.emit('auth.changed', { environmentId }),
      ...(options.interactiveTimeoutMs ? { interactiveTimeoutMs: options.interactiveTimeoutMs } : {})
    })
    this.schema = new SchemaService({
      dataDir: options.dataDir,
      send: (environmentId, spec) => this.sendRequest(`schema-${randomUUID()}`, environmentId, spec, undefined, undefined, { history: false }),
      orgUrl: async (environmentId) => (await this.environments.getStored(environmentId)).orgUrl,
      signedIn: async (environmentId) => (await this.auth.status(environmentId)) !== null,
      onChanged: (environmentId) => this.events.emit('schema.changed', { environmentId }),
      log: (message, error) => this.log.error(message, error)
    })
    this.collectionsPart = new Part(async () => {
      const { CollectionStore } = await loadLazily(() => import('./collections/store'), 'collections/store')
      return new CollectionStore({
        dataDir: options.dataDir,
        watch: options.watchCollections ?? false,
        trash: options.trash ?? 'os',
        onChange: (change) => this.events.emit('collection.changed', change),
        log: (message, error) => this.log.error(message, error)
      })
    })
    this.collections = this.collectionsPart.methods
    this.tabs = new Part(async () => new (await loadLazily(() => import('./collections/tabs'), 'collections/tabs')).TabsStore(options.dataDir, options.secretBox)).methods
    this.historyPart = new Part(async () => {
      const { HistoryStore } = await loadLazily(() => import('./history/history'), 'history/history')
      return new HistoryStore({
        file: join(options.dataDir, 'history.jsonl'),
        ...(options.historyCapBytes ? { capBytes: options.historyCapBytes } : {}),
        onAdded: (entry) => this.events.emit('history.added', { entry }),
        log: (message, error) => this.log.error(message, error)
      })
    })
    this.history = this.historyPart.methods
  }

  async pickFolder(title: string): Promise<string | null> {
    if (!this.options.pickFolder) throw new AppError('not_supported', 'There is no folder picker here: type or paste the folder\'s path.')
    return this.options.pickFolder(title)
  }

  appInfo(): AppInfo {
    return {
      name: 'OrgBench',
      version: this.options.appVersion,
      dataDir: this.dataDir,
      secretStorage: { kind: this.options.secretBox.kind, description: this.options.secretBox.description },
      platform: process.platform
    }
  }

  async listEnvironments(): Promise<EnvironmentList> {
    const { environments, problems } = await this.environments.list()
    const settings = await this.settings.get()
    const all: StoreProblem[] = this.settings.problem ? [this.settings.problem, ...problems] : problems
    const activeId = environments.some((e) => e.id === settings.activeEnvironmentId) ? settings.activeEnvironmentId : null
    return { environments, activeId, problems: all }
  }

  /** The Sandbox starts after the stores exist (it creates its environment in them), so it is attached later. */
  setSandboxLimits(limits: SandboxLimits | null): SandboxLimits | null {
    if (!this.sandbox?.info()) throw new AppError('not_found', 'The Sandbox org is not running.')
    if (!this.sandbox.setLimits) throw new AppError('not_supported', 'This Sandbox cannot be given limits.')
    return this.sandbox.setLimits(limits)
  }

  attachSandbox(sandbox: SandboxPort): void {
    this.sandbox = sandbox
  }

  async sandboxInfo(): Promise<{ sandbox: SandboxInfo | null; environmentId: string | null }> {
    const sandbox = this.sandbox?.info() ?? null
    const { environments } = await this.environments.list()
    return { sandbox, environmentId: sandbox ? (environments.find((e) => e.name === SANDBOX_ENVIRONMENT_NAME)?.id ?? null) : null }
  }

  resetSandbox(): boolean {
    if (!this.sandbox) return false
    this.sandbox.reset()
    return true
  }

  dismissProblem(file: string): StoreProblem[] {
    if (this.settings.problem?.file === file) this.settings.problem = null
    const rest = this.environments.dismissProblem(file)
    return this.settings.problem ? [this.settings.problem, ...rest] : rest
  }

  /** Variables, trust and names for sending in an environment (or in none); a collection's variables rank below the environment's. */
  async target(environmentId: string | null, collectionDir?: string | null): Promise<SendTarget> {
    const collection = collectionDir ? await this.collections.variables(collectionDir) : new Map<string, string>()
    if (environmentId === null) return { environmentId: null, environmentName: null, caCertificatePem: '', variables: collection }
    const env = await this.environments.getStored(environmentId)
    const builtins = new Map<string, string>([
      [BUILTIN_VARIABLES[0], env.orgUrl],
      [BUILTIN_VARIABLES[1], env.orgUrl + WEB_API_PATH]
    ])
    const variables = new Map([...collection, ...builtins, ...(await this.environments.resolveVariables(environmentId))])
    return { environmentId: env.id, environmentName: env.name, caCertificatePem: env.caCertificatePem, variables }
  }

  /**
   * Send a request. With `inherit`, the environment's token is attached (refreshed when it has under five
   * minutes left) unless the request has its own Authorization header; a 401 refreshes it once and retries.
   */
  async sendRequest(requestId: string, environmentId: string | null, spec: RequestSpec, auth: RequestAuth = { mode: 'inherit' }, limits: { timeoutMs?: number; maxResponseBytes?: number } = {}, origin: SendOrigin = {}): Promise<ResponseView> {
    if (origin.history === false) return this.sendOnce(requestId, environmentId, spec, auth, limits, origin)
    const [{ recordedSend }, history] = await Promise.all([loadLazily(() => import('./history/record'), 'history/record'), this.historyPart.get()])
    const deps = { history, traffic: this.traffic, environments: this.environments, target: () => this.target(environmentId, origin.collection?.dir), log: (m: string, e?: unknown) => this.log.error(m, e) }
    return recordedSend(deps, spec, auth, origin, () => this.sendOnce(requestId, environmentId, spec, auth, limits, origin))
  }

  private async sendOnce(requestId: string, environmentId: string | null, spec: RequestSpec, auth: RequestAuth, limits: { timeoutMs?: number; maxResponseBytes?: number }, origin: SendOrigin): Promise<ResponseView> {
    if (this.inFlight.has(requestId)) throw new AppError('conflict', 'This request is already being sent.')
    const controller = new AbortController()
    this.inFlight.set(requestId, controller)
    try {
      const [target, settings] = await Promise.all([this.target(environmentId, origin.collection?.dir), this.settings.get()])
      const options = { timeoutMs: limits.timeoutMs ?? settings.requestTimeoutMs, maxResponseBytes: limits.maxResponseBytes ?? settings.maxResponseBytes, signal: controller.signal }
      const parsed = RequestSpec.parse(spec)
      const hasOwnAuthorization = parsed.headers.some((h) => h.enabled && h.key.trim().toLowerCase() === 'authorization')
      const withToken = (token: string) => ({ ...parsed, headers: [...parsed.headers, { key: 'Authorization', value: `Bearer ${token}`, enabled: true }] })
      if (auth.mode === 'bearer' && !hasOwnAuthorization) return await this.executor.send(withToken(auth.token.replace(/^Bearer\s+/i, '')), target, options)
      const env = environmentId !== null ? await this.environments.getStored(environmentId) : null
      // The org's token goes only to the org: never to the authority, a proxy, or any other host in the URL.
      const inherit = auth.mode === 'inherit' && !hasOwnAuthorization && env !== null && env.auth.grant !== 'none' && this.isOrgUrl(parsed.url, target, env.orgUrl)
      if (!inherit || environmentId === null) return await this.executor.send(parsed, target, options)
      const token = await this.auth.accessToken(environmentId)
      const first = await this.executor.send(withToken(token), target, options)
      if (first.status !== 401) return first
      const fresh = await this.auth.accessToken(environmentId, { forceRefresh: true }).catch(() => null)
      return fresh ? await this.executor.send(withToken(fresh), target, options) : first
    } finally {
      this.inFlight.delete(requestId)
    }
  }

  /** The org's API (Web API, Search, the SOAP endpoint): the only place its bearer token belongs. */
  private isOrgUrl(url: string, target: SendTarget, orgUrl: string): boolean {
    try {
      const u = new URL(substituteVariables(url, target.variables).text.trim())
      return u.origin === new URL(orgUrl).origin && /^\/(api|XRMServices)\//i.test(u.pathname)
    } catch {
      return false
    }
  }

  cancelRequest(requestId: string): boolean {
    const controller = this.inFlight.get(requestId)
    if (!controller) return false
    controller.abort()
    return true
  }

  /** The traffic log's retention rule from the settings (at start and whenever they change). */
  applyTrafficLimits(settings: Settings): void {
    this.traffic.setLimits({ maxEntries: settings.trafficMaxEntries, maxBytes: settings.trafficMemoryMb * 1024 * 1024 })
  }

  async close(): Promise<void> {
    for (const c of this.inFlight.values()) c.abort()
    this.traffic.flush()
    if (this.kept) {
      try {
        await this.keptRestored
        const kept = await this.kept
        if ((await this.settings.get()).trafficKeep) await kept.save(this.traffic)
        else await kept.forget()
      } catch (e) {
        this.log.error('The traffic log could not be kept for the next start', e)
      }
    }
    await this.executor.close()
    await Promise.all([this.traffic.close(), this.swept, this.collectionsPart.started()?.then((c) => c.dispose())])
  }
}

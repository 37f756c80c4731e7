/**
 * The one contract between the renderer and main (and the e2e harness, and the CLI's view of core/):
 * every method with its input and output schema, every event with its payload schema.
 * Types are inferred from the schemas; nothing else declares them.
 */
import { z } from 'zod'
import { DecodedToken, SignInProgress, TokenView } from './auth'
import { CodeTarget, CollectionChange, CollectionDir, CollectionSummary, CollectionTree, CollectionVariable, DeleteResult, GeneratedCode, HistoryEntry, HistorySummary, ImportFormat, ImportResult, ItemPath, SavedRequest, SearchHit, TabsState } from './collections'
import { CreateFromDiscovery, DiscoveryResult } from './discovery'
import { DoctorReport } from './doctor'
import { EnvironmentInput, EnvironmentView, OrgUrl, StoreProblem } from './environment'
import { RequestSpec, ResponseView } from './http'
import { SandboxInfo, SandboxLimits } from './sandbox'
import { PackedSchema, SchemaInfo } from './schema'
import { Settings, SettingsPatch } from './settings'
import { EntrySummary, TrafficEntry, TrafficQuery, SignInSequence } from './traffic'

const id = z.string().min(1).max(100)
const empty = z.object({}).strict()

export const EnvironmentList = z.object({
  environments: z.array(EnvironmentView),
  activeId: z.string().nullable(),
  problems: z.array(StoreProblem)
})
export type EnvironmentList = z.infer<typeof EnvironmentList>

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  dataDir: z.string(),
  secretStorage: z.object({ kind: z.enum(['os', 'key-file']), description: z.string() }),
  platform: z.string()
})
export type AppInfo = z.infer<typeof AppInfo>

export const methods = {
  'app.info': { input: empty, output: AppInfo },
  /** The OS folder picker (the desktop app only; elsewhere `not_supported`, and the path is typed). null: cancelled. */
  'app.pickFolder': { input: z.object({ title: z.string().trim().max(200).default('Choose a folder') }), output: z.object({ dir: z.string().nullable() }) },
  'settings.get': { input: empty, output: Settings },
  'settings.update': { input: SettingsPatch, output: Settings },

  'env.list': { input: empty, output: EnvironmentList },
  'env.create': { input: EnvironmentInput, output: EnvironmentView },
  'env.update': { input: z.object({ id, environment: EnvironmentInput }), output: EnvironmentView },
  'env.duplicate': { input: z.object({ id }), output: EnvironmentView },
  'env.delete': { input: z.object({ id }), output: z.object({ deleted: z.boolean() }) },
  'env.setActive': { input: z.object({ id: id.nullable() }), output: z.object({ activeId: z.string().nullable() }) },
  'env.revealSecret': {
    input: z.object({ id, variable: z.string().max(100) }),
    output: z.object({ value: z.string() })
  },
  'env.dismissProblem': { input: z.object({ file: z.string().max(4096) }), output: z.object({ problems: z.array(StoreProblem) }) },
  /** Sign in to the environment's cloud's Global Discovery Service with its profile; the user's orgs. */
  'discovery.list': { input: z.object({ environmentId: id }), output: DiscoveryResult },
  /** Environments for the orgs picked, with the listing environment's cloud, authority and sign-in profile. */
  'discovery.create': { input: CreateFromDiscovery, output: z.object({ created: z.array(EnvironmentView), skipped: z.array(z.string()) }) },

  'request.send': {
    input: z.object({
      requestId: id,
      environmentId: id.nullable(),
      request: RequestSpec,
      /** inherit: the environment's token (refreshed on expiry, one retry on 401); none; bearer: the token given. */
      auth: z.discriminatedUnion('mode', [z.object({ mode: z.literal('inherit') }), z.object({ mode: z.literal('none') }), z.object({ mode: z.literal('bearer'), token: z.string().max(64 * 1024) })]).default({ mode: 'inherit' }),
      /** The collection file it was opened from: its collection's variables apply (below the environment's), and the history says where it came from. */
      collection: z.object({ dir: CollectionDir, path: ItemPath }).nullable().default(null),
      /** The tab's name, for the history. */
      name: z.string().max(200).default('')
    }),
    output: ResponseView
  },
  'request.cancel': { input: z.object({ requestId: id }), output: z.object({ cancelled: z.boolean() }) },

  'auth.signIn': { input: z.object({ environmentId: id, signInId: id }), output: TokenView },
  'auth.cancel': { input: z.object({ signInId: id }), output: z.object({ cancelled: z.boolean() }) },
  'auth.status': { input: z.object({ environmentId: id }), output: z.object({ token: TokenView.nullable() }) },
  'auth.signOut': { input: z.object({ environmentId: id }), output: z.object({ signedOut: z.boolean() }) },
  /** The raw access token: only when the user asks to copy it. */
  'auth.accessToken': { input: z.object({ environmentId: id }), output: z.object({ accessToken: z.string() }) },
  'auth.decode': { input: z.object({ token: z.string().max(64 * 1024), orgUrl: z.string().max(2048).optional() }), output: DecodedToken },
  'auth.importPfx': {
    input: z.object({ pfxBase64: z.string().max(2 * 1024 * 1024), password: z.string().max(1024) }),
    output: z.object({ certificatePem: z.string(), privateKeyPem: z.string(), thumbprint: z.string() })
  },
  'auth.discoverTenant': {
    input: z.object({ orgUrl: OrgUrl, caCertificatePem: z.string().max(256 * 1024).default('') }),
    output: z.object({ tenantId: z.string(), authorityHost: z.string(), authorizationUri: z.string() })
  },

  /** The auth doctor: the usual sign-in mistakes checked in order (its requests are in the traffic log). */
  'doctor.run': { input: z.object({ environmentId: id }), output: DoctorReport },
  'sandbox.info': { input: empty, output: z.object({ sandbox: SandboxInfo.nullable(), environmentId: z.string().nullable() }) },
  'sandbox.reset': { input: empty, output: z.object({ reset: z.boolean() }) },
  /** Makes the Sandbox enforce service protection limits (null: none); answers the limits now in force. */
  'sandbox.setLimits': { input: z.object({ limits: SandboxLimits.nullable() }), output: z.object({ limits: SandboxLimits.nullable() }) },

  /** The org's schema index (cached per environment; `refresh` downloads $metadata again). */
  'schema.get': {
    /** signIn: false (the app loading it by itself) never starts a sign-in or a request for an environment with no token. */
    input: z.object({ environmentId: id, refresh: z.boolean().default(false), signIn: z.boolean().default(false) }),
    output: z.object({ info: SchemaInfo, schema: PackedSchema })
  },

  /** `sessionId`: an imported HAR session's entries instead of the live log's. */
  'traffic.list': { input: z.object({ sessionId: id.optional() }).strict(), output: z.object({ entries: z.array(EntrySummary) }) },
  /** `whole`: large bodies read back whole (decrypted) from disk instead of their first part. */
  'traffic.get': { input: z.object({ id, reveal: z.boolean().default(false), whole: z.boolean().default(false), sessionId: id.optional() }), output: TrafficEntry },
  'traffic.clear': { input: empty, output: z.object({ cleared: z.number() }) },
  /** A sign-in's legs in order (app, browser, authority, loopback, token endpoint, org) with timings, and the checks: PKCE, state, nonce, audience, issuer. */
  'traffic.signIn': { input: z.object({ signInId: id, sessionId: id.optional() }), output: SignInSequence },
  /** Sends a recorded exchange again as it was (a fresh token for an environment's request); the answer is a new entry. */
  'traffic.replay': { input: z.object({ id, sessionId: id.optional(), requestId: id }), output: ResponseView },
  /** Every JWT in an entry (Authorization header, token responses, forms, URLs), decoded; the tokens themselves never cross. `orgUrl`: the entry's environment's, for the audience check. */
  'traffic.tokens': {
    input: z.object({ id, sessionId: id.optional() }),
    output: z.object({ orgUrl: z.string().nullable(), tokens: z.array(z.object({ where: z.string(), decoded: DecodedToken, audienceMatches: z.boolean().nullable() })) })
  },
  /** HAR 1.2 of the given entries (all when `ids` is absent), bodies whole; secrets masked unless `reveal` (the UI warns first). */
  'traffic.exportHar': {
    input: z.object({ ids: z.array(id).max(1_000_000).optional(), sessionId: id.optional(), reveal: z.boolean().default(false) }),
    output: z.object({ text: z.string(), fileName: z.string(), count: z.number(), masked: z.boolean() })
  },
  /** A HAR file (Chrome, Edge, Firefox, Fiddler, Charles, OrgBench) opened as a read-only session of its own. */
  'traffic.importHar': {
    input: z.object({ text: z.string().min(1).max(512 * 1024 * 1024), name: z.string().trim().max(200).default('') }),
    output: z.object({ sessionId: z.string(), name: z.string(), count: z.number(), creator: z.string(), warnings: z.array(z.string()) })
  },
  'traffic.closeSession': { input: z.object({ sessionId: id }), output: z.object({ closed: z.boolean() }) },
  /** The ids of the entries matching each query (case-insensitive), for the filter language's `header:` and `body:`. */
  'traffic.search': { input: z.object({ queries: z.array(TrafficQuery).min(1).max(20), sessionId: id.optional() }), output: z.object({ ids: z.array(z.array(z.string())) }) },

  /** The collections the user opened (remembered across restarts). */
  'collection.list': { input: empty, output: z.object({ collections: z.array(CollectionSummary) }) },
  /** Makes a folder a collection (created when missing) and opens it. */
  'collection.create': { input: z.object({ dir: CollectionDir, name: z.string().trim().max(200).default('') }), output: CollectionTree },
  'collection.open': { input: z.object({ dir: CollectionDir }), output: CollectionTree },
  /** Forgets a collection (its folder stays as it is). */
  'collection.close': { input: z.object({ dir: CollectionDir }), output: z.object({ closed: z.boolean() }) },
  'collection.tree': { input: z.object({ dir: CollectionDir }), output: CollectionTree },
  /** The collection's name and variables (written to its orgbench-collection.yaml). */
  'collection.update': { input: z.object({ dir: CollectionDir, name: z.string().trim().min(1).max(200).optional(), variables: z.array(CollectionVariable).max(500).optional() }), output: CollectionTree },
  /** A request file; `hash` is what a later save passes as `baseHash`. */
  'collection.read': { input: z.object({ dir: CollectionDir, path: ItemPath }), output: z.object({ request: SavedRequest, hash: z.string(), migratedFrom: z.number().nullable() }) },
  /** Saves to `path`; fails with `conflict` (detail: disk and yours) when the file changed since it was read with `baseHash`; null creates it. */
  'collection.save': { input: z.object({ dir: CollectionDir, path: ItemPath, request: SavedRequest, baseHash: z.string().max(100).nullable() }), output: z.object({ path: ItemPath, hash: z.string() }) },
  /** Save as: a new file in `folder`, named after the request. */
  'collection.add': { input: z.object({ dir: CollectionDir, folder: ItemPath.default(''), request: SavedRequest }), output: z.object({ path: ItemPath, hash: z.string() }) },
  'collection.newFolder': { input: z.object({ dir: CollectionDir, parent: ItemPath.default(''), name: z.string().trim().min(1).max(200) }), output: z.object({ path: ItemPath }) },
  'collection.rename': { input: z.object({ dir: CollectionDir, path: ItemPath, name: z.string().trim().min(1).max(200) }), output: z.object({ path: ItemPath }) },
  /** Into `toFolder`; with `index`, at that place of the folder's order (drag and drop). */
  'collection.move': { input: z.object({ dir: CollectionDir, path: ItemPath, toFolder: ItemPath, index: z.number().int().min(0).optional() }), output: z.object({ path: ItemPath }) },
  'collection.duplicate': { input: z.object({ dir: CollectionDir, path: ItemPath }), output: z.object({ path: ItemPath }) },
  /** To the OS trash, else the collection's .trash folder (then `undoToken` undoes it). */
  'collection.delete': { input: z.object({ dir: CollectionDir, path: ItemPath }), output: DeleteResult },
  'collection.undoDelete': { input: z.object({ dir: CollectionDir, token: z.string().min(1).max(200) }), output: z.object({ path: ItemPath }) },
  /** Requests by name, method and URL across the open collections (or one). */
  'collection.search': { input: z.object({ query: z.string().max(500), dir: CollectionDir.optional(), limit: z.number().int().min(1).max(1000).default(50) }), output: z.object({ hits: z.array(SearchHit) }) },
  /** A Postman v2.1 collection (or a curl command) into a new or empty folder, opened afterwards. */
  'collection.import': { input: z.object({ format: ImportFormat, text: z.string().max(50 * 1024 * 1024), dir: CollectionDir }), output: ImportResult },
  'collection.export': { input: z.object({ dir: CollectionDir, format: z.literal('postman') }), output: z.object({ text: z.string(), fileName: z.string(), warnings: z.array(z.string()) }) },

  /** A pasted curl command (bash, PowerShell or cmd quoting) as a request. */
  'request.fromCurl': { input: z.object({ command: z.string().min(1).max(1024 * 1024) }), output: z.object({ request: SavedRequest, warnings: z.array(z.string()) }) },
  /** Code for a request; secret variables and the token stay references (TOKEN…) unless `inlineSecrets`. */
  'request.code': {
    input: z.object({ request: SavedRequest, target: CodeTarget, environmentId: id.nullable(), collectionDir: CollectionDir.optional(), inlineSecrets: z.boolean().default(false) }),
    output: GeneratedCode
  },
  /** An environment as the portable JSON `orgbench env export` writes; secrets only when asked (then the file holds them in plain text). */
  'env.exportFile': { input: z.object({ id, includeSecrets: z.boolean().default(false) }), output: z.object({ text: z.string(), fileName: z.string() }) },
  /** An environment file (`orgbench env export`, or exported here) in: created, or the same-named one replaced. */
  'env.importFile': { input: z.object({ text: z.string().min(1).max(10 * 1024 * 1024) }), output: z.object({ environment: EnvironmentView, replaced: z.boolean() }) },
  /** A Postman environment file as an environment to review and create (env.create); `orgUrl` when the file has none. */
  'env.fromPostman': { input: z.object({ text: z.string().max(10 * 1024 * 1024), orgUrl: z.string().max(2048).optional() }), output: z.object({ environment: EnvironmentInput, warnings: z.array(z.string()) }) },

  /** Sends, newest first; every word of `query` in the URL, method, name, status or environment. */
  'history.list': { input: z.object({ query: z.string().max(500).default(''), limit: z.number().int().min(1).max(5000).default(200), offset: z.number().int().min(0).default(0) }), output: z.object({ entries: z.array(HistorySummary), total: z.number() }) },
  'history.get': { input: z.object({ id }), output: HistoryEntry },
  'history.clear': { input: empty, output: z.object({ cleared: z.number() }) },

  /** The open tabs and their drafts as last saved (null on first start); `problem` when they could not be restored. */
  'tabs.load': { input: empty, output: z.object({ state: TabsState.nullable(), problem: z.string().nullable() }) },
  /** Keeps the open tabs for the next start (tabs.json; encrypted when a draft holds a literal credential). */
  'tabs.save': { input: TabsState, output: z.object({ encrypted: z.boolean() }) }
} as const

export const events = {
  /** New traffic entries, batched; `oldestSeq`: main no longer keeps entries older than it (the retention rule), so neither does the renderer. */
  'traffic.added': z.object({ entries: z.array(EntrySummary), oldestSeq: z.number().int().optional() }),
  'traffic.cleared': z.object({}),
  /** Where a sign-in is: the browser was opened, the device code to enter, done. */
  'auth.progress': SignInProgress,
  /** An environment's token changed (signed in, refreshed, signed out). */
  'auth.changed': z.object({ environmentId: z.string() }),
  /** An environment's cached schema was found out of date and replaced: fetch it again. */
  'schema.changed': z.object({ environmentId: z.string() }),
  /** Environments changed outside the renderer's own calls (CLI, another window, a corrupt file found). */
  'env.changed': z.object({}),
  /** Files of an open collection changed on disk (another editor, a git pull) or were found invalid. */
  'collection.changed': CollectionChange,
  /** A send was recorded in the history. */
  'history.added': z.object({ entry: HistorySummary })
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>
export type EventName = keyof typeof events
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name)
}

export { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type OrgbenchBridge } from './channels'

/**
 * The one contract between the renderer and main (and the e2e harness, and the CLI's view of core/):
 * every method with its input and output schema, every event with its payload schema.
 * Types are inferred from the schemas; nothing else declares them.
 */
import { z } from 'zod'
import { DecodedToken, SignInProgress, TokenView } from './auth'
import { EnvironmentInput, EnvironmentView, OrgUrl, StoreProblem } from './environment'
import { RequestSpec, ResponseView } from './http'
import { SandboxInfo } from './sandbox'
import { PackedSchema, SchemaInfo } from './schema'
import { Settings, SettingsPatch } from './settings'
import { EntrySummary, TrafficEntry } from './traffic'

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

  'request.send': {
    input: z.object({
      requestId: id,
      environmentId: id.nullable(),
      request: RequestSpec,
      /** inherit: the environment's token (refreshed on expiry, one retry on 401); none; bearer: the token given. */
      auth: z.discriminatedUnion('mode', [z.object({ mode: z.literal('inherit') }), z.object({ mode: z.literal('none') }), z.object({ mode: z.literal('bearer'), token: z.string().max(64 * 1024) })]).default({ mode: 'inherit' })
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

  'sandbox.info': { input: empty, output: z.object({ sandbox: SandboxInfo.nullable(), environmentId: z.string().nullable() }) },
  'sandbox.reset': { input: empty, output: z.object({ reset: z.boolean() }) },

  /** The org's schema index (cached per environment; `refresh` downloads $metadata again). */
  'schema.get': { input: z.object({ environmentId: id, refresh: z.boolean().default(false) }), output: z.object({ info: SchemaInfo, schema: PackedSchema }) },

  'traffic.list': { input: empty, output: z.object({ entries: z.array(EntrySummary) }) },
  /** `whole`: large bodies read back whole (decrypted) from disk instead of their first part. */
  'traffic.get': { input: z.object({ id, reveal: z.boolean().default(false), whole: z.boolean().default(false) }), output: TrafficEntry },
  'traffic.clear': { input: empty, output: z.object({ cleared: z.number() }) }
} as const

export const events = {
  /** New traffic entries, batched. */
  'traffic.added': z.object({ entries: z.array(EntrySummary) }),
  'traffic.cleared': z.object({}),
  /** Where a sign-in is: the browser was opened, the device code to enter, done. */
  'auth.progress': SignInProgress,
  /** An environment's token changed (signed in, refreshed, signed out). */
  'auth.changed': z.object({ environmentId: z.string() }),
  /** An environment's cached schema was found out of date and replaced: fetch it again. */
  'schema.changed': z.object({ environmentId: z.string() }),
  /** Environments changed outside the renderer's own calls (CLI, another window, a corrupt file found). */
  'env.changed': z.object({})
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

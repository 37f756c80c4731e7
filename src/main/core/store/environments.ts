import { randomUUID } from 'node:crypto'
import { promises as fs, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import {
  AuthProfile,
  ENVIRONMENT_SCHEMA_VERSION,
  EnvironmentInput,
  PROFILE_SECRET_FIELDS,
  ResolvedAuthProfile,
  authProfileSchema,
  type EnvironmentData,
  type EnvironmentView,
  type SecretField,
  type StoreProblem,
  Cloud,
  EnvColor
} from '../../../shared/environment'
import { AppError } from '../../../shared/errors'
import type { SecretBox } from '../ports'
import { formatJson, readJsonValidated, writeFileAtomic, type ReadResult } from './files'

const Encrypted = z.object({ encrypted: z.string() }).nullable().default(null)
type Encrypted = z.infer<typeof Encrypted>

const StoredVariable = z.object({
  key: z.string(),
  enabled: z.boolean().default(true),
  secret: z.boolean().default(false),
  value: z.string().default(''),
  encrypted: z.string().optional()
})

/** The file on disk: `environments/<id>.json`. Secret values only ever as ciphertext. */
export const StoredEnvironment = z.object({
  schemaVersion: z.literal(ENVIRONMENT_SCHEMA_VERSION),
  id: z.string().min(1),
  name: z.string().min(1),
  orgUrl: z.string(),
  cloud: Cloud,
  authorityUrl: z.string().default(''),
  tenant: z.string().default(''),
  auth: authProfileSchema(Encrypted),
  variables: z.array(StoredVariable).default([]),
  caCertificatePem: z.string().default(''),
  color: EnvColor.default('slate'),
  label: z.string().default(''),
  group: z.string().default(''),
  discoveryUrl: z.string().default(''),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type StoredEnvironment = z.infer<typeof StoredEnvironment>

/** The portable format of `orgbench env export` / `import`: secrets in plain text, or null when left out. Built on first use. */
export const PortableEnvironment = z.lazy(() =>
  z.object({
    orgbench: z.literal('environment'),
    schemaVersion: z.literal(ENVIRONMENT_SCHEMA_VERSION),
    name: z.string(),
    orgUrl: z.string(),
    cloud: Cloud.default('public'),
    authorityUrl: z.string().default(''),
    tenant: z.string().default(''),
    auth: z.lazy(() => authProfileSchema(z.string().nullable().default(null))).default({ grant: 'none' }),
    variables: z
      .array(
        z.object({
          key: z.string(),
          value: z.string().nullable().default(''),
          secret: z.boolean().default(false),
          enabled: z.boolean().default(true)
        })
      )
      .default([]),
    caCertificatePem: z.string().default(''),
    color: EnvColor.default('slate'),
    label: z.string().default(''),
    group: z.string().default(''),
    discoveryUrl: z.string().default('')
  })
)
export type PortableEnvironment = z.infer<typeof PortableEnvironment>

type Listener = () => void

export class EnvironmentStore {
  private readonly dir: string
  private cache: Map<string, StoredEnvironment> | null = null
  /** The sorted list as `list()` answers it, kept until something changes (the window asks for it several times at start). */
  private views: EnvironmentView[] | null = null
  private loading: Promise<Map<string, StoredEnvironment>> | null = null
  private problems: StoreProblem[] = []
  private queue: Promise<unknown> = Promise.resolve()
  private readonly listeners = new Set<Listener>()
  /** Decrypted variables per environment, valid while its updatedAt is unchanged (every request needs them). */
  private readonly resolved = new Map<string, { updatedAt: string; values: Map<string, string> }>()

  constructor(
    dataDir: string,
    private readonly secrets: SecretBox
  ) {
    this.dir = join(dataDir, 'environments')
  }

  onChanged(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Reads every environment file once; corrupt ones are moved aside and listed in `problems`. */
  private load(): Promise<Map<string, StoredEnvironment>> {
    if (this.cache) return Promise.resolve(this.cache)
    // Calls that arrive together share one read: two readers would each report (and try to move) a corrupt file.
    this.loading ??= this.readAll().finally(() => (this.loading = null))
    return this.loading
  }

  private async readAll(): Promise<Map<string, StoredEnvironment>> {
    const map = new Map<string, StoredEnvironment>()
    await fs.mkdir(this.dir, { recursive: true })
    const names = (await fs.readdir(this.dir)).filter((n) => n.endsWith('.json') && !n.includes('.corrupt-')).sort()
    for (const name of names) {
      const file = join(this.dir, name)
      const result = readValidFile(file) ?? (await readJsonValidated(file, StoredEnvironment))
      if (result.status === 'ok') {
        if (result.value.id !== name.replace(/\.json$/, '')) {
          this.problems.push({ file, movedTo: null, reason: `its id "${result.value.id}" does not match the file name; it was loaded under its file name`, at: new Date().toISOString() })
          result.value.id = name.replace(/\.json$/, '')
        }
        map.set(result.value.id, result.value)
      } else if (result.status === 'corrupt') {
        this.problems.push({ file, movedTo: result.movedTo, reason: result.reason, at: new Date().toISOString() })
      }
    }
    this.cache = map
    return map
  }

  /** Forget what was read, so the next call reads the files again (another process may have changed them). */
  invalidate(): void {
    this.cache = null
    this.views = null
    this.resolved.clear()
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }

  private emit(): void {
    for (const listener of this.listeners) listener()
  }

  async list(): Promise<{ environments: EnvironmentView[]; problems: StoreProblem[] }> {
    const map = await this.load()
    this.views ??= [...map.values()].sort((a, b) => a.name.localeCompare(b.name) || a.createdAt.localeCompare(b.createdAt)).map(toView)
    return { environments: [...this.views], problems: [...this.problems] }
  }

  dismissProblem(file: string): StoreProblem[] {
    this.problems = this.problems.filter((p) => p.file !== file)
    return [...this.problems]
  }

  async getStored(id: string): Promise<StoredEnvironment> {
    const env = (await this.load()).get(id)
    if (!env) throw new AppError('not_found', `No environment with id ${id}. It may have been deleted.`)
    return env
  }

  async get(id: string): Promise<EnvironmentView> {
    return toView(await this.getStored(id))
  }

  /** Find by id, or by name (case-insensitive), as the CLI does. */
  async find(idOrName: string): Promise<StoredEnvironment> {
    const map = await this.load()
    const byId = map.get(idOrName)
    if (byId) return byId
    const matches = [...map.values()].filter((e) => e.name.toLowerCase() === idOrName.toLowerCase())
    if (matches.length === 1) return matches[0]!
    if (matches.length > 1) throw new AppError('conflict', `${matches.length} environments are named "${idOrName}": use the id (${matches.map((m) => m.id).join(', ')}).`)
    const names = [...map.values()].map((e) => e.name)
    throw new AppError('not_found', `No environment named "${idOrName}".` + (names.length ? ` Known: ${names.join(', ')}.` : ' There are no environments yet.'))
  }

  async create(input: unknown): Promise<EnvironmentView> {
    const data = parseInput(input)
    return this.serialized(async () => {
      const map = await this.load()
      const now = new Date().toISOString()
      const stored = this.toStored(data, randomUUID(), now, now, null)
      await this.write(stored)
      map.set(stored.id, stored)
      return toView(stored)
    })
  }

  async update(id: string, input: unknown): Promise<EnvironmentView> {
    const data = parseInput(input)
    return this.serialized(async () => {
      const previous = await this.getStored(id)
      const stored = this.toStored(data, id, previous.createdAt, new Date().toISOString(), previous)
      await this.write(stored)
      ;(await this.load()).set(id, stored)
      return toView(stored)
    })
  }

  duplicate(id: string): Promise<EnvironmentView> {
    return this.serialized(async () => {
      const source = await this.getStored(id)
      const map = await this.load()
      const names = new Set([...map.values()].map((e) => e.name))
      let name = `${source.name} (copy)`
      for (let n = 2; names.has(name); n++) name = `${source.name} (copy ${n})`
      const now = new Date().toISOString()
      const copy: StoredEnvironment = structuredClone({ ...source, id: randomUUID(), name, createdAt: now, updatedAt: now })
      await this.write(copy)
      map.set(copy.id, copy)
      return toView(copy)
    })
  }

  delete(id: string): Promise<boolean> {
    return this.serialized(async () => {
      const map = await this.load()
      if (!map.has(id)) return false
      await fs.rm(this.fileOf(id), { force: true })
      map.delete(id)
      this.views = null
      return true
    })
  }

  /** The decrypted value of a secret variable, for the reveal button. */
  async revealVariable(id: string, key: string): Promise<string> {
    const env = await this.getStored(id)
    const variable = env.variables.find((v) => v.key === key)
    if (!variable) throw new AppError('not_found', `The environment has no variable "${key}".`)
    return variable.secret ? (variable.encrypted ? this.secrets.decrypt(variable.encrypted) : '') : variable.value
  }

  /** The sign-in profile with its secrets decrypted: main uses it to sign in, it never leaves main. */
  async resolveAuth(id: string): Promise<ResolvedAuthProfile> {
    const env = await this.getStored(id)
    return ResolvedAuthProfile.parse(mapSecrets<Encrypted, string>(env.auth, (e) => (e ? this.secrets.decrypt(e.encrypted) : '')))
  }

  /** Enabled variables with secret values decrypted: only main uses this, to substitute `{{name}}`. */
  async resolveVariables(id: string): Promise<Map<string, string>> {
    const env = await this.getStored(id)
    const cached = this.resolved.get(id)
    if (cached && cached.updatedAt === env.updatedAt) return cached.values
    const result = new Map<string, string>()
    for (const v of env.variables) {
      if (!v.enabled) continue
      result.set(v.key, v.secret ? (v.encrypted ? this.secrets.decrypt(v.encrypted) : '') : v.value)
    }
    this.resolved.set(id, { updatedAt: env.updatedAt, values: result })
    return result
  }

  async exportPortable(idOrName: string, includeSecrets: boolean): Promise<PortableEnvironment> {
    const env = await this.find(idOrName)
    const reveal = (e: Encrypted): string | null => (includeSecrets && e ? this.secrets.decrypt(e.encrypted) : null)
    const auth = mapSecrets(env.auth, reveal) as PortableEnvironment['auth']
    return {
      orgbench: 'environment',
      schemaVersion: ENVIRONMENT_SCHEMA_VERSION,
      name: env.name,
      orgUrl: env.orgUrl,
      cloud: env.cloud,
      authorityUrl: env.authorityUrl,
      tenant: env.tenant,
      auth,
      variables: env.variables.map((v) => ({
        key: v.key,
        secret: v.secret,
        enabled: v.enabled,
        value: v.secret ? reveal(v.encrypted ? { encrypted: v.encrypted } : null) : v.value
      })),
      caCertificatePem: env.caCertificatePem,
      color: env.color,
      label: env.label,
      group: env.group,
      discoveryUrl: env.discoveryUrl
    }
  }

  /** Import the portable format; an environment with the same name is replaced, keeping its id. */
  async importPortable(raw: unknown): Promise<{ environment: EnvironmentView; replaced: boolean }> {
    const parsed = PortableEnvironment.safeParse(raw)
    if (!parsed.success) throw invalid(parsed.error, 'This is not an OrgBench environment file')
    const p = parsed.data
    const toField = (value: string | null): SecretField => (value ? { isSet: true, value } : { isSet: false })
    const input = {
      ...p,
      auth: mapSecrets(p.auth, toField),
      variables: p.variables.map((v) => ({ key: v.key, secret: v.secret, enabled: v.enabled, value: v.value ?? '', isSet: v.value !== null && v.value !== '' }))
    }
    const existing = [...(await this.load()).values()].find((e) => e.name.toLowerCase() === p.name.toLowerCase())
    const environment = existing ? await this.update(existing.id, input) : await this.create(input)
    return { environment, replaced: Boolean(existing) }
  }

  private fileOf(id: string): string {
    return join(this.dir, `${id}.json`)
  }

  /** Writes the file, then updates what is cached before anyone is told (a listener may list at once). */
  private async write(env: StoredEnvironment): Promise<void> {
    this.resolved.delete(env.id)
    try {
      await writeFileAtomic(this.fileOf(env.id), formatJson(env))
    } catch (error) {
      throw new AppError('storage_error', `Could not save environment "${env.name}": ${(error as Error).message}`)
    }
    this.cache?.set(env.id, env)
    this.views = null
    this.emit()
  }

  private toStored(data: EnvironmentData, id: string, createdAt: string, updatedAt: string, previous: StoredEnvironment | null): StoredEnvironment {
    const keep = (field: string): Encrypted => {
      if (!previous) return null
      return ((previous.auth as Record<string, unknown>)[field] as Encrypted | undefined) ?? null
    }
    const auth = { ...data.auth } as Record<string, unknown>
    for (const field of PROFILE_SECRET_FIELDS) {
      if (!(field in auth)) continue
      const value = auth[field] as SecretField
      auth[field] = this.sealField(value, () => keep(field))
    }
    const previousVars = new Map(previous?.variables.map((v) => [v.key, v]) ?? [])
    const variables = data.variables.map((v) => {
      if (!v.secret) return { key: v.key, enabled: v.enabled, secret: false, value: v.value }
      const sealed = this.sealField({ isSet: v.isSet || v.value !== '', ...(v.value !== '' ? { value: v.value } : {}) }, () => {
        const old = previousVars.get(v.key)
        if (old?.secret && old.encrypted) return { encrypted: old.encrypted }
        // A variable that just became secret keeps its plain value, now encrypted.
        if (old && !old.secret && old.value) return { encrypted: this.secrets.encrypt(old.value) }
        return null
      })
      return { key: v.key, enabled: v.enabled, secret: true, value: '', ...(sealed ? { encrypted: sealed.encrypted } : {}) }
    })
    return {
      schemaVersion: ENVIRONMENT_SCHEMA_VERSION,
      id,
      name: data.name,
      orgUrl: data.orgUrl,
      cloud: data.cloud,
      authorityUrl: data.authorityUrl,
      tenant: data.tenant,
      auth: auth as StoredEnvironment['auth'],
      variables,
      caCertificatePem: data.caCertificatePem,
      color: data.color,
      label: data.label,
      group: data.group,
      discoveryUrl: data.discoveryUrl,
      createdAt,
      updatedAt
    }
  }

  private sealField(field: SecretField, previous: () => Encrypted): Encrypted {
    if (field.value !== undefined) return field.value === '' ? null : { encrypted: this.secrets.encrypt(field.value) }
    return field.isSet ? previous() : null
  }
}

/**
 * The fast path of the start-up read: a valid environment file read and validated in place. Synchronous on purpose:
 * for a few hundred files of a kilobyte, queueing open/stat/read/close on libuv's four threads costs several times
 * the ~3 ms this pass blocks for. Anything else (unreadable, not JSON, invalid) answers null and goes the slow way,
 * through readJsonValidated, which reports the file and moves it aside.
 */
function readValidFile(file: string): ReadResult<StoredEnvironment> | null {
  try {
    const parsed = StoredEnvironment.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    return parsed.success ? { status: 'ok', value: parsed.data } : null
  } catch {
    return null
  }
}

function parseInput(input: unknown): EnvironmentData {
  const parsed = EnvironmentInput.safeParse(input)
  if (!parsed.success) throw invalid(parsed.error, 'The environment is not valid')
  return parsed.data
}

export function invalid(error: z.ZodError, lead: string): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
  const first = issues[0]
  return new AppError('invalid_input', `${lead}: ${first ? (first.path ? `${first.path}: ` : '') + first.message : 'unknown problem'}`, { issues })
}

function mapSecrets<From, To>(auth: Record<string, unknown> & { grant: string }, fn: (value: From) => To): Record<string, unknown> & { grant: string } {
  const copy: Record<string, unknown> & { grant: string } = { ...auth }
  for (const field of PROFILE_SECRET_FIELDS) if (field in copy) copy[field] = fn(copy[field] as From)
  return copy
}

export function toView(env: StoredEnvironment): EnvironmentView {
  const auth = mapSecrets<Encrypted, SecretField>(env.auth, (e) => ({ isSet: e !== null }))
  return {
    id: env.id,
    name: env.name,
    orgUrl: env.orgUrl,
    cloud: env.cloud,
    authorityUrl: env.authorityUrl,
    tenant: env.tenant,
    auth: AuthProfile.parse(auth),
    variables: env.variables.map((v) => ({
      key: v.key,
      enabled: v.enabled,
      secret: v.secret,
      value: v.secret ? '' : v.value,
      isSet: v.secret ? Boolean(v.encrypted) : v.value !== ''
    })),
    caCertificatePem: env.caCertificatePem,
    color: env.color,
    label: env.label,
    group: env.group,
    discoveryUrl: env.discoveryUrl,
    createdAt: env.createdAt,
    updatedAt: env.updatedAt
  }
}

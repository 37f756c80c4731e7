import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { WEB_API_PATH } from '../../../shared/environment'
import { AppError } from '../../../shared/errors'
import type { RequestSpec, ResponseView } from '../../../shared/http'
import { PackedSchema, packSchema, SchemaInfo, type SchemaIndex } from '../../../shared/schema'
import { readJsonValidated, writeFileAtomic } from '../store/files'
import type * as CsdlModule from './csdl'
import { loadLazily } from '../lazy'

export const SCHEMA_CACHE_VERSION = 1

const CacheFile = z.object({
  orgbench: z.literal('schema-cache'),
  schemaVersion: z.literal(SCHEMA_CACHE_VERSION),
  info: SchemaInfo.omit({ source: true }),
  schema: PackedSchema
})

export interface SchemaPorts {
  dataDir: string
  /** Send a request as the environment (its token attached), recorded in the traffic log. */
  send(environmentId: string, spec: RequestSpec): Promise<ResponseView>
  orgUrl(environmentId: string): Promise<string>
  /** The environment has a token now (nothing is downloaded on its own for an environment that has none). */
  signedIn(environmentId: string): Promise<boolean>
  /** The cached schema was found out of date and replaced in the background. */
  onChanged?(environmentId: string): void
  log?(message: string, error: unknown): void
}

export interface LoadedSchema {
  info: SchemaInfo
  schema: PackedSchema
}

const VERSION_ANNOTATION = 'Microsoft.Dynamics.CRM.globalmetadataversion'

/**
 * The org's schema per environment: from memory, else from `cache/<env>/schema.json`, else downloaded.
 * A cached schema is answered at once (offline too) and checked in the background with one small
 * query whose `globalmetadataversion` annotation changes with any schema change; only then is the
 * whole `$metadata` downloaded again.
 */
export class SchemaService {
  private readonly memory = new Map<string, LoadedSchema>()
  private readonly pending = new Map<string, Promise<LoadedSchema>>()
  private readonly checks = new Map<string, Promise<boolean>>()

  constructor(private readonly ports: SchemaPorts) {}

  cacheFile(environmentId: string): string {
    // Hashed: environment ids never collide or escape the folder, whatever characters they hold.
    const key = createHash('sha256').update(environmentId).digest('hex').slice(0, 32)
    return join(this.ports.dataDir, 'cache', key, 'schema.json')
  }

  /**
   * The schema, downloading it only when there is none yet (or `refresh`). A cached one is checked in the background.
   * With `signIn: false` (the app loading it on its own) nothing touches the network for an environment that has
   * no token: no sign-in is started, no request is sent; the cache still answers.
   */
  async get(environmentId: string, options: { refresh?: boolean; background?: boolean; signIn?: boolean } = {}): Promise<LoadedSchema> {
    const orgUrl = await this.ports.orgUrl(environmentId)
    const mayUseNetwork = async () => options.signIn !== false || (await this.ports.signedIn(environmentId))
    if (options.refresh) {
      if (!(await mayUseNetwork())) throw notSignedIn()
      return this.download(environmentId, orgUrl)
    }
    const inMemory = this.memory.get(environmentId)
    if (inMemory && inMemory.info.orgUrl === orgUrl) return { ...inMemory, info: { ...inMemory.info, source: 'memory' } }
    const cached = await this.readCache(environmentId, orgUrl)
    if (cached) {
      this.memory.set(environmentId, cached)
      if (options.background !== false && (await mayUseNetwork())) void this.checkForChanges(environmentId).catch((error) => this.ports.log?.('schema check failed', error))
      return cached
    }
    if (!(await mayUseNetwork())) throw notSignedIn()
    return this.download(environmentId, orgUrl)
  }

  /** True when the org's schema changed since the cached copy (then the cache is replaced and onChanged called). */
  checkForChanges(environmentId: string): Promise<boolean> {
    const running = this.checks.get(environmentId)
    if (running) return running
    const work = (async () => {
      const current = this.memory.get(environmentId)
      if (!current) return false
      const version = await this.metadataVersion(environmentId, current.schema)
      if (version === null || version === current.info.metadataVersion) return false
      await this.download(environmentId, current.info.orgUrl)
      this.ports.onChanged?.(environmentId)
      return true
    })().finally(() => this.checks.delete(environmentId))
    this.checks.set(environmentId, work)
    return work
  }

  /** Forget an environment's schema (deleted environment, changed org URL). */
  async forget(environmentId: string): Promise<void> {
    this.memory.delete(environmentId)
    const { rm } = await import('node:fs/promises')
    await rm(join(this.cacheFile(environmentId), '..'), { recursive: true, force: true })
  }

  private download(environmentId: string, orgUrl: string): Promise<LoadedSchema> {
    const running = this.pending.get(environmentId)
    if (running) return running
    const work = this.fetchAndIndex(environmentId, orgUrl).finally(() => this.pending.delete(environmentId))
    this.pending.set(environmentId, work)
    return work
  }

  private async fetchAndIndex(environmentId: string, orgUrl: string): Promise<LoadedSchema> {
    const response = await this.ports.send(environmentId, { method: 'GET', url: `${orgUrl}${WEB_API_PATH}/$metadata`, headers: [{ key: 'Accept', value: 'application/xml', enabled: true }], body: '' })
    if (response.status !== 200) throw new AppError(response.status === 401 || response.status === 403 ? 'sign_in_required' : 'invalid_metadata', `The org answered ${response.status} ${response.statusText} for $metadata${response.status === 401 ? ': sign in first' : response.status === 403 ? ': the signed-in identity may not read this org' : ''}.`)
    if (response.body.truncated) throw new AppError('invalid_metadata', `The org's $metadata is larger than the response size limit (${response.limitBytes} bytes): raise the limit in Settings and refresh.`)
    const started = performance.now()
    const { parseCsdl } = await loadCsdl()
    const index = parseCsdl(response.body.text)
    const schema = packSchema(index)
    const parseMs = Math.round(performance.now() - started)
    const metadataVersion = await this.metadataVersion(environmentId, schema).catch(() => null)
    const info: SchemaInfo = {
      environmentId,
      orgUrl,
      fetchedAt: new Date().toISOString(),
      csdlBytes: response.body.size,
      metadataVersion,
      parseMs,
      counts: countsOf(index),
      source: 'network'
    }
    const { source: _source, ...stored } = info
    await writeFileAtomic(this.cacheFile(environmentId), JSON.stringify({ orgbench: 'schema-cache', schemaVersion: SCHEMA_CACHE_VERSION, info: stored, schema }))
    const loaded = { info, schema }
    this.memory.set(environmentId, loaded)
    return loaded
  }

  private async readCache(environmentId: string, orgUrl: string): Promise<LoadedSchema | null> {
    const result = await readJsonValidated(this.cacheFile(environmentId), CacheFile)
    if (result.status !== 'ok') return null
    // The environment now points at another org: the cached schema is not its schema.
    if (result.value.info.orgUrl !== orgUrl || result.value.info.environmentId !== environmentId) return null
    return { info: { ...result.value.info, source: 'disk' }, schema: result.value.schema }
  }

  /** One small query whose annotation carries the org's schema version; null when the org sends none. */
  private async metadataVersion(environmentId: string, index: PackedSchema): Promise<string | null> {
    const set = ['organizations', 'systemusers'].map((n) => index.entitySets.find((s) => s.name === n)).find(Boolean) ?? index.entitySets[0]
    if (!set) return null
    const type = index.entityTypes.find((t) => t.name === set.entityType)
    const select = type?.key[0] ? `$select=${type.key[0]}&` : ''
    const orgUrl = await this.ports.orgUrl(environmentId)
    const response = await this.ports.send(environmentId, {
      method: 'GET',
      url: `${orgUrl}${WEB_API_PATH}/${set.name}?${select}$top=1`,
      headers: [
        { key: 'Accept', value: 'application/json', enabled: true },
        { key: 'Prefer', value: `odata.include-annotations="${VERSION_ANNOTATION}"`, enabled: true }
      ],
      body: ''
    })
    if (response.status !== 200) return null
    try {
      const value = (JSON.parse(response.body.text) as Record<string, unknown>)[`@${VERSION_ANNOTATION}`]
      return typeof value === 'string' || typeof value === 'number' ? String(value) : null
    } catch {
      return null
    }
  }
}

function notSignedIn(): AppError {
  return new AppError('sign_in_required', "Sign in to load the org's schema: completion, the query builder and the action forms use it.")
}

export function countsOf(index: Pick<SchemaIndex, 'entitySets' | 'entityTypes' | 'operations'>): SchemaInfo['counts'] {
  let actions = 0
  for (const o of index.operations) if (o.kind === 'action') actions++
  return { entitySets: index.entitySets.length, entityTypes: index.entityTypes.length, actions, functions: index.operations.length - actions }
}

/**
 * The CSDL reader (and saxes under it) is loaded when a $metadata document is to be read, not with the service:
 * a CLI request with a cached schema, or none, needs neither.
 */
function loadCsdl(): Promise<typeof CsdlModule> {
  return loadLazily(() => import('./csdl'), 'dataverse/csdl')
}

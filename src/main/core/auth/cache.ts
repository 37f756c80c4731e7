import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node'
import { z } from 'zod'
import { writeFileAtomic } from '../store/files'
import type { SecretBox } from '../ports'

export const StoredToken = z.object({
  grant: z.string(),
  accessToken: z.string(),
  idToken: z.string().nullable(),
  /** Seconds since the epoch. */
  expiresAt: z.number().nullable(),
  acquiredAt: z.number(),
  scopes: z.array(z.string()),
  account: z.object({ homeAccountId: z.string(), username: z.string(), name: z.string(), tenantId: z.string() }).nullable(),
  /** Which profile produced it: a changed profile (client, authority, scopes) invalidates it. */
  profileKey: z.string(),
  /** Who can renew it: msal from its cache (accounts, refresh tokens), or our own refresh_token grant (OIDC authorities' device code). */
  issuedBy: z.enum(['msal', 'orgbench']).default('msal'),
  /** Only when issuedBy is orgbench: the refresh token, encrypted at rest with the rest of the file. */
  refreshToken: z.string().nullable().default(null)
})
export type StoredToken = z.infer<typeof StoredToken>

const CacheFile = z.object({ schemaVersion: z.literal(1), msal: z.string().default(''), current: StoredToken.nullable().default(null) })
type CacheFile = z.infer<typeof CacheFile>

/**
 * One environment's tokens on disk, `tokens/<env>.bin`, encrypted as a whole through the secretBox:
 * MSAL's serialized cache (accounts, refresh tokens) and the current access token.
 * The current token is also kept in memory so a request with a valid token does no disk or crypto work.
 */
export class TokenCacheStore {
  private readonly dir: string
  private readonly memory = new Map<string, CacheFile>()

  constructor(
    dataDir: string,
    private readonly secrets: SecretBox
  ) {
    this.dir = join(dataDir, 'tokens')
  }

  /**
   * `tokens/<name>.bin`, a name no other id can have, on case-insensitive disks too: every byte of the id outside
   * [a-z0-9-] is written `_` + two hex digits (so a random UUID keeps its name); an id too long for a file name is
   * hashed after `_h`, which no escaped name can start with.
   */
  private file(envId: string): string {
    const escaped = Array.from(Buffer.from(envId, 'utf8'), (b) => (/[a-z0-9-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `_${b.toString(16).padStart(2, '0')}`)).join('')
    const name = escaped.length <= 200 ? escaped : `_h${createHash('sha256').update(envId).digest('hex')}`
    return join(this.dir, `${name}.bin`)
  }

  /** The name earlier builds used: every character outside [A-Za-z0-9_-] became `_`, so `dev.prod` and `dev_prod` shared it. */
  private legacyFile(envId: string): string {
    return join(this.dir, `${envId.replace(/[^\w-]/g, '_')}.bin`)
  }

  /** The file's text; moved from its legacy name by the first read (of two ids that shared it, the first takes it). */
  private async readText(envId: string): Promise<string> {
    const file = this.file(envId)
    try {
      return await fs.readFile(file, 'utf8')
    } catch (error) {
      const legacy = this.legacyFile(envId)
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || legacy === file) throw error
      await fs.rename(legacy, file)
      return await fs.readFile(file, 'utf8')
    }
  }

  private async read(envId: string): Promise<CacheFile> {
    const cached = this.memory.get(envId)
    if (cached) return cached
    let value: CacheFile = { schemaVersion: 1, msal: '', current: null }
    try {
      const text = this.secrets.decrypt(await this.readText(envId))
      const parsed = CacheFile.safeParse(JSON.parse(text))
      if (parsed.success) value = parsed.data
    } catch {
      // Missing, from another key, or damaged: start signed out rather than fail.
    }
    this.memory.set(envId, value)
    return value
  }

  private async write(envId: string, value: CacheFile): Promise<void> {
    this.memory.set(envId, value)
    await writeFileAtomic(this.file(envId), this.secrets.encrypt(JSON.stringify(value)))
  }

  /** The current token from memory, without touching the disk once loaded. */
  peek(envId: string): StoredToken | null | undefined {
    return this.memory.get(envId)?.current
  }

  async current(envId: string): Promise<StoredToken | null> {
    return (await this.read(envId)).current
  }

  async setCurrent(envId: string, token: StoredToken | null): Promise<void> {
    await this.write(envId, { ...(await this.read(envId)), current: token })
  }

  async clear(envId: string): Promise<void> {
    this.memory.delete(envId)
    await fs.rm(this.file(envId), { force: true })
    await fs.rm(this.legacyFile(envId), { force: true })
  }

  /** MSAL's cache plugin for this environment. */
  plugin(envId: string): ICachePlugin {
    return {
      beforeCacheAccess: async (context: TokenCacheContext) => {
        const { msal } = await this.read(envId)
        if (msal) context.tokenCache.deserialize(msal)
      },
      afterCacheAccess: async (context: TokenCacheContext) => {
        if (!context.cacheHasChanged) return
        await this.write(envId, { ...(await this.read(envId)), msal: context.tokenCache.serialize() })
      }
    }
  }
}

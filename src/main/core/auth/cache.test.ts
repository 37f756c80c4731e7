import { randomUUID } from 'node:crypto'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../../testing/tempDir'
import { keyFileSecretBox } from '../store/secretBox'
import { StoredToken, TokenCacheStore } from './cache'

const tempDir = useTempDir()
const token = (accessToken: string) => StoredToken.parse({ grant: 'client_credentials', accessToken, idToken: null, expiresAt: null, acquiredAt: 1, scopes: [], account: null, profileKey: 'p' })

describe('TokenCacheStore file names', () => {
  it('gives ids that earlier builds mapped to one file (dev.prod, dev_prod, Dev.prod, dev prod, long or non-ASCII ids) a file each', async () => {
    const dir = tempDir()
    const ids = ['dev.prod', 'dev_prod', 'Dev.prod', 'dev prod', 'dev/prod', 'd\u00e9v', 'de\u0301v', 'x'.repeat(100), `${'x'.repeat(99)}y`, randomUUID()]
    const writer = new TokenCacheStore(dir, keyFileSecretBox(dir))
    for (const id of ids) await writer.setCurrent(id, token(`token-of-${id}`))
    const files = readdirSync(join(dir, 'tokens'))
    expect(files).toHaveLength(new Set(ids).size)
    // Distinct even where the disk ignores case (Windows, macOS).
    expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(files.length)
    expect(Math.max(...files.map((f) => f.length))).toBeLessThanOrEqual(255)
    expect(files).toContain(`${ids.at(-1)}.bin`)
    const reader = new TokenCacheStore(dir, keyFileSecretBox(dir))
    for (const id of ids) expect((await reader.current(id))?.accessToken, id).toBe(`token-of-${id}`)
  })

  it('moves a file from the name earlier builds used on first read, once, and removes it at sign-out', async () => {
    const dir = tempDir()
    const secrets = keyFileSecretBox(dir)
    mkdirSync(join(dir, 'tokens'))
    const legacy = () => writeFileSync(join(dir, 'tokens', 'dev_prod.bin'), secrets.encrypt(JSON.stringify({ schemaVersion: 1, msal: '', current: token('from-before') })))
    legacy()
    const store = new TokenCacheStore(dir, secrets)
    expect((await store.current('dev.prod'))?.accessToken).toBe('from-before')
    expect(readdirSync(join(dir, 'tokens'))).toEqual(['dev_2eprod.bin'])
    // The other id that shared the old file does not get a copy of someone else's tokens.
    expect(await store.current('dev_prod')).toBeNull()
    legacy()
    await new TokenCacheStore(dir, secrets).clear('dev.prod')
    expect(readdirSync(join(dir, 'tokens'))).toEqual([])
  })
})

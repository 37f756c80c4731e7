import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { useTempDir } from '../../testing/tempDir'
import { readJsonValidated, writeFileAtomic } from './files'

const tempDir = useTempDir()
const Schema = z.object({ schemaVersion: z.literal(1), name: z.string() })

describe('writeFileAtomic', () => {
  it('writes the content with owner-only permissions and leaves no temporary file', async () => {
    const dir = tempDir()
    const file = join(dir, 'nested', 'a.json')
    await writeFileAtomic(file, '{"a":1}')
    await writeFileAtomic(file, '{"a":2}')
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}')
    expect(readdirSync(join(dir, 'nested'))).toEqual(['a.json'])
    if (process.platform !== 'win32') expect((await import('node:fs')).statSync(file).mode & 0o777).toBe(0o600)
  })
})

describe('readJsonValidated', () => {
  it('reads a valid file', async () => {
    const file = join(tempDir(), 'ok.json')
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, name: 'x' }))
    expect(await readJsonValidated(file, Schema)).toEqual({ status: 'ok', value: { schemaVersion: 1, name: 'x' } })
  })

  it('says missing for a file that does not exist', async () => {
    expect(await readJsonValidated(join(tempDir(), 'none.json'), Schema)).toEqual({ status: 'missing' })
  })

  it('moves a file that is not JSON aside, keeping its bytes', async () => {
    const dir = tempDir()
    const file = join(dir, 'bad.json')
    writeFileSync(file, '{"schemaVersion": 1, "name": ')
    const result = await readJsonValidated(file, Schema)
    expect(result.status).toBe('corrupt')
    if (result.status !== 'corrupt') return
    expect(result.reason).toMatch(/^not valid JSON/)
    expect(result.movedTo).toMatch(/bad\.corrupt-.*\.json$/)
    expect(readFileSync(result.movedTo!, 'utf8')).toBe('{"schemaVersion": 1, "name": ')
    expect(readdirSync(dir)).toEqual([result.movedTo!.split(/[\\/]/).pop()])
  })

  it('moves a file that fails validation aside, naming the field', async () => {
    const file = join(tempDir(), 'old.json')
    writeFileSync(file, JSON.stringify({ schemaVersion: 2, name: 3 }))
    const result = await readJsonValidated(file, Schema)
    expect(result.status === 'corrupt' && result.reason).toContain('schemaVersion')
    expect(result.status === 'corrupt' && result.reason).toContain('name')
  })
})

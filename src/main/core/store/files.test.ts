import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { bundleChild, killChild, startChild } from '../../testing/child'
import { useTempDir } from '../../testing/tempDir'
import { ownerMark, readJsonValidated, sweepTempFiles, writeFileAtomic } from './files'

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

  it('leaves the old or the new file, never half, when its process is killed mid-write; the next start removes the leftovers', async () => {
    const dir = tempDir()
    const file = join(dir, 'data.json')
    const child = await bundleChild(join(__dirname, 'files.child.ts'))
    const kills = 50
    let leftoverMax = 0
    for (let i = 0; i < kills; i++) {
      const writer = await startChild(child, [file], 'writing')
      await new Promise((ok) => setTimeout(ok, (i * 7) % 23))
      await killChild(writer)
      const { n, body, sha256 } = JSON.parse(readFileSync(file, 'utf8')) as { n: number; body: string; sha256: string }
      expect(n).toBeGreaterThan(0)
      expect(createHash('sha256').update(body).digest('hex')).toBe(sha256)
      leftoverMax = readdirSync(dir).length - 1
    }
    // Without the sweep these stay forever (80 after 200 kills when this was found).
    expect(leftoverMax, 'the kills should have interrupted some writes').toBeGreaterThan(0)
    expect(await sweepTempFiles(dir)).toBe(leftoverMax)
    expect(readdirSync(dir)).toEqual(['data.json'])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ n: expect.any(Number) })
  }, 60_000)
})

describe('sweepTempFiles', () => {
  it('removes abandoned temporary files in subfolders, and keeps writes in flight and everything else', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'tokens'))
    mkdirSync(join(dir, 'sandbox', 'deep'), { recursive: true })
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    const abandoned = [join(dir, `.settings.json.${dead}-0badf00d-00000001.tmp`), join(dir, 'tokens', `.a.bin.${dead}-0badf00d-00000002.tmp`), join(dir, 'sandbox', 'deep', `.seed.json.${dead}-0badf00d-00000003.tmp`)]
    const mine = join(dir, `.env.json.${ownerMark()}-00000004.tmp`)
    const formerSelf = join(dir, `.env.json.${process.pid}-ffffffff-00000005.tmp`)
    const legacyOld = join(dir, '.x.json.0123456789ab.tmp')
    const legacyNew = join(dir, '.y.json.0123456789ab.tmp')
    const kept = [mine, legacyNew, join(dir, 'settings.json'), join(dir, 'notes.tmp'), join(dir, '.hidden'), join(dir, 'tokens', 'a.bin')]
    for (const f of [...abandoned, formerSelf, legacyOld, ...kept]) writeFileSync(f, 'x')
    const twoMinutesAgo = new Date(Date.now() - 120_000)
    utimesSync(legacyOld, twoMinutesAgo, twoMinutesAgo)
    expect(await sweepTempFiles(dir)).toBe(5)
    const left = (d: string): string[] => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
    expect(left(dir).sort()).toEqual(kept.sort())
  })

  it('never throws on a folder that does not exist', async () => {
    expect(await sweepTempFiles(join(tempDir(), 'none'))).toBe(0)
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

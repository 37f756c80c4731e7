import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bundleChild, killChild, startChild } from '../../testing/child'
import { findSecrets } from '../../testing/scan'
import { useTempDir } from '../../testing/tempDir'
import { ownerMark } from '../store/files'
import { SpillStore, sweepSpills } from './spill'

const tempDir = useTempDir()
const marker = () => `secret-${randomBytes(8).toString('hex')}`

describe('SpillStore', () => {
  it('writes each body encrypted, owner-only, in a folder of its own, and reads it back whole', async () => {
    const root = tempDir()
    const store = new SpillStore(root)
    const secret = marker()
    const body = Buffer.from(`{"key":"${secret}","pad":"${'x'.repeat(3 * 1024 * 1024)}"}`)
    expect(store.put('a.response', body)).toBe(true)
    await store.settle()
    expect(readdirSync(root)).toEqual([store.dir.split(/[\\/]/).pop()])
    expect(readdirSync(store.dir)).toEqual(['a.response'])
    expect(findSecrets(root, { secret })).toEqual([])
    expect(statSync(join(store.dir, 'a.response')).size).toBe(body.length + 8 + 12 + 16)
    if (process.platform !== 'win32') {
      expect(statSync(join(store.dir, 'a.response')).mode & 0o777).toBe(0o600)
      expect(statSync(store.dir).mode & 0o777).toBe(0o700)
    }
    expect((await store.get('a.response')).equals(body)).toBe(true)
  })

  it('deletes a body with its entry, even while it is still being written, and everything at close', async () => {
    const root = tempDir()
    const store = new SpillStore(root)
    store.put('early', Buffer.alloc(4 * 1024 * 1024, 'a'))
    store.delete('early')
    store.put('kept', Buffer.alloc(2048, 'b'))
    await store.settle()
    expect(readdirSync(store.dir)).toEqual(['kept'])
    await expect(store.get('early')).rejects.toMatchObject({ code: 'not_found' })
    await store.close()
    expect(existsSync(store.dir)).toBe(false)
    expect(store.put('late', Buffer.alloc(10))).toBe(false)
    await expect(store.get('kept')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('refuses a body changed on disk', async () => {
    const store = new SpillStore(tempDir())
    store.put('b', Buffer.alloc(5000, 'c'))
    await store.settle()
    const file = join(store.dir, 'b')
    const bytes = readFileSync(file)
    bytes[100] = bytes[100]! ^ 1
    writeFileSync(file, bytes)
    await expect(store.get('b')).rejects.toMatchObject({ code: 'storage_error', message: expect.stringContaining('changed or damaged') })
  })
})

describe('sweepSpills', () => {
  it('at start, deletes what a killed process spilled (unreadable without its key) and plain bodies of earlier builds; keeps live stores', async () => {
    const root = tempDir()
    const secret = marker()
    const child = await bundleChild(join(__dirname, 'spill.child.ts'))
    const running = await startChild(child, [root, secret], 'spilled')
    expect(findSecrets(root, { secret }), 'encrypted while the process runs').toEqual([])
    await killChild(running)
    expect(readdirSync(root)).toHaveLength(1)
    expect(findSecrets(root, { secret }), 'and after it was killed').toEqual([])

    writeFileSync(join(root, '0b8f5a0c-1111-2222-3333-444444444444.response.body'), 'plain body of an earlier build')
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    mkdirSync(join(root, `${dead}-0badf00d-00000001`))
    const live = new SpillStore(root)
    live.put('x', Buffer.alloc(10))
    await live.settle()
    mkdirSync(join(root, `${ownerMark()}-00000002`))

    expect(await sweepSpills(root)).toBe(3)
    expect(readdirSync(root).sort()).toEqual([live.dir.split(/[\\/]/).pop(), `${ownerMark()}-00000002`].sort())
    expect(await sweepSpills(join(root, 'missing'))).toBe(0)
  })
})

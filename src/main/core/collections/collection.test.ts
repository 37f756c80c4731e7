import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CollectionChange, FolderNode } from '../../../shared/collections'
import { useTempDir } from '../../testing/tempDir'
import { CollectionStore } from './store'

const tempDir = useTempDir()
const stores: CollectionStore[] = []
afterEach(async () => {
  while (stores.length) await stores.pop()!.dispose()
})

function store(options: { watch?: boolean; onChange?: (c: CollectionChange) => void } = {}) {
  const s = new CollectionStore({ dataDir: tempDir(), trash: 'collection', debounceMs: 40, ...options })
  stores.push(s)
  return s
}

const names = (node: FolderNode): unknown[] => node.children.map((c) => (c.kind === 'folder' ? { [c.name]: names(c) } : c.name))
const req = (name: string, url = '{{webApiUrl}}/accounts') => ({ name, method: 'GET' as const, url })

async function until<T>(check: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = check()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('collections on disk', () => {
  it('creates a collection, saves requests in folders, and lists them as a tree; reopening reads the same', async () => {
    const dir = join(tempDir(), 'My API')
    const s = store()
    expect((await s.create(dir, 'My API')).name).toBe('My API')
    const c = await s.get(dir)
    const { path: folder } = await c.newFolder('', 'Accounts')
    await c.add(folder, req('List accounts'))
    await c.add(folder, req('List accounts'))
    await c.add('', req('Who am I?', '{{webApiUrl}}/WhoAmI'))
    expect(readdirSync(join(dir, 'Accounts')).sort()).toEqual(['List accounts (2).request.yaml', 'List accounts.request.yaml'])
    expect(existsSync(join(dir, 'Who am I-.request.yaml'))).toBe(true)
    expect(names((await s.tree(dir)).root)).toEqual([{ Accounts: ['List accounts', 'List accounts'] }, 'Who am I?'])

    const again = store()
    const tree = await again.openDir(dir)
    expect(tree).toMatchObject({ name: 'My API', requestCount: 3, problems: [] })
    expect(names(tree.root)).toEqual([{ Accounts: ['List accounts', 'List accounts'] }, 'Who am I?'])
    expect(await again.list()).toEqual([{ dir, name: 'My API', available: true }])
  })

  it('reports a file that is not a valid request, and never overwrites or drops it', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'broken.request.yaml'), 'name: [oops\n')
    writeFileSync(join(dir, 'bad method.request.yaml'), 'orgbench: request\nschemaVersion: 1\nname: x\nmethod: BREW\nurl: u\n')
    writeFileSync(join(dir, 'notes.md'), '# not a request')
    const s = store()
    await s.openDir(dir)
    await s.validated(dir)
    const tree = await s.tree(dir)
    expect(tree.problems.map((p) => p.path).sort()).toEqual(['bad method.request.yaml', 'broken.request.yaml'])
    expect(tree.requestCount).toBe(0)
    const c = await s.get(dir)
    await expect(c.read('broken.request.yaml')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('not valid YAML') })
    await expect(c.save('broken.request.yaml', req('x'), null)).rejects.toMatchObject({ code: 'conflict' })
    expect(readFileSync(join(dir, 'broken.request.yaml'), 'utf8')).toBe('name: [oops\n')
    expect(readdirSync(dir).sort()).toEqual(['bad method.request.yaml', 'broken.request.yaml', 'notes.md'])
  })

  it('fails a save against a file changed on disk with conflict and both versions; a fresh read saves', async () => {
    const dir = tempDir()
    const s = store()
    await s.create(dir, 'C')
    const c = await s.get(dir)
    const { path } = await c.add('', req('One'))
    const { request, hash } = await c.read(path)
    writeFileSync(join(dir, path), readFileSync(join(dir, path), 'utf8').replace('/accounts', '/contacts'))
    const error = await c.save(path, { ...request, url: '{{webApiUrl}}/leads' }, hash).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'conflict', detail: { path, disk: { url: '{{webApiUrl}}/contacts' }, yours: { url: '{{webApiUrl}}/leads' } } })
    expect(readFileSync(join(dir, path), 'utf8')).toContain('/contacts')
    const fresh = await c.read(path)
    await c.save(path, { ...fresh.request, url: '{{webApiUrl}}/leads' }, fresh.hash)
    expect(readFileSync(join(dir, path), 'utf8')).toContain('/leads')
    // Saving what is on disk already is no conflict, whatever hash it was read with.
    await expect(c.save(path, { ...fresh.request, url: '{{webApiUrl}}/leads' }, 'stale')).resolves.toMatchObject({ path })
  })

  it('refuses to write a literal credential and says which variable to use', async () => {
    const dir = tempDir()
    const s = store()
    const c = await s.get(dir)
    const withToken = { ...req('T'), headers: [{ key: 'Authorization', value: 'Bearer eyJhbGciOi.abc.def', enabled: true }] }
    await expect(c.add('', withToken)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('{{token}}') })
    await expect(c.add('', { ...req('T'), url: 'https://x/token?client_secret=abc' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('URL parameter client_secret') })
    await expect(c.add('', { ...req('T'), method: 'POST', headers: [{ key: 'Content-Type', value: 'application/json', enabled: true }], body: '{"password":"hunter2"}' } as never)).rejects.toMatchObject({ code: 'invalid_input' })
    expect(readdirSync(dir)).toEqual([])
    await expect(c.add('', { ...req('T'), headers: [{ key: 'Cookie', value: 'session=abc123; lang=en', enabled: true }] })).rejects.toMatchObject({ code: 'invalid_input' })
    await c.add('', { ...req('T'), headers: [{ key: 'Authorization', value: 'Bearer {{token}}', enabled: true }, { key: 'Cookie', value: 'session={{sessionId}}; other={{x}}', enabled: true }] })
    expect(readdirSync(dir)).toEqual(['T.request.yaml'])
  })

  it('renames, moves (with order), duplicates and deletes to the collection trash with undo', async () => {
    const dir = tempDir()
    const s = store()
    await s.create(dir, 'C')
    const c = await s.get(dir)
    const a = await c.add('', req('A'))
    const b = await c.add('', req('B'))
    const { path: f } = await c.newFolder('', 'F')
    expect((await c.rename(a.path, 'Alpha')).path).toBe('Alpha.request.yaml')
    expect((await c.read('Alpha.request.yaml')).request.name).toBe('Alpha')
    expect(existsSync(join(dir, a.path))).toBe(false)
    const moved = await c.move(b.path, f)
    expect(moved.path).toBe('F/B.request.yaml')
    expect(names(c.tree().root)).toEqual([{ F: ['B'] }, 'Alpha'])
    await c.move('Alpha.request.yaml', '', 0)
    expect(names(c.tree().root)).toEqual(['Alpha', { F: ['B'] }])
    expect(readFileSync(join(dir, 'orgbench-collection.yaml'), 'utf8')).toContain('order:\n  - Alpha.request.yaml\n  - F\n')
    const dup = await c.duplicate('Alpha.request.yaml')
    expect(names(c.tree().root)).toEqual(['Alpha', 'Alpha (copy)', { F: ['B'] }])
    expect((await c.read(dup.path)).request.name).toBe('Alpha (copy)')
    expect((await c.duplicate(f)).path).toBe('F (copy)')
    expect((await c.rename('F (copy)', 'G')).path).toBe('G')
    expect(c.tree().requestCount).toBe(4)
    await expect(c.move(f, 'F')).rejects.toMatchObject({ code: 'invalid_input' })

    const deleted = await c.delete('G')
    expect(deleted).toMatchObject({ path: 'G', trash: 'collection', undoToken: expect.any(String) })
    expect(existsSync(join(dir, 'G'))).toBe(false)
    expect(readFileSync(join(dir, '.trash', '.gitignore'), 'utf8')).toBe('*\n')
    expect(c.tree().requestCount).toBe(3)
    expect(await c.undoDelete(deleted.undoToken!)).toEqual({ path: 'G' })
    expect(existsSync(join(dir, 'G', 'B.request.yaml'))).toBe(true)
    expect(c.tree().requestCount).toBe(4)
    await expect(c.read('../outside.request.yaml')).rejects.toMatchObject({ code: 'invalid_input' })
  })

  it('searches names and URLs across open collections', async () => {
    const dir = tempDir()
    const s = store()
    await s.create(dir, 'C')
    const c = await s.get(dir)
    await c.add('', req('List accounts', '{{webApiUrl}}/accounts?$top=5'))
    await c.add('', req('Contacts of an account', '{{webApiUrl}}/contacts?$filter=_parentcustomerid_value eq {{accountId}}'))
    await c.add('', req('Who am I', '{{webApiUrl}}/WhoAmI'))
    expect((await s.search('account')).map((h) => h.name)).toEqual(['Contacts of an account', 'List accounts'])
    expect((await s.search('whoami')).map((h) => h.name)).toEqual(['Who am I'])
    expect((await s.search('get contacts')).map((h) => h.name)).toEqual(['Contacts of an account'])
    expect(await s.search('nothing-like-this')).toEqual([])
  })

  it('follows edits made on disk (including rename-on-save) and reports them as change events', async () => {
    const dir = tempDir()
    const changes: CollectionChange[] = []
    const s = store({ watch: true, onChange: (c) => changes.push(c) })
    await s.create(dir, 'C')
    const c = await s.get(dir)
    const { path } = await c.add('', req('One'))
    await new Promise((r) => setTimeout(r, 150))
    expect(changes).toEqual([])

    // An editor that writes a temporary file and renames it over the original.
    const text = readFileSync(join(dir, path), 'utf8').replace('/accounts', '/contacts')
    writeFileSync(join(dir, '.One.swp'), text)
    renameSync(join(dir, '.One.swp'), join(dir, path))
    const edit = await until(() => changes.find((x) => x.paths.includes(path)))
    expect(edit).toMatchObject({ dir, tree: true })
    expect(c.tree().root.children[0]).toMatchObject({ url: '{{webApiUrl}}/contacts' })

    changes.length = 0
    mkdirSync(join(dir, 'Pulled'))
    writeFileSync(join(dir, 'Pulled', 'New.request.yaml'), 'orgbench: request\nschemaVersion: 1\nname: From git\nmethod: GET\nurl: https://x\n')
    await until(() => (c.entries.has('Pulled/New.request.yaml') ? true : undefined))
    expect(names(c.tree().root)).toEqual([{ Pulled: ['From git'] }, 'One'])

    changes.length = 0
    rmSync(join(dir, path))
    const gone = await until(() => changes.find((x) => x.paths.includes(path)))
    expect(gone.tree).toBe(true)
    expect(c.entries.has(path)).toBe(false)
  })
})

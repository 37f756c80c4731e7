import { appendFileSync, promises as fsPromises, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { useTempDir } from '../../testing/tempDir'
import { startHttpServer, type TestServer } from '../../testing/testServer'
import { Services } from '../services'
import { keyFileSecretBox } from '../store/secretBox'
import { HistoryStore, type HistoryInput } from './history'

const tempDir = useTempDir()

const input = (i: number, over: Partial<HistoryInput> = {}): HistoryInput => ({
  at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
  method: 'GET',
  url: `https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$top=${i}`,
  name: `Accounts ${i}`,
  status: 200,
  ms: 12,
  size: 345,
  environmentName: 'Dev',
  error: null,
  environmentId: 'env-1',
  collection: null,
  request: { name: `Accounts ${i}`, method: 'GET', url: '{{webApiUrl}}/accounts', headers: [], body: '', auth: { mode: 'inherit' }, description: '' },
  sentHeaders: [['Authorization', 'Bearer eyJ0••••••••(1500 chars)']],
  response: { headers: [['content-type', 'application/json']], body: '{"value":[]}', truncated: false, contentType: 'application/json' },
  ...over
})

describe('history', () => {
  it('appends one line per send, lists newest first, searches, opens an entry, and reads a file written before', async () => {
    const file = join(tempDir(), 'history.jsonl')
    const h = new HistoryStore({ file })
    for (let i = 0; i < 5; i++) await h.record(input(i, i === 3 ? { status: 404, url: 'https://contoso.crm.dynamics.com/api/data/v9.2/contacts', name: 'Contacts' } : {}))
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(5)
    const all = await h.list()
    expect(all.total).toBe(5)
    expect(all.entries.map((e) => e.name)).toEqual(['Accounts 4', 'Contacts', 'Accounts 2', 'Accounts 1', 'Accounts 0'])
    expect((await h.list({ query: 'contacts 404' })).entries.map((e) => e.name)).toEqual(['Contacts'])
    expect((await h.list({ limit: 2, offset: 1 })).entries.map((e) => e.name)).toEqual(['Contacts', 'Accounts 2'])
    const one = await h.get(all.entries[1]!.id)
    expect(one).toMatchObject({ name: 'Contacts', status: 404, request: { url: '{{webApiUrl}}/accounts' }, response: { body: '{"value":[]}' } })

    // Another process (the CLI) appends; a torn or foreign line is skipped and left in the file.
    appendFileSync(file, '{"v":1,"id":"torn","at":"x"\n')
    const other = new HistoryStore({ file })
    await other.record(input(9))
    const reread = new HistoryStore({ file })
    expect((await reread.list()).total).toBe(6)
    expect(reread.skipped).toBe(1)
    expect(readFileSync(file, 'utf8')).toContain('"id":"torn"')
    expect(await reread.clear()).toBe(6)
    expect((await reread.list()).total).toBe(0)
    await expect(reread.get(one.id)).rejects.toMatchObject({ code: 'not_found' })
  })

  it('records without reading the file (a CLI send costs the same with 100,000 sends behind it), and a reader sees what another process appended', async () => {
    const file = join(tempDir(), 'history.jsonl')
    const app = new HistoryStore({ file })
    for (let i = 0; i < 3; i++) await app.record(input(i))
    expect((await app.list()).total).toBe(3)

    const readFile = vi.spyOn(fsPromises, 'readFile')
    try {
      const cli = new HistoryStore({ file })
      await cli.record(input(3, { name: 'From the CLI' }))
      await cli.record(input(4, { name: 'Again from the CLI' }))
      expect(readFile).not.toHaveBeenCalled()
    } finally {
      readFile.mockRestore()
    }
    // The app's index is behind the file: its next send reads it again before appending.
    await app.record(input(5, { name: 'From the app' }))
    expect((await app.list()).entries.map((e) => e.name)).toEqual(['From the app', 'Again from the CLI', 'From the CLI', 'Accounts 2', 'Accounts 1', 'Accounts 0'])
  })

  it('keeps the newest part when the file passes its cap', async () => {
    const file = join(tempDir(), 'history.jsonl')
    const h = new HistoryStore({ file, capBytes: 20_000 })
    for (let i = 0; i < 100; i++) await h.record(input(i))
    expect(statSync(file).size).toBeLessThanOrEqual(20_000)
    const { entries, total } = await h.list({ limit: 1000 })
    expect(total).toBeGreaterThan(10)
    expect(total).toBeLessThan(100)
    expect(entries[0]!.name).toBe('Accounts 99')
    expect((await h.get(entries[total - 1]!.id)).name).toBe(entries[total - 1]!.name)
    expect((await new HistoryStore({ file }).list({ limit: 1000 })).entries).toEqual(entries)
  })
})

describe('sends are recorded', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startHttpServer()
  })
  afterAll(() => server.close())

  it('records the request as written, the URL as sent with secrets masked, the answer, and network failures; not the app\'s own requests', async () => {
    const dir = tempDir()
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined } })
    try {
      const env = await services.environments.create({ name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com', variables: [{ key: 'base', value: server.url }, { key: 'key', value: 'sup3r-secret-value', secret: true }] })
      // Collection variables rank below the environment's: {{base}} is the environment's, {{route}} the collection's.
      const collection = join(tempDir(), 'C')
      await services.collections.create(collection, 'C')
      await (await services.collections.get(collection)).updateSettings({ variables: [{ key: 'base', value: 'http://127.0.0.1:1', enabled: true }, { key: 'route', value: 'echo', enabled: true }] })
      await services.sendRequest('a', env.id, { method: 'POST', url: '{{base}}/{{route}}?client_secret={{key}}', headers: [{ key: 'Authorization', value: 'Bearer literal-token-123456789', enabled: true }, { key: 'Content-Type', value: 'application/json', enabled: true }], body: '{"password":"hunter2hunter2"}' }, { mode: 'inherit' }, {}, { name: 'Echo', collection: { dir: collection, path: 'Echo.request.yaml' } })
      await expect(services.sendRequest('b', null, { method: 'GET', url: 'http://127.0.0.1:1/x' })).rejects.toMatchObject({ code: 'connection_refused' })
      await expect(services.sendRequest('c', null, { method: 'GET', url: '{{nope}}' })).rejects.toMatchObject({ code: 'unknown_variable' })
      await services.sendRequest('d', null, { method: 'GET', url: `${server.url}/json` }, undefined, undefined, { history: false })
      const { entries } = await services.history.list()
      expect(entries.slice(0, 2).map((e) => [e.name, e.status])).toEqual([
        ['', null],
        ['Echo', 200]
      ])
      const echo = await services.history.get(entries[1]!.id)
      expect(echo).toMatchObject({ environmentName: 'Dev', collection: { dir: collection, path: 'Echo.request.yaml' }, request: { url: '{{base}}/{{route}}?client_secret={{key}}', headers: [{ key: 'Authorization', value: 'Bearer {{token}}' }, { key: 'Content-Type' }], body: '{\n  "password": "{{password}}"\n}' } })
      expect(echo.url).toMatch(new RegExp(`^${server.url}/echo\\?client_secret=sup3`))
      // A tab whose collection folder is gone still sends, without the collection's variables.
      await expect(services.sendRequest('e', null, { method: 'GET', url: `${server.url}/json` }, undefined, undefined, { collection: { dir: join(dir, 'gone'), path: 'x.request.yaml' } })).resolves.toMatchObject({ status: 200 })
      const text = readFileSync(join(dir, 'history.jsonl'), 'utf8')
      for (const secret of ['sup3r-secret-value', 'literal-token-123456789', 'hunter2hunter2']) expect(text).not.toContain(secret)
      expect(entries[0]).toMatchObject({ error: expect.stringContaining('refused'), url: 'http://127.0.0.1:1/x' })
    } finally {
      await services.close()
    }
  })
})

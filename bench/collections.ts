/**
 * Saved work at scale (issue 8's targets):
 *  - open a collection of 3,000 generated request files and build its tree (≤ 1 s), and the full check of every file after it;
 *  - save a request (≤ 10 ms): serialize, conflict check, atomic write with fsync;
 *  - search 3,000 requests per keystroke (≤ 16 ms per query);
 *  - a history of 100,000 sends opened (read from disk, first page) and searched (≤ 100 ms).
 * Files are written first, so the OS's cache is warm, as after a `git clone` or for a collection used before.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SavedRequest, type HistoryEntry } from '../src/shared/collections'
import { CollectionStore } from '../src/main/core/collections/store'
import { serializeRequest } from '../src/main/core/collections/format'
import { HistoryStore, historyLine } from '../src/main/core/history/history'
import { writeFileAtomic } from '../src/main/core/store/files'

const TABLES = ['accounts', 'contacts', 'leads', 'opportunities', 'incidents', 'systemusers', 'teams', 'quotes', 'orders', 'invoices']

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function generated(i: number) {
  const table = TABLES[i % TABLES.length]!
  const write = i % 4 === 0
  return SavedRequest.parse({
    name: `${write ? 'Create' : 'List'} ${table} ${i}`,
    method: write ? 'POST' : 'GET',
    url: `{{webApiUrl}}/${table}${write ? '' : `?$select=name,createdon&$filter=statecode eq 0 and contains(name,'x${i}')&$top=50`}`,
    headers: [
      { key: 'Accept', value: 'application/json' },
      { key: 'Prefer', value: 'odata.include-annotations="*"' },
      ...(write ? [{ key: 'Content-Type', value: 'application/json' }] : [])
    ],
    body: write ? `{\n  "name": "Generated ${i}",\n  "description": "Request number ${i}"\n}\n` : ''
  })
}

async function collectionBench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'orgbench-bench-collection-'))
  const dir = join(root, 'Big')
  const N = 3000
  for (let f = 0; f < 30; f++) mkdirSync(join(dir, `Folder ${f}`, 'Sub'), { recursive: true })
  for (let i = 0; i < N; i++) {
    const folder = join(dir, `Folder ${i % 30}`, i % 3 === 0 ? 'Sub' : '')
    writeFileSync(join(folder, `Request ${i}.request.yaml`), serializeRequest(generated(i)))
  }
  const opens: number[] = []
  const checks: number[] = []
  let count = 0
  for (let round = 0; round < 3; round++) {
    const store = new CollectionStore({ dataDir: root, trash: 'collection' })
    const t = performance.now()
    const tree = await store.openDir(dir)
    opens.push(performance.now() - t)
    count = tree.requestCount
    const t2 = performance.now()
    await store.validated(dir)
    checks.push(performance.now() - t2)
    await store.dispose()
  }

  const store = new CollectionStore({ dataDir: root, trash: 'collection' })
  await store.openDir(dir)
  const c = await store.get(dir)
  const path = 'Folder 1/Request 1.request.yaml'
  let { request, hash } = await c.read(path)
  const saves: number[] = []
  for (let i = 0; i < 60; i++) {
    const changed = { ...request, headers: [...request.headers.slice(0, 1), { key: 'Prefer', value: `odata.maxpagesize=${i + 1}`, enabled: true }] }
    const t = performance.now()
    const saved = await c.save(path, changed, hash)
    saves.push(performance.now() - t)
    hash = saved.hash
    request = changed
  }

  // The part of a save that is the shared atomic write (temporary file, fsync, rename, fsync of the folder).
  const writes: number[] = []
  const text = serializeRequest(request)
  for (let i = 0; i < 60; i++) {
    const t = performance.now()
    await writeFileAtomic(join(dir, 'Folder 2', 'probe.txt'), text, 0o644)
    writes.push(performance.now() - t)
  }

  const queries = ['acc', 'accounts', 'create con', 'list opp 12', 'statecode', 'x2999', 'nothing-matches', 'post', 'filter name', 'incidents 7']
  const t0 = performance.now()
  await store.search('a')
  const firstQuery = performance.now() - t0
  const times: number[] = []
  for (let round = 0; round < 20; round++) {
    for (const q of queries) {
      // Keystroke by keystroke, as the search box asks.
      for (let n = 1; n <= q.length; n++) {
        const t = performance.now()
        await store.search(q.slice(0, n))
        times.push(performance.now() - t)
      }
    }
  }
  await store.dispose()
  rmSync(root, { recursive: true, force: true })

  console.log(`collections: ${N.toLocaleString('en')} request files in 60 folders`)
  console.log(`  open and build the tree:  median ${median(opens).toFixed(0)} ms (3 runs: ${opens.map((o) => o.toFixed(0)).join(', ')} ms; ${count} requests)  (target ≤ 1 s)`)
  console.log(`  then check every file:    median ${median(checks).toFixed(0)} ms in the background (full YAML parse and validation, after the tree is shown)`)
  console.log(`  save a request:           median ${median(saves).toFixed(2)} ms, worst ${Math.max(...saves).toFixed(2)} ms (60 saves: conflict check, YAML, atomic write with fsync)  (target ≤ 10 ms)`)
  console.log(`    of which the atomic write alone (store/files.ts: fsync of the file and the folder): median ${median(writes).toFixed(2)} ms`)
  console.log(`  search per keystroke:     median ${median(times).toFixed(2)} ms, worst ${Math.max(...times).toFixed(2)} ms over ${times.length} queries; the first query ${firstQuery.toFixed(1)} ms (builds the index)  (target ≤ 16 ms)`)
}

function historyEntry(i: number): HistoryEntry {
  const table = TABLES[i % TABLES.length]!
  const url = `https://contoso.crm.dynamics.com/api/data/v9.2/${table}?$select=name&$top=${i % 50}`
  return {
    id: randomUUID(),
    at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    method: 'GET',
    url,
    name: `List ${table}`,
    status: i % 17 === 0 ? 404 : 200,
    ms: 20 + (i % 80),
    size: 512 + (i % 2048),
    environmentName: i % 3 === 0 ? 'Contoso DEV' : 'Contoso TEST',
    error: null,
    environmentId: 'env',
    collection: null,
    request: { name: `List ${table}`, method: 'GET', url: `{{webApiUrl}}/${table}?$select=name&$top=${i % 50}`, headers: [{ key: 'Accept', value: 'application/json', enabled: true }], body: '', auth: { mode: 'inherit' }, description: '' },
    sentHeaders: [
      ['Host', 'contoso.crm.dynamics.com'],
      ['Accept', 'application/json'],
      ['Authorization', 'Bearer eyJ0••••••••(1734 chars)']
    ],
    response: { headers: [['content-type', 'application/json; odata.metadata=minimal']], body: `{"@odata.context":"…/$metadata#${table}(name)","value":[{"name":"Row ${i}"}]}`, truncated: false, contentType: 'application/json' }
  }
}

async function historyBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orgbench-bench-history-'))
  const file = join(dir, 'history.jsonl')
  const N = 100_000
  const lines: string[] = []
  for (let i = 0; i < N; i++) lines.push(historyLine(historyEntry(i)).line)
  writeFileSync(file, lines.join(''))
  lines.length = 0
  const size = statSync(file).size
  const opens: number[] = []
  let total = 0
  for (let round = 0; round < 3; round++) {
    const h = new HistoryStore({ file })
    const t = performance.now()
    total = (await h.list({ limit: 200 })).total
    opens.push(performance.now() - t)
  }
  const h = new HistoryStore({ file })
  const tw = performance.now()
  await h.warm()
  const warmMs = performance.now() - tw
  const panel: number[] = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    await h.list({ limit: 200, offset: i * 200 })
    panel.push(performance.now() - t)
  }
  const searches: number[] = []
  let hits = 0
  for (const q of ['contacts', 'contoso dev 404', 'top=7', 'opportunities test', 'nothing-like-this', 'get leads']) {
    const t = performance.now()
    hits += (await h.list({ query: q, limit: 200 })).total
    searches.push(performance.now() - t)
  }
  const { entries } = await h.list({ limit: 1 })
  const t = performance.now()
  await h.get(entries[0]!.id)
  const openOne = performance.now() - t
  rmSync(dir, { recursive: true, force: true })
  console.log(`history: ${N.toLocaleString('en')} sends (${(size / 1024 / 1024).toFixed(1)} MB history.jsonl)`)
  console.log(`  cold open (read the file, index every line, first page of 200):  median ${median(opens).toFixed(0)} ms (3 runs: ${opens.map((o) => o.toFixed(0)).join(', ')} ms; ${total} entries)`)
  console.log(`  the app reads the index at start (${warmMs.toFixed(0)} ms, in the background); then opening the panel (a page of 200): median ${median(panel).toFixed(1)} ms  (target ≤ 100 ms)`)
  console.log(`  search:  median ${median(searches).toFixed(1)} ms, worst ${Math.max(...searches).toFixed(1)} ms (${searches.length} queries over ${total.toLocaleString('en')} sends, ${hits} matches)  (target ≤ 100 ms)`)
  console.log(`  open one entry (its detail from its place in the file):  ${openOne.toFixed(2)} ms`)
}

export async function collectionsBench(): Promise<void> {
  await collectionBench()
  console.log('')
  await historyBench()
}

if (process.argv[1]?.endsWith('collections.ts')) void collectionsBench()

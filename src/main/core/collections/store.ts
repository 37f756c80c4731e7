/**
 * The collections the user opened (their folders, remembered in `collections.json` in the data folder), loaded on
 * first use, watched while open, searched through one in-memory index of names and URLs.
 */
import { promises as fs } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { z } from 'zod'
import type { CollectionChange, CollectionSummary, CollectionTree, SearchHit } from '../../../shared/collections'
import { AppError } from '../../../shared/errors'
import { formatJson, readJsonValidated, writeFileAtomic } from '../store/files'
import { Collection } from './collection'
import { COLLECTION_FILE, FOLDER_FILE, parseCollectionFile, REQUEST_SUFFIX } from './format'
import { parentOf } from './names'
import { ignoredName, type Entry } from './scan'
import type { TrashMode } from './trash'
import { watchFolder, type Watch } from './watcher'

const Registry = z.object({ schemaVersion: z.literal(1), dirs: z.array(z.string()).default([]) })

export interface CollectionStoreOptions {
  dataDir: string
  trash?: TrashMode
  /** Watch open collections for external changes (the app, the harness); the CLI does not. */
  watch?: boolean
  debounceMs?: number
  onChange?: (change: CollectionChange) => void
  log?: (message: string, error?: unknown) => void
}

interface Open {
  collection: Collection
  watch: Watch | null
  /** Done parsing the files the quick path only summarised. */
  validated: Promise<void>
  /** Watcher events are handled one batch at a time. */
  queue: Promise<void>
}

export class CollectionStore {
  private readonly open = new Map<string, Promise<Open>>()
  private registry: string[] | null = null
  private readonly file: string

  constructor(private readonly options: CollectionStoreOptions) {
    this.file = join(options.dataDir, 'collections.json')
  }

  private async dirs(): Promise<string[]> {
    if (this.registry) return this.registry
    const read = await readJsonValidated(this.file, Registry)
    if (read.status === 'corrupt') this.options.log?.(`collections.json could not be read (${read.reason}); moved to ${read.movedTo}`)
    this.registry = read.status === 'ok' ? read.value.dirs : []
    return this.registry
  }

  private async remember(dirs: string[]): Promise<void> {
    this.registry = dirs
    await writeFileAtomic(this.file, formatJson({ schemaVersion: 1, dirs }))
  }

  async list(): Promise<CollectionSummary[]> {
    return Promise.all(
      (await this.dirs()).map(async (dir) => {
        const loaded = this.open.get(dir)
        if (loaded) {
          const o = await loaded.catch(() => null)
          if (o) return { dir, name: o.collection.name, available: true }
        }
        const available = await fs.stat(dir).then((s) => s.isDirectory(), () => false)
        const text = available ? await fs.readFile(join(dir, COLLECTION_FILE), 'utf8').catch(() => null) : null
        const parsed = text === null ? null : parseCollectionFile(text)
        return { dir, name: parsed?.ok ? parsed.value.name : basename(dir), available }
      })
    )
  }

  /** Makes `dir` a collection (the folder is created when missing) and opens it. */
  async create(dir: string, name: string): Promise<CollectionTree> {
    const full = resolve(dir)
    await fs.mkdir(full, { recursive: true })
    if (await fs.stat(join(full, COLLECTION_FILE)).then(() => true, () => false)) throw new AppError('conflict', `${full} is a collection already: open it instead.`)
    const c = new Collection(full, { trash: this.options.trash ?? 'os' })
    await c.updateSettings({ name: name.trim() || basename(full) })
    return this.openDir(full)
  }

  /** Opens a folder as a collection and remembers it. */
  async openDir(dir: string): Promise<CollectionTree> {
    const full = resolve(dir)
    const tree = (await this.get(full)).tree()
    const dirs = await this.dirs()
    if (!dirs.includes(full)) await this.remember([...dirs, full])
    return tree
  }

  async close(dir: string): Promise<boolean> {
    const full = resolve(dir)
    const loaded = this.open.get(full)
    this.open.delete(full)
    if (loaded) (await loaded.catch(() => null))?.watch?.close()
    const dirs = await this.dirs()
    if (!dirs.includes(full)) return Boolean(loaded)
    await this.remember(dirs.filter((d) => d !== full))
    return true
  }

  /** A collection, loaded (and watched) on first use; opened or not. */
  async get(dir: string): Promise<Collection> {
    return (await this.load(resolve(dir))).collection
  }

  /** Resolves when every file of the collection has been parsed (problems found by then are in its tree). */
  async validated(dir: string): Promise<void> {
    await (await this.load(resolve(dir))).validated
  }

  private load(full: string): Promise<Open> {
    let loading = this.open.get(full)
    if (!loading) {
      loading = (async () => {
        const collection = new Collection(full, { trash: this.options.trash ?? 'os' })
        await collection.load()
        const o: Open = { collection, watch: null, validated: Promise.resolve(), queue: Promise.resolve() }
        o.validated = new Promise<void>((done) => setImmediate(done))
          .then(() => collection.validate())
          .then((bad) => {
            if (bad.length) this.options.onChange?.({ dir: full, paths: bad, tree: true })
          })
          .catch((error) => this.options.log?.(`Checking the files of ${full} failed`, error))
        if (this.options.watch) {
          o.watch = watchFolder(full, (paths) => (o.queue = o.queue.then(() => this.external(o, paths)).catch((e) => this.options.log?.('Following a change on disk failed', e))), this.options.debounceMs, (e) => this.options.log?.(`Watching ${full}`, e), ignoredName)
        }
        return o
      })()
      this.open.set(full, loading)
      loading.catch(() => this.open.delete(full))
    }
    return loading
  }

  /** Files changed on disk by someone else: read them again and tell the renderer which. */
  private async external(o: Open, paths: string[] | null): Promise<void> {
    const c = o.collection
    const changed = new Set<string>()
    let tree = false
    if (paths === null) {
      const r = await c.rescan('')
      return this.options.onChange?.({ dir: c.dir, paths: r.changed, tree: true })
    }
    // A deeper path first would be read twice when its folder is read again too: folders win.
    const items = [...new Set(paths)].filter((p) => p.split('/').every((s) => !ignoredName(s)))
    for (const path of items) {
      if (path === COLLECTION_FILE) {
        tree = (await c.loadSettings()) || tree
        continue
      }
      if (path.endsWith('/' + FOLDER_FILE)) {
        await c.reloadOrder(parentOf(path))
        tree = true
        continue
      }
      const isFolder = !path.endsWith(REQUEST_SUFFIX) && (c.folders.has(path) || (await fs.stat(c.file(path)).then((s) => s.isDirectory(), () => false)))
      if (!path.endsWith(REQUEST_SUFFIX) && !isFolder) continue
      if (isFolder && items.some((other) => other !== path && path.startsWith(other + '/'))) continue
      const r = await c.rescan(path)
      r.changed.forEach((p) => changed.add(p))
      tree = tree || r.tree
    }
    if (changed.size || tree) this.options.onChange?.({ dir: c.dir, paths: [...changed], tree })
  }

  async tree(dir: string): Promise<CollectionTree> {
    return (await this.get(dir)).tree()
  }

  /** Collection variables by name, enabled ones only; none when the folder is gone (a tab outlives its file). */
  async variables(dir: string): Promise<Map<string, string>> {
    const c = await this.get(dir).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') return null
      throw error
    })
    if (!c) return new Map()
    return new Map(c.variables.filter((v) => v.enabled).map((v) => [v.key, v.value]))
  }

  /**
   * Requests whose name, method or URL hold every word of the query (any case), across the open collections or
   * one; names that start with the query first.
   */
  async search(query: string, options: { dir?: string | undefined; limit?: number } = {}): Promise<SearchHit[]> {
    const dirs = options.dir ? [resolve(options.dir)] : await this.dirs()
    const collections = (await Promise.all(dirs.map((d) => this.load(d).catch(() => null)))).filter((o): o is Open => o !== null)
    return searchEntries(
      collections.map((o) => o.collection),
      query,
      options.limit ?? 200
    )
  }

  async dispose(): Promise<void> {
    const all = [...this.open.values()]
    this.open.clear()
    for (const o of await Promise.all(all.map((p) => p.catch(() => null)))) {
      o?.watch?.close()
      await o?.queue
    }
  }
}

/** Lower-cased "name method url" per entry, kept with the entry object it was made from. */
const haystacks = new WeakMap<object, string>()

export function searchEntries(collections: Collection[], query: string, limit: number): SearchHit[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  const first = words[0] ?? ''
  const hits: { dir: string; path: string; e: Entry; rank: number; key: string }[] = []
  for (const c of collections) {
    for (const [path, e] of c.entries) {
      let hay = haystacks.get(e)
      if (hay === undefined) {
        hay = `${e.name}\n${e.method} ${e.url}`.toLowerCase()
        haystacks.set(e, hay)
      }
      if (!words.every((w) => hay.includes(w))) continue
      const rank = hay.startsWith(first) ? 0 : hay.indexOf(first) < e.name.length ? 1 : 2
      hits.push({ dir: c.dir, path, e, rank, key: hay })
    }
  }
  hits.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return hits.slice(0, limit).map((h) => ({ dir: h.dir, path: h.path, name: h.e.name, method: h.e.method, url: h.e.url }))
}

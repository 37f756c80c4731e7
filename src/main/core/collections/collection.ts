/**
 * One collection folder: its requests' summaries in memory (for the tree and search), and every operation on its
 * files. Writes are atomic; a save against a file that changed on disk since it was read fails with `conflict`
 * and both versions; a file that cannot be read is reported and left alone.
 */
import { promises as fs } from 'node:fs'
import { basename, join } from 'node:path'
import { SavedRequest, type CollectionTree, type DeleteResult, type SavedRequestData, type CollectionVariable } from '../../../shared/collections'
import { AppError } from '../../../shared/errors'
import { writeFileAtomic } from '../store/files'
import { COLLECTION_FILE, FOLDER_FILE, hashText, parseCollectionFile, parseFolderFile, parseRequest, REQUEST_SUFFIX, serializeCollectionFile, serializeFolderFile, serializeRequest, type CollectionFile } from './format'
import { absolute, baseOf, checkItemPath, joinPath, parentOf, requestFileName, safeName, uniqueName } from './names'
import { pool, readEntry, scan, type Entry } from './scan'
import { findLiteralSecrets } from './secrets'
import { collectionTrash, osTrash, restoreFromTrash, type TrashMode } from './trash'
import { buildTree, shownOrder } from './tree'

export interface CollectionOptions {
  /** 'os' tries the OS trash first; 'collection' always uses the collection's .trash folder (tests, or by choice). */
  trash: TrashMode
}

export class Collection {
  entries = new Map<string, Entry>()
  folders = new Set<string>()
  folderOrder = new Map<string, string[]>()
  problems = new Map<string, string>()
  settings: CollectionFile
  /** Hashes this process wrote last, per path: the watcher's echo of our own writes is not an external edit. */
  private settingsHash: string | null = null

  constructor(
    readonly dir: string,
    private readonly options: CollectionOptions
  ) {
    this.settings = { orgbench: 'collection', schemaVersion: 1, name: basename(dir) || dir, variables: [], order: [] }
  }

  async load(): Promise<void> {
    let stat
    try {
      stat = await fs.stat(this.dir)
    } catch {
      throw new AppError('not_found', `The folder ${this.dir} does not exist (moved, deleted, or on a drive that is not connected).`)
    }
    if (!stat.isDirectory()) throw new AppError('invalid_input', `${this.dir} is a file, not a folder: pick the folder that holds the collection.`)
    const [result] = await Promise.all([scan(this.dir), this.loadSettings()])
    this.entries = result.entries
    this.folders = result.folders
    this.folderOrder = result.folderOrder
    for (const [k, v] of result.problems) this.problems.set(k, v)
  }

  async loadSettings(): Promise<boolean> {
    let text: string
    try {
      text = await fs.readFile(join(this.dir, COLLECTION_FILE), 'utf8')
    } catch {
      this.problems.delete(COLLECTION_FILE)
      return false
    }
    const hash = hashText(text)
    if (hash === this.settingsHash) return false
    this.settingsHash = hash
    const parsed = parseCollectionFile(text)
    if (parsed.ok) {
      this.settings = parsed.value
      this.problems.delete(COLLECTION_FILE)
    } else this.problems.set(COLLECTION_FILE, parsed.reason)
    return true
  }

  /** Parses every file the quick path summarised; returns the paths found invalid. Run after the tree is shown. */
  async validate(): Promise<string[]> {
    const bad: string[] = []
    const pending = [...this.entries].filter(([, e]) => e.unchecked).map(([p]) => p)
    await pool(pending, 8, async (path) => {
      const outcome = await readEntry(this.file(path), true)
      const now = this.entries.get(path)
      if (!now?.unchecked) return
      if (outcome.ok) {
        if (outcome.entry.hash === now.hash) now.unchecked = false
      } else if (!('missing' in outcome) && outcome.hash === now.hash) {
        this.entries.delete(path)
        this.problems.set(path, outcome.reason)
        bad.push(path)
      }
    })
    return bad
  }

  get name(): string {
    return this.settings.name
  }

  get variables(): CollectionVariable[] {
    return this.settings.variables
  }

  tree(): CollectionTree {
    const root = buildTree(this.name, this.entries, this.folders, (f) => (f === '' ? this.settings.order : (this.folderOrder.get(f) ?? [])))
    return {
      dir: this.dir,
      name: this.name,
      variables: this.settings.variables,
      root,
      requestCount: this.entries.size,
      problems: [...this.problems].map(([path, reason]) => ({ path, reason }))
    }
  }

  file(path: string): string {
    return absolute(this.dir, path)
  }

  async read(path: string): Promise<{ request: SavedRequestData; hash: string; migratedFrom: number | null }> {
    const clean = checkItemPath(path, 'request')
    let text: string
    try {
      text = await fs.readFile(this.file(clean), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('not_found', `"${clean}" is no longer in the collection (deleted, moved or renamed on disk).`)
      throw new AppError('storage_error', `Could not read "${clean}": ${(error as Error).message}`)
    }
    const parsed = parseRequest(text)
    const hash = hashText(text)
    if (!parsed.ok) {
      this.problems.set(clean, parsed.reason)
      this.entries.delete(clean)
      throw new AppError('invalid_input', `"${clean}" cannot be opened: ${parsed.reason}. Fix the file (it was left as it is).`, { path: clean, reason: parsed.reason })
    }
    this.problems.delete(clean)
    this.entries.set(clean, { name: parsed.value.name, method: parsed.value.method, url: parsed.value.url, hash, unchecked: false })
    return { request: parsed.value, hash, migratedFrom: parsed.migratedFrom }
  }

  /**
   * Saves a request to `path`. `baseHash` is the hash it was read with: when the file changed on disk since, the
   * save fails with `conflict` and both versions; null creates the file (a conflict if one exists with other content).
   */
  async save(path: string, input: SavedRequest, baseHash: string | null): Promise<{ path: string; hash: string }> {
    const clean = checkItemPath(path, 'request')
    const request = SavedRequest.parse(input)
    refuseLiteralSecrets(request)
    const text = serializeRequest(request)
    const hash = hashText(text)
    const current = await readText(this.file(clean))
    if (current !== null && hashText(current) !== hash && hashText(current) !== baseHash) {
      const diskRequest = parseRequest(current)
      throw new AppError('conflict', `"${clean}" changed on disk since it was opened. Keep yours (save again to overwrite) or reload the file's version.`, {
        path: clean,
        diskHash: hashText(current),
        disk: diskRequest.ok ? diskRequest.value : null,
        diskText: current.length <= 1_000_000 ? current : null,
        yours: request
      })
    }
    if (current === null && baseHash !== null) {
      throw new AppError('conflict', `"${clean}" was deleted or moved on disk since it was opened. Save it again to write it back.`, { path: clean, diskHash: null, disk: null, diskText: null, yours: request })
    }
    if (current === null || hashText(current) !== hash) await this.write(clean, text)
    this.problems.delete(clean)
    this.entries.set(clean, { name: request.name, method: request.method, url: request.url, hash, unchecked: false })
    for (let f = parentOf(clean); f !== ''; f = parentOf(f)) this.folders.add(f)
    return { path: clean, hash }
  }

  /** A new request in `folder`, named after the request; the file name is made unique. */
  async add(folder: string, input: SavedRequest): Promise<{ path: string; hash: string }> {
    const parent = checkItemPath(folder, 'folder')
    const request = SavedRequest.parse(input)
    refuseLiteralSecrets(request)
    const name = uniqueName(requestFileName(request.name).slice(0, -REQUEST_SUFFIX.length), REQUEST_SUFFIX, this.takenIn(parent))
    return this.save(joinPath(parent, name), request, null)
  }

  async newFolder(parent: string, name: string): Promise<{ path: string }> {
    const folder = checkItemPath(parent, 'folder')
    const base = uniqueName(safeName(name), '', this.takenIn(folder))
    const path = joinPath(folder, base)
    await fs.mkdir(this.file(path), { recursive: true })
    this.folders.add(path)
    return { path }
  }

  /** Renames a request (its name and its file) or a folder. */
  async rename(path: string, newName: string): Promise<{ path: string }> {
    const clean = checkItemPath(path)
    if (!newName.trim()) throw new AppError('invalid_input', 'Give it a name.')
    if (clean.endsWith(REQUEST_SUFFIX)) {
      const { request, hash } = await this.read(clean)
      const parent = parentOf(clean)
      const base = requestFileName(newName).slice(0, -REQUEST_SUFFIX.length)
      const own = baseOf(clean).toLowerCase()
      const fileName = uniqueName(base, REQUEST_SUFFIX, (n) => n !== own && this.takenIn(parent)(n))
      const target = joinPath(parent, fileName)
      const saved = await this.save(clean, { ...request, name: newName.trim() }, hash)
      if (target !== clean) await this.relocate(saved.path, target)
      return { path: target }
    }
    if (clean === '') throw new AppError('invalid_input', 'Rename the collection in its settings.')
    const parent = parentOf(clean)
    const own = baseOf(clean).toLowerCase()
    const target = joinPath(parent, uniqueName(safeName(newName), '', (n) => n !== own && this.takenIn(parent)(n)))
    if (target !== clean) await this.relocate(clean, target)
    return { path: target }
  }

  /** Moves an item into `toFolder`; with `index`, at that position of the folder's order (written to its order file). */
  async move(path: string, toFolder: string, index?: number): Promise<{ path: string }> {
    const clean = checkItemPath(path)
    const folder = checkItemPath(toFolder, 'folder')
    if (clean === '') throw new AppError('invalid_input', 'The collection itself cannot be moved here.')
    if (!clean.endsWith(REQUEST_SUFFIX) && (folder === clean || folder.startsWith(clean + '/'))) throw new AppError('invalid_input', 'A folder cannot be moved into itself.')
    if (folder !== '' && !this.folders.has(folder)) throw new AppError('not_found', `There is no folder "${folder}" in the collection.`)
    let target = clean
    if (parentOf(clean) !== folder) {
      const base = baseOf(clean)
      const suffix = base.endsWith(REQUEST_SUFFIX) ? REQUEST_SUFFIX : ''
      target = joinPath(folder, uniqueName(base.slice(0, base.length - suffix.length), suffix, this.takenIn(folder)))
      await this.relocate(clean, target)
    }
    if (index !== undefined) {
      const order = shownOrder(this.tree().root, folder).filter((n) => n !== baseOf(target))
      order.splice(Math.max(0, Math.min(index, order.length)), 0, baseOf(target))
      await this.writeOrder(folder, order)
    }
    return { path: target }
  }

  async duplicate(path: string): Promise<{ path: string }> {
    const clean = checkItemPath(path)
    if (clean.endsWith(REQUEST_SUFFIX)) {
      const { request } = await this.read(clean)
      const copy = await this.add(parentOf(clean), { ...request, name: `${request.name} (copy)` })
      await this.placeAfter(clean, copy.path)
      return { path: copy.path }
    }
    if (clean === '') throw new AppError('invalid_input', 'Duplicate the collection by copying its folder.')
    const parent = parentOf(clean)
    const target = joinPath(parent, uniqueName(`${baseOf(clean)} (copy)`, '', this.takenIn(parent)))
    await fs.cp(this.file(clean), this.file(target), { recursive: true, errorOnExist: true, force: false })
    await this.rescan(target)
    await this.placeAfter(clean, target)
    return { path: target }
  }

  async delete(path: string): Promise<DeleteResult> {
    const clean = checkItemPath(path)
    if (clean === '') throw new AppError('invalid_input', 'Close the collection instead, or delete its folder yourself.')
    const full = this.file(clean)
    if (!(await fs.stat(full).then(() => true, () => false))) throw new AppError('not_found', `"${clean}" is no longer in the collection.`)
    let result: DeleteResult
    if (this.options.trash === 'os' && (await osTrash(full))) result = { path: clean, trash: 'os', undoToken: null }
    else result = { path: clean, trash: 'collection', undoToken: await collectionTrash(this.dir, clean) }
    this.forget(clean)
    await this.dropFromOrder(clean)
    return result
  }

  async undoDelete(token: string): Promise<{ path: string }> {
    const path = await restoreFromTrash(this.dir, token)
    await this.rescan(path)
    return { path }
  }

  async updateSettings(patch: { name?: string | undefined; variables?: CollectionVariable[] | undefined }): Promise<void> {
    this.settings = { ...this.settings, ...(patch.name !== undefined ? { name: patch.name.trim() } : {}), ...(patch.variables ? { variables: patch.variables } : {}) }
    await this.writeSettings()
  }

  /** Re-reads a file or folder from disk (after an external change); returns the request paths whose content changed. */
  async rescan(path: string): Promise<{ changed: string[]; tree: boolean }> {
    const stat = await fs.stat(this.file(path)).catch(() => null)
    if (path.endsWith(REQUEST_SUFFIX) && (!stat || stat.isFile())) {
      const before = this.entries.get(path)
      const hadProblem = this.problems.has(path)
      const outcome = stat ? await readEntry(this.file(path), false) : ({ ok: false, missing: true } as const)
      if (outcome.ok) {
        if (before?.hash === outcome.entry.hash) return { changed: [], tree: false }
        this.entries.set(path, outcome.entry)
        this.problems.delete(path)
        return { changed: [path], tree: !before || before.name !== outcome.entry.name || before.method !== outcome.entry.method || before.url !== outcome.entry.url || hadProblem }
      }
      this.entries.delete(path)
      if ('missing' in outcome) {
        this.problems.delete(path)
        return { changed: before ? [path] : [], tree: Boolean(before) || hadProblem }
      }
      this.problems.set(path, outcome.reason)
      return { changed: [path], tree: true }
    }
    const old = [...this.entries].filter(([p]) => p === path || p.startsWith(path + '/'))
    this.forget(path)
    if (!stat?.isDirectory()) return { changed: old.map(([p]) => p), tree: old.length > 0 || this.folders.has(path) }
    const found = await scan(this.dir, path)
    this.folders.add(path)
    for (let f = parentOf(path); f !== ''; f = parentOf(f)) this.folders.add(f)
    for (const f of found.folders) this.folders.add(f)
    for (const [p, e] of found.entries) this.entries.set(p, e)
    for (const [f, o] of found.folderOrder) this.folderOrder.set(f, o)
    for (const [p, r] of found.problems) this.problems.set(p, r)
    const before = new Map(old)
    const changed = [...found.entries].filter(([p, e]) => before.get(p)?.hash !== e.hash).map(([p]) => p)
    for (const [p] of old) if (!found.entries.has(p)) changed.push(p)
    return { changed, tree: true }
  }

  /** Reads a folder's order file again (after an external change). */
  async reloadOrder(folder: string): Promise<void> {
    const path = joinPath(folder, FOLDER_FILE)
    const text = await readText(this.file(path)).catch(() => null)
    if (text === null) {
      this.folderOrder.delete(folder)
      this.problems.delete(path)
      return
    }
    const parsed = parseFolderFile(text)
    if (parsed.ok) {
      this.folderOrder.set(folder, parsed.value.order)
      this.problems.delete(path)
    } else this.problems.set(path, parsed.reason)
  }

  private forget(path: string): void {
    for (const p of [...this.entries.keys()]) if (p === path || p.startsWith(path + '/')) this.entries.delete(p)
    for (const p of [...this.problems.keys()]) if (p === path || p.startsWith(path + '/')) this.problems.delete(p)
    for (const f of [...this.folders]) if (f === path || f.startsWith(path + '/')) this.folders.delete(f)
    for (const f of [...this.folderOrder.keys()]) if (f === path || f.startsWith(path + '/')) this.folderOrder.delete(f)
  }

  private takenIn(folder: string): (lowerName: string) => boolean {
    const names = new Set<string>()
    for (const p of this.entries.keys()) if (parentOf(p) === folder) names.add(baseOf(p).toLowerCase())
    for (const p of this.problems.keys()) if (parentOf(p) === folder) names.add(baseOf(p).toLowerCase())
    for (const f of this.folders) if (parentOf(f) === folder) names.add(baseOf(f).toLowerCase())
    return (n) => names.has(n) || n === COLLECTION_FILE || n === FOLDER_FILE
  }

  /** Renames on disk and in memory; order lists follow the item. */
  private async relocate(from: string, to: string): Promise<void> {
    if (await fs.stat(this.file(to)).then(() => true, () => false)) {
      // Only a change of case on a case-insensitive file system lands here; anything else is a real clash.
      if (from.toLowerCase() !== to.toLowerCase()) throw new AppError('conflict', `"${to}" exists already.`)
    }
    await fs.mkdir(this.file(parentOf(to)), { recursive: true })
    await fs.rename(this.file(from), this.file(to))
    const moved = [...this.entries].filter(([p]) => p === from || p.startsWith(from + '/'))
    const folders = [...this.folders].filter((f) => f === from || f.startsWith(from + '/'))
    const orders = [...this.folderOrder].filter(([f]) => f === from || f.startsWith(from + '/'))
    this.forget(from)
    for (const [p, e] of moved) this.entries.set(to + p.slice(from.length), e)
    for (const f of folders) this.folders.add(to + f.slice(from.length))
    for (const [f, o] of orders) this.folderOrder.set(to + f.slice(from.length), o)
    const [oldParent, newParent] = [parentOf(from), parentOf(to)]
    const order = this.orderOf(oldParent)
    const at = order.indexOf(baseOf(from))
    if (at >= 0) {
      if (oldParent === newParent) order[at] = baseOf(to)
      else order.splice(at, 1)
      await this.writeOrder(oldParent, order)
    }
  }

  private orderOf(folder: string): string[] {
    return [...(folder === '' ? this.settings.order : (this.folderOrder.get(folder) ?? []))]
  }

  private async placeAfter(original: string, copy: string): Promise<void> {
    const folder = parentOf(original)
    const order = this.orderOf(folder)
    const at = order.indexOf(baseOf(original))
    if (at < 0) return
    order.splice(at + 1, 0, baseOf(copy))
    await this.writeOrder(folder, order)
  }

  private async dropFromOrder(path: string): Promise<void> {
    const folder = parentOf(path)
    const order = this.orderOf(folder)
    if (!order.includes(baseOf(path))) return
    await this.writeOrder(folder, order.filter((n) => n !== baseOf(path)))
  }

  /** The order of a folder's items (names of files and folders), as shown in the tree. */
  async setOrder(folder: string, order: string[]): Promise<void> {
    await this.writeOrder(checkItemPath(folder, 'folder'), order)
  }

  private async writeOrder(folder: string, order: string[]): Promise<void> {
    if (folder === '') {
      this.settings = { ...this.settings, order }
      await this.writeSettings()
      return
    }
    this.folderOrder.set(folder, order)
    await this.write(joinPath(folder, FOLDER_FILE), serializeFolderFile({ orgbench: 'folder', schemaVersion: 1, order }))
  }

  private async writeSettings(): Promise<void> {
    const text = serializeCollectionFile(this.settings)
    this.settingsHash = hashText(text)
    await this.write(COLLECTION_FILE, text)
  }

  private async write(path: string, text: string): Promise<void> {
    try {
      await writeFileAtomic(this.file(path), text, 0o644)
    } catch (error) {
      throw new AppError('storage_error', `Could not write "${path}" in ${this.dir}: ${(error as Error).message}`)
    }
  }
}

async function readText(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new AppError('storage_error', `Could not read ${file}: ${(error as Error).message}`)
  }
}

function refuseLiteralSecrets(request: SavedRequestData): void {
  const found = findLiteralSecrets(request)
  if (!found.length) return
  throw new AppError(
    'invalid_input',
    `Collection files are shared, so credentials are written only as {{variables}}: put the value of the ${found.map((f) => f.where).join(', ')} in a secret environment variable and write ${found.map((f) => `{{${f.suggested}}}`).join(', ')} instead.`,
    { secrets: found.map((f) => ({ where: f.where, suggested: f.suggested })) }
  )
}

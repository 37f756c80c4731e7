/** Reading a collection's folder: every request file (in parallel, a bounded pool), the folders and their order files. */
import { promises as fs, type Dirent } from 'node:fs'
import { join } from 'node:path'
import type { HttpMethod } from '../../../shared/http'
import { COLLECTION_FILE, FOLDER_FILE, hashText, MAX_REQUEST_FILE_BYTES, parseFolderFile, parseRequest, quickSummary, REQUEST_SUFFIX } from './format'
import { joinPath } from './names'

export interface Entry {
  name: string
  method: HttpMethod
  url: string
  /** Of the file's bytes as last read or written: how a save tells an external edit from its own read. */
  hash: string
  /** Read by the quick path only: the whole file is still to be validated. */
  unchecked: boolean
}

export interface ScanResult {
  entries: Map<string, Entry>
  folders: Set<string>
  folderOrder: Map<string, string[]>
  problems: Map<string, string>
}

const MAX_DEPTH = 24
const POOL = 32
/** A folder past these is not a collection someone picked on purpose (a home folder, a drive): say so, read no further. */
const MAX_FOLDERS = 10_000
const MAX_REQUESTS = 50_000

/** Hidden names (`.git`, `.trash`, our temporary files) and dependency folders are never part of a collection. */
export function ignoredName(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules'
}

/** Runs `work` over `items` with at most `size` at a time. */
export async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!)
    })
  )
}

export type ReadOutcome = { ok: true; entry: Entry; text: string } | { ok: false; reason: string; hash: string | null } | { ok: false; missing: true }

/** One request file: its summary (quick path, or the whole file parsed), or why it cannot be read. */
export async function readEntry(file: string, full: boolean): Promise<ReadOutcome> {
  let text: string
  try {
    const stat = await fs.stat(file)
    if (stat.size > MAX_REQUEST_FILE_BYTES) return { ok: false, reason: `too large for a request file (${stat.size} bytes)`, hash: null }
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, missing: true }
    return { ok: false, reason: `cannot be read (${(error as Error).message})`, hash: null }
  }
  return entryOf(text, full)
}

export function entryOf(text: string, full: boolean): ReadOutcome {
  const hash = hashText(text)
  const quick = full ? null : quickSummary(text)
  if (quick) return { ok: true, entry: { ...quick, hash, unchecked: true }, text }
  const parsed = parseRequest(text)
  if (!parsed.ok) return { ok: false, reason: parsed.reason, hash }
  const { name, method, url } = parsed.value
  return { ok: true, entry: { name, method, url, hash, unchecked: false }, text }
}

/** Everything under `dir` (or under its sub-folder `under`). */
export async function scan(dir: string, under = ''): Promise<ScanResult> {
  const result: ScanResult = { entries: new Map(), folders: new Set(), folderOrder: new Map(), problems: new Map() }
  const requestFiles: string[] = []
  const folderFiles: string[] = []
  const walk = async (folder: string, depth: number): Promise<void> => {
    let items: Dirent[]
    try {
      items = await fs.readdir(join(dir, ...folder.split('/').filter(Boolean)), { withFileTypes: true })
    } catch (error) {
      if (folder === under) throw error
      result.problems.set(folder, `folder cannot be read (${(error as Error).message})`)
      return
    }
    const subfolders: Promise<void>[] = []
    for (const item of items) {
      if (ignoredName(item.name)) continue
      const path = joinPath(folder, item.name)
      if (result.folders.size >= MAX_FOLDERS || requestFiles.length >= MAX_REQUESTS) {
        result.problems.set(under, `more than ${MAX_FOLDERS.toLocaleString('en')} folders or ${MAX_REQUESTS.toLocaleString('en')} requests: only part of this folder was read. Open the folder that holds just the collection.`)
        break
      }
      if (item.isDirectory()) {
        if (depth >= MAX_DEPTH) continue
        result.folders.add(path)
        subfolders.push(walk(path, depth + 1))
      } else if (item.isFile()) {
        if (item.name.endsWith(REQUEST_SUFFIX)) requestFiles.push(path)
        else if (item.name === FOLDER_FILE && folder !== '') folderFiles.push(path)
        else if (item.name === COLLECTION_FILE && folder !== '') result.problems.set(path, `${COLLECTION_FILE} is read only in the collection's own folder`)
      }
    }
    await Promise.all(subfolders)
  }
  await walk(under, 0)
  await pool(requestFiles, POOL, async (path) => {
    const outcome = await readEntry(join(dir, ...path.split('/')), false)
    if (outcome.ok) result.entries.set(path, outcome.entry)
    else if (!('missing' in outcome)) result.problems.set(path, outcome.reason)
  })
  await pool(folderFiles, POOL, async (path) => {
    const folder = path.slice(0, -(FOLDER_FILE.length + 1))
    try {
      const parsed = parseFolderFile(await fs.readFile(join(dir, ...path.split('/')), 'utf8'))
      if (parsed.ok) result.folderOrder.set(folder, parsed.value.order)
      else result.problems.set(path, parsed.reason)
    } catch (error) {
      result.problems.set(path, `cannot be read (${(error as Error).message})`)
    }
  })
  return result
}

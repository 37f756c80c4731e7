/**
 * Every send, in `history.jsonl` in the data folder: one line per send, appended, never rewritten except to drop
 * the oldest lines when the file passes its cap (the newest part is kept, atomically). Each line is
 * `{"v":1,<summary fields>,"detail":{…}}`: the summary comes first so that opening 100,000 sends parses only the
 * summaries (the bytes up to `,"detail":`, which no JSON string value can contain unescaped); an entry's detail is
 * read from its place in the file when it is opened. Secrets are masked before a line is written.
 */
import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { HistoryEntry, type HistorySummary } from '../../../shared/collections'
import { AppError } from '../../../shared/errors'
import { writeFileAtomic } from '../store/files'

export const HISTORY_VERSION = 1
/** About 100,000 typical sends. */
export const HISTORY_CAP_BYTES = 128 * 1024 * 1024
const DETAIL = Buffer.from(',"detail":')

export interface HistoryOptions {
  file: string
  /** The file is cut back to its newest part past this size. */
  capBytes?: number
  onAdded?: (summary: HistorySummary) => void
  log?: (message: string, error?: unknown) => void
}

interface Indexed {
  id: string
  offset: number
  length: number
  /** Bytes of the summary part (up to `,"detail":`). */
  head: number
  /** The summary part, lower-cased: what a search looks in. */
  hay: string
  /** Parsed when first shown (opening 100,000 sends parses none of them). */
  summary: HistorySummary | null
}

export type HistoryInput = Omit<HistoryEntry, 'id'>

export class HistoryStore {
  private index: Indexed[] | null = null
  private byId = new Map<string, Indexed>()
  private size = 0
  /** Lines that could not be read: left in the file, counted here. */
  skipped = 0
  private queue: Promise<unknown> = Promise.resolve()
  private readonly cap: number

  constructor(private readonly options: HistoryOptions) {
    this.cap = options.capBytes ?? HISTORY_CAP_BYTES
  }

  /** Reads the index now (the app does at start, so that the History panel opens at once). */
  async warm(): Promise<void> {
    await this.load().catch((error) => this.options.log?.('The history could not be read', error))
  }

  private async load(): Promise<Indexed[]> {
    if (this.index) return this.index
    let buf: Buffer
    try {
      buf = await fs.readFile(this.options.file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new AppError('storage_error', `Could not read the history (${this.options.file}): ${(error as Error).message}`)
      buf = Buffer.alloc(0)
    }
    const index: Indexed[] = []
    this.byId = new Map()
    this.skipped = 0
    let start = 0
    while (start < buf.length) {
      let end = buf.indexOf(10, start)
      if (end < 0) end = buf.length
      const item = indexAt(buf, start, end)
      if (item) {
        index.push(item)
        this.byId.set(item.id, item)
      } else if (end > start) this.skipped++
      start = end + 1
    }
    this.size = buf.length
    this.index = index
    return index
  }

  async record(input: HistoryInput): Promise<HistorySummary> {
    const run = this.queue.then(() => this.append(input))
    this.queue = run.catch(() => undefined)
    return run
  }

  private async append(input: HistoryInput): Promise<HistorySummary> {
    // Appending needs no index: a process that only records (the CLI) never reads the file, whatever its size.
    const index = this.index
    if (index) {
      // Another process (the CLI) may have appended since the index was read: read it again.
      const onDisk = await fs.stat(this.options.file).then((s) => s.size, () => 0)
      if (onDisk !== this.size) {
        this.index = null
        await this.load()
        return this.append(input)
      }
    }
    const entry = HistoryEntry.parse({ ...input, id: randomUUID() })
    const { summary, line } = historyLine(entry)
    const bytes = Buffer.from(line)
    await fs.appendFile(this.options.file, bytes, { mode: 0o600 })
    if (index) {
      const head = Buffer.byteLength(line.slice(0, line.indexOf(',"detail":')))
      const item: Indexed = { id: summary.id, offset: this.size, length: bytes.length - 1, head, hay: line.slice(0, line.indexOf(',"detail":')).toLowerCase(), summary }
      index.push(item)
      this.byId.set(summary.id, item)
      this.size += bytes.length
    } else {
      this.size = await fs.stat(this.options.file).then((s) => s.size, () => bytes.length)
    }
    if (this.size > this.cap) await this.rotate()
    this.options.onAdded?.(summary)
    return summary
  }

  /** Keeps the newest three quarters of the cap, cut at a line boundary. */
  private async rotate(): Promise<void> {
    const buf = await fs.readFile(this.options.file)
    let cut = buf.length - Math.floor(this.cap * 0.75)
    cut = buf.indexOf(10, Math.max(0, cut))
    if (cut < 0) return
    cut += 1
    await writeFileAtomic(this.options.file, buf.subarray(cut))
    if (this.index) {
      const kept = this.index.filter((i) => i.offset >= cut)
      for (const i of this.index) if (i.offset < cut) this.byId.delete(i.id)
      for (const i of kept) i.offset -= cut
      this.index = kept
    }
    this.size = buf.length - cut
  }

  /** Newest first; every word of `query` must be in the URL, method, name, status or environment. */
  async list(options: { query?: string; limit?: number; offset?: number } = {}): Promise<{ entries: HistorySummary[]; total: number }> {
    await this.queue
    const index = await this.load()
    const words = (options.query ?? '').toLowerCase().split(/\s+/).filter(Boolean)
    const limit = options.limit ?? 200
    const offset = options.offset ?? 0
    const page: Indexed[] = []
    let total = 0
    for (let i = index.length - 1; i >= 0; i--) {
      const item = index[i]!
      if (words.length && !words.every((w) => item.hay.includes(w))) continue
      if (total >= offset && page.length < limit) page.push(item)
      total++
    }
    await this.summarize(page.filter((i) => i.summary === null))
    const entries = page.map((i) => i.summary).filter((s): s is HistorySummary => s !== null)
    return { entries, total: total - (page.length - entries.length) }
  }

  /** Reads and parses the summary part of these lines from the file. */
  private async summarize(items: Indexed[]): Promise<void> {
    if (!items.length) return
    const handle = await fs.open(this.options.file, 'r')
    try {
      for (const item of items) {
        const buf = Buffer.alloc(item.head)
        await handle.read(buf, 0, item.head, item.offset)
        item.summary = parseSummary(buf.toString('utf8'))
        if (!item.summary) {
          this.byId.delete(item.id)
          this.index = (this.index ?? []).filter((i) => i !== item)
          this.skipped++
        }
      }
    } finally {
      await handle.close()
    }
  }

  async get(id: string): Promise<HistoryEntry> {
    await this.queue
    await this.load()
    const item = this.byId.get(id)
    if (!item) throw new AppError('not_found', 'That send is no longer in the history (it was cleared, or dropped as the oldest).')
    const handle = await fs.open(this.options.file, 'r')
    try {
      const buf = Buffer.alloc(item.length)
      await handle.read(buf, 0, item.length, item.offset)
      const raw = JSON.parse(buf.toString('utf8')) as Record<string, unknown> & { detail: Record<string, unknown> }
      const { detail, v: _v, ...summary } = raw
      const parsed = HistoryEntry.safeParse({ ...summary, ...detail })
      if (!parsed.success) throw new AppError('storage_error', `This history entry cannot be read (${parsed.error.issues[0]?.message ?? 'invalid'}); the line was left in ${this.options.file}.`)
      return parsed.data
    } catch (error) {
      if (error instanceof AppError) throw error
      throw new AppError('storage_error', `This history entry cannot be read (${(error as Error).message}).`)
    } finally {
      await handle.close()
    }
  }

  async clear(): Promise<number> {
    const run = this.queue.then(async () => {
      const index = await this.load()
      const count = index.length
      await fs.rm(this.options.file, { force: true })
      this.index = []
      this.byId.clear()
      this.size = 0
      this.skipped = 0
      return count
    })
    this.queue = run.catch(() => undefined)
    return run
  }
}

/** One line of history.jsonl: the summary's fields first, then `"detail"`. */
export function historyLine(entry: HistoryEntry): { summary: HistorySummary; line: string } {
  const { request, sentHeaders, response, environmentId, collection, ...summary } = entry
  const head = JSON.stringify({ v: HISTORY_VERSION, ...summary })
  return { summary, line: `${head.slice(0, -1)},"detail":${JSON.stringify({ environmentId, collection, request, sentHeaders, response })}}\n` }
}

const ID_PREFIX = Buffer.from('{"v":1,"id":"')

/** A line's place, id and search text, without parsing it; null for a line that is not ours (it stays in the file). */
function indexAt(buf: Buffer, start: number, end: number): Indexed | null {
  const at = buf.indexOf(DETAIL, start)
  if (at < 0 || at > end || buf.compare(ID_PREFIX, 0, ID_PREFIX.length, start, start + ID_PREFIX.length) !== 0) return null
  const idEnd = buf.indexOf(34, start + ID_PREFIX.length)
  if (idEnd < 0 || idEnd > at) return null
  return {
    id: buf.toString('latin1', start + ID_PREFIX.length, idEnd),
    offset: start,
    length: end - start,
    head: at - start,
    hay: buf.toString('utf8', start, at).toLowerCase(),
    summary: null
  }
}

function parseSummary(head: string): HistorySummary | null {
  try {
    const s = JSON.parse(head + '}') as HistorySummary & { v?: unknown }
    if (s.v !== HISTORY_VERSION || typeof s.id !== 'string' || typeof s.url !== 'string' || typeof s.method !== 'string') return null
    return { id: s.id, at: s.at, method: s.method, url: s.url, name: s.name ?? '', status: s.status ?? null, ms: s.ms ?? 0, size: s.size ?? 0, environmentName: s.environmentName ?? null, error: s.error ?? null }
  } catch {
    return null
  }
}

import { randomUUID } from 'node:crypto'
import type { HeaderList, Timings } from '../../../shared/http'
import type { CapturedBody, EntryKind, EntrySummary, TrafficEntry, TrafficQuery } from '../../../shared/traffic'
import { decodeBody } from '../http/body'
import { redactBody, redactHeaders, redactUrl } from './redact'
import { SpillStore } from './spill'

/** A body as captured: the first `inlineLimit` bytes in memory, the whole of it on disk (encrypted) when larger. */
interface RawBody {
  bytes: Uint8Array
  size: number
  contentType: string
  /** The sender or receiver cut the body (e.g. the response size limit). */
  truncated: boolean
  /** Its name in the spill store, when the whole body is there. */
  spilled: string | null
}

export interface ExchangeRecord {
  kind: EntryKind
  startedAt: number
  method: string
  url: string
  /** The same URL already parsed, when the caller has it (saves parsing it again on the hot path). */
  parsedUrl?: URL
  environmentId: string | null
  environmentName: string | null
  signInId?: string | null
  grant?: string | null
  requestHeaders: HeaderList
  requestBody: { bytes: Uint8Array; contentType: string } | null
  status: number | null
  statusText: string
  httpVersion: string
  responseHeaders: HeaderList
  responseBody: { bytes: Uint8Array; contentType: string; truncated: boolean } | null
  timings: Timings | null
  error: string | null
}

interface StoredEntry {
  summary: EntrySummary
  record: ExchangeRecord
  requestBody: RawBody | null
  responseBody: RawBody | null
  /** What this entry holds in memory, estimated (see `footprint`). */
  bytes: number
}

/** A batch of new entries, and the oldest `seq` still kept: a listener drops every entry older than it. */
export interface AddedBatch {
  entries: EntrySummary[]
  oldestSeq: number
}

export interface TrafficLogOptions {
  /** Entries kept in memory; the oldest go first. */
  maxEntries?: number
  /** Bytes the kept entries may hold (inline bodies, headers, URLs, estimated); the oldest go first. */
  maxBytes?: number
  /** Bytes of each body kept in memory. */
  inlineLimit?: number
  /** Where bodies larger than `inlineLimit` are written whole, encrypted (see SpillStore). No spill when null. */
  spillDir?: string | null
  /** Told when a large body could not be written or deleted. */
  onError?: (error: unknown) => void
  /** How long new entries wait to be announced together. */
  batchMs?: number
}

type AddedListener = (batch: AddedBatch) => void

export class TrafficLog {
  /** Oldest first; `head` skips evicted slots (deleting from the front of a large Map is slow in V8). */
  private order: Array<StoredEntry | undefined> = []
  private head = 0
  private readonly byId = new Map<string, StoredEntry>()
  private seq = 0
  private maxEntries: number
  private maxBytes: number
  private bytes = 0
  private readonly inlineLimit: number
  private readonly spill: SpillStore | null
  private readonly batchMs: number
  private readonly listeners = new Set<AddedListener>()
  private readonly clearedListeners = new Set<() => void>()
  private pending: EntrySummary[] = []
  private timer: NodeJS.Timeout | null = null
  private announcedOldest = 1

  constructor(options: TrafficLogOptions = {}) {
    this.maxEntries = options.maxEntries ?? 50_000
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024
    this.inlineLimit = options.inlineLimit ?? 1024 * 1024
    this.spill = options.spillDir ? new SpillStore(options.spillDir, options.onError) : null
    this.batchMs = options.batchMs ?? 50
  }

  onAdded(listener: AddedListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onCleared(listener: () => void): () => void {
    this.clearedListeners.add(listener)
    return () => this.clearedListeners.delete(listener)
  }

  get size(): number {
    return this.byId.size
  }

  /** Bytes the kept entries hold, estimated. */
  get retainedBytes(): number {
    return this.bytes
  }

  /** The oldest `seq` still kept (the next one when the log is empty). */
  get oldestSeq(): number {
    for (let i = this.head; i < this.order.length; i++) {
      const entry = this.order[i]
      if (entry) return entry.summary.seq
    }
    return this.seq + 1
  }

  /** The retention rule (settings `trafficMaxEntries`, `trafficMemoryMb`); entries past it go now, and listeners hear of it. */
  setLimits(limits: { maxEntries: number; maxBytes: number }): void {
    this.maxEntries = limits.maxEntries
    this.maxBytes = limits.maxBytes
    if (this.evict()) this.announceEviction()
  }

  record(record: ExchangeRecord): EntrySummary {
    const id = randomUUID()
    const seq = ++this.seq
    const shownUrl = redactUrl(record.url, [])
    let host = ''
    let path = shownUrl
    try {
      const u = shownUrl === record.url && record.parsedUrl ? record.parsedUrl : new URL(shownUrl)
      host = u.host
      path = u.pathname + u.search
    } catch {
      // A URL that did not parse is shown as it was typed.
    }
    const summary: EntrySummary = {
      id,
      seq,
      startedAt: new Date(record.startedAt).toISOString(),
      kind: record.kind,
      method: record.method,
      url: shownUrl,
      host,
      path,
      status: record.status,
      error: record.error,
      durationMs: record.timings ? record.timings.total : null,
      responseSize: record.responseBody ? record.responseBody.bytes.byteLength : null,
      environmentId: record.environmentId,
      environmentName: record.environmentName,
      signInId: record.signInId ?? null,
      grant: record.grant ?? null
    }
    const requestBody = record.requestBody ? this.keepBody(id, 'request', record.requestBody.bytes, record.requestBody.contentType, false) : null
    const responseBody = record.responseBody
      ? this.keepBody(id, 'response', record.responseBody.bytes, record.responseBody.contentType, record.responseBody.truncated)
      : null
    // The record keeps the caller's body buffers alive otherwise; the kept parts are in requestBody/responseBody.
    const { parsedUrl: _parsed, ...rest } = record
    const kept: ExchangeRecord = { ...rest, requestBody: null, responseBody: null }
    const stored: StoredEntry = { summary, record: kept, requestBody, responseBody, bytes: footprint(kept, requestBody, responseBody) }
    this.bytes += stored.bytes
    this.byId.set(id, stored)
    this.order.push(stored)
    this.evict()
    this.announce(summary)
    return summary
  }

  private announceEviction(): void {
    if (this.listeners.size === 0 || this.timer) return
    this.timer = setTimeout(() => this.flush(), this.batchMs)
    this.timer.unref?.()
  }

  private keepBody(id: string, which: string, bytes: Uint8Array, contentType: string, truncated: boolean): RawBody {
    if (bytes.byteLength <= this.inlineLimit) return { bytes, size: bytes.byteLength, contentType, truncated, spilled: null }
    const name = `${id}.${which}`
    const spilled = this.spill?.put(name, bytes) ? name : null
    // A copy: a view would keep the whole body in memory for as long as the entry lives.
    return { bytes: Buffer.from(bytes.subarray(0, this.inlineLimit)), size: bytes.byteLength, contentType, truncated, spilled }
  }

  /** Drops the oldest entries past the count or the memory budget (the newest entry always stays); true when any went. */
  private evict(): boolean {
    let dropped = false
    while (this.byId.size > this.maxEntries || (this.bytes > this.maxBytes && this.byId.size > 1)) {
      const oldest = this.order[this.head]
      this.order[this.head++] = undefined
      if (oldest) {
        this.drop(oldest)
        dropped = true
      }
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head)
      this.head = 0
    }
    return dropped
  }

  private drop(entry: StoredEntry): void {
    this.byId.delete(entry.summary.id)
    this.bytes -= entry.bytes
    for (const body of [entry.requestBody, entry.responseBody]) {
      if (body?.spilled) this.spill?.delete(body.spilled)
    }
  }

  private announce(summary: EntrySummary): void {
    if (this.listeners.size === 0) return
    this.pending.push(summary)
    if (this.timer) return
    this.timer = setTimeout(() => this.flush(), this.batchMs)
    this.timer.unref?.()
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const oldestSeq = this.oldestSeq
    if (this.pending.length === 0 && oldestSeq === this.announcedOldest) return
    this.announcedOldest = oldestSeq
    const batch = { entries: this.pending, oldestSeq }
    this.pending = []
    for (const listener of this.listeners) listener(batch)
  }

  list(): EntrySummary[] {
    const out: EntrySummary[] = []
    for (let i = this.head; i < this.order.length; i++) {
      const entry = this.order[i]
      if (entry) out.push(entry.summary)
    }
    return out
  }

  /** The whole entry; secrets masked unless `reveal`. */
  get(id: string, reveal = false): TrafficEntry | null {
    const entry = this.byId.get(id)
    if (!entry) return null
    const { record } = entry
    const masked: string[] = []
    const url = reveal ? record.url : redactUrl(record.url, masked)
    const requestHeaders = reveal ? record.requestHeaders : redactHeaders(record.requestHeaders, 'request', masked)
    const responseHeaders = reveal ? record.responseHeaders : redactHeaders(record.responseHeaders, 'response', masked)
    const requestBody = entry.requestBody ? viewBody(entry.requestBody, reveal, 'request body', masked) : null
    const responseBody = entry.responseBody ? viewBody(entry.responseBody, reveal, 'response body', masked) : null
    return {
      ...entry.summary,
      url,
      statusText: record.statusText,
      httpVersion: record.httpVersion,
      requestHeaders,
      requestBody,
      responseHeaders,
      responseBody,
      timings: record.timings,
      masked
    }
  }

  /** The whole entry with its large bodies read back whole from the spill store; secrets masked unless `reveal`. */
  async getWhole(id: string, reveal = false): Promise<TrafficEntry | null> {
    const entry = this.byId.get(id)
    const view = this.get(id, reveal)
    if (!entry || !view || !this.spill) return view
    const spill = this.spill
    const masked = [...view.masked]
    const whole = async (body: RawBody | null, where: string): Promise<CapturedBody | null> => {
      if (!body?.spilled) return null
      return viewBody({ ...body, bytes: await spill.get(body.spilled) }, reveal, where, masked)
    }
    const [requestBody, responseBody] = await Promise.all([whole(entry.requestBody, 'request body'), whole(entry.responseBody, 'response body')])
    return { ...view, requestBody: requestBody ?? view.requestBody, responseBody: responseBody ?? view.responseBody, masked: [...new Set(masked)] }
  }

  /**
   * The ids of the entries matching each query, oldest first, case-insensitive: a body query looks in the kept part of
   * text bodies (request and response), a header query in request and response headers. It yields to the event loop
   * every few thousand entries so a search over 50,000 bodies does not hold main.
   */
  async search(queries: readonly TrafficQuery[]): Promise<string[][]> {
    const out = queries.map(() => [] as string[])
    const wanted = queries.map((q): TrafficQuery => (q.kind === 'body' ? { kind: 'body', text: q.text.toLowerCase() } : { kind: 'header', name: q.name.toLowerCase(), value: q.value?.toLowerCase() ?? null }))
    const entries = [...this.byId.values()]
    for (let i = 0; i < entries.length; i++) {
      if (i > 0 && i % 2000 === 0) await new Promise((resolve) => setImmediate(resolve))
      const entry = entries[i]!
      if (!this.byId.has(entry.summary.id)) continue
      let bodies: string | null = null
      wanted.forEach((w, k) => {
        if (w.kind === 'body') {
          bodies ??= [entry.requestBody, entry.responseBody].map((b) => (b ? textOf(b) : '')).join('\n').toLowerCase()
          if (bodies.includes(w.text)) out[k]!.push(entry.summary.id)
        } else {
          const value = w.value
          const hit = [...entry.record.requestHeaders, ...entry.record.responseHeaders].some(([n, v]) => n.toLowerCase() === w.name && (value === null || v.toLowerCase().includes(value)))
          if (hit) out[k]!.push(entry.summary.id)
        }
      })
    }
    return out
  }

  /** Resolves once every large body written or deleted so far is on disk or gone. */
  async settled(): Promise<void> {
    await this.spill?.settle()
  }

  /** At exit: announce what is pending and delete every spilled body. */
  async close(): Promise<void> {
    this.flush()
    await this.spill?.close()
  }

  clear(): number {
    const count = this.byId.size
    for (const entry of this.byId.values()) this.drop(entry)
    this.order = []
    this.head = 0
    this.bytes = 0
    this.pending = []
    this.announcedOldest = this.seq + 1
    for (const listener of this.clearedListeners) listener()
    return count
  }
}

function textOf(body: RawBody): string {
  const decoded = decodeBody(body.bytes, body.contentType)
  return decoded.encoding === 'utf8' ? decoded.text : ''
}

/** What an entry holds in memory: its bodies' inline bytes, its strings (UTF-16) and a fixed cost for the objects around them. */
function footprint(record: ExchangeRecord, requestBody: RawBody | null, responseBody: RawBody | null): number {
  let chars = record.url.length * 2 + record.statusText.length + (record.error?.length ?? 0)
  for (const [k, v] of record.requestHeaders) chars += k.length + v.length
  for (const [k, v] of record.responseHeaders) chars += k.length + v.length
  return 1024 + chars * 2 + (requestBody?.bytes.byteLength ?? 0) + (responseBody?.bytes.byteLength ?? 0)
}

function viewBody(body: RawBody, reveal: boolean, where: string, masked: string[]): CapturedBody {
  const decoded = decodeBody(body.bytes, body.contentType)
  const text = !reveal && decoded.encoding === 'utf8' ? redactBody(decoded.text, body.contentType, where, masked) : decoded.text
  return {
    encoding: decoded.encoding,
    text,
    size: body.size,
    truncated: body.truncated || body.bytes.byteLength < body.size,
    spilled: body.spilled !== null,
    contentType: body.contentType
  }
}

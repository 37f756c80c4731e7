import { randomUUID } from 'node:crypto'
import type { HeaderList, Timings } from '../../../shared/http'
import type { CapturedBody, EntryKind, EntrySummary, TrafficEntry } from '../../../shared/traffic'
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
}

export interface TrafficLogOptions {
  /** Entries kept in memory; the oldest go first. */
  maxEntries?: number
  /** Bytes of each body kept in memory. */
  inlineLimit?: number
  /** Where bodies larger than `inlineLimit` are written whole, encrypted (see SpillStore). No spill when null. */
  spillDir?: string | null
  /** Told when a large body could not be written or deleted. */
  onError?: (error: unknown) => void
  /** How long new entries wait to be announced together. */
  batchMs?: number
}

type AddedListener = (entries: EntrySummary[]) => void

export class TrafficLog {
  /** Oldest first; `head` skips evicted slots (deleting from the front of a large Map is slow in V8). */
  private order: Array<StoredEntry | undefined> = []
  private head = 0
  private readonly byId = new Map<string, StoredEntry>()
  private seq = 0
  private readonly maxEntries: number
  private readonly inlineLimit: number
  private readonly spill: SpillStore | null
  private readonly batchMs: number
  private readonly listeners = new Set<AddedListener>()
  private readonly clearedListeners = new Set<() => void>()
  private pending: EntrySummary[] = []
  private timer: NodeJS.Timeout | null = null

  constructor(options: TrafficLogOptions = {}) {
    this.maxEntries = options.maxEntries ?? 5000
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
    const stored: StoredEntry = {
      summary,
      record,
      requestBody: record.requestBody ? this.keepBody(id, 'request', record.requestBody.bytes, record.requestBody.contentType, false) : null,
      responseBody: record.responseBody
        ? this.keepBody(id, 'response', record.responseBody.bytes, record.responseBody.contentType, record.responseBody.truncated)
        : null
    }
    this.byId.set(id, stored)
    this.order.push(stored)
    this.evict()
    this.announce(summary)
    return summary
  }

  private keepBody(id: string, which: string, bytes: Uint8Array, contentType: string, truncated: boolean): RawBody {
    if (bytes.byteLength <= this.inlineLimit) return { bytes, size: bytes.byteLength, contentType, truncated, spilled: null }
    const name = `${id}.${which}`
    const spilled = this.spill?.put(name, bytes) ? name : null
    // A copy: a view would keep the whole body in memory for as long as the entry lives.
    return { bytes: Buffer.from(bytes.subarray(0, this.inlineLimit)), size: bytes.byteLength, contentType, truncated, spilled }
  }

  private evict(): void {
    while (this.byId.size > this.maxEntries) {
      const oldest = this.order[this.head]
      this.order[this.head++] = undefined
      if (oldest) this.drop(oldest)
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head)
      this.head = 0
    }
  }

  private drop(entry: StoredEntry): void {
    this.byId.delete(entry.summary.id)
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
    if (this.pending.length === 0) return
    const batch = this.pending
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
    this.pending = []
    for (const listener of this.clearedListeners) listener()
    return count
  }
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

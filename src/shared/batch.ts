/**
 * OData `$batch` as Dataverse takes it ("Execute batch operations using the Web API"): the multipart/mixed body
 * written from a list of requests (change sets as nested multipart parts with Content-IDs, so a later request of
 * the set names an earlier one's new record as `$n`), and the multipart answer read back into one result per
 * request. Pure: the app writes and reads batches with it, the Sandbox's tests check against it.
 */

export interface BatchRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  /** `{{webApiUrl}}/accounts`, an absolute URL, or `$1` (in a change set: the record request 1 created). */
  url: string
  headers: Array<{ key: string; value: string; enabled?: boolean }>
  body: string
  /** Requests with the same change set, next to each other, run as one transaction. */
  changeSet: string | null
}

/** "Batch requests can contain up to 1,000 individual requests." */
export const MAX_BATCH_REQUESTS = 1000

/** Runs of requests: a request alone, or the requests of one change set next to each other. */
export interface BatchUnit {
  changeSet: string | null
  /** Indexes into the request list. */
  indexes: number[]
}

export function unitsOf(requests: readonly BatchRequest[]): BatchUnit[] {
  const units: BatchUnit[] = []
  requests.forEach((r, i) => {
    const last = units[units.length - 1]
    if (r.changeSet !== null && last && last.changeSet === r.changeSet) last.indexes.push(i)
    else units.push({ changeSet: r.changeSet, indexes: [i] })
  })
  return units
}

/** What keeps the list from being sent as one batch, in words (empty when it can be). */
export function batchProblems(requests: readonly BatchRequest[]): string[] {
  const problems: string[] = []
  if (requests.length === 0) problems.push('Add a request to the batch.')
  if (requests.length > MAX_BATCH_REQUESTS) problems.push(`A batch holds at most ${MAX_BATCH_REQUESTS.toLocaleString('en')} requests (this one has ${requests.length.toLocaleString('en')}): split it.`)
  const units = unitsOf(requests)
  const seen = new Set<string>()
  for (const unit of units) {
    if (unit.changeSet === null) continue
    if (seen.has(unit.changeSet)) problems.push(`The requests of change set "${unit.changeSet}" must be next to each other: move them together.`)
    seen.add(unit.changeSet)
    for (const i of unit.indexes) if (requests[i]!.method === 'GET') problems.push(`Request ${i + 1} is a GET: a change set holds only changes (POST, PATCH, PUT, DELETE).`)
  }
  requests.forEach((r, i) => {
    const ref = /^\$(\d+)/.exec(r.url.trim())?.[1] ?? /"\$(\d+)"/.exec(r.body)?.[1]
    if (ref === undefined) return
    const unit = units.find((u) => u.indexes.includes(i))!
    const position = unit.indexes.indexOf(i)
    if (unit.changeSet === null || Number(ref) < 1 || Number(ref) > position) problems.push(`Request ${i + 1} uses $${ref}: a reference names an earlier request of the same change set (its Content-ID).`)
  })
  return problems
}

const CRLF = '\r\n'

function requestPart(r: BatchRequest, contentId: number | null): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary']
  if (contentId !== null) lines.push(`Content-ID: ${contentId}`)
  // A request line cannot hold spaces (`$filter=name eq 'A'`): they go as %20, the rest as written.
  lines.push('', `${r.method} ${r.url.trim().replace(/\s/g, (c) => encodeURIComponent(c))} HTTP/1.1`)
  const headers = r.headers.filter((h) => h.enabled !== false && h.key.trim())
  for (const h of headers) lines.push(`${h.key.trim()}: ${h.value}`)
  const hasBody = r.method !== 'GET' && r.method !== 'DELETE' && r.body.trim() !== ''
  if (hasBody && !headers.some((h) => h.key.trim().toLowerCase() === 'content-type')) lines.push('Content-Type: application/json; type=entry')
  lines.push('', hasBody ? r.body : '')
  return lines.join(CRLF)
}

/**
 * The multipart body and its Content-Type. Inside a change set each request gets Content-ID 1, 2, … in its order
 * (what `$1`, `$2` name); boundaries are fixed per batch so the same list writes the same bytes.
 */
export function writeBatch(requests: readonly BatchRequest[], id = 'orgbench'): { body: string; contentType: string; boundary: string } {
  const boundary = `batch_${id}`
  const parts = unitsOf(requests).map((unit, u) => {
    if (unit.changeSet === null) return requestPart(requests[unit.indexes[0]!]!, null)
    const inner = `changeset_${id}_${u + 1}`
    const body = unit.indexes.map((i, n) => `--${inner}${CRLF}${requestPart(requests[i]!, n + 1)}`).join(CRLF)
    return `Content-Type: multipart/mixed; boundary=${inner}${CRLF}${CRLF}${body}${CRLF}--${inner}--`
  })
  return { body: parts.map((p) => `--${boundary}${CRLF}${p}`).join(CRLF) + `${CRLF}--${boundary}--${CRLF}`, contentType: `multipart/mixed; boundary=${boundary}`, boundary }
}

export interface BatchResponsePart {
  status: number
  statusText: string
  headers: Array<[string, string]>
  body: string
  contentId: string | null
  /** The change set's parts share one id (their position in the answer); null for a request alone. */
  changeSet: number | null
}

export function boundaryOf(contentType: string | null | undefined): string | null {
  const m = contentType ? /boundary=("?)([^";]+)\1/i.exec(contentType) : null
  return m ? m[2]! : null
}

function splitParts(text: string, boundary: string): string[] {
  const delimiter = `--${boundary}`
  const end = text.indexOf(`${delimiter}--`)
  const usable = end >= 0 ? text.slice(0, end) : text
  return usable.split(delimiter).slice(1).map((s) => s.replace(/^\r?\n/, '').replace(/\r?\n$/, ''))
}

function headerBlock(text: string): { headers: Array<[string, string]>; rest: string } {
  const split = /\r?\n\r?\n/.exec(text)
  const block = split ? text.slice(0, split.index) : text
  const headers = block
    .split(/\r?\n/)
    .filter((l) => l.includes(':'))
    .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()] as [string, string])
  return { headers, rest: split ? text.slice(split.index + split[0].length) : '' }
}

const header = (headers: Array<[string, string]>, name: string) => headers.find(([k]) => k.toLowerCase() === name)?.[1] ?? null

function responsePart(text: string, changeSet: number | null): BatchResponsePart | null {
  const outer = headerBlock(text)
  const statusLine = /^HTTP\/1\.[01]\s+(\d{3})\s*(.*)$/m.exec(outer.rest.split(/\r?\n/, 1)[0] ?? '')
  if (!statusLine) return null
  const inner = headerBlock(outer.rest.slice(outer.rest.search(/\r?\n/) + 1))
  return { status: Number(statusLine[1]), statusText: statusLine[2]!.trim(), headers: inner.headers, body: inner.rest.replace(/\r?\n$/, ''), contentId: header(outer.headers, 'content-id'), changeSet }
}

/** The answer of a `$batch`, one part per request that ran, in order; null when it is not a multipart answer. */
export function parseBatchResponse(contentType: string | null, text: string): BatchResponsePart[] | null {
  const boundary = boundaryOf(contentType)
  if (!boundary || !/multipart\/mixed/i.test(contentType ?? '')) return null
  const out: BatchResponsePart[] = []
  splitParts(text, boundary).forEach((part, position) => {
    const { headers, rest } = headerBlock(part)
    const inner = boundaryOf(header(headers, 'content-type'))
    if (inner && /multipart\/mixed/i.test(header(headers, 'content-type') ?? '')) {
      for (const p of splitParts(rest, inner)) {
        const parsed = responsePart(p, position)
        if (parsed) out.push(parsed)
      }
      return
    }
    const parsed = responsePart(part, null)
    if (parsed) out.push(parsed)
  })
  return out
}

export type BatchOutcome =
  | { kind: 'answered'; part: BatchResponsePart }
  /** The change set failed at another request: Dataverse undid this one. */
  | { kind: 'rolledBack'; failedAt: number }
  /** The batch stopped at an earlier failure (no odata.continue-on-error). */
  | { kind: 'notRun' }

/**
 * Each request's outcome: the answer's parts in order match the batch's units in order — a change set that worked
 * answers every request (by Content-ID), one that failed answers only the failing request and the rest were undone.
 */
export function matchBatch(requests: readonly BatchRequest[], parts: readonly BatchResponsePart[]): BatchOutcome[] {
  const outcomes: BatchOutcome[] = requests.map(() => ({ kind: 'notRun' }))
  let p = 0
  for (const unit of unitsOf(requests)) {
    if (p >= parts.length) break
    if (unit.changeSet === null) {
      outcomes[unit.indexes[0]!] = { kind: 'answered', part: parts[p++]! }
      continue
    }
    const first = parts[p]!
    if (first.changeSet === null || first.status >= 400) {
      // A failed change set answers with its failing request alone.
      const at = first.contentId !== null ? Number(first.contentId) - 1 : 0
      const failing = unit.indexes[Math.min(Math.max(at, 0), unit.indexes.length - 1)]!
      for (const i of unit.indexes) outcomes[i] = i === failing ? { kind: 'answered', part: first } : { kind: 'rolledBack', failedAt: failing }
      p++
      continue
    }
    const set = first.changeSet
    const answered: BatchResponsePart[] = []
    while (p < parts.length && parts[p]!.changeSet === set) answered.push(parts[p++]!)
    unit.indexes.forEach((i, n) => {
      const part = answered.find((a) => a.contentId === String(n + 1)) ?? answered[n]
      if (part) outcomes[i] = { kind: 'answered', part }
    })
  }
  return outcomes
}

export interface BatchRequestPart {
  method: string
  url: string
  headers: Array<[string, string]>
  body: string
  contentId: string | null
  changeSet: number | null
}

function requestPartOf(text: string, changeSet: number | null): BatchRequestPart | null {
  const outer = headerBlock(text)
  const line = /^(GET|POST|PATCH|PUT|DELETE)\s+(\S+)/i.exec(outer.rest.split(/\r?\n/, 1)[0] ?? '')
  if (!line) return null
  const inner = headerBlock(outer.rest.slice(outer.rest.search(/\r?\n/) + 1))
  return { method: line[1]!.toUpperCase(), url: line[2]!, headers: inner.headers, body: inner.rest.replace(/\r?\n$/, ''), contentId: header(outer.headers, 'content-id'), changeSet }
}

/** A `$batch` request body read back into its requests, in order (what the traffic inspector shows of one sent). */
export function parseBatchRequest(contentType: string | null, text: string): BatchRequestPart[] | null {
  const boundary = boundaryOf(contentType)
  if (!boundary || !/multipart\/mixed/i.test(contentType ?? '')) return null
  const out: BatchRequestPart[] = []
  splitParts(text, boundary).forEach((part, position) => {
    const { headers, rest } = headerBlock(part)
    const inner = boundaryOf(header(headers, 'content-type'))
    if (inner && /multipart\/mixed/i.test(header(headers, 'content-type') ?? '')) {
      for (const p of splitParts(rest, inner)) {
        const parsed = requestPartOf(p, position)
        if (parsed) out.push(parsed)
      }
      return
    }
    const parsed = requestPartOf(part, null)
    if (parsed) out.push(parsed)
  })
  return out
}

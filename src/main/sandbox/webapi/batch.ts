import { randomUUID } from 'node:crypto'
import { DataverseFailure, dv } from '../errors'
import { ODATA_JSON, type SandboxRequest, type SandboxResponse } from './http'
import { MAX_BATCH_URL_LENGTH, route, type Caller, type WebApiContext } from './routes'

/** "Batch requests can contain up to 1,000 individual requests" (Execute batch operations using the Web API). */
export const MAX_BATCH_PARTS = 1000

interface Part {
  headers: Record<string, string>
  body: string
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 500: 'Internal Server Error' }

const HEADER_NAMES: Record<string, string> = { 'odata-version': 'OData-Version', 'odata-entityid': 'OData-EntityId', etag: 'ETag', 'preference-applied': 'Preference-Applied' }

function boundaryOf(contentType: string | undefined): string | null {
  const m = contentType ? /boundary=("?)([^";]+)\1/i.exec(contentType) : null
  return m ? m[2]! : null
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}

/** Split a multipart body into parts (headers + body), tolerating LF-only line ends. */
export function parseMultipart(body: string, boundary: string): Part[] {
  const delimiter = `--${boundary}`
  const end = body.indexOf(`${delimiter}--`)
  if (end < 0) throw dv.badRequest(`The batch is not closed: '${delimiter}--' is missing.`)
  const segments = body.slice(0, end).split(delimiter).slice(1)
  if (segments.length === 0) throw dv.badRequest('The batch contains no requests.')
  return segments.map((segment) => {
    const text = segment.replace(/^\r?\n/, '')
    const split = /\r?\n\r?\n/.exec(text)
    if (!split) return { headers: parseHeaders(text), body: '' }
    return { headers: parseHeaders(text.slice(0, split.index)), body: text.slice(split.index + split[0].length).replace(/\r?\n$/, '') }
  })
}

interface InnerRequest {
  method: string
  url: string
  headers: Record<string, string>
  body: string
  contentId: string | null
}

function parseInner(part: Part): InnerRequest {
  if (!/application\/http/i.test(part.headers['content-type'] ?? '')) throw dv.badRequest(`Each batch part must be 'Content-Type: application/http' (got '${part.headers['content-type'] ?? 'none'}').`)
  const lines = part.body.split(/\r?\n/)
  const requestLine = /^(GET|POST|PATCH|PUT|DELETE)\s+(\S+)(\s+HTTP\/1\.1)?$/i.exec((lines[0] ?? '').trim())
  if (!requestLine) throw dv.badRequest(`The batch part's request line '${(lines[0] ?? '').slice(0, 200)}' is not 'METHOD URL HTTP/1.1'.`)
  const blank = lines.findIndex((l, i) => i > 0 && l.trim() === '')
  const headerLines = blank < 0 ? lines.slice(1) : lines.slice(1, blank)
  const body = blank < 0 ? '' : lines.slice(blank + 1).join('\n').trim()
  return { method: requestLine[1]!.toUpperCase(), url: requestLine[2]!, headers: parseHeaders(headerLines.join('\n')), body, contentId: part.headers['content-id'] ?? null }
}

function serialize(response: SandboxResponse, contentId: string | null): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary']
  if (contentId) lines.push(`Content-ID: ${contentId}`)
  lines.push('', `HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? ''}`)
  for (const [k, v] of Object.entries(response.headers)) if (!k.startsWith('x-orgbench')) lines.push(`${HEADER_NAMES[k] ?? k.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase())}: ${v}`)
  if (response.headers['odata-entityid']) lines.push(`Location: ${response.headers['odata-entityid']}`)
  lines.push('', typeof response.body === 'string' ? response.body : response.body.toString('utf8'))
  return lines.join('\r\n')
}

/** `$1` in a URL or an `@odata.bind` names the record an earlier request of the change set created; an unknown one fails the whole batch. */
function referenceOf(id: string, refs: Map<string, string>): string {
  const url = refs.get(id)
  if (url === undefined) throw dv.contentIdMissing(`$${id}`)
  return url
}

async function run(inner: InnerRequest, outer: SandboxRequest, ctx: WebApiContext, caller: Caller, refs: Map<string, string>): Promise<SandboxResponse> {
  let url = inner.url.replace(/^\$(\w+)/, (_whole, id: string) => referenceOf(id, refs))
  if (!/^https?:/i.test(url)) url = `${ctx.orgUrl}/api/data/v9.2/${url.replace(/^\/?(api\/data\/v9\.\d\/)?/, '')}`
  const body = inner.body.replace(/("[^"]*@odata\.bind"\s*:\s*)"\$(\w+)"/g, (_whole, prefix: string, id: string) => `${prefix}${JSON.stringify(referenceOf(id, refs))}`)
  try {
    if (url.length > MAX_BATCH_URL_LENGTH) throw dv.uriTooLong()
    const request: SandboxRequest = { method: inner.method, url: new URL(url), headers: { ...inner.headers, prefer: inner.headers.prefer ?? outer.headers.prefer }, body: Buffer.from(body, 'utf8') }
    return await route(request, ctx, caller)
  } catch (error) {
    if (error instanceof DataverseFailure) return { status: error.status, headers: { 'content-type': ODATA_JSON, 'odata-version': '4.0' }, body: JSON.stringify(error.toBody()) }
    if (error instanceof TypeError) return { status: 400, headers: { 'content-type': ODATA_JSON, 'odata-version': '4.0' }, body: JSON.stringify(dv.badRequest(`The request URL '${url.slice(0, 200)}' is not valid.`).toBody()) }
    throw error
  }
}

/**
 * `POST $batch`: requests run in order; a change set is all-or-nothing (its effects are rolled back and only
 * the failing response is returned); the batch stops at the first failure unless `Prefer: odata.continue-on-error`.
 */
export async function handleBatch(req: SandboxRequest, ctx: WebApiContext, caller: Caller): Promise<SandboxResponse> {
  const boundary = boundaryOf(req.headers['content-type'])
  if (!boundary || !/multipart\/mixed/i.test(req.headers['content-type'] ?? '')) throw dv.badRequest("A $batch request needs 'Content-Type: multipart/mixed; boundary=batch_…'.")
  const parts = parseMultipart(req.body.toString('utf8'), boundary)
  if (parts.length > MAX_BATCH_PARTS) throw dv.badRequest(`The current batch message contains too many parts. Only batch messages with a maximum number of '${MAX_BATCH_PARTS}' query operations and change sets are allowed.`)
  const continueOnError = /odata\.continue-on-error/i.test(req.headers.prefer ?? '')
  const out: string[] = []
  let failure: number | null = null
  const responseBoundary = `batchresponse_${randomUUID()}`
  // Counted before anything runs: a batch over the limit changes nothing.
  let total = 0
  for (const part of parts) {
    const changeBoundary = /multipart\/mixed/i.test(part.headers['content-type'] ?? '') ? boundaryOf(part.headers['content-type']) : null
    const count = changeBoundary ? parseMultipart(part.body, changeBoundary).length : 1
    if (count > MAX_BATCH_PARTS) throw dv.badRequest(`The current change set contains too many operations. Only change sets with a maximum number of '${MAX_BATCH_PARTS}' operations are allowed.`)
    total += count
  }
  if (total > MAX_BATCH_PARTS) throw dv.badRequest(`The batch holds ${total} requests: Dataverse runs at most ${MAX_BATCH_PARTS} in one $batch. Split it.`)
  for (const part of parts) {
    const changeBoundary = /multipart\/mixed/i.test(part.headers['content-type'] ?? '') ? boundaryOf(part.headers['content-type']) : null
    if (changeBoundary) {
      const requests = parseMultipart(part.body, changeBoundary).map(parseInner)
      if (requests.some((r) => r.method === 'GET')) throw dv.badRequest('A change set cannot contain GET requests.')
      const snapshot = ctx.org.snapshot()
      const refs = new Map<string, string>()
      const responses: Array<{ response: SandboxResponse; contentId: string | null }> = []
      let failed: { response: SandboxResponse; contentId: string | null } | null = null
      for (const inner of requests) {
        let response: SandboxResponse
        try {
          response = await run(inner, req, ctx, caller, refs)
        } catch (error) {
          ctx.org.restore(snapshot)
          throw error
        }
        if (response.status >= 400) {
          failed = { response, contentId: inner.contentId }
          break
        }
        if (inner.contentId && response.headers['odata-entityid']) refs.set(inner.contentId, response.headers['odata-entityid'])
        responses.push({ response, contentId: inner.contentId })
      }
      if (failed) {
        ctx.org.restore(snapshot)
        out.push(serialize(failed.response, failed.contentId))
        if (!continueOnError) {
          failure = failed.response.status
          break
        }
        continue
      }
      const changeResponse = `changesetresponse_${randomUUID()}`
      out.push(`Content-Type: multipart/mixed; boundary=${changeResponse}\r\n\r\n${responses.map((r) => `--${changeResponse}\r\n${serialize(r.response, r.contentId)}`).join('\r\n')}\r\n--${changeResponse}--`)
      continue
    }
    const inner = parseInner(part)
    const response = await run(inner, req, ctx, caller, new Map())
    out.push(serialize(response, inner.contentId))
    if (response.status >= 400 && !continueOnError) {
      failure = response.status
      break
    }
  }
  const body = out.map((p) => `--${responseBoundary}\r\n${p}`).join('\r\n') + `\r\n--${responseBoundary}--\r\n`
  // Without odata.continue-on-error, "the batch error represents the error of the first failing request" (Execute batch operations).
  return { status: failure ?? 200, headers: { 'content-type': `multipart/mixed; boundary=${responseBoundary}`, 'odata-version': '4.0' }, body }
}

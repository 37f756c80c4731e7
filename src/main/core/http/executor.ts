import type { Dispatcher } from 'undici'
import { AppError } from '../../../shared/errors'
import { RequestSpec, type HeaderList, type RequestSpecData, type ResponseView } from '../../../shared/http'
import type { EntryKind } from '../../../shared/traffic'
import { substituteVariables } from '../../../shared/variables'
import type { TrafficLog } from '../capture/trafficLog'
import { AgentPool, withPhases, type PhaseHolder } from './agents'
import { decodeBody, findJsonError, headerValue } from './body'
import { dispatch } from './dispatch'
import { explainNetworkError, formatMs } from './errors'

export const USER_AGENT = 'OrgBench/0.1'

export interface SendTarget {
  environmentId: string | null
  environmentName: string | null
  /** Extra CA certificates this environment trusts (PEM), on top of the system's. */
  caCertificatePem: string
  variables: ReadonlyMap<string, string>
}

export interface SendOptions {
  timeoutMs: number
  maxResponseBytes: number
  signal?: AbortSignal
  kind?: EntryKind
  /** Links the exchange to a sign-in in the traffic log. */
  signInId?: string
  grant?: string
}

export interface PreparedRequest {
  method: string
  url: URL
  headers: HeaderList
  body: Buffer | null
  contentType: string
}

/**
 * Substitute variables, validate the URL and the JSON body: every mistake here is the user's to fix, so say where.
 * Takes a spec already validated at the boundary (the router), or raw input it validates itself.
 */
export async function prepareRequest(spec: RequestSpec | RequestSpecData, variables: ReadonlyMap<string, string>): Promise<PreparedRequest> {
  const parsed = isParsed(spec) ? spec : RequestSpec.parse(spec)
  const unknown = new Set<string>()
  const sub = (text: string): string => {
    const r = substituteVariables(text, variables)
    r.unknown.forEach((n) => unknown.add(n))
    return r.text
  }
  const urlText = sub(parsed.url).trim()
  const headers: HeaderList = parsed.headers.filter((h) => h.enabled && h.key.trim()).map((h) => [sub(h.key).trim(), sub(h.value)])
  const bodyText = parsed.method === 'GET' || parsed.method === 'HEAD' ? '' : sub(parsed.body)
  if (unknown.size) {
    const names = [...unknown]
    throw new AppError(
      'unknown_variable',
      `${names.length === 1 ? 'Variable' : 'Variables'} ${names.map((n) => `{{${n}}}`).join(', ')} ${names.length === 1 ? 'is' : 'are'} not defined in the active environment. Define ${names.length === 1 ? 'it' : 'them'} or remove the reference.`,
      { names }
    )
  }
  if (!urlText) throw new AppError('invalid_url', 'Enter a URL to send the request to.')
  let url: URL
  try {
    url = new URL(urlText)
  } catch {
    const hint = /^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(urlText) ? ` Did you mean https://${urlText} ?` : ''
    throw new AppError('invalid_url', `"${truncate(urlText, 200)}" is not a valid URL.${hint}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('invalid_url', `Only http and https URLs can be sent (got ${url.protocol.replace(':', '')}:).`)
  }
  if (!url.hostname) throw new AppError('invalid_url', 'The URL has no host.')
  for (const [name] of headers) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new AppError('invalid_input', `"${truncate(name, 60)}" is not a valid header name.`)
  }
  let contentType = headerValue(headers, 'content-type') ?? ''
  let body: Buffer | null = null
  if (bodyText !== '') {
    if (!contentType) {
      contentType = /^\s*[[{]/.test(bodyText) ? 'application/json' : 'text/plain; charset=utf-8'
      headers.push(['Content-Type', contentType])
    }
    if (/json/i.test(contentType)) {
      const problem = await findJsonError(bodyText)
      if (problem) {
        throw new AppError('invalid_json', `The JSON body is not valid at line ${problem.line}, column ${problem.column}: ${problem.message}. Fix it, or set a Content-Type other than JSON to send it as it is.`, problem)
      }
    }
    body = Buffer.from(bodyText, 'utf8')
  }
  if (!headerValue(headers, 'user-agent')) headers.push(['User-Agent', USER_AGENT])
  return { method: parsed.method, url, headers, body, contentType }
}

function isParsed(spec: RequestSpec | RequestSpecData): spec is RequestSpecData {
  return Array.isArray(spec.headers) && typeof spec.body === 'string' && spec.headers.every((h) => typeof h.enabled === 'boolean')
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/**
 * Sends requests and records every exchange, successful or not, in the traffic log.
 */
export class RequestExecutor {
  readonly agents = new AgentPool()

  constructor(private readonly traffic: TrafficLog) {}

  async send(spec: RequestSpec | RequestSpecData, target: SendTarget, options: SendOptions): Promise<ResponseView> {
    const prepared = await prepareRequest(spec, target.variables)
    return this.sendPrepared(prepared, target, options)
  }

  async sendPrepared(prepared: PreparedRequest, target: SendTarget, options: SendOptions): Promise<ResponseView> {
    const { url, method, body } = prepared
    const sentHeaders: HeaderList = [['Host', url.host]]
    const flatHeaders: string[] = []
    for (const header of prepared.headers) {
      sentHeaders.push(header)
      flatHeaders.push(header[0], header[1])
    }
    if (body) sentHeaders.push(['Content-Length', String(body.byteLength)])
    const startedAt = Date.now()
    const t0 = performance.now()
    const phases: PhaseHolder = { connect: null, tls: null, sentAt: null, connectTimeoutMs: options.timeoutMs }
    let timedOut = false
    let cancelled = false

    const record = (partial: {
      status: number | null
      statusText: string
      responseHeaders: HeaderList
      responseBody: { bytes: Uint8Array; contentType: string; truncated: boolean } | null
      timings: ResponseView['timings'] | null
      error: string | null
    }) =>
      this.traffic.record({
        kind: options.kind ?? 'api',
        startedAt,
        method,
        url: url.href,
        parsedUrl: url,
        environmentId: target.environmentId,
        environmentName: target.environmentName,
        signInId: options.signInId ?? null,
        grant: options.grant ?? null,
        requestHeaders: sentHeaders,
        requestBody: body ? { bytes: body, contentType: prepared.contentType } : null,
        httpVersion: '1.1',
        ...partial
      })

    const exchange = withPhases(phases, () =>
      dispatch(
        this.agents.get(target.caCertificatePem),
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: method as Dispatcher.HttpMethod,
          headers: flatHeaders,
          body,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs
        },
        options.maxResponseBytes
      )
    )
    const timer = setTimeout(() => {
      timedOut = true
      exchange.abort(new AppError('timeout', `Timed out after ${formatMs(options.timeoutMs)}`))
    }, options.timeoutMs)
    const onCancel = (): void => {
      cancelled = true
      exchange.abort(new AppError('cancelled', 'Cancelled'))
    }
    if (options.signal?.aborted) onCancel()
    options.signal?.addEventListener('abort', onCancel, { once: true })

    try {
      const raw = await exchange.response
      const tEnd = performance.now()
      const bytes = raw.chunks.length === 1 ? raw.chunks[0]! : Buffer.concat(raw.chunks, raw.received)
      const contentType = headerValue(raw.headers, 'content-type') ?? ''
      const statusText = raw.statusText || statusTextOf(raw.status)
      const sentAt = phases.sentAt ?? t0
      const timings = {
        connect: phases.connect === null ? null : round(phases.connect),
        tls: phases.tls === null ? null : round(phases.tls),
        wait: round(raw.headersAt - sentAt),
        receive: round(tEnd - raw.headersAt),
        total: round(tEnd - t0)
      }
      const entry = record({ status: raw.status, statusText, responseHeaders: raw.headers, responseBody: { bytes, contentType, truncated: raw.truncated }, timings, error: null })
      const decoded = decodeBody(bytes, contentType)
      return {
        entryId: entry.id,
        status: raw.status,
        statusText,
        httpVersion: '1.1',
        url: url.href,
        headers: raw.headers,
        body: { ...decoded, size: bytes.byteLength, truncated: raw.truncated, contentType },
        timings,
        limitBytes: options.maxResponseBytes
      }
    } catch (error) {
      const explained = explainNetworkError(error, url, { timeoutMs: options.timeoutMs, timedOut, cancelled })
      const total = round(performance.now() - t0)
      record({ status: null, statusText: '', responseHeaders: [], responseBody: null, timings: { connect: null, tls: null, wait: total, receive: 0, total }, error: explained.message })
      throw explained
    } finally {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onCancel)
    }
  }

  close(): Promise<void> {
    return this.agents.close()
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content',
  301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout'
}

export function statusTextOf(status: number): string {
  return STATUS_TEXT[status] ?? ''
}

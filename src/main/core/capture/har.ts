import { AppError } from '../../../shared/errors'
import type { HeaderList } from '../../../shared/http'
import { EntryKind, type CapturedBody, type TrafficEntry } from '../../../shared/traffic'
import { LenientHar, type Har, type HarEntry } from './harSchema'
import type { ExchangeRecord, TrafficLog } from './trafficLog'

/** HAR's "HTTP/1.1" from ours ("1.1", "2"); '' when the exchange never reached HTTP (an authorize URL opened in the browser). */
function harVersion(version: string): string {
  if (!version) return ''
  return /^http\//i.test(version) ? version.toUpperCase() : `HTTP/${version === '2.0' ? '2' : version}`
}

function nameValues(headers: HeaderList): Array<{ name: string; value: string }> {
  return headers.map(([name, value]) => ({ name, value }))
}

function headerValue(headers: HeaderList, name: string): string | undefined {
  return headers.find(([k]) => k.toLowerCase() === name)?.[1]
}

function queryString(url: string): Array<{ name: string; value: string }> {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }))
  } catch {
    return []
  }
}

function cutNote(body: CapturedBody): string | undefined {
  return body.truncated ? `OrgBench kept ${body.encoding === 'base64' ? 'part' : `${body.text.length} characters`} of ${body.size} bytes.` : undefined
}

/**
 * One entry as HAR 1.2 defines it. Timings: OrgBench measures connect, TLS, wait (request start to first byte) and
 * receive; HAR's connect includes ssl, its wait excludes connecting, send is not measured apart (0), blocked and dns
 * are -1 (not measured). `time` is the sum of the phases, as the spec says.
 */
export function harEntry(entry: TrafficEntry): HarEntry {
  const t = entry.timings
  const connect = t && (t.connect !== null || t.tls !== null) ? (t.connect ?? 0) + (t.tls ?? 0) : -1
  const wait = t ? Math.max(0, t.wait - Math.max(0, connect)) : 0
  const receive = t ? Math.max(0, t.receive) : 0
  const comment = entry.error ?? undefined
  const request = entry.requestBody
  const response = entry.responseBody
  return {
    startedDateTime: entry.startedAt,
    time: Math.max(0, connect) + wait + receive,
    request: {
      method: entry.method,
      url: entry.url,
      httpVersion: harVersion(entry.httpVersion),
      cookies: [],
      headers: nameValues(entry.requestHeaders),
      queryString: queryString(entry.url),
      ...(request
        ? {
            postData: {
              mimeType: request.contentType,
              text: request.text,
              ...(request.encoding === 'base64' ? { comment: 'base64' } : {}),
              ...(request.contentType.includes('application/x-www-form-urlencoded') && request.encoding === 'utf8' ? { params: [...new URLSearchParams(request.text)].map(([name, value]) => ({ name, value })) } : {})
            }
          }
        : {}),
      headersSize: -1,
      bodySize: request ? request.size : 0
    },
    response: {
      status: entry.status ?? 0,
      statusText: entry.status === null ? '' : entry.statusText,
      httpVersion: harVersion(entry.httpVersion),
      cookies: [],
      headers: nameValues(entry.responseHeaders),
      content: {
        size: response ? response.size : 0,
        mimeType: response?.contentType || headerValue(entry.responseHeaders, 'content-type') || '',
        ...(response ? { text: response.text } : {}),
        ...(response?.encoding === 'base64' ? { encoding: 'base64' } : {}),
        ...(response && cutNote(response) ? { comment: cutNote(response) } : {})
      },
      redirectURL: headerValue(entry.responseHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: entry.status === null ? -1 : (response?.size ?? 0)
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect, ssl: t?.tls ?? -1, send: 0, wait, receive },
    ...(comment ? { comment } : {}),
    // Custom fields start with "_" (HAR 1.2): what OrgBench needs to show the entry again after an import.
    ...({ _orgbench: { kind: entry.kind, environmentName: entry.environmentName, signInId: entry.signInId, grant: entry.grant, error: entry.error } } as object)
  } as HarEntry
}

export function toHar(entries: readonly TrafficEntry[], options: { appVersion: string; masked: boolean }): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'OrgBench', version: options.appVersion },
      entries: entries.map(harEntry),
      comment: options.masked ? 'Secrets (credentials, codes, tokens, Authorization and cookie headers) are masked.' : 'WARNING: this file holds secrets in plain text (exported with secrets revealed).'
    }
  }
}

function bytesOf(text: string | undefined, encoding: string | undefined): Buffer {
  if (text === undefined) return Buffer.alloc(0)
  return encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8')
}

function ourVersion(v: string | undefined): string {
  if (!v) return ''
  const m = /^http\/(\d(?:\.\d)?)$/i.exec(v.trim())
  if (m) return m[1]!
  if (/^h2$/i.test(v)) return '2'
  if (/^h3$/i.test(v)) return '3'
  return v
}

/** A kind for an entry of another tool: token endpoints, authorize pages and discovery documents by their URL. */
function guessKind(url: string): EntryKind {
  if (/\/oauth2\/(v2\.0\/)?token\b|\/connect\/token\b|\/token$/i.test(url.split('?')[0]!)) return 'token'
  if (/\/oauth2\/(v2\.0\/)?authorize\b|\/authorize\?/i.test(url)) return 'authorize'
  if (/\.well-known\/|\/discovery\/|\/common\/discovery/i.test(url)) return 'discovery'
  if (/\/api\/data\/v\d/i.test(url) || /\/XRMServices\//i.test(url)) return 'api'
  return 'other'
}

export interface ImportedHar {
  records: ExchangeRecord[]
  creator: string
  warnings: string[]
}

/**
 * Entries of a HAR file (Chrome, Edge, Firefox, Fiddler, Charles, OrgBench) as exchanges to show. Never throws
 * anything but an AppError that says what is wrong with the file.
 */
export function fromHar(text: string): ImportedHar {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new AppError('invalid_input', `This is not a HAR file: it is not JSON (${(error as Error).message}).`)
  }
  const parsed = LenientHar.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new AppError('invalid_input', `This is not a HAR file OrgBench can read: ${issue.path.join('.') || 'the file'} — ${issue.message}.`)
  }
  const warnings: string[] = []
  const records: ExchangeRecord[] = []
  parsed.data.log.entries.forEach((e, i) => {
    const started = Date.parse(e.startedDateTime ?? '')
    if (Number.isNaN(started)) warnings.push(`Entry ${i + 1} has no valid startedDateTime; the time of the import is shown.`)
    const ours = e._orgbench
    const kind = EntryKind.safeParse(ours?.kind)
    const t = e.timings ?? {}
    const phase = (v: number | undefined) => (v === undefined || v < 0 ? null : v)
    const ssl = phase(t.ssl)
    const connect = phase(t.connect)
    const receive = phase(t.receive) ?? 0
    const wait = (phase(t.wait) ?? 0) + (phase(t.send) ?? 0) + (connect ?? 0)
    const total = e.time !== undefined && e.time >= 0 ? e.time : wait + receive
    const status = e.response?.status && e.response.status > 0 ? e.response.status : null
    const responseType = e.response?.content?.mimeType ?? ''
    const post = e.request.postData
    const postText = post?.text ?? (post?.params ? new URLSearchParams(post.params.map((p): [string, string] => [p.name, p.value ?? ''])).toString() : undefined)
    records.push({
      kind: kind.success ? kind.data : guessKind(e.request.url),
      startedAt: Number.isNaN(started) ? Date.now() : started,
      method: e.request.method.toUpperCase(),
      url: e.request.url,
      environmentId: null,
      environmentName: ours?.environmentName ?? null,
      signInId: ours?.signInId ?? null,
      grant: ours?.grant ?? null,
      requestHeaders: (e.request.headers ?? []).map((h) => [h.name, h.value] as [string, string]),
      requestBody: postText !== undefined ? { bytes: bytesOf(postText, post?.encoding), contentType: post?.mimeType ?? '' } : null,
      status,
      statusText: e.response?.statusText ?? '',
      httpVersion: ourVersion(e.response?.httpVersion || e.request.httpVersion),
      responseHeaders: (e.response?.headers ?? []).map((h) => [h.name, h.value] as [string, string]),
      responseBody: e.response?.content?.text !== undefined ? { bytes: bytesOf(e.response.content.text, e.response.content.encoding), contentType: responseType, truncated: false } : null,
      timings: { connect: connect === null ? null : Math.max(0, connect - (ssl ?? 0)), tls: ssl, wait, receive, total },
      error: ours?.error ?? e.response?._error ?? (status === null ? 'No response in the file.' : null)
    })
  })
  const creator = [parsed.data.log.creator?.name, parsed.data.log.creator?.version].filter(Boolean).join(' ') || 'unknown tool'
  return { records, creator, warnings }
}

/** The log's entries as HAR text (all of them, or `ids` in the log's order); bodies whole, secrets masked unless `reveal`. */
export async function exportHar(log: TrafficLog, options: { ids?: readonly string[]; reveal: boolean; appVersion: string }): Promise<{ text: string; count: number }> {
  const wanted = options.ids ? new Set(options.ids) : null
  const entries: TrafficEntry[] = []
  for (const summary of log.list()) {
    if (wanted && !wanted.has(summary.id)) continue
    const entry = await log.getWhole(summary.id, options.reveal)
    if (entry) entries.push(entry)
  }
  if (wanted && entries.length === 0) throw new AppError('not_found', 'None of those traffic entries is in the log any more (they were cleared or dropped as the oldest).')
  return { text: JSON.stringify(toHar(entries, { appVersion: options.appVersion, masked: !options.reveal }), null, 2), count: entries.length }
}

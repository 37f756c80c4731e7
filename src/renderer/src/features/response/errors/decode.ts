/**
 * A Dataverse error answer, read for people: the code in words with the fix, the service-protection limit of a 429
 * and its Retry-After, a plug-in's name and trace (`@Microsoft.PowerApps.CDS.*` annotations, or the same names as
 * headers), and OData's `innererror` chain made tidy.
 */
import type { HeaderList } from '@shared/http'
import { retryAfterSeconds } from '../paging/pager'
import { SERVICE_PROTECTION, wordsFor, type CodeWords } from './dataverseCodes'

const CDS = '@Microsoft.PowerApps.CDS.'
const DETAILS = 'ErrorDetails.'

export interface InnerError {
  type: string | null
  message: string | null
  stack: string[]
}

export interface DecodedError {
  status: number
  code: string | null
  message: string
  words: CodeWords | null
  /** A 429's limit (from its code) and how long to wait. */
  throttle: { limit: 'requests' | 'execution time' | 'concurrent requests' | null; retryAfter: number | null } | null
  /** `x-ms-ratelimit-*` headers, as sent. */
  rateLimits: HeaderList
  /** The plug-in (or Custom API) that raised it, its trace, and Dataverse's other details. */
  plugin: string | null
  trace: string | null
  details: Array<[string, string]>
  helpLink: string | null
  /** OData's innererror, outermost first (internalexception followed). */
  inner: InnerError[]
  /** x-ms-service-request-id: what Microsoft support asks for. */
  requestId: string | null
}

const header = (headers: HeaderList, name: string): string | null => headers.find(([k]) => k.toLowerCase() === name)?.[1] ?? null
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null)

function innerChain(value: unknown): InnerError[] {
  const out: InnerError[] = []
  let at: unknown = value
  for (let depth = 0; at && typeof at === 'object' && depth < 8; depth++) {
    const e = at as Record<string, unknown>
    const stack = str(e.stacktrace)
    out.push({ type: str(e.type), message: str(e.message), stack: stack ? stack.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : [] })
    at = e.internalexception ?? e.innererror
  }
  return out
}

/** The error in an answer, or null when it is not one. */
export function decodeError(status: number, headers: HeaderList, text: string): DecodedError | null {
  if (status < 400) return null
  let error: Record<string, unknown> = {}
  try {
    const json = JSON.parse(text) as unknown
    if (json && typeof json === 'object' && 'error' in json && json.error && typeof json.error === 'object') error = json.error as Record<string, unknown>
  } catch {
    // Not JSON (an HTML gateway page, an empty 429): the status and headers still say something.
  }
  const code = str(error.code)
  const message = str(error.message) ?? (text && text.length < 500 && !/^\s*</.test(text) ? text.trim() : '')
  // Annotations in the error object, and the same names as response headers.
  const cds = new Map<string, string>()
  for (const [k, v] of Object.entries(error)) if (k.startsWith(CDS) && str(v)) cds.set(k.slice(CDS.length), str(v)!)
  for (const [k, v] of headers) {
    const bare = k.replace(/^@/, '')
    if (bare.toLowerCase().startsWith(CDS.slice(1).toLowerCase())) cds.set(bare.slice(CDS.length - 1), v)
  }
  const details: Array<[string, string]> = []
  let plugin: string | null = null
  for (const [k, v] of cds) {
    if (!k.startsWith(DETAILS)) continue
    const name = k.slice(DETAILS.length)
    if (name === 'Plugin.ExceptionFromPluginExecute' || (name === 'ApiExceptionSourceKey' && v.startsWith('Plugin/') && !v.startsWith('Plugin/Microsoft.'))) plugin = v.replace(/^Plugin\//, '').split(',')[0]!
    details.push([name, v])
  }
  const limitCode = code?.toLowerCase() ?? ''
  const throttle = status === 429 ? { limit: SERVICE_PROTECTION[limitCode] ?? null, retryAfter: retryAfterSeconds(headers) } : null
  return {
    status,
    code,
    message,
    words: wordsFor(code),
    throttle,
    rateLimits: headers.filter(([k]) => k.toLowerCase().startsWith('x-ms-ratelimit-')),
    plugin,
    trace: cds.get('TraceText')?.trim() || null,
    details,
    helpLink: cds.get('HelpLink') ?? null,
    inner: [...(cds.get('InnerError.Message') ? [{ type: null, message: cds.get('InnerError.Message')!, stack: [] }] : []), ...innerChain(error.innererror)],
    requestId: header(headers, 'x-ms-service-request-id')
  }
}

/** A history entry made from one send: what was written, what went out (masked as in the traffic log), what came back. */
import { SavedRequest } from '../../../shared/collections'
import type { RequestSpecData } from '../../../shared/http'
import type { TrafficEntry } from '../../../shared/traffic'
import { substituteVariables } from '../../../shared/variables'
import { redactUrl } from '../capture/redact'
import { scrubSecrets } from '../collections/secrets'
import type { HistoryInput } from './history'

/** The request body is kept up to this many characters (enough to send it again)… */
export const HISTORY_BODY_LIMIT = 32 * 1024
/** …the response's up to this many (a preview: the traffic log has the whole of it while the app runs). */
export const HISTORY_RESPONSE_LIMIT = 8 * 1024

export interface SendFacts {
  spec: RequestSpecData
  /** The request's name when it came from a collection or a named tab. */
  name?: string | undefined
  auth: { mode: 'inherit' } | { mode: 'none' } | { mode: 'bearer'; token: string }
  startedAt: number
  environmentId: string | null
  environmentName: string | null
  variables: ReadonlyMap<string, string>
  collection: { dir: string; path: string } | null
  /** The traffic log's (masked) view of the exchange, when one came back. */
  traffic: TrafficEntry | null
  error: string | null
  ms: number
}

function cut(text: string, limit: number): { text: string; truncated: boolean } {
  return text.length > limit ? { text: text.slice(0, limit), truncated: true } : { text, truncated: false }
}

export function historyInput(f: SendFacts, bodyLimit = HISTORY_BODY_LIMIT): HistoryInput {
  const body = cut(f.spec.body, bodyLimit)
  // A bearer token given for one send is not kept; a literal credential becomes a {{variable}} placeholder.
  const auth = f.auth.mode === 'bearer' ? { mode: 'bearer' as const, token: '{{token}}' } : f.auth
  const written = SavedRequest.parse({ name: f.name?.trim() || `${f.spec.method} ${f.spec.url}`.slice(0, 200), method: f.spec.method, url: f.spec.url, headers: f.spec.headers, body: body.text, auth })
  const { request } = scrubSecrets(written)
  const sentUrl = f.traffic?.url ?? redactUrl(substituteVariables(f.spec.url, f.variables).text.trim(), [])
  const responseBody = f.traffic?.responseBody
  const response = f.traffic && f.traffic.status !== null
    ? {
        headers: f.traffic.responseHeaders,
        ...(() => {
          const b = responseBody && responseBody.encoding === 'utf8' ? cut(responseBody.text, Math.min(bodyLimit, HISTORY_RESPONSE_LIMIT)) : { text: '', truncated: Boolean(responseBody?.size) }
          return { body: b.text, truncated: b.truncated || Boolean(responseBody?.truncated) }
        })(),
        contentType: responseBody?.contentType ?? ''
      }
    : null
  return {
    at: new Date(f.startedAt).toISOString(),
    method: f.spec.method,
    url: sentUrl,
    name: f.name?.trim() ?? '',
    status: f.traffic?.status ?? null,
    ms: Math.round(f.traffic?.timings?.total ?? f.ms),
    size: f.traffic?.responseSize ?? 0,
    environmentName: f.environmentName,
    error: f.error,
    environmentId: f.environmentId,
    collection: f.collection,
    request,
    sentHeaders: f.traffic?.requestHeaders ?? [],
    response
  }
}

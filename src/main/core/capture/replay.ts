import { AppError } from '../../../shared/errors'
import { HTTP_METHODS, type HttpMethod, type RequestSpecData } from '../../../shared/http'
import type { TrafficEntry } from '../../../shared/traffic'

/** Headers the sender writes itself for the request it sends (never copied from a recording). */
const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-connection'])
/** What redact.ts writes in place of a secret: a recording that holds it cannot be sent as it was. */
const MASK = '••••'

/**
 * A recorded exchange as a request to send again, read with its secrets (the unmasked entry): its method, URL,
 * headers and body as they were. An entry of an environment that was sent with the environment's token gets a fresh
 * token of that environment rather than the recorded one, which may have expired. A value that was masked when the
 * recording was saved (an imported HAR) is never sent as it is: the error says what to do instead.
 */
export function replayRequest(entry: TrafficEntry): { spec: RequestSpecData; auth: { mode: 'inherit' } | { mode: 'none' } } {
  const method = entry.method.toUpperCase()
  if (!(HTTP_METHODS as readonly string[]).includes(method)) throw new AppError('not_supported', `A ${method} request cannot be sent again from here: copy it as curl instead.`)
  if (entry.requestBody && entry.requestBody.encoding !== 'utf8') throw new AppError('not_supported', 'This request has a binary body: it cannot be sent again from the traffic log.')
  if (entry.requestBody?.truncated) throw new AppError('not_supported', 'Only the first part of this request\'s body was kept: it cannot be sent again as it was.')
  const bearer = entry.requestHeaders.some(([k, v]) => k.toLowerCase() === 'authorization' && /^bearer\s/i.test(v))
  const freshToken = entry.environmentId !== null && entry.kind === 'api' && bearer
  const headers = entry.requestHeaders
    .filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase()) && !(freshToken && k.toLowerCase() === 'authorization'))
    .map(([key, value]) => ({ key, value, enabled: true }))
  const masked = headers.find((h) => h.value.includes(MASK))
  if (masked || entry.url.includes(MASK) || entry.requestBody?.text.includes(MASK)) {
    throw new AppError('invalid_input', `${masked ? `The ${masked.key} header` : 'A secret in this request'} was masked when the traffic was saved: it cannot be sent as it was. Use "Edit in a new tab" and give it a value (a {{variable}}, or the environment's sign-in).`)
  }
  return { spec: { method: method as HttpMethod, url: entry.url, headers, body: entry.requestBody?.text ?? '' }, auth: freshToken ? { mode: 'inherit' } : { mode: 'none' } }
}

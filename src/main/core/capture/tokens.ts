import type { TrafficEntry } from '../../../shared/traffic'

/** A JWT found in a traffic entry, and where: the Auth inspector decodes each. */
export interface FoundToken {
  where: string
  token: string
}

const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/
/** Fields that carry tokens in forms, JSON bodies, query strings and fragments (OAuth 2.0 and OpenID Connect). */
const TOKEN_FIELDS = ['access_token', 'id_token', 'refresh_token', 'client_assertion', 'assertion', 'subject_token', 'actor_token', 'token', 'code_verifier_jwt']

function fromParams(params: URLSearchParams, where: string, out: FoundToken[]): void {
  for (const [key, value] of params) if (TOKEN_FIELDS.includes(key) && JWT.test(value.trim())) out.push({ where: `${where} ${key}`, token: value.trim() })
}

function fromBody(text: string, contentType: string, where: string, out: FoundToken[]): void {
  if (!text) return
  if (/json/i.test(contentType) || /^\s*\{/.test(text)) {
    try {
      const json = JSON.parse(text) as unknown
      if (json && typeof json === 'object' && !Array.isArray(json)) {
        for (const key of TOKEN_FIELDS) {
          const value = (json as Record<string, unknown>)[key]
          if (typeof value === 'string' && JWT.test(value.trim())) out.push({ where: `${where} ${key}`, token: value.trim() })
        }
      }
      return
    } catch {
      // Not JSON after all: read as a form below.
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType) || /^[\w.-]+=/.test(text)) fromParams(new URLSearchParams(text), where, out)
}

/** Every JWT in the entry (read with its secrets: call with the unmasked entry), in the order a person reads it. */
export function findTokens(entry: TrafficEntry): FoundToken[] {
  const out: FoundToken[] = []
  for (const [name, value] of entry.requestHeaders) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(value.trim())?.[1]
    if (name.toLowerCase() === 'authorization' && bearer && JWT.test(bearer)) out.push({ where: 'request header Authorization', token: bearer })
  }
  try {
    const url = new URL(entry.url)
    fromParams(url.searchParams, 'URL query', out)
    if (url.hash.length > 1) fromParams(new URLSearchParams(url.hash.slice(1)), 'URL fragment', out)
  } catch {
    // An entry whose URL did not parse (a failed request): nothing to find there.
  }
  if (entry.requestBody?.encoding === 'utf8') fromBody(entry.requestBody.text, entry.requestBody.contentType, 'request body', out)
  if (entry.responseBody?.encoding === 'utf8') fromBody(entry.responseBody.text, entry.responseBody.contentType, 'response body', out)
  const location = entry.responseHeaders.find(([k]) => k.toLowerCase() === 'location')?.[1]
  if (location) {
    try {
      const url = new URL(location, entry.url)
      fromParams(url.searchParams, 'redirect query', out)
      if (url.hash.length > 1) fromParams(new URLSearchParams(url.hash.slice(1)), 'redirect fragment', out)
    } catch {
      // A Location that is not a URL: nothing to find.
    }
  }
  const seen = new Set<string>()
  return out.filter((t) => (seen.has(t.where + t.token) ? false : (seen.add(t.where + t.token), true)))
}

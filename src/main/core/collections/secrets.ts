/**
 * Collection files are shared (a repo, a Postman export): a credential in one must be a `{{variable}}`, whose value
 * lives in an environment (encrypted). These find the literal ones, to refuse a save or to replace them on import.
 */
import type { SavedRequestData } from '../../../shared/collections'
import { findVariableRefs } from '../../../shared/variables'
import { isSecretHeader, SECRET_FIELDS } from '../capture/redact'

/** Only `{{variables}}` (and the scheme word of an Authorization value, "Bearer {{token}}"). */
export function isVariableOnly(value: string): boolean {
  let rest = value
  for (const ref of findVariableRefs(value).reverse()) rest = rest.slice(0, ref.start) + rest.slice(ref.end)
  return rest.trim() === '' || /^(bearer|basic|negotiate|ntlm|digest)\s*$/i.test(rest.trim())
}

function contentType(request: SavedRequestData): string {
  return request.headers.find((h) => h.enabled && h.key.trim().toLowerCase() === 'content-type')?.value.toLowerCase() ?? ''
}

export interface LiteralSecret {
  where: string
  /** The variable name to put in its place. */
  suggested: string
  replace: (request: SavedRequestData, variable: string) => SavedRequestData
}

function variableName(text: string): string {
  const name = text.replace(/[^\w.-]+/g, '_').replace(/^[^A-Za-z_]+/, '')
  return name || 'secret'
}

/** Every credential written as a literal value in the request. */
export function findLiteralSecrets(request: SavedRequestData): LiteralSecret[] {
  const found: LiteralSecret[] = []
  request.headers.forEach((h, i) => {
    if (!isSecretHeader(h.key.trim()) || isVariableOnly(h.value)) return
    // Cookies name their values: `session={{sessionId}}; lang=en-US` holds no literal credential… as long as each value is a variable.
    if (/^(set-)?cookie$/i.test(h.key.trim()) && h.value.split(';').every((pair) => pair.trim() === '' || isVariableOnly(pair.slice(pair.indexOf('=') + 1)))) return
    const scheme = /^(bearer|basic)\s+/i.exec(h.value)?.[0] ?? ''
    found.push({
      where: `header ${h.key.trim()}`,
      suggested: variableName(h.key.trim().toLowerCase() === 'authorization' ? (scheme.trim().toLowerCase() === 'basic' ? 'basicAuth' : 'token') : h.key.trim()),
      replace: (r, v) => ({ ...r, headers: r.headers.map((x, j) => (j === i ? { ...x, value: `${scheme}{{${v}}}` } : x)) })
    })
  })
  if (request.auth.mode === 'bearer' && !isVariableOnly(request.auth.token)) {
    found.push({ where: 'bearer token', suggested: 'token', replace: (r, v) => ({ ...r, auth: { mode: 'bearer', token: `{{${v}}}` } }) })
  }
  const query = request.url.indexOf('?')
  if (query >= 0) {
    const params = request.url.slice(query + 1).split('#')[0]!.split('&')
    params.forEach((pair, i) => {
      const eq = pair.indexOf('=')
      const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq))
      if (eq < 0 || !SECRET_FIELDS.has(key) || isVariableOnly(safeDecode(pair.slice(eq + 1)))) return
      found.push({
        where: `URL parameter ${key}`,
        suggested: variableName(key),
        replace: (r, v) => {
          const q = r.url.indexOf('?')
          const [search = '', ...hash] = r.url.slice(q + 1).split('#')
          const next = search.split('&').map((p, j) => (j === i ? `${p.slice(0, p.indexOf('='))}={{${v}}}` : p))
          return { ...r, url: `${r.url.slice(0, q)}?${next.join('&')}${hash.length ? `#${hash.join('#')}` : ''}` }
        }
      })
    })
  }
  const type = contentType(request)
  if (request.body && type.includes('x-www-form-urlencoded')) {
    const form = new URLSearchParams(request.body)
    for (const [k, value] of form) {
      if (!SECRET_FIELDS.has(k) || isVariableOnly(value)) continue
      found.push({
        where: `form field ${k}`,
        suggested: variableName(k),
        replace: (r, v) => {
          const f = new URLSearchParams(r.body)
          f.set(k, `{{${v}}}`)
          return { ...r, body: f.toString().replace(/%7B%7B/g, '{{').replace(/%7D%7D/g, '}}') }
        }
      })
    }
  } else if (request.body && (type.includes('json') || /^\s*\{/.test(request.body))) {
    let value: unknown = null
    try {
      value = JSON.parse(request.body)
    } catch {
      // Not JSON (or not yet: a body with {{variables}} in value places); nothing to find.
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (!SECRET_FIELDS.has(k) || typeof v !== 'string' || isVariableOnly(v)) continue
        found.push({
          where: `JSON field ${k}`,
          suggested: variableName(k),
          replace: (r, name) => {
            const obj = JSON.parse(r.body) as Record<string, unknown>
            obj[k] = `{{${name}}}`
            return { ...r, body: JSON.stringify(obj, null, 2) }
          }
        })
      }
    }
  }
  return found
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** Replace every literal credential by a `{{variable}}`; says what was replaced (for import reports). */
export function scrubSecrets(request: SavedRequestData): { request: SavedRequestData; replaced: { where: string; variable: string }[] } {
  let current = request
  const replaced: { where: string; variable: string }[] = []
  // One at a time: each replacement changes the text the next one's position refers to.
  for (let guard = 0; guard < 50; guard++) {
    const next = findLiteralSecrets(current)[0]
    if (!next) break
    current = next.replace(current, next.suggested)
    replaced.push({ where: next.where, variable: next.suggested })
  }
  return { request: current, replaced }
}

import type { HeaderList } from '../../../shared/http'

/** Headers whose values are credentials. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-ms-client-secret', 'ocp-apim-subscription-key'])

/** Form, query and JSON fields whose values are credentials (DESIGN.md, "Traffic capture"). */
export const SECRET_FIELDS = new Set([
  'client_secret',
  'password',
  'code_verifier',
  'client_assertion',
  'refresh_token',
  'access_token',
  'id_token',
  'code',
  'assertion',
  'device_code'
])

export function maskValue(value: string): string {
  if (value.length <= 8) return '••••••••'
  return `${value.slice(0, 4)}••••••••(${value.length} chars)`
}

function maskHeaderValue(name: string, value: string): string {
  if (name === 'authorization' || name === 'proxy-authorization') {
    const space = value.indexOf(' ')
    if (space > 0) return `${value.slice(0, space)} ${maskValue(value.slice(space + 1))}`
  }
  return maskValue(value)
}

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase())
}

export function redactHeaders(headers: HeaderList, where: string, masked: string[]): HeaderList {
  return headers.map(([k, v]) => {
    if (!isSecretHeader(k)) return [k, v]
    masked.push(`${where} header ${k}`)
    return [k, maskHeaderValue(k.toLowerCase(), v)]
  })
}

/** Mask secret fields in a URL's query and fragment (authorize redirects carry codes and tokens there). */
const SECRET_IN_URL = /[?&#](client_secret|password|code_verifier|client_assertion|refresh_token|access_token|id_token|code|assertion|device_code)=/

export function redactUrl(url: string, masked: string[]): string {
  if (!SECRET_IN_URL.test(url)) return url
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return url
  }
  let changed = false
  for (const [k, v] of [...parsed.searchParams]) {
    if (SECRET_FIELDS.has(k)) {
      parsed.searchParams.set(k, maskValue(v))
      masked.push(`URL parameter ${k}`)
      changed = true
    }
  }
  if (parsed.hash.length > 1) {
    const fragment = new URLSearchParams(parsed.hash.slice(1))
    let fragmentChanged = false
    for (const [k, v] of [...fragment]) {
      if (SECRET_FIELDS.has(k)) {
        fragment.set(k, maskValue(v))
        masked.push(`URL fragment ${k}`)
        fragmentChanged = true
      }
    }
    if (fragmentChanged) {
      parsed.hash = fragment.toString()
      changed = true
    }
  }
  return changed ? parsed.toString() : url
}

/** Mask secret fields in a form-encoded or JSON body; other bodies pass unchanged. */
export function redactBody(text: string, contentType: string, where: string, masked: string[]): string {
  const type = contentType.toLowerCase()
  if (type.includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text)
    let changed = false
    for (const [k, v] of [...form]) {
      if (SECRET_FIELDS.has(k)) {
        form.set(k, maskValue(v))
        masked.push(`${where} field ${k}`)
        changed = true
      }
    }
    return changed ? form.toString() : text
  }
  if (type.includes('json') && text.length < 1_000_000) {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      return text
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return text
    const record = value as Record<string, unknown>
    let changed = false
    for (const key of Object.keys(record)) {
      const v = record[key]
      if (SECRET_FIELDS.has(key) && typeof v === 'string') {
        record[key] = maskValue(v)
        masked.push(`${where} field ${key}`)
        changed = true
      }
    }
    return changed ? JSON.stringify(record, null, 2) : text
  }
  return text
}

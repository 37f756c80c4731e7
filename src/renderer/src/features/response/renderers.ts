/**
 * One response view, many body renderers: which ones a body can be shown with, by content type (and, for
 * the table, by a look at the start of the body; never a parse of all of it).
 */
import { ref } from 'vue'
import { isImage } from './body/hexDump'

export type BodyMode = 'table' | 'fields' | 'pretty' | 'raw' | 'image' | 'hex'
export type BodyLanguage = 'json' | 'xml' | 'html' | 'text'

export function languageOf(contentType: string): BodyLanguage {
  const t = contentType.toLowerCase()
  if (t.includes('json')) return 'json'
  if (t.includes('html')) return 'html'
  if (t.includes('xml')) return 'xml'
  return 'text'
}

/** Flat JSON objects (token responses) and forms (token requests) read best as a table of fields. */
export function fieldsOf(text: string, contentType: string): Array<[string, string]> | null {
  if (/x-www-form-urlencoded/i.test(contentType)) return [...new URLSearchParams(text)]
  if (languageOf(contentType) !== 'json' || text.length > 200_000 || !/^\s*\{/.test(text)) return null
  try {
    const value = JSON.parse(text) as unknown
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => v === null || typeof v !== 'object')) {
      return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)])
    }
  } catch {
    return null
  }
  return null
}

/** An OData answer with records: a collection (`value: [...]`) or one entity (`$metadata#accounts/$entity`). */
export function looksTabular(text: string, contentType: string): boolean {
  if (languageOf(contentType) !== 'json') return false
  const head = text.slice(0, 4096)
  if (/^\s*\{\s*"value"\s*:\s*\[/.test(head)) return true
  const context = /^\s*\{\s*"@odata\.context"\s*:\s*"([^"]*)"/.exec(head)?.[1]
  if (!context || !context.includes('$metadata#')) return false
  const fragment = context.slice(context.indexOf('$metadata#') + 10)
  // Collections and entities name an entity set (accounts, accounts(name), accounts/$entity); a property or a
  // function's complex result (Microsoft.Dynamics.CRM.WhoAmIResponse) is not a list of records.
  return /^[A-Za-z_][\w]*(\([^)]*\))?(\/\$entity)?$/.test(fragment) || /"value"\s*:\s*\[/.test(head)
}

export interface BodyKind {
  language: BodyLanguage
  binary: boolean
  modes: BodyMode[]
}

export function bodyKind(text: string, encoding: 'utf8' | 'base64', contentType: string, hasFields: boolean): BodyKind {
  const language = languageOf(contentType)
  if (encoding === 'base64') return { language: 'text', binary: true, modes: isImage(contentType) ? ['image', 'hex', 'raw'] : ['hex', 'raw'] }
  const modes: BodyMode[] = []
  if (looksTabular(text, contentType)) modes.push('table')
  if (hasFields) modes.push('fields')
  if (language === 'json' || language === 'xml') modes.push('pretty')
  modes.push('raw')
  return { language, binary: false, modes }
}

/** The mode a person last picked, for the next body that offers it (this session). */
export const preferredMode = ref<BodyMode | null>(null)

export function initialMode(kind: BodyKind, contentType: string): BodyMode {
  if (preferredMode.value && kind.modes.includes(preferredMode.value)) return preferredMode.value
  if (/x-www-form-urlencoded/i.test(contentType) && kind.modes.includes('fields')) return 'fields'
  if (kind.binary) return kind.modes[0]!
  return kind.modes.includes('pretty') ? 'pretty' : 'raw'
}

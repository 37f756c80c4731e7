import { FIELDS, HAS_VALUES, KINDS } from './filter'

export interface CompletionContext {
  environments: readonly string[]
  methods?: readonly string[]
}

export interface Completion {
  /** Where the word being completed starts in the text. */
  from: number
  /** Whole replacements for text[from..end]. */
  options: string[]
}

const STATUSES = ['2xx', '3xx', '4xx', '5xx', '>=400', '401', '403', '404', '429', '500']
const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']
const HINTS: Record<string, string[]> = { dur: ['>500', '>1000', '<100'], size: ['>1mb', '>100kb', '<1kb'], header: ['Authorization', 'Prefer', 'If-Match', 'WWW-Authenticate'] }

function quote(v: string): string {
  return /[\s()"]/.test(v) ? `"${v.replace(/"/g, '\\"')}"` : v
}

/** What can follow the last word of `text` (the box completes at its end): a field name, or a field's values. */
export function completeFilter(text: string, context: CompletionContext): Completion {
  const m = /[^\s()!]*$/.exec(text)!
  const from = m.index
  const word = m[0]
  const colon = word.indexOf(':')
  if (colon < 0) {
    const lower = word.toLowerCase()
    const options = word === '' ? [] : FIELDS.filter((f) => f.startsWith(lower) && f !== lower).map((f) => `${f}:`)
    return { from, options }
  }
  const field = word.slice(0, colon).toLowerCase()
  const value = word.slice(colon + 1).replace(/^"/, '').toLowerCase()
  const values: readonly string[] =
    field === 'status' ? STATUSES
    : field === 'kind' ? KINDS
    : field === 'has' ? HAS_VALUES
    : field === 'method' ? (context.methods ?? METHODS)
    : field === 'env' ? context.environments
    : (HINTS[field] ?? [])
  const options = values.filter((v) => v.toLowerCase().startsWith(value) && v.toLowerCase() !== value).map((v) => `${word.slice(0, colon + 1)}${quote(v)}`)
  return { from, options: options.slice(0, 12) }
}

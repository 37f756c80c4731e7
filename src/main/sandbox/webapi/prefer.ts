/** The `Prefer` request header as Dataverse reads it (RFC 7240 preferences, comma separated, values may be quoted). */
export interface Preferences {
  representation: boolean
  /** The page size when `odata.maxpagesize` is a whole number from 1 to 5000; larger or malformed values are ignored, as Dataverse does. */
  maxPageSize: number | null
  /** The `odata.include-annotations="…"` preference exactly as sent, to echo in `Preference-Applied`. */
  annotations: string | null
  annotate: (name: string) => boolean
  trackChanges: boolean
  continueOnError: boolean
}

export const MAX_PAGE_SIZE = 5000

function splitPreferences(header: string): string[] {
  const parts: string[] = []
  let quoted = false
  let start = 0
  for (let i = 0; i < header.length; i++) {
    const ch = header[i]
    if (ch === '"') quoted = !quoted
    else if (ch === ',' && !quoted) {
      parts.push(header.slice(start, i))
      start = i + 1
    }
  }
  parts.push(header.slice(start))
  return parts.map((p) => p.trim()).filter(Boolean)
}

export function parsePrefer(header: string | undefined): Preferences {
  let representation = false
  let maxPageSize: number | null = null
  let annotations: string | null = null
  let patterns: string[] = []
  let trackChanges = false
  let continueOnError = false
  for (const pref of splitPreferences(header ?? '')) {
    const eq = pref.indexOf('=')
    const name = (eq < 0 ? pref : pref.slice(0, eq)).trim().toLowerCase()
    const value = eq < 0 ? '' : pref.slice(eq + 1).trim()
    if (name === 'return' && value.toLowerCase() === 'representation') representation = true
    else if (name === 'odata.maxpagesize' && /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_PAGE_SIZE) maxPageSize = Number(value)
    else if (name === 'odata.include-annotations' && value) {
      annotations = `odata.include-annotations=${value}`
      patterns = value.replace(/^"|"$/g, '').split(',').map((p) => p.trim()).filter(Boolean)
    } else if (name === 'odata.track-changes') trackChanges = true
    else if (name === 'odata.continue-on-error') continueOnError = true
  }
  const annotate = (term: string) => patterns.some((p) => p === '*' || p === term || (p.endsWith('*') && term.startsWith(p.slice(0, -1))))
  return { representation, maxPageSize, annotations, annotate, trackChanges, continueOnError }
}

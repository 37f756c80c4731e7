/**
 * The two Dataverse preferences the query builder switches — `odata.maxpagesize=N` and
 * `odata.include-annotations="*"` (formatted values) — read from and merged into one `Prefer` header,
 * beside whatever else it asks for (`return=representation`…).
 */
import type { KeyValue } from '@shared/http'
import { splitPreferences } from '../odata/preferHeader'

export interface PreferSettings {
  /** Rows per page; null: the server's default (5,000). */
  maxPageSize: number | null
  /** Formatted values (option set labels, lookup names, money with its symbol) as annotations. */
  formattedValues: boolean
}

const isPrefer = (h: KeyValue) => h.enabled && h.key.trim().toLowerCase() === 'prefer'
const MAX_PAGE_SIZE = /^odata\.maxpagesize\s*=\s*"?(\d+)"?$/i
const ANNOTATIONS = /^odata\.include-annotations\s*=\s*"?([^"]*)"?$/i


/** Whether an include-annotations filter asks for formatted values. */
function formatted(filter: string): boolean {
  return filter.split(',').some((f) => /^(\*|OData\.\*|OData\.Community\.\*|OData\.Community\.Display\.V1\.(\*|FormattedValue))$/.test(f.trim()))
}

export function readPrefer(headers: readonly KeyValue[]): PreferSettings {
  const prefs = headers.filter(isPrefer).flatMap((h) => splitPreferences(h.value))
  let maxPageSize: number | null = null
  let formattedValues = false
  for (const p of prefs) {
    const size = MAX_PAGE_SIZE.exec(p)
    if (size) maxPageSize = Number(size[1])
    const annotations = ANNOTATIONS.exec(p)
    if (annotations) formattedValues = formatted(annotations[1]!)
  }
  return { maxPageSize, formattedValues }
}

/**
 * The headers with the settings written into one enabled Prefer header (other enabled Prefer rows merged
 * into it), the other preferences kept in their order. Turning the last preference off disables the row.
 */
export function writePrefer(headers: readonly KeyValue[], settings: PreferSettings): KeyValue[] {
  const rows = headers.map((h) => ({ ...h }))
  const enabled = rows.filter(isPrefer)
  const prefs = enabled.flatMap((h) => splitPreferences(h.value))
  const annotation = settings.formattedValues ? 'odata.include-annotations="*"' : null
  const pageSize = settings.maxPageSize !== null ? `odata.maxpagesize=${settings.maxPageSize}` : null
  const out: string[] = []
  let placedAnnotation = false
  let placedPageSize = false
  for (const p of prefs) {
    const annotations = ANNOTATIONS.exec(p)
    if (annotations) {
      if (placedAnnotation) continue
      placedAnnotation = true
      // A filter that already does what the switch says is kept as the person wrote it.
      if (formatted(annotations[1]!) === settings.formattedValues) out.push(p)
      else if (annotation) out.push(annotation)
      continue
    }
    if (MAX_PAGE_SIZE.test(p)) {
      if (placedPageSize) continue
      placedPageSize = true
      if (pageSize) out.push(pageSize)
      continue
    }
    out.push(p)
  }
  if (annotation && !placedAnnotation) out.push(annotation)
  if (pageSize && !placedPageSize) out.push(pageSize)
  const value = out.join(',')
  const [first, ...others] = enabled
  const result = rows.filter((r) => !others.includes(r))
  if (first) {
    if (value) first.value = value
    else first.enabled = false
    return result
  }
  if (!value) return result
  const disabled = result.find((r) => !r.enabled && r.key.trim().toLowerCase() === 'prefer' && r.value === value)
  if (disabled) disabled.enabled = true
  else result.push({ key: 'Prefer', value, enabled: true })
  return result
}

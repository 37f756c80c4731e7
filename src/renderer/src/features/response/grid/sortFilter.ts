/**
 * Sorting and filtering the loaded rows. Both work on row indices over the records, so a sort of 50,000
 * rows moves numbers, not records; sort keys come from the cells (numbers, times, text).
 */
import { cellOf, type CellOptions } from './cells'
import type { Column } from './columns'
import type { ODataRecord } from './result'

export interface SortSpec {
  key: string
  dir: 1 | -1
}

export type SortKey = number | string | null

/**
 * A text's sort key, compared with plain < so 50,000 rows sort in milliseconds: case and accents ignored
 * (Émile with emile), numbers inside text in numeric order (Account 9 before Account 10).
 */
export function textKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\d+/g, (d) => d.padStart(16, '0'))
}

/** A cell's sort key: numbers and times as numbers, text by textKey. */
export function keyOf(record: ODataRecord, column: Column, options: CellOptions = {}): SortKey {
  const key = cellOf(record, column, options).sortKey
  return typeof key === 'string' ? textKey(key) : key
}

/** Row indices ordered by keys (indexed by row; stable; empty values last whichever the direction). */
export function sortByKeys(rows: readonly number[], keys: readonly SortKey[], dir: 1 | -1): number[] {
  return [...rows].sort((a, b) => {
    const ka = keys[a] ?? null
    const kb = keys[b] ?? null
    if (ka === null || kb === null) return ka === kb ? a - b : ka === null ? 1 : -1
    let c: number
    if (typeof ka === typeof kb) c = ka < kb ? -1 : ka > kb ? 1 : 0
    else c = typeof ka === 'number' ? -1 : 1
    return c === 0 ? a - b : c * dir
  })
}

export function sortRows(records: readonly ODataRecord[], rows: readonly number[], column: Column, dir: 1 | -1, options: CellOptions = {}): number[] {
  const keys: SortKey[] = []
  for (const r of rows) keys[r] = keyOf(records[r]!, column, options)
  return sortByKeys(rows, keys, dir)
}

/** Every value of a record (and of records expanded in it), formatted values included, lower-cased. */
function matchesAnywhere(value: unknown, needle: string, depth = 0): boolean {
  if (value === null || value === undefined) return false
  if (typeof value === 'string') return value.toLowerCase().includes(needle)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).includes(needle)
  if (depth > 3) return false
  if (Array.isArray(value)) return value.some((v) => matchesAnywhere(v, needle, depth + 1))
  for (const [k, v] of Object.entries(value as ODataRecord)) {
    // Annotations other than formatted values (etags, logical names) are not what a person filters by.
    if (k.includes('@') && !k.endsWith('@OData.Community.Display.V1.FormattedValue')) continue
    if (matchesAnywhere(v, needle, depth + 1)) return true
  }
  return false
}

export interface FilterSpec {
  /** Anywhere in the row. */
  text: string
  /** Per column key: the cell's text contains it. */
  columns: Record<string, string>
}

export function rowFilter(filter: FilterSpec, columns: readonly Column[], options: CellOptions = {}): ((record: ODataRecord) => boolean) | null {
  const text = filter.text.trim().toLowerCase()
  const byColumn = columns.flatMap((c) => {
    const f = (filter.columns[c.key] ?? '').trim().toLowerCase()
    return f ? [[c, f] as const] : []
  })
  if (!text && !byColumn.length) return null
  return (record) => (!text || matchesAnywhere(record, text)) && byColumn.every(([c, f]) => cellOf(record, c, options).text.toLowerCase().includes(f))
}

/**
 * Run `step(i)` for i in [from, to) in slices of a few milliseconds; `done` when finished. Returns a cancel.
 * Filtering 50,000 rows costs a few hundred milliseconds: this way none of them is a stall.
 */
export function sliced(from: number, to: number, step: (i: number) => void, progress: (at: number) => void, done: () => void, sliceMs = 10): () => void {
  let i = from
  let timer: ReturnType<typeof setTimeout> | null = null
  const run = (): void => {
    const until = performance.now() + sliceMs
    while (i < to) {
      step(i++)
      if ((i & 255) === 0 && performance.now() > until) break
    }
    if (i < to) {
      progress(i)
      timer = setTimeout(run, 0)
    } else {
      timer = null
      done()
    }
  }
  run()
  return () => {
    if (timer) clearTimeout(timer)
    timer = null
  }
}

import type { EntrySummary } from '@shared/traffic'
import type { IndexedEntry } from './filter'

/** An entry with its filter index, made once when it arrives. */
export interface Row extends IndexedEntry {
  entry: EntrySummary
}

export function indexEntry(entry: EntrySummary, signInName: string): Row {
  return {
    entry,
    id: entry.id,
    seq: entry.seq,
    hay: `${entry.url}\n${entry.status ?? entry.error ?? ''}`.toLowerCase(),
    url: entry.url,
    method: entry.method.toUpperCase(),
    host: entry.host.toLowerCase(),
    path: entry.path.toLowerCase(),
    kind: entry.kind,
    env: (entry.environmentName ?? '').toLowerCase(),
    signIn: signInName.toLowerCase(),
    status: entry.status,
    durationMs: entry.durationMs,
    size: entry.responseSize,
    error: entry.error !== null,
    hasSignIn: entry.signInId !== null
  }
}

export const SORT_KEYS = ['seq', 'kind', 'method', 'host', 'path', 'status', 'durationMs', 'size'] as const
export type SortKey = (typeof SORT_KEYS)[number]
export interface SortState {
  key: SortKey
  desc: boolean
}

/** Ascending order by `key`, empty values last whatever the direction, then by arrival; `desc` reverses the rest. */
export function comparator(sort: SortState): (a: Row, b: Row) => number {
  const { key, desc } = sort
  const sign = desc ? -1 : 1
  return (a, b) => {
    const x = a[key]
    const y = b[key]
    if (x !== y) {
      if (x === null || x === '') return 1
      if (y === null || y === '') return -1
      return (x < y ? -1 : 1) * sign
    }
    return (a.seq - b.seq) * sign
  }
}

/** Where `row` goes in `rows` (sorted by `compare`): after every row that sorts before or with it. */
export function insertionPoint(rows: readonly Row[], row: Row, compare: (a: Row, b: Row) => number): number {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compare(rows[mid]!, row) <= 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The grid's columns: the query's `$select` order first, then every other column the records hold, in the
 * order they first appear. Annotations (`name@OData.Community.Display.V1.FormattedValue`) are not columns:
 * they dress the column they annotate. An expanded single-valued navigation property (`primarycontactid:
 * { fullname }`) becomes columns of its own (`primarycontactid/fullname`); a collection-valued one is a
 * column of expandable sub-tables.
 */
import type { ODataRecord } from './result'

export type ColumnKind = 'value' | 'lookup' | 'collection'

export interface Column {
  /** Unique: the property path joined with "/". */
  key: string
  /** Property names from the record down to the value. */
  path: string[]
  kind: ColumnKind
}

const LOOKUP = /^_(.+)_value$/

const isObject = (v: unknown): v is ODataRecord => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `$select` of a request URL, in order (`name,_primarycontactid_value`), or null without one. */
export function selectOf(url: string): string[] | null {
  const query = url.indexOf('?')
  if (query < 0) return null
  for (const part of url.slice(query + 1).split('&')) {
    const eq = part.indexOf('=')
    let name: string
    let value: string
    try {
      name = decodeURIComponent(part.slice(0, eq < 0 ? part.length : eq))
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '))
    } catch {
      continue
    }
    if (name.trim().toLowerCase() === '$select') {
      const names = value.split(',').map((s) => s.trim()).filter(Boolean)
      return names.length ? names : null
    }
  }
  return null
}

/** Columns gathered from records as they arrive (pages appended keep the columns already shown in place). */
export class ColumnSet {
  private readonly byKey = new Map<string, Column>()
  private readonly order: string[] = []

  constructor(private readonly select: string[] | null = null) {}

  private add(path: string[], kind: ColumnKind): void {
    const key = path.join('/')
    const known = this.byKey.get(key)
    if (known) {
      // A lookup seen empty (null) in one record and with a value in the next stays a lookup.
      if (known.kind === 'value' && kind !== 'value') known.kind = kind
      return
    }
    this.byKey.set(key, { key, path, kind })
    this.order.push(key)
  }

  addRecords(records: readonly ODataRecord[]): void {
    for (const record of records) {
      for (const name of Object.keys(record)) {
        if (name.includes('@')) continue
        const value = record[name]
        if (Array.isArray(value)) this.add([name], 'collection')
        else if (isObject(value)) {
          for (const sub of Object.keys(value)) {
            if (sub.includes('@')) continue
            const inner = value[sub]
            this.add([name, sub], Array.isArray(inner) ? 'collection' : LOOKUP.test(sub) ? 'lookup' : 'value')
          }
        } else this.add([name], LOOKUP.test(name) ? 'lookup' : 'value')
      }
    }
  }

  /** The columns: `$select`'s order first (names as selected, any case), then the rest as they came. */
  columns(): Column[] {
    const seen = new Set<string>()
    const out: Column[] = []
    const lower = new Map([...this.byKey.keys()].map((k) => [k.toLowerCase(), k]))
    for (const name of this.select ?? []) {
      const key = lower.get(name.toLowerCase())
      if (key && !seen.has(key)) {
        seen.add(key)
        out.push(this.byKey.get(key)!)
      }
      // An expanded navigation property selected by name keeps its sub-columns together, in that place.
      for (const k of this.order) if (!seen.has(k) && k.toLowerCase().startsWith(name.toLowerCase() + '/')) {
        seen.add(k)
        out.push(this.byKey.get(k)!)
      }
    }
    for (const key of this.order) if (!seen.has(key)) out.push(this.byKey.get(key)!)
    return out
  }
}

export function columnsOf(records: readonly ODataRecord[], select: string[] | null = null): Column[] {
  const set = new ColumnSet(select)
  set.addRecords(records)
  return set.columns()
}

/** The object a column's value sits in (the record, or an expanded record in it), and the property's name. */
export function holderOf(record: ODataRecord, column: Column): { holder: ODataRecord | null; name: string } {
  let holder: ODataRecord | null = record
  for (let i = 0; i < column.path.length - 1; i++) {
    const next: unknown = holder?.[column.path[i]!]
    holder = isObject(next) ? next : null
  }
  return { holder, name: column.path[column.path.length - 1]! }
}

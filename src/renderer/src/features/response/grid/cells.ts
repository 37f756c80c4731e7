/**
 * What a grid cell shows for a record and a column: Dataverse's formatted value where it sent one (option
 * set labels, currency, lookups by name), dates in local time with UTC on hover, and always the value as it
 * came (`raw`) for the hover and the "Raw values" toggle.
 */
import { holderOf, type Column } from './columns'
import type { ODataRecord } from './result'

export const FORMATTED = '@OData.Community.Display.V1.FormattedValue'
export const LOOKUP_LOGICAL_NAME = '@Microsoft.Dynamics.CRM.lookuplogicalname'
export const NAVIGATION = '@Microsoft.Dynamics.CRM.associatednavigationproperty'

export type CellKind = 'empty' | 'text' | 'number' | 'bool' | 'date' | 'lookup' | 'collection' | 'object'

export interface Lookup {
  id: string
  /** The related table (contact), from `@Microsoft.Dynamics.CRM.lookuplogicalname`. */
  logicalName: string | null
  /** Its primary name, from the formatted value. */
  name: string | null
}

export interface Cell {
  kind: CellKind
  /** What the grid shows (the formatted value, a local date, the lookup's name…). */
  text: string
  /** The value as it came, as JSON text (strings without quotes). */
  raw: string
  /** The hover: the value as it came, UTC for dates, the table and id for lookups. */
  title: string
  /** Sorts numbers as numbers and dates by time; everything else by its text. Null sorts last. */
  sortKey: number | string | null
  /** For CSV: a number as it came, safe to write unquoted and unguarded. */
  numeric: boolean
  lookup?: Lookup
  /** Records in an expanded collection. */
  records?: ODataRecord[]
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

export interface CellOptions {
  /** Show values as they came, not formatted. */
  raw?: boolean
  /** Time zone for dates (tests); the computer's own by default. */
  timeZone?: string
  locale?: string
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()
function localDate(ms: number, options: CellOptions): string {
  const key = `${options.locale ?? ''}|${options.timeZone ?? ''}`
  let format = dateFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(options.locale, { dateStyle: 'medium', timeStyle: 'short', ...(options.timeZone ? { timeZone: options.timeZone } : {}) })
    dateFormats.set(key, format)
  }
  return format.format(ms)
}

function rawText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

export function cellOf(record: ODataRecord, column: Column, options: CellOptions = {}): Cell {
  const { holder, name } = holderOf(record, column)
  const value = holder?.[name]
  const formatted = holder?.[name + FORMATTED]
  const raw = rawText(value)
  const show = (text: string): string => (options.raw ? raw : text)
  if (value === null || value === undefined) {
    return { kind: 'empty', text: '', raw: value === null ? 'null' : '', title: value === null ? 'null' : 'not in this record', sortKey: null, numeric: false }
  }
  if (Array.isArray(value)) {
    const records = value.filter((v): v is ODataRecord => typeof v === 'object' && v !== null && !Array.isArray(v))
    return { kind: 'collection', text: `${value.length} record${value.length === 1 ? '' : 's'}`, raw, title: `${column.key}: ${value.length} expanded record${value.length === 1 ? '' : 's'}`, sortKey: value.length, numeric: false, records }
  }
  if (typeof value === 'object') return { kind: 'object', text: raw, raw, title: raw, sortKey: raw.toLowerCase(), numeric: false }
  if (column.kind === 'lookup' && typeof value === 'string') {
    const logicalName = typeof holder?.[name + LOOKUP_LOGICAL_NAME] === 'string' ? (holder[name + LOOKUP_LOGICAL_NAME] as string) : null
    const label = typeof formatted === 'string' ? formatted : null
    return {
      kind: 'lookup',
      text: show(label ?? value),
      raw,
      title: `${logicalName ?? 'record'} ${value}${label ? ` (${label})` : ''}`,
      sortKey: (label ?? value).toLowerCase(),
      numeric: false,
      lookup: { id: value, logicalName, name: label }
    }
  }
  if (typeof value === 'number') {
    const text = typeof formatted === 'string' ? formatted : String(value)
    // An option set's label ("Retail") sorts by the label; currency and numbers by the number.
    const label = text !== String(value) && !/\d/.test(text)
    return { kind: 'number', text: show(text), raw, title: text === raw ? raw : `${raw} (${text})`, sortKey: label ? text.toLowerCase() : value, numeric: options.raw === true || text === raw }
  }
  if (typeof value === 'boolean') {
    const text = typeof formatted === 'string' ? formatted : String(value)
    return { kind: 'bool', text: show(text), raw, title: raw, sortKey: value ? 1 : 0, numeric: false }
  }
  const s = String(value)
  if (DATE_TIME.test(s)) {
    const ms = Date.parse(s)
    if (!Number.isNaN(ms)) {
      const utc = new Date(ms).toISOString().replace('.000Z', 'Z')
      const dataverse = typeof formatted === 'string' ? `; Dataverse: ${formatted}` : ''
      return { kind: 'date', text: show(localDate(ms, options)), raw, title: `${utc} UTC${dataverse}`, sortKey: ms, numeric: false }
    }
  }
  const text = typeof formatted === 'string' ? formatted : s
  return { kind: 'text', text: show(text), raw, title: text === s ? s : `${s} (${text})`, sortKey: text.toLowerCase(), numeric: false }
}

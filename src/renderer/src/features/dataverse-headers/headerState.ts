/**
 * The switches read from and written into a tab's headers, so the Headers table stays the one truth: a
 * header typed by hand shows its switch on, and a switch writes a row anyone can edit. `Prefer` holds
 * several preferences in one header (RFC 7240): switching one merges it with the others, and enabled
 * Prefer rows typed separately are merged into one.
 */
import type { KeyValue } from '@shared/http'
import { HEADER_SWITCHES, type HeaderSwitch } from './switches'
import { splitPreferences } from '../odata/preferHeader'

export interface SwitchState {
  on: boolean
  /** The value in the headers when on (an editable switch's value: the user id, the page size…). */
  value: string | null
  /** A value the header holds that is not this switch's (`If-Match: W/"123"`, `Prefer: return=minimal`). */
  other: string | null
}

const keyIs = (name: string) => (h: KeyValue) => h.key.trim().toLowerCase() === name.toLowerCase()


function preferenceName(preference: string): string {
  const eq = preference.indexOf('=')
  return (eq < 0 ? preference : preference.slice(0, eq)).trim().toLowerCase()
}

function preferenceValue(preference: string): string {
  const eq = preference.indexOf('=')
  return eq < 0 ? '' : preference.slice(eq + 1).trim()
}

export function readSwitch(headers: readonly KeyValue[], def: HeaderSwitch): SwitchState {
  const rows = headers.filter((h) => h.enabled && keyIs(def.header)(h))
  const values = def.preference
    ? rows.flatMap((h) => splitPreferences(h.value)).filter((p) => preferenceName(p) === def.preference).map(preferenceValue)
    : rows.map((h) => h.value.trim())
  const mine = values.find((v) => def.means(v))
  if (mine !== undefined) return { on: true, value: mine, other: null }
  const other = values.find((v) => v !== '')
  return { on: false, value: null, other: other === undefined ? null : def.preference ? `${def.preference}=${other}` : other }
}

export function readSwitches(headers: readonly KeyValue[]): Record<string, SwitchState> {
  return Object.fromEntries(HEADER_SWITCHES.map((def) => [def.id, readSwitch(headers, def)]))
}

/**
 * The headers with the switch on (with `value` for an editable one) or off, and the switches it excludes
 * off. Rows are changed in place where they are; nothing else moves.
 */
export function applySwitch(headers: readonly KeyValue[], def: HeaderSwitch, on: boolean, value: string = def.value): KeyValue[] {
  let rows = headers.map((h) => ({ ...h }))
  if (on) for (const id of def.excludes) rows = writeOne(rows, HEADER_SWITCHES.find((s) => s.id === id)!, false, '')
  return writeOne(rows, def, on, def.input.kind === 'fixed' ? def.value : value.trim())
}

function writeOne(rows: KeyValue[], def: HeaderSwitch, on: boolean, value: string): KeyValue[] {
  return def.preference ? writePreference(rows, def, on, value) : writeHeader(rows, def, on, value)
}

function writeHeader(rows: KeyValue[], def: HeaderSwitch, on: boolean, value: string): KeyValue[] {
  const matches = keyIs(def.header)
  if (!on) {
    // Only what this switch wrote or means goes: If-None-Match: null (the cache override) stays.
    return rows.filter((h) => !(h.enabled && matches(h) && def.means(h.value)))
  }
  const enabled = rows.filter((h) => h.enabled && matches(h))
  const [first, ...others] = enabled
  if (first) {
    first.value = value
    return rows.filter((h) => !others.includes(h))
  }
  const disabled = rows.find((h) => !h.enabled && matches(h) && h.value.trim() === value)
  if (disabled) disabled.enabled = true
  else rows.push({ key: def.header, value, enabled: true })
  return rows
}

function writePreference(rows: KeyValue[], def: HeaderSwitch, on: boolean, value: string): KeyValue[] {
  const matches = keyIs('Prefer')
  const enabled = rows.filter((h) => h.enabled && matches(h))
  const wanted = on ? `${def.preference}=${value}` : null
  const preferences: string[] = []
  let placed = false
  for (const p of enabled.flatMap((h) => splitPreferences(h.value))) {
    if (preferenceName(p) !== def.preference) preferences.push(p)
    else if (wanted && !placed) {
      // A preference that already means what the switch says is kept as it was written.
      preferences.push(def.means(preferenceValue(p)) && def.input.kind === 'fixed' ? p : wanted)
      placed = true
    }
  }
  if (wanted && !placed) preferences.push(wanted)
  const merged = preferences.join(',')
  const [first, ...others] = enabled
  const out = rows.filter((h) => !others.includes(h))
  if (first) {
    // The last preference turned off leaves the row unticked, as a new tab has it.
    if (merged) first.value = merged
    else first.enabled = false
    return out
  }
  if (!merged) return out
  const disabled = out.find((h) => !h.enabled && matches(h) && h.value.trim() === merged)
  if (disabled) disabled.enabled = true
  else out.push({ key: 'Prefer', value: merged, enabled: true })
  return out
}

/** How many switches the headers turn on (the section's badge). */
export function switchesOn(headers: readonly KeyValue[]): number {
  return HEADER_SWITCHES.filter((def) => readSwitch(headers, def).on).length
}

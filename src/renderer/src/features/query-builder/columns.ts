/** Columns of a table as the panel lists them: name, and its type in a few characters (lookups name their table). */
import { h, type VNodeChild } from 'vue'
import type { EntityTypeIndex, SchemaProperty } from '@shared/schema'

/** A type, not an interface: Naive UI's option type has an index signature an interface does not meet. */
export type ColumnOption = {
  label: string
  value: string
  /** Shown muted beside the name. */
  detail: string
}

export function typeText(p: SchemaProperty, type: EntityTypeIndex): string {
  const lookup = type.navigation.find((n) => n.lookup === p.name)
  if (lookup) return `lookup → ${lookup.target}`
  const short = p.type.replace(/^Edm\./, '')
  return type.key.includes(p.name) ? `${short} · key` : short
}

export function columnOptions(type: EntityTypeIndex): ColumnOption[] {
  return type.properties.map((p) => ({ label: p.name, value: p.name, detail: typeText(p, type) }))
}

/** Single-valued navigation properties, as the first step of a `nav/column` path. */
export function lookupOptions(type: EntityTypeIndex): ColumnOption[] {
  return type.navigation.filter((n) => !n.collection).map((n) => ({ label: `${n.name}/…`, value: `${n.name}/`, detail: `→ ${n.target} columns` }))
}

/** NSelect's renderLabel: the name, and the type on the right. */
export function renderColumn(option: { label?: unknown; detail?: unknown }): VNodeChild {
  return h('span', { class: 'qb-option' }, [h('span', { class: 'qb-option-name' }, String(option.label ?? '')), option.detail ? h('span', { class: 'qb-option-detail' }, String(option.detail)) : null])
}

/** NSelect's filter: a name or its type contains the words typed. */
export function matchColumn(pattern: string, option: { label?: unknown; detail?: unknown }): boolean {
  const text = `${String(option.label ?? '')} ${String(option.detail ?? '')}`.toLowerCase()
  return pattern.toLowerCase().split(/\s+/).every((word) => text.includes(word))
}

/** NSelect's renderLabel for operators: a query function's summary in the menu, only its name once chosen. */
export function renderOperator(option: { label?: unknown; detail?: unknown }): VNodeChild {
  return h('span', { class: 'qb-option' }, [h('span', null, String(option.label ?? '')), option.detail ? h('span', { class: 'qb-option-detail qb-menu-only' }, String(option.detail)) : null])
}

/**
 * The org's actions and functions as the picker lists them: unbound ones first, then bound ones with the
 * table they are called on; an operation bound to several types (an overload) once per binding. Custom
 * APIs and custom process actions are operations of the CSDL like any other.
 */
import type { OperationIndex, SchemaView } from '@shared/schema'
import { typeLabel } from './paramTypes'

export interface CatalogEntry {
  /** Unique among the entries: kind, name and binding. */
  id: string
  operation: OperationIndex
  /** The table it is bound to (its entity set when it has one), null when unbound. */
  table: string | null
  /** `unbound`, `on one account`, `on accounts`, `on any table`. */
  bindingLabel: string
  /** Parameters in one line: `Target: crmbaseentity, PerformParentingChecks: Boolean`. */
  signature: string
  returns: string | null
}

/** Read from the packed index (no table is unpacked for this: a real org has hundreds of bound operations). */
export function catalog(schema: SchemaView): CatalogEntry[] {
  const sets = new Map(schema.packed.entityTypes.map((t) => [t.name, t.entitySet]))
  const entries = schema.operations.map((op) => entry(op, sets))
  const seen = new Set<string>()
  const order = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)
  return entries
    .filter((e) => !seen.has(e.id) && seen.add(e.id))
    .sort((a, b) => Number(a.table !== null) - Number(b.table !== null) || order(a.operation.name, b.operation.name) || order(a.table ?? '', b.table ?? ''))
}

function entry(op: OperationIndex, sets: ReadonlyMap<string, string | null>): CatalogEntry {
  const binding = op.binding
  let table: string | null = null
  let bindingLabel = 'unbound'
  if (binding) {
    const set = sets.get(binding.type) ?? null
    table = set ?? binding.type
    if (binding.type === 'crmbaseentity') bindingLabel = binding.collection ? 'on any table' : 'on a record of any table'
    else bindingLabel = binding.collection ? `on ${table}` : `on one ${binding.type}`
  }
  return {
    id: `${op.kind}:${op.name}:${binding ? `${binding.type}${binding.collection ? '[]' : ''}` : ''}`,
    operation: op,
    table,
    bindingLabel,
    signature: op.parameters.map((p) => `${p.name}${p.required ? '' : '?'}: ${typeLabel(p.type, p.collection)}`).join(', '),
    returns: op.returnType ? typeLabel(op.returnType.type, op.returnType.collection) : null
  }
}

/**
 * Entries matching a search: every word must appear in the name or the table; names that start with the
 * search come first, then the catalog's order.
 */
export function searchCatalog(entries: readonly CatalogEntry[], query: string, limit = 200): CatalogEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (!words.length) return entries.slice(0, limit)
  const scored: { e: CatalogEntry; score: number; index: number }[] = []
  entries.forEach((e, index) => {
    const name = e.operation.name.toLowerCase()
    const hay = `${name} ${(e.table ?? '').toLowerCase()} ${e.operation.kind}`
    if (!words.every((w) => hay.includes(w))) return
    const first = words[0]!
    const score = name === first ? 0 : name.startsWith(first) ? 1 : name.includes(first) ? 2 : 3
    scored.push({ e, score, index })
  })
  return scored
    .sort((a, b) => a.score - b.score || a.index - b.index)
    .slice(0, limit)
    .map((s) => s.e)
}

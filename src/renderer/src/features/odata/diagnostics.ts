/**
 * What is wrong with a Web API URL before it is sent (names the org does not have, a navigation
 * property used as a column), and what a name under the mouse is. From the schema alone, no request.
 */
import type { EntityTypeIndex, SchemaView } from '@shared/schema'
import { COMPARISON, resolveNavigationPath } from './filterContext'
import { decodeSafe, readUrl, resolvePath, splitOption, splitTopLevel, type Span } from './urlModel'

export interface UrlDiagnostic {
  from: number
  to: number
  message: string
}

export function checkUrl(text: string, schema: SchemaView): UrlDiagnostic[] {
  const model = readUrl(text)
  if (model.rootEnd < 0 || model.segments.length === 0 || model.segments[0]!.text === '') return []
  const out: UrlDiagnostic[] = []
  const resource = resolvePath(model.segments, model.segments.length, schema)
  if (resource?.kind === 'unknown') {
    out.push({ from: resource.segment.from, to: resource.segment.to, message: resource.reason })
    return out
  }
  if (resource?.kind !== 'entity') return out
  for (const option of model.options) {
    if (option.value) checkOption(option.name.text, option.value, resource.type, schema, out)
  }
  return out
}

function checkOption(name: string, value: Span, type: EntityTypeIndex, schema: SchemaView, out: UrlDiagnostic[]): void {
  const items = (separator: string) => splitTopLevel(value.text, 0, value.text.length, separator).map((s) => ({ text: s.text, from: value.from + s.from, to: value.from + s.to }))
  switch (name) {
    case '$select':
      for (const item of items(',')) checkColumn(item, decodeSafe(item.text).trim(), type, out)
      break
    case '$orderby':
      for (const item of items(',')) {
        const column = decodeSafe(item.text).trim().split(/\s+/)[0] ?? ''
        const at = item.from + Math.max(0, item.text.indexOf(column))
        checkColumn({ text: column, from: at, to: at + column.length }, column, type, out)
      }
      break
    case '$expand':
      for (const item of items(',')) {
        const paren = item.text.indexOf('(')
        const navName = decodeSafe(paren < 0 ? item.text : item.text.slice(0, paren)).trim()
        if (!navName) continue
        const nav = type.navigation.find((n) => n.name === navName)
        if (!nav) {
          const column = type.properties.some((p) => p.name === navName)
          out.push({ from: item.from, to: item.from + (paren < 0 ? item.text.length : paren), message: column ? `"${navName}" is a column, not a navigation property: put it in $select.` : `${type.name} has no navigation property "${navName}".` })
          continue
        }
        const target = schema.entityType(nav.target)
        if (paren < 0 || !target) continue
        const inner = item.text.slice(paren + 1).replace(/\)$/, '')
        for (const part of splitTopLevel(inner, 0, inner.length, ';')) {
          const option = splitOption({ text: part.text, from: item.from + paren + 1 + part.from, to: item.from + paren + 1 + part.to })
          if (option.value) checkOption(option.name.text, option.value, target, schema, out)
        }
      }
      break
    case '$filter':
      checkFilter(value, type, schema, out)
      break
  }
}

function checkColumn(span: Span, name: string, type: EntityTypeIndex, out: UrlDiagnostic[]): void {
  if (!name || name === '*') return
  if (type.properties.some((p) => p.name === name)) return
  const nav = type.navigation.find((n) => n.name === name)
  const message = nav
    ? nav.lookup
      ? `"${name}" is a navigation property: select its lookup column ${nav.lookup}, or $expand=${name}.`
      : `"${name}" is a collection of related ${nav.target} rows: use $expand=${name}, not $select.`
    : `${type.name} has no column "${name}".${suggest(name, type)}`
  out.push({ from: span.from, to: Math.max(span.from + 1, span.to), message })
}

function suggest(name: string, type: EntityTypeIndex): string {
  const lower = name.toLowerCase()
  const exact = type.properties.find((p) => p.name.toLowerCase() === lower)
  if (exact) return ` Names are lower case in the Web API: ${exact.name}.`
  const lookup = type.properties.find((p) => p.name === `_${lower}_value`)
  if (lookup) return ` Did you mean the lookup ${lookup.name}?`
  return ''
}

/** Column names on the left of a comparison (`name eq …`, `primarycontactid/fullname ne …`, `o/x gt …` in a lambda). */
function checkFilter(value: Span, type: EntityTypeIndex, schema: SchemaView, out: UrlDiagnostic[]): void {
  const text = decodeSafe(value.text)
  if (text !== value.text) return // positions would not match the encoded text: check only the readable form
  const masked = text.replace(/'(?:[^']|'')*'?/g, (s) => ' '.repeat(s.length))
  const scope = new Map<string, EntityTypeIndex>()
  for (const m of masked.matchAll(/([A-Za-z_][\w/]*)\/(?:any|all)\(\s*(\w+)\s*:/g)) {
    const target = resolveNavigationPath(m[1]!, type, schema)
    if (target) scope.set(m[2]!, target)
  }
  const comparison = new RegExp(`([A-Za-z_][\\w]*(?:/[A-Za-z_][\\w]*)*)\\s+(?:${COMPARISON.join('|')})\\s`, 'g')
  for (const m of masked.matchAll(comparison)) {
    const path = m[1]!
    if (/^(true|false|null|not)$/i.test(path)) continue
    const parts = path.split('/')
    let owner: EntityTypeIndex | null = type
    let start = 0
    if (scope.has(parts[0]!)) {
      owner = scope.get(parts[0]!)!
      start = 1
    }
    for (let i = start; i < parts.length - 1 && owner; i++) {
      const nav: EntityTypeIndex['navigation'][number] | undefined = owner.navigation.find((n) => n.name === parts[i])
      if (!nav) {
        out.push({ from: value.from + m.index, to: value.from + m.index + path.length, message: `${owner.name} has no navigation property "${parts[i]}".` })
        owner = null
        break
      }
      owner = schema.entityType(nav.target)
    }
    if (!owner) continue
    const column = parts[parts.length - 1]!
    const from = value.from + m.index + path.length - column.length
    checkColumn({ text: column, from, to: from + column.length }, column, owner, out)
  }
}

/** A line about the name at `pos`: its type, what it points to. Null when it is not a schema name. */
export function describeAt(text: string, pos: number, schema: SchemaView): { from: number; to: number; text: string } | null {
  const isName = (c: string | undefined) => c !== undefined && /[\w.$@]/.test(c)
  let from = pos
  let to = pos
  while (from > 0 && isName(text[from - 1])) from--
  while (to < text.length && isName(text[to])) to++
  const word = text.slice(from, to)
  if (!word) return null
  const model = readUrl(text)
  if (model.rootEnd < 0 || from < model.rootEnd) return null
  const set = schema.entityTypeOfSet(word)
  if (set && model.segments[0] && from === model.segments[0].from) return { from, to, text: `${word}: entity set of ${set.name} (key ${set.key.join(', ')}; ${set.properties.length} columns)` }
  const op = schema.operation(word.replace(/^(Microsoft\.Dynamics\.CRM|mscrm)\./, ''))[0]
  if (op) {
    const params = op.parameters.map((p) => `${p.name}: ${p.collection ? `Collection(${p.type})` : p.type}`).join(', ')
    return { from, to, text: `${op.kind} ${op.name}(${params})${op.returnType ? ` → ${op.returnType.type}` : ''}${op.binding ? ` · bound to ${op.binding.type}` : ''}` }
  }
  const resource = resolvePath(model.segments, model.segments.length, schema)
  const types: EntityTypeIndex[] = []
  if (resource?.kind === 'entity') types.push(resource.type)
  for (const t of [...types]) for (const n of t.navigation) {
    const target = schema.entityType(n.target)
    if (target) types.push(target)
  }
  for (const type of types) {
    const property = type.properties.find((p) => p.name === word)
    if (property) {
      const lookup = type.navigation.find((n) => n.lookup === word)
      return { from, to, text: `${type.name}.${word}: ${property.type}${lookup ? ` (lookup → ${lookup.target})` : ''}${type.key.includes(word) ? ' · primary key' : ''}` }
    }
    const nav = type.navigation.find((n) => n.name === word)
    if (nav) return { from, to, text: `${type.name}.${word}: ${nav.collection ? `collection of ${nav.target}` : `→ ${nav.target}`}${nav.lookup ? ` (lookup ${nav.lookup})` : ''}` }
  }
  return null
}

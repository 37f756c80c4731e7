/**
 * A forgiving reading of a Web API URL as it is being typed: where the service root ends, the path
 * segments and the query options, each with its position in the text. Never throws: text that is
 * half-written is the normal case.
 */
import type { EntityTypeIndex, OperationIndex, SchemaView } from '@shared/schema'

export interface Span {
  text: string
  from: number
  to: number
}

export interface QueryOption {
  name: Span
  /** Null when there is no `=` yet. */
  value: Span | null
}

export interface UrlModel {
  /** Where the path after the service root starts; -1 when the URL has no recognisable Web API root. */
  rootEnd: number
  segments: Span[]
  /** Position of `?`, -1 when none. */
  queryStart: number
  options: QueryOption[]
}

const ROOT = /(\{\{\s*webApiUrl\s*\}\}|\/api\/data\/v\d+(?:\.\d+)?)\//i

export function readUrl(text: string): UrlModel {
  const m = ROOT.exec(text)
  if (!m) return { rootEnd: -1, segments: [], queryStart: -1, options: [] }
  const rootEnd = m.index + m[0].length
  const queryStart = indexOutside(text, '?', rootEnd)
  const pathEnd = queryStart < 0 ? text.length : queryStart
  const segments = splitTopLevel(text, rootEnd, pathEnd, '/')
  const options: QueryOption[] = []
  if (queryStart >= 0) {
    for (const part of splitTopLevel(text, queryStart + 1, text.length, '&')) options.push(splitOption(part))
  }
  return { rootEnd, segments, queryStart, options }
}

export function splitOption(part: Span): QueryOption {
  const eq = part.text.indexOf('=')
  if (eq < 0) return { name: part, value: null }
  return {
    name: { text: part.text.slice(0, eq), from: part.from, to: part.from + eq },
    value: { text: part.text.slice(eq + 1), from: part.from + eq + 1, to: part.to }
  }
}

/** Split `text[from, to)` on `separator` where it is outside parentheses and quotes. */
export function splitTopLevel(text: string, from: number, to: number, separator: string): Span[] {
  const out: Span[] = []
  let depth = 0
  let quoted = false
  let start = from
  for (let i = from; i < to; i++) {
    const c = text[i]
    if (c === "'") quoted = !quoted
    else if (quoted) continue
    else if (c === '(') depth++
    else if (c === ')') depth = Math.max(0, depth - 1)
    else if (c === separator && depth === 0) {
      out.push({ text: text.slice(start, i), from: start, to: i })
      start = i + 1
    }
  }
  out.push({ text: text.slice(start, to), from: start, to })
  return out
}

function indexOutside(text: string, char: string, from: number): number {
  let depth = 0
  let quoted = false
  for (let i = from; i < text.length; i++) {
    const c = text[i]
    if (c === "'") quoted = !quoted
    else if (quoted) continue
    else if (c === '(') depth++
    else if (c === ')') depth = Math.max(0, depth - 1)
    else if (c === char && depth === 0) return i
  }
  return -1
}

/** What a path resolves to: an entity type (one record or a collection), or something else. */
export type Resource =
  | { kind: 'entity'; type: EntityTypeIndex; collection: boolean }
  | { kind: 'operation'; operation: OperationIndex }
  | { kind: 'other'; name: string }
  | { kind: 'unknown'; segment: Span; reason: string }

const OPERATION_PREFIX = /^(Microsoft\.Dynamics\.CRM|mscrm)\./

/** Walk the path segments before `upTo` (an index into `segments`) through the schema. */
export function resolvePath(segments: Span[], upTo: number, schema: SchemaView): Resource | null {
  let current: Resource | null = null
  for (let i = 0; i < upTo; i++) {
    const segment = segments[i]!
    const paren = segment.text.indexOf('(')
    const name = decodeSafe(paren < 0 ? segment.text : segment.text.slice(0, paren))
    const keyed = paren >= 0
    if (i === 0) {
      const type = schema.entityTypeOfSet(name)
      if (type) current = { kind: 'entity', type, collection: !keyed }
      else {
        const op = schema.operation(name).find((o) => o.binding === null)
        if (op) current = { kind: 'operation', operation: op }
        else if (name.startsWith('$') || /^(EntityDefinitions|GlobalOptionSetDefinitions|RelationshipDefinitions)$/.test(name)) current = { kind: 'other', name }
        else return { kind: 'unknown', segment, reason: `"${name}" is not an entity set, function or action of this org.` }
      }
      continue
    }
    if (!current || current.kind !== 'entity') return current
    const here: { kind: 'entity'; type: EntityTypeIndex; collection: boolean } = current
    if (name === '$count' || name === '$ref' || name === '$value') return { kind: 'other', name }
    if (OPERATION_PREFIX.test(name)) {
      const op = schema.operation(name.replace(OPERATION_PREFIX, '')).find((o) => o.binding?.type === here.type.name || o.binding?.type === 'crmbaseentity')
      if (!op) return { kind: 'unknown', segment, reason: `"${name}" is not a function or action bound to ${here.type.name}.` }
      current = { kind: 'operation', operation: op }
      continue
    }
    if (here.collection) return { kind: 'unknown', segment, reason: `Choose one ${here.type.name} by its key — ${here.type.entitySet ?? here.type.name}(<${here.type.key[0] ?? 'id'}>) — before "${name}".` }
    const nav = here.type.navigation.find((n) => n.name === name)
    if (nav) {
      const target = schema.entityType(nav.target)
      if (!target) return { kind: 'other', name }
      current = { kind: 'entity', type: target, collection: nav.collection && !keyed }
      continue
    }
    if (here.type.properties.some((p) => p.name === name)) return { kind: 'other', name }
    return { kind: 'unknown', segment, reason: `${here.type.name} has no property or navigation property "${name}".` }
  }
  return current
}

export function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

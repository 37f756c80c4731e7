/**
 * Where the cursor is inside a `$filter` expression: what may come next (a column, an operator, a
 * value, `and`/`or`) and which table the names belong to (lambda variables and navigation paths
 * change it). A small state machine over tokens, forgiving of anything half-typed.
 */
import type { EntityTypeIndex, SchemaProperty, SchemaView } from '@shared/schema'

export type Expect = 'operand' | 'operator' | 'value' | 'logical'

export interface FilterContext {
  expect: Expect
  /** The table whose columns complete here. */
  type: EntityTypeIndex
  /** The column on the left of the comparison, for value suggestions. */
  property: SchemaProperty | null
  /** Inside `PropertyName='…'` of a Dataverse query function: complete a column name with no quotes. */
  inPropertyName: boolean
  /** The word being typed (already in the text before the cursor). */
  word: string
  /** A path typed before the word (`primarycontactid/`, `c/`): the word is a column of its target. */
  pathPrefix: string
}

export const COMPARISON = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const
export const LOGICAL = ['and', 'or'] as const
export const STRING_FUNCTIONS = ['contains', 'startswith', 'endswith'] as const

interface Frame {
  expect: Expect
  fn: string
  /** Lambda variables visible in this frame: name → entity type. */
  scope: Map<string, EntityTypeIndex>
  property: SchemaProperty | null
  args: number
  /** The last name read as an operand (`contacts/any` before a lambda's parenthesis). */
  lastPath?: string
}

const TOKEN = /\s+|'(?:[^']|'')*'?|[A-Za-z_@$][\w.@$]*(?:\/[\w.@$]*)*(?::)?|-?\d[\d.eE+-]*|\[|\]|\(|\)|,|./g

export function filterContext(text: string, root: EntityTypeIndex, schema: SchemaView): FilterContext {
  const word = /[A-Za-z_@$][\w.@$]*$/.exec(text)?.[0] ?? ''
  const before = text.slice(0, text.length - word.length)
  const pathMatch = /([A-Za-z_][\w]*(?:\/[A-Za-z_][\w]*)*)\/$/.exec(before)
  const head = pathMatch ? before.slice(0, before.length - pathMatch[0].length) : before
  const propertyNameQuote = /PropertyName='$/.test(before)

  const frames: Frame[] = [{ expect: 'operand', fn: '', scope: new Map(), property: null, args: 0 }]
  const top = () => frames[frames.length - 1]!
  const lookupScope = (name: string): EntityTypeIndex | undefined => {
    for (let i = frames.length - 1; i >= 0; i--) {
      const t = frames[i]!.scope.get(name)
      if (t) return t
    }
    return undefined
  }
  let pendingFn = ''
  for (const m of head.matchAll(TOKEN)) {
    const token = m[0]
    if (/^\s+$/.test(token)) continue
    const frame = top()
    if (token === '(') {
      const fn = pendingFn
      pendingFn = ''
      const scope = new Map<string, EntityTypeIndex>()
      frames.push({ expect: 'operand', fn, scope, property: null, args: 0 })
      continue
    }
    pendingFn = ''
    if (token === ')') {
      if (frames.length > 1) frames.pop()
      top().expect = 'logical'
      continue
    }
    if (token === ',') {
      frame.args++
      frame.expect = frame.fn && STRING_FUNCTIONS.includes(frame.fn as never) ? 'value' : 'operand'
      continue
    }
    if (/^[A-Za-z_@$]/.test(token)) {
      const lower = token.toLowerCase()
      if (token.endsWith(':')) {
        // A lambda variable: `contacts/any(c:` binds c to the collection's table.
        const variable = token.slice(0, -1)
        const parent = frames[frames.length - 2]
        const owner = parent ? lambdaTarget(parent, root, schema, lookupScope) : undefined
        if (owner) frame.scope.set(variable, owner)
        continue
      }
      if (frame.expect === 'operand') {
        if (lower === 'not') continue
        pendingFn = token
        const resolved = resolveColumn(token, root, schema, lookupScope)
        frame.property = resolved
        frame.lastPath = token
        frame.expect = 'operator'
        continue
      }
      if (frame.expect === 'operator' || frame.expect === 'logical') {
        if ((COMPARISON as readonly string[]).includes(lower)) frame.expect = 'value'
        else if ((LOGICAL as readonly string[]).includes(lower)) {
          frame.expect = 'operand'
          frame.property = null
        }
        continue
      }
      if (frame.expect === 'value') {
        frame.expect = 'logical'
        continue
      }
    }
    // Literals: strings, numbers, list brackets.
    if (frame.expect === 'value') frame.expect = 'logical'
    else if (frame.expect === 'operand') frame.expect = 'operator'
  }

  const frame = top()
  let type = root
  if (pathMatch) {
    const resolved = resolveNavigationPath(pathMatch[1]!, root, schema, lookupScope)
    if (resolved) type = resolved
  }
  const expect: Expect = propertyNameQuote ? 'operand' : frame.fn && STRING_FUNCTIONS.includes(frame.fn.toLowerCase() as never) && frame.args === 0 ? 'operand' : frame.expect
  return { expect, type, property: frame.property, inPropertyName: propertyNameQuote, word, pathPrefix: pathMatch ? pathMatch[1]! : '' }
}

/** `contacts/any` (the function name before the lambda's parenthesis) → the contact table. */
function lambdaTarget(frame: Frame, root: EntityTypeIndex, schema: SchemaView, scope: (n: string) => EntityTypeIndex | undefined): EntityTypeIndex | undefined {
  const last = frame.lastPath
  if (!last) return undefined
  const m = /^(.*)\/(any|all)$/i.exec(last)
  if (!m) return undefined
  return resolveNavigationPath(m[1]!, root, schema, scope) ?? undefined
}

/** Follow `nav/nav2` (or `c/nav` with a lambda variable) to the last table. */
export function resolveNavigationPath(path: string, root: EntityTypeIndex, schema: SchemaView, scope: (n: string) => EntityTypeIndex | undefined = () => undefined): EntityTypeIndex | null {
  const parts = path.split('/')
  let type: EntityTypeIndex | null = scope(parts[0]!) ?? null
  let start = 1
  if (!type) {
    type = root
    start = 0
  }
  for (let i = start; i < parts.length; i++) {
    const nav = type.navigation.find((n) => n.name === parts[i])
    if (!nav) return null
    type = schema.entityType(nav.target)
    if (!type) return null
  }
  return type
}

function resolveColumn(path: string, root: EntityTypeIndex, schema: SchemaView, scope: (n: string) => EntityTypeIndex | undefined): SchemaProperty | null {
  const slash = path.lastIndexOf('/')
  const owner = slash < 0 ? root : resolveNavigationPath(path.slice(0, slash), root, schema, scope)
  const name = slash < 0 ? path : path.slice(slash + 1)
  return owner?.properties.find((p) => p.name === name) ?? null
}

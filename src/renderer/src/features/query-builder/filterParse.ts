/**
 * A `$filter` read into the builder's tree: `and`/`or` chains become groups, parentheses nested groups,
 * and each comparison, string test, null check or Dataverse query function a row. A part the builder
 * cannot show (a lambda, `tolower()`, two columns compared…) becomes a raw node with its exact text and
 * the reason; only text that is not a readable expression at all (unbalanced parentheses, an unclosed
 * quote) fails as a whole.
 */
import type { EntityTypeIndex, SchemaView } from '@shared/schema'
import { DATE, DATETIME, GUID, NUMBER, readList, unquote, VARIABLE } from './literals'
import type { FilterCondition, FilterGroup, FilterNode } from './model'
import { COMPARISONS, isQueryFunction, queryFunction, valueKind } from './operators'

export class FilterSyntaxError extends Error {}

type TokenType = 'string' | 'list' | 'literal' | 'word' | '(' | ')' | ',' | '=' | 'other'
interface Token {
  type: TokenType
  text: string
  from: number
  to: number
}

const PATTERNS: Array<[TokenType, RegExp]> = [
  ['literal', /\{\{[^{}]*\}\}/y],
  ['literal', /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/iy],
  ['literal', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?(?![\w:.+-])/y],
  ['literal', /\d{4}-\d{2}-\d{2}(?![\w:.-])/y],
  ['literal', /-?\d+(\.\d+)?([eE][+-]?\d+)?(?![\w.])/y],
  ['word', /[A-Za-z_$@][\w.$@]*(\/[A-Za-z_$@][\w.$@]*)*/y]
]

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === "'") {
      let j = i + 1
      for (;;) {
        if (j >= text.length) throw new FilterSyntaxError(`a quote opened at position ${i + 1} is not closed`)
        if (text[j] === "'") {
          if (text[j + 1] === "'") j += 2
          else break
        } else j++
      }
      tokens.push({ type: 'string', text: text.slice(i, j + 1), from: i, to: j + 1 })
      i = j + 1
      continue
    }
    if (c === '[') {
      let j = i + 1
      let quote = ''
      while (j < text.length && (quote || text[j] !== ']')) {
        const d = text[j]!
        if (quote) {
          if (d === quote) quote = ''
          else if (d === '\\' && quote === '"') j++
        } else if (d === '"' || d === "'") quote = d
        j++
      }
      if (j >= text.length) throw new FilterSyntaxError(`a list opened at position ${i + 1} is not closed`)
      tokens.push({ type: 'list', text: text.slice(i, j + 1), from: i, to: j + 1 })
      i = j + 1
      continue
    }
    if ('(),='.includes(c)) {
      tokens.push({ type: c as TokenType, text: c, from: i, to: i + 1 })
      i++
      continue
    }
    let matched = false
    for (const [type, pattern] of PATTERNS) {
      pattern.lastIndex = i
      const m = pattern.exec(text)
      if (m) {
        tokens.push({ type, text: m[0], from: i, to: i + m[0].length })
        i += m[0].length
        matched = true
        break
      }
    }
    if (!matched) {
      tokens.push({ type: 'other', text: c, from: i, to: i + 1 })
      i++
    }
  }
  return tokens
}

type Attempt = { condition: FilterCondition } | { reason: string }

const GENERIC = 'the builder shows comparisons with a value, contains / begins with / ends with, null checks and Dataverse query functions.'
const STRING_FNS = ['contains', 'startswith', 'endswith']

export function parseFilter(text: string, type: EntityTypeIndex, schema: SchemaView): FilterGroup {
  const tokens = tokenize(text)
  let at = 0
  const parenthesized = new WeakSet<FilterNode>()
  const peek = (k = 0): Token | undefined => tokens[at + k]
  const isWord = (word: string, k = 0) => peek(k)?.type === 'word' && peek(k)!.text.toLowerCase() === word

  const chain = (logic: 'and' | 'or', item: () => FilterNode): FilterNode => {
    const nodes = [item()]
    while (isWord(logic)) {
      at++
      nodes.push(item())
    }
    return nodes.length === 1 ? nodes[0]! : { kind: 'group', logic, children: nodes }
  }
  const expression = (): FilterNode => chain('or', () => chain('and', unary))

  const unary = (): FilterNode => {
    const start = at
    if (peek()?.type === '(') {
      at++
      const inner = expression()
      if (peek()?.type !== ')') throw new FilterSyntaxError(peek() ? `")" expected at position ${peek()!.from + 1}` : 'a parenthesis is not closed')
      at++
      const group: FilterGroup = inner.kind === 'group' && !parenthesized.has(inner) ? inner : { kind: 'group', logic: 'and', children: [inner] }
      parenthesized.add(group)
      return group
    }
    const attempt = condition()
    if ('condition' in attempt) return attempt.condition
    // Not a row: keep the whole operand, up to the next top-level and/or, as written.
    at = start
    let depth = 0
    while (at < tokens.length) {
      const t = tokens[at]!
      if (t.type === '(') depth++
      else if (t.type === ')') {
        if (depth === 0) break
        depth--
      } else if (depth === 0 && at > start && t.type === 'word' && /^(and|or)$/i.test(t.text)) break
      at++
    }
    if (at === start) throw new FilterSyntaxError(peek() ? `unexpected "${peek()!.text}" at position ${peek()!.from + 1}` : 'the expression ends too early')
    if (depth > 0) throw new FilterSyntaxError('a parenthesis is not closed')
    return { kind: 'raw', text: text.slice(tokens[start]!.from, tokens[at - 1]!.to), reason: attempt.reason }
  }

  const condition = (): Attempt => {
    let negate = false
    if (isWord('not')) {
      negate = true
      at++
    }
    const head = peek()
    if (head?.type !== 'word') return { reason: negate ? '"not" is shown only before contains, startswith and endswith.' : GENERIC }
    at++
    const lower = head.text.toLowerCase()
    if (STRING_FNS.includes(lower) && peek()?.type === '(') return stringTest(negate ? `not${lower}` : lower)
    if (negate) return { reason: '"not" is shown only before contains, startswith and endswith.' }
    const fn = /^(?:Microsoft\.Dynamics\.CRM|mscrm)\.(\w+)$/.exec(head.text)
    if (fn && peek()?.type === '(') return isQueryFunction(fn[1]!) ? dataverseFunction(fn[1]!) : { reason: `${fn[1]} is not one of Dataverse's query functions.` }
    if (peek()?.type === '(') {
      if (/\/(any|all)$/i.test(head.text)) return { reason: 'conditions on related rows (any / all) are not shown by the builder.' }
      return { reason: `${head.text}() is not a function the builder offers.` }
    }
    return comparison(head.text)
  }

  const stringTest = (operator: string): Attempt => {
    at++ // (
    const column = peek()
    if (column?.type !== 'word' || peek(1)?.type !== ',' || peek(2)?.type !== 'string' || peek(3)?.type !== ')') return { reason: `${operator.replace(/^not/, '')} is shown with a column and a text in quotes: contains(name,'text').` }
    const value = peek(2)!
    at += 4
    const resolved = resolveColumn(column.text, type, schema)
    if ('reason' in resolved) return resolved
    if (resolved.type !== 'Edm.String' && resolved.type !== '') return { reason: `${column.text} is not a text column.` }
    return { condition: { kind: 'condition', column: column.text, type: 'Edm.String', operator, values: [unquote(value.text)] } }
  }

  const comparison = (column: string): Attempt => {
    if (column.startsWith('@')) return { reason: 'a parameter alias is not shown by the builder.' }
    const op = peek()
    if (op?.type !== 'word' || !(COMPARISONS as readonly string[]).includes(op.text.toLowerCase())) return { reason: GENERIC }
    at++
    const operator = op.text.toLowerCase()
    const value = peek()
    if (!value) return { reason: GENERIC }
    at++
    const resolved = resolveColumn(column, type, schema)
    if ('reason' in resolved) return resolved
    if (value.type === 'word' && value.text === 'null') {
      if (operator !== 'eq' && operator !== 'ne') return { reason: `only eq null and ne null compare with null.` }
      return { condition: { kind: 'condition', column, type: resolved.type, operator: operator === 'eq' ? 'null' : 'notnull', values: [] } }
    }
    if (value.type === 'word' && !/^(true|false)$/.test(value.text)) return { reason: value.text.startsWith('@') ? 'a parameter alias is not shown by the builder.' : 'it compares two columns; the builder compares a column with a value.' }
    const read = readValue(value, resolved.type, column)
    if ('reason' in read) return read
    return { condition: { kind: 'condition', column, type: read.type, operator, values: [read.value] } }
  }

  const dataverseFunction = (name: string): Attempt => {
    at++ // (
    const args = new Map<string, Token>()
    for (;;) {
      const key = peek()
      if (key?.type !== 'word' || peek(1)?.type !== '=' || !peek(2) || !['string', 'list', 'literal', 'word'].includes(peek(2)!.type)) return { reason: `${name} is shown with PropertyName='column' and its values.` }
      args.set(key.text, peek(2)!)
      at += 3
      if (peek()?.type === ',') at++
      else if (peek()?.type === ')') {
        at++
        break
      } else return { reason: `${name} is shown with PropertyName='column' and its values.` }
    }
    const property = args.get('PropertyName')
    if (property?.type !== 'string') return { reason: `${name} needs PropertyName='column'.` }
    const column = unquote(property.text)
    const resolved = resolveColumn(column, type, schema)
    if ('reason' in resolved) return resolved
    const shape = queryFunction(name)!.shape
    const expected = { property: ['PropertyName'], value: ['PropertyName', 'PropertyValue'], two: ['PropertyName', 'PropertyValue1', 'PropertyValue2'], values: ['PropertyName', 'PropertyValues'] }[shape]
    if (args.size !== expected.length || !expected.every((k) => args.has(k))) return { reason: `${name} takes ${expected.join(', ')}.` }
    const one = (t: Token): string | null => (t.type === 'string' ? unquote(t.text) : t.type === 'literal' || (t.type === 'word' && /^(true|false)$/.test(t.text)) ? t.text : null)
    let values: string[] | null
    if (shape === 'values') values = readList(args.get('PropertyValues')!.text)
    else values = expected.slice(1).map((k) => one(args.get(k)!)).every((v) => v !== null) ? expected.slice(1).map((k) => one(args.get(k)!)!) : null
    if (!values) return { reason: `${name}'s values are not ones the builder can show.` }
    return { condition: { kind: 'condition', column, type: resolved.type, operator: name, values } }
  }

  const root = at < tokens.length ? expression() : null
  if (at < tokens.length) throw new FilterSyntaxError(`unexpected "${tokens[at]!.text}" at position ${tokens[at]!.from + 1}`)
  if (!root) return { kind: 'group', logic: 'and', children: [] }
  if (root.kind === 'group' && !parenthesized.has(root)) return root
  return { kind: 'group', logic: 'and', children: [root] }
}

/** A column, a lookup's `_x_value`, or a path through single-valued navigation properties; type '' when the schema does not know it. */
export function resolveColumn(path: string, root: EntityTypeIndex, schema: SchemaView): { type: string } | { reason: string } {
  const parts = path.split('/')
  let owner: EntityTypeIndex | null = root
  for (const part of parts.slice(0, -1)) {
    const nav: EntityTypeIndex['navigation'][number] | undefined = owner?.navigation.find((n) => n.name === part)
    if (!nav) return { type: '' }
    if (nav.collection) return { reason: `${part} is a collection of related rows: conditions on them (any / all) are not shown by the builder.` }
    owner = schema.entityType(nav.target)
  }
  const name = parts[parts.length - 1]!
  return { type: owner?.properties.find((p) => p.name === name)?.type ?? '' }
}

/** A comparison's value checked against the column's type; a column the schema does not know takes its type from the literal. */
function readValue(token: Token, type: string, column: string): { value: string; type: string } | { reason: string } {
  const text = token.text
  const kind = valueKind(type)
  const isVar = VARIABLE.test(text)
  const mismatch = (what: string) => ({ reason: `${column} is a column of type ${type.replace('Edm.', '')}: the value must be ${what}.` })
  switch (kind) {
    case 'text':
      return token.type === 'string' ? { value: unquote(text), type } : mismatch('text in quotes')
    case 'number':
      return NUMBER.test(text) || isVar ? { value: text, type } : mismatch('a number')
    case 'boolean':
      return /^(true|false)$/.test(text) || isVar ? { value: text, type } : mismatch('true or false')
    case 'guid':
      return GUID.test(text) || isVar ? { value: text, type } : mismatch('a GUID without quotes')
    case 'date':
      return DATE.test(text) || isVar ? { value: text, type } : mismatch('a date such as 2024-05-01')
    case 'datetime':
      return DATETIME.test(text) || DATE.test(text) || isVar ? { value: text, type } : mismatch('a date such as 2024-05-01T00:00:00Z')
    default:
      if (token.type === 'string') return type ? mismatch('written without quotes') : { value: unquote(text), type: 'Edm.String' }
      if (token.type === 'literal' || token.type === 'word') return { value: text, type }
      return { reason: GENERIC }
  }
}

import { dv } from '../errors'
import { column, edmType, lookupByNavigation, tableByName, type Column, type Table } from './schema'

/** The $filter subset Dataverse developers use: comparisons, and/or/not, contains/startswith/endswith, null, one level of lookup navigation. */
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { kind: 'function'; name: 'contains' | 'startswith' | 'endswith'; property: PropertyRef; value: string }

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'
export interface PropertyRef {
  kind: 'property'
  path: string[]
  column: Column
}
type Literal = { kind: 'literal'; type: 'string' | 'number' | 'boolean' | 'null' | 'guid' | 'datetime' | 'date'; value: string | number | boolean | null }
type Operand = PropertyRef | Literal

interface Token {
  type: 'word' | 'string' | 'number' | 'guid' | 'datetime' | 'date' | '(' | ')' | ',' | 'end'
  text: string
  pos: number
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})/
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?/
const WORD = /^[A-Za-z_][\w.]*(\/[A-Za-z_]\w*)*/

/** Microsoft.OData's default FilterLimit, which Dataverse's parser keeps: deeper nesting is a 400, never a stack overflow. */
export const MAX_FILTER_DEPTH = 800
/** Dataverse accepts URLs up to 32,768 characters; a $filter cannot be longer than that. */
export const MAX_FILTER_LENGTH = 32_768

function syntaxError(text: string, pos: number): Error {
  return dv.badRequest(`Syntax error at position ${pos} in '${text}'.`)
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (ch === ' ' || ch === '\t') {
      i++
      continue
    }
    const rest = text.slice(i)
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: ch, text: ch, pos: i })
      i++
    } else if (ch === "'") {
      let j = i + 1
      let value = ''
      for (;;) {
        if (j >= text.length) throw dv.badRequest(`There is an unterminated string literal at position ${i} in '${text}'.`)
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'"
            j += 2
            continue
          }
          break
        }
        value += text[j]
        j++
      }
      tokens.push({ type: 'string', text: value, pos: i })
      i = j + 1
    } else if (GUID.test(rest)) {
      const m = GUID.exec(rest)![0]
      tokens.push({ type: 'guid', text: m.toLowerCase(), pos: i })
      i += m.length
    } else if (DATETIME.test(rest)) {
      const m = DATETIME.exec(rest)![0]
      tokens.push({ type: 'datetime', text: m, pos: i })
      i += m.length
    } else if (DATE.test(rest)) {
      const m = DATE.exec(rest)![0]
      tokens.push({ type: 'date', text: m, pos: i })
      i += m.length
    } else if (NUMBER.test(rest)) {
      const m = NUMBER.exec(rest)![0]
      tokens.push({ type: 'number', text: m.replace(/[mMdDfFlL]$/, ''), pos: i })
      i += m.length
    } else if (WORD.test(rest)) {
      const m = WORD.exec(rest)![0]
      tokens.push({ type: 'word', text: m, pos: i })
      i += m.length
    } else {
      throw syntaxError(text, i)
    }
  }
  tokens.push({ type: 'end', text: '', pos: text.length })
  return tokens
}

const OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le'])
const OP_NAMES: Record<CompareOp, string> = { eq: 'Equal', ne: 'NotEqual', gt: 'GreaterThan', ge: 'GreaterThanOrEqual', lt: 'LessThan', le: 'LessThanOrEqual' }

export function parseFilter(text: string, table: Table): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) throw dv.badRequest(`The $filter is ${text.length} characters long; a request URL can be at most ${MAX_FILTER_LENGTH} characters. Send long queries in a $batch request body.`)
  const tokens = tokenize(text)
  let at = 0
  let depth = 0
  const enter = () => {
    if (++depth > MAX_FILTER_DEPTH) throw dv.badRequest('Recursion depth exceeded allowed limit.')
  }
  const peek = () => tokens[at]!
  const next = () => tokens[at++]!
  const expect = (type: Token['type']) => {
    const t = next()
    if (t.type !== type) throw syntaxError(text, t.pos)
    return t
  }
  const isWord = (word: string) => peek().type === 'word' && peek().text.toLowerCase() === word

  function property(token: Token): PropertyRef {
    const path = token.text.split('/')
    if (path.length === 1) {
      const col = column(table, path[0]!)
      if (!col) throw dv.unknownProperty(path[0]!, table.logicalName)
      return { kind: 'property', path, column: col }
    }
    if (path.length === 2) {
      const lookup = lookupByNavigation(table, path[0]!)
      if (!lookup) throw dv.unknownProperty(path[0]!, table.logicalName)
      const target = tableByName.get(lookup.target!)!
      const col = column(target, path[1]!)
      if (!col) throw dv.unknownProperty(path[1]!, target.logicalName)
      return { kind: 'property', path, column: col }
    }
    throw dv.badRequest(`Only one level of navigation is supported in $filter ('${token.text}').`)
  }

  function operand(): Operand {
    const t = next()
    switch (t.type) {
      case 'string':
        return { kind: 'literal', type: 'string', value: t.text }
      case 'number':
        return { kind: 'literal', type: 'number', value: Number(t.text) }
      case 'guid':
        return { kind: 'literal', type: 'guid', value: t.text }
      case 'datetime':
        return { kind: 'literal', type: 'datetime', value: t.text }
      case 'date':
        return { kind: 'literal', type: 'date', value: t.text }
      case 'word': {
        const lower = t.text.toLowerCase()
        if (lower === 'true' || lower === 'false') return { kind: 'literal', type: 'boolean', value: lower === 'true' }
        if (lower === 'null') return { kind: 'literal', type: 'null', value: null }
        return property(t)
      }
      default:
        throw syntaxError(text, t.pos)
    }
  }

  function primary(): FilterNode {
    if (peek().type === '(') {
      next()
      enter()
      const inner = orExpr()
      depth--
      expect(')')
      return inner
    }
    const fn = peek()
    if (fn.type === 'word' && ['contains', 'startswith', 'endswith'].includes(fn.text.toLowerCase()) && tokens[at + 1]?.type === '(') {
      next()
      next()
      const prop = next()
      if (prop.type !== 'word') throw syntaxError(text, prop.pos)
      const ref = property(prop)
      if (edmType(ref.column.type) !== 'Edm.String') throw dv.badRequest(`No function signature for the function with name '${fn.text}' matches the specified arguments. The function signatures considered are: ${fn.text}(Edm.String Nullable=true, Edm.String Nullable=true).`)
      expect(',')
      const value = next()
      if (value.type !== 'string') throw syntaxError(text, value.pos)
      expect(')')
      return { kind: 'function', name: fn.text.toLowerCase() as 'contains', property: ref, value: value.text }
    }
    const left = operand()
    const opToken = next()
    if (opToken.type !== 'word' || !OPS.has(opToken.text.toLowerCase())) throw syntaxError(text, opToken.pos)
    const op = opToken.text.toLowerCase() as CompareOp
    const right = operand()
    checkTypes(left, right, op)
    return { kind: 'compare', op, left, right }
  }

  function notExpr(): FilterNode {
    if (isWord('not')) {
      next()
      enter()
      const operand = notExpr()
      depth--
      return { kind: 'not', operand }
    }
    return primary()
  }
  function andExpr(): FilterNode {
    let left = notExpr()
    while (isWord('and')) {
      next()
      left = { kind: 'and', left, right: notExpr() }
    }
    return left
  }
  function orExpr(): FilterNode {
    let left = andExpr()
    while (isWord('or')) {
      next()
      left = { kind: 'or', left, right: andExpr() }
    }
    return left
  }

  const tree = orExpr()
  if (peek().type !== 'end') throw syntaxError(text, peek().pos)
  return tree
}

function literalEdm(l: Literal): string {
  switch (l.type) {
    case 'string':
      return 'Edm.String'
    case 'number':
      return Number.isInteger(l.value) ? 'Edm.Int32' : 'Edm.Decimal'
    case 'boolean':
      return 'Edm.Boolean'
    case 'guid':
      return 'Edm.Guid'
    case 'datetime':
      return 'Edm.DateTimeOffset'
    case 'date':
      return 'Edm.Date'
    case 'null':
      return 'null'
  }
}

const NUMERIC = new Set(['Edm.Int32', 'Edm.Int64', 'Edm.Decimal'])
const TEMPORAL = new Set(['Edm.DateTimeOffset', 'Edm.Date'])

function checkTypes(left: Operand, right: Operand, op: CompareOp): void {
  const a = left.kind === 'property' ? edmType(left.column.type) : literalEdm(left)
  const b = right.kind === 'property' ? edmType(right.column.type) : literalEdm(right)
  if (a === 'null' || b === 'null' || a === b) return
  if (NUMERIC.has(a) && NUMERIC.has(b)) return
  if (TEMPORAL.has(a) && TEMPORAL.has(b)) return
  throw dv.badRequest(`A binary operator with incompatible types was detected. Found operand types '${a}' and '${b}' for operator kind '${OP_NAMES[op]}'.`)
}

/** Read a property, following one lookup to the related row. */
export type Resolver = (row: Record<string, unknown>, ref: PropertyRef) => unknown

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const ta = Date.parse(a)
    const tb = Date.parse(b)
    if (/^\d{4}-\d{2}-\d{2}/.test(a) && /^\d{4}-\d{2}-\d{2}/.test(b) && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb
    return a.localeCompare(b, 'en', { sensitivity: 'base' })
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  return String(a).localeCompare(String(b))
}

export function evaluate(node: FilterNode, row: Record<string, unknown>, resolve: Resolver): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, row, resolve) && evaluate(node.right, row, resolve)
    case 'or':
      return evaluate(node.left, row, resolve) || evaluate(node.right, row, resolve)
    case 'not':
      return !evaluate(node.operand, row, resolve)
    case 'function': {
      const value = resolve(row, node.property)
      if (typeof value !== 'string') return false
      const hay = value.toLowerCase()
      const needle = node.value.toLowerCase()
      return node.name === 'contains' ? hay.includes(needle) : node.name === 'startswith' ? hay.startsWith(needle) : hay.endsWith(needle)
    }
    case 'compare': {
      const a = node.left.kind === 'property' ? resolve(row, node.left) : node.left.value
      const b = node.right.kind === 'property' ? resolve(row, node.right) : node.right.value
      if (a === null || a === undefined || b === null || b === undefined) {
        const bothNull = (a === null || a === undefined) && (b === null || b === undefined)
        if (node.op === 'eq') return bothNull
        if (node.op === 'ne') return !bothNull
        return false
      }
      const c = compareValues(a, b)
      switch (node.op) {
        case 'eq':
          return c === 0
        case 'ne':
          return c !== 0
        case 'gt':
          return c > 0
        case 'ge':
          return c >= 0
        case 'lt':
          return c < 0
        case 'le':
          return c <= 0
      }
    }
  }
}

import { dv } from '../errors'
import { parseLiteral, syntaxError, tokenize, type Literal, type Token } from './filterLexer'
import { queryFunction, type QueryFunctionContext } from './queryFunctions'
import type { FilterScope } from './scopes'
import type { Row } from './seedData'

/**
 * `$filter` as Dataverse accepts it: comparisons (property to value or to another column), `and`/`or`/`not`,
 * grouping, `contains`/`startswith`/`endswith` (with SQL wildcards, as Dataverse applies them), lookup paths
 * to any depth (`primarycontactid/createdby/fullname`), the lambda operators `any` and `all` over collections,
 * Dataverse query functions (`Microsoft.Dynamics.CRM.Between(…)`) and parameter aliases (`@p1`).
 */
export interface Filter {
  test(row: Row): boolean
}

export interface FilterContext extends QueryFunctionContext {
  /** Parameter alias values from the query string (`@p1=…`). */
  alias(name: string): string | null
}

/** Microsoft.OData's default FilterLimit, which Dataverse's parser keeps: deeper nesting is a 400, never a stack overflow. */
export const MAX_FILTER_DEPTH = 800
/** Dataverse accepts URLs up to 32,768 characters, 65,536 inside a $batch body; a $filter cannot be longer than that. */
export const MAX_FILTER_LENGTH = 65_536

interface Env {
  it: Row
  vars: Map<string, Row>
}
type Pred = (env: Env) => boolean
export interface Operand {
  edm: string
  get: (env: Env) => unknown
  property: boolean
  literal?: Literal
}

type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'
const OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le'])
const OP_NAMES: Record<CompareOp, string> = { eq: 'Equal', ne: 'NotEqual', gt: 'GreaterThan', ge: 'GreaterThanOrEqual', lt: 'LessThan', le: 'LessThanOrEqual' }
const UNSUPPORTED_OPERATORS = new Set(['add', 'sub', 'mul', 'div', 'mod', 'has', 'in'])
const STRING_FUNCTIONS = new Set(['contains', 'startswith', 'endswith'])
const OTHER_FUNCTIONS = new Set(['tolower', 'toupper', 'trim', 'length', 'indexof', 'substring', 'concat', 'year', 'month', 'day', 'hour', 'minute', 'second', 'date', 'time', 'now', 'round', 'floor', 'ceiling', 'cast', 'isof', 'matchespattern'])

export function parseFilter(text: string, scope: FilterScope, ctx: FilterContext): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw dv.uriTooLong()
  const tokens = tokenize(text)
  let at = 0
  let depth = 0
  const vars = new Map<string, FilterScope>()
  const peek = (offset = 0) => tokens[Math.min(at + offset, tokens.length - 1)]!
  const next = () => tokens[at++]!
  const expect = (type: Token['type']) => {
    const t = next()
    if (t.type !== type) throw syntaxError(text, t.pos)
    return t
  }
  const isWord = (word: string) => peek().type === 'word' && peek().text.toLowerCase() === word
  const enter = () => {
    if (++depth > MAX_FILTER_DEPTH) throw dv.badRequest('Recursion depth exceeded allowed limit.')
  }
  const aliasLiteral = (token: Token, seen = new Set<string>()): Literal => {
    if (seen.has(token.text) || seen.size > MAX_FILTER_DEPTH) throw dv.badRequest('Recursion depth exceeded allowed limit.')
    seen.add(token.text)
    const raw = ctx.alias(token.text)
    if (raw === null) return { kind: 'literal', type: 'null', value: null }
    if (/^@\w+$/.test(raw.trim())) return aliasLiteral({ ...token, text: raw.trim() }, seen)
    return parseLiteral(raw)
  }

  /** `a/b/c` from the current row (or a lambda variable) to a property, a lookup's row, or a collection. */
  function path(token: Token): { operand: Operand } | { collection: (env: Env) => Row[]; scope: FilterScope; throughLookup: boolean } {
    const segments = token.text.split('/')
    let i = 0
    let current = scope
    let getRow: (env: Env) => Row | null = (env) => env.it
    if (vars.has(segments[0]!)) {
      const name = segments[0]!
      current = vars.get(name)!
      getRow = (env) => env.vars.get(name) ?? null
      i = 1
    } else if (segments[0] === '$it') i = 1
    let throughLookup = false
    for (; i < segments.length; i++) {
      const segment = segments[i]!
      const last = i === segments.length - 1
      const prop = current.property(segment)
      if (prop) {
        if (!last) throw dv.unknownProperty(segments[i + 1]!, prop.edm.replace(/^Microsoft\.Dynamics\.CRM\./, ''))
        const from = getRow
        return { operand: { edm: prop.edm, property: true, get: (env) => { const row = from(env); return row ? prop.get(row) : null } } }
      }
      const nav = current.navigation(segment)
      if (!nav) throw dv.unknownProperty(segment, current.typeName)
      const from = getRow
      if (nav.collection) {
        if (!last) throw dv.unknownProperty(segments[i + 1]!, current.typeName)
        return { collection: (env) => { const row = from(env); return row ? (nav.follow(row) as Row[]) : [] }, scope: nav.scope, throughLookup }
      }
      getRow = (env) => { const row = from(env); return row ? (nav.follow(row) as Row | null) : null }
      current = nav.scope
      throughLookup = true
    }
    const to = getRow
    return { operand: { edm: 'entity', property: true, get: (env) => to(env) } }
  }

  function operand(): Operand {
    const t = next()
    if (t.type === 'literal') return literalOperand(t.literal!)
    if (t.type === 'alias') return literalOperand(aliasLiteral(t))
    if (t.type === 'word') {
      if (peek().type === '(') throw functionNotSupported(t.text)
      const resolved = path(t)
      if ('collection' in resolved) throw dv.badRequest(`The collection-valued navigation property '${t.text.split('/').pop()}' can only be used with the any or all operators in $filter.`)
      return resolved.operand
    }
    throw syntaxError(text, t.pos)
  }

  function lambda(token: Token): Pred {
    const segments = token.text.split('/')
    const quantifier = segments.pop()!.toLowerCase() as 'any' | 'all'
    const target = path({ ...token, text: segments.join('/') })
    if (!('collection' in target)) throw dv.badRequest(`The '${quantifier}' operator can only be applied to a collection-valued navigation property ('${segments.join('/')}').`)
    if (target.throughLookup) throw dv.badRequest(`Conditions on a collection-valued navigation property nested in a lookup navigation property ('${segments.join('/')}') aren't supported.`)
    expect('(')
    if (peek().type === ')') {
      next()
      if (quantifier === 'all') throw syntaxError(text, peek().pos)
      return (env) => target.collection(env).length > 0
    }
    const variable = expect('word').text
    expect(':')
    if (vars.has(variable)) throw dv.badRequest(`The range variable '${variable}' has already been declared.`)
    vars.set(variable, target.scope)
    enter()
    const body = orExpr()
    depth--
    vars.delete(variable)
    expect(')')
    return (env) => {
      const rows = target.collection(env)
      const test = (row: Row) => body({ it: env.it, vars: new Map(env.vars).set(variable, row) })
      return quantifier === 'any' ? rows.some(test) : rows.every(test)
    }
  }

  function stringFunction(name: string): Pred {
    expect('(')
    const target = operand()
    if (target.edm !== 'Edm.String') throw dv.badRequest(`No function signature for the function with name '${name}' matches the specified arguments. The function signatures considered are: ${name}(Edm.String Nullable=true, Edm.String Nullable=true).`)
    expect(',')
    const value = operand()
    if (value.property || (value.literal?.type !== 'Edm.String' && value.literal?.type !== 'null')) throw dv.badRequest(`The second argument of '${name}' must be a string literal.`)
    expect(')')
    const pattern = String(value.literal.value ?? '')
    const like = likePattern(name === 'startswith' ? `${pattern}%` : name === 'endswith' ? `%${pattern}` : `%${pattern}%`)
    return (env) => {
      const v = target.get(env)
      return typeof v === 'string' && like.test(v)
    }
  }

  function queryFunctionCall(token: Token): Pred {
    expect('(')
    const args = new Map<string, Literal>()
    if (peek().type !== ')') {
      for (;;) {
        const name = expect('word').text
        expect('=')
        const value = next()
        if (value.type === 'literal') args.set(name, value.literal!)
        else if (value.type === 'alias') args.set(name, aliasLiteral(value))
        else throw syntaxError(text, value.pos)
        if (peek().type === ',') {
          next()
          continue
        }
        break
      }
    }
    expect(')')
    const resolve = (property: string): Operand => {
      const resolved = path({ type: 'word', text: property, pos: token.pos })
      if ('collection' in resolved) throw dv.badRequest(`'${property}' is a collection-valued navigation property, not a column.`)
      return resolved.operand
    }
    return queryFunction(token.text, args, resolve, ctx)
  }

  function primary(): { pred: Pred; queryFunction?: boolean } {
    const t = peek()
    if (t.type === '(') {
      next()
      enter()
      const inner = orExpr()
      depth--
      expect(')')
      return { pred: inner }
    }
    if (t.type === 'word' && peek(1).type === '(') {
      const lower = t.text.toLowerCase()
      const last = lower.split('/').pop()!
      if (last === 'any' || last === 'all') return { pred: lambda(next()) }
      if (STRING_FUNCTIONS.has(lower)) {
        next()
        return { pred: stringFunction(lower) }
      }
      if (t.text.startsWith('Microsoft.Dynamics.CRM.')) return { pred: queryFunctionCall(next()), queryFunction: true }
      throw functionNotSupported(t.text)
    }
    const left = operand()
    const opToken = peek()
    if (opToken.type === 'word' && UNSUPPORTED_OPERATORS.has(opToken.text.toLowerCase())) throw dv.badRequest(`The '${opToken.text}' operator is not supported in a Dataverse $filter.`)
    if (opToken.type !== 'word' || !OPS.has(opToken.text.toLowerCase())) {
      if (left.edm === 'Edm.Boolean' && left.property) return { pred: (env) => left.get(env) === true }
      throw syntaxError(text, opToken.pos)
    }
    next()
    const op = opToken.text.toLowerCase() as CompareOp
    const right = operand()
    checkTypes(left, right, op)
    return { pred: (env) => compare(op, left.get(env), right.get(env), left.edm === 'Edm.Guid' || right.edm === 'Edm.Guid') }
  }

  function notExpr(): Pred {
    if (isWord('not')) {
      next()
      enter()
      const inner = peek().type === 'word' && peek().text.startsWith('Microsoft.Dynamics.CRM.') && peek(1).type === '(' ? null : notExpr()
      if (!inner) throw dv.badRequest('Not operator along with the Custom Named Condition operators is not allowed')
      depth--
      return (env) => !inner(env)
    }
    return primary().pred
  }
  function andExpr(): Pred {
    let left = notExpr()
    while (isWord('and')) {
      next()
      const a = left
      const b = notExpr()
      left = (env) => a(env) && b(env)
    }
    return left
  }
  function orExpr(): Pred {
    let left = andExpr()
    while (isWord('or')) {
      next()
      const a = left
      const b = andExpr()
      left = (env) => a(env) || b(env)
    }
    return left
  }

  const tree = orExpr()
  if (peek().type !== 'end') throw syntaxError(text, peek().pos)
  return { test: (row) => tree({ it: row, vars: new Map() }) }
}

function functionNotSupported(name: string): Error {
  if (OTHER_FUNCTIONS.has(name.toLowerCase())) return dv.badRequest(`The '${name}' function is not supported in a Dataverse $filter: use contains, startswith, endswith or a Microsoft.Dynamics.CRM query function.`)
  return dv.badRequest(`An unknown function with name '${name}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`)
}

function literalOperand(literal: Literal): Operand {
  if (literal.type === 'array') throw dv.badRequest('A collection literal can only be used as a query function parameter (PropertyValues).')
  return { edm: literal.type, get: () => literal.value, property: false, literal }
}

const NUMERIC = new Set(['Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double'])
const TEMPORAL = new Set(['Edm.DateTimeOffset', 'Edm.Date'])

function checkTypes(left: Operand, right: Operand, op: CompareOp): void {
  const a = left.edm
  const b = right.edm
  if (a === 'null' || b === 'null' || a === b) return
  if (a === 'entity' || b === 'entity') throw dv.badRequest('A single-valued navigation property can only be compared with null.')
  if (NUMERIC.has(a) && NUMERIC.has(b)) return
  if (TEMPORAL.has(a) && TEMPORAL.has(b)) return
  if (a === 'enum' || b === 'enum') return
  // Dataverse accepts a GUID in quotes for a lookup or id.
  const guidText = (o: Operand) => o.literal?.type === 'Edm.String' && /^\{?[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}\}?$/i.test(String(o.literal.value))
  if ((a === 'Edm.Guid' && guidText(right)) || (b === 'Edm.Guid' && guidText(left))) return
  throw dv.badRequest(`A binary operator with incompatible types was detected. Found operand types '${a}' and '${b}' for operator kind '${OP_NAMES[op]}'.`)
}

export function compareValues(a: unknown, b: unknown, guid = false): number {
  if (typeof a === 'string' && typeof b === 'string') {
    if (guid) return a.replace(/[{}]/g, '').toLowerCase().localeCompare(b.replace(/[{}]/g, '').toLowerCase())
    if (/^\d{4}-\d{2}-\d{2}/.test(a) && /^\d{4}-\d{2}-\d{2}/.test(b)) {
      const ta = Date.parse(a)
      const tb = Date.parse(b)
      if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb
    }
    return a.localeCompare(b, 'en', { sensitivity: 'base' })
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  return String(a).localeCompare(String(b))
}

function compare(op: CompareOp, a: unknown, b: unknown, guid: boolean): boolean {
  const isNull = (v: unknown) => v === null || v === undefined
  if (isNull(a) || isNull(b)) {
    const both = isNull(a) && isNull(b)
    return op === 'eq' ? both : op === 'ne' ? !both : false
  }
  if (typeof a === 'object' || typeof b === 'object') return op === 'ne'
  const c = compareValues(a, b, guid)
  switch (op) {
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

/** SQL LIKE, as Dataverse applies it to contains/startswith/endswith: `%`, `_`, `[abc]` and `[^abc]`. */
export function likePattern(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!
    if (ch === '%') re += '[\\s\\S]*'
    else if (ch === '_') re += '[\\s\\S]'
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1)
      if (close < 0) re += '\\['
      else {
        const body = pattern.slice(i + 1, close)
        re += body.startsWith('^') ? `[^${escapeClass(body.slice(1))}]` : `[${escapeClass(body)}]`
        i = close
      }
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${re}$`, 'i')
}

function escapeClass(body: string): string {
  return body.replace(/[\]\\^]/g, '\\$&')
}

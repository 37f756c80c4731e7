/**
 * The traffic log's filter language: a pure parser and evaluator that never throw.
 *
 *   status:4xx  status:>=400  status:400-499  method:POST  host:crm  path:/accounts  kind:token  env:Sandbox
 *   signin:"Device code"  header:Prefer  header:Prefer=odata  body:accountid  /WhoAmI$/i  dur:>500  size:>1mb
 *   has:error  !x  not x  x and y  x or y  (x or y) z  "two words"  word
 *
 * A plain word matches the URL, the status (or failure) and the method, as the box always did. Terms side by side
 * mean `and`. Entries are matched through their index (`IndexedEntry`: lower-cased text and numbers made once per
 * entry), so a keystroke costs one pass of compiled closures over the entries. `header:` and `body:` need what main
 * keeps (summaries hold neither), so they are asked of main once per filter (`traffic.search`) and evaluated here
 * from the ids it answered (`remote`).
 */

export interface IndexedEntry {
  id: string
  seq: number
  /** url + status or failure, lower-cased. */
  hay: string
  /** The URL as it was (regexes may care about case). */
  url: string
  method: string
  host: string
  path: string
  kind: string
  env: string
  signIn: string
  status: number | null
  durationMs: number | null
  size: number | null
  error: boolean
  hasSignIn: boolean
}

export type RemoteQuery = { kind: 'body'; text: string } | { kind: 'header'; name: string; value: string | null }

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'word'; text: string }
  | { type: 'regex'; regex: RegExp }
  | { type: 'text'; field: 'host' | 'path' | 'env' | 'signin'; text: string }
  | { type: 'method'; method: string }
  | { type: 'kind'; kind: string }
  | { type: 'number'; field: 'status' | 'dur' | 'size'; test: NumberTest }
  | { type: 'has'; what: 'error' | 'signin' | 'env' | 'status' }
  | { type: 'remote'; query: RemoteQuery; key: string }

export interface NumberTest {
  op: '=' | '<' | '<=' | '>' | '>=' | 'range'
  value: number
  /** The upper bound of a range or a status class (4xx → 400..499). */
  max?: number
}

export interface FilterError {
  message: string
  /** Where in the text it went wrong (0-based), for the box to point at. */
  at: number
}

export type ParseResult = { ok: true; node: FilterNode | null; remote: RemoteQuery[] } | { ok: false; error: FilterError }

export const FIELDS = ['status', 'method', 'host', 'path', 'kind', 'env', 'signin', 'header', 'body', 'dur', 'size', 'has'] as const
export const HAS_VALUES = ['error', 'signin', 'env', 'status'] as const
export const KINDS = ['api', 'authorize', 'callback', 'token', 'discovery', 'other'] as const

interface Token {
  kind: 'lparen' | 'rparen' | 'not' | 'and' | 'or' | 'term' | 'regex'
  text: string
  at: number
  /** For terms: the field before the colon, if any, and the value (quotes removed). */
  field?: string
  value?: string
  valueAt?: number
  flags?: string
}

class ParseFailure {
  constructor(readonly error: FilterError) {}
}

function fail(message: string, at: number): never {
  throw new ParseFailure({ message, at })
}

/** Reads a quoted string starting at `i` (the quote); returns its text and the index after it. */
function readQuoted(src: string, i: number): { text: string; end: number } {
  const quote = src[i]!
  let text = ''
  let j = i + 1
  while (j < src.length && src[j] !== quote) {
    if (src[j] === '\\' && j + 1 < src.length) j++
    text += src[j]
    j++
  }
  if (j >= src.length) fail('This quote is never closed.', i)
  return { text, end: j + 1 }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c, at: i })
      i++
      continue
    }
    if (c === '!') {
      tokens.push({ kind: 'not', text: c, at: i })
      i++
      continue
    }
    if (c === '&' && src[i + 1] === '&') {
      tokens.push({ kind: 'and', text: '&&', at: i })
      i += 2
      continue
    }
    if (c === '|' && src[i + 1] === '|') {
      tokens.push({ kind: 'or', text: '||', at: i })
      i += 2
      continue
    }
    if (c === '/') {
      let j = i + 1
      let body = ''
      let inClass = false
      while (j < src.length && (src[j] !== '/' || inClass)) {
        if (src[j] === '\\' && j + 1 < src.length) {
          body += src[j]! + src[j + 1]!
          j += 2
          continue
        }
        if (src[j] === '[') inClass = true
        else if (src[j] === ']') inClass = false
        body += src[j]
        j++
      }
      if (j >= src.length) fail('This regular expression is never closed with /.', i)
      let k = j + 1
      while (k < src.length && /[a-z]/i.test(src[k]!)) k++
      tokens.push({ kind: 'regex', text: src.slice(i, k), at: i, value: body, flags: src.slice(j + 1, k) })
      i = k
      continue
    }
    if (c === '"' || c === "'") {
      const q = readQuoted(src, i)
      tokens.push({ kind: 'term', text: src.slice(i, q.end), at: i, value: q.text, valueAt: i })
      i = q.end
      continue
    }
    let j = i
    while (j < src.length && !/[\s()]/.test(src[j]!) && src[j] !== '"' && src[j] !== "'") j++
    const word = src.slice(i, j)
    const colon = word.indexOf(':')
    const field = colon > 0 ? word.slice(0, colon).toLowerCase() : undefined
    const isField = field !== undefined && (FIELDS as readonly string[]).includes(field)
    if (isField && colon === word.length - 1 && (src[j] === '"' || src[j] === "'")) {
      const q = readQuoted(src, j)
      tokens.push({ kind: 'term', text: src.slice(i, q.end), at: i, field, value: q.text, valueAt: j })
      i = q.end
      continue
    }
    const lower = word.toLowerCase()
    if (lower === 'and' || lower === 'or' || lower === 'not') {
      tokens.push({ kind: lower, text: word, at: i })
    } else if (isField) {
      tokens.push({ kind: 'term', text: word, at: i, field, value: word.slice(colon + 1), valueAt: i + colon + 1 })
    } else if (field !== undefined && !word.slice(colon + 1).startsWith('//') && /^[a-z]+$/.test(field)) {
      fail(`"${field}" is not a field. Fields: ${FIELDS.join(', ')}.`, i)
    } else {
      tokens.push({ kind: 'term', text: word, at: i, value: word, valueAt: i })
    }
    i = j
  }
  return tokens
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3, ms: 1, s: 1000 }

function parseAmount(text: string, field: 'status' | 'dur' | 'size', at: number): number {
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(text)
  if (!m) fail(`${field}: wants a number${field === 'size' ? ' (e.g. 1mb, 500kb)' : field === 'dur' ? ' of milliseconds (e.g. 500, 2s)' : ''}, not "${text}".`, at)
  const unit = m[2]!.toLowerCase()
  if (!unit) return Number(m[1])
  const scale = UNITS[unit]
  const allowed = field === 'size' ? ['b', 'k', 'kb', 'm', 'mb', 'g', 'gb'] : field === 'dur' ? ['ms', 's'] : []
  if (scale === undefined || !allowed.includes(unit)) fail(`${field}: does not know the unit "${m[2]}".`, at + m[1]!.length)
  return Number(m[1]) * scale
}

function numberTest(value: string, field: 'status' | 'dur' | 'size', at: number): NumberTest {
  if (value === '') fail(`${field}: wants a value${field === 'status' ? ' such as 4xx, 404 or >=400' : ' such as >500'}.`, at)
  if (field === 'status') {
    const cls = /^([1-5])xx$/i.exec(value)
    if (cls) return { op: 'range', value: Number(cls[1]) * 100, max: Number(cls[1]) * 100 + 99 }
  }
  const range = /^([^-<>=]+)-([^-<>=]+)$/.exec(value)
  if (range) {
    const lo = parseAmount(range[1]!, field, at)
    const hi = parseAmount(range[2]!, field, at + range[1]!.length + 1)
    return { op: 'range', value: Math.min(lo, hi), max: Math.max(lo, hi) }
  }
  const op = /^(>=|<=|>|<|=)?/.exec(value)![0]
  return { op: (op || '=') as NumberTest['op'], value: parseAmount(value.slice(op.length), field, at + op.length) }
}

function termNode(token: Token, remote: RemoteQuery[]): FilterNode {
  if (token.kind === 'regex') {
    try {
      return { type: 'regex', regex: new RegExp(token.value!, token.flags) }
    } catch (error) {
      fail(`This regular expression is not valid: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}.`, token.at)
    }
  }
  const value = token.value ?? ''
  const at = token.valueAt ?? token.at
  switch (token.field) {
    case undefined:
      return { type: 'word', text: value.toLowerCase() }
    case 'status':
    case 'dur':
    case 'size':
      return { type: 'number', field: token.field, test: numberTest(value.toLowerCase(), token.field, at) }
    case 'method':
      if (!value) fail('method: wants a method such as GET or POST.', at)
      return { type: 'method', method: value.toUpperCase() }
    case 'kind':
      if (!(KINDS as readonly string[]).includes(value.toLowerCase())) fail(`kind: is one of ${KINDS.join(', ')}.`, at)
      return { type: 'kind', kind: value.toLowerCase() }
    case 'has':
      if (!(HAS_VALUES as readonly string[]).includes(value.toLowerCase())) fail(`has: is one of ${HAS_VALUES.join(', ')}.`, at)
      return { type: 'has', what: value.toLowerCase() as (typeof HAS_VALUES)[number] }
    case 'host':
    case 'path':
    case 'env':
    case 'signin':
      if (!value) fail(`${token.field}: wants some text.`, at)
      return { type: 'text', field: token.field, text: value.toLowerCase() }
    case 'body': {
      if (!value) fail('body: wants the text to look for in the bodies.', at)
      return remoteNode({ kind: 'body', text: value }, remote)
    }
    case 'header': {
      const eq = value.indexOf('=')
      const name = eq < 0 ? value : value.slice(0, eq)
      if (!name) fail('header: wants a header name, e.g. header:Prefer or header:Prefer=odata.', at)
      return remoteNode({ kind: 'header', name, value: eq < 0 ? null : value.slice(eq + 1) }, remote)
    }
    default:
      return fail(`"${token.field}" is not a field.`, token.at)
  }
}

export function remoteKey(query: RemoteQuery): string {
  return query.kind === 'body' ? `body:${query.text.toLowerCase()}` : `header:${query.name.toLowerCase()}=${query.value?.toLowerCase() ?? ''}${query.value === null ? '*' : ''}`
}

function remoteNode(query: RemoteQuery, remote: RemoteQuery[]): FilterNode {
  const key = remoteKey(query)
  if (!remote.some((q) => remoteKey(q) === key)) remote.push(query)
  return { type: 'remote', query, key }
}

/** Parses a filter; an empty one is `{ ok: true, node: null }` (everything matches). Never throws. */
export function parseFilter(src: string): ParseResult {
  const remote: RemoteQuery[] = []
  try {
    const tokens = tokenize(src)
    let pos = 0
    const peek = (): Token | undefined => tokens[pos]
    const end = src.length

    const parseOr = (): FilterNode => {
      let left = parseAnd()
      while (peek()?.kind === 'or') {
        const op = tokens[pos++]!
        if (!peek() || peek()!.kind === 'rparen' || peek()!.kind === 'or' || peek()!.kind === 'and') fail(`"${op.text}" needs something after it.`, op.at)
        left = { type: 'or', left, right: parseAnd() }
      }
      return left
    }
    const parseAnd = (): FilterNode => {
      let left = parseUnary()
      for (;;) {
        const next = peek()
        if (!next || next.kind === 'rparen' || next.kind === 'or') return left
        if (next.kind === 'and') {
          pos++
          const after = peek()
          if (!after || after.kind === 'rparen' || after.kind === 'or' || after.kind === 'and') fail(`"${next.text}" needs something after it.`, next.at)
        }
        left = { type: 'and', left, right: parseUnary() }
      }
    }
    const parseUnary = (): FilterNode => {
      const t = peek()
      if (!t) return fail('Something is missing at the end.', end)
      if (t.kind === 'not') {
        pos++
        if (!peek() || peek()!.kind === 'rparen') fail(`"${t.text}" needs something after it.`, t.at)
        return { type: 'not', operand: parseUnary() }
      }
      if (t.kind === 'lparen') {
        pos++
        if (peek()?.kind === 'rparen') fail('These parentheses are empty.', t.at)
        const inner = parseOr()
        if (peek()?.kind !== 'rparen') fail('This parenthesis is never closed.', t.at)
        pos++
        return inner
      }
      if (t.kind === 'rparen') return fail('This parenthesis closes nothing.', t.at)
      if (t.kind === 'and' || t.kind === 'or') return fail(`"${t.text}" needs something before it.`, t.at)
      pos++
      return termNode(t, remote)
    }

    if (tokens.length === 0) return { ok: true, node: null, remote }
    const node = parseOr()
    if (pos < tokens.length) {
      const t = tokens[pos]!
      fail(t.kind === 'rparen' ? 'This parenthesis closes nothing.' : `Unexpected "${t.text}".`, t.at)
    }
    return { ok: true, node, remote }
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, error: error.error }
    return { ok: false, error: { message: `This filter could not be read: ${String(error)}`, at: 0 } }
  }
}

function testNumber(v: number | null, t: NumberTest): boolean {
  if (v === null) return false
  switch (t.op) {
    case '=':
      return v === t.value
    case '<':
      return v < t.value
    case '<=':
      return v <= t.value
    case '>':
      return v > t.value
    case '>=':
      return v >= t.value
    case 'range':
      return v >= t.value && v <= t.max!
  }
}

export type Predicate = (e: IndexedEntry) => boolean

/**
 * A filter as one function over indexed entries. `remote` holds main's answers for `header:`/`body:` terms
 * (by `remoteKey`); a term with no answer yet matches nothing.
 */
export function compileFilter(node: FilterNode | null, remote: ReadonlyMap<string, ReadonlySet<string>> = new Map()): Predicate {
  if (!node) return () => true
  switch (node.type) {
    case 'and': {
      const l = compileFilter(node.left, remote)
      const r = compileFilter(node.right, remote)
      return (e) => l(e) && r(e)
    }
    case 'or': {
      const l = compileFilter(node.left, remote)
      const r = compileFilter(node.right, remote)
      return (e) => l(e) || r(e)
    }
    case 'not': {
      const p = compileFilter(node.operand, remote)
      return (e) => !p(e)
    }
    case 'word': {
      const w = node.text
      const upper = w.toUpperCase()
      return (e) => e.hay.includes(w) || e.method === upper
    }
    case 'regex': {
      const re = node.regex
      return (e) => {
        re.lastIndex = 0
        return re.test(e.url) || (re.lastIndex = 0, re.test(e.method))
      }
    }
    case 'text': {
      const t = node.text
      const f = node.field === 'signin' ? 'signIn' : node.field
      return (e) => e[f].includes(t)
    }
    case 'method': {
      const m = node.method
      return (e) => e.method === m
    }
    case 'kind': {
      const k = node.kind
      return (e) => e.kind === k
    }
    case 'number': {
      const t = node.test
      const f = node.field === 'status' ? 'status' : node.field === 'dur' ? 'durationMs' : 'size'
      return (e) => testNumber(e[f], t)
    }
    case 'has':
      switch (node.what) {
        case 'error':
          return (e) => e.error || (e.status !== null && e.status >= 400)
        case 'signin':
          return (e) => e.hasSignIn
        case 'env':
          return (e) => e.env !== ''
        case 'status':
          return (e) => e.status !== null
      }
      break
    case 'remote': {
      const ids = remote.get(node.key)
      if (!ids) return () => false
      return (e) => ids.has(e.id)
    }
  }
  return () => false
}

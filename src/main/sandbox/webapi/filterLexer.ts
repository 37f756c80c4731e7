import { dv } from '../errors'

/** OData URL literals and tokens, shared by `$filter`, keys in the URL, function parameters and parameter aliases. */
export type LiteralType = 'Edm.String' | 'Edm.Int32' | 'Edm.Decimal' | 'Edm.Boolean' | 'Edm.Guid' | 'Edm.DateTimeOffset' | 'Edm.Date' | 'null' | 'enum' | 'array'

export interface Literal {
  kind: 'literal'
  type: LiteralType
  value: unknown
}

export interface Token {
  type: 'word' | 'literal' | 'alias' | '(' | ')' | ',' | ':' | '=' | 'end'
  text: string
  pos: number
  literal?: Literal
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/i
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})/
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?(?![\w-])/
const WORD = /^[A-Za-z_$][\w.]*(\/[A-Za-z_$][\w.]*)*/
const ALIAS = /^@[A-Za-z_]\w*/

export function syntaxError(text: string, pos: number): Error {
  return dv.badRequest(`Syntax error at position ${pos} in '${text}'.`)
}

const COMMA_EXPECTED = "A comma character ',' was expected in scope 'Array'. Every two elements in an array and properties of an object must be separated by commas."

/** A JSON-like array literal (`["a","b"]`, `['a','b']`, `[1,2]`) starting at `start`; returns the values and where it ends. */
export function readArray(text: string, start: number): { values: unknown[]; end: number } {
  let i = start + 1
  const values: unknown[] = []
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++
  }
  ws()
  if (text[i] === ']') return { values, end: i + 1 }
  for (;;) {
    ws()
    const ch = text[i]
    if (ch === '"' || ch === "'") {
      let value = ''
      let j = i + 1
      for (;;) {
        if (j >= text.length) throw dv.invalidJson('Unterminated string in an array literal.')
        if (text[j] === '\\' && ch === '"' && j + 1 < text.length) {
          value += JSON.parse(`"${text.slice(j, j + 2)}"`) as string
          j += 2
          continue
        }
        if (text[j] === ch) break
        value += text[j]
        j++
      }
      values.push(value)
      i = j + 1
    } else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i))
      if (!m) throw dv.invalidJson(`Unexpected character '${ch ?? ''}' in an array literal.`)
      values.push(JSON.parse(m[0]))
      i += m[0].length
    }
    ws()
    if (text[i] === ']') return { values, end: i + 1 }
    if (text[i] !== ',') throw dv.invalidJson(COMMA_EXPECTED)
    i++
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const literal = (type: LiteralType, value: unknown, from: number, to: number) => {
    tokens.push({ type: 'literal', text: text.slice(from, to), pos: from, literal: { kind: 'literal', type, value } })
    i = to
  }
  while (i < text.length) {
    const ch = text[i]!
    if (/\s/.test(ch)) {
      i++
      continue
    }
    const rest = text.slice(i)
    let m: RegExpExecArray | null
    if ('(),:='.includes(ch)) {
      tokens.push({ type: ch as Token['type'], text: ch, pos: i })
      i++
    } else if (ch === "'") {
      const { value, end } = readString(text, i)
      literal('Edm.String', value, i, end)
    } else if (ch === '[') {
      const { values, end } = readArray(text, i)
      literal('array', values, i, end)
    } else if ((m = ALIAS.exec(rest))) {
      tokens.push({ type: 'alias', text: m[0], pos: i })
      i += m[0].length
    } else if ((m = GUID.exec(rest))) literal('Edm.Guid', m[0].toLowerCase(), i, i + m[0].length)
    else if ((m = DATETIME.exec(rest))) literal('Edm.DateTimeOffset', m[0], i, i + m[0].length)
    else if ((m = DATE.exec(rest))) literal('Edm.Date', m[0], i, i + m[0].length)
    else if ((m = NUMBER.exec(rest))) {
      const n = Number(m[0].replace(/[mMdDfFlL]$/, ''))
      literal(Number.isInteger(n) && !/[.eEmMdDfF]/.test(m[0]) ? 'Edm.Int32' : 'Edm.Decimal', n, i, i + m[0].length)
    } else if ((m = WORD.exec(rest))) {
      const word = m[0]
      const after = i + word.length
      // An enum literal: Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'
      if (text[after] === "'" && word.includes('.')) {
        const { value, end } = readString(text, after)
        literal('enum', value, i, end)
        continue
      }
      const lower = word.toLowerCase()
      if (lower === 'true' || lower === 'false') literal('Edm.Boolean', lower === 'true', i, after)
      else if (lower === 'null') literal('null', null, i, after)
      else {
        tokens.push({ type: 'word', text: word, pos: i })
        i = after
      }
    } else throw syntaxError(text, i)
  }
  tokens.push({ type: 'end', text: '', pos: text.length })
  return tokens
}

function readString(text: string, start: number): { value: string; end: number } {
  let j = start + 1
  let value = ''
  for (;;) {
    if (j >= text.length) throw dv.badRequest(`There is an unterminated literal at position ${text.length} in '${text}'.`)
    if (text[j] === "'") {
      if (text[j + 1] === "'") {
        value += "'"
        j += 2
        continue
      }
      return { value, end: j + 1 }
    }
    value += text[j]
    j++
  }
}

/** A parameter alias's value (`@p1='lastname'`, `@p2=["a","b"]`, `@p3=12`): one literal. */
export function parseLiteral(text: string): Literal {
  const tokens = tokenize(text.trim())
  if (tokens.length !== 2 || tokens[0]!.type !== 'literal') throw dv.badRequest(`'${text}' is not a valid literal value.`)
  return tokens[0]!.literal!
}

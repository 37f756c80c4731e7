import { parse as parseJsonc, type ParseError } from 'jsonc-parser'

const JSON_ERRORS: Record<number, string> = {
  1: 'invalid symbol',
  2: 'invalid number format',
  3: 'a property name is expected',
  4: 'a value is expected',
  5: 'a colon is expected',
  6: 'a comma is expected',
  7: 'a closing brace } is expected',
  8: 'a closing bracket ] is expected',
  9: 'the text ends too early',
  10: 'comments are not allowed in JSON',
  11: 'the text ends too early',
  12: 'a string is not closed',
  13: 'invalid unicode escape',
  14: 'invalid escape character',
  15: 'invalid character',
  16: 'unexpected text after the value'
}

/**
 * The first JSON syntax error, with line and column (1-based), or null when the text is valid JSON.
 * Shared by the executor (which refuses to send it) and the body editor (which marks it where it is).
 */
export function findJsonError(text: string): { line: number; column: number; offset: number; message: string } | null {
  const errors: ParseError[] = []
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false })
  const first = errors[0]
  if (!first) return null
  const before = text.slice(0, first.offset)
  const line = before.split('\n').length
  const column = first.offset - before.lastIndexOf('\n')
  return { line, column, offset: first.offset, message: JSON_ERRORS[first.error] ?? 'syntax error' }
}

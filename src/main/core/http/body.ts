import { parse as parseJsonc, type ParseError } from 'jsonc-parser'

/** Content types we show as text. Anything else is binary unless its bytes say otherwise. */
const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|http|graphql|yaml)|multipart\/mixed)/i

export function isTextual(contentType: string, sample: Uint8Array): boolean {
  if (contentType) return TEXTUAL.test(contentType.trim())
  // No content type: text if the first bytes hold no NUL and decode as UTF-8.
  const head = sample.subarray(0, 1024)
  if (head.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head)
    return true
  } catch {
    // A multi-byte character cut at the sample boundary is still text.
    return head.length === 1024
  }
}

export function decodeBody(bytes: Uint8Array, contentType: string): { encoding: 'utf8' | 'base64'; text: string } {
  if (isTextual(contentType, bytes)) return { encoding: 'utf8', text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') }
  return { encoding: 'base64', text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') }
}

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

/** The first JSON syntax error, with line and column (1-based), or null when the text is valid JSON. */
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

export function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase()
  for (const [k, v] of headers) if (k.toLowerCase() === lower) return v
  return undefined
}

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

/** Where a JSON.parse error happened, as line and column (1-based), from V8's "at position N" or the end. */
export function jsonErrorLocation(text: string, error: Error): { line: number; column: number; position: number } {
  const match = /position (\d+)/.exec(error.message)
  const lineCol = /line (\d+) column (\d+)/.exec(error.message)
  if (lineCol) {
    const line = Number(lineCol[1])
    const column = Number(lineCol[2])
    const lines = text.split('\n')
    const position = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1
    return { line, column, position }
  }
  const position = match ? Number(match[1]) : text.length
  const before = text.slice(0, position)
  const line = before.split('\n').length
  const column = position - before.lastIndexOf('\n')
  return { line, column, position }
}

export function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase()
  for (const [k, v] of headers) if (k.toLowerCase() === lower) return v
  return undefined
}

/**
 * Values as Dataverse reads them in a URL: strings in single quotes with '' for a quote, GUIDs, numbers,
 * dates and booleans bare, lists (PropertyValues) as JSON arrays. And the only encoding a query string
 * needs: `%`, `&`, `#` and `+` (the rest — spaces, quotes, `$`, commas — the app's URL bar keeps readable
 * and the request encodes when it is sent).
 */

const REQUIRED = /[%&#+]/g

export function encodeRequired(text: string): string {
  return text.replace(REQUIRED, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** A query option's value as the server reads it; text that is not valid percent-encoding stays as it is. */
export function decodeValue(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

export function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/''/g, "'")
}

export const VARIABLE = /^\{\{[^{}]+\}\}$/
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/
export const DATE = /^\d{4}-\d{2}-\d{2}$/
export const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/

/** A comparison's value: quoted for a string column, bare for every other type. */
export function comparisonLiteral(type: string, value: string): string {
  return type === 'Edm.String' ? quote(value) : value.trim()
}

/** A query function's PropertyValue: whole numbers and {{variables}} bare, anything else quoted. */
export function functionLiteral(value: string): string {
  const v = value.trim()
  return /^-?\d+$/.test(v) || VARIABLE.test(v) ? v : quote(value)
}

/**
 * PropertyValues: a JSON array of strings, as Microsoft's examples write it. A quote or parenthesis inside
 * is written as its \u escape, so readers that track OData's single quotes and parentheses (the URL bar's)
 * still see where the option ends.
 */
export function listLiteral(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v).replace(/['()]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)).join(',')}]`
}

/** The items of a `[…]` list literal (JSON strings, single-quoted strings, numbers, true/false/null); null when it is not one. */
export function readList(text: string): string[] | null {
  if (!text.startsWith('[') || !text.endsWith(']')) return null
  const out: string[] = []
  let i = 1
  const end = text.length - 1
  const ws = () => {
    while (i < end && /\s/.test(text[i]!)) i++
  }
  ws()
  if (i === end) return out
  for (;;) {
    ws()
    const c = text[i]
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i, end))
      if (!m) return null
      try {
        out.push(JSON.parse(m[0]) as string)
      } catch {
        return null
      }
      i += m[0].length
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1)
      if (close < 0 || close >= end) return null
      out.push(text.slice(i + 1, close))
      i = close + 1
    } else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, end))
      if (!m) return null
      out.push(m[0])
      i += m[0].length
    }
    ws()
    if (i === end) return out
    if (text[i] !== ',') return null
    i++
  }
}

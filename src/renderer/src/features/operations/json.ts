/**
 * JSON as the request builders write it: numbers kept as typed (a Decimal's digits are not rounded
 * through a double, and a {{variable}} can stand where a number goes), everything else as JSON.stringify
 * writes it.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export type Json = string | boolean | null | RawJson | Json[] | { [key: string]: Json }

/** Indented like JSON.stringify(value, null, 2); `compact` writes it on one line with no spaces (for a URL). */
export function writeJson(value: Json, compact = false, indent = ''): string {
  if (value instanceof RawJson) return value.text
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  const inner = indent + '  '
  const open = compact ? '' : `\n${inner}`
  const close = compact ? '' : `\n${indent}`
  const separator = compact ? ',' : `,\n${inner}`
  if (Array.isArray(value)) {
    if (!value.length) return '[]'
    return `[${open}${value.map((v) => writeJson(v, compact, inner)).join(separator)}${close}]`
  }
  const entries = Object.entries(value)
  if (!entries.length) return '{}'
  const colon = compact ? ':' : ': '
  return `{${open}${entries.map(([k, v]) => `${JSON.stringify(k)}${colon}${writeJson(v, compact, inner)}`).join(separator)}${close}}`
}

/** The Prefer header (RFC 7240): several preferences in one header, split on commas outside double quotes. */
export function splitPreferences(value: string): string[] {
  const out: string[] = []
  let quoted = false
  let start = 0
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '"') quoted = !quoted
    else if (value[i] === ',' && !quoted) {
      out.push(value.slice(start, i))
      start = i + 1
    }
  }
  out.push(value.slice(start))
  return out.map((p) => p.trim()).filter((p) => p !== '')
}

/** Split on `sep` outside parentheses, brackets and quotes: `a,b($select=x,y),c`. */
export function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quote: string | null = null
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quote) {
      if (ch === quote) quote = null
    } else if (ch === "'" || ch === '"') quote = ch
    else if (ch === '(' || ch === '[') depth++
    else if (ch === ')' || ch === ']') depth--
    else if (depth === 0 && ch === sep) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}

/** `accounts(…)/contact_customer_accounts/$ref` → segments with their parenthesised part, `/` inside quotes or parentheses kept. */
export function splitPath(path: string): Array<{ name: string; args: string | null; raw: string }> {
  const out: Array<{ name: string; args: string | null; raw: string }> = []
  for (const raw of splitTopLevel(path.replace(/^\//, ''), '/')) {
    const open = raw.indexOf('(')
    if (open > 0 && raw.endsWith(')')) out.push({ name: raw.slice(0, open), args: raw.slice(open + 1, -1), raw })
    else out.push({ name: raw, args: null, raw })
  }
  return out
}

/** curl for bash (POSIX quoting) and for PowerShell (curl.exe, PowerShell quoting, backtick continuations). */
import type { CodeRequest, Text } from './model'

export function bashQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

/** One shell word: literal parts single-quoted, environment variables as "${NAME}". */
export function bashWord(text: Text): string {
  if (!text.length) return "''"
  return text.map((p) => ('text' in p ? (p.text ? bashQuote(p.text) : '') : `"\${${p.env}}"`)).join('') || "''"
}

export function psQuote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
}

/** One PowerShell argument: single-quoted when literal, else a double-quoted string with $env:NAME. */
export function psWord(text: Text): string {
  if (text.every((p) => 'text' in p)) return psQuote(text.map((p) => (p as { text: string }).text).join(''))
  return `"${text.map((p) => ('text' in p ? p.text.replace(/[`"$]/g, (c) => '`' + c) : `$env:${p.env}`)).join('')}"`
}

function comments(r: CodeRequest, mark: string): string {
  return r.comments.map((c) => `${mark} ${c}\n`).join('')
}

export function curlBash(r: CodeRequest): string {
  const lines = [`curl -X ${r.method} ${bashWord(r.url)}`]
  for (const [k, v] of r.headers) lines.push(`  -H ${bashWord([{ text: `${k}: ` }, ...v])}`)
  if (r.body) lines.push(`  --data-binary ${bashWord(r.body)}`)
  if (r.caFile) lines.push(`  --cacert ${bashQuote(r.caFile)}`)
  return comments(r, '#') + lines.join(' \\\n') + '\n'
}

export function curlPowerShell(r: CodeRequest): string {
  const lines = [`curl.exe -X ${r.method} ${psWord(r.url)}`]
  for (const [k, v] of r.headers) lines.push(`  -H ${psWord([{ text: `${k}: ` }, ...v])}`)
  if (r.body) lines.push(`  --data-binary ${psWord(r.body)}`)
  if (r.caFile) lines.push(`  --cacert ${psQuote(r.caFile)}`)
  return `# PowerShell 7.3 or later (earlier versions mangle quotes in arguments to native programs)\n${comments(r, '#')}${lines.join(' `\n')}\n`
}

/** JavaScript fetch (browsers, Node 18+). */
import type { CodeRequest, Text } from './model'

export function jsString(text: Text): string {
  if (text.every((p) => 'text' in p)) return JSON.stringify(text.map((p) => (p as { text: string }).text).join(''))
  return '`' + text.map((p) => ('text' in p ? p.text.replace(/[`\\$]/g, (c) => '\\' + c) : `\${process.env.${p.env}}`)).join('') + '`'
}

export function javascript(r: CodeRequest): string {
  const out: string[] = r.comments.map((c) => `// ${c}`)
  if (r.caFile) out.push(`// Node: run with NODE_EXTRA_CA_CERTS=${r.caFile} so that fetch trusts it.`)
  out.push(`const response = await fetch(${jsString(r.url)}, {`)
  out.push(`  method: ${JSON.stringify(r.method)},`)
  out.push('  headers: {')
  for (const [k, v] of r.headers) out.push(`    ${JSON.stringify(k)}: ${jsString(v)},`)
  out.push('  },')
  if (r.body) out.push(`  body: ${jsString(r.body)},`)
  out.push('})')
  out.push('console.log(response.status)')
  out.push('console.log(await response.text())')
  return out.join('\n') + '\n'
}

/** Python requests. */
import type { CodeRequest, Text } from './model'

export function pyString(text: Text): string {
  const parts = text.map((p) => ('text' in p ? JSON.stringify(p.text) : `os.environ[${JSON.stringify(p.env)}]`))
  return parts.length ? parts.join(' + ') : '""'
}

export function python(r: CodeRequest): string {
  const usesEnv = [r.url, r.body ?? [], ...r.headers.map(([, v]) => v)].some((t) => t.some((p) => 'env' in p))
  const out: string[] = [...(usesEnv ? ['import os'] : []), 'import requests', '']
  out.push(...r.comments.map((c) => `# ${c}`))
  out.push('headers = {')
  for (const [k, v] of r.headers) out.push(`    ${JSON.stringify(k)}: ${pyString(v)},`)
  out.push('}')
  const args = [`${JSON.stringify(r.method)}`, pyString(r.url), 'headers=headers']
  if (r.body) {
    out.push(`data = ${pyString(r.body)}`)
    args.push('data=data.encode("utf-8")')
  }
  if (r.caFile) args.push(`verify=${JSON.stringify(r.caFile)}`)
  out.push(`response = requests.request(${args.join(', ')})`)
  out.push('print(response.status_code)')
  out.push('print(response.text)')
  return out.join('\n') + '\n'
}

/** PowerShell Invoke-RestMethod. */
import { psQuote, psWord } from './curl'
import type { CodeRequest } from './model'

export function powershell(r: CodeRequest): string {
  const out: string[] = r.comments.map((c) => `# ${c}`)
  out.push('$headers = @{')
  for (const [k, v] of r.headers) out.push(`  ${psQuote(k)} = ${psWord(v)}`)
  out.push('}')
  if (r.body) out.push(`$body = ${r.body.every((p) => 'text' in p) ? `@'\n${r.body.map((p) => (p as { text: string }).text).join('')}\n'@` : psWord(r.body)}`)
  const contentType = r.headers.find(([k]) => k.toLowerCase() === 'content-type')
  const args = [`-Method ${r.method}`, `-Uri ${psWord(r.url)}`, '-Headers $headers']
  if (r.body) args.push('-Body $body')
  if (contentType) args.push(`-ContentType ${psWord(contentType[1])}`)
  // PowerShell 7's -Certificate is a client certificate; an extra CA is trusted through the OS store instead.
  if (r.caFile) out.push(`# Trust ${r.caFile} (Import-Certificate to Cert:\\CurrentUser\\Root on Windows) before running this.`)
  out.push(`$response = Invoke-RestMethod ${args.join(' ')}`)
  out.push('$response | ConvertTo-Json -Depth 10')
  return out.join('\n') + '\n'
}

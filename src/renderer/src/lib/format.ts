export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—'
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  if (ms < 10) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(2)} s`
}

export function formatTime(iso: string): string {
  const d = new Date(iso)
  return d.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0')
}

export function statusTone(status: number | null): 'success' | 'warning' | 'error' | 'info' | 'default' {
  if (status === null) return 'error'
  if (status < 300) return 'success'
  if (status < 400) return 'info'
  if (status < 500) return 'warning'
  return 'error'
}

/** Pretty-print JSON when it parses; otherwise the text as it came. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

/** Indent XML (CSDL $metadata, SOAP faults) for reading; leaves text untouched if it is not XML-like. */
export function prettyXml(text: string): string {
  if (!/^\s*</.test(text)) return text
  const tokens = text.replace(/>\s+</g, '><').split(/(<[^>]+>)/).filter((t) => t !== '')
  let depth = 0
  const lines: string[] = []
  for (const token of tokens) {
    if (token.startsWith('</')) depth = Math.max(depth - 1, 0)
    const pad = '  '.repeat(depth)
    if (!token.startsWith('<') && lines.length) lines[lines.length - 1] += token
    else lines.push(pad + token)
    if (token.startsWith('<') && !token.startsWith('</') && !token.startsWith('<?') && !token.startsWith('<!') && !token.endsWith('/>')) depth++
  }
  // Put closing tags that follow text on the same line as their opening tag.
  return lines.join('\n').replace(/(<([\w:.-]+)[^>]*>[^<\n]+)\n\s*(<\/\2>)/g, '$1$3')
}

export function languageOf(contentType: string): 'json' | 'xml' | 'html' | 'text' {
  const t = contentType.toLowerCase()
  if (t.includes('json')) return 'json'
  if (t.includes('html')) return 'html'
  if (t.includes('xml')) return 'xml'
  return 'text'
}

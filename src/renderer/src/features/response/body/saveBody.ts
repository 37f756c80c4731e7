/** Copy and save a body of any size: the text as it came, never the pretty lines. */

const EXTENSIONS: Record<string, string> = { json: 'json', xml: 'xml', html: 'html', text: 'txt' }

/** A file name from the request's URL: its last path segment (`accounts`, `$metadata`), cleaned for any OS. */
export function fileNameFor(url: string, language: string, binary: boolean): string {
  let segment: string
  try {
    const path = new URL(url).pathname
    segment = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1))
  } catch {
    segment = url.split('?')[0]!.split('/').pop() ?? ''
  }
  const base = segment.replace(/\(.*$/, '').replace(/[^\w.$-]+/g, '_').replace(/^[._]+|[._]+$/g, '').slice(0, 80) || 'response'
  return `${base}.${binary ? 'bin' : (EXTENSIONS[language] ?? 'txt')}`
}

/** The bytes to save: UTF-8 text, or the decoded bytes of a base64 (binary) body. */
export function bodyBlob(text: string, encoding: 'utf8' | 'base64', contentType: string): Blob {
  if (encoding === 'utf8') return new Blob([text], { type: contentType || 'text/plain' })
  const parts: Uint8Array<ArrayBuffer>[] = []
  // atob in pieces (a multiple of 4 characters) so a big body never needs one giant binary string.
  for (let i = 0; i < text.length; i += 4 * 1024 * 1024) {
    const bin = atob(text.slice(i, i + 4 * 1024 * 1024))
    const bytes = new Uint8Array(bin.length)
    for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k)
    parts.push(bytes)
  }
  return new Blob(parts, { type: contentType || 'application/octet-stream' })
}

/**
 * "Save body to file…": a download of a Blob. In Chromium this is the browser's download; in the app,
 * Electron asks where to save it with the system's Save dialog.
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** A binary body (base64) as a hex dump: offset, 16 bytes in hex, the printable ones as text. At most `maxBytes`. */
export function hexDump(base64: string, maxBytes = 64 * 1024): { text: string; shown: number; total: number } {
  const total = Math.floor((base64.replace(/=+$/, '').length * 3) / 4)
  const bin = atob(base64.slice(0, Math.ceil(maxBytes / 3) * 4))
  const n = Math.min(bin.length, maxBytes)
  const lines: string[] = []
  for (let off = 0; off < n; off += 16) {
    let hex = ''
    let ascii = ''
    for (let i = off; i < off + 16; i++) {
      if (i < n) {
        const c = bin.charCodeAt(i)
        hex += c.toString(16).padStart(2, '0') + (i === off + 7 ? '  ' : ' ')
        ascii += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.'
      } else hex += i === off + 7 ? '    ' : '   '
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`)
  }
  return { text: lines.join('\n'), shown: n, total }
}

/** Image types a browser shows from the bytes (data: URLs are allowed for images by the window's CSP). */
export function isImage(contentType: string): boolean {
  return /^image\/(png|jpe?g|gif|webp|bmp|avif|x-icon|vnd\.microsoft\.icon)\b/i.test(contentType.trim())
}

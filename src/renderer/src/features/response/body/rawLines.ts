/**
 * The raw body as display lines: its own lines, with lines longer than `maxLine` cut into pieces, so no
 * single line holds megabytes (a minified 50 MB answer is one line). JSON is cut after a "," between values
 * where there is one, so a piece rarely splits a value; XML after a ">". Nothing is added or dropped:
 * the pieces of a line put back together are the line (CR of CRLF endings aside). Every line is a span.
 */
import { ChunkBuilder, CONTINUED, IN_STRING, safeCut, type Formatter } from './display'

export type RawKind = 'json' | 'xml' | 'text'

export function rawLines(text: string, kind: RawKind, options: { maxLine?: number } = {}): Formatter {
  const maxLine = Math.max(options.maxLine ?? 2000, 16)
  const n = text.length
  /** Start of the next real line. */
  let pos = 0
  let lineNo = 1
  /** The long line being cut: where its next piece starts, where it ends, whether that is inside a JSON string. */
  let p = -1
  let longEnd = 0
  let inString = false
  let finished = false

  function cutLong(out: ChunkBuilder, maxLines: number): void {
    while (out.count < maxLines) {
      if (longEnd - p <= maxLine) {
        out.span(p, longEnd)
        lineNo++
        p = -1
        return
      }
      const end = p + maxLine
      let cut: number
      if (kind === 'json') {
        const scan = scanJson(text, p, end, inString, p + (maxLine >> 1))
        cut = scan.lastComma >= 0 ? scan.lastComma + 1 : safeCut(text, end, p)
        inString = scan.lastComma >= 0 ? false : scanJson(text, p, cut, inString, cut).inString
      } else {
        const gt = kind === 'xml' ? text.lastIndexOf('>', end - 1) : -1
        cut = gt >= p + (maxLine >> 1) ? gt + 1 : safeCut(text, end, p)
      }
      out.span(p, cut)
      lineNo++
      out.continued.push(lineNo, CONTINUED | (inString ? IN_STRING : 0))
      p = cut
    }
  }

  return {
    next(maxLines) {
      const out = new ChunkBuilder(false)
      while (!finished && out.count < maxLines) {
        if (p >= 0) {
          cutLong(out, maxLines)
          continue
        }
        if (pos > n) {
          finished = true
          break
        }
        // Lines as CodeMirror counts them: a final newline ends with an empty last line.
        let nl = text.indexOf('\n', pos)
        if (nl < 0) nl = n
        const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl
        if (end - pos <= maxLine) {
          out.span(pos, end)
          lineNo++
        } else {
          p = pos
          longEnd = end
          inString = false
        }
        pos = nl + 1
      }
      if (p < 0 && pos > n) finished = true
      return { chunk: out.finish(), done: finished, problem: null }
    },
    progress: () => (n ? Math.min(p >= 0 ? p : pos, n) / n : 1)
  }
}

/** Walk JSON text from `from` to `to`: whether `to` is inside a string, and the last "," between values at or after `minComma`. */
function scanJson(s: string, from: number, to: number, inString: boolean, minComma: number): { inString: boolean; lastComma: number } {
  let lastComma = -1
  let i = from
  while (i < to) {
    if (inString) {
      const q = s.indexOf('"', i)
      const b = s.indexOf('\\', i)
      if (b >= 0 && b < to && (q < 0 || b < q)) {
        i = b + 2
        continue
      }
      if (q < 0 || q >= to) return { inString: true, lastComma }
      inString = false
      i = q + 1
    } else {
      const q = s.indexOf('"', i)
      const stop = q < 0 || q >= to ? to : q
      const c = s.lastIndexOf(',', stop - 1)
      if (c >= i && c >= minComma) lastComma = c
      if (stop === to) return { inString: false, lastComma }
      inString = true
      i = q + 1
    }
  }
  return { inString, lastComma }
}

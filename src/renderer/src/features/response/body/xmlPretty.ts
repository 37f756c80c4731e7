/**
 * XML ($metadata, SOAP faults, FetchXML answers) indented for reading, as a stream of display lines.
 * An element holding only text stays on one line (`<Name>Contoso</Name>`); every other tag, comment and
 * processing instruction gets its own line, as a span of the source with a depth the view indents by.
 * Tags are checked to close in order; the first mismatch stops it.
 */
import { ChunkBuilder, CONTINUED, lineColumn, safeCut, type Formatter, type FormatProblem } from './display'

type Kind = 'open' | 'close' | 'empty' | 'text' | 'other'
interface Token {
  kind: Kind
  start: number
  end: number
  name: string
}

const NAME = /^<\/?([^\s/>]+)/

export function xmlPretty(text: string, options: { maxLine?: number } = {}): Formatter {
  const maxLine = Math.max(options.maxLine ?? 10_000, 16)
  const n = text.length
  let i = 0
  const queue: Token[] = []
  const stack: Array<{ name: string; line: number }> = []
  let lineNo = 1
  let problem: FormatProblem | null = null
  let finished = false
  let out = new ChunkBuilder(true)

  const fail = (message: string, at: number): void => {
    const { line, column } = lineColumn(text, at)
    problem = { message: `Not well-formed XML: ${message}`, line, column }
  }

  /** The next token after `i`, or null at the end (or on a problem). Whitespace-only text is skipped. */
  function read(): Token | null {
    while (i < n) {
      const start = i
      if (text.charCodeAt(i) !== 60) {
        let end = text.indexOf('<', i)
        if (end < 0) end = n
        i = end
        if (/\S/.test(text.slice(start, end))) return { kind: 'text', start, end, name: '' }
        continue
      }
      const close = (marker: string, what: string): number => {
        const at = text.indexOf(marker, i)
        if (at < 0) fail(`${what} is not closed`, start)
        return at < 0 ? -1 : at + marker.length
      }
      let end: number
      if (text.startsWith('<!--', i)) end = close('-->', 'a comment')
      else if (text.startsWith('<![CDATA[', i)) {
        end = close(']]>', 'a CDATA section')
        if (end > 0) {
          i = end
          return { kind: 'text', start, end, name: '' }
        }
      } else if (text.startsWith('<?', i)) end = close('?>', 'a processing instruction')
      else if (text.startsWith('<!', i)) {
        const bracket = text.indexOf('[', i)
        const gt = text.indexOf('>', i)
        end = bracket >= 0 && gt >= 0 && bracket < gt ? close(']>', 'a DOCTYPE') : close('>', 'a DOCTYPE')
      } else {
        end = tagEnd(text, i)
        if (end < 0) fail('a tag is not closed', start)
        const name = NAME.exec(text.slice(i, Math.min(end, i + 512)))?.[1] ?? ''
        if (!name) {
          fail('a "<" that starts no tag', start)
          return null
        }
        i = end
        const kind: Kind = text.charCodeAt(start + 1) === 47 ? 'close' : text.charCodeAt(end - 2) === 47 ? 'empty' : 'open'
        return { kind, start, end, name }
      }
      if (end < 0) return null
      i = end
      return { kind: 'other', start, end, name: '' }
    }
    return null
  }
  const peek = (k: number): Token | null => {
    while (queue.length <= k) {
      const t = read()
      if (!t) return null
      queue.push(t)
    }
    return queue[k]!
  }
  const take = (): Token | null => (queue.length ? queue.shift()! : read())

  /** One display line from source [start, end), cut into pieces past maxLine. */
  const emitSpan = (start: number, end: number): void => {
    let p = start
    while (end - p > maxLine) {
      const cut = safeCut(text, p + maxLine, p)
      out.span(p, cut, stack.length)
      lineNo++
      out.continued.push(lineNo, CONTINUED)
      p = cut
    }
    out.span(p, end, stack.length)
    lineNo++
  }
  /** One display line that is not a span of the source (a tag written over several lines). */
  const emitString = (line: string): void => {
    let p = 0
    while (line.length - p > maxLine) {
      const cut = safeCut(line, p + maxLine, p)
      out.text(line.slice(p, cut), stack.length)
      lineNo++
      out.continued.push(lineNo, CONTINUED)
      p = cut
    }
    out.text(p ? line.slice(p) : line, stack.length)
    lineNo++
  }
  const source = (t: Token): string => text.slice(t.start, t.end)
  /** Tags spread over several lines read as one line. */
  const tagLine = (t: Token): string => source(t).replace(/\s*[\r\n]\s*/g, ' ')
  /** Source [start, end) on one display line: a span where it has no line break. */
  const emitJoined = (start: number, end: number, joined: () => string): void => {
    if (hasBreak(text, start, end)) emitString(joined())
    else emitSpan(start, end)
  }
  /** Text, comments and the like keep their own line breaks: each line trimmed, indented. */
  const emitLines = (start: number, end: number): void => {
    let a = start
    while (a < end) {
      let b = text.indexOf('\n', a)
      if (b < 0 || b > end) b = end
      let s0 = a
      let e0 = b
      while (s0 < e0 && isSpace(text.charCodeAt(s0))) s0++
      while (e0 > s0 && isSpace(text.charCodeAt(e0 - 1))) e0--
      if (e0 > s0) emitSpan(s0, e0)
      a = b + 1
    }
  }

  function step(): void {
    const t = take()
    if (!t) {
      if (!problem && stack.length) fail(`it ends before </${stack[stack.length - 1]!.name}>`, n)
      finished = true
      return
    }
    switch (t.kind) {
      case 'open': {
        const next = peek(0)
        const after = peek(1)
        if (next?.kind === 'close' && next.name === t.name) {
          take()
          emitJoined(t.start, next.end, () => tagLine(t) + source(next))
          return
        }
        if (next?.kind === 'text' && after?.kind === 'close' && after.name === t.name && !/[\r\n]/.test(source(next).trim())) {
          take()
          take()
          emitJoined(t.start, after.end, () => tagLine(t) + source(next).trim() + source(after))
          return
        }
        emitJoined(t.start, t.end, () => tagLine(t))
        stack.push({ name: t.name, line: lineNo - 1 })
        return
      }
      case 'close': {
        const top = stack.pop()
        if (!top) return fail(`</${t.name}> closes nothing`, t.start)
        if (top.name !== t.name) return fail(`</${t.name}> closes <${top.name}>`, t.start)
        emitJoined(t.start, t.end, () => tagLine(t))
        out.folds.push(top.line, lineNo - 1)
        return
      }
      case 'empty':
        return emitJoined(t.start, t.end, () => tagLine(t))
      default:
        emitLines(t.start, t.end)
    }
  }

  return {
    next(maxLines) {
      out = new ChunkBuilder(true)
      while (!finished && !problem && out.count < maxLines) step()
      if (problem) finished = true
      return { chunk: out.finish(), done: finished, problem }
    },
    progress: () => (n ? i / n : 1)
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

function hasBreak(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k)
    if (c === 10 || c === 13) return true
  }
  return false
}

/** The end of a start or end tag at `from` (after its ">"), honouring quoted attribute values; -1 if it never closes. */
function tagEnd(text: string, from: number): number {
  let quote = 0
  for (let j = from + 1; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (quote) {
      if (c === quote) quote = 0
    } else if (c === 34 || c === 39) quote = c
    else if (c === 62) return j + 1
    else if (c === 60) return -1
  }
  return -1
}

/**
 * JSON pretty-printing as a stream of display lines, straight from the text: no JSON.parse, so a 50 MB body
 * needs no object graph, numbers keep their digits (a 19-digit bigint stays exact) and escapes stay as sent.
 * Each line is one name/value (or bracket) as it stands in the source, spacing included, and its depth:
 * the viewer indents by depth, so a line is a span of the body and costs no copy of its text.
 * The grammar is checked as it goes; the first mistake stops it with a line and column.
 */
import { ChunkBuilder, CONTINUED, IN_STRING, lineColumn, safeCut, type Formatter, type FormatProblem } from './display'

export interface JsonPrettyOptions {
  /** Longer display lines (long string values) are cut into pieces of this many characters. */
  maxLine?: number
}

const enum Expect {
  Value,
  ValueOrClose,
  Key,
  KeyOrClose,
  Colon,
  CommaOrClose,
  End
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

interface Open {
  line: number
  object: boolean
}

export function jsonPretty(text: string, options: JsonPrettyOptions = {}): Formatter {
  const maxLine = Math.max(options.maxLine ?? 10_000, 16)
  const n = text.length
  const stack: Open[] = []
  let i = 0
  let expect: Expect = Expect.Value
  /** The line being built: a span of the source while it can be, else text; its depth; the doc line it becomes. */
  let curStart = -1
  let curEnd = -1
  let curText: string | null = null
  let depth = 0
  let lineNo = 1
  let nextBreak = -2
  let problem: FormatProblem | null = null
  let finished = false
  let out = new ChunkBuilder(true)

  /** What was wanted where an unexpected character stands, in words. */
  const unexpected = (at: number): void => {
    const found = text[at] === '"' ? 'a string' : `"${text[at]}"`
    const wanted: Record<Expect, string> = {
      [Expect.Value]: `a value, not ${found}`,
      [Expect.ValueOrClose]: `a value or "]", not ${found}`,
      [Expect.Key]: `a name in quotes, not ${found}`,
      [Expect.KeyOrClose]: `a name in quotes or "}", not ${found}`,
      [Expect.Colon]: `":" after the name, not ${found}`,
      [Expect.CommaOrClose]: `"," or a closing bracket, not ${found}`,
      [Expect.End]: `nothing after the end, not ${found}`
    }
    fail(`Not valid JSON: expected ${wanted[expect]}`, at)
  }
  const fail = (message: string, at: number): void => {
    const { line, column } = lineColumn(text, at)
    problem = { message, line, column }
  }
  const curLength = (): number => (curText !== null ? curText.length : curStart < 0 ? 0 : curEnd - curStart)
  /** Add source [a, b) to the line: whitespace between tokens on one source line is kept as it is. */
  const append = (a: number, b: number): void => {
    if (curText === null && curStart < 0) {
      curStart = a
      curEnd = b
    } else if (curText === null && !hasBreak(text, curEnd, a)) curEnd = b
    else {
      curText = (curText ?? text.slice(curStart, curEnd)) + text.slice(a, b)
    }
  }
  /** End the line; the next one starts at `nextDepth`. */
  const newline = (nextDepth: number): void => {
    if (curText !== null) out.text(curText, depth)
    else if (curStart >= 0) out.span(curStart, curEnd, depth)
    else out.text('', depth)
    lineNo++
    curStart = -1
    curText = null
    depth = nextDepth
  }
  const afterValue = (): void => {
    expect = stack.length ? Expect.CommaOrClose : Expect.End
  }
  const breakAfter = (at: number): number => {
    if (nextBreak !== -1 && nextBreak < at) {
      const a = text.indexOf('\n', at)
      const b = text.indexOf('\r', at)
      nextBreak = a < 0 ? b : b < 0 ? a : Math.min(a, b)
    }
    return nextBreak < 0 ? Infinity : nextBreak
  }
  /** Append a string token [a, b), cutting it into pieces when the line would grow past maxLine. */
  const appendString = (a: number, b: number): void => {
    let room = maxLine - curLength()
    let p = a
    while (b - p > room) {
      const cut = safeCut(text, p + Math.max(room, 1), p)
      append(p, cut)
      newline(depth)
      out.continued.push(lineNo, CONTINUED | IN_STRING)
      p = cut
      room = maxLine
    }
    append(p, b)
  }

  function step(): void {
    const c = text.charCodeAt(i)
    switch (c) {
      case 32:
      case 9:
      case 10:
      case 13:
        i++
        return
      case 123: // {
      case 91: {
        // [
        if (expect !== Expect.Value && expect !== Expect.ValueOrClose) return unexpected(i)
        const object = c === 123
        let j = i + 1
        while (j < n && isSpace(text.charCodeAt(j))) j++
        if (text.charCodeAt(j) === (object ? 125 : 93)) {
          append(i, i + 1)
          append(j, j + 1)
          i = j + 1
          afterValue()
          return
        }
        append(i, i + 1)
        stack.push({ line: lineNo, object })
        newline(stack.length)
        expect = object ? Expect.KeyOrClose : Expect.ValueOrClose
        i++
        return
      }
      case 125: // }
      case 93: {
        // ]
        const top = stack[stack.length - 1]
        const object = c === 125
        if (!top || top.object !== object || (expect !== Expect.CommaOrClose && expect !== Expect.KeyOrClose && expect !== Expect.ValueOrClose)) {
          return top && top.object !== object && expect !== Expect.Colon && expect !== Expect.Key ? fail(`Not valid JSON: "${text[i]}" closes a "${top.object ? '{' : '['}"`, i) : unexpected(i)
        }
        stack.pop()
        newline(stack.length)
        append(i, i + 1)
        out.folds.push(top.line, lineNo)
        i++
        afterValue()
        return
      }
      case 44: {
        // ,
        if (expect !== Expect.CommaOrClose) return unexpected(i)
        append(i, i + 1)
        newline(stack.length)
        expect = stack[stack.length - 1]!.object ? Expect.Key : Expect.Value
        i++
        return
      }
      case 58: // :
        if (expect !== Expect.Colon) return unexpected(i)
        append(i, i + 1)
        expect = Expect.Value
        i++
        return
      case 34: {
        // "
        const key = expect === Expect.Key || expect === Expect.KeyOrClose
        if (!key && expect !== Expect.Value && expect !== Expect.ValueOrClose) return unexpected(i)
        let end = text.indexOf('"', i + 1)
        while (end > 0 && escaped(text, end)) end = text.indexOf('"', end + 1)
        if (end < 0) return fail('Not valid JSON: a string is not closed', i)
        if (breakAfter(i) < end) return fail('Not valid JSON: a line break inside a string', breakAfter(i))
        appendString(i, end + 1)
        i = end + 1
        if (key) expect = Expect.Colon
        else afterValue()
        return
      }
      default: {
        if (expect !== Expect.Value && expect !== Expect.ValueOrClose) return unexpected(i)
        let j = i + 1
        while (j < n && !isDelimiter(text.charCodeAt(j))) j++
        const token = text.slice(i, j)
        if (token !== 'true' && token !== 'false' && token !== 'null' && !NUMBER.test(token)) {
          return fail(`Not valid JSON: "${token.length > 24 ? token.slice(0, 24) + '…' : token}" is not a value`, i)
        }
        append(i, j)
        i = j
        afterValue()
      }
    }
  }

  return {
    next(maxLines) {
      out = new ChunkBuilder(true)
      while (!finished && !problem && out.count < maxLines) {
        if (i >= n) {
          const started = curStart >= 0 || curText !== null
          if (expect !== Expect.End && (expect !== Expect.Value || stack.length || lineNo > 1 || started)) fail('Not valid JSON: it ends early', n)
          if (started) newline(0)
          finished = true
          break
        }
        step()
      }
      return { chunk: out.finish(), done: finished || problem !== null, problem }
    },
    progress: () => (n ? i / n : 1)
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

function isDelimiter(c: number): boolean {
  return c === 44 || c === 58 || c === 93 || c === 125 || c === 91 || c === 123 || c === 34 || isSpace(c)
}

/** A line break in text[from, to) (whitespace between two tokens). */
function hasBreak(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k)
    if (c === 10 || c === 13) return true
  }
  return false
}

/** The quote at `at` is escaped: an odd run of backslashes before it. */
function escaped(text: string, at: number): boolean {
  let n = 0
  while (text.charCodeAt(at - 1 - n) === 92) n++
  return n % 2 === 1
}

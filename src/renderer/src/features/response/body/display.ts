/**
 * What a body formatter hands the viewer: display lines in order, plus what the viewer cannot see in the
 * lines themselves. Formatters run in a worker for big bodies, so everything here is plain data that
 * structured cloning carries cheaply (arrays of strings and numbers).
 */

/** A long line cut for display: the piece on this doc line continues the line before it. */
export const CONTINUED = 1
/** …and it starts inside a JSON string (so the highlighter colours it as one). */
export const IN_STRING = 2

/**
 * The next display lines. A line is a span of the source where it can be (nearly always: pretty JSON of a
 * minified body is the body's own tokens, indented by depth), so the viewer makes it with `substring` and
 * V8 shares the body's memory instead of copying it; the few that cannot be (whitespace inside a line of
 * pretty-printed input, a tag over several lines) come as text.
 */
export interface DisplayChunk {
  count: number
  /** Per line, [start, end) in the source; a start of -1 means the line is the next of `texts`. */
  spans: Int32Array
  texts: string[]
  /** Per line, the indent depth (pretty views indent by decoration, so lines stay spans); null: none. */
  depths: Uint16Array | null
  /** Flat pairs `[docLine, flags, …]` (1-based doc lines, flags CONTINUED | IN_STRING) for pieces of cut lines. */
  continued: number[]
  /** Flat pairs `[openLine, closeLine, …]` (1-based doc lines) of blocks that fold. */
  folds: number[]
}

/** Collects a chunk's lines in growable arrays; `finish` packs them into a DisplayChunk. */
export class ChunkBuilder {
  private spans: number[] = []
  private texts: string[] = []
  private depths: number[] | null
  continued: number[] = []
  folds: number[] = []

  constructor(withDepths: boolean) {
    this.depths = withDepths ? [] : null
  }

  get count(): number {
    return this.spans.length >> 1
  }

  span(start: number, end: number, depth = 0): void {
    this.spans.push(start, end)
    this.depths?.push(depth)
  }

  text(text: string, depth = 0): void {
    this.spans.push(-1, -1)
    this.texts.push(text)
    this.depths?.push(depth)
  }

  finish(): DisplayChunk {
    return {
      count: this.count,
      spans: Int32Array.from(this.spans),
      texts: this.texts,
      depths: this.depths ? Uint16Array.from(this.depths) : null,
      continued: this.continued,
      folds: this.folds
    }
  }
}

/** The chunk's lines as strings: spans become substrings of `source` (sharing its memory). */
export function linesOf(chunk: DisplayChunk, source: string): string[] {
  const lines = new Array<string>(chunk.count)
  let t = 0
  for (let i = 0; i < chunk.count; i++) {
    const start = chunk.spans[i * 2]!
    lines[i] = start < 0 ? chunk.texts[t++]! : source.substring(start, chunk.spans[i * 2 + 1]!)
  }
  return lines
}

/** Where the source stopped parsing as what its content type says it is. */
export interface FormatProblem {
  message: string
  /** 1-based, in the source text. */
  line: number
  column: number
}

export interface Formatter {
  /** Up to `maxLines` more display lines; `done` once the source is used up or a problem stopped it. */
  next(maxLines: number): { chunk: DisplayChunk; done: boolean; problem: FormatProblem | null }
  /** How far into the source it is, 0…1. */
  progress(): number
}

/** 1-based line and column of a source offset (once, for a problem's message). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++
    start = i + 1
  }
  return { line, column: offset - start + 1 }
}

/**
 * Where to cut `s` near `at` without splitting an escape sequence (`\"`, `\\`, `\u00e9`) or a surrogate pair,
 * so the next piece can be tokenised on its own. Never returns a position at or before `min`.
 */
export function safeCut(s: string, at: number, min: number): number {
  let cut = at
  // A \uXXXX escape: do not leave its tail at the start of the next piece.
  const u = s.lastIndexOf('\\u', cut - 1)
  if (u >= 0 && u > cut - 6 && u + 6 > cut && isEscape(s, u, min)) cut = u
  let backslashes = 0
  while (cut - 1 - backslashes > min && s.charCodeAt(cut - 1 - backslashes) === 92) backslashes++
  if (backslashes % 2 === 1) cut--
  const c = s.charCodeAt(cut - 1)
  if (c >= 0xd800 && c <= 0xdbff) cut--
  return cut > min ? cut : Math.min(at, s.length)
}

/** The backslash at `i` starts an escape (it is not itself escaped). */
function isEscape(s: string, i: number, min: number): boolean {
  let n = 0
  while (i - 1 - n >= min && s.charCodeAt(i - 1 - n) === 92) n++
  return n % 2 === 0
}

/** Chunks put together, in order. */
export function joinChunks(chunks: DisplayChunk[]): DisplayChunk {
  if (chunks.length === 1) return chunks[0]!
  const count = chunks.reduce((n, c) => n + c.count, 0)
  const spans = new Int32Array(count * 2)
  const withDepths = chunks.some((c) => c.depths)
  const depths = withDepths ? new Uint16Array(count) : null
  const out: DisplayChunk = { count, spans, texts: [], depths, continued: [], folds: [] }
  let at = 0
  for (const c of chunks) {
    spans.set(c.spans, at * 2)
    if (depths && c.depths) depths.set(c.depths, at)
    for (const t of c.texts) out.texts.push(t)
    for (const v of c.continued) out.continued.push(v)
    for (const v of c.folds) out.folds.push(v)
    at += c.count
  }
  return out
}

/** Run a formatter to its end in one go (small bodies, and tests). */
export function formatAll(f: Formatter, perChunk = 50_000): DisplayChunk & { problem: FormatProblem | null } {
  const chunks: DisplayChunk[] = []
  for (;;) {
    const { chunk, done, problem } = f.next(perChunk)
    chunks.push(chunk)
    if (done) return { ...joinChunks(chunks), problem }
  }
}

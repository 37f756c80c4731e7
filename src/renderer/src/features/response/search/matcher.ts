/**
 * Finds every match of a search in a body's document, a slice of time at a time, so counting matches in
 * 60 MB never stalls the UI. Lines are searched one by one, as CodeMirror's own search highlights them;
 * the document may grow (a big body arrives in chunks) and the scan carries on into the new lines.
 */
import type { Text } from '@codemirror/state'

export interface SearchSpec {
  search: string
  regexp: boolean
  caseSensitive: boolean
}

/** Matches kept for navigation; past this they are counted only. */
export const MAX_KEPT = 1_000_000

/**
 * The regular expression a search runs as. A literal search is escaped; in it, the space after a name's
 * colon (`"name": "x"`, as the pretty view shows a minified body) is optional, so what a person copies
 * from the view finds itself in a body that has no such space.
 */
export function searchSource(spec: SearchSpec): string {
  if (spec.regexp) return spec.search
  return spec.search.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/": /g, '": ?')
}

/** The expression for a search, or why it has none. */
export function compileSearch(spec: SearchSpec): { re: RegExp } | { error: string } | null {
  if (!spec.search) return null
  const source = searchSource(spec)
  try {
    return { re: new RegExp(source, spec.caseSensitive ? 'gu' : 'giu') }
  } catch (error) {
    return { error: `Not a regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}` }
  }
}

export class MatchScanner {
  /** Flat pairs [from, to, …] of matches in document order (the first MAX_KEPT). */
  private positions = new Int32Array(1024)
  count = 0
  /** The next line to search (1-based) and where it starts. */
  private line = 1
  private pos = 0

  constructor(private readonly re: RegExp) {}

  get kept(): number {
    return Math.min(this.count, MAX_KEPT)
  }

  from(index: number): number {
    return this.positions[index * 2]!
  }

  to(index: number): number {
    return this.positions[index * 2 + 1]!
  }

  /** Search on until `doc` is done (true) or `deadline` (performance.now()) passes (false). */
  step(doc: Text, deadline: number): boolean {
    if (this.line > doc.lines) return true
    const iter = doc.iterLines(this.line)
    let n = 0
    for (let next = iter.next(); !next.done; next = iter.next()) {
      this.scanLine(next.value, this.pos)
      this.pos += next.value.length + 1
      this.line++
      if (++n % 128 === 0 && performance.now() > deadline) return this.line > doc.lines
    }
    return true
  }

  /** Index of the first kept match starting at or after `pos` (kept if none). */
  indexAtOrAfter(pos: number): number {
    let lo = 0
    let hi = this.kept
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.from(mid) < pos) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private scanLine(text: string, start: number): void {
    const re = this.re
    re.lastIndex = 0
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++
        continue
      }
      if (this.count < MAX_KEPT) this.keep(start + m.index, start + m.index + m[0].length)
      this.count++
    }
  }

  private keep(from: number, to: number): void {
    const at = this.count * 2
    if (at + 2 > this.positions.length) {
      const grown = new Int32Array(this.positions.length * 2)
      grown.set(this.positions)
      this.positions = grown
    }
    this.positions[at] = from
    this.positions[at + 1] = to
  }
}

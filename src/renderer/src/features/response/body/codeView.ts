/**
 * The CodeMirror side of a body view: colours for the lines on screen, folding from the formatter's block
 * map, line numbers that skip the pieces of cut lines, and copy that puts cut lines back together.
 * Nothing here walks the whole document: every lookup is by line number or over the viewport.
 */
import { codeFolding, foldGutter, foldService } from '@codemirror/language'
import { EditorState, type Extension, type Range } from '@codemirror/state'
import { Decoration, EditorView, lineNumbers, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from '@codemirror/view'
import { CONTINUED, IN_STRING, type DisplayChunk } from './display'
import { colonSpaceAt, jsonTokens, markupTokens, type TokenClass } from './tokenize'

/** What the formatter said about the lines, grown as chunks arrive. */
export class DisplayMap {
  /** Doc lines (1-based, ascending) that continue the line before, and their flags. */
  private readonly contLines: number[] = []
  private readonly contFlags: number[] = []
  private readonly folds = new Map<number, number>()
  /** Indent depth per doc line (index line - 1), when the formatter gives one. */
  private depths: Uint16Array | null = null
  private lines = 0

  add(chunk: DisplayChunk): void {
    for (let k = 0; k < chunk.continued.length; k += 2) {
      this.contLines.push(chunk.continued[k]!)
      this.contFlags.push(chunk.continued[k + 1]!)
    }
    for (let k = 0; k < chunk.folds.length; k += 2) this.folds.set(chunk.folds[k]!, chunk.folds[k + 1]!)
    if (chunk.depths) {
      const need = this.lines + chunk.count
      if (!this.depths || this.depths.length < need) {
        const grown = new Uint16Array(Math.max(need, (this.depths?.length ?? 1024) * 2))
        if (this.depths) grown.set(this.depths)
        this.depths = grown
      }
      this.depths.set(chunk.depths, this.lines)
    }
    this.lines += chunk.count
  }

  depth(line: number): number {
    return this.depths?.[line - 1] ?? 0
  }

  get indented(): boolean {
    return this.depths !== null
  }

  /** Index of the first continued line ≥ line. */
  private lowerBound(line: number): number {
    let lo = 0
    let hi = this.contLines.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.contLines[mid]! < line) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  flags(line: number): number {
    const i = this.lowerBound(line)
    return this.contLines[i] === line ? this.contFlags[i]! : 0
  }

  /** The line number a person reads: pieces of a cut line count as one line. 0 for a piece. */
  realLine(line: number): number {
    const i = this.lowerBound(line)
    return this.contLines[i] === line ? 0 : line - i
  }

  foldEnd(line: number): number | undefined {
    return this.folds.get(line)
  }

  get hasPieces(): boolean {
    return this.contLines.length > 0
  }
}

const marks: Record<TokenClass, Decoration> = {
  key: Decoration.mark({ class: 'ob-key' }),
  string: Decoration.mark({ class: 'ob-string' }),
  number: Decoration.mark({ class: 'ob-number' }),
  literal: Decoration.mark({ class: 'ob-number' }),
  tag: Decoration.mark({ class: 'ob-tag' }),
  attr: Decoration.mark({ class: 'ob-key' }),
  value: Decoration.mark({ class: 'ob-string' }),
  comment: Decoration.mark({ class: 'ob-comment' })
}

export type Colouring = 'json' | 'markup' | 'none'

/** Two characters a level, as JSON.stringify(value, null, 2) indents; 6px is CodeMirror's own line padding. */
const indents: Decoration[] = []
const indentOf = (depth: number): Decoration => (indents[depth] ??= Decoration.line({ attributes: { style: `padding-left: calc(6px + ${depth * 2}ch)` } }))

/** The space a pretty line shows after a name's colon when the body (minified) has none: shown, not in the text. */
class ColonSpace extends WidgetType {
  override eq(): boolean {
    return true
  }
  toDOM(): HTMLElement {
    const span = document.createElement('span')
    span.textContent = ' '
    return span
  }
}
const colonSpace = Decoration.widget({ widget: new ColonSpace(), side: 1 })

/** Indentation and colours for the lines on screen. */
function decorateViewport(view: EditorView, map: DisplayMap, colouring: Colouring): DecorationSet {
  const ranges: Range<Decoration>[] = []
  const { doc } = view.state
  const spaced = colouring === 'json' && map.indented
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to; ) {
      const line = doc.lineAt(pos)
      const depth = map.depth(line.number)
      if (depth) ranges.push(indentOf(depth).range(line.from))
      const emit = (a: number, b: number, cls: TokenClass): void => {
        if (b > a) ranges.push(marks[cls].range(line.from + a, line.from + b))
      }
      const inString = (map.flags(line.number) & IN_STRING) !== 0
      if (colouring === 'json') jsonTokens(line.text, inString, emit)
      else if (colouring === 'markup') markupTokens(line.text, emit)
      if (spaced) {
        const at = colonSpaceAt(line.text, inString)
        if (at > 0) ranges.push(colonSpace.range(line.from + at))
      }
      pos = line.to + 1
    }
  }
  return Decoration.set(ranges, true)
}

function lineDecorations(map: DisplayMap, colouring: Colouring): Extension {
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet
      constructor(view: EditorView) {
        this.decorations = decorateViewport(view, map, colouring)
      }
      update(update: ViewUpdate) {
        const { from, to } = update.view.viewport
        // Lines appended below the screen (a big body arriving) leave the colours on screen as they are.
        if (update.viewportChanged || (update.docChanged && update.changes.touchesRange(from, to))) this.decorations = decorateViewport(update.view, map, colouring)
        else if (update.docChanged) this.decorations = this.decorations.map(update.changes)
      }
    },
    { decorations: (v) => v.decorations }
  )
}

function folding(map: DisplayMap): Extension {
  return [
    codeFolding({ placeholderText: '…' }),
    foldGutter(),
    foldService.of((state, lineStart, lineEnd) => {
      const line = state.doc.lineAt(lineStart)
      const end = map.foldEnd(line.number)
      if (end === undefined || end > state.doc.lines || end <= line.number) return null
      const close = state.doc.line(end)
      const indent = close.text.search(/\S/)
      return { from: lineEnd, to: close.from + Math.max(indent, 0) }
    })
  ]
}

/** Copying gives what the view shows: pretty lines with their indentation and spacing, pieces of a cut line as one line. */
function copyAsShown(map: DisplayMap, spaced: boolean): Extension {
  return EditorView.clipboardOutputFilter.of((text, state) => {
    if (!map.hasPieces && !map.indented) return text
    const { from, to } = state.selection.main
    if (state.selection.ranges.length !== 1 || state.sliceDoc(from, to) !== text) return text
    const first = state.doc.lineAt(from).number
    const last = state.doc.lineAt(to).number
    const parts: string[] = []
    for (let n = first; n <= last; n++) {
      const line = state.doc.line(n)
      const piece = (map.flags(n) & CONTINUED) !== 0
      if (n > first && !piece) parts.push('\n')
      if (!piece && from <= line.from) parts.push('  '.repeat(map.depth(n)))
      const a = Math.max(line.from, from)
      const b = Math.min(line.to, to)
      const space = spaced ? colonSpaceAt(line.text, (map.flags(n) & IN_STRING) !== 0) : -1
      if (space > 0 && line.from + space > a && line.from + space <= b) parts.push(state.sliceDoc(a, line.from + space), ' ', state.sliceDoc(line.from + space, b))
      else parts.push(state.sliceDoc(a, b))
    }
    return parts.join('')
  })
}

const theme = EditorView.theme({
  '&': { fontSize: '12.5px', backgroundColor: 'transparent', color: 'var(--text)', height: '100%' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--text)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
  '.cm-gutters': { backgroundColor: 'transparent', color: 'var(--text-faint)', border: 'none' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection) !important' },
  '.ob-key': { color: 'var(--code-key)' },
  '.ob-string': { color: 'var(--code-string)' },
  '.ob-number': { color: 'var(--code-number)' },
  '.ob-tag': { color: 'var(--code-tag)' },
  '.ob-comment': { color: 'var(--code-comment)', fontStyle: 'italic' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--surface-sunken)', border: '1px solid var(--border)', color: 'var(--text-muted)', padding: '0 4px' },
  '.cm-searchMatch': { backgroundColor: 'rgba(255, 200, 0, 0.28)', outline: '1px solid rgba(255, 170, 0, 0.45)' },
  '.cm-searchMatch-selected': { backgroundColor: 'rgba(255, 140, 0, 0.5)' },
  '.cm-panels': { backgroundColor: 'var(--surface-raised)', color: 'var(--text)', borderColor: 'var(--border)' },
  '.cm-panels-top': { borderBottom: '1px solid var(--border)' },
  '.ob-search': { display: 'flex', alignItems: 'center', gap: '4px', padding: '4px 6px', fontFamily: 'var(--sans)', fontSize: '12px' },
  '.ob-search input': {
    flex: '0 1 260px',
    minWidth: '120px',
    font: 'inherit',
    fontFamily: 'var(--mono)',
    padding: '3px 6px',
    color: 'var(--text)',
    background: 'var(--surface)',
    border: '1px solid var(--border)',
    borderRadius: '4px',
    outline: 'none'
  },
  '.ob-search input:focus': { borderColor: 'var(--accent)' },
  '.ob-search button': {
    font: 'inherit',
    fontFamily: 'var(--mono)',
    minWidth: '24px',
    height: '24px',
    padding: '0 5px',
    color: 'var(--text-muted)',
    background: 'transparent',
    border: '1px solid transparent',
    borderRadius: '4px',
    cursor: 'pointer'
  },
  '.ob-search button:hover': { background: 'var(--row-hover)', color: 'var(--text)' },
  '.ob-search button[aria-pressed="true"]': { background: 'var(--row-selected)', color: 'var(--accent)', borderColor: 'var(--accent)' },
  '.ob-search-status': { color: 'var(--text-muted)', padding: '0 6px', whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' },
  '.ob-search-error .ob-search-status': { color: 'var(--code-invalid)' },
  '.ob-search-error input': { borderColor: 'var(--code-invalid)' }
})

export interface BodyViewOptions {
  colouring: Colouring
  fold: boolean
  wrap: boolean
}

/** Everything a read-only body view needs besides its document and search. */
export function bodyExtensions(map: DisplayMap, options: BodyViewOptions): Extension {
  return [
    theme,
    EditorState.readOnly.of(true),
    EditorView.editable.of(false),
    // Read-only but focusable: the keyboard can select, copy and search.
    EditorView.contentAttributes.of({ tabindex: '0' }),
    lineNumbers({
      formatNumber: (line, state) => {
        if (line > state.doc.lines) return String(line)
        const real = map.realLine(line)
        return real ? String(real) : ''
      }
    }),
    options.fold ? folding(map) : [],
    lineDecorations(map, options.colouring),
    options.wrap ? EditorView.lineWrapping : [],
    copyAsShown(map, options.colouring === 'json' && options.fold)
  ]
}

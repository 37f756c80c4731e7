/**
 * Search in a body (Ctrl/Cmd+F): CodeMirror's search package for the panel's place, the query state and the
 * highlighting of matches on screen, with our own panel that counts every match ("3 of 12,408") and moves
 * between them without scanning the document on each key press: MatchScanner finds them in time slices.
 */
import { closeSearchPanel, getSearchQuery, openSearchPanel, search, SearchQuery, setSearchQuery } from '@codemirror/search'
import type { Extension } from '@codemirror/state'
import { EditorView, keymap, type Panel, type ViewUpdate } from '@codemirror/view'
import { compileSearch, MatchScanner, MAX_KEPT, searchSource, type SearchSpec } from './matcher'

const SLICE_MS = 12
const TYPING_PAUSE_MS = 120

function button(label: string, title: string, onClick: () => void, testId: string): HTMLButtonElement {
  const b = document.createElement('button')
  b.type = 'button'
  b.textContent = label
  b.title = title
  b.setAttribute('aria-label', title)
  b.dataset.testid = testId
  b.addEventListener('click', onClick)
  return b
}

class BodySearchPanel implements Panel {
  readonly dom: HTMLElement
  readonly top = true
  private readonly input: HTMLInputElement
  private readonly regexpToggle: HTMLButtonElement
  private readonly caseToggle: HTMLButtonElement
  private readonly status: HTMLElement
  private spec: SearchSpec
  private scanner: MatchScanner | null = null
  private error: string | null = null
  private done = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private typing: ReturnType<typeof setTimeout> | null = null
  /** The match the selection is on (index), once the person moved to one. */
  private current = -1
  /** A move asked for before the scan reached a match to move to. */
  private pending: 1 | -1 | 0 = 0

  constructor(private readonly view: EditorView) {
    const q = getSearchQuery(view.state)
    this.spec = { search: q.search, regexp: q.regexp, caseSensitive: q.caseSensitive }
    this.dom = document.createElement('div')
    this.dom.className = 'ob-search'
    this.dom.dataset.testid = 'body-search'
    this.input = document.createElement('input')
    this.input.value = this.spec.search
    this.input.placeholder = 'Find in body'
    this.input.setAttribute('main-field', 'true')
    this.input.setAttribute('aria-label', 'Find in body')
    this.input.dataset.testid = 'body-search-input'
    this.input.addEventListener('input', () => this.changed({ search: this.input.value }, true))
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault()
        this.move(e.shiftKey ? -1 : 1)
      } else if (e.key === 'Escape') {
        e.preventDefault()
        closeSearchPanel(this.view)
        this.view.focus()
      }
    })
    this.regexpToggle = button('.*', 'Regular expression', () => this.changed({ regexp: !this.spec.regexp }, false), 'body-search-regexp')
    this.caseToggle = button('Aa', 'Match case', () => this.changed({ caseSensitive: !this.spec.caseSensitive }, false), 'body-search-case')
    this.status = document.createElement('span')
    this.status.className = 'ob-search-status'
    this.status.dataset.testid = 'body-search-count'
    this.status.setAttribute('aria-live', 'polite')
    this.dom.append(
      this.input,
      this.regexpToggle,
      this.caseToggle,
      this.status,
      button('↑', 'Previous match (Shift+Enter)', () => this.move(-1), 'body-search-prev'),
      button('↓', 'Next match (Enter)', () => this.move(1), 'body-search-next'),
      button('✕', 'Close (Escape)', () => closeSearchPanel(this.view), 'body-search-close')
    )
    this.restart()
  }

  mount(): void {
    this.input.select()
  }

  update(update: ViewUpdate): void {
    for (const tr of update.transactions) {
      for (const effect of tr.effects) {
        if (effect.is(setSearchQuery) && !effect.value.eq(this.query())) {
          this.spec = { search: effect.value.search, regexp: effect.value.regexp, caseSensitive: effect.value.caseSensitive }
          this.input.value = this.spec.search
          this.restart()
        }
      }
    }
    // A big body still arriving: carry on into the new lines.
    if (update.docChanged && this.scanner && this.done) {
      this.done = false
      this.schedule()
    }
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.typing) clearTimeout(this.typing)
  }

  /** CodeMirror's query for the highlighting: the same expression the count uses. */
  private query(): SearchQuery {
    const source = searchSource(this.spec)
    return source === this.spec.search ? new SearchQuery({ ...this.spec, literal: true }) : new SearchQuery({ ...this.spec, search: source, regexp: true })
  }

  private changed(patch: Partial<SearchSpec>, typed: boolean): void {
    this.spec = { ...this.spec, ...patch }
    if (this.typing) clearTimeout(this.typing)
    const apply = (): void => {
      this.typing = null
      this.view.dispatch({ effects: setSearchQuery.of(this.query()) })
      this.restart()
    }
    if (typed) this.typing = setTimeout(apply, TYPING_PAUSE_MS)
    else apply()
  }

  private restart(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.current = -1
    this.pending = 0
    this.done = false
    const compiled = compileSearch(this.spec)
    this.error = compiled && 'error' in compiled ? compiled.error : null
    this.scanner = compiled && 're' in compiled ? new MatchScanner(compiled.re) : null
    this.regexpToggle.setAttribute('aria-pressed', String(this.spec.regexp))
    this.caseToggle.setAttribute('aria-pressed', String(this.spec.caseSensitive))
    if (this.scanner) this.schedule()
    this.render()
  }

  private schedule(): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      const scanner = this.scanner
      if (!scanner) return
      this.done = scanner.step(this.view.state.doc, performance.now() + SLICE_MS)
      if (this.pending) this.move(this.pending)
      this.render()
      if (!this.done) this.schedule()
    }, 0)
  }

  /** Select the next (1) or previous (-1) match after/before the selection, wrapping around. */
  private move(dir: 1 | -1): void {
    const s = this.scanner
    if (!s) return
    const sel = this.view.state.selection.main
    let index: number
    if (dir === 1) {
      index = s.indexAtOrAfter(this.current >= 0 && s.from(this.current) === sel.from ? sel.from + 1 : sel.from)
      if (index >= s.kept) {
        if (!this.done) {
          this.pending = 1
          return
        }
        index = 0
      }
    } else {
      index = s.indexAtOrAfter(sel.from) - 1
      if (index < 0) {
        if (!this.done) {
          this.pending = -1
          return
        }
        index = s.kept - 1
      }
    }
    this.pending = 0
    if (index < 0 || index >= s.kept) return
    this.current = index
    const from = s.from(index)
    const to = s.to(index)
    this.view.dispatch({ selection: { anchor: from, head: to }, effects: EditorView.scrollIntoView(from, { y: 'center', x: 'center' }) })
    this.render()
  }

  private render(): void {
    const s = this.scanner
    this.dom.classList.toggle('ob-search-error', Boolean(this.error))
    if (this.error) this.status.textContent = this.error
    else if (!s) this.status.textContent = ''
    else if (!s.count) this.status.textContent = this.done ? 'No matches' : 'Searching…'
    else {
      const total = `${s.count.toLocaleString('en')}${this.done ? '' : '…'}`
      const capped = s.count > MAX_KEPT ? ` (first ${MAX_KEPT.toLocaleString('en')} reachable)` : ''
      this.status.textContent = this.current >= 0 ? `${(this.current + 1).toLocaleString('en')} of ${total}${capped}` : `${total} match${s.count === 1 ? '' : 'es'}${capped}`
    }
    this.status.dataset.done = String(this.done)
  }

  next(): void {
    this.move(1)
  }

  previous(): void {
    this.move(-1)
  }
}

/** The body search: the panel on Ctrl/Cmd+F, F3 / Ctrl/Cmd+G and Shift with them to move between matches. */
export function bodySearch(): Extension {
  let panel: BodySearchPanel | null = null
  const run = (dir: 1 | -1) => (view: EditorView): boolean => {
    if (!panel) openSearchPanel(view)
    if (dir === 1) panel?.next()
    else panel?.previous()
    return true
  }
  return [
    search({
      top: true,
      literal: true,
      createPanel: (view) => {
        panel = new BodySearchPanel(view)
        const destroy = panel.destroy.bind(panel)
        panel.destroy = () => {
          destroy()
          panel = null
        }
        return panel
      }
    }),
    keymap.of([
      { key: 'Mod-f', run: openSearchPanel, scope: 'editor search-panel', preventDefault: true },
      { key: 'F3', run: run(1), shift: run(-1), scope: 'editor search-panel', preventDefault: true },
      { key: 'Mod-g', run: run(1), shift: run(-1), scope: 'editor search-panel', preventDefault: true },
      { key: 'Escape', run: closeSearchPanel, scope: 'editor search-panel' }
    ])
  ]
}

export { openSearchPanel }

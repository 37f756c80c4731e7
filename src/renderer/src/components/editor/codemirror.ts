import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { json } from '@codemirror/lang-json'
import { xml } from '@codemirror/lang-xml'
import { bracketMatching, foldGutter, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language'
import { linter, lintGutter } from '@codemirror/lint'
import { EditorState, type Extension } from '@codemirror/state'
import {
  Decoration,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  MatchDecorator,
  placeholder as placeholderExt,
  ViewPlugin,
  type DecorationSet,
  type ViewUpdate
} from '@codemirror/view'
import { tags } from '@lezer/highlight'
import { jsonDiagnostics } from './jsonLint'

export type EditorLanguage = 'json' | 'xml' | 'html' | 'text'

/** Colours come from CSS variables, so light and dark themes follow the app's theme. */
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--code-key)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--code-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--code-number)' },
  { tag: [tags.tagName, tags.angleBracket], color: 'var(--code-tag)' },
  { tag: tags.attributeName, color: 'var(--code-key)' },
  { tag: tags.attributeValue, color: 'var(--code-string)' },
  { tag: [tags.comment, tags.processingInstruction], color: 'var(--code-comment)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--code-invalid)' }
])

export const baseTheme = EditorView.theme({
  '&': { fontSize: '12.5px', backgroundColor: 'transparent', color: 'var(--text)', height: '100%' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--text)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
  '.cm-gutters': { backgroundColor: 'transparent', color: 'var(--text-faint)', border: 'none' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--text)' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection) !important' },
  '.cm-placeholder': { color: 'var(--text-faint)' },
  '.cm-var-known': { color: 'var(--var-known)', backgroundColor: 'var(--var-known-bg)', borderRadius: '3px' },
  '.cm-var-unknown': { color: 'var(--var-unknown)', backgroundColor: 'var(--var-unknown-bg)', borderRadius: '3px', textDecoration: 'underline wavy var(--var-unknown)' },
  '.cm-tooltip': { backgroundColor: 'var(--surface-raised)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--var-unknown)' }
})

/** `{{name}}`: green when the active environment defines it, red (and blocking Send) when not. */
export function variableHighlighter(known: ReadonlySet<string>): Extension {
  const decorator = new MatchDecorator({
    regexp: /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g,
    decoration: (match) =>
      Decoration.mark({
        class: known.has(match[1]!) ? 'cm-var-known' : 'cm-var-unknown',
        attributes: { title: known.has(match[1]!) ? `{{${match[1]}}} from the environment` : `{{${match[1]}}} is not defined in the active environment` }
      })
  })
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet
      constructor(view: EditorView) {
        this.decorations = decorator.createDeco(view)
      }
      update(update: ViewUpdate) {
        this.decorations = decorator.updateDeco(update, this.decorations)
      }
    },
    { decorations: (v) => v.decorations }
  )
}

export function languageExtension(language: EditorLanguage, lint: boolean): Extension {
  switch (language) {
    case 'json':
      return lint ? [json(), linter((view) => jsonDiagnostics(view.state.doc.toString()), { delay: 300 }), lintGutter()] : json()
    case 'xml':
    case 'html':
      return xml()
    default:
      return []
  }
}

/** One line, no newlines (pasted ones become spaces), Enter submits. */
export function singleLine(onSubmit: () => void): Extension {
  return [
    EditorState.transactionFilter.of((tr) => {
      if (!tr.docChanged || tr.newDoc.lines <= 1) return tr
      const text = tr.newDoc.sliceString(0).replace(/\r?\n/g, '')
      return [tr.startState.update({ changes: { from: 0, to: tr.startState.doc.length, insert: text }, selection: { anchor: Math.min(text.length, tr.newSelection.main.head) } })]
    }),
    keymap.of([{ key: 'Enter', run: () => (onSubmit(), true) }])
  ]
}

export function multiLine(): Extension {
  return [lineNumbers(), foldGutter(), highlightActiveLine(), indentOnInput(), bracketMatching(), keymap.of([indentWithTab])]
}

export function commonExtensions(placeholder: string, onSubmit: () => void): Extension {
  return [
    history(),
    keymap.of([{ key: 'Mod-Enter', run: () => (onSubmit(), true) }, ...defaultKeymap, ...historyKeymap]),
    syntaxHighlighting(highlight),
    baseTheme,
    EditorView.lineWrapping,
    placeholder ? placeholderExt(placeholder) : []
  ]
}

import { autocompletion, snippet, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete'
import { linter, type Diagnostic } from '@codemirror/lint'
import type { Extension } from '@codemirror/state'
import { EditorView, hoverTooltip } from '@codemirror/view'
import type { SchemaView } from '@shared/schema'
import { completeUrl, type OptionKind } from './completions'
import { checkUrl, describeAt } from './diagnostics'

const ICON: Record<OptionKind, string> = {
  entitySet: 'class',
  property: 'property',
  lookup: 'variable',
  navigation: 'interface',
  collection: 'interface',
  function: 'function',
  action: 'method',
  option: 'keyword',
  operator: 'keyword',
  keyword: 'keyword',
  value: 'constant',
  key: 'constant'
}

/** Icons as small letters (the default glyphs are missing from many system fonts), colours from the app theme. */
const badge = (letter: string, color: string) => ({ content: `'${letter}'`, color, fontFamily: 'var(--mono)', fontWeight: '700', fontSize: '10px' })
const completionTheme = EditorView.theme({
  '.cm-tooltip.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--mono)', fontSize: '12px', maxHeight: '18em', minWidth: '260px' },
  '.cm-tooltip.cm-tooltip-autocomplete > ul > li': { padding: '2px 8px 2px 4px', lineHeight: '1.6' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--selection)', color: 'var(--text)' },
  '.cm-completionDetail': { marginLeft: '12px', color: 'var(--text-faint)', fontStyle: 'normal', float: 'right' },
  '.cm-completionMatchedText': { textDecoration: 'none', fontWeight: '700', color: 'var(--accent)' },
  '.cm-completionIcon': { width: '1.4em', opacity: '1', paddingRight: '4px', textAlign: 'center' },
  '.cm-completionIcon-class:after': badge('T', 'var(--code-tag)'),
  '.cm-completionIcon-property:after': badge('c', 'var(--code-key)'),
  '.cm-completionIcon-variable:after': badge('L', 'var(--code-number)'),
  '.cm-completionIcon-interface:after': badge('→', 'var(--code-string)'),
  '.cm-completionIcon-function:after': badge('f', 'var(--accent)'),
  '.cm-completionIcon-method:after': badge('A', 'var(--accent)'),
  '.cm-completionIcon-keyword:after': badge('k', 'var(--text-faint)'),
  '.cm-completionIcon-constant:after': badge('v', 'var(--code-number)'),
  '.cm-completionInfo': { fontSize: '12px', maxWidth: '360px', padding: '6px 9px' },
  '.cm-odata-hover': { fontFamily: 'var(--mono)', fontSize: '12px', padding: '4px 8px' }
})

/**
 * The URL bar's knowledge of the org: completion, hover types and unknown-name marks, all from the
 * schema index in this window (no call per keystroke). `schema()` is read at each use, so switching
 * environment or refreshing the schema needs no reconfiguration.
 */
export function odataUrlLanguage(schema: () => SchemaView | null): Extension {
  const source = (context: CompletionContext): CompletionResult | null => {
    const view = schema()
    if (!view) return null
    const text = context.state.doc.toString()
    const result = completeUrl(text, context.pos, view)
    if (!result || result.options.length === 0) return null
    // Only open on its own where something was typed or a separator was just written.
    if (!context.explicit && result.from === context.pos && !/[/?&=,(;$ ':]$/.test(text.slice(0, context.pos))) return null
    return {
      from: result.from,
      options: result.options.map((o): Completion => ({
        label: o.label,
        type: ICON[o.kind],
        ...(o.detail ? { detail: o.detail } : {}),
        ...(o.info ? { info: o.info } : {}),
        ...(o.boost !== undefined ? { boost: o.boost } : {}),
        apply: o.snippet ? snippet(o.snippet) : (o.apply ?? o.label)
      })),
      validFor: /^[\w.$@]*$/
    }
  }
  return [
    completionTheme,
    autocompletion({ override: [source], activateOnTyping: true, maxRenderedOptions: 200, icons: true }),
    hoverTooltip((view, pos) => {
      const s = schema()
      if (!s) return null
      const found = describeAt(view.state.doc.toString(), pos, s)
      if (!found) return null
      return {
        pos: found.from,
        end: found.to,
        above: true,
        create: () => {
          const dom = document.createElement('div')
          dom.className = 'cm-odata-hover'
          dom.textContent = found.text
          return { dom }
        }
      }
    }),
    linter(
      (view): Diagnostic[] => {
        const s = schema()
        if (!s) return []
        return checkUrl(view.state.doc.toString(), s).map((d) => ({ from: d.from, to: d.to, severity: 'warning', message: d.message, source: 'schema' }))
      },
      { delay: 250 }
    )
  ]
}

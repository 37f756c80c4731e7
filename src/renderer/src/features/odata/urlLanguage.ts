import { autocompletion, snippet, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete'
import { linter, type Diagnostic } from '@codemirror/lint'
import type { Extension } from '@codemirror/state'
import { hoverTooltip } from '@codemirror/view'
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
      validFor: /^[\w.$@/]*$/
    }
  }
  return [
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

import { autocompletion, snippet, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete'
import type { Extension } from '@codemirror/state'
import type { SchemaView } from '@shared/schema'
import { completeFetchXml } from './fetchXmlCompletion'

const ICON: Record<string, string> = { entitySet: 'class', property: 'property', lookup: 'variable', navigation: 'interface', operator: 'keyword', option: 'keyword', keyword: 'keyword', value: 'constant' }

/** FetchXML completion from the org's schema, in place of lang-xml's generic one. */
export function fetchXmlLanguage(schema: () => SchemaView | null): Extension {
  const source = (context: CompletionContext): CompletionResult | null => {
    const view = schema()
    if (!view) return null
    const result = completeFetchXml(context.state.doc.toString(), context.pos, view)
    if (!result || result.options.length === 0) return null
    const before = context.state.sliceDoc(Math.max(0, context.pos - 1), context.pos)
    if (!context.explicit && result.from === context.pos && !/[<"\s]/.test(before)) return null
    return {
      from: result.from,
      options: result.options.map((o): Completion => ({ label: o.label, type: ICON[o.kind] ?? 'text', ...(o.detail ? { detail: o.detail } : {}), ...(o.info ? { info: o.info } : {}), apply: o.snippet ? snippet(o.snippet) : (o.apply ?? o.label) })),
      validFor: /^[<\w.-]*$/
    }
  }
  return autocompletion({ override: [source], icons: true, maxRenderedOptions: 200 })
}

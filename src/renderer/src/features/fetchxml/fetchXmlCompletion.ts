/**
 * Completion inside a FetchXML document from the org's schema: elements allowed where the cursor is,
 * their attributes, table names, the columns of the table in scope (entity or link-entity), link-entity
 * joins with from/to filled from the navigation properties, and condition operators by column type.
 */
import type { EntityTypeIndex, SchemaView } from '@shared/schema'
import type { CompletionOption, CompletionResult } from '../odata/completions'
import { ATTRIBUTE_VALUES, ELEMENTS, fetchAttributes, linksOf, NO_VALUE, operatorsFor } from './fetchXmlSchema'

interface OpenElement {
  name: string
  attributes: Record<string, string>
}

const TAG = /<(\/?)([\w-]+)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>/g
const ATTR = /([\w:.-]+)\s*=\s*"([^"]*)"/g

function attributesOf(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of text.matchAll(ATTR)) out[m[1]!] = m[2]!
  return out
}

/** The elements open at `end`, outermost first (comments and the XML declaration skipped). */
export function openElements(text: string, end: number): OpenElement[] {
  const stack: OpenElement[] = []
  const body = text.slice(0, end).replace(/<!--[\s\S]*?-->/g, (s) => ' '.repeat(s.length)).replace(/<\?[\s\S]*?\?>/g, (s) => ' '.repeat(s.length))
  for (const m of body.matchAll(TAG)) {
    const [, closing, name, attrs, selfClosing] = m
    if (closing) {
      const at = stack.map((e) => e.name).lastIndexOf(name!)
      if (at >= 0) stack.length = at
    } else if (!selfClosing) stack.push({ name: name!, attributes: attributesOf(attrs ?? '') })
  }
  return stack
}

/** The table in scope: the nearest entity or link-entity with a name the schema knows. */
function tableInScope(stack: OpenElement[], schema: SchemaView): EntityTypeIndex | null {
  for (let i = stack.length - 1; i >= 0; i--) {
    const e = stack[i]!
    if ((e.name === 'entity' || e.name === 'link-entity') && e.attributes.name) return schema.entityType(e.attributes.name)
  }
  return null
}

export function completeFetchXml(text: string, cursor: number, schema: SchemaView): CompletionResult | null {
  const before = text.slice(0, cursor)
  const lt = before.lastIndexOf('<')
  const gt = before.lastIndexOf('>')
  if (lt <= gt) {
    // Between tags: offer elements, inserted with their '<'.
    const stack = openElements(text, cursor)
    return { from: cursor, options: elementOptions(stack, schema, true) }
  }
  const inside = before.slice(lt + 1)
  const stack = openElements(text, lt)
  if (/^[\w-]*$/.test(inside)) return { from: lt + 1, options: elementOptions(stack, schema, false) }
  const tagName = /^([\w-]+)/.exec(inside)?.[1] ?? ''
  const spec = ELEMENTS[tagName]
  if (!spec) return null
  const attrs = attributesOf(inside)
  const valueMatch = /([\w:.-]+)\s*=\s*"([^"]*)$/.exec(inside)
  if (valueMatch) {
    const [, attr, typed] = valueMatch
    return { from: cursor - typed!.length, options: valueOptions(tagName, attr!, attrs, stack, schema) }
  }
  const nameMatch = /\s([\w:.-]*)$/.exec(inside)
  if (!nameMatch) return null
  const present = new Set(Object.keys(attrs))
  return {
    from: cursor - nameMatch[1]!.length,
    options: spec.attributes.filter((a) => !present.has(a)).map((a) => ({ label: a, kind: 'option' as const, snippet: `${a}="\${}"` }))
  }
}

function elementOptions(stack: OpenElement[], schema: SchemaView, withBracket: boolean): CompletionOption[] {
  const parent = stack[stack.length - 1]
  const names = parent ? (ELEMENTS[parent.name]?.children ?? []) : ['fetch']
  const lead = withBracket ? '<' : ''
  const options: CompletionOption[] = names.map((name) => {
    const spec = ELEMENTS[name]!
    const first = spec.attributes.includes('name') ? ' name="${}"' : name === 'condition' ? ' attribute="${attribute}" operator="${operator}" value="${value}"' : name === 'order' ? ' attribute="${}"' : name === 'filter' ? ' type="and"' : ''
    const selfClosing = spec.children.length === 0 || name === 'condition'
    const snippet = name === 'fetch' ? `${lead}fetch top="50">\n  <entity name="\${table}">\n    \${}\n  </entity>\n</fetch>` : selfClosing ? `${lead}${name}${first}/>` : `${lead}${name}${first}>\${}</${name}>`
    return { label: `${withBracket ? '<' : ''}${name}`, kind: 'keyword', info: spec.info, snippet }
  })
  const table = tableInScope(stack, schema)
  if (table && parent && (parent.name === 'entity' || parent.name === 'link-entity')) {
    for (const link of linksOf(table, schema)) {
      options.push({
        label: `${lead}link-entity ${link.navigation}`,
        kind: 'navigation',
        detail: `→ ${link.name}`,
        info: link.info,
        snippet: `${lead}link-entity name="${link.name}" from="${link.from}" to="${link.to}" alias="\${${link.navigation}}">\n  <attribute name="\${}"/>\n</link-entity>`
      })
    }
  }
  return options
}

function valueOptions(tag: string, attr: string, attrs: Record<string, string>, stack: OpenElement[], schema: SchemaView): CompletionOption[] {
  const columns = (type: EntityTypeIndex | null): CompletionOption[] =>
    type ? fetchAttributes(type).map((a) => ({ label: a.name, kind: a.target ? ('lookup' as const) : ('property' as const), detail: a.target ? `lookup → ${a.target}` : a.type.replace('Edm.', '') })) : []
  if (attr === 'name' && (tag === 'entity' || tag === 'link-entity')) {
    return schema.entitySets.map((s) => ({ label: s.entityType, kind: 'entitySet' as const, detail: s.name }))
  }
  if ((tag === 'attribute' && attr === 'name') || (tag === 'order' && attr === 'attribute') || (tag === 'condition' && attr === 'attribute')) {
    return columns(tableInScope(stack, schema))
  }
  if (tag === 'link-entity' && attr === 'from') return columns(attrs.name ? schema.entityType(attrs.name) : null)
  if (tag === 'link-entity' && attr === 'to') return columns(tableInScope(stack, schema))
  if (tag === 'condition' && attr === 'operator') {
    const table = tableInScope(stack, schema)
    const column = table && attrs.attribute ? fetchAttributes(table).find((a) => a.name === attrs.attribute) : undefined
    return operatorsFor(column?.type ?? null).map((op) => ({ label: op, kind: 'operator' as const, ...(NO_VALUE.has(op) ? { detail: 'no value' } : {}) }))
  }
  return (ATTRIBUTE_VALUES[attr] ?? []).map((v) => ({ label: v, kind: 'value' as const }))
}

/**
 * The builder's filter tree written as `$filter` text (not yet URL-encoded): groups in parentheses,
 * rows as Dataverse reads them, raw parts as they were. A row the person has not finished (no column,
 * no value where one is needed) is left out until it is.
 */
import { comparisonLiteral, functionLiteral, listLiteral, quote } from './literals'
import type { FilterCondition, FilterGroup, FilterNode } from './model'
import { COMPARISONS, queryFunction, STRING_TESTS } from './operators'

export function writeFilter(group: FilterGroup): string {
  return group.children
    .map(writeNode)
    .filter((text) => text !== '')
    .join(` ${group.logic} `)
}

function writeNode(node: FilterNode): string {
  switch (node.kind) {
    case 'raw':
      return node.text
    case 'group': {
      const inner = writeFilter(node)
      return inner ? `(${inner})` : ''
    }
    case 'condition':
      return writeCondition(node)
  }
}

export function isComplete(c: FilterCondition): boolean {
  // A lookup chosen without its column yet (`primarycontactid/`) waits too.
  if (!c.column.trim() || c.column.endsWith('/')) return false
  const fn = queryFunction(c.operator)
  if (fn) {
    if (fn.shape === 'property') return true
    if (fn.shape === 'values') return c.values.length > 0
    const needed = fn.shape === 'two' ? 2 : 1
    return c.values.length >= needed && c.values.slice(0, needed).every((v) => v.trim() !== '')
  }
  if (c.operator === 'null' || c.operator === 'notnull') return true
  const value = c.values[0]
  if (value === undefined) return false
  // An empty text is a value ('' in quotes); for every other type the row waits for one.
  return (STRING_TESTS as readonly string[]).includes(c.operator) || c.type === 'Edm.String' || value.trim() !== ''
}

export function writeCondition(c: FilterCondition): string {
  if (!isComplete(c)) return ''
  const column = c.column.trim()
  const [first = '', second = ''] = c.values
  if ((COMPARISONS as readonly string[]).includes(c.operator)) return `${column} ${c.operator} ${comparisonLiteral(c.type, first)}`
  if (c.operator === 'null') return `${column} eq null`
  if (c.operator === 'notnull') return `${column} ne null`
  if ((STRING_TESTS as readonly string[]).includes(c.operator)) {
    const negate = c.operator.startsWith('not')
    return `${negate ? 'not ' : ''}${c.operator.replace(/^not/, '')}(${column},${quote(first)})`
  }
  const fn = queryFunction(c.operator)
  if (!fn) return ''
  const head = `Microsoft.Dynamics.CRM.${fn.name}(PropertyName=${quote(column)}`
  switch (fn.shape) {
    case 'property':
      return `${head})`
    case 'value':
      return `${head},PropertyValue=${functionLiteral(first)})`
    case 'two':
      return `${head},PropertyValue1=${functionLiteral(first)},PropertyValue2=${functionLiteral(second)})`
    case 'values':
      return `${head},PropertyValues=${listLiteral(c.values)})`
  }
}

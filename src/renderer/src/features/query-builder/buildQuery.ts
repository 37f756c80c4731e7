/**
 * The builder's model written as a Web API URL: the root as it was written, the table, then `$select`,
 * `$filter`, `$expand`, `$orderby`, `$top`, `$count` and, after them, the options kept as written.
 * Only `%`, `&`, `#` and `+` are encoded, so the URL bar stays readable (`$select=name,revenue`).
 */
import { writeFilter } from './filterWrite'
import { encodeRequired } from './literals'
import type { ExpandItem, OrderItem, QueryModel } from './model'

export function buildQuery(model: QueryModel): string {
  if (model.rest !== null) return model.root + model.rest
  if (!model.table) return model.root
  const options: string[] = []
  const add = (name: string, value: string) => {
    if (value !== '') options.push(`${name}=${encodeRequired(value)}`)
  }
  add('$select', model.columns.join(','))
  add('$filter', writeFilter(model.filter))
  add('$expand', model.expand.map(writeExpand).join(','))
  add('$orderby', writeOrder(model.orderby))
  if (model.top !== null) add('$top', String(model.top))
  if (model.count) add('$count', 'true')
  for (const raw of model.raw) options.push(raw.text)
  return `${model.root}${model.table}${options.length ? `?${options.join('&')}` : ''}`
}

function writeOrder(items: readonly OrderItem[]): string {
  return items
    .filter((o) => o.column.trim() !== '')
    .map((o) => `${o.column.trim()}${o.desc ? ' desc' : ''}`)
    .join(',')
}

function writeExpand(item: ExpandItem): string {
  const nested: string[] = []
  const add = (name: string, value: string) => {
    if (value !== '') nested.push(`${name}=${value}`)
  }
  add('$select', item.columns.join(','))
  add('$filter', writeFilter(item.filter))
  add('$orderby', writeOrder(item.orderby))
  if (item.top !== null) add('$top', String(item.top))
  for (const raw of item.raw) nested.push(raw.text)
  return nested.length ? `${item.navigation}(${nested.join(';')})` : item.navigation
}

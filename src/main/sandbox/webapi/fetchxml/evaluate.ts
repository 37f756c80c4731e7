import { formattedValue } from '../format'
import type { SandboxOrg } from '../org'
import type { QueryFunctionContext } from '../queryFunctions'
import type { Row } from '../seedData'
import { conditionPredicate, type Predicate, type Tuple } from './conditions'
import { allNodes, type EntityNode, type FetchFilter, type FetchOrder, type LinkNode } from './model'

/**
 * Runs the joins and filters of a FetchXML query over the org's rows: each result is a tuple with one row per
 * entity node. `inner` keeps a parent once per matching row, `outer` keeps it with nulls when none matches,
 * `exists`/`in` keep it once when one matches (no columns), `matchfirstrowusingcrossapply` joins the first match.
 * Filter link types (`any`, `not any`, `all`, `not all`) are conditions on the related rows.
 */
export class FetchRunner {
  /** Per link: its rows by `from` value, with and without the link's own filter. */
  private readonly indexes = { filtered: new Map<LinkNode, Map<string, Tuple[]>>(), all: new Map<LinkNode, Map<string, Tuple[]>>() }

  constructor(
    private readonly org: SandboxOrg,
    private readonly ctx: QueryFunctionContext
  ) {}

  run(root: EntityNode): Tuple[] {
    const tuples = this.subtree(root, this.org.rows(root.table))
    return root.filter ? tuples.filter(this.filter(root.filter)) : tuples
  }

  /** The tuples of a node and everything joined under it, for the given rows of the node. */
  private subtree(node: EntityNode, rows: Row[]): Tuple[] {
    let tuples: Tuple[] = rows.map((r) => new Map([[node, r]]))
    for (const link of node.links) tuples = this.join(tuples, link)
    return tuples
  }

  private join(tuples: Tuple[], link: LinkNode): Tuple[] {
    const index = this.index(link, true)
    const out: Tuple[] = []
    for (const t of tuples) {
      const parent = t.get(link.parent)
      const matches = parent ? (index.get(key(parent[link.to.name]) ?? '') ?? []) : []
      switch (link.linkType) {
        case 'exists':
        case 'in':
          if (matches.length) out.push(t)
          break
        case 'outer':
          if (matches.length) for (const m of matches) out.push(merge(t, m))
          else out.push(merge(t, nulls(link)))
          break
        case 'matchfirstrowusingcrossapply':
          out.push(merge(t, matches[0] ?? nulls(link)))
          break
        default:
          for (const m of matches) out.push(merge(t, m))
      }
    }
    return out
  }

  /** The link's rows (joined with its own links, filtered by its own filter when asked) by their `from` value. */
  private index(link: LinkNode, filtered: boolean): Map<string, Tuple[]> {
    const cache = filtered ? this.indexes.filtered : this.indexes.all
    const known = cache.get(link)
    if (known) return known
    let tuples = this.subtree(link, this.org.rows(link.table))
    if (filtered && link.filter) tuples = tuples.filter(this.filter(link.filter))
    const index = new Map<string, Tuple[]>()
    for (const t of tuples) {
      const k = key(t.get(link)![link.from.name])
      if (k === null) continue
      const list = index.get(k)
      if (list) list.push(t)
      else index.set(k, [t])
    }
    cache.set(link, index)
    return index
  }

  filter(f: FetchFilter): Predicate {
    const parts: Predicate[] = f.items.map((item) => {
      if (item.kind === 'condition') return conditionPredicate(item, this.ctx)
      if (item.kind === 'filter') return this.filter(item)
      return this.filterLink(item)
    })
    return f.type === 'and' ? (t) => parts.every((p) => p(t)) : (t) => parts.some((p) => p(t))
  }

  private filterLink(link: LinkNode): Predicate {
    const index = this.index(link, false)
    const test = link.filter ? this.filter(link.filter) : () => true
    return (t) => {
      const parent = t.get(link.parent)
      const related = parent ? (index.get(key(parent[link.to.name]) ?? '') ?? []) : []
      switch (link.linkType) {
        case 'any':
          return related.some(test)
        case 'not any':
          return !related.some(test)
        case 'all':
          return related.every(test)
        default:
          return related.some((r) => !test(r))
      }
    }
  }

  /** Order as Dataverse does: choice columns by their label (unless `useraworderby`), lookups by the name they show. */
  sort(tuples: Tuple[], orders: FetchOrder[], raw: boolean): Tuple[] {
    if (!orders.length) return tuples
    const sortValue = (o: FetchOrder, t: Tuple): unknown => {
      const row = t.get(o.node)
      const col = o.column!
      const value = row?.[col.name] ?? null
      if (value === null || !row) return null
      if (col.type === 'Lookup' || (!raw && (col.type === 'Picklist' || col.type === 'State' || col.type === 'Status'))) return formattedValue(this.org, o.node.table, row, col) ?? value
      return value
    }
    return [...tuples].sort((a, b) => {
      for (const o of orders) {
        const c = sortCompare(sortValue(o, a), sortValue(o, b))
        if (c !== 0) return o.descending ? -c : c
      }
      return 0
    })
  }
}

/** SQL Server's order: nulls first, numbers by value, text without case. */
export function sortCompare(x: unknown, y: unknown): number {
  if (x === y) return 0
  if (x === null || x === undefined) return -1
  if (y === null || y === undefined) return 1
  if (typeof x === 'number' && typeof y === 'number') return x - y
  return String(x).localeCompare(String(y), 'en', { sensitivity: 'base' })
}

/** Join values compare as Dataverse's SQL does: GUIDs and text without case. */
function key(value: unknown): string | null {
  if (value === null || value === undefined) return null
  return typeof value === 'string' ? value.replace(/[{}]/g, '').toLowerCase() : String(value)
}

function merge(a: Tuple, b: Tuple): Tuple {
  const out = new Map(a)
  for (const [k, v] of b) out.set(k, v)
  return out
}

function nulls(link: LinkNode): Tuple {
  return new Map([...allNodes(link)].map((n) => [n, null]))
}

/** Orders in the order Dataverse applies them: the query's entity first, then each link-entity's. */
export function ordersOf(root: EntityNode): FetchOrder[] {
  return [...allNodes(root)].flatMap((n) => n.orders)
}

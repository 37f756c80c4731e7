import type { EnvironmentView } from '@shared/environment'
import { fuzzyScore } from '../../features/palette/paletteModel'

/** What the list and the switcher need of an environment (the store's views fit). */
export type ListedEnvironment = Pick<EnvironmentView, 'id' | 'name' | 'orgUrl' | 'label' | 'group' | 'updatedAt'>

export type EnvironmentSort = 'name' | 'updated'
export const SORTS: Record<EnvironmentSort, string> = { name: 'Name', updated: 'Recently updated' }

export interface EnvironmentGroup<T extends ListedEnvironment> {
  /** The group's name as typed on its first environment; '' for the environments without one. */
  name: string
  /** Case-insensitive identity: "Contoso" and "contoso " are one customer. */
  key: string
  environments: T[]
}

export const UNGROUPED = 'Other'

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

export function groupKey(group: string): string {
  return group.trim().toLowerCase()
}

export function hostOf(orgUrl: string): string {
  return orgUrl.replace(/^https?:\/\//i, '').replace(/\/+$/, '')
}

/** Search: every word of the query appears in the name, group, org URL or label (case-insensitive). */
export function matchesSearch(env: ListedEnvironment, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (!words.length) return true
  const haystack = `${env.name}\n${env.group}\n${env.orgUrl}\n${env.label}`.toLowerCase()
  return words.every((w) => haystack.includes(w))
}

export function compareEnvironments(sort: EnvironmentSort): (a: ListedEnvironment, b: ListedEnvironment) => number {
  const byName = (a: ListedEnvironment, b: ListedEnvironment) => collator.compare(a.name, b.name) || a.id.localeCompare(b.id)
  if (sort === 'name') return byName
  return (a, b) => b.updatedAt.localeCompare(a.updatedAt) || byName(a, b)
}

/**
 * The sidebar's groups: the environments matching the search, grouped by customer (groups by name, the ungrouped
 * last), each group sorted. With "recently updated", groups are ordered by their latest update too, so the customer
 * just worked on comes first.
 */
export function groupEnvironments<T extends ListedEnvironment>(environments: readonly T[], query: string, sort: EnvironmentSort): EnvironmentGroup<T>[] {
  const groups = new Map<string, EnvironmentGroup<T>>()
  for (const env of environments) {
    if (!matchesSearch(env, query)) continue
    const key = groupKey(env.group)
    let group = groups.get(key)
    if (!group) groups.set(key, (group = { name: env.group.trim(), key, environments: [] }))
    group.environments.push(env)
  }
  const compare = compareEnvironments(sort)
  for (const group of groups.values()) group.environments.sort(compare)
  const latest = (g: EnvironmentGroup<T>) => g.environments[0]?.updatedAt ?? ''
  return [...groups.values()].sort((a, b) => {
    if (!a.key !== !b.key) return a.key ? -1 : 1
    if (sort === 'updated') return latest(b).localeCompare(latest(a)) || collator.compare(a.name, b.name)
    return collator.compare(a.name, b.name)
  })
}

/** The distinct group names, for the editor's completion. */
export function groupNames(environments: readonly ListedEnvironment[]): string[] {
  const names = new Map<string, string>()
  for (const env of environments) {
    const key = groupKey(env.group)
    if (key && !names.has(key)) names.set(key, env.group.trim())
  }
  return [...names.values()].sort(collator.compare)
}

/**
 * The switcher's ranking: fuzzy over "group name label host" (a query such as "fab prod" finds Fabrikam's PROD org),
 * best first; with no query, the active one first and then by group and name.
 */
export function rankForSwitcher<T extends ListedEnvironment>(environments: readonly T[], query: string, activeId: string | null, limit = 100): T[] {
  if (!query.trim()) {
    const compare = compareEnvironments('name')
    return [...environments]
      .sort((a, b) => Number(b.id === activeId) - Number(a.id === activeId) || collator.compare(groupKey(a.group) || '\uffff', groupKey(b.group) || '\uffff') || compare(a, b))
      .slice(0, limit)
  }
  const scored: Array<{ env: T; score: number }> = []
  for (const env of environments) {
    const text = `${env.group} ${env.name} ${env.label} ${hostOf(env.orgUrl)}`
    // Each word on its own, so word order does not matter ("prod fabrikam" as well as "fabrikam prod").
    let score = 0
    for (const word of query.trim().split(/\s+/)) {
      const s = fuzzyScore(word, text)
      if (s === null) {
        score = -1
        break
      }
      score += s
    }
    if (score >= 0) scored.push({ env, score })
  }
  return scored
    .sort((a, b) => a.score - b.score || collator.compare(a.env.name, b.env.name))
    .slice(0, limit)
    .map((s) => s.env)
}

/** One line of the sidebar's virtual list: a customer's header or an environment. */
export type SidebarLine<T extends ListedEnvironment> = { kind: 'group'; key: string; group: EnvironmentGroup<T>; open: boolean } | { kind: 'env'; key: string; env: T }

/** The groups as the lines the sidebar shows: headers only when `headers`, a folded group's environments left out. */
export function sidebarLines<T extends ListedEnvironment>(groups: readonly EnvironmentGroup<T>[], headers: boolean, isOpen: (key: string) => boolean): SidebarLine<T>[] {
  const lines: SidebarLine<T>[] = []
  for (const group of groups) {
    const open = !headers || isOpen(group.key)
    if (headers) lines.push({ kind: 'group', key: `group:${group.key}`, group, open })
    if (open) for (const env of group.environments) lines.push({ kind: 'env', key: env.id, env })
  }
  return lines
}

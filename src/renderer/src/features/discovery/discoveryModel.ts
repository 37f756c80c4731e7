import type { DiscoveredOrg } from '@shared/discovery'

/** The orgs one can still create environments for: not known yet. */
export function creatable(orgs: readonly DiscoveredOrg[]): DiscoveredOrg[] {
  return orgs.filter((o) => !o.knownEnvironmentId)
}

/** What a first listing preselects: every org not known yet, when there are few; none when there are many to choose from. */
export function initialSelection(orgs: readonly DiscoveredOrg[], many = 8): Set<string> {
  const open = creatable(orgs)
  return new Set(open.length <= many ? open.map((o) => o.url) : [])
}

/** Orgs matching every word of the filter in their name, unique name, URL or region. */
export function filterOrgs(orgs: readonly DiscoveredOrg[], text: string): DiscoveredOrg[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean)
  if (!words.length) return [...orgs]
  return orgs.filter((o) => {
    const hay = `${o.friendlyName} ${o.uniqueName} ${o.url} ${o.region}`.toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

/** The button's words: "Create 2 environments". */
export function createLabel(count: number): string {
  return count === 0 ? 'Pick orgs to create' : `Create ${count} environment${count === 1 ? '' : 's'}`
}

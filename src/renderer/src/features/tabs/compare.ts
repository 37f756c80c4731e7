import type { SavedRequestData } from '@shared/collections'

export interface FieldDifference {
  field: string
  mine: string
  disk: string
}

const headerLines = (r: SavedRequestData) => r.headers.map((h) => `${h.enabled ? '' : '# '}${h.key}: ${h.value}`).join('\n')
const authText = (r: SavedRequestData) => (r.auth.mode === 'bearer' ? `bearer ${r.auth.token}` : r.auth.mode)

/** The fields two versions of a request differ in, each as text a person compares at a glance. */
export function requestDifferences(mine: SavedRequestData, disk: SavedRequestData): FieldDifference[] {
  const fields: [string, (r: SavedRequestData) => string][] = [
    ['Name', (r) => r.name],
    ['Method', (r) => r.method],
    ['URL', (r) => r.url],
    ['Headers', headerLines],
    ['Auth', authText],
    ['Body', (r) => r.body],
    ['Description', (r) => r.description]
  ]
  return fields.map(([field, read]) => ({ field, mine: read(mine), disk: read(disk) })).filter((d) => d.mine !== d.disk)
}

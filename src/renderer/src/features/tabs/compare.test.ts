import { describe, expect, it } from 'vitest'
import type { SavedRequestData } from '@shared/collections'
import { requestDifferences } from './compare'

const base: SavedRequestData = { name: 'List', method: 'GET', url: '{{webApiUrl}}/accounts', headers: [{ key: 'Accept', value: 'application/json', enabled: true }], body: '', auth: { mode: 'inherit' }, description: '' }

describe('comparing a tab with its file', () => {
  it('lists only the fields that differ, headers and auth as readable lines', () => {
    expect(requestDifferences(base, { ...base })).toEqual([])
    const disk: SavedRequestData = { ...base, url: '{{webApiUrl}}/contacts', headers: [{ key: 'Accept', value: 'application/json', enabled: false }], auth: { mode: 'bearer', token: '{{token}}' } }
    expect(requestDifferences(base, disk)).toEqual([
      { field: 'URL', mine: '{{webApiUrl}}/accounts', disk: '{{webApiUrl}}/contacts' },
      { field: 'Headers', mine: 'Accept: application/json', disk: '# Accept: application/json' },
      { field: 'Auth', mine: 'inherit', disk: 'bearer {{token}}' }
    ])
  })
})

import { describe, expect, it } from 'vitest'
import { fuzzyScore, rankItems, type PaletteItem } from './paletteModel'

const item = (label: string, detail?: string): PaletteItem => ({ id: label, kind: 'action', label, detail, run: () => undefined })

describe('the command palette', () => {
  it('matches every typed character in order, word starts and runs first', () => {
    expect(fuzzyScore('nt', 'New tab')).not.toBeNull()
    expect(fuzzyScore('tn', 'New tab')).toBeNull()
    expect(fuzzyScore('acc', 'List accounts')!).toBeLessThan(fuzzyScore('acc', 'Bacchus record')!)
    expect(fuzzyScore('', 'anything')).toBe(0)
  })

  it('ranks the best matches first and keeps the given order on a tie', () => {
    const items = [item('Settings'), item('Switch to Contoso Dev', 'environment'), item('List accounts', 'GET {{webApiUrl}}/accounts'), item('Show traffic')]
    expect(rankItems(items, 'acc').map((i) => i.label)).toEqual(['List accounts'])
    expect(rankItems(items, 's').map((i) => i.label)).toEqual(['Settings', 'Show traffic', 'Switch to Contoso Dev', 'List accounts'])
    expect(rankItems(items, '').map((i) => i.label)).toEqual(['Settings', 'Switch to Contoso Dev', 'List accounts', 'Show traffic'])
  })
})

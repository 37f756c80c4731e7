import { describe, expect, it } from 'vitest'
import { groupEnvironments, groupNames, matchesSearch, rankForSwitcher, sidebarLines, type ListedEnvironment } from './groupModel'

let n = 0
function env(name: string, group: string, label = '', updatedAt = '2026-01-01T00:00:00.000Z', orgUrl = `https://${name.toLowerCase().replace(/\W+/g, '')}.crm.dynamics.com`): ListedEnvironment {
  return { id: `id-${++n}`, name, group, label, orgUrl, updatedAt }
}

const contosoDev = env('Contoso dev', 'Contoso', 'DEV', '2026-03-01T00:00:00.000Z')
const contosoProd = env('Contoso prod', 'Contoso', 'PROD', '2026-01-05T00:00:00.000Z')
const fabrikamTest = env('Fabrikam test', 'fabrikam ', 'TEST', '2026-02-01T00:00:00.000Z', 'https://fab-uat.crm4.dynamics.com')
const fabrikamProd = env('Fabrikam prod', 'Fabrikam', 'PROD', '2026-01-02T00:00:00.000Z')
const sandbox = env('Sandbox', '', '', '2026-04-01T00:00:00.000Z', 'https://127.0.0.1:8443')
const all = [sandbox, fabrikamProd, contosoProd, fabrikamTest, contosoDev]

const shape = (groups: ReturnType<typeof groupEnvironments>) => groups.map((g) => [g.name, g.environments.map((e) => e.name)])

describe('groupEnvironments', () => {
  it('groups by customer case-insensitively, groups by name, the ungrouped last, each group sorted by name', () => {
    expect(shape(groupEnvironments(all, '', 'name'))).toEqual([
      ['Contoso', ['Contoso dev', 'Contoso prod']],
      ['Fabrikam', ['Fabrikam prod', 'Fabrikam test']],
      ['', ['Sandbox']]
    ])
  })

  it('sorts by the latest update, groups too, and keeps the ungrouped last', () => {
    expect(shape(groupEnvironments(all, '', 'updated'))).toEqual([
      ['Contoso', ['Contoso dev', 'Contoso prod']],
      ['Fabrikam', ['Fabrikam test', 'Fabrikam prod']],
      ['', ['Sandbox']]
    ])
    const touched = [{ ...fabrikamProd, updatedAt: '2026-05-01T00:00:00.000Z' }, ...all.filter((e) => e !== fabrikamProd)]
    expect(shape(groupEnvironments(touched, '', 'updated'))[0]).toEqual(['Fabrikam', ['Fabrikam prod', 'Fabrikam test']])
  })

  it('orders numbered names naturally', () => {
    const numbered = [env('Org 10', 'C'), env('Org 2', 'C'), env('Org 1', 'C')]
    expect(shape(groupEnvironments(numbered, '', 'name'))).toEqual([['C', ['Org 1', 'Org 2', 'Org 10']]])
  })

  it('keeps only the matching environments and drops the groups left empty', () => {
    expect(shape(groupEnvironments(all, 'prod', 'name'))).toEqual([
      ['Contoso', ['Contoso prod']],
      ['Fabrikam', ['Fabrikam prod']]
    ])
    expect(groupEnvironments(all, 'nothing-like-this', 'name')).toEqual([])
  })
})

describe('matchesSearch', () => {
  it('needs every word, in any of name, group, org URL and label', () => {
    expect(matchesSearch(fabrikamTest, 'fab uat')).toBe(true)
    expect(matchesSearch(fabrikamTest, 'CRM4 test')).toBe(true)
    expect(matchesSearch(contosoProd, 'contoso prod')).toBe(true)
    expect(matchesSearch(contosoProd, 'contoso dev')).toBe(false)
    expect(matchesSearch(sandbox, '127.0.0.1')).toBe(true)
    expect(matchesSearch(sandbox, '   ')).toBe(true)
  })
})

describe('groupNames', () => {
  it('lists each customer once, as first met, sorted', () => {
    expect(groupNames(all)).toEqual(['Contoso', 'Fabrikam'])
  })
})

describe('rankForSwitcher', () => {
  it('with no query: the active one first, then by group and name, the ungrouped last', () => {
    expect(rankForSwitcher(all, '', fabrikamProd.id).map((e) => e.name)).toEqual(['Fabrikam prod', 'Contoso dev', 'Contoso prod', 'Fabrikam test', 'Sandbox'])
  })

  it('matches each word fuzzily in any order across group, name, label and host', () => {
    expect(rankForSwitcher(all, 'fab prod', null).map((e) => e.name)[0]).toBe('Fabrikam prod')
    expect(rankForSwitcher(all, 'prod fab', null).map((e) => e.name)[0]).toBe('Fabrikam prod')
    expect(rankForSwitcher(all, 'cntso', null).map((e) => e.name)).toEqual(['Contoso dev', 'Contoso prod'])
    expect(rankForSwitcher(all, 'uat', null).map((e) => e.name)).toEqual(['Fabrikam test'])
    expect(rankForSwitcher(all, 'zzz', null)).toEqual([])
  })

  it('stops at the limit', () => {
    expect(rankForSwitcher(all, '', null, 2)).toHaveLength(2)
  })
})

describe('sidebarLines', () => {
  const groups = groupEnvironments(all, '', 'name')
  const keys = (lines: ReturnType<typeof sidebarLines>) => lines.map((l) => (l.kind === 'group' ? `[${l.group.name || 'Other'}${l.open ? '' : ' folded'}]` : l.env.name))

  it('puts each header before its environments and leaves out those of a folded group', () => {
    expect(keys(sidebarLines(groups, true, (key) => key !== 'fabrikam'))).toEqual(['[Contoso]', 'Contoso dev', 'Contoso prod', '[Fabrikam folded]', '[Other]', 'Sandbox'])
  })

  it('without headers, lists every environment (nothing can be folded)', () => {
    expect(keys(sidebarLines(groups, false, () => false))).toEqual(['Contoso dev', 'Contoso prod', 'Fabrikam prod', 'Fabrikam test', 'Sandbox'])
  })
})

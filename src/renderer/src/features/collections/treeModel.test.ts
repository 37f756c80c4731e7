import { describe, expect, it } from 'vitest'
import type { CollectionTree } from '@shared/collections'
import { branchKeys, dropTarget, folderChoices, parseKey, rowKey, treeRows } from './treeModel'

const tree: CollectionTree = {
  dir: '/work/api',
  name: 'API',
  variables: [],
  requestCount: 3,
  problems: [],
  root: {
    kind: 'folder',
    path: '',
    name: 'API',
    children: [
      { kind: 'folder', path: 'accounts', name: 'accounts', children: [{ kind: 'request', path: 'accounts/list.yaml', name: 'List accounts', method: 'GET', url: '{{webApiUrl}}/accounts' }] },
      { kind: 'request', path: 'whoami.yaml', name: 'WhoAmI', method: 'GET', url: '{{webApiUrl}}/WhoAmI' },
      { kind: 'request', path: 'create.yaml', name: 'Create contact', method: 'POST', url: '{{webApiUrl}}/contacts' }
    ]
  }
}

describe('the collections tree', () => {
  it('names every row by collection and path, and reads the key back', () => {
    const [root] = treeRows([tree])
    expect(root!.children!.map((r) => r.key)).toEqual([rowKey('folder', '/work/api', 'accounts'), rowKey('request', '/work/api', 'whoami.yaml'), rowKey('request', '/work/api', 'create.yaml')])
    expect(parseKey(rowKey('request', '/work/api', 'a/b.yaml'))).toEqual({ kind: 'request', dir: '/work/api', path: 'a/b.yaml' })
    expect(parseKey('nonsense')).toBeNull()
  })

  it('filters by every word in the name, method or URL and keeps the folders leading to hits', () => {
    const [root] = treeRows([tree], 'get accounts')
    expect(root!.children).toHaveLength(1)
    expect(root!.children![0]!.children!.map((r) => r.label)).toEqual(['List accounts'])
    expect(treeRows([tree], 'POST contacts')[0]!.children!.map((r) => r.label)).toEqual(['Create contact'])
    expect(treeRows([tree], 'nothing-matches')[0]!.children).toEqual([])
    expect(branchKeys(treeRows([tree]))).toEqual([rowKey('collection', '/work/api', ''), rowKey('folder', '/work/api', 'accounts')])
  })

  it('turns a drop into the folder and place collection.move expects', () => {
    const rows = treeRows([tree])[0]!.children!
    const [folder, whoami, create] = rows as [typeof rows[0], typeof rows[0], typeof rows[0]]
    expect(dropTarget(create, whoami, 'before', rows)).toEqual({ toFolder: '', index: 1 })
    expect(dropTarget(whoami, create, 'after', rows)).toEqual({ toFolder: '', index: 2 })
    expect(dropTarget(whoami, folder, 'inside', rows)).toEqual({ toFolder: 'accounts' })
    expect(dropTarget(whoami, create, 'inside', rows)).toEqual({ refused: 'A request cannot hold other items.' })
    expect(dropTarget(folder, folder.children![0]!, 'before', folder.children!)).toHaveProperty('refused')
    expect(dropTarget(whoami, { ...create, dir: '/other' }, 'after', rows)).toHaveProperty('refused')
  })

  it('lists the folders for Save as…, the collection first', () => {
    expect(folderChoices(tree).map((f) => f.path)).toEqual(['', 'accounts'])
  })
})

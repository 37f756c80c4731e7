/** The collection as a tree: folders first, then requests, by name — unless the folder's order list says otherwise. */
import type { FolderNode, RequestNode } from '../../../shared/collections'
import type { Entry } from './scan'
import { baseOf, parentOf } from './names'

const byName = (a: { name: string; path: string }, b: { name: string; path: string }): number => {
  const x = a.name.toLowerCase()
  const y = b.name.toLowerCase()
  return x < y ? -1 : x > y ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0
}

export function buildTree(rootName: string, entries: ReadonlyMap<string, Entry>, folders: ReadonlySet<string>, order: (folder: string) => readonly string[]): FolderNode {
  const root: FolderNode = { kind: 'folder', path: '', name: rootName, children: [] }
  const nodes = new Map<string, FolderNode>([['', root]])
  const folderNode = (path: string): FolderNode => {
    const known = nodes.get(path)
    if (known) return known
    const node: FolderNode = { kind: 'folder', path, name: baseOf(path), children: [] }
    nodes.set(path, node)
    folderNode(parentOf(path)).children.push(node)
    return node
  }
  for (const path of folders) folderNode(path)
  for (const [path, e] of entries) {
    const node: RequestNode = { kind: 'request', path, name: e.name, method: e.method, url: e.url }
    folderNode(parentOf(path)).children.push(node)
  }
  for (const node of nodes.values()) sortChildren(node, order(node.path))
  return root
}

export function sortChildren(node: FolderNode, order: readonly string[]): void {
  const rank = new Map(order.map((name, i) => [name, i]))
  node.children.sort((a, b) => {
    const ra = rank.get(baseOf(a.path))
    const rb = rank.get(baseOf(b.path))
    if (ra !== undefined || rb !== undefined) return ra === undefined ? 1 : rb === undefined ? -1 : ra - rb
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1
    return byName(a, b)
  })
}

/** The item names of a folder in the order shown: what an order file is written from when the user reorders. */
export function shownOrder(root: FolderNode, folder: string): string[] {
  let node: FolderNode | undefined = root
  for (const segment of folder.split('/').filter(Boolean)) {
    node = node.children.find((c): c is FolderNode => c.kind === 'folder' && baseOf(c.path) === segment)
    if (!node) return []
  }
  return node.children.map((c) => baseOf(c.path))
}

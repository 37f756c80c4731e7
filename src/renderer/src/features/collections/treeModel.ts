import type { CollectionTree, FolderNode, RequestNode } from '@shared/collections'

/** One row of the sidebar's tree: a collection, a folder or a request; `key` names it across collections. */
export interface TreeRow {
  key: string
  kind: 'collection' | 'folder' | 'request'
  dir: string
  path: string
  label: string
  method?: string
  url?: string
  children?: TreeRow[]
  isLeaf?: boolean
}

const SEP = '\u0000'
export const rowKey = (kind: TreeRow['kind'], dir: string, path: string): string => `${kind[0]}${SEP}${dir}${SEP}${path}`

export function parseKey(key: string): { kind: TreeRow['kind']; dir: string; path: string } | null {
  const [k, dir, path] = key.split(SEP)
  const kind = k === 'c' ? 'collection' : k === 'f' ? 'folder' : k === 'r' ? 'request' : null
  return kind && dir !== undefined && path !== undefined ? { kind, dir, path } : null
}

/** Every word of the query in the request's name, method or URL (case-insensitive). */
export function matcher(query: string): ((node: RequestNode) => boolean) | null {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return null
  return (node) => {
    const text = `${node.name}\n${node.method}\n${node.url}`.toLowerCase()
    return words.every((w) => text.includes(w))
  }
}

function folderRows(dir: string, folder: FolderNode, match: ((n: RequestNode) => boolean) | null): TreeRow[] {
  const rows: TreeRow[] = []
  for (const child of folder.children) {
    if (child.kind === 'request') {
      if (match && !match(child)) continue
      rows.push({ key: rowKey('request', dir, child.path), kind: 'request', dir, path: child.path, label: child.name, method: child.method, url: child.url, isLeaf: true })
    } else {
      const children = folderRows(dir, child, match)
      if (match && children.length === 0) continue
      rows.push({ key: rowKey('folder', dir, child.path), kind: 'folder', dir, path: child.path, label: child.name, children, isLeaf: false })
    }
  }
  return rows
}

/** The tree the sidebar shows: with a query, only matching requests and the folders that lead to them. */
export function treeRows(trees: readonly CollectionTree[], query = ''): TreeRow[] {
  const match = matcher(query)
  return trees.map((tree) => ({
    key: rowKey('collection', tree.dir, ''),
    kind: 'collection' as const,
    dir: tree.dir,
    path: '',
    label: tree.name,
    children: folderRows(tree.dir, tree.root, match),
    isLeaf: false
  }))
}

/** Every folder and collection key: what a search expands so its hits show. */
export function branchKeys(rows: readonly TreeRow[]): string[] {
  const keys: string[] = []
  const walk = (list: readonly TreeRow[]) => {
    for (const row of list) {
      if (row.kind === 'request') continue
      keys.push(row.key)
      if (row.children) walk(row.children)
    }
  }
  walk(rows)
  return keys
}

export const parentPath = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')

/**
 * Where a drop puts the dragged item: into a folder (at its end), or before/after a sibling (at that place of the
 * folder's order, counted without the dragged item, as `collection.move` expects). Null when it cannot go there.
 */
export function dropTarget(
  dragged: TreeRow,
  target: TreeRow,
  position: 'before' | 'inside' | 'after',
  siblings: readonly TreeRow[]
): { toFolder: string; index?: number } | { refused: string } {
  if (dragged.kind === 'collection') return { refused: 'A collection is a folder on disk: move it there.' }
  if (dragged.dir !== target.dir) return { refused: 'Items move within their collection; to copy one to another collection, open it and Save as… there.' }
  if (position === 'inside') {
    if (target.kind === 'request') return { refused: 'A request cannot hold other items.' }
    if (dragged.kind === 'folder' && (target.path === dragged.path || target.path.startsWith(dragged.path + '/'))) return { refused: 'A folder cannot be moved into itself.' }
    return { toFolder: target.path }
  }
  if (target.kind === 'collection') return { refused: 'Drop items into the collection, not beside it.' }
  const toFolder = parentPath(target.path)
  if (dragged.kind === 'folder' && (toFolder === dragged.path || toFolder.startsWith(dragged.path + '/'))) return { refused: 'A folder cannot be moved into itself.' }
  const order = siblings.filter((s) => s.key !== dragged.key)
  const at = order.findIndex((s) => s.key === target.key)
  return { toFolder, index: at < 0 ? order.length : position === 'before' ? at : at + 1 }
}

/** The folders of one collection for a "Save as…" picker: root first, then depth-first. */
export function folderChoices(tree: CollectionTree): { path: string; label: string }[] {
  const out = [{ path: '', label: tree.name }]
  const walk = (folder: FolderNode, depth: number) => {
    for (const child of folder.children) {
      if (child.kind !== 'folder') continue
      out.push({ path: child.path, label: `${'  '.repeat(depth)}${tree.name} / ${child.path.split('/').join(' / ')}` })
      walk(child, depth + 1)
    }
  }
  walk(tree.root, 1)
  return out
}

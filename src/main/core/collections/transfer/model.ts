/** What every importer produces and every exporter reads: a collection as a plain tree, before or after the files. */
import { promises as fs } from 'node:fs'
import type { CollectionVariable, SavedRequestData } from '../../../../shared/collections'
import { AppError } from '../../../../shared/errors'
import type { Collection } from '../collection'
import { COLLECTION_FILE, REQUEST_SUFFIX } from '../format'
import { baseOf } from '../names'

export interface PlainFolder {
  kind: 'folder'
  name: string
  items: PlainItem[]
}
export interface PlainRequest {
  kind: 'request'
  request: SavedRequestData
}
export type PlainItem = PlainFolder | PlainRequest

export interface PlainCollection {
  name: string
  variables: CollectionVariable[]
  items: PlainItem[]
  /** What did not map, one sentence each. */
  warnings: string[]
}

export function countItems(items: PlainItem[]): { requests: number; folders: number } {
  let requests = 0
  let folders = 0
  for (const item of items) {
    if (item.kind === 'request') requests++
    else {
      folders++
      const inner = countItems(item.items)
      requests += inner.requests
      folders += inner.folders
    }
  }
  return { requests, folders }
}

/** Writes an imported collection into a new or empty folder, keeping the source's order. */
export async function writePlain(c: Collection, plain: PlainCollection): Promise<void> {
  const existing = await fs.readdir(c.dir).catch(() => [] as string[])
  if (existing.includes(COLLECTION_FILE) || existing.some((n) => n.endsWith(REQUEST_SUFFIX))) {
    throw new AppError('conflict', `${c.dir} holds a collection already: import into a new or empty folder.`)
  }
  await c.updateSettings({ name: plain.name, variables: plain.variables })
  const write = async (folder: string, items: PlainItem[]): Promise<void> => {
    const order: string[] = []
    for (const item of items) {
      if (item.kind === 'request') order.push(baseOf((await c.add(folder, item.request)).path))
      else {
        const { path } = await c.newFolder(folder, item.name)
        order.push(baseOf(path))
        await write(path, item.items)
      }
    }
    await c.setOrder(folder, order)
  }
  await write('', plain.items)
}

/** A collection's files as a plain tree, in the order the tree shows; files that cannot be read are reported. */
export async function readPlain(c: Collection): Promise<PlainCollection> {
  const warnings: string[] = []
  const tree = c.tree()
  for (const p of tree.problems) warnings.push(`${p.path} was left out: ${p.reason}`)
  const walk = async (children: typeof tree.root.children): Promise<PlainItem[]> => {
    const out: PlainItem[] = []
    for (const child of children) {
      if (child.kind === 'folder') out.push({ kind: 'folder', name: child.name, items: await walk(child.children) })
      else {
        try {
          out.push({ kind: 'request', request: (await c.read(child.path)).request })
        } catch (error) {
          warnings.push(`${child.path} was left out: ${(error as Error).message}`)
        }
      }
    }
    return out
  }
  return { name: tree.name, variables: tree.variables, items: await walk(tree.root.children), warnings }
}

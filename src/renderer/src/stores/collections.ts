import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { CollectionSummary, CollectionTree, CollectionVariable, DeleteResult, SearchHit } from '@shared/collections'
import { useApi } from '../api/inject'
import { useRequestsStore } from './requests'

/**
 * The collections the user opened, each a folder of request files. Trees are kept shallow (replaced whole when
 * main says the folder changed), so 3,000 requests cost one assignment, not 3,000 reactive objects.
 */
export const useCollectionsStore = defineStore('collections', () => {
  const api = useApi()
  const requests = useRequestsStore()
  const collections = ref<CollectionSummary[]>([])
  const trees = shallowRef(new Map<string, CollectionTree>())
  /** Why a collection's tree could not be read (its folder is gone, unreadable). */
  const errors = ref<Record<string, string>>({})
  const loaded = ref(false)

  const list = computed(() => collections.value.map((c) => ({ ...c, tree: trees.value.get(c.dir) ?? null, error: errors.value[c.dir] ?? null })))

  function setTree(tree: CollectionTree): void {
    trees.value.set(tree.dir, tree)
    triggerRef(trees)
    delete errors.value[tree.dir]
  }

  async function refreshTree(dir: string): Promise<void> {
    try {
      setTree(await api.call('collection.tree', { dir }))
    } catch (error) {
      errors.value[dir] = error instanceof Error ? error.message : String(error)
    }
  }

  async function load(): Promise<void> {
    collections.value = (await api.call('collection.list', {})).collections
    await Promise.all(collections.value.filter((c) => c.available).map((c) => refreshTree(c.dir)))
    loaded.value = true
  }

  async function afterOpened(tree: CollectionTree): Promise<CollectionTree> {
    setTree(tree)
    collections.value = (await api.call('collection.list', {})).collections
    return tree
  }

  const create = async (dir: string, name = ''): Promise<CollectionTree> => afterOpened(await api.call('collection.create', { dir, name }))
  const open = async (dir: string): Promise<CollectionTree> => afterOpened(await api.call('collection.open', { dir }))

  async function close(dir: string): Promise<void> {
    await api.call('collection.close', { dir })
    trees.value.delete(dir)
    triggerRef(trees)
    collections.value = collections.value.filter((c) => c.dir !== dir)
  }

  async function newFolder(dir: string, parent: string, name: string): Promise<string> {
    const { path } = await api.call('collection.newFolder', { dir, parent, name })
    await refreshTree(dir)
    return path
  }

  async function rename(dir: string, path: string, name: string): Promise<string> {
    const result = await api.call('collection.rename', { dir, path, name })
    requests.pathMoved(dir, path, result.path)
    // A request's name is in its file: its tab takes the new name and hash, and keeps its other edits.
    if (path.endsWith('.yaml')) await requests.renamed(dir, result.path)
    await refreshTree(dir)
    return result.path
  }

  async function move(dir: string, path: string, toFolder: string, index?: number): Promise<string> {
    const result = await api.call('collection.move', { dir, path, toFolder, ...(index === undefined ? {} : { index }) })
    requests.pathMoved(dir, path, result.path)
    await refreshTree(dir)
    return result.path
  }

  async function duplicate(dir: string, path: string): Promise<string> {
    const result = await api.call('collection.duplicate', { dir, path })
    await refreshTree(dir)
    return result.path
  }

  async function remove(dir: string, path: string): Promise<DeleteResult> {
    const result = await api.call('collection.delete', { dir, path })
    await refreshTree(dir)
    return result
  }

  async function undoDelete(dir: string, token: string): Promise<string> {
    const result = await api.call('collection.undoDelete', { dir, token })
    await refreshTree(dir)
    return result.path
  }

  async function update(dir: string, patch: { name?: string; variables?: CollectionVariable[] }): Promise<void> {
    setTree(await api.call('collection.update', { dir, ...patch }))
    collections.value = collections.value.map((c) => (c.dir === dir && patch.name ? { ...c, name: patch.name } : c))
  }

  async function search(query: string, limit = 200): Promise<SearchHit[]> {
    return (await api.call('collection.search', { query, limit })).hits
  }

  async function openRequest(dir: string, path: string): Promise<void> {
    const already = requests.tabs.find((t) => t.source?.dir === dir && t.source.path === path)
    if (already) {
      requests.activeTabId = already.id
      return
    }
    const read = await api.call('collection.read', { dir, path })
    requests.openTab({ request: read.request, source: { dir, path, baseHash: read.hash } })
  }

  api.on('collection.changed', (change) => {
    if (change.tree) void refreshTree(change.dir)
    for (const path of change.paths) void requests.fileChanged(change.dir, path)
  })

  return { collections, trees, errors, loaded, list, load, refreshTree, create, open, close, newFolder, rename, move, duplicate, remove, undoDelete, update, search, openRequest }
})

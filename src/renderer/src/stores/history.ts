import { defineStore } from 'pinia'
import { ref, shallowRef, triggerRef } from 'vue'
import type { HistorySummary } from '@shared/collections'
import { useApi } from '../api/inject'
import { useRequestsStore } from './requests'

const PAGE = 200

/**
 * The history of sends, newest first, read a page at a time from main (which indexes history.jsonl once): a search
 * asks main, so 100,000 sends never cross IPC at once. New sends arrive through `history.added`.
 */
export const useHistoryStore = defineStore('history', () => {
  const api = useApi()
  const requests = useRequestsStore()
  const entries = shallowRef<HistorySummary[]>([])
  const total = ref(0)
  const query = ref('')
  const loading = ref(false)
  const error = ref<string | null>(null)
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const page = await api.call('history.list', { query: query.value, limit: PAGE, offset: 0 })
      if (mine !== generation) return
      entries.value = page.entries
      total.value = page.total
      error.value = null
    } catch (e) {
      if (mine === generation) error.value = e instanceof Error ? e.message : String(e)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** The next page, when the list is scrolled near its end. */
  async function more(): Promise<void> {
    if (loading.value || entries.value.length >= total.value) return
    const mine = generation
    loading.value = true
    try {
      const page = await api.call('history.list', { query: query.value, limit: PAGE, offset: entries.value.length })
      if (mine !== generation) return
      entries.value = [...entries.value, ...page.entries]
      total.value = page.total
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function open(id: string): Promise<void> {
    const entry = await api.call('history.get', { id })
    // Sent from a collection file that is still there: the draft belongs to it again (its variables, Save).
    const file = entry.collection ? await api.call('collection.read', { dir: entry.collection.dir, path: entry.collection.path }).catch(() => null) : null
    requests.openTab({ request: entry.request, asDraft: true, source: file && entry.collection ? { ...entry.collection, baseHash: file.hash } : null })
  }

  async function clear(): Promise<number> {
    const { cleared } = await api.call('history.clear', {})
    entries.value = []
    total.value = 0
    return cleared
  }

  api.on('history.added', ({ entry }) => {
    // Only the unfiltered list takes arrivals as they come; a search is asked again when it changes.
    if (query.value.trim()) return
    entries.value.unshift(entry)
    total.value += 1
    triggerRef(entries)
  })

  return { entries, total, query, loading, error, load, more, open, clear }
})

import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { EntryKind, EntrySummary, TrafficEntry } from '@shared/traffic'
import { useApi } from '../api/inject'

export const useTrafficStore = defineStore('traffic', () => {
  const api = useApi()
  // Thousands of rows: a shallow ref, mutated in place and triggered once per batch.
  const entries = shallowRef<EntrySummary[]>([])
  const selectedId = ref<string | null>(null)
  const selected = ref<TrafficEntry | null>(null)
  const revealed = ref(false)
  const filter = ref('')
  const kinds = ref<EntryKind[]>([])
  /** Show only the entries of one sign-in (authorize, callback, discovery, token); shown as a chip, not typed. */
  const signInId = ref<string | null>(null)
  const loadError = ref<string | null>(null)

  const visible = computed(() => {
    const text = filter.value.trim().toLowerCase()
    const wanted = kinds.value
    const signIn = signInId.value
    void entries.value.length
    return entries.value.filter(
      (e) =>
        (signIn === null || e.signInId === signIn) &&
        (wanted.length === 0 || wanted.includes(e.kind)) &&
        (!text || e.url.toLowerCase().includes(text) || e.method.toLowerCase() === text || String(e.status ?? e.error ?? '').toLowerCase().includes(text))
    )
  })

  async function load(): Promise<void> {
    entries.value = (await api.call('traffic.list', {})).entries
  }

  async function select(id: string | null, reveal = false): Promise<void> {
    selectedId.value = id
    revealed.value = reveal
    loadError.value = null
    if (!id) {
      selected.value = null
      return
    }
    try {
      const entry = await api.call('traffic.get', { id, reveal })
      if (selectedId.value === id) selected.value = entry
    } catch (error) {
      selected.value = null
      loadError.value = (error as Error).message
    }
  }

  async function setRevealed(reveal: boolean): Promise<void> {
    if (selectedId.value) await select(selectedId.value, reveal)
  }

  async function clear(): Promise<void> {
    await api.call('traffic.clear', {})
  }

  api.on('traffic.added', ({ entries: added }) => {
    entries.value.push(...added)
    triggerRef(entries)
  })
  function showSignIn(id: string | null): void {
    signInId.value = id
  }

  api.on('traffic.cleared', () => {
    entries.value = []
    signInId.value = null
    selectedId.value = null
    selected.value = null
  })

  return { entries, visible, selectedId, selected, revealed, filter, kinds, signInId, loadError, load, select, setRevealed, clear, showSignIn }
})

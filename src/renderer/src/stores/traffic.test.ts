import { createPinia, setActivePinia } from 'pinia'
import { createApp, nextTick } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import type { EntrySummary } from '@shared/traffic'
import type { ApiClient } from '../api/client'
import { provideApi } from '../api/inject'
import { FILTER_DEBOUNCE_MS, useTrafficStore } from './traffic'

function summary(seq: number, over: Partial<EntrySummary> = {}): EntrySummary {
  return { id: `e${seq}`, seq, startedAt: '2026-01-02T03:04:05.678Z', kind: 'api', method: 'GET', url: `https://org/api/data/v9.2/accounts(${seq})`, host: 'org', path: `/api/data/v9.2/accounts(${seq})`, status: 200, error: null, durationMs: seq, responseSize: 100 - seq, environmentId: null, environmentName: null, signInId: null, grant: null, ...over }
}

function setup(initial: EntrySummary[], search = vi.fn()) {
  const listeners = new Map<string, (payload: unknown) => void>()
  const call = vi.fn(async (method: string, input: unknown) => {
    if (method === 'traffic.list') return { entries: initial }
    if (method === 'traffic.search') return search(input)
    return {}
  })
  const client = { call, on: (event: string, fn: (payload: unknown) => void) => (listeners.set(event, fn), () => undefined) } as unknown as ApiClient
  const app = createApp({})
  provideApi(app, client)
  const pinia = createPinia()
  app.use(pinia)
  setActivePinia(pinia)
  const store = app.runWithContext(() => useTrafficStore())
  const emit = (event: string, payload: unknown) => listeners.get(event)!(payload)
  return { store, emit, call }
}

const seqs = (rows: Array<{ seq: number }>) => rows.map((r) => r.seq)

describe('traffic store', () => {
  it('holds what main holds: new entries once per frame, the entries main dropped dropped here too', async () => {
    const { store, emit } = setup([summary(1), summary(2), summary(3)])
    await store.load()
    emit('traffic.added', { entries: [summary(4), summary(5)], oldestSeq: 3 })
    expect(seqs(store.visible)).toEqual([1, 2, 3]) // not applied before the frame
    store.flushPending()
    expect(store.total).toBe(3)
    expect(seqs(store.visible)).toEqual([3, 4, 5])
    // An eviction announced with no new entries (the setting lowered).
    emit('traffic.added', { entries: [], oldestSeq: 5 })
    store.flushPending()
    expect(seqs(store.visible)).toEqual([5])
  })

  it('keeps the chosen sort and the filter while entries arrive', async () => {
    vi.useFakeTimers()
    try {
      const { store, emit } = setup([summary(1), summary(2), summary(3, { status: 404 })])
      await store.load()
      store.sortBy('durationMs')
      store.sortBy('durationMs')
      await nextTick()
      expect(seqs(store.visible)).toEqual([3, 2, 1])
      store.filter = 'status:2xx'
      await vi.advanceTimersByTimeAsync(FILTER_DEBOUNCE_MS + 5)
      expect(seqs(store.visible)).toEqual([2, 1])
      emit('traffic.added', { entries: [summary(4), summary(5, { status: 500 }), summary(0.5)], oldestSeq: 1 })
      store.flushPending()
      expect(seqs(store.visible)).toEqual([4, 2, 1, 0.5])
      // A malformed filter shows its error and keeps the last good one applied.
      store.filter = 'status:2xx and'
      await vi.advanceTimersByTimeAsync(FILTER_DEBOUNCE_MS + 5)
      expect(store.filterError).toMatchObject({ at: 11 })
      expect(seqs(store.visible)).toEqual([4, 2, 1, 0.5])
    } finally {
      vi.useRealTimers()
    }
  })

  it('shows an imported HAR session read-only, and still counts the live log meanwhile', async () => {
    const { store, emit, call } = setup([summary(1), summary(2)])
    call.mockImplementation((async (method: string, input: { sessionId?: string }) => {
      if (method === 'traffic.importHar') return { sessionId: 'h1', name: 'chrome', count: 1, creator: 'WebInspector', warnings: [] }
      if (method === 'traffic.list') return { entries: input.sessionId ? [summary(1, { url: 'https://imported/x' })] : [summary(1), summary(2), summary(3)] }
      return {}
    }) as never)
    await store.load()
    await store.importHar('{}', 'chrome')
    expect(store.session?.sessionId).toBe('h1')
    expect(store.visible.map((r) => r.url)).toEqual(['https://imported/x'])
    emit('traffic.added', { entries: [summary(3), summary(4)], oldestSeq: 2 })
    store.flushPending()
    expect(store.total).toBe(1)
    expect(store.liveTotal).toBe(3)
    await store.select('e1')
    expect(call).toHaveBeenCalledWith('traffic.get', { id: 'e1', reveal: false, sessionId: 'h1' })
    await store.openSession(null)
    expect(store.total).toBe(3)
  })

  it('asks main for header: and body: terms and filters by its answer', async () => {
    const search = vi.fn(() => ({ ids: [['e2']] }))
    const { store } = setup([summary(1), summary(2)], search)
    await store.load()
    store.filter = 'body:contoso'
    store.applyFilter()
    await vi.waitFor(() => expect(seqs(store.visible)).toEqual([2]))
    expect(search).toHaveBeenCalledWith({ queries: [{ kind: 'body', text: 'contoso' }] })
  })
})

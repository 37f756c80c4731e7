import { createPinia, setActivePinia } from 'pinia'
import { createApp } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import type { ApiClient } from '../api/client'
import { ApiError } from '../api/client'
import { provideApi } from '../api/inject'
import { tabModified, useRequestsStore } from './requests'

function withClient(call: ApiClient['call']) {
  const app = createApp({})
  const client: ApiClient = { call, on: () => () => undefined }
  provideApi(app, client)
  const pinia = createPinia()
  app.use(pinia)
  setActivePinia(pinia)
  return app.runWithContext(() => useRequestsStore())
}

describe('requests store', () => {
  it('starts with a WhoAmI tab and the Dataverse OData headers', () => {
    const store = withClient(vi.fn())
    expect(store.active.url).toBe('{{webApiUrl}}/WhoAmI')
    expect(store.active.headers.filter((h) => h.enabled).map((h) => h.key)).toEqual(['Accept', 'OData-MaxVersion', 'OData-Version'])
  })

  it('keeps the URL and the params table in sync', () => {
    const store = withClient(vi.fn())
    const tab = store.active
    store.setUrl(tab, '{{webApiUrl}}/accounts?$top=5')
    expect(tab.params).toEqual([{ key: '$top', value: '5', enabled: true }])
    store.setParams(tab, [...tab.params, { key: '$select', value: 'name', enabled: true }])
    expect(tab.url).toBe('{{webApiUrl}}/accounts?$top=5&$select=name')
  })

  it('sends through the client and keeps the response, or the typed error', async () => {
    const call = vi.fn().mockResolvedValueOnce({ status: 200 }).mockRejectedValueOnce(new ApiError({ code: 'timeout', message: 'No complete answer' }))
    const store = withClient(call as unknown as ApiClient['call'])
    const tab = store.active
    await store.send(tab, 'env-1')
    expect(call).toHaveBeenCalledWith('request.send', expect.objectContaining({ requestId: tab.id, environmentId: 'env-1', request: expect.objectContaining({ method: 'GET', url: '{{webApiUrl}}/WhoAmI' }) }))
    expect(tab.response).toEqual({ status: 200 })
    await store.send(tab, null)
    expect(tab).toMatchObject({ response: null, error: { code: 'timeout', message: 'No complete answer' }, sending: false })
  })

  it('cancels a sending tab when it is closed and always keeps one tab', () => {
    const call = vi.fn().mockResolvedValue({ cancelled: true })
    const store = withClient(call as unknown as ApiClient['call'])
    const first = store.active
    first.sending = true
    store.closeTab(first.id)
    expect(call).toHaveBeenCalledWith('request.cancel', { requestId: first.id })
    expect(store.tabs).toHaveLength(1)
    expect(store.active.id).not.toBe(first.id)
  })

  it('saves to its file; a file changed on disk is not overwritten but shown, and "keep mine" overwrites it', async () => {
    const saved = { name: 'List', method: 'GET', url: '{{webApiUrl}}/accounts', headers: [], body: '', auth: { mode: 'inherit' }, description: '' }
    const conflict = new ApiError({ code: 'conflict', message: 'changed on disk', detail: { disk: { ...saved, url: '{{webApiUrl}}/contacts' }, diskHash: 'h2' } })
    const call = vi.fn(async (method: string, input: { baseHash?: string }) => {
      if (method === 'collection.save') {
        if (input.baseHash === 'h1') throw conflict
        return { path: 'list.request.yaml', hash: 'h3' }
      }
      return {}
    })
    const store = withClient(call as unknown as ApiClient['call'])
    const tab = store.openTab({ request: saved as never, source: { dir: '/c', path: 'list.request.yaml', baseHash: 'h1' } })
    expect(tabModified(tab)).toBe(false)
    store.setUrl(tab, '{{webApiUrl}}/accounts?$top=1')
    expect(tabModified(tab)).toBe(true)
    await expect(store.save(tab)).rejects.toBe(conflict)
    expect(tab.disk).toMatchObject({ kind: 'changed', hash: 'h2', request: { url: '{{webApiUrl}}/contacts' } })
    expect(tab.url).toBe('{{webApiUrl}}/accounts?$top=1')
    store.keepMine(tab)
    expect(await store.save(tab)).toBe(true)
    expect(call).toHaveBeenLastCalledWith('collection.save', expect.objectContaining({ baseHash: 'h2', request: expect.objectContaining({ url: '{{webApiUrl}}/accounts?$top=1' }) }))
    expect(tab).toMatchObject({ disk: null, source: { baseHash: 'h3' } })
    expect(tabModified(tab)).toBe(false)
  })

  it('an unmodified tab follows its file; a modified one is told; a file opened twice is focused, not duplicated', async () => {
    const saved = { name: 'List', method: 'GET', url: '{{webApiUrl}}/accounts', headers: [], body: '', auth: { mode: 'inherit' }, description: '' }
    let disk = { ...saved, url: '{{webApiUrl}}/accounts?$top=2' }
    const call = vi.fn(async (method: string) => (method === 'collection.read' ? { request: disk, hash: `hash-of-${disk.url}`, migratedFrom: null } : {}))
    const store = withClient(call as unknown as ApiClient['call'])
    const source = { dir: '/c', path: 'list.request.yaml', baseHash: 'h1' }
    const tab = store.openTab({ request: saved as never, source })
    expect(store.openTab({ request: saved as never, source })).toBe(tab)
    await store.fileChanged('/c', 'list.request.yaml')
    expect(tab.url).toBe('{{webApiUrl}}/accounts?$top=2')
    expect(tabModified(tab)).toBe(false)
    store.setUrl(tab, '{{webApiUrl}}/accounts?$top=9')
    disk = { ...saved, url: '{{webApiUrl}}/accounts?$top=3' }
    await store.fileChanged('/c', 'list.request.yaml')
    expect(tab.url).toBe('{{webApiUrl}}/accounts?$top=9')
    expect(tab.disk).toMatchObject({ kind: 'changed', request: { url: '{{webApiUrl}}/accounts?$top=3' } })
  })

  it('restores the last session\'s tabs in order with the active one, and writes them back after edits', async () => {
    vi.useFakeTimers()
    try {
      const state = {
        tabs: [
          { id: 'a', request: { name: 'Draft', method: 'POST', url: '{{webApiUrl}}/contacts', headers: [], body: '{"x":1}', auth: { mode: 'inherit' }, description: '' }, source: null, modified: true, environmentId: null },
          { id: 'b', request: { name: 'Who', method: 'GET', url: '{{webApiUrl}}/WhoAmI', headers: [], body: '', auth: { mode: 'inherit' }, description: '' }, source: null, modified: false, environmentId: null }
        ],
        activeId: 'b'
      }
      const call = vi.fn(async (method: string) => (method === 'tabs.load' ? { state, problem: null } : { encrypted: false }))
      const store = withClient(call as unknown as ApiClient['call'])
      await store.restore(() => 'env-1')
      expect(store.tabs.map((t) => t.id)).toEqual(['a', 'b'])
      expect(store.active.id).toBe('b')
      expect(tabModified(store.tabs[0]!)).toBe(true)
      expect(tabModified(store.tabs[1]!)).toBe(false)
      const stop = store.autosave()
      store.setUrl(store.tabs[1]!, '{{webApiUrl}}/WhoAmI?x=1')
      await vi.advanceTimersByTimeAsync(1000)
      expect(call).toHaveBeenCalledWith('tabs.save', expect.objectContaining({ activeId: 'b', tabs: [expect.objectContaining({ id: 'a', modified: true }), expect.objectContaining({ id: 'b', modified: true, environmentId: 'env-1' })] }))
      stop()
    } finally {
      vi.useRealTimers()
    }
  })
})

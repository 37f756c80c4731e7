import { createPinia, setActivePinia } from 'pinia'
import { createApp } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import type { ApiClient } from '../api/client'
import { ApiError } from '../api/client'
import { provideApi } from '../api/inject'
import { useRequestsStore } from './requests'

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
})

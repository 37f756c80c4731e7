import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { HttpMethod, KeyValue, ResponseView } from '@shared/http'
import type { AppErrorShape } from '@shared/errors'
import { ApiError } from '../api/client'
import { useApi } from '../api/inject'
import { paramsFromUrl, urlFromParams } from '../lib/query'

export interface RequestTab {
  id: string
  method: HttpMethod
  url: string
  params: KeyValue[]
  headers: KeyValue[]
  body: string
  /** inherit: the environment's sign-in; none; bearer: a token typed here ({{variables}} allowed). */
  auth: { mode: 'inherit' | 'none' | 'bearer'; token: string }
  sending: boolean
  response: ResponseView | null
  error: AppErrorShape | null
  /** When the response or error arrived, for "sent 3 s ago". */
  finishedAt: number | null
}

/** Dataverse answers OData JSON with these; a new tab starts with them, ready to change. */
export const DEFAULT_HEADERS: ReadonlyArray<KeyValue> = [
  { key: 'Accept', value: 'application/json', enabled: true },
  { key: 'OData-MaxVersion', value: '4.0', enabled: true },
  { key: 'OData-Version', value: '4.0', enabled: true },
  { key: 'Prefer', value: 'odata.include-annotations="*"', enabled: false }
]

let counter = 0
function newId(): string {
  counter += 1
  return `tab-${Date.now().toString(36)}-${counter}`
}

export function newTab(url = '{{webApiUrl}}/WhoAmI'): RequestTab {
  return {
    id: newId(),
    method: 'GET',
    url,
    params: paramsFromUrl(url, []),
    headers: DEFAULT_HEADERS.map((h) => ({ ...h })),
    body: '',
    auth: { mode: 'inherit', token: '' },
    sending: false,
    response: null,
    error: null,
    finishedAt: null
  }
}

export const useRequestsStore = defineStore('requests', () => {
  const api = useApi()
  const tabs = ref<RequestTab[]>([newTab()])
  const activeTabId = ref(tabs.value[0]!.id)
  const active = computed(() => tabs.value.find((t) => t.id === activeTabId.value) ?? tabs.value[0]!)

  function addTab(): void {
    const tab = newTab()
    tabs.value.push(tab)
    activeTabId.value = tab.id
  }

  function closeTab(id: string): void {
    const index = tabs.value.findIndex((t) => t.id === id)
    if (index < 0) return
    const tab = tabs.value[index]!
    if (tab.sending) void api.call('request.cancel', { requestId: tab.id })
    tabs.value.splice(index, 1)
    if (tabs.value.length === 0) tabs.value.push(newTab())
    if (activeTabId.value === id) activeTabId.value = tabs.value[Math.min(index, tabs.value.length - 1)]!.id
  }

  function setUrl(tab: RequestTab, url: string): void {
    if (tab.url === url) return
    tab.url = url
    tab.params = paramsFromUrl(url, tab.params)
  }

  function setParams(tab: RequestTab, params: KeyValue[]): void {
    tab.params = params
    tab.url = urlFromParams(tab.url, params)
  }

  async function send(tab: RequestTab, environmentId: string | null): Promise<void> {
    if (tab.sending) return
    tab.sending = true
    tab.error = null
    try {
      tab.response = await api.call('request.send', {
        requestId: tab.id,
        environmentId,
        request: { method: tab.method, url: tab.url, headers: tab.headers, body: tab.body },
        auth: tab.auth.mode === 'bearer' ? { mode: 'bearer', token: tab.auth.token } : { mode: tab.auth.mode }
      })
    } catch (error) {
      tab.response = null
      tab.error = error instanceof ApiError ? { code: error.code, message: error.message, detail: error.detail } : { code: 'internal', message: String(error) }
    } finally {
      tab.sending = false
      tab.finishedAt = Date.now()
    }
  }

  async function cancel(tab: RequestTab): Promise<void> {
    await api.call('request.cancel', { requestId: tab.id })
  }

  return { tabs, activeTabId, active, addTab, closeTab, setUrl, setParams, send, cancel }
})

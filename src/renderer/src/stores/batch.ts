import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { batchProblems, matchBatch, parseBatchResponse, writeBatch, type BatchOutcome, type BatchRequest } from '@shared/batch'
import type { HttpMethod, ResponseView } from '@shared/http'
import { ApiError } from '../api/client'
import { useApi } from '../api/inject'
import { retryAfterSeconds } from '../features/response/paging/pager'
import { useSettingsStore } from './settings'
import type { RequestTab } from './requests'

export interface BatchItem extends BatchRequest {
  id: string
  /** The editor of this request is open. */
  open: boolean
}

export interface BatchResult {
  response: ResponseView
  /** Per request (same order as the items sent); null when the answer is not a multipart answer (a 401, a 400 for the whole batch). */
  outcomes: BatchOutcome[] | null
  /** The requests as they were sent, for the results to name. */
  sent: BatchItem[]
  /** Tries after 429s. */
  retries: number
}

const BATCH_METHODS: ReadonlyArray<BatchRequest['method']> = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']
let counter = 0
const newId = () => `batch-item-${Date.now().toString(36)}-${++counter}`

/** The $batch composer: requests, change sets and the run's answer, matched request by request. */
export const useBatchStore = defineStore('batch', () => {
  const api = useApi()
  const settings = useSettingsStore()
  const items = ref<BatchItem[]>([])
  const continueOnError = ref(false)
  const sending = ref(false)
  /** Waiting out a 429 before trying again: seconds left. */
  const waiting = ref<number | null>(null)
  const result = ref<BatchResult | null>(null)
  const error = ref<string | null>(null)
  let cancelWait: (() => void) | null = null
  let requestId: string | null = null

  const problems = computed(() => batchProblems(items.value))
  const written = computed(() => writeBatch(items.value))
  /** Change sets in use, in order of first use (A, B, …). */
  const changeSets = computed(() => [...new Set(items.value.map((i) => i.changeSet).filter((c): c is string => c !== null))])

  function add(init: Partial<BatchRequest> = {}): BatchItem {
    const item: BatchItem = { id: newId(), method: 'GET', url: '{{webApiUrl}}/', headers: [], body: '', changeSet: null, open: true, ...init }
    items.value.push(item)
    return items.value[items.value.length - 1]!
  }

  /** A tab's request into the batch (its headers, except what the batch's own answer needs). */
  function addFromTab(tab: RequestTab): BatchItem {
    const method = (BATCH_METHODS as readonly HttpMethod[]).includes(tab.method) ? (tab.method as BatchRequest['method']) : 'GET'
    const headers = tab.headers.filter((h) => h.enabled && h.key.trim() && !/^(odata-(max)?version|accept)$/i.test(h.key.trim())).map((h) => ({ key: h.key, value: h.value, enabled: true }))
    return add({ method, url: tab.url, headers, body: method === 'GET' || method === 'DELETE' ? '' : tab.body, changeSet: null })
  }

  function remove(id: string): void {
    items.value = items.value.filter((i) => i.id !== id)
  }

  function move(id: string, step: -1 | 1): void {
    const index = items.value.findIndex((i) => i.id === id)
    const to = index + step
    if (index < 0 || to < 0 || to >= items.value.length) return
    const list = [...items.value]
    ;[list[index], list[to]] = [list[to]!, list[index]!]
    items.value = list
  }

  function clear(): void {
    items.value = []
    result.value = null
    error.value = null
  }

  function wait(seconds: number): Promise<boolean> {
    return new Promise((done) => {
      let left = seconds
      waiting.value = left
      const timer = setInterval(() => {
        left -= 1
        waiting.value = left
        if (left <= 0) finish(true)
      }, 1000)
      const finish = (ok: boolean) => {
        clearInterval(timer)
        waiting.value = null
        cancelWait = null
        done(ok)
      }
      cancelWait = () => finish(false)
    })
  }

  /** Sends the batch as one POST {{webApiUrl}}/$batch; a 429 is waited out and sent again when Settings say so. */
  async function send(environmentId: string | null): Promise<void> {
    if (sending.value || problems.value.length) return
    const sent = items.value.map((i) => ({ ...i, headers: i.headers.map((h) => ({ ...h })) }))
    const { body, contentType } = writeBatch(sent)
    const headers = [
      { key: 'Content-Type', value: contentType, enabled: true },
      { key: 'Accept', value: 'application/json', enabled: true },
      { key: 'OData-MaxVersion', value: '4.0', enabled: true },
      { key: 'OData-Version', value: '4.0', enabled: true },
      ...(continueOnError.value ? [{ key: 'Prefer', value: 'odata.continue-on-error', enabled: true }] : [])
    ]
    sending.value = true
    error.value = null
    result.value = null
    const s = settings.settings
    const attempts = s?.autoRetry429 === false ? 0 : (s?.autoRetryAttempts ?? 3)
    let retries = 0
    try {
      for (;;) {
        requestId = newId()
        const response = await api.call('request.send', { requestId, environmentId, request: { method: 'POST', url: '{{webApiUrl}}/$batch', headers, body }, name: `$batch (${sent.length} request${sent.length === 1 ? '' : 's'})` })
        const after = response.status === 429 ? retryAfterSeconds(response.headers) : null
        if (after !== null && retries < attempts && after <= (s?.autoRetryMaxWaitSeconds ?? 300)) {
          retries++
          if (await wait(after)) continue
        }
        const parts = response.body.encoding === 'utf8' ? parseBatchResponse(response.body.contentType, response.body.text) : null
        result.value = { response, outcomes: parts ? matchBatch(sent, parts) : null, sent, retries }
        return
      }
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : String(e)
    } finally {
      sending.value = false
      requestId = null
    }
  }

  function cancel(): void {
    cancelWait?.()
    if (requestId) void api.call('request.cancel', { requestId })
  }

  return { items, continueOnError, sending, waiting, result, error, problems, written, changeSets, add, addFromTab, remove, move, clear, send, cancel }
})

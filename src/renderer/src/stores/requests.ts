import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { HttpMethod, KeyValue, ResponseView } from '@shared/http'
import type { AppErrorShape } from '@shared/errors'
import { SavedRequest, type SavedRequestData, type TabDraft } from '@shared/collections'
import { ApiError } from '../api/client'
import { useApi } from '../api/inject'
import { paramsFromUrl, urlFromParams } from '../lib/query'
import { contentFromSaved, isModified, movedPath, toDraft, toSaved, type TabContent } from '../features/tabs/tabModel'

/** The collection file a tab was opened from or saved to, and the hash it was read with (the conflict check's base). */
export interface TabSource {
  dir: string
  path: string
  baseHash: string | null
}

/** The file changed on disk under a tab with edits (or a save found it changed): shown to the user, never overwritten silently. */
export interface DiskChange {
  kind: 'changed' | 'deleted'
  /** The file's version (null when deleted or unreadable). */
  request: SavedRequestData | null
  hash: string | null
  message: string
}

export interface RequestTab extends TabContent {
  id: string
  params: KeyValue[]
  source: TabSource | null
  /** What the tab was opened or last saved with: "modified" compares against it. */
  baseline: SavedRequestData
  disk: DiskChange | null
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

function tabFrom(content: TabContent, source: TabSource | null, baseline: SavedRequestData, id = newId()): RequestTab {
  return {
    id,
    ...content,
    params: paramsFromUrl(content.url, []),
    source,
    baseline,
    disk: null,
    sending: false,
    response: null,
    error: null,
    finishedAt: null
  }
}

export function newTab(url = '{{webApiUrl}}/WhoAmI'): RequestTab {
  const content: TabContent = { name: '', description: '', method: 'GET', url, headers: DEFAULT_HEADERS.map((h) => ({ ...h })), body: '', auth: { mode: 'inherit', token: '' } }
  return tabFrom(content, null, toSaved(content))
}

/** What opens a tab: a request (from a file, the history, an import, a traffic entry) and where it came from. */
export interface OpenTabInit {
  request?: Partial<SavedRequestData> & { url: string }
  source?: TabSource | null
  /** Opened as a draft that differs from nothing saved (from the history or the traffic log): shown as modified. */
  asDraft?: boolean
  /** Send it once it is open. */
  send?: boolean
}

/**
 * The baseline of a draft that matches nothing saved (a restored unsaved tab, a request opened from the history):
 * `toSaved` never yields an empty name, so such a tab reads as modified until it is saved.
 */
const NOTHING_SAVED: SavedRequestData = { name: '', method: 'GET', url: '', headers: [], body: '', auth: { mode: 'inherit' }, description: '' }

export function tabModified(tab: RequestTab): boolean {
  return isModified(tab, tab.baseline)
}

const TABS_SAVE_DELAY_MS = 400

export const useRequestsStore = defineStore('requests', () => {
  const api = useApi()
  const tabs = ref<RequestTab[]>([newTab()])
  const activeTabId = ref(tabs.value[0]!.id)
  const active = computed(() => tabs.value.find((t) => t.id === activeTabId.value) ?? tabs.value[0]!)
  /** Why the tabs of the last session could not be restored (a damaged tabs.json), shown once. */
  const restoreProblem = ref<string | null>(null)
  /** The environment to send with, for tabs.json; the workspace sets it. */
  let environmentIdForDrafts: () => string | null = () => null

  function addTab(): RequestTab {
    const tab = newTab()
    tabs.value.push(tab)
    activeTabId.value = tab.id
    return tabs.value[tabs.value.length - 1]!
  }

  /** Opens a request in a new tab; a file already open in a tab is focused instead. */
  function openTab(init: OpenTabInit = {}): RequestTab {
    if (init.source && !init.asDraft) {
      const open = tabs.value.find((t) => t.source && t.source.dir === init.source!.dir && t.source.path === init.source!.path)
      if (open) {
        activeTabId.value = open.id
        return open
      }
    }
    const base = newTab()
    const given = Object.fromEntries(Object.entries(init.request ?? {}).filter(([, value]) => value !== undefined))
    const parsed = SavedRequest.parse({ name: 'request', method: 'GET', headers: base.headers, ...given, url: init.request?.url ?? base.url })
    if (!init.request?.name) parsed.name = ''
    const content = contentFromSaved(parsed)
    const tab = tabFrom(content, init.source ?? null, init.asDraft ? NOTHING_SAVED : toSaved(content))
    tabs.value.push(tab)
    activeTabId.value = tab.id
    const reactiveTab = tabs.value[tabs.value.length - 1]!
    if (init.send) void send(reactiveTab, environmentIdForDrafts())
    return reactiveTab
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

  /** The next (or previous) tab, wrapping around: Ctrl+Tab and Ctrl+Shift+Tab. */
  function cycle(step: 1 | -1): void {
    const index = tabs.value.findIndex((t) => t.id === activeTabId.value)
    const next = (index + step + tabs.value.length) % tabs.value.length
    activeTabId.value = tabs.value[next]!.id
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

  /** Replaces what the tab edits (a file read again, a curl pasted), keeping its response. */
  function setContent(tab: RequestTab, request: SavedRequestData): void {
    Object.assign(tab, contentFromSaved(request))
    tab.params = paramsFromUrl(request.url, [])
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
        auth: tab.auth.mode === 'bearer' ? { mode: 'bearer', token: tab.auth.token } : { mode: tab.auth.mode },
        collection: tab.source ? { dir: tab.source.dir, path: tab.source.path } : null,
        name: toSaved(tab).name
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

  // ── Saving ──────────────────────────────────────────────────────────────

  function markSaved(tab: RequestTab, source: TabSource, saved: SavedRequestData): void {
    tab.source = source
    tab.baseline = saved
    tab.disk = null
    if (!tab.name.trim()) tab.name = saved.name
  }

  /**
   * Saves the tab to its file. A file changed on disk since it was read is not overwritten: the tab shows both
   * (`disk`) and the user chooses. Returns false for a tab that has no file yet (the caller asks where: Save as).
   */
  async function save(tab: RequestTab): Promise<boolean> {
    if (!tab.source) return false
    const request = toSaved(tab)
    const source = tab.source
    try {
      const result = await api.call('collection.save', { dir: source.dir, path: source.path, request, baseHash: source.baseHash })
      markSaved(tab, { dir: source.dir, path: result.path, baseHash: result.hash }, request)
      return true
    } catch (error) {
      if (error instanceof ApiError && error.code === 'conflict') {
        const detail = (error.detail ?? {}) as { disk?: SavedRequestData | null; diskHash?: string | null }
        tab.disk = { kind: detail.diskHash ? 'changed' : 'deleted', request: detail.disk ?? null, hash: detail.diskHash ?? null, message: error.message }
      }
      throw error
    }
  }

  /** Save as: a new file in `folder` of the collection at `dir`. */
  async function saveAs(tab: RequestTab, dir: string, folder: string, name: string): Promise<void> {
    tab.name = name
    const request = toSaved(tab)
    const result = await api.call('collection.add', { dir, folder, request })
    markSaved(tab, { dir, path: result.path, baseHash: result.hash }, request)
  }

  /** The file's version replaces the tab's edits. */
  async function reloadFromDisk(tab: RequestTab): Promise<void> {
    if (!tab.source) return
    const read = await api.call('collection.read', { dir: tab.source.dir, path: tab.source.path })
    setContent(tab, read.request)
    markSaved(tab, { ...tab.source, baseHash: read.hash }, read.request)
  }

  /** Keep the tab's edits: the next save overwrites the file's version (or writes the deleted file back). */
  function keepMine(tab: RequestTab): void {
    if (!tab.source || !tab.disk) return
    tab.source = { ...tab.source, baseHash: tab.disk.hash }
    tab.disk = null
  }

  /** A file of a collection changed on disk: an unmodified tab follows it, a modified one is told. */
  async function fileChanged(dir: string, path: string): Promise<void> {
    for (const tab of tabs.value.filter((t) => t.source?.dir === dir && t.source.path === path)) {
      const modified = tabModified(tab)
      try {
        const read = await api.call('collection.read', { dir, path })
        if (read.hash === tab.source!.baseHash) continue
        if (!modified) {
          setContent(tab, read.request)
          markSaved(tab, { dir, path, baseHash: read.hash }, read.request)
        } else {
          tab.disk = { kind: 'changed', request: read.request, hash: read.hash, message: `"${path}" changed on disk while you were editing it.` }
        }
      } catch (error) {
        if (error instanceof ApiError && error.code === 'not_found') {
          tab.disk = { kind: 'deleted', request: null, hash: null, message: `"${path}" was deleted or moved on disk. Save to write it back, or close the tab.` }
        } else {
          tab.disk = { kind: 'changed', request: null, hash: null, message: error instanceof Error ? error.message : String(error) }
        }
      }
    }
  }

  /** A request or folder was renamed or moved in the app: its tabs follow it. */
  function pathMoved(dir: string, from: string, to: string): void {
    for (const tab of tabs.value) {
      if (tab.source?.dir !== dir) continue
      const moved = movedPath(tab.source.path, from, to)
      if (moved !== null) tab.source = { ...tab.source, path: moved }
    }
  }

  /** The request at `path` was renamed here: its tabs take the file's new name and hash without losing their edits. */
  async function renamed(dir: string, path: string): Promise<void> {
    const open = tabs.value.filter((t) => t.source?.dir === dir && t.source.path === path)
    if (open.length === 0) return
    const read = await api.call('collection.read', { dir, path })
    for (const tab of open) {
      if (!tabModified(tab)) {
        setContent(tab, read.request)
        markSaved(tab, { dir, path, baseHash: read.hash }, read.request)
      } else {
        tab.name = read.request.name
        tab.baseline = { ...tab.baseline, name: read.request.name }
        tab.source = { dir, path, baseHash: read.hash }
      }
    }
  }

  // ── Restoring across restarts ───────────────────────────────────────────

  function draftOf(tab: RequestTab): TabDraft {
    return toDraft(tab, tabModified(tab), environmentIdForDrafts())
  }

  async function restore(environmentId: () => string | null): Promise<void> {
    environmentIdForDrafts = environmentId
    const { state, problem } = await api.call('tabs.load', {})
    restoreProblem.value = problem
    if (!state || state.tabs.length === 0) return
    const restored = state.tabs.map((draft) => {
      const request = SavedRequest.parse(draft.request)
      const source = draft.source ?? null
      // The baseline of a restored draft is unknown until its file is read again; an unsaved new tab compares with nothing.
      const baseline = draft.modified ? NOTHING_SAVED : request
      return tabFrom(contentFromSaved(request), source, baseline, draft.id)
    })
    tabs.value = restored
    activeTabId.value = restored.some((t) => t.id === state.activeId) ? state.activeId! : restored[0]!.id
    // Files may have changed while the app was closed: an unmodified tab takes the file's version, a modified one is compared.
    for (const tab of tabs.value.filter((t) => t.source)) void reconcile(tab)
  }

  async function reconcile(tab: RequestTab): Promise<void> {
    const source = tab.source!
    try {
      const read = await api.call('collection.read', { dir: source.dir, path: source.path })
      if (!tabModified(tab)) {
        if (read.hash !== source.baseHash) setContent(tab, read.request)
        markSaved(tab, { ...source, baseHash: read.hash }, read.request)
      } else {
        // The draft's own baseline is the file as it was read: edits since show as modified either way.
        tab.baseline = source.baseHash === read.hash ? read.request : tab.baseline
        if (source.baseHash !== read.hash) tab.disk = { kind: 'changed', request: read.request, hash: read.hash, message: `"${source.path}" changed on disk since this draft was last saved.` }
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') {
        tab.disk = { kind: 'deleted', request: null, hash: null, message: `"${source.path}" is no longer on disk. Save to write it back, or close the tab.` }
      }
    }
  }

  let saveTimer: ReturnType<typeof setTimeout> | null = null
  async function persist(): Promise<void> {
    if (saveTimer) clearTimeout(saveTimer)
    saveTimer = null
    try {
      await api.call('tabs.save', { tabs: tabs.value.map(draftOf), activeId: activeTabId.value })
    } catch {
      // tabs.json is a convenience: a failed write must not interrupt editing; the next change tries again.
    }
  }

  /** Follows every edit cheaply (references, not copies) and writes tabs.json a moment after the last one. */
  function autosave(): () => void {
    const stop = watch(
      () => [activeTabId.value, ...tabs.value.flatMap((t) => [t.id, t.name, t.method, t.url, t.body, t.auth.mode, t.auth.token, t.description, t.source?.path, t.source?.baseHash, ...t.headers.flatMap((h) => [h.key, h.value, h.enabled])])],
      () => {
        if (saveTimer) clearTimeout(saveTimer)
        saveTimer = setTimeout(() => void persist(), TABS_SAVE_DELAY_MS)
      }
    )
    const flush = (event: BeforeUnloadEvent) => {
      void persist()
      // In the desktop app main asks before closing with unsaved edits (will-prevent-unload); a plain browser tab is left alone.
      if (navigator.userAgent.includes('Electron/') && tabs.value.some(tabModified)) event.preventDefault()
    }
    window.addEventListener('beforeunload', flush)
    return () => {
      stop()
      window.removeEventListener('beforeunload', flush)
    }
  }

  return {
    tabs,
    activeTabId,
    active,
    restoreProblem,
    addTab,
    openTab,
    closeTab,
    cycle,
    setUrl,
    setParams,
    setContent,
    send,
    cancel,
    save,
    saveAs,
    reloadFromDisk,
    keepMine,
    fileChanged,
    pathMoved,
    renamed,
    restore,
    persist,
    autosave
  }
})

export type { HttpMethod }

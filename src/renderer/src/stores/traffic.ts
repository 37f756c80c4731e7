import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef, watch } from 'vue'
import type { EntryKind, EntrySummary, TrafficEntry } from '@shared/traffic'
import { useApi } from '../api/inject'
import { compileFilter, parseFilter, remoteKey } from '../features/traffic/filter'
import { comparator, indexEntry, insertionPoint, type Row, type SortState } from '../features/traffic/rows'
import { grantWords, signInName } from '../lib/signIn'

export interface ImportedSession {
  sessionId: string
  name: string
  count: number
  creator: string
  warnings: string[]
}

/** How long the filter box waits after a keystroke before filtering (typing fast filters once). */
export const FILTER_DEBOUNCE_MS = 120

/**
 * The traffic log as main keeps it: the same entries (main's retention rule reaches here through `oldestSeq`),
 * each indexed once for the filter language, kept sorted by the chosen column; the rows shown are recomputed
 * when the filter or the sort changes and patched per animation frame while traffic arrives.
 */
export const useTrafficStore = defineStore('traffic', () => {
  const api = useApi()
  // Every entry, by arrival (seq). Plain arrays mutated in place; `version` tells views they changed.
  let all: Row[] = []
  /** `all` in the chosen sort order (the same array when sorting by arrival). */
  let sorted: Row[] = []
  const visible = shallowRef<Row[]>([])
  const total = ref(0)
  const version = ref(0)
  const signInNames = new Map<string, string>()

  const selectedId = ref<string | null>(null)
  const selected = ref<TrafficEntry | null>(null)
  const revealed = ref(false)
  /** What the box shows; `query` follows it after FILTER_DEBOUNCE_MS. */
  const filter = ref('')
  const query = ref('')
  const kinds = ref<EntryKind[]>([])
  /** Show only the entries of one sign-in (authorize, callback, discovery, token); shown as a chip, not typed. */
  const signInId = ref<string | null>(null)
  const sort = ref<SortState>({ key: 'seq', desc: false })
  const loadError = ref<string | null>(null)
  /** main's answers for `header:` and `body:` terms, by remoteKey. */
  const remote = shallowRef<Map<string, Set<string>>>(new Map())
  const remoteError = ref<string | null>(null)
  /** An imported HAR file shown instead of the live log (read-only: nothing arrives, nothing is cleared). */
  const session = ref<ImportedSession | null>(null)
  const sessions = ref<ImportedSession[]>([])
  const sessionArg = () => (session.value ? { sessionId: session.value.sessionId } : {})
  /** Entries sent again from the log, and the seq of the entry each repeats. */
  const replays = ref<Record<string, number>>({})
  /** The entry marked to compare the selected one with. */
  const compareBase = ref<string | null>(null)

  const parsed = computed(() => parseFilter(query.value))
  const filterError = computed(() => (parsed.value.ok ? null : parsed.value.error))
  /** The last filter that parsed stays applied while the text is malformed. */
  let lastGood = parseFilter('')
  let predicate: (r: Row) => boolean = () => true
  let lastFilterMs = 0

  /** What `signin:` matches: the grant in words and the environment (no clock time: formatting one costs too much per sign-in at 100,000 entries). */
  function signInLabel(entry: EntrySummary): string {
    if (!entry.signInId) return ''
    let name = signInNames.get(entry.signInId)
    if (name === undefined) {
      const { label, refresh } = grantWords(entry.grant)
      name = `${refresh ? 'Token refresh' : 'Sign-in'}: ${label} · ${entry.environmentName ?? ''}`
      signInNames.set(entry.signInId, name)
    }
    return name
  }

  function makePredicate(): (r: Row) => boolean {
    const p = parsed.value.ok ? parsed.value : lastGood
    if (parsed.value.ok) lastGood = parsed.value
    const text = p.ok ? compileFilter(p.node, remote.value) : () => true
    const wanted = kinds.value
    const signIn = signInId.value
    if (wanted.length === 0 && signIn === null) return text
    return (r) => (signIn === null || r.entry.signInId === signIn) && (wanted.length === 0 || wanted.includes(r.kind as EntryKind)) && text(r)
  }

  function refilter(): void {
    const t = performance.now()
    predicate = makePredicate()
    const out: Row[] = []
    for (const r of sorted) if (predicate(r)) out.push(r)
    visible.value = out
    lastFilterMs = performance.now() - t
    version.value++
  }

  function resort(): void {
    sorted = sort.value.key === 'seq' && !sort.value.desc ? all : [...all].sort(comparator(sort.value))
    refilter()
  }

  // Arrivals wait for the next frame and are applied together: one DOM update per frame however fast they come.
  let pending: EntrySummary[] = []
  let pendingOldest = 0
  let frame: number | null = null

  function applyPending(): void {
    frame = null
    const added = pending
    const oldest = pendingOldest
    pending = []
    const bySeq = sorted === all
    const compare = comparator(sort.value)
    const shown = visible.value
    for (const entry of added) {
      const row = indexEntry(entry, signInLabel(entry))
      all.push(row)
      if (!bySeq) sorted.splice(insertionPoint(sorted, row, compare), 0, row)
      if (predicate(row)) {
        if (bySeq) shown.push(row)
        else shown.splice(insertionPoint(shown, row, compare), 0, row)
      }
    }
    if (oldest > 0 && all.length > 0 && all[0]!.seq < oldest) {
      const cut = dropBefore(all, oldest)
      all.splice(0, cut)
      if (bySeq) sorted = all
      else sorted = sorted.filter((r) => r.seq >= oldest)
      visible.value = bySeq ? shown.slice(dropBefore(shown, oldest)) : shown.filter((r) => r.seq >= oldest)
      if (selectedId.value && !all.some((r) => r.id === selectedId.value)) selectedId.value = null
    }
    total.value = all.length
    triggerRef(visible)
    version.value++
    if (added.length && parsed.value.ok && parsed.value.remote.length) scheduleRemote()
  }

  function schedule(): void {
    if (frame !== null) return
    if (typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(applyPending)
    else frame = setTimeout(applyPending, 16) as unknown as number
  }

  /** Applies what arrived without waiting for a frame (tests, and before reading the rows right after an event). */
  function flushPending(): void {
    if (frame === null) return
    if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(frame)
    clearTimeout(frame)
    applyPending()
  }

  function reset(entries: EntrySummary[]): void {
    pending = []
    all = entries.map((e) => indexEntry(e, signInLabel(e)))
    total.value = all.length
    resort()
  }

  async function load(): Promise<void> {
    reset((await api.call('traffic.list', sessionArg())).entries)
  }

  /** Shows an imported session, or the live log (null). */
  /** Main's seqs are consecutive, so while a session is shown the live log's size is its newest seq less its oldest. */
  const liveRange = { newest: 0, oldest: 1 }
  const liveCount = ref(0)
  const liveTotal = computed(() => (session.value ? liveCount.value : total.value))

  async function openSession(id: string | null): Promise<void> {
    if (!session.value && id) {
      liveRange.newest = all.at(-1)?.seq ?? 0
      liveRange.oldest = all[0]?.seq ?? liveRange.newest + 1
      liveCount.value = total.value
    }
    session.value = sessions.value.find((s) => s.sessionId === id) ?? null
    selectedId.value = null
    selected.value = null
    signInId.value = null
    signInNames.clear()
    await load()
  }

  async function importHar(text: string, name: string): Promise<ImportedSession> {
    const imported = await api.call('traffic.importHar', { text, name })
    sessions.value = [...sessions.value, imported]
    await openSession(imported.sessionId)
    return imported
  }

  async function closeSession(id: string): Promise<void> {
    await api.call('traffic.closeSession', { sessionId: id })
    sessions.value = sessions.value.filter((s) => s.sessionId !== id)
    if (session.value?.sessionId === id) await openSession(null)
  }

  /** HAR text of the selected entry, the filter's result, or everything in view's log; secrets masked unless `reveal`. */
  async function exportHar(scope: 'selection' | 'filtered' | 'all', reveal: boolean): Promise<{ text: string; fileName: string; count: number }> {
    const ids = scope === 'selection' ? (selectedId.value ? [selectedId.value] : []) : scope === 'filtered' ? visible.value.map((r) => r.id) : undefined
    return api.call('traffic.exportHar', { ...(ids ? { ids } : {}), ...sessionArg(), reveal })
  }

  // header:/body: terms are answered by main (it keeps headers and bodies); asked again as traffic arrives, at most once a second.
  let remoteTimer: ReturnType<typeof setTimeout> | null = null
  let remoteAsked = 0
  function scheduleRemote(): void {
    if (remoteTimer) return
    remoteTimer = setTimeout(() => {
      remoteTimer = null
      void askRemote()
    }, 1000)
  }
  async function askRemote(): Promise<void> {
    const p = parsed.value
    if (!p.ok || p.remote.length === 0) {
      remoteError.value = null
      return
    }
    const asked = ++remoteAsked
    try {
      const { ids } = await api.call('traffic.search', { queries: p.remote, ...sessionArg() })
      if (asked !== remoteAsked) return
      remote.value = new Map(p.remote.map((q, i) => [remoteKey(q), new Set(ids[i] ?? [])]))
      remoteError.value = null
    } catch (error) {
      if (asked === remoteAsked) remoteError.value = (error as Error).message
    }
  }

  let debounce: ReturnType<typeof setTimeout> | null = null
  watch(filter, (text) => {
    if (debounce) clearTimeout(debounce)
    debounce = setTimeout(() => (query.value = text), FILTER_DEBOUNCE_MS)
  })
  /** Applies the box's text now (Enter, tests). */
  function applyFilter(): void {
    if (debounce) clearTimeout(debounce)
    query.value = filter.value
  }
  watch(parsed, (p) => {
    flushPending()
    refilter()
    if (p.ok && p.remote.length) void askRemote().then(() => refilter())
  })
  watch([kinds, signInId], () => {
    flushPending()
    refilter()
  })
  watch(
    sort,
    () => {
      flushPending()
      resort()
    },
    { deep: true }
  )

  function sortBy(key: SortState['key']): void {
    sort.value = sort.value.key === key ? { key, desc: !sort.value.desc } : { key, desc: false }
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
      const entry = await api.call('traffic.get', { id, reveal, ...sessionArg() })
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

  api.on('traffic.added', ({ entries: added, oldestSeq }) => {
    // The live log is read again when it is shown again; meanwhile only its size is followed (for the tab's badge).
    if (session.value) {
      liveRange.newest = Math.max(liveRange.newest, ...added.map((e) => e.seq))
      if (oldestSeq !== undefined) liveRange.oldest = Math.max(liveRange.oldest, oldestSeq)
      liveCount.value = Math.max(0, liveRange.newest - liveRange.oldest + 1)
      return
    }
    for (const e of added) pending.push(e)
    if (oldestSeq !== undefined) pendingOldest = Math.max(pendingOldest, oldestSeq)
    schedule()
  })
  function showSignIn(id: string | null): void {
    signInId.value = id
  }

  api.on('traffic.cleared', () => {
    if (session.value) {
      liveRange.oldest = liveRange.newest + 1
      liveCount.value = 0
      return
    }
    if (frame !== null) flushPending()
    pendingOldest = 0
    signInNames.clear()
    reset([])
    signInId.value = null
    selectedId.value = null
    selected.value = null
  })

  /** Entries of a sign-in, in arrival order. */
  function entriesOf(id: string): EntrySummary[] {
    return all.filter((r) => r.entry.signInId === id).map((r) => r.entry)
  }
  /** The sign-in's name as the chip shows it ("Sign-in: Device code · Sandbox · 08:06:55"). */
  function signInTitle(id: string): string {
    const first = all.find((r) => r.entry.signInId === id)
    return first ? signInName([first.entry], id) : 'Sign-in'
  }

  return {
    replays,
    compareBase,
    visible,
    total,
    liveTotal,
    version,
    selectedId,
    selected,
    revealed,
    filter,
    query,
    filterError,
    remoteError,
    kinds,
    signInId,
    sort,
    loadError,
    session,
    sessions,
    load,
    openSession,
    importHar,
    closeSession,
    exportHar,
    select,
    setRevealed,
    clear,
    showSignIn,
    sortBy,
    applyFilter,
    flushPending,
    entriesOf,
    signInTitle,
    lastFilterMs: () => lastFilterMs
  }
})

/** How many rows at the front of `rows` (ascending by seq) are older than `oldest`. */
function dropBefore(rows: readonly Row[], oldest: number): number {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (rows[mid]!.seq < oldest) lo = mid + 1
    else hi = mid
  }
  return lo
}

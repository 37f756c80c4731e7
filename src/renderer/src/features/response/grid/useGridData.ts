/**
 * The grid's rows: the records loaded so far (a page, or every page of a "Fetch all"), their columns, and the
 * order they are shown in after sort and filter. Records live outside Vue's reactivity (50,000 proxied objects
 * would cost more than the grid); `version` says when they changed. Sorting and filtering big sets run in slices.
 */
import { onBeforeUnmount, reactive, ref, shallowRef, watch, type Ref } from 'vue'
import type { CellOptions } from './cells'
import { ColumnSet, type Column } from './columns'
import type { ODataRecord, ResultPage } from './result'
import { keyOf, rowFilter, sliced, sortByKeys, type FilterSpec, type SortKey, type SortSpec } from './sortFilter'

/** Up to this many rows, sort and filter at once; past it, in slices with a progress note. */
export const SYNC_ROWS = 5000
const FILTER_PAUSE_MS = 150

export type PageInfo = Omit<ResultPage, 'records'>

export function useGridData(select: Ref<string[] | null>, cellOptions: Ref<CellOptions>) {
  let records: ODataRecord[] = []
  let columnSet = new ColumnSet(select.value)
  const version = ref(0)
  const columns = shallowRef<Column[]>([])
  const page = shallowRef<PageInfo | null>(null)
  const sort = ref<SortSpec | null>(null)
  const filter = reactive<FilterSpec>({ text: '', columns: {} })
  /** Record indices, in the order shown. */
  const view = shallowRef<number[]>([])
  /** Sorting or filtering a big set: how far, 0…1; null when idle. */
  const busy = ref<number | null>(null)
  let cancel: () => void = () => undefined
  let typing: ReturnType<typeof setTimeout> | null = null

  function all(): number[] {
    return Array.from({ length: records.length }, (_, i) => i)
  }

  function recompute(): void {
    cancel()
    const options = cellOptions.value
    const match = rowFilter(filter, columns.value, options)
    const column = sort.value ? columns.value.find((c) => c.key === sort.value!.key) : undefined
    if (!match && !column) {
      busy.value = null
      view.value = all()
      return
    }
    const n = records.length
    const keep: number[] = []
    const keys: SortKey[] = []
    const finish = (): void => {
      busy.value = null
      view.value = column ? sortByKeys(keep, keys, sort.value!.dir) : keep
    }
    const step = (i: number): void => {
      const record = records[i]!
      if (match && !match(record)) return
      keep.push(i)
      if (column) keys[i] = keyOf(record, column, options)
    }
    if (n <= SYNC_ROWS) {
      for (let i = 0; i < n; i++) step(i)
      finish()
      return
    }
    busy.value = 0
    cancel = sliced(0, n, step, (at) => (busy.value = at / n), finish)
  }

  /** Start again with a new answer's first records. */
  function reset(info: PageInfo | null, first: readonly ODataRecord[] = []): void {
    cancel()
    records = []
    columnSet = new ColumnSet(select.value)
    page.value = info
    columns.value = []
    view.value = []
    append(first)
  }

  /** More records (the rest of a big answer, or the next page): the view keeps its sort and filter. */
  function append(more: readonly ODataRecord[]): void {
    if (!more.length) return
    const start = records.length
    for (const r of more) records.push(r)
    columnSet.addRecords(more)
    const next = columnSet.columns()
    if (next.length !== columns.value.length) columns.value = next
    version.value++
    if (!sort.value && !filter.text && !Object.values(filter.columns).some(Boolean)) {
      view.value = [...view.value, ...Array.from({ length: more.length }, (_, i) => start + i)]
    } else recompute()
  }

  function setPage(info: PageInfo): void {
    page.value = info
  }

  /** Click on a header: ascending, descending, then as the answer had them. */
  function toggleSort(key: string): void {
    const s = sort.value
    sort.value = !s || s.key !== key ? { key, dir: 1 } : s.dir === 1 ? { key, dir: -1 } : null
  }

  watch([sort, cellOptions], recompute, { deep: true })
  watch(
    () => [filter.text, JSON.stringify(filter.columns)],
    () => {
      if (typing) clearTimeout(typing)
      typing = setTimeout(() => {
        typing = null
        recompute()
      }, FILTER_PAUSE_MS)
    }
  )
  onBeforeUnmount(() => {
    cancel()
    if (typing) clearTimeout(typing)
  })

  return {
    records: () => records,
    version,
    columns,
    page,
    sort,
    filter,
    view,
    busy,
    reset,
    append,
    setPage,
    toggleSort,
    /** Run sort and filter again now (tests, and after the filter pause). */
    recompute
  }
}

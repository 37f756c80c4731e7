import { computed, onScopeDispose, shallowRef, watch, type ComputedRef, type ShallowRef } from 'vue'
import type { SchemaView } from '@shared/schema'
import { buildQuery } from './buildQuery'
import { emptyModel, unsupportedParts, type QueryModel } from './model'
import { parseQuery } from './parseQuery'

export interface QuerySyncOptions {
  url: () => string
  schema: () => SchemaView | null
  /** Which request the URL belongs to: a new one is read at once, without waiting. */
  key: () => string
  write: (url: string) => void
  /** Typing in the URL bar is read after this pause. */
  delayMs?: number
}

export interface QuerySync {
  model: ShallowRef<QueryModel>
  unsupported: ComputedRef<string[]>
  /** The panel changed the query: write its URL. */
  update: (next: QueryModel) => void
  /** Read a URL typed a moment ago now (the panel is about to be used). */
  flush: () => void
}

/**
 * The URL and the builder, each following the other: a URL typed in the bar is read (after a short pause)
 * into the model; a change in the panel is written as the URL. The URL the panel wrote is not read back,
 * so a row the person has not finished stays in the panel while the URL leaves it out.
 */
export function useQuerySync(options: QuerySyncOptions): QuerySync {
  const model = shallowRef<QueryModel>(emptyModel())
  const unsupported = computed(() => unsupportedParts(model.value))
  let written: string | null = null
  let timer: ReturnType<typeof setTimeout> | null = null

  const cancel = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  const read = () => {
    cancel()
    const schema = options.schema()
    if (schema) model.value = parseQuery(options.url(), schema).model
  }

  watch([options.key, options.schema], () => {
    written = null
    read()
  }, { immediate: true })

  watch(options.url, (url) => {
    if (url === written) return
    cancel()
    timer = setTimeout(read, options.delayMs ?? 250)
  })

  function update(next: QueryModel): void {
    model.value = next
    const url = buildQuery(next)
    written = url
    if (url !== options.url()) options.write(url)
  }

  function flush(): void {
    if (timer !== null) read()
  }

  onScopeDispose(cancel)
  return { model, unsupported, update, flush }
}

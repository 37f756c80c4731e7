import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref, shallowRef } from 'vue'
import { packSchema, SchemaView } from '@shared/schema'
import { parseCsdl } from '../../../../main/core/dataverse/csdl'
import { buildCsdl } from '../../../../main/sandbox/webapi/csdl'
import { withTable } from './model'
import { useQuerySync } from './useQuerySync'

const schema = new SchemaView(packSchema(parseCsdl(buildCsdl())))

function setup(initial: string, loaded = true) {
  const url = ref(initial)
  const key = ref('tab-1')
  const view = shallowRef<SchemaView | null>(loaded ? schema : null)
  const writes: string[] = []
  const scope = effectScope()
  const sync = scope.run(() =>
    useQuerySync({
      url: () => url.value,
      schema: () => view.value,
      key: () => key.value,
      write: (u) => {
        writes.push(u)
        url.value = u
      },
      delayMs: 200
    })
  )!
  return { url, key, view, writes, sync, scope }
}

describe('useQuerySync', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('reads the URL at once, and a typed URL after the pause, never writing the URL back', async () => {
    const { url, sync, writes, scope } = setup('{{webApiUrl}}/accounts?$select=name')
    expect(sync.model.value.columns).toEqual(['name'])
    url.value = "{{webApiUrl}}/accounts?$select=name,revenue&$filter=tolower(name) eq 'a'"
    await nextTick()
    vi.advanceTimersByTime(150)
    expect(sync.model.value.columns).toEqual(['name'])
    vi.advanceTimersByTime(100)
    expect(sync.model.value.columns).toEqual(['name', 'revenue'])
    expect(sync.unsupported.value).toEqual([expect.stringContaining("tolower(name) eq 'a' — in $filter")])
    expect(writes).toEqual([])
    scope.stop()
  })

  it('writes the panel’s changes as the URL and does not read its own URL back (an unfinished row stays in the panel)', async () => {
    const { sync, writes, scope } = setup('{{webApiUrl}}/accounts')
    const unfinished = { kind: 'condition' as const, column: 'revenue', type: 'Edm.Decimal', operator: 'gt', values: [''] }
    sync.update({ ...sync.model.value, columns: ['name'], filter: { kind: 'group', logic: 'and', children: [unfinished] } })
    expect(writes).toEqual(['{{webApiUrl}}/accounts?$select=name'])
    await nextTick()
    vi.advanceTimersByTime(1000)
    expect(sync.model.value.filter.children).toEqual([unfinished])
    scope.stop()
  })

  it('reads a pending URL at once when the panel is about to be used (flush), so an edit there starts from it', async () => {
    const { url, sync, scope } = setup('{{webApiUrl}}/accounts')
    url.value = '{{webApiUrl}}/contacts?$select=fullname'
    await nextTick()
    sync.flush()
    expect(sync.model.value.table).toBe('contacts')
    sync.update(withTable(sync.model.value, 'accounts'))
    expect(url.value).toBe('{{webApiUrl}}/accounts')
    scope.stop()
  })

  it('reads again when the tab or the schema changes, without waiting', async () => {
    const { url, key, view, sync, scope } = setup('{{webApiUrl}}/accounts?$top=3', false)
    expect(sync.model.value.table).toBe('')
    view.value = schema
    await nextTick()
    expect(sync.model.value.top).toBe(3)
    url.value = '{{webApiUrl}}/contacts'
    key.value = 'tab-2'
    await nextTick()
    expect(sync.model.value.table).toBe('contacts')
    scope.stop()
  })

  it('stops its timer when the panel closes', async () => {
    const { url, sync, scope } = setup('{{webApiUrl}}/accounts')
    url.value = '{{webApiUrl}}/contacts'
    await nextTick()
    scope.stop()
    vi.advanceTimersByTime(1000)
    expect(sync.model.value.table).toBe('accounts')
  })
})

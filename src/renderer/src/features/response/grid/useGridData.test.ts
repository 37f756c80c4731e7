import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { defineComponent, nextTick, ref } from 'vue'
import type { CellOptions } from './cells'
import type { ODataRecord } from './result'
import { SYNC_ROWS, useGridData } from './useGridData'

function setup(select: string[] | null = null) {
  let data!: ReturnType<typeof useGridData>
  mount(defineComponent({ setup: () => ((data = useGridData(ref(select), ref<CellOptions>({}))), () => null) }))
  return data
}
const rows = (n: number, from = 0): ODataRecord[] => Array.from({ length: n }, (_, k) => ({ name: `Account ${from + k}`, n: from + k }))
const settle = () => new Promise((done) => setTimeout(done, 200))

describe('useGridData', () => {
  it('keeps the answer\'s order, appends pages, and keeps columns in place', async () => {
    const data = setup(['n'])
    data.reset(null, rows(3))
    expect(data.columns.value.map((c) => c.key)).toEqual(['n', 'name'])
    data.append([{ name: 'x', n: 9, extra: true }])
    expect(data.columns.value.map((c) => c.key)).toEqual(['n', 'name', 'extra'])
    expect(data.view.value).toEqual([0, 1, 2, 3])
  })

  it('sorts by a header (ascending, descending, off) and filters after a pause; appended rows join the sorted view', async () => {
    const data = setup()
    data.reset(null, rows(5))
    data.toggleSort('n')
    data.toggleSort('n')
    await nextTick()
    expect(data.view.value).toEqual([4, 3, 2, 1, 0])
    data.filter.text = 'account 3'
    await settle()
    expect(data.view.value).toEqual([3])
    data.append(rows(1, 30))
    expect(data.view.value).toEqual([5, 3])
    data.toggleSort('n')
    data.filter.text = ''
    await settle()
    expect(data.view.value).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('sorts and filters a big set in slices, saying how far it is', async () => {
    const data = setup()
    data.reset(null, rows(SYNC_ROWS * 4))
    data.filter.columns.name = '7'
    await new Promise((done) => setTimeout(done, 160))
    expect(data.busy.value).not.toBeNull()
    await new Promise((done) => {
      const poll = () => (data.busy.value === null ? done(null) : setTimeout(poll, 10))
      poll()
    })
    expect(data.view.value.length).toBe(Array.from({ length: SYNC_ROWS * 4 }, (_, k) => `Account ${k}`).filter((s) => s.includes('7')).length)
  })
})

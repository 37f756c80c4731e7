import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import KeyValueTable from './KeyValueTable.vue'

describe('KeyValueTable', () => {
  it('always offers an empty row; typing into it adds a row', async () => {
    const wrapper = mount(KeyValueTable, { props: { rows: [{ key: 'Accept', value: 'application/json', enabled: true }], testId: 'kv' } })
    const inputs = wrapper.findAll('input[aria-label="key"]')
    expect(inputs).toHaveLength(2)
    await inputs[1]!.setValue('Prefer')
    expect(wrapper.emitted('change')?.[0]?.[0]).toEqual([
      { key: 'Accept', value: 'application/json', enabled: true },
      { key: 'Prefer', value: '', enabled: true }
    ])
  })

  it('shows the placeholders on the empty row only, and asks for the key of a row that has only a value', () => {
    const wrapper = mount(KeyValueTable, {
      props: {
        rows: [
          { key: '$count', value: '', enabled: true },
          { key: '', value: 'name', enabled: true }
        ],
        keyPlaceholder: '$select',
        valuePlaceholder: 'name,accountnumber',
        testId: 'kv'
      }
    })
    const keys = wrapper.findAll('input[aria-label="key"]').map((i) => i.attributes('placeholder') ?? '')
    const values = wrapper.findAll('input[aria-label="value"]').map((i) => i.attributes('placeholder') ?? '')
    expect(keys).toEqual(['', 'key needed', '$select'])
    expect(values).toEqual(['', '', 'name,accountnumber'])
  })

  it('removes a row', async () => {
    const wrapper = mount(KeyValueTable, { props: { rows: [{ key: 'A', value: '1', enabled: true }, { key: 'B', value: '2', enabled: true }], testId: 'kv' } })
    await wrapper.find('button[aria-label="Remove A"]').trigger('click')
    expect(wrapper.emitted('change')?.[0]?.[0]).toEqual([{ key: 'B', value: '2', enabled: true }])
  })
})

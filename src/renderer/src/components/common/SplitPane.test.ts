import { mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import SplitPane from './SplitPane.vue'

const mountSplit = (direction: 'vertical' | 'horizontal' = 'vertical') =>
  mount(SplitPane, { props: { direction, storageKey: 'test', initial: 40, label: 'Resize', testId: 'split' }, slots: { first: '<p>list</p>', second: '<p>inspector</p>' } })

describe('SplitPane', () => {
  beforeEach(() => localStorage.clear())

  it('is a focusable separator that the arrow keys resize, within its limits', async () => {
    const wrapper = mountSplit()
    const handle = wrapper.get('[role="separator"]')
    expect(handle.attributes()).toMatchObject({ tabindex: '0', 'aria-orientation': 'horizontal', 'aria-valuenow': '40', 'aria-label': 'Resize' })
    await handle.trigger('keydown', { key: 'ArrowDown' })
    expect(handle.attributes('aria-valuenow')).toBe('42')
    expect(wrapper.get('.first').attributes('style')).toContain('flex-basis: 42%')
    await handle.trigger('keydown', { key: 'ArrowUp', shiftKey: true })
    expect(handle.attributes('aria-valuenow')).toBe('32')
    await handle.trigger('keydown', { key: 'End' })
    expect(handle.attributes('aria-valuenow')).toBe('85')
    await handle.trigger('keydown', { key: 'ArrowDown' })
    expect(handle.attributes('aria-valuenow')).toBe('85')
    await handle.trigger('keydown', { key: 'Home' })
    expect(handle.attributes('aria-valuenow')).toBe('15')
  })

  it('side by side, left and right resize it', async () => {
    const handle = mountSplit('horizontal').get('[role="separator"]')
    expect(handle.attributes('aria-orientation')).toBe('vertical')
    await handle.trigger('keydown', { key: 'ArrowRight' })
    expect(handle.attributes('aria-valuenow')).toBe('42')
  })

  it('remembers the size for the next time it is shown', async () => {
    await mountSplit().get('[role="separator"]').trigger('keydown', { key: 'ArrowDown', shiftKey: true })
    expect(mountSplit().get('[role="separator"]').attributes('aria-valuenow')).toBe('50')
    localStorage.setItem('orgbench.split.test', 'garbage')
    expect(mountSplit().get('[role="separator"]').attributes('aria-valuenow')).toBe('40')
  })
})

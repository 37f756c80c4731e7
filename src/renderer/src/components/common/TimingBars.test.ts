import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import TimingBars from './TimingBars.vue'

const ms = (text: string) => (text.trim() === '—' ? 0 : Number.parseFloat(text))

describe('TimingBars', () => {
  it('shows the time outside the measured phases, so the phases add up to the total', () => {
    // A real capture: 0.5 + 0.6 + 0.1 measured, 1.7 in all.
    const wrapper = mount(TimingBars, { props: { timings: { connect: 0.5, tls: null, wait: 0.6, receive: 0.1, total: 1.7 } } })
    const queue = wrapper.get('[data-testid="timing-queue"]')
    expect(queue.text()).toContain('Queueing and setup')
    expect(queue.get('.value').text()).toBe('0.5 ms')
    const values = wrapper.findAll('.row:not(.total) .value').map((v) => ms(v.text()))
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1.7, 5)
    expect(wrapper.get('[data-testid="timing-total"]').text()).toBe('1.7 ms')
    // The bars cover the whole track, one after another.
    const bars = wrapper.findAll('.bar').map((b) => ({ left: Number.parseFloat(b.element.style.left), width: Number.parseFloat(b.element.style.width) }))
    expect(bars.reduce((sum, b) => sum + b.width, 0)).toBeCloseTo(100, 5)
    bars.slice(1).forEach((b, i) => expect(b.left).toBeCloseTo(bars[i]!.left + bars[i]!.width, 5))
  })

  it('shows no queueing when the measured phases make up the total, and never a bar past the end', () => {
    const wrapper = mount(TimingBars, { props: { timings: { connect: null, tls: null, wait: 40.02, receive: 2, total: 42 } } })
    expect(wrapper.get('[data-testid="timing-queue"] .value').text()).toBe('0.0 ms')
    const bars = wrapper.findAll('.bar').map((b) => Number.parseFloat(b.element.style.left) + Number.parseFloat(b.element.style.width))
    expect(Math.max(...bars)).toBeLessThanOrEqual(100.0001)
    expect(wrapper.get('[data-testid="timing-connect"]').text()).toContain('reused connection')
  })
})

import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { decodeError } from './decode'
import ErrorExplain from './ErrorExplain.vue'

afterEach(() => vi.useRealTimers())

describe('ErrorExplain', () => {
  it('counts Retry-After down and only then offers Retry', async () => {
    vi.useFakeTimers()
    const error = decodeError(429, [['Retry-After', '2']], JSON.stringify({ error: { code: '0x80072321', message: 'Combined execution time…' } }))!
    const w = mount(ErrorExplain, { props: { error } })
    expect(w.get('[data-testid="error-title"]').text()).toBe('Service protection limit: execution time')
    const button = () => w.get('[data-testid="error-retry-button"]')
    expect(button().attributes('disabled')).toBeDefined()
    expect(button().text()).toBe('Retry in 2 s')
    await vi.advanceTimersByTimeAsync(1000)
    expect(button().text()).toBe('Retry in 1 s')
    await vi.advanceTimersByTimeAsync(1000)
    expect(button().attributes('disabled')).toBeUndefined()
    await button().trigger('click')
    expect(w.emitted('retry')).toHaveLength(1)
  })

  it('shows the plug-in, its trace and the inner errors', () => {
    const error = decodeError(400, [], JSON.stringify({ error: { code: '0x80040265', message: 'No.', '@Microsoft.PowerApps.CDS.ErrorDetails.Plugin.ExceptionFromPluginExecute': 'Contoso.Plugin', '@Microsoft.PowerApps.CDS.TraceText': 'step 1', innererror: { type: 'T', message: 'inner', stacktrace: ' at X' } } }))!
    const w = mount(ErrorExplain, { props: { error } })
    expect(w.get('[data-testid="error-title"]').text()).toBe('A plug-in stopped the operation')
    expect(w.get('[data-testid="error-plugin"]').text()).toContain('Contoso.Plugin')
    expect(w.get('[data-testid="error-trace"]').text()).toContain('step 1')
    expect(w.get('[data-testid="error-inner"]').text()).toContain('at X')
    expect(w.find('[data-testid="error-retry"]').exists()).toBe(false)
  })
})

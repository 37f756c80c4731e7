import { describe, expect, it } from 'vitest'
import { relativeTime } from './relativeTime'

describe('how long ago a send was', () => {
  const now = Date.parse('2026-11-22T12:00:00Z')
  it('reads at a glance', () => {
    expect(relativeTime('2026-11-22T11:59:30Z', now)).toBe('just now')
    expect(relativeTime('2026-11-22T11:55:00Z', now)).toBe('5 min ago')
    expect(relativeTime('2026-11-22T09:00:00Z', now)).toBe('3 h ago')
    expect(relativeTime('2026-11-01T09:00:00Z', now)).toMatch(/1|Nov/)
    expect(relativeTime('garbage', now)).toBe('')
  })
})

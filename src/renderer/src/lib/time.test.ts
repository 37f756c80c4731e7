import { describe, expect, it } from 'vitest'
import { countdown } from './time'

describe('countdown', () => {
  it('counts down minutes and seconds, then hours, and says when it expired', () => {
    expect(countdown(1000 + 3252, 1000)).toBe('54:12')
    expect(countdown(1000 + 3900, 1000)).toBe('1 h 05 min')
    expect(countdown(1000 - 180, 1000)).toBe('expired 3:00 ago')
    expect(countdown(null, 1000)).toBe('no expiry')
  })
})

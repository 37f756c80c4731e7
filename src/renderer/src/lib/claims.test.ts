import { describe, expect, it } from 'vitest'
import { claimValue } from './claims'

describe('claim values', () => {
  it('cuts a URL only after its separators, keeping every piece whole', () => {
    const { pieces, date } = claimValue('iss', 'https://127.0.0.1:41717/7f3c2a10-5b6e-4d1a-9c8f-2e4b6a8d0c11/v2.0')
    expect(pieces).toEqual(['https://', '127.0.0.1:41717/', '7f3c2a10-5b6e-4d1a-9c8f-2e4b6a8d0c11/', 'v2.0'])
    expect(pieces.join('')).toBe('https://127.0.0.1:41717/7f3c2a10-5b6e-4d1a-9c8f-2e4b6a8d0c11/v2.0')
    expect(date).toBeNull()
  })

  it('gives a time claim its date, as one unbreakable piece beside the number', () => {
    expect(claimValue('exp', 1795338401, (s) => `date of ${s}`)).toEqual({ pieces: ['1795338401'], date: 'date of 1795338401' })
    expect(claimValue('exp', 1795338401).date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    expect(claimValue('appidacr', '1').date).toBeNull()
  })

  it('shows arrays and objects as JSON, cut after commas', () => {
    expect(claimValue('amr', ['pwd', 'mfa']).pieces).toEqual(['["pwd",', '"mfa"]'])
  })
})

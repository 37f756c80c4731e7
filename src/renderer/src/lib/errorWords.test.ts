import { describe, expect, it } from 'vitest'
import { ErrorCode } from '@shared/errors'
import { ERROR_WORDS, errorWords } from './errorWords'

describe('error words', () => {
  it('has words, not a code, for every error code', () => {
    for (const code of ErrorCode.options) {
      expect(ERROR_WORDS[code], code).toMatch(/^[A-Z][^_]+$/)
    }
    expect(Object.keys(ERROR_WORDS).sort()).toEqual([...ErrorCode.options].sort())
  })

  it('reads an unknown code as words too', () => {
    expect(errorWords('tls_error')).toBe('TLS / certificate problem')
    expect(errorWords('from_a_newer_core')).toBe('The request failed')
  })
})

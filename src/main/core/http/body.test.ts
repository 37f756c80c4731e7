import { describe, expect, it } from 'vitest'
import { findJsonError as editorJsonError } from '../../../shared/json'
import { prng } from '../../testing/rawHttp'
import { findJsonError } from './body'

const PIECES = ['{', '}', '[', ']', ':', ',', '"', '"a"', '"\\u00e9"', '"\\x"', '\\', '1', '-0', '1e5', '.5', '01', 'true', 'null', 'nul', ' ', '\n', '\t', '// c', '/* c */', '\u0001', '\uFEFF', 'é', "'a'", 'NaN']

function jsonish(next: () => number): string {
  const value = (depth: number): string => {
    const r = next()
    if (depth > 3 || r < 0.3) return [`"s${Math.floor(next() * 9)}"`, '12', '-3.5e2', 'true', 'false', 'null'][Math.floor(next() * 6)]!
    if (r < 0.65) return `[${Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1)).join(',')}]`
    return `{${Array.from({ length: Math.floor(next() * 4) }, (_, i) => `"k${i}": ${value(depth + 1)}`).join(', ')}}`
  }
  let text = value(0)
  // Damage some: insert, delete or replace a piece at random places.
  const edits = Math.floor(next() * 3)
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (text.length + 1))
    const piece = PIECES[Math.floor(next() * PIECES.length)]!
    const kind = next()
    text = kind < 0.4 ? text.slice(0, at) + piece + text.slice(at) : kind < 0.7 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + piece + text.slice(at + piece.length)
  }
  return text
}

describe('findJsonError (the executor’s check)', () => {
  it('says where and why, as the body editor does', async () => {
    expect(await findJsonError('{"a": 1}')).toBeNull()
    expect(await findJsonError('{\n "a": 1,\n "b": }')).toEqual({ line: 3, column: 7, offset: 17, message: 'a value is expected' })
    expect(await findJsonError('')).toMatchObject({ line: 1, column: 1, message: 'a value is expected' })
  })

  it('agrees with the body editor’s reading on 3,000 valid and damaged documents', async () => {
    const next = prng(20261206)
    let invalid = 0
    for (let i = 0; i < 3000; i++) {
      const text = jsonish(next)
      const expected = editorJsonError(text)
      if (expected) invalid++
      expect(await findJsonError(text), text).toEqual(expected)
    }
    // The generator must exercise both paths for the agreement to mean anything.
    expect(invalid).toBeGreaterThan(500)
    expect(invalid).toBeLessThan(2500)
  })
})

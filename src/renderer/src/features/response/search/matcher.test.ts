import { Text } from '@codemirror/state'
import { describe, expect, it } from 'vitest'
import { compileSearch, MatchScanner } from './matcher'

const scannerFor = (search: string, regexp = false, caseSensitive = false): MatchScanner => {
  const compiled = compileSearch({ search, regexp, caseSensitive })
  if (!compiled || 'error' in compiled) throw new Error('no expression')
  return new MatchScanner(compiled.re)
}

describe('MatchScanner', () => {
  const doc = Text.of(['{', '  "name": "Contoso",', '  "NAME": "contoso (c)",', '  "n": 1', '}'])

  it('counts literal matches, case-insensitive unless asked, with positions in the document', () => {
    const s = scannerFor('contoso')
    expect(s.step(doc, Infinity)).toBe(true)
    expect(s.count).toBe(2)
    expect(doc.sliceString(s.from(0), s.to(0))).toBe('Contoso')
    expect(doc.sliceString(s.from(1), s.to(1))).toBe('contoso')
    const exact = scannerFor('contoso', false, true)
    exact.step(doc, Infinity)
    expect(exact.count).toBe(1)
    // Regular-expression characters in a literal search are literal.
    const paren = scannerFor('(c)')
    paren.step(doc, Infinity)
    expect(paren.count).toBe(1)
  })

  it('matches regular expressions line by line and skips empty matches', () => {
    const s = scannerFor('"\\w+":', true)
    s.step(doc, Infinity)
    expect(s.count).toBe(3)
    const empty = scannerFor('x*', true)
    empty.step(doc, Infinity)
    expect(empty.count).toBe(0)
  })

  it('finds "name": "x" as the pretty view shows it in a body that has no space after the colon', () => {
    const minified = Text.of(['"name":"Contoso",', '"name": "Contoso"'])
    const s = scannerFor('"name": "Contoso"')
    s.step(minified, Infinity)
    expect(s.count).toBe(2)
  })

  it('says why a regular expression is not one', () => {
    expect(compileSearch({ search: '(', regexp: true, caseSensitive: false })).toEqual({ error: expect.stringMatching(/^Not a regular expression: .*/) })
    expect(compileSearch({ search: '', regexp: true, caseSensitive: false })).toBeNull()
  })

  it('stops at the deadline and carries on, also into lines added since', () => {
    const lines = Array.from({ length: 10_000 }, (_, k) => `"row ${k}": "match"`)
    let big = Text.of(lines)
    const s = scannerFor('match')
    expect(s.step(big, performance.now() - 1)).toBe(false)
    expect(s.count).toBe(128)
    while (!s.step(big, performance.now() + 5));
    expect(s.count).toBe(10_000)
    big = big.append(Text.of(['', 'one more match']))
    s.step(big, Infinity)
    expect(s.count).toBe(10_001)
    expect(big.sliceString(s.from(10_000), s.to(10_000))).toBe('match')
    expect(s.indexAtOrAfter(big.line(5001).from)).toBe(5000)
    expect(s.indexAtOrAfter(big.length)).toBe(s.kept)
  })
})

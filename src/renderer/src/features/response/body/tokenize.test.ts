import { describe, expect, it } from 'vitest'
import { colonSpaceAt, jsonTokens, markupTokens, type TokenClass } from './tokenize'

function tokens(run: (emit: (from: number, to: number, cls: TokenClass) => void) => void, line: string): Array<[string, TokenClass]> {
  const out: Array<[string, TokenClass]> = []
  run((from, to, cls) => out.push([line.slice(from, to), cls]))
  return out
}

describe('jsonTokens', () => {
  it('colours names, strings, numbers and literals on a pretty line', () => {
    const line = '    "name": "Contoso \\"A\\"", "n": -1.5e3, "ok": true, "x": null'
    expect(tokens((e) => jsonTokens(line, false, e), line)).toEqual([
      ['"name"', 'key'],
      ['"Contoso \\"A\\""', 'string'],
      ['"n"', 'key'],
      ['-1.5e3', 'number'],
      ['"ok"', 'key'],
      ['true', 'literal'],
      ['"x"', 'key'],
      ['null', 'literal']
    ])
  })

  it('starts inside a string on a piece that continues one', () => {
    const line = 'rest of a value",'
    expect(tokens((e) => jsonTokens(line, true, e), line)).toEqual([['rest of a value"', 'string']])
    const key = 'tail": 1'
    expect(tokens((e) => jsonTokens(key, true, e), key)).toEqual([
      ['tail"', 'key'],
      ['1', 'number']
    ])
  })
})

describe('colonSpaceAt', () => {
  it('puts the space after a name\'s colon only where the line has none', () => {
    expect(colonSpaceAt('"name":"x",', false)).toBe(7)
    expect(colonSpaceAt('"a\\":b":1', false)).toBe(8)
    expect(colonSpaceAt('"name": "x"', false)).toBe(-1)
    expect(colonSpaceAt('"just a string",', false)).toBe(-1)
    expect(colonSpaceAt('{', false)).toBe(-1)
    expect(colonSpaceAt('"k":', false)).toBe(-1)
    expect(colonSpaceAt('tail of a name":1', true)).toBe(16)
  })
})

describe('markupTokens', () => {
  it('colours tags, attributes and values, and comments', () => {
    const line = '<Property Name="a>b" Nullable=\'false\'/><!-- note --><x>text</x>'
    expect(tokens((e) => markupTokens(line, e), line)).toEqual([
      ['<Property', 'tag'],
      ['Name', 'attr'],
      ['"a>b"', 'value'],
      ['Nullable', 'attr'],
      ["'false'", 'value'],
      ['/>', 'tag'],
      ['<!-- note -->', 'comment'],
      ['<x', 'tag'],
      ['>', 'tag'],
      ['</x', 'tag'],
      ['>', 'tag']
    ])
  })
})

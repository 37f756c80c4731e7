import { describe, expect, it } from 'vitest'
import { CONTINUED, formatAll, IN_STRING, linesOf, type Formatter } from './display'
import { jsonPretty } from './jsonPretty'

/** Run to the end; the lines as the view shows them (indented by depth, two spaces a level). */
function drain(f: Formatter, source: string, perChunk = 7) {
  const all = formatAll(f, perChunk)
  const lines = linesOf(all, source).map((line, i) => '  '.repeat(all.depths![i]!) + line)
  return { ...all, lines }
}
const pretty = (source: string, maxLine?: number, perChunk?: number) => drain(jsonPretty(source, { maxLine }), source, perChunk)

const sample = {
  '@odata.context': 'https://contoso.crm.dynamics.com/api/data/v9.2/$metadata#accounts(name,revenue)',
  value: [
    { '@odata.etag': 'W/"1234"', name: 'Contoso "Café"', revenue: 1.5, tags: [], extra: {}, nested: { list: [1, 2, { a: null }], t: true, f: false }, accountid: '00000000-0000-0000-0000-000000000001' },
    { name: 'Tab\there \\ backslash \u00e9 😀', revenue: -2e10 }
  ],
  '@odata.nextLink': 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$skiptoken=%3Ccookie%20pagenumber=%222%22%20/%3E'
}

describe('jsonPretty', () => {
  it('lays out what JSON.stringify(value, null, 2) does, each line as its tokens stand in the source, chunk by chunk', () => {
    for (const value of [sample, [], {}, [[]], 'just a string', 42, null, { a: [{}, [], [[1]]] }]) {
      const minified = JSON.stringify(value)
      const out = pretty(minified)
      expect(out.problem).toBeNull()
      // Minified: no space after the colon, because there was none.
      expect(out.lines.join('\n')).toBe(JSON.stringify(value, null, 2).replace(/": /g, '":'))
      // Already pretty input keeps its spacing within lines; its indentation is the view's.
      const spaced = JSON.stringify(value, null, 4).replace(/\n/g, '\r\n')
      expect(pretty(spaced).lines.join('\n')).toBe(JSON.stringify(value, null, 2))
    }
  })

  it('makes lines as spans of the body, so the view shares its memory', () => {
    const source = JSON.stringify(sample)
    const out = formatAll(jsonPretty(source))
    expect(out.texts).toEqual([])
    // Tokens split over source lines are joined into one display line as text.
    const split = formatAll(jsonPretty('{"a":\n  1, "b" :\n [\n ]}'))
    expect(linesOf(split, '{"a":\n  1, "b" :\n [\n ]}')).toEqual(['{', '"a":1,', '"b" :[]', '}'])
    expect(split.texts).toEqual(['"a":1,', '"b" :[]'])
  })

  it('keeps numbers and escapes exactly as sent (a bigint stays exact)', () => {
    const out = pretty('{"big":12345678901234567890,"f":1.0,"e":"\\u00e9\\n"}')
    expect(out.lines).toEqual(['{', '  "big":12345678901234567890,', '  "f":1.0,', '  "e":"\\u00e9\\n"', '}'])
  })

  it('reports every block that folds, opening line to closing line', () => {
    const out = pretty('{"a":[1,2],"b":{"c":{}},"d":[]}')
    expect(out.lines).toEqual(['{', '  "a":[', '    1,', '    2', '  ],', '  "b":{', '    "c":{}', '  },', '  "d":[]', '}'])
    const pairs: Array<[number, number]> = []
    for (let k = 0; k < out.folds.length; k += 2) pairs.push([out.folds[k]!, out.folds[k + 1]!])
    expect(pairs.sort((x, y) => x[0] - y[0])).toEqual([
      [1, 10],
      [2, 5],
      [6, 8]
    ])
  })

  it('cuts long string values into pieces marked as continuing inside a string, never inside an escape', () => {
    const long = 'x'.repeat(30) + '\\"' + 'y'.repeat(13) + '\\u00e9' + 'z'.repeat(40)
    const source = `{"k":"${long}","n":1}`
    const out = formatAll(jsonPretty(source, { maxLine: 20 }), 3)
    const lines = linesOf(out, source)
    expect(out.problem).toBeNull()
    // The pieces put back together are the line as it would be.
    const joined: string[] = []
    const cont = new Map<number, number>()
    for (let k = 0; k < out.continued.length; k += 2) cont.set(out.continued[k]!, out.continued[k + 1]!)
    lines.forEach((line, index) => {
      if (cont.has(index + 1)) joined[joined.length - 1] += line
      else joined.push(line)
    })
    expect(joined).toEqual(['{', `"k":"${long}",`, '"n":1', '}'])
    for (const [line, flags] of cont) {
      expect(flags).toBe(CONTINUED | IN_STRING)
      // A piece keeps the depth of its line.
      expect(out.depths![line - 1]).toBe(1)
      const before = lines[line - 2]!
      // No piece ends in the middle of an escape.
      expect(before.match(/\\*$/)![0].length % 2).toBe(0)
      expect(before).not.toMatch(/\\u[0-9a-f]{0,3}$/)
    }
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(20 + 2)
  })

  it('stops at the first mistake with its line and column', () => {
    expect(pretty('{"a":1,}').problem).toEqual({ message: 'Not valid JSON: expected a name in quotes, not "}"', line: 1, column: 8 })
    expect(pretty('{\n  "a": tru\n}').problem).toMatchObject({ message: 'Not valid JSON: "tru" is not a value', line: 2, column: 8 })
    expect(pretty('[1, 2').problem?.message).toBe('Not valid JSON: it ends early')
    expect(pretty('{"a" 1}').problem?.message).toBe('Not valid JSON: expected ":" after the name, not "1"')
    expect(pretty('{"a":"x\ny"}').problem?.message).toBe('Not valid JSON: a line break inside a string')
    expect(pretty('<html>').problem?.message).toBe('Not valid JSON: "<html>" is not a value')
    expect(pretty('{"a":1} {').problem?.message).toBe('Not valid JSON: expected nothing after the end, not "{"')
    expect(pretty('[1}').problem?.message).toBe('Not valid JSON: "}" closes a "["')
    expect(pretty('[1 2]').problem?.message).toBe('Not valid JSON: expected "," or a closing bracket, not "2"')
    expect(pretty('').problem).toBeNull()
  })

  it('hands the first lines over before it has read the whole body', () => {
    const big = JSON.stringify({ value: Array.from({ length: 5000 }, (_, k) => ({ name: `Account ${k}`, n: k })) })
    const f = jsonPretty(big)
    const first = f.next(50)
    expect(first.done).toBe(false)
    expect(first.chunk.count).toBe(50)
    expect(f.progress()).toBeLessThan(0.01)
  })
})

import { describe, expect, it } from 'vitest'
import { CONTINUED, formatAll, IN_STRING, linesOf, type Formatter } from './display'
import { rawLines } from './rawLines'

function drain(f: Formatter, source: string, perChunk?: number) {
  const all = formatAll(f, perChunk)
  expect(all.texts).toEqual([])
  return { ...all, lines: linesOf(all, source) }
}

/** Put the pieces back together: real lines again. */
function rejoin(lines: string[], continued: number[]): string[] {
  const cont = new Set<number>()
  for (let k = 0; k < continued.length; k += 2) cont.add(continued[k]!)
  const out: string[] = []
  lines.forEach((line, i) => (cont.has(i + 1) ? (out[out.length - 1] += line) : out.push(line)))
  return out
}

describe('rawLines', () => {
  it('keeps short lines as they are, as CodeMirror counts them', () => {
    expect(drain(rawLines('a\r\nb\n', 'text'), 'a\r\nb\n').lines).toEqual(['a', 'b', ''])
    expect(drain(rawLines('', 'text'), '').lines).toEqual([''])
    expect(drain(rawLines('one', 'text'), 'one').lines).toEqual(['one'])
  })

  it('cuts a minified JSON body after commas between values, never inside a string', () => {
    const body = JSON.stringify({ value: Array.from({ length: 300 }, (_, k) => ({ name: `Account, number ${k}`, note: 'a,b,c "quoted", d', n: k })) })
    const out = drain(rawLines(body, 'json', { maxLine: 120 }), body, 13)
    expect(rejoin(out.lines, out.continued)).toEqual([body])
    expect(out.lines.length).toBeGreaterThan(100)
    for (let k = 0; k < out.continued.length; k += 2) {
      expect(out.continued[k + 1]).toBe(CONTINUED)
      // Each piece ends right after a structural comma: the next one starts a new name.
      expect(out.lines[out.continued[k]! - 2]!.endsWith(',')).toBe(true)
    }
    expect(Math.max(...out.lines.map((l) => l.length))).toBeLessThanOrEqual(120)
  })

  it('cuts inside a long string when it must, and says the piece starts inside the string', () => {
    const body = `{"doc":"${'QUJD\\"'.repeat(100)}","n":1}`
    const out = drain(rawLines(body, 'json', { maxLine: 64 }), body)
    expect(rejoin(out.lines, out.continued)).toEqual([body])
    const flags = new Set<number>()
    for (let k = 0; k < out.continued.length; k += 2) flags.add(out.continued[k + 1]!)
    expect(flags.has(CONTINUED | IN_STRING)).toBe(true)
    for (let k = 0; k < out.continued.length; k += 2) expect(out.lines[out.continued[k]! - 2]!.match(/\\*$/)![0].length % 2).toBe(0)
  })

  it('cuts long XML after a tag, and text hard at the limit', () => {
    const xml = '<a>' + '<b x="1">t</b>'.repeat(50) + '</a>'
    const out = drain(rawLines(xml, 'xml', { maxLine: 100 }), xml)
    expect(rejoin(out.lines, out.continued)).toEqual([xml])
    for (const line of out.lines.slice(0, -1)) expect(line.endsWith('>')).toBe(true)
    const text = 'x'.repeat(250)
    expect(drain(rawLines(text, 'text', { maxLine: 100 }), text).lines.map((l) => l.length)).toEqual([100, 100, 50])
  })

  it('hands a huge single line over in chunks', () => {
    const text = 'y'.repeat(100_000)
    const f = rawLines(text, 'text', { maxLine: 100 })
    const first = f.next(10)
    expect(first.chunk.count).toBe(10)
    expect(first.done).toBe(false)
    const rest = drain(f, text, 500)
    expect(rest.lines).toHaveLength(990)
  })
})

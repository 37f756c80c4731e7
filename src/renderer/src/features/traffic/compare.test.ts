import { describe, expect, it } from 'vitest'
import { diffBodies, diffHeaders, diffJson } from './compare'

describe('comparing two exchanges', () => {
  it('compares JSON by structure: key order does not matter, arrays by place', () => {
    expect(diffJson({ a: 1, b: { c: 2 } }, { b: { c: 2 }, a: 1 })).toEqual([])
    expect(diffJson({ value: [{ name: 'A' }, { name: 'B' }], n: 1 }, { value: [{ name: 'A' }, { name: 'C' }, { name: 'D' }], m: 2 })).toEqual([
      { path: 'm', kind: 'added', right: '2' },
      { path: 'n', kind: 'removed', left: '1' },
      { path: 'value[1].name', kind: 'changed', left: '"B"', right: '"C"' },
      { path: 'value[2]', kind: 'added', right: '{"name":"D"}' }
    ])
  })

  it('compares headers by name, case-insensitive, repeated ones joined', () => {
    expect(diffHeaders([['Content-Type', 'a'], ['Set-Cookie', 'x'], ['Set-Cookie', 'y'], ['X-Old', '1']], [['content-type', 'a'], ['Set-Cookie', 'x, y'], ['X-New', '2']])).toEqual([
      { path: 'X-New', kind: 'added', right: '2' },
      { path: 'X-Old', kind: 'removed', left: '1' }
    ])
  })

  it('falls back to lines for bodies that are not both JSON', () => {
    expect(diffBodies('<a/>\n<b/>', '<a/>\n<c/>\nmore')).toEqual({ json: false, changes: [{ path: 'line 2', kind: 'changed', left: '<b/>', right: '<c/>' }, { path: 'line 3', kind: 'added', right: 'more' }] })
    expect(diffBodies('{"a":1}', '{"a":2}').json).toBe(true)
  })
})

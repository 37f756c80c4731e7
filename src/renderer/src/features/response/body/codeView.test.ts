import { EditorSelection, EditorState } from '@codemirror/state'
import { foldable } from '@codemirror/language'
import { EditorView } from '@codemirror/view'
import { describe, expect, it } from 'vitest'
import { bodyExtensions, DisplayMap } from './codeView'
import { formatAll, linesOf } from './display'
import { jsonPretty } from './jsonPretty'
import { rawLines } from './rawLines'

function viewState(source: string, view: 'pretty' | 'raw', maxLine?: number): { state: EditorState; map: DisplayMap } {
  const all = formatAll(view === 'pretty' ? jsonPretty(source, { maxLine }) : rawLines(source, 'json', { maxLine }))
  const map = new DisplayMap()
  map.add(all)
  const state = EditorState.create({ doc: linesOf(all, source).join('\n'), extensions: bodyExtensions(map, { colouring: 'json', fold: view === 'pretty', wrap: view === 'raw' }) })
  return { state, map }
}

function copied(state: EditorState, from: number, to: number): string {
  const s = state.update({ selection: EditorSelection.single(from, to) }).state
  return s.facet(EditorView.clipboardOutputFilter).reduce((text, filter) => filter(text, s), s.sliceDoc(from, to))
}

describe('the body view', () => {
  const source = '{"value":[{"name":"Contoso","n":1},{"name":"Fabrikam","n":2}]}'

  it('copies pretty lines as shown: indented, with a space after each name', () => {
    const { state } = viewState(source, 'pretty')
    expect(copied(state, 0, state.doc.length)).toBe(JSON.stringify(JSON.parse(source), null, 2))
    // Part of a line: from where the selection starts, no indentation before it.
    const second = state.doc.line(4)
    expect(copied(state, second.from + 1, state.doc.line(5).to)).toBe('name": "Contoso",\n      "n": 1')
  })

  it('folds a record from its opening line to its closing bracket', () => {
    const { state } = viewState(source, 'pretty')
    const line = state.doc.line(3)
    expect(line.text).toBe('{')
    expect(foldable(state, line.from, line.to)).toEqual({ from: line.to, to: state.doc.line(6).from })
  })

  it('numbers real lines and copies pieces of a cut line back as one line', () => {
    const long = JSON.stringify({ value: Array.from({ length: 40 }, (_, k) => ({ name: `Account ${k}` })) })
    const { state, map } = viewState(long + '\nsecond', 'raw', 64)
    expect(state.doc.lines).toBeGreaterThan(10)
    expect(map.realLine(1)).toBe(1)
    expect(map.realLine(2)).toBe(0)
    expect(map.realLine(state.doc.lines)).toBe(2)
    expect(copied(state, 0, state.doc.length)).toBe(long + '\nsecond')
  })
})

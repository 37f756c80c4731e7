import { Text } from '@codemirror/state'
import { describe, expect, it } from 'vitest'
import { jsonDiagnostics } from './jsonLint'

const lineOf = (text: string, offset: number) => Text.of(text.split('\n')).lineAt(offset).number

describe('JSON body lint', () => {
  it('marks an error on line 3 on line 3, where the executor reports it', () => {
    const body = '{\n  "name": "Contoso",\n  "revenue": ,\n}'
    const [d] = jsonDiagnostics(body)
    expect(d).toMatchObject({ severity: 'error', message: 'Line 3, column 14: a value is expected.' })
    expect(lineOf(body, d!.from)).toBe(3)
    expect(body.slice(d!.from, d!.to)).toBe(',')
  })

  it('marks the end of a text that stops too early', () => {
    const body = '{\n  "name": "Contoso"'
    const [d] = jsonDiagnostics(body)
    expect(d!.from).toBe(body.length)
    expect(lineOf(body, d!.from)).toBe(2)
  })

  it('accepts valid JSON, an empty body, and {{variables}} standing for values', () => {
    expect(jsonDiagnostics('{"a": [1, 2, {"b": null}]}')).toEqual([])
    expect(jsonDiagnostics('  \n')).toEqual([])
    expect(jsonDiagnostics('{\n  "id": {{accountId}},\n  "name": "{{name}}"\n}')).toEqual([])
    expect(jsonDiagnostics('{ "id": {{accountId}} "name": 1 }')[0]).toMatchObject({ message: expect.stringContaining('a comma is expected') })
  })
})

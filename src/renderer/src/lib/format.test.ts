import { describe, expect, it } from 'vitest'
import { formatBytes, formatMs, languageOf, prettyJson, prettyXml, statusTone } from './format'

describe('format', () => {
  it('formats sizes and durations for people', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(64 * 1024), formatBytes(5 * 1024 * 1024), formatBytes(null)]).toEqual(['512 B', '1.5 KB', '64 KB', '5.0 MB', '—'])
    expect([formatMs(3.14159), formatMs(245.6), formatMs(1520)]).toEqual(['3.1 ms', '246 ms', '1.52 s'])
  })

  it('colours statuses', () => {
    expect([200, 304, 404, 500, null].map(statusTone)).toEqual(['success', 'info', 'warning', 'error', 'error'])
  })

  it('pretty-prints JSON and leaves other text alone', () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}')
    expect(prettyJson('not json')).toBe('not json')
  })

  it('indents XML such as CSDL, keeping text on its element line', () => {
    const xml = '<?xml version="1.0"?><edmx:Edmx Version="4.0"><edmx:DataServices><Schema Namespace="Microsoft.Dynamics.CRM"><EntityType Name="account"><Key><PropertyRef Name="accountid"/></Key></EntityType><Annotation>text</Annotation></Schema></edmx:DataServices></edmx:Edmx>'
    expect(prettyXml(xml)).toBe(
      [
        '<?xml version="1.0"?>',
        '<edmx:Edmx Version="4.0">',
        '  <edmx:DataServices>',
        '    <Schema Namespace="Microsoft.Dynamics.CRM">',
        '      <EntityType Name="account">',
        '        <Key>',
        '          <PropertyRef Name="accountid"/>',
        '        </Key>',
        '      </EntityType>',
        '      <Annotation>text</Annotation>',
        '    </Schema>',
        '  </edmx:DataServices>',
        '</edmx:Edmx>'
      ].join('\n')
    )
  })

  it('picks a language from the content type', () => {
    expect(['application/json; odata.metadata=minimal', 'application/xml', 'text/html', 'text/plain'].map(languageOf)).toEqual(['json', 'xml', 'html', 'text'])
  })
})

import { describe, expect, it } from 'vitest'
import { formatAll, linesOf } from './display'
import { xmlPretty } from './xmlPretty'

function pretty(xml: string, perChunk?: number) {
  const all = formatAll(xmlPretty(xml), perChunk)
  return { ...all, lines: linesOf(all, xml).map((line, i) => '  '.repeat(all.depths![i]!) + line) }
}

describe('xmlPretty', () => {
  it('indents elements, keeps text-only elements on one line and folds each element', () => {
    const xml = '<?xml version="1.0"?><edmx:Edmx Version="4.0"><!-- c --><Schema Namespace="x"><EntityType Name="account"><Key><PropertyRef Name="accountid"/></Key><Property Name="a&gt;b" Type="Edm.String"/></EntityType><Doc>Some text</Doc><Empty></Empty></Schema></edmx:Edmx>'
    const out = pretty(xml, 3)
    expect(out.problem).toBeNull()
    expect(out.lines).toEqual([
      '<?xml version="1.0"?>',
      '<edmx:Edmx Version="4.0">',
      '  <!-- c -->',
      '  <Schema Namespace="x">',
      '    <EntityType Name="account">',
      '      <Key>',
      '        <PropertyRef Name="accountid"/>',
      '      </Key>',
      '      <Property Name="a&gt;b" Type="Edm.String"/>',
      '    </EntityType>',
      '    <Doc>Some text</Doc>',
      '    <Empty></Empty>',
      '  </Schema>',
      '</edmx:Edmx>'
    ])
    const pairs: number[][] = []
    for (let k = 0; k < out.folds.length; k += 2) pairs.push([out.folds[k]!, out.folds[k + 1]!])
    expect(pairs.sort((a, b) => a[0]! - b[0]!)).toEqual([
      [2, 14],
      [4, 13],
      [5, 10],
      [6, 8]
    ])
  })

  it('reads ">" inside quoted attribute values, CDATA and multi-line text', () => {
    const out = pretty('<a t="x>y"><b><![CDATA[<not a tag>]]></b><c>line one\n   line two</c></a>')
    expect(out.lines).toEqual(['<a t="x>y">', '  <b><![CDATA[<not a tag>]]></b>', '  <c>', '    line one', '    line two', '  </c>', '</a>'])
  })

  it('keeps lines as spans of the source unless a tag spans source lines', () => {
    const xml = '<a>\n  <b\n    x="1"/>\n  <c>t</c>\n</a>'
    const out = pretty(xml)
    expect(out.lines).toEqual(['<a>', '  <b x="1"/>', '  <c>t</c>', '</a>'])
    expect(out.texts).toEqual(['<b x="1"/>'])
  })

  it('stops where tags do not close in order', () => {
    expect(formatAll(xmlPretty('<a><b></a>')).problem).toEqual({ message: 'Not well-formed XML: </a> closes <b>', line: 1, column: 7 })
    expect(formatAll(xmlPretty('<a>\n<b>')).problem).toMatchObject({ message: 'Not well-formed XML: it ends before </b>', line: 2 })
    expect(formatAll(xmlPretty('</a>')).problem?.message).toBe('Not well-formed XML: </a> closes nothing')
    expect(formatAll(xmlPretty('<a><!-- open')).problem?.message).toBe('Not well-formed XML: a comment is not closed')
  })
})

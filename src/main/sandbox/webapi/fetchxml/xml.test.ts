import { describe, expect, it } from 'vitest'
import { DataverseFailure } from '../../errors'
import { parseXml } from './xml'

const invalid = (text: string) => {
  try {
    parseXml(text)
  } catch (error) {
    expect(error).toBeInstanceOf(DataverseFailure)
    return (error as DataverseFailure).toBody().error
  }
  throw new Error(`parsed: ${text}`)
}

describe('the FetchXML reader', () => {
  it('reads elements, attributes in either quotes, entity references, text, CDATA, comments and a declaration', () => {
    const root = parseXml(`<?xml version="1.0"?><!-- a query --><fetch top='5' mapping="logical"><entity name='account'><filter><condition attribute='name' operator='in'><value>Fish &amp; Chips</value><value><![CDATA[<b>&lt;]]></value><value>&#65;&#x42;</value></condition></filter></entity></fetch>`)
    expect(root).toMatchObject({ name: 'fetch', attributes: { top: '5', mapping: 'logical' } })
    const values = root.children[0]!.children[0]!.children[0]!.children.map((v) => v.text)
    expect(values).toEqual(['Fish & Chips', '<b>&lt;', 'AB'])
  })

  it('a paging cookie inside an attribute, entity-encoded as the article shows, comes back as XML', () => {
    const root = parseXml(`<fetch paging-cookie='&lt;cookie page="1"&gt;&lt;contactid last="{A}" first="{B}" /&gt;&lt;/cookie&gt;'><entity name='contact'/></fetch>`)
    expect(root.attributes['paging-cookie']).toBe('<cookie page="1"><contactid last="{A}" first="{B}" /></cookie>')
  })

  it.each([
    "<fetch><entity name='account'></fetch>",
    "<fetch><entity name='account'/>",
    "<fetch top=5/>",
    "<fetch top='5' top='6'/>",
    "<fetch a='<'/>",
    '<fetch/><fetch/>',
    "<fetch>text after<entity name='x'/>",
    '<fetch><!-- never closed </fetch>',
    '<>',
    'just text'
  ])('not well-formed: %s → Invalid XML (0x80040201)', (text) => {
    expect(invalid(text)).toEqual({ code: '0x80040201', message: 'Invalid XML.' })
  })

  it('empty text is "Xml String can\'t be null."; deep nesting stops without a stack overflow', () => {
    expect(invalid('   ')).toEqual({ code: '0x80041124', message: "Xml String can't be null." })
    expect(invalid(`${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`).code).toBe('0x80040201')
  })

  it('any text gives a result or a Dataverse error, never another exception (seeded fuzz)', () => {
    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const pieces = ['<', '>', '/', "'", '"', '=', ' ', 'fetch', 'entity', 'name', '&amp;', '&', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', 'x']
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 20) }, () => pieces[Math.floor(random() * pieces.length)]).join('')
      try {
        parseXml(text)
      } catch (error) {
        expect(error, text).toBeInstanceOf(DataverseFailure)
      }
    }
  })
})

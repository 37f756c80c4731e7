import { failure } from '../failures'

/** An XML element as FetchXML uses them: a name, attributes, child elements and text (`<value>`'s content). */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  text: string
}

const NAME = /^[A-Za-z_][\w.:-]*/
/** FetchXML is small; a query nested deeper than this is not one. */
const MAX_DEPTH = 100

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (whole, entity: string) => {
    const e = entity.toLowerCase()
    if (e === 'lt') return '<'
    if (e === 'gt') return '>'
    if (e === 'amp') return '&'
    if (e === 'quot') return '"'
    if (e === 'apos') return "'"
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
  })
}

/**
 * A strict little XML parser: one root element, attributes in single or double quotes, character and the five
 * predefined entity references, comments, CDATA and an XML declaration. Anything not well-formed is Dataverse's
 * `Invalid XML.` (0x80040201); never an exception of another kind.
 */
export function parseXml(source: string): XmlElement {
  let i = 0
  const fail = (): never => {
    throw failure.invalidXml()
  }
  const skipMisc = () => {
    for (;;) {
      while (i < source.length && /\s/.test(source[i]!)) i++
      if (source.startsWith('<!--', i)) {
        const end = source.indexOf('-->', i + 4)
        if (end < 0) fail()
        i = end + 3
      } else if (source.startsWith('<?', i)) {
        const end = source.indexOf('?>', i + 2)
        if (end < 0) fail()
        i = end + 2
      } else return
    }
  }
  const element = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH || source[i] !== '<') fail()
    i++
    const name = NAME.exec(source.slice(i, i + 200))?.[0]
    if (!name) fail()
    i += name!.length
    const attributes: Record<string, string> = {}
    for (;;) {
      const before = i
      while (i < source.length && /\s/.test(source[i]!)) i++
      if (source.startsWith('/>', i)) {
        i += 2
        return { name: name!, attributes, children: [], text: '' }
      }
      if (source[i] === '>') {
        i++
        break
      }
      if (i === before) fail()
      const attr = NAME.exec(source.slice(i, i + 200))?.[0]
      if (!attr) fail()
      i += attr!.length
      while (/\s/.test(source[i] ?? '')) i++
      if (source[i] !== '=') fail()
      i++
      while (/\s/.test(source[i] ?? '')) i++
      const quote = source[i]
      if (quote !== '"' && quote !== "'") fail()
      const end = source.indexOf(quote!, i + 1)
      if (end < 0) fail()
      const raw = source.slice(i + 1, end)
      if (raw.includes('<')) fail()
      if (attr! in attributes) fail()
      attributes[attr!] = decodeEntities(raw)
      i = end + 1
    }
    const children: XmlElement[] = []
    let text = ''
    for (;;) {
      if (i >= source.length) fail()
      if (source.startsWith('</', i)) {
        i += 2
        if (!source.startsWith(name!, i)) fail()
        i += name!.length
        while (/\s/.test(source[i] ?? '')) i++
        if (source[i] !== '>') fail()
        i++
        return { name: name!, attributes, children, text }
      }
      if (source.startsWith('<!--', i)) {
        const end = source.indexOf('-->', i + 4)
        if (end < 0) fail()
        i = end + 3
      } else if (source.startsWith('<![CDATA[', i)) {
        const end = source.indexOf(']]>', i + 9)
        if (end < 0) fail()
        text += source.slice(i + 9, end)
        i = end + 3
      } else if (source[i] === '<') children.push(element(depth + 1))
      else {
        const next = source.indexOf('<', i)
        if (next < 0) fail()
        text += decodeEntities(source.slice(i, next))
        i = next
      }
    }
  }
  skipMisc()
  if (i >= source.length) throw failure.fetchEmpty()
  const root = element(0)
  skipMisc()
  if (i < source.length) fail()
  return root
}

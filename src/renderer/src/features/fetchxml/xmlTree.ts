import { SaxesParser } from 'saxes'

export interface XmlNode {
  name: string
  attributes: Record<string, string>
  children: XmlNode[]
}

/** A FetchXML document as a small element tree (saxes: well-formedness errors come back with their position). */
export function openElementsTree(xml: string): { root: XmlNode } | { reason: string } {
  const parser = new SaxesParser({ position: true })
  const stack: XmlNode[] = []
  let root: XmlNode | null = null
  parser.on('opentag', (tag) => {
    const node: XmlNode = { name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) }, children: [] }
    if (stack.length) stack[stack.length - 1]!.children.push(node)
    else root = node
    stack.push(node)
  })
  parser.on('closetag', () => {
    stack.pop()
  })
  try {
    parser.write(xml).close()
  } catch (error) {
    return { reason: `The FetchXML is not well-formed: ${(error as Error).message.split('\n')[0]}` }
  }
  return root ? { root } : { reason: 'The FetchXML is empty.' }
}

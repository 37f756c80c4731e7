import type { SchemaView } from '@shared/schema'
import { nextPageFetchXml as nextPageOfFetchXml } from '@shared/paging'
import { openElementsTree } from './xmlTree'

/** Dataverse's documented limit for a Web API URL; longer FetchXML queries go inside a $batch request. */
export const MAX_URL_LENGTH = 32 * 1024

export type FetchRequest =
  | { ok: true; viaBatch: false; method: 'GET'; url: string }
  | { ok: true; viaBatch: true; method: 'POST'; url: string; body: string; contentType: string }
  | { ok: false; reason: string }

/** The query as it goes into the URL: whitespace between elements is not part of FetchXML, so it is left out. */
export function compactFetchXml(xml: string): string {
  return xml.trim().replace(/>\s+</g, '><')
}

/** The request that runs a FetchXML query: `GET <entityset>?fetchXml=…`, or a $batch around it when too long. */
export function fetchRequest(xml: string, schema: SchemaView | null, root = '{{webApiUrl}}'): FetchRequest {
  const tree = openElementsTree(xml)
  if ('reason' in tree) return { ok: false, reason: tree.reason }
  const entity = tree.root.children.find((c) => c.name === 'entity')
  if (tree.root.name !== 'fetch' || !entity?.attributes.name) return { ok: false, reason: 'A FetchXML query is <fetch> with an <entity name="…"> inside.' }
  const type = schema?.entityType(entity.attributes.name)
  if (schema && !type?.entitySet) return { ok: false, reason: `"${entity.attributes.name}" is not a table of this org (FetchXML names tables by logical name, e.g. account).` }
  const entitySet = type?.entitySet ?? `${entity.attributes.name}s`
  const path = `${entitySet}?fetchXml=${encodeURIComponent(compactFetchXml(xml))}`
  const url = `${root}/${path}`
  if (url.length <= MAX_URL_LENGTH) return { ok: true, viaBatch: false, method: 'GET', url }
  const boundary = 'batch_fetchxml'
  const body = [`--${boundary}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', `GET ${root}/${path} HTTP/1.1`, 'Accept: application/json', 'Prefer: odata.include-annotations="*"', '', `--${boundary}--`, ''].join('\r\n')
  return { ok: true, viaBatch: true, method: 'POST', url: `${root}/$batch`, body, contentType: `multipart/mixed; boundary=${boundary}` }
}

/**
 * The next page of a FetchXML query (see `nextPageFetchXml` in @shared/paging), for the query in the editor: it must
 * parse as a `<fetch>` document first.
 */
export function nextPageFetchXml(xml: string, answer: unknown): { ok: true; xml: string; page: number } | { ok: false; reason: string } | null {
  const next = nextPageOfFetchXml(xml, answer)
  if (next?.ok) {
    const tree = openElementsTree(xml)
    if ('reason' in tree || tree.root.name !== 'fetch') return { ok: false, reason: 'The query in the editor is not a <fetch> document.' }
  }
  return next
}

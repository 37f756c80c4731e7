/**
 * Where the page after an answer is: its `@odata.nextLink` exactly as given, or — for a FetchXML query — the same
 * URL with the query's `page` and `paging-cookie` taken from the answer's paging cookie (Microsoft's "Page results
 * using FetchXml"). One rule for "Next page" and "Fetch all".
 */

/** What an answer says about the page after it. */
export interface PageLinks {
  nextLink: string | null
  pagingCookie: string | null
  moreRecords: boolean | null
}

export type NextPage = { url: string; kind: 'nextLink' | 'fetchXml'; page?: number } | { problem: string } | null

const FETCH_XML_PARAM = /([?&])fetchXml=([^&#]*)/

/** The FetchXML of a `…?fetchXml=<encoded>` URL, or null when the URL holds none (or it is not valid encoding). */
export function fetchXmlInUrl(url: string): string | null {
  const match = FETCH_XML_PARAM.exec(url)
  if (!match) return null
  try {
    return decodeURIComponent(match[2]!)
  } catch {
    return null
  }
}

export function nextPage(url: string, page: PageLinks): NextPage {
  if (page.nextLink) return { url: page.nextLink, kind: 'nextLink' }
  const xml = fetchXmlInUrl(url)
  if (xml === null || page.moreRecords !== true) return null
  const next = nextPageFetchXml(xml, { '@Microsoft.Dynamics.CRM.morerecords': true, '@Microsoft.Dynamics.CRM.fetchxmlpagingcookie': page.pagingCookie ?? undefined })
  if (!next) return null
  if (!next.ok) return { problem: next.reason }
  return { url: url.replace(FETCH_XML_PARAM, (_all, lead: string) => `${lead}fetchXml=${encodeURIComponent(next.xml)}`), kind: 'fetchXml', page: next.page }
}

/**
 * The next page of a FetchXML query, as Microsoft's "Page results using FetchXml" describes it: the answer's
 * `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` is a `<cookie pagenumber="N" pagingcookie="…"/>` whose
 * `pagingcookie` is the real cookie URL-encoded twice; the query is sent again with `page="N"` and that cookie
 * in `paging-cookie`. Null when the answer says there are no more records (or carries no cookie to follow).
 */
export function nextPageFetchXml(xml: string, answer: unknown): { ok: true; xml: string; page: number } | { ok: false; reason: string } | null {
  if (!answer || typeof answer !== 'object') return null
  const body = answer as Record<string, unknown>
  if (body['@Microsoft.Dynamics.CRM.morerecords'] !== true) return null
  const annotation = body['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie']
  const pageAttr = typeof annotation === 'string' ? /\spagenumber="(\d+)"/.exec(annotation)?.[1] : undefined
  if (!pageAttr) return { ok: false, reason: 'The answer has more records but no paging cookie: add an order to the query, or ask for the annotation with Prefer: odata.include-annotations="*".' }
  const encoded = /\spagingcookie="([^"]*)"/.exec(annotation as string)?.[1] ?? ''
  let cookie: string
  try {
    cookie = decodeURIComponent(decodeURIComponent(encoded))
  } catch {
    return { ok: false, reason: 'The paging cookie in the answer is not URL-encoded as documented.' }
  }
  const escaped = cookie.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  const open = /<fetch\b[^>]*>/.exec(xml)
  if (!open) return { ok: false, reason: 'The query in the editor is not a <fetch> document.' }
  const attributes = open[0].replace(/\s(page|paging-cookie)\s*=\s*"[^"]*"/g, '').replace(/\s*\/?>$/, '')
  const next = `${attributes} page="${pageAttr}" paging-cookie="${escaped}">`
  return { ok: true, xml: xml.slice(0, open.index) + next + xml.slice(open.index + open[0].length), page: Number(pageAttr) }
}

/**
 * Where the page after an answer is: its `@odata.nextLink` exactly as given, or — for a FetchXML query — the same
 * URL with the query's `page` and `paging-cookie` taken from the answer's paging cookie (Microsoft's "Page results
 * using FetchXml"). One rule for "Next page" and "Fetch all".
 */
import { nextPageFetchXml } from '../../fetchxml/fetchRequest'
import type { ResultPage } from '../grid/result'

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

export function nextPage(url: string, page: Pick<ResultPage, 'nextLink' | 'pagingCookie' | 'moreRecords'>): NextPage {
  if (page.nextLink) return { url: page.nextLink, kind: 'nextLink' }
  const xml = fetchXmlInUrl(url)
  if (xml === null || page.moreRecords !== true) return null
  const next = nextPageFetchXml(xml, { '@Microsoft.Dynamics.CRM.morerecords': true, '@Microsoft.Dynamics.CRM.fetchxmlpagingcookie': page.pagingCookie ?? undefined })
  if (!next) return null
  if (!next.ok) return { problem: next.reason }
  return { url: url.replace(FETCH_XML_PARAM, (_all, lead: string) => `${lead}fetchXml=${encodeURIComponent(next.xml)}`), kind: 'fetchXml', page: next.page }
}

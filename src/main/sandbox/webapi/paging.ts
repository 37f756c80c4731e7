import { dv } from '../errors'

/**
 * Dataverse's server paging, encoded exactly as its `@odata.nextLink` carries it (see "Page results using OData"):
 * `$skiptoken=<cookie pagenumber="2" pagingcookie="…" istracking="False" />`, where the paging cookie is itself
 * URL-encoded with lower-case escapes and names the first and last record of the page (braced, upper-case GUIDs).
 */
export interface PageInfo {
  page: number
  primaryId: string
  first: string
  last: string
  /** Nested `$expand` pages carry the page size in the cookie. */
  countOfRecords?: number
  /** GUIDs in the cookie: upper-case for entity sets, as sent for nested expansions. */
  upperCase?: boolean
}

const lowerEscapes = (text: string) => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())

export function skiptokenCookie(info: PageInfo): string {
  const id = (g: string) => `{${info.upperCase === false ? g : g.toUpperCase()}}`
  const count = info.countOfRecords === undefined ? '' : ` countOfRecords="${info.countOfRecords}"`
  const inner = `<cookie page="${info.page}"${count}><${info.primaryId} last="${id(info.last)}" first="${id(info.first)}" /></cookie>`
  return `<cookie pagenumber="${info.page + 1}" pagingcookie="${lowerEscapes(inner)}" istracking="False" />`
}

/** `encodeURI` leaves `=` and `/` as they are, as Dataverse's links do. */
export function skiptokenParameter(info: PageInfo): string {
  return `$skiptoken=${encodeURI(skiptokenCookie(info))}`
}

/** The page a `$skiptoken` asks for (the value as `URLSearchParams` decoded it). */
export function pageOf(skiptoken: string): number {
  const m = /pagenumber="(\d+)"/.exec(skiptoken)
  if (!m || Number(m[1]) < 1) throw dv.badRequest('The $skiptoken is not valid: follow the @odata.nextLink the server returned, unchanged.')
  return Number(m[1])
}

/**
 * The query string as the client sent it, without a `$skiptoken` or `$deltatoken` (the server sets those). The URL
 * parser escapes `'` in a query; Dataverse's links keep the quotes as the documented links show them.
 */
export function queryWithout(search: string, ...names: string[]): string {
  return search
    .replace(/^\?/, '')
    .replace(/%27/g, "'")
    .split('&')
    .filter((part) => part && !names.some((n) => part.startsWith(`${n}=`) || part.startsWith(`${n.replace('$', '%24')}=`)))
    .join('&')
}

export function linkWith(base: string, query: string, extra: string): string {
  return `${base}?${[query, extra].filter(Boolean).join('&')}`
}

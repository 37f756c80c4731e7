import type { KeyValue } from '@shared/http'

/**
 * Query parameters as typed: not decoded, so `$filter=name eq 'A&B'`-style text and {{variables}}
 * survive a round trip between the URL bar and the table unchanged.
 */
export function splitUrl(url: string): { base: string; query: string; hash: string } {
  const hashAt = url.indexOf('#')
  const hash = hashAt >= 0 ? url.slice(hashAt) : ''
  const rest = hashAt >= 0 ? url.slice(0, hashAt) : url
  const q = rest.indexOf('?')
  return q >= 0 ? { base: rest.slice(0, q), query: rest.slice(q + 1), hash } : { base: rest, query: '', hash }
}

export function parseQuery(query: string): KeyValue[] {
  if (!query) return []
  return query.split('&').map((part) => {
    const eq = part.indexOf('=')
    return eq >= 0 ? { key: part.slice(0, eq), value: part.slice(eq + 1), enabled: true } : { key: part, value: '', enabled: true }
  })
}

/** A row is written once it has a key: a value typed first waits in the table (never `&=value`). */
export function buildUrl(base: string, params: readonly KeyValue[], hash = ''): string {
  const parts = params.filter((p) => p.enabled && p.key !== '').map((p) => (p.value === '' && !p.key.endsWith('=') ? p.key : `${p.key}=${p.value}`))
  return base + (parts.length ? `?${parts.join('&')}` : '') + hash
}

/** New table rows after the URL changed: the URL's parameters, and the rows the URL does not hold (disabled, or without a key yet). */
export function paramsFromUrl(url: string, previous: readonly KeyValue[]): KeyValue[] {
  const parsed = parseQuery(splitUrl(url).query)
  const kept = previous.filter((p) => !p.enabled || (p.key === '' && p.value !== ''))
  return [...parsed, ...kept]
}

/** The URL after the table changed. */
export function urlFromParams(url: string, params: readonly KeyValue[]): string {
  const { base, hash } = splitUrl(url)
  return buildUrl(base, params, hash)
}

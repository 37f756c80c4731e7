import type { KeyValue } from '@shared/http'
import type { SavedAuth, SavedRequestData, TabDraft } from '@shared/collections'

/** What a tab edits, in the shape a collection file keeps. */
export interface TabContent {
  name: string
  description: string
  method: SavedRequestData['method']
  url: string
  headers: KeyValue[]
  body: string
  auth: { mode: 'inherit' | 'none' | 'bearer'; token: string }
}

/** "accounts", "WhoAmI", "contacts(…)": the last segment of the URL's path, without the query. */
export function nameFromUrl(method: string, url: string): string {
  const path = url.split(/[?#]/, 1)[0]!.replace(/\/+$/, '')
  const last = path.slice(path.lastIndexOf('/') + 1).replace(/^\{\{[^}]*\}\}$/, '')
  const shortened = last.length > 60 ? last.slice(0, 57) + '…' : last
  return `${method} ${shortened || 'request'}`.trim()
}

export function savedAuth(auth: TabContent['auth']): SavedAuth {
  return auth.mode === 'bearer' ? { mode: 'bearer', token: auth.token } : { mode: auth.mode }
}

/** The tab as its file would hold it (disabled rows kept: they are part of the user's work). */
export function toSaved(tab: TabContent): SavedRequestData {
  return {
    name: tab.name.trim() || nameFromUrl(tab.method, tab.url),
    method: tab.method,
    url: tab.url,
    headers: tab.headers.filter((h) => h.key !== '' || h.value !== '').map((h) => ({ key: h.key, value: h.value, enabled: h.enabled })),
    body: tab.body,
    auth: savedAuth(tab.auth),
    description: tab.description
  }
}

export function contentFromSaved(request: SavedRequestData): TabContent {
  return {
    name: request.name,
    description: request.description,
    method: request.method,
    url: request.url,
    headers: request.headers.map((h) => ({ ...h })),
    body: request.body,
    auth: request.auth.mode === 'bearer' ? { mode: 'bearer', token: request.auth.token } : { mode: request.auth.mode, token: '' }
  }
}

function sameHeaders(a: readonly KeyValue[], b: readonly KeyValue[]): boolean {
  return a.length === b.length && a.every((h, i) => h.key === b[i]!.key && h.value === b[i]!.value && h.enabled === b[i]!.enabled)
}

/** Field by field, so a 10 MB body costs one string comparison and nothing is serialised per keystroke. */
export function sameRequest(a: SavedRequestData, b: SavedRequestData): boolean {
  return (
    a.name === b.name &&
    a.method === b.method &&
    a.url === b.url &&
    a.body === b.body &&
    a.description === b.description &&
    a.auth.mode === b.auth.mode &&
    (a.auth.mode !== 'bearer' || (b.auth.mode === 'bearer' && a.auth.token === b.auth.token)) &&
    sameHeaders(a.headers, b.headers)
  )
}

/** Where a tab stands against its baseline (the file it was read from, or what it was opened with). */
export function isModified(tab: TabContent, baseline: SavedRequestData): boolean {
  return !sameRequest(toSaved(tab), baseline)
}

/** A tab as kept in tabs.json. */
export function toDraft(
  tab: TabContent & { id: string; source: { dir: string; path: string; baseHash: string | null } | null },
  modified: boolean,
  environmentId: string | null
): TabDraft {
  return { id: tab.id, request: toSaved(tab), source: tab.source, modified, environmentId }
}

/** Paths inside a collection after `from` became `to` (a request renamed or moved, or a folder holding it). */
export function movedPath(path: string, from: string, to: string): string | null {
  if (path === from) return to
  if (path.startsWith(from + '/')) return to + path.slice(from.length)
  return null
}

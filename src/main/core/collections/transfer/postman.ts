/** Postman Collection v2.1: import (folders, requests, bodies, query, headers, variables, auth where it maps) and export. */
import type { z } from 'zod'
import { CollectionVariable, SavedRequest, type SavedAuth, type SavedRequestData } from '../../../../shared/collections'
import { AppError } from '../../../../shared/errors'
import { HTTP_METHODS, type HttpMethod, type KeyValue } from '../../../../shared/http'
import { isVariableOnly, scrubSecrets } from '../secrets'
import type { PlainCollection, PlainItem } from './model'
import { PostmanCollection, POSTMAN_SCHEMA_V21, type PostmanItemLike } from './postmanSchema'

type PAuth = NonNullable<PostmanItemLike['auth']>
type PRequest = Exclude<NonNullable<PostmanItemLike['request']>, string>

const text = (d: unknown): string => (typeof d === 'string' ? d : d && typeof d === 'object' && typeof (d as { content?: unknown }).content === 'string' ? (d as { content: string }).content : '')
const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v))

/** `a=1&b={{x}}`: values percent-encoded, `{{variables}}` kept as they are. */
export function formEncode(pairs: { key: string; value: string }[]): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%7B%7B/g, '{{').replace(/%7D%7D/g, '}}').replace(/%20/g, '+')
  return pairs.map((p) => `${enc(p.key)}=${enc(p.value)}`).join('&')
}

function urlOf(url: PRequest['url']): string {
  if (url === undefined) return ''
  if (typeof url === 'string') return url
  if (url.raw !== undefined) return url.raw
  const host = Array.isArray(url.host) ? url.host.join('.') : (url.host ?? '')
  const path = Array.isArray(url.path) ? url.path.map((p) => (typeof p === 'string' ? p : (p.value ?? ''))).join('/') : (url.path ?? '')
  const query = (url.query ?? []).filter((q) => !q.disabled && q.key !== null).map((q) => `${q.key}${q.value === null || q.value === undefined ? '' : `=${q.value}`}`)
  return `${url.protocol ? `${url.protocol}://` : ''}${host}${url.port ? `:${url.port}` : ''}${path ? `/${path.replace(/^\//, '')}` : ''}${query.length ? `?${query.join('&')}` : ''}${url.hash ? `#${url.hash}` : ''}`
}

const attr = (auth: PAuth, kind: string, key: string): string => str((auth[kind as 'bearer'] ?? []).find((a) => a.key === key)?.value)

/** Postman's auth on our terms: bearer → our bearer mode (a `{{variable}}`), noauth → none, API key → a header; the rest reported. */
function mapAuth(auth: PAuth | null | undefined, where: string, warnings: string[]): { auth: SavedAuth; headers: KeyValue[] } {
  if (auth === undefined) return { auth: { mode: 'inherit' }, headers: [] }
  if (auth === null || auth.type === 'noauth') return { auth: { mode: 'none' }, headers: [] }
  if (auth.type === 'bearer') return { auth: { mode: 'bearer', token: attr(auth, 'bearer', 'token') }, headers: [] }
  if (auth.type === 'apikey') {
    const key = attr(auth, 'apikey', 'key')
    const value = attr(auth, 'apikey', 'value')
    if (attr(auth, 'apikey', 'in') !== 'query' && key) return { auth: { mode: 'none' }, headers: [{ key, value, enabled: true }] }
    warnings.push(`${where}: API key auth in the query was not mapped; add it to the URL.`)
    return { auth: { mode: 'none' }, headers: [] }
  }
  if (auth.type === 'oauth2') {
    warnings.push(`${where}: OAuth 2.0 auth is done by the environment in OrgBench (its sign-in profile); the request uses the environment's token.`)
    return { auth: { mode: 'inherit' }, headers: [] }
  }
  if (auth.type === 'basic') {
    warnings.push(`${where}: basic auth was not mapped; add an Authorization header "Basic {{basicAuth}}" with a secret variable.`)
    return { auth: { mode: 'none' }, headers: [] }
  }
  warnings.push(`${where}: ${auth.type} auth has no OrgBench equivalent and was left out.`)
  return { auth: { mode: 'none' }, headers: [] }
}

function mapBody(req: PRequest, headers: KeyValue[], where: string, warnings: string[]): string {
  const body = req.body
  if (!body || body.disabled) return ''
  const hasType = headers.some((h) => h.key.toLowerCase() === 'content-type')
  const setType = (type: string) => {
    if (!hasType) headers.push({ key: 'Content-Type', value: type, enabled: true })
  }
  switch (body.mode) {
    case 'raw': {
      const language = (body.options as { raw?: { language?: string } } | undefined)?.raw?.language
      if (language === 'json') setType('application/json')
      else if (language === 'xml') setType('application/xml')
      return body.raw ?? ''
    }
    case 'urlencoded':
      setType('application/x-www-form-urlencoded')
      return formEncode((body.urlencoded ?? []).filter((p) => !p.disabled).map((p) => ({ key: p.key, value: p.value ?? '' })))
    case 'formdata': {
      const fields = (body.formdata ?? []).filter((p) => !p.disabled)
      const files = fields.filter((p) => p.type === 'file')
      if (files.length) warnings.push(`${where}: form-data file fields (${files.map((f) => f.key).join(', ')}) were left out.`)
      warnings.push(`${where}: the form-data body is sent as x-www-form-urlencoded (OrgBench sends no multipart bodies).`)
      if (hasType) headers.splice(headers.findIndex((h) => h.key.toLowerCase() === 'content-type'), 1)
      headers.push({ key: 'Content-Type', value: 'application/x-www-form-urlencoded', enabled: true })
      return formEncode(fields.filter((p) => p.type !== 'file').map((p) => ({ key: p.key, value: p.value ?? '' })))
    }
    case 'graphql': {
      setType('application/json')
      let variables: unknown
      try {
        variables = body.graphql?.variables ? JSON.parse(body.graphql.variables) : undefined
      } catch {
        variables = body.graphql?.variables
      }
      return JSON.stringify({ query: body.graphql?.query ?? '', ...(variables !== undefined ? { variables } : {}) }, null, 2)
    }
    case 'file':
      warnings.push(`${where}: a file body was left out (OrgBench saves text bodies only).`)
      return ''
    default:
      return body.raw ?? ''
  }
}

function mapRequest(item: PostmanItemLike, inherited: PAuth | null | undefined, where: string, warnings: string[]): SavedRequestData | null {
  const req: PRequest = typeof item.request === 'string' ? { url: item.request, method: 'GET' } : (item.request ?? {})
  const method = (req.method ?? 'GET').toUpperCase()
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    warnings.push(`${where}: the method ${method} is not one OrgBench sends; the request was left out.`)
    return null
  }
  const headers: KeyValue[] = (Array.isArray(req.header) ? req.header : []).map((h) => ({ key: h.key, value: h.value, enabled: !h.disabled }))
  const { auth, headers: authHeaders } = mapAuth(req.auth === undefined ? inherited : req.auth, where, warnings)
  headers.push(...authHeaders)
  const body = mapBody(req, headers, where, warnings)
  if (item.event?.some((e) => e.listen === 'prerequest' || e.listen === 'test')) warnings.push(`${where}: its scripts (pre-request, tests) are not run by OrgBench and were left out.`)
  const parsed = SavedRequest.safeParse({ name: (item.name ?? '').trim() || 'Request', method: method as HttpMethod, url: urlOf(req.url), headers, body, auth, description: text(req.description ?? item.description) })
  if (!parsed.success) {
    warnings.push(`${where}: left out (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`)
    return null
  }
  const { request, replaced } = scrubSecrets(parsed.data)
  for (const r of replaced) warnings.push(`${where}: the literal ${r.where} was replaced by {{${r.variable}}}: give that variable its value in your environment (secret).`)
  return request
}

function mapVariables(vars: z.infer<typeof PostmanCollection>['variable'], warnings: string[]): z.output<typeof CollectionVariable>[] {
  const out: z.output<typeof CollectionVariable>[] = []
  for (const v of vars ?? []) {
    const key = v.key ?? v.id ?? ''
    if (v.type === 'secret') {
      warnings.push(`Collection variable ${key} is secret: its value was left out; define it in your environment as a secret variable.`)
      continue
    }
    const parsed = CollectionVariable.safeParse({ key, value: str(v.value), enabled: !v.disabled })
    if (parsed.success && !out.some((o) => o.key === parsed.data.key)) out.push(parsed.data)
    else warnings.push(`Collection variable "${key}" was left out (${parsed.success ? 'defined twice' : parsed.error.issues[0]?.message}).`)
  }
  return out
}

export function importPostman(json: unknown): PlainCollection {
  const parsed = PostmanCollection.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AppError('invalid_input', `This is not a Postman collection v2.1 file (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unreadable'}). Export it from Postman as "Collection v2.1".`)
  }
  const c = parsed.data
  if (!/v2\.[01]\.\d/.test(c.info.schema)) throw new AppError('invalid_input', `This Postman collection uses another format (${c.info.schema}); export it again as "Collection v2.1".`)
  const warnings: string[] = []
  const walk = (items: PostmanItemLike[], auth: PAuth | null | undefined, path: string): PlainItem[] => {
    const out: PlainItem[] = []
    for (const item of items) {
      const where = `${path}${item.name ?? 'Request'}`
      if (item.item) {
        if (item.variable?.length) warnings.push(`${where}: folder variables are not supported; they were left out.`)
        out.push({ kind: 'folder', name: (item.name ?? '').trim() || 'Folder', items: walk(item.item, item.auth === undefined ? auth : item.auth, `${where}/`) })
      } else {
        const request = mapRequest(item, auth, where, warnings)
        if (request) out.push({ kind: 'request', request })
      }
    }
    return out
  }
  const items = walk(c.item, c.auth, '')
  if (c.event?.length) warnings.push('The collection\'s scripts are not run by OrgBench and were left out.')
  return { name: c.info.name.trim() || 'Imported collection', variables: mapVariables(c.variable, warnings), items, warnings }
}

// ---- export ----

function exportAuth(auth: SavedAuth): object | undefined {
  if (auth.mode === 'none') return { type: 'noauth' }
  if (auth.mode === 'bearer') return { type: 'bearer', bearer: [{ key: 'token', value: auth.token, type: 'string' }] }
  return undefined
}

function exportRequest(r: SavedRequestData, warnings: string[]): object {
  const type = r.headers.find((h) => h.key.toLowerCase() === 'content-type')?.value.toLowerCase() ?? ''
  let body: object | undefined
  if (r.body) {
    if (type.includes('x-www-form-urlencoded')) {
      body = { mode: 'urlencoded', urlencoded: [...new URLSearchParams(r.body)].map(([key, value]) => ({ key, value })) }
    } else {
      const language = type.includes('json') || (!type && /^\s*[[{]/.test(r.body)) ? 'json' : type.includes('xml') ? 'xml' : 'text'
      body = { mode: 'raw', raw: r.body, options: { raw: { language } } }
    }
  }
  const auth = exportAuth(r.auth)
  if (!isVariableOnly(r.auth.mode === 'bearer' ? r.auth.token : '')) warnings.push(`${r.name}: its bearer token is not a {{variable}}.`)
  return {
    method: r.method,
    header: r.headers.map((h) => (h.enabled ? { key: h.key, value: h.value } : { key: h.key, value: h.value, disabled: true })),
    url: { raw: r.url },
    ...(body ? { body } : {}),
    ...(auth ? { auth } : {}),
    ...(r.description ? { description: r.description } : {})
  }
}

/**
 * A Postman v2.1 collection. Requests that use the environment's token get Postman's "inherit": the collection's
 * bearer auth with `{{accessToken}}`, so in Postman one variable holds the token (OrgBench never writes its value).
 */
export function exportPostman(plain: PlainCollection): { json: object; warnings: string[] } {
  const warnings: string[] = []
  const walk = (items: PlainItem[]): object[] =>
    items.map((item) => (item.kind === 'folder' ? { name: item.name, item: walk(item.items) } : { name: item.request.name, request: exportRequest(item.request, warnings) }))
  const json = {
    info: { name: plain.name, schema: POSTMAN_SCHEMA_V21 },
    item: walk(plain.items),
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] },
    variable: plain.variables.map((v) => (v.enabled ? { key: v.key, value: v.value, type: 'string' } : { key: v.key, value: v.value, type: 'string', disabled: true }))
  }
  return { json, warnings }
}

import type { JWTPayload } from 'jose'
import { DataverseFailure, dv } from '../errors'
import type { Seed } from '../seed'
import type { TokenSigner } from '../tokens'
import { handleBatch } from './batch'
import { buildCsdl } from './csdl'
import { empty, json, safeDecode, type SandboxRequest, type SandboxResponse } from './http'
import type { SandboxOrg } from './org'
import { evaluate, parseFilter } from './filter'
import { annotationFilter, contextFragment, etagOf, formatRow, parseExpand, parseOrderBy, parseSelect, parseTop, resolver, sortRows } from './query'
import { BUSINESS_UNIT_ID, type Row } from './seedData'
import { API_VERSION, column, TABLES, tableByName, type Table } from './schema'

export interface WebApiContext {
  org: SandboxOrg
  seed: Seed
  orgUrl: string
  /** The authorize endpoint named in the 401 challenge. */
  authorizationUri: string
  signer: TokenSigner
}

export interface Caller {
  user: Row
  claims: JWTPayload
}

const API_PREFIX = /^\/api\/data\/v9\.[0-2]/
const ODATA_HEADERS = { 'odata-version': '4.0' }
const JSON_TYPE = 'application/json; odata.metadata=minimal'

export function isWebApiPath(pathname: string): boolean {
  return API_PREFIX.test(pathname)
}

/** 401 with the challenge real Dataverse sends: how clients discover the tenant from an org URL. */
function challenge(ctx: WebApiContext, detail: string): SandboxResponse {
  return {
    status: 401,
    headers: {
      'www-authenticate': `Bearer authorization_uri=${ctx.authorizationUri}, resource_id=${ctx.orgUrl}/`,
      'x-orgbench-sandbox-reason': detail
    },
    body: ''
  }
}

async function authenticate(req: SandboxRequest, ctx: WebApiContext): Promise<Caller | SandboxResponse> {
  const header = req.headers.authorization ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim())
  if (!match) return challenge(ctx, header ? 'The Authorization header is not a bearer token.' : 'No Authorization header.')
  let claims: JWTPayload
  try {
    claims = await ctx.signer.verify(match[1]!)
  } catch (error) {
    const code = (error as { code?: string }).code
    return challenge(ctx, code === 'ERR_JWT_EXPIRED' ? 'The token has expired.' : 'The token signature or format is not valid.')
  }
  const aud = String(claims.aud ?? '').replace(/\/$/, '')
  if (aud !== ctx.orgUrl) return challenge(ctx, `The token audience '${String(claims.aud)}' is not this org (${ctx.orgUrl}).`)
  if (claims.tid !== ctx.seed.tenantId) return challenge(ctx, 'The token was issued for another tenant.')
  const app = claims.idtyp === 'app'
  const user = ctx.org.systemUserFor({ app, oid: claims.oid as string | undefined, appid: claims.appid as string | undefined })
  if (!user) throw dv.notMember()
  return { user, claims }
}

function prefer(req: SandboxRequest): { maxPageSize: number; representation: boolean; annotations: string | null; raw: string } {
  const raw = req.headers.prefer ?? ''
  const page = /odata\.maxpagesize=(\d+)/i.exec(raw)
  const annotations = /odata\.include-annotations="[^"]*"/i.exec(raw)
  return {
    maxPageSize: page ? Math.min(Math.max(Number(page[1]), 1), 5000) : 5000,
    representation: /return=representation/i.test(raw),
    annotations: annotations ? annotations[0] : null,
    raw
  }
}

function parseBody(req: SandboxRequest): Record<string, unknown> {
  const type = req.headers['content-type'] ?? ''
  if (req.body.length === 0) throw dv.badRequest('The request body is empty: send the record as JSON.')
  if (type && !/json/i.test(type)) throw dv.unsupportedMediaType(type)
  let value: unknown
  try {
    value = JSON.parse(req.body.toString('utf8'))
  } catch (error) {
    throw dv.invalidJson((error as Error).message)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw dv.badRequest('The request body must be a JSON object.')
  return value as Record<string, unknown>
}

/** `/accounts(guid)` or a full URL to it → table and id. */
export function parseEntityPath(path: string, ctx: WebApiContext): { table: Table; id: string } {
  const withoutBase = path.replace(ctx.orgUrl, '').replace(API_PREFIX, '').replace(/^\//, '')
  const match = /^([A-Za-z_]\w*)\(([0-9a-fA-F-]{36})\)$/.exec(withoutBase)
  const table = match ? ctx.org.tableForSet(match[1]!) : undefined
  if (!match || !table) throw dv.badRequest(`'${path}' is not a reference to a record: use /entityset(id).`)
  return { table, id: match[2]!.toLowerCase() }
}

function entityUrl(ctx: WebApiContext, table: Table, row: Row): string {
  return `${ctx.orgUrl}/api/data/v9.2/${table.entitySet}(${String(row[table.primaryId])})`
}

const GUID_KEY = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/

export async function handleWebApi(req: SandboxRequest, ctx: WebApiContext): Promise<SandboxResponse> {
  try {
    const caller = await authenticate(req, ctx)
    if ('status' in caller) return caller
    return await route(req, ctx, caller)
  } catch (error) {
    if (error instanceof DataverseFailure) return json(error.status, error.toBody(), ODATA_HEADERS)
    throw error
  }
}

export async function route(req: SandboxRequest, ctx: WebApiContext, caller: Caller): Promise<SandboxResponse> {
  const path = req.url.pathname.replace(API_PREFIX, '')
  const q = req.url.searchParams
  const method = req.method.toUpperCase()
  const headers = { ...ODATA_HEADERS, 'content-type': JSON_TYPE }
  const base = `${ctx.orgUrl}/api/data/v9.2`

  if (path === '' || path === '/') {
    if (method !== 'GET') throw dv.methodNotAllowed(method)
    return json(200, { '@odata.context': `${base}/$metadata`, value: TABLES.map((t) => ({ name: t.entitySet, kind: 'EntitySet', url: t.entitySet })) }, headers)
  }
  if (path === '/$metadata') {
    if (method !== 'GET') throw dv.methodNotAllowed(method)
    return { status: 200, headers: { ...ODATA_HEADERS, 'content-type': 'application/xml' }, body: buildCsdl() }
  }
  if (path === '/$batch') {
    if (method !== 'POST') throw dv.methodNotAllowed(method)
    return handleBatch(req, ctx, caller)
  }
  if (/^\/WhoAmI(\(\))?$/.test(path)) {
    if (method !== 'GET') throw dv.methodNotAllowed(method)
    return json(200, { '@odata.context': `${base}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`, BusinessUnitId: caller.user._businessunitid_value ?? BUSINESS_UNIT_ID, UserId: caller.user.systemuserid, OrganizationId: ctx.seed.organizationId }, headers)
  }
  if (/^\/RetrieveVersion(\(\))?$/.test(path)) {
    if (method !== 'GET') throw dv.methodNotAllowed(method)
    return json(200, { '@odata.context': `${base}/$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse`, Version: API_VERSION }, headers)
  }
  if (path === '/Merge') {
    if (method !== 'POST') throw dv.methodNotAllowed(method)
    return merge(parseBody(req), ctx)
  }

  const match = /^\/([A-Za-z_]\w*)(?:\(([^)]*)\))?(?:\/(.+))?$/.exec(path)
  const table = match ? ctx.org.tableForSet(match[1]!) : undefined
  if (!match || !table) throw dv.noResource(safeDecode(path.split('/')[1] ?? path))
  const keyText = match[2]
  const rest = match[3]

  if (keyText === undefined) {
    if (rest === '$count') {
      if (method !== 'GET') throw dv.methodNotAllowed(method)
      return { status: 200, headers: { ...ODATA_HEADERS, 'content-type': 'text/plain' }, body: String(Math.min(ctx.org.rows(table).length, 5000)) }
    }
    if (rest !== undefined) throw dv.noResource(rest)
    if (method === 'GET') return list(req, ctx, table)
    if (method === 'POST') return create(req, ctx, caller, table)
    throw dv.methodNotAllowed(method)
  }

  const key = GUID_KEY.exec(keyText.trim())
  if (!key) throw dv.badRequest(`The key value '${keyText}' is not valid for ${table.logicalName}: use the record's id, a GUID.`)
  const id = key[1]!.toLowerCase()

  if (rest !== undefined) {
    if (method !== 'GET') throw dv.methodNotAllowed(method)
    const row = ctx.org.get(table, id)
    const collection = table.collections.find((c) => c.name === rest)
    if (collection) {
      const target = tableByName.get(collection.table)!
      const select = parseSelect(q.get('$select'), target)
      const annotate = annotationFilter(req.headers.prefer ?? null)
      const rows = ctx.org.rows(target).filter((r) => r[collection.via] === id)
      return json(200, { '@odata.context': `${base}/$metadata#${contextFragment(target, select, [])}`, value: rows.map((r) => formatRow(ctx.org, target, r, { select, expand: [], annotate })) }, headers)
    }
    const col = column(table, rest)
    if (!col) throw dv.unknownProperty(rest, table.logicalName)
    return json(200, { '@odata.context': `${base}/$metadata#${table.entitySet}(${id})/${rest}`, value: row[rest] ?? null }, headers)
  }

  switch (method) {
    case 'GET':
      return retrieve(req, ctx, table, id)
    case 'PATCH':
      return upsert(req, ctx, caller, table, id)
    case 'DELETE': {
      const row = ctx.org.get(table, id)
      checkIfMatch(req, row)
      ctx.org.delete(table, id)
      return empty(204, ODATA_HEADERS)
    }
    default:
      throw dv.methodNotAllowed(method)
  }
}

function checkIfMatch(req: SandboxRequest, row: Row | undefined): void {
  const ifMatch = req.headers['if-match']
  if (ifMatch === undefined) return
  if (ifMatch.trim() === '*') {
    if (!row) throw dv.notFound('record', '(If-Match: *)')
    return
  }
  if (!row || !ifMatch.split(',').map((s) => s.trim()).includes(etagOf(row))) throw dv.precondition()
}

function list(req: SandboxRequest, ctx: WebApiContext, table: Table): SandboxResponse {
  const q = req.url.searchParams
  for (const name of q.keys()) {
    if (name.startsWith('$') && !['$select', '$filter', '$orderby', '$top', '$count', '$expand', '$skiptoken'].includes(name)) {
      throw dv.badRequest(name === '$skip' ? 'The query parameter $skip is not supported.' : `The query parameter ${name} is not supported.`)
    }
  }
  const select = parseSelect(q.get('$select'), table)
  const filterText = q.get('$filter')
  const filter = filterText ? parseFilter(filterText, table) : null
  const orderBy = parseOrderBy(q.get('$orderby'), table)
  const top = parseTop(q.get('$top'))
  const expand = parseExpand(q.get('$expand'), table)
  const wantCount = q.get('$count') === 'true'
  if (q.has('$count') && !['true', 'false'].includes(q.get('$count')!)) throw dv.badRequest(`'${q.get('$count')}' is not a valid count option.`)
  const pref = prefer(req)
  const annotate = annotationFilter(pref.annotations)

  const resolve = resolver(ctx.org, table)
  let rows = ctx.org.rows(table).filter((r) => !filter || evaluate(filter, r, resolve))
  rows = sortRows(rows, orderBy)
  const total = rows.length
  if (top !== null) rows = rows.slice(0, top)

  let page = 1
  const token = q.get('$skiptoken')
  if (token !== null) {
    const m = /pagenumber="(\d+)"/.exec(token)
    if (!m) throw dv.badRequest('The $skiptoken is not valid: follow the @odata.nextLink the server returned.')
    page = Number(m[1])
  }
  const pageSize = top !== null ? Math.max(top, 1) : pref.maxPageSize
  const start = (page - 1) * pageSize
  const pageRows = rows.slice(start, start + pageSize)
  const more = top === null && start + pageSize < rows.length

  const body: Record<string, unknown> = { '@odata.context': `${ctx.orgUrl}/api/data/v9.2/$metadata#${contextFragment(table, select, expand)}` }
  if (wantCount) body['@odata.count'] = Math.min(total, 5000)
  body.value = pageRows.map((r) => formatRow(ctx.org, table, r, { select, expand, annotate }))
  if (more) {
    const next = new URL(req.url.href.replace(req.url.origin, ctx.orgUrl))
    const last = pageRows[pageRows.length - 1]!
    next.searchParams.set('$skiptoken', `<cookie pagenumber="${page + 1}" pagingcookie="%3ccookie%20page%3d%22${page}%22%3e%3c${table.primaryId}%20last%3d%22%7b${String(last[table.primaryId]).toUpperCase()}%7d%22%20%2f%3e%3c%2fcookie%3e" istracking="False" />`)
    body['@odata.nextLink'] = next.href
  }
  const applied = [pref.annotations, /odata\.maxpagesize/i.test(pref.raw) ? `odata.maxpagesize=${pref.maxPageSize}` : null].filter(Boolean).join(',')
  return json(200, body, { ...ODATA_HEADERS, 'content-type': JSON_TYPE, ...(applied ? { 'preference-applied': applied } : {}) })
}

function retrieve(req: SandboxRequest, ctx: WebApiContext, table: Table, id: string): SandboxResponse {
  const q = req.url.searchParams
  const row = ctx.org.get(table, id)
  const select = parseSelect(q.get('$select'), table)
  const expand = parseExpand(q.get('$expand'), table)
  const ifNoneMatch = req.headers['if-none-match']
  if (ifNoneMatch && ifNoneMatch.split(',').map((s) => s.trim()).includes(etagOf(row))) return empty(304, { ...ODATA_HEADERS, etag: etagOf(row) })
  const pref = prefer(req)
  const body = { '@odata.context': `${ctx.orgUrl}/api/data/v9.2/$metadata#${contextFragment(table, select, expand)}/$entity`, ...formatRow(ctx.org, table, row, { select, expand, annotate: annotationFilter(pref.annotations) }) }
  return json(200, body, { ...ODATA_HEADERS, 'content-type': JSON_TYPE, etag: etagOf(row), ...(pref.annotations ? { 'preference-applied': pref.annotations } : {}) })
}

function representation(req: SandboxRequest, ctx: WebApiContext, table: Table, row: Row, status: number): SandboxResponse {
  const select = parseSelect(req.url.searchParams.get('$select'), table)
  const pref = prefer(req)
  const body = { '@odata.context': `${ctx.orgUrl}/api/data/v9.2/$metadata#${contextFragment(table, select, [])}/$entity`, ...formatRow(ctx.org, table, row, { select, expand: [], annotate: annotationFilter(pref.annotations) }) }
  return json(status, body, { ...ODATA_HEADERS, 'content-type': JSON_TYPE, etag: etagOf(row), 'odata-entityid': entityUrl(ctx, table, row), 'preference-applied': 'return=representation' })
}

function create(req: SandboxRequest, ctx: WebApiContext, caller: Caller, table: Table): SandboxResponse {
  const body = parseBody(req)
  const row = ctx.org.create(table, body, (p) => parseEntityPath(p, ctx), table.columns.some((c) => c.name === '_ownerid_value') ? String(caller.user.systemuserid) : null)
  if (prefer(req).representation) return representation(req, ctx, table, row, 201)
  return empty(204, { ...ODATA_HEADERS, 'odata-entityid': entityUrl(ctx, table, row) })
}

/** PATCH is an upsert unless If-Match (update only) or If-None-Match: * (create only) says otherwise. */
function upsert(req: SandboxRequest, ctx: WebApiContext, caller: Caller, table: Table, id: string): SandboxResponse {
  const body = parseBody(req)
  const existing = ctx.org.find(table, id)
  checkIfMatch(req, existing)
  if (req.headers['if-none-match']?.trim() === '*' && existing) throw dv.alreadyExists()
  let row: Row
  if (existing) row = ctx.org.update(table, existing, body, (p) => parseEntityPath(p, ctx))
  else row = ctx.org.create(table, { ...body, [table.primaryId]: id }, (p) => parseEntityPath(p, ctx), String(caller.user.systemuserid))
  if (prefer(req).representation) return representation(req, ctx, table, row, existing ? 200 : 201)
  return empty(204, { ...ODATA_HEADERS, 'odata-entityid': entityUrl(ctx, table, row) })
}

/** The Merge action: the subordinate's children move to the target, the subordinate is deactivated. */
function merge(body: Record<string, unknown>, ctx: WebApiContext): SandboxResponse {
  const ref = (name: string) => {
    const value = body[name] as Record<string, unknown> | undefined
    const type = typeof value?.['@odata.type'] === 'string' ? (value['@odata.type'] as string).replace(/^#?Microsoft\.Dynamics\.CRM\./, '') : ''
    const table = tableByName.get(type)
    if (!value || !table || (table.logicalName !== 'account' && table.logicalName !== 'contact')) throw dv.badRequest(`Merge needs '${name}' as {"@odata.type": "Microsoft.Dynamics.CRM.account" (or contact), "${table?.primaryId ?? 'accountid'}": "<id>"}.`)
    const id = value[table.primaryId]
    if (typeof id !== 'string') throw dv.badRequest(`'${name}' has no ${table.primaryId}.`)
    return { table, row: ctx.org.get(table, id) }
  }
  const target = ref('Target')
  const subordinate = ref('Subordinate')
  if (target.table !== subordinate.table) throw dv.badRequest('Target and Subordinate must be records of the same table.')
  if (target.row === subordinate.row) throw dv.badRequest('A record cannot be merged with itself.')
  const update = (body.UpdateContent as Record<string, unknown> | undefined) ?? {}
  const content = Object.fromEntries(Object.entries(update).filter(([k]) => k !== '@odata.type' && k !== target.table.primaryId))
  if (Object.keys(content).length) ctx.org.update(target.table, target.row, content, (p) => parseEntityPath(p, ctx))
  for (const nav of target.table.collections) {
    const child = tableByName.get(nav.table)!
    for (const r of ctx.org.rows(child)) if (r[nav.via] === subordinate.row[target.table.primaryId]) r[nav.via] = target.row[target.table.primaryId]
  }
  ctx.org.update(subordinate.table, subordinate.row, { statecode: 1, statuscode: 2 }, (p) => parseEntityPath(p, ctx))
  return empty(204, ODATA_HEADERS)
}

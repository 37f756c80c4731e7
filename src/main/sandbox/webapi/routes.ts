import type { JWTPayload } from 'jose'
import { DataverseFailure, dv } from '../errors'
import type { Seed } from '../seed'
import type { TokenSigner } from '../tokens'
import { handleBatch } from './batch'
import { buildCsdl } from './csdl'
import { handleFunction, isOperation } from './operations'
import { empty, ODATA_VERSION, odataJson, safeDecode, type SandboxRequest, type SandboxResponse } from './http'
import { parseKey } from './keys'
import { impersonate } from './impersonation'
import { handleMetadata, isMetadataSet } from './metadata'
import type { SandboxOrg } from './org'
import { parsePrefer, type Preferences } from './prefer'
import type { QueryEnv } from './query'
import { handleRecords } from './records'
import type { ServiceProtection } from './protection'
import { BUSINESS_UNIT_ID, type Row } from './seedData'
import { TABLES, tableBySet, type Table } from './schema'
import { splitPath } from './text'
import type { WriteContext } from './write'

export interface WebApiContext {
  org: SandboxOrg
  seed: Seed
  orgUrl: string
  /** The authorize endpoint named in the 401 challenge. */
  authorizationUri: string
  signer: TokenSigner
  /** Issuers whose access tokens the org accepts: Entra's (v1 sts.windows.net, v2) and the Sandbox's standard authority. */
  issuers: string[]
  /** Service protection limits (off unless the Sandbox is told to enforce some). */
  protection?: ServiceProtection
}

export interface Caller {
  /** The user the request runs as: the impersonated user when the caller impersonates. */
  user: Row
  claims: JWTPayload
  /** When impersonating, the user who actually called (their token). */
  delegate?: Row
}

export const API_PREFIX = /^\/api\/data\/v9\.[0-2]/

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
  if (!ctx.issuers.includes(String(claims.iss))) return challenge(ctx, `The token issuer '${String(claims.iss)}' is not this org's tenant or authority.`)
  // Entra marks app-only tokens with idtyp; RFC 9068 tokens (the standard authority) have sub = client_id.
  const app = claims.idtyp === 'app' || (claims.idtyp === undefined && claims.client_id !== undefined && claims.sub === claims.client_id)
  const user = ctx.org.systemUserFor({ app, oid: claims.oid as string | undefined, appid: (claims.appid ?? claims.client_id) as string | undefined })
  if (!user) throw dv.notMember()
  return { user, claims }
}

/** Dataverse's URL limit; requests inside a `$batch` body may be twice as long. */
export const MAX_URL_LENGTH = 32_768
export const MAX_BATCH_URL_LENGTH = 65_536

/** Everything a handler needs about one request. */
export interface Call {
  req: SandboxRequest
  ctx: WebApiContext
  caller: Caller
  method: string
  q: URLSearchParams
  prefer: Preferences
  /** The Web API root as the org names it: `https://…/api/data/v9.2`. */
  base: string
  /** The request URL as the org names it (its own host), for error messages. */
  url: string
  env: QueryEnv
  write: WriteContext
}

const CORS_EXPOSE = 'OData-EntityId, OData-Version, Preference-Applied, ETag, Location, WWW-Authenticate, REQ_ID, x-ms-service-request-id'

/** CORS as Dataverse answers a single-page app: any origin, with the preflight answered before authentication. */
function withCors(req: SandboxRequest, response: SandboxResponse): SandboxResponse {
  const origin = req.headers.origin
  if (!origin) return response
  return { ...response, headers: { ...response.headers, 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', 'access-control-expose-headers': CORS_EXPOSE } }
}

function preflight(req: SandboxRequest): SandboxResponse {
  const headers: Record<string, string> = {
    allow: 'GET, POST, PATCH, PUT, DELETE, OPTIONS',
    'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, content-type, accept, odata-version, odata-maxversion, prefer, if-match, if-none-match',
    'access-control-max-age': '3600'
  }
  return empty(200, headers)
}

export async function handleWebApi(req: SandboxRequest, ctx: WebApiContext): Promise<SandboxResponse> {
  if (req.method.toUpperCase() === 'OPTIONS') return withCors(req, preflight(req))
  try {
    const caller = await authenticate(req, ctx)
    if ('status' in caller) return withCors(req, caller)
    if (req.url.pathname.length + req.url.search.length > MAX_URL_LENGTH) throw dv.uriTooLong()
    // Counted per user, as Dataverse does: the token's user or application.
    const slot = ctx.protection?.begin(String(caller.claims.oid ?? caller.claims.appid ?? caller.claims.client_id ?? caller.user.systemuserid))
    try {
      const response = await route(req, ctx, caller)
      return withCors(req, slot ? { ...response, headers: { ...response.headers, ...slot.finish() } } : response)
    } catch (error) {
      if (error instanceof DataverseFailure && slot) error.headers = { ...error.headers, ...slot.finish() }
      else slot?.finish()
      throw error
    }
  } catch (error) {
    if (error instanceof DataverseFailure) return withCors(req, odataJson(error.status, error.toBody(), error.headers))
    throw error
  }
}

export function createCall(req: SandboxRequest, ctx: WebApiContext, caller: Caller): Call {
  const q = req.url.searchParams
  const base = `${ctx.orgUrl}/api/data/v9.2`
  const userId = String(caller.user.systemuserid)
  const alias = (name: string) => q.get(name)
  const call: Call = {
    req,
    ctx,
    caller,
    method: req.method.toUpperCase(),
    q,
    prefer: parsePrefer(req.headers.prefer),
    base,
    url: `${ctx.orgUrl}${req.url.pathname}${req.url.search}`,
    env: { org: ctx.org, filter: { alias, now: () => new Date(), userId, businessUnitId: String(caller.user._businessunitid_value ?? BUSINESS_UNIT_ID) } },
    write: { resolve: (reference) => resolveReference(reference, ctx), userId, delegateId: caller.delegate ? String(caller.delegate.systemuserid) : null }
  }
  return call
}

/** A record reference (`@odata.bind`, `@odata.id`, `$id`): a full URL, `/accounts(<id>)` or `accounts(accountnumber='…')`. */
export function resolveReference(reference: string, ctx: WebApiContext): { table: Table; row: Row } {
  const relative = reference.replace(ctx.orgUrl, '').replace(/^https?:\/\/[^/]+/i, '').replace(API_PREFIX, '').replace(/^\//, '')
  const segments = splitPath(relative)
  const table = segments.length === 1 ? tableBySet.get(segments[0]!.name) : undefined
  if (!table || segments[0]!.args === null) throw dv.badRequest(`'${reference}' is not a reference to a record: use /entityset(id), like /accounts(00000000-0000-0000-0000-000000000001).`)
  const key = parseKey(safeDecode(segments[0]!.args), table)
  const row = 'id' in key ? ctx.org.find(table, key.id) : ctx.org.findByAlternateKey(table, key.alternate)
  if (!row) throw 'id' in key ? dv.notFound(table.logicalName, key.id) : dv.notFoundByKey(table.logicalName)
  return { table, row }
}

export async function route(req: SandboxRequest, ctx: WebApiContext, authenticated: Caller): Promise<SandboxResponse> {
  const caller = impersonate(req, ctx, authenticated)
  const call = createCall(req, ctx, caller)
  const path = req.url.pathname.replace(API_PREFIX, '')
  const { method, base } = call

  if (path === '' || path === '/') {
    if (method !== 'GET') throw dv.methodNotAllowed(method)
    return odataJson(200, { '@odata.context': `${base}/$metadata`, value: [...TABLES.map((t) => ({ name: t.entitySet, kind: 'EntitySet', url: t.entitySet })), { name: 'EntityDefinitions', kind: 'EntitySet', url: 'EntityDefinitions' }, { name: 'GlobalOptionSetDefinitions', kind: 'EntitySet', url: 'GlobalOptionSetDefinitions' }, { name: 'RelationshipDefinitions', kind: 'EntitySet', url: 'RelationshipDefinitions' }] })
  }
  if (path === '/$metadata') {
    if (method !== 'GET') throw dv.methodNotAllowed(method)
    return { status: 200, headers: { ...ODATA_VERSION, 'content-type': 'application/xml' }, body: buildCsdl() }
  }
  if (path === '/$batch') {
    if (method !== 'POST') throw dv.methodNotAllowed(method)
    return handleBatch(req, ctx, caller)
  }
  const segments = splitPath(path)
  const first = segments[0]
  if (!first) throw dv.noResource(path)
  if (isOperation(first.name)) return handleFunction(call, segments)
  if (isMetadataSet(first.name)) return handleMetadata(call, segments)
  const table = tableBySet.get(first.name)
  if (!table) throw dv.noResource(safeDecode(first.name))
  return handleRecords(call, table, segments)
}

import type { JWTPayload } from 'jose'
import type { SandboxOrgSpec } from './orgs'
import { SANDBOX_VERSION } from './orgs'
import type { TokenSigner } from './tokens'
import { odataJson, safeDecode, type SandboxRequest, type SandboxResponse } from './webapi/http'

/**
 * The Sandbox's Global Discovery Service (`GET …/api/discovery/v2.0/Instances`), served under `/globaldisco` on the
 * Sandbox's main port: the orgs of the tenant in which the signed-in user has a user record. Its token audience is
 * `<base>/globaldisco`, like `https://globaldisco.crm.dynamics.com` in the public cloud; an org's token is refused.
 */
export const DISCOVERY_PREFIX = '/globaldisco'

export interface DiscoveryContext {
  /** The token audience and base URL: `https://127.0.0.1:<port>/globaldisco`. */
  resource: string
  orgs: { spec: SandboxOrgSpec; orgUrl: string }[]
  signer: TokenSigner
  /** Issuers whose tokens are accepted (the tenant's, as for the Web API). */
  issuers: string[]
  authorizationUri: string
  tenantId: string
}

export function isDiscoveryPath(pathname: string): boolean {
  return pathname === DISCOVERY_PREFIX || pathname.startsWith(`${DISCOVERY_PREFIX}/`)
}

const INSTANCES = /^\/api\/discovery\/v(?:1\.0|2\.0)\/Instances(?:\((.*)\))?$/

function error(status: number, code: string, message: string, headers: Record<string, string> = {}): SandboxResponse {
  return odataJson(status, { error: { code, message } }, headers)
}

function challenge(ctx: DiscoveryContext, reason: string): SandboxResponse {
  return { status: 401, headers: { 'www-authenticate': `Bearer authorization_uri=${ctx.authorizationUri}, resource_id=${ctx.resource}`, 'x-orgbench-sandbox-reason': reason }, body: '' }
}

export async function handleGlobalDiscovery(req: SandboxRequest, ctx: DiscoveryContext): Promise<SandboxResponse> {
  const path = req.url.pathname.slice(DISCOVERY_PREFIX.length)
  const match = INSTANCES.exec(path)
  if (!match) return error(404, 'NotFound', `Nothing is served at ${req.url.pathname}. Global Discovery lists orgs at ${ctx.resource}/api/discovery/v2.0/Instances.`)
  if (req.method.toUpperCase() !== 'GET') return error(405, 'MethodNotAllowed', `Global Discovery is read-only: use GET (got ${req.method}).`)
  const bearer = /^Bearer\s+(\S+)$/i.exec((req.headers.authorization ?? '').trim())
  if (!bearer) return challenge(ctx, 'No bearer token.')
  let claims: JWTPayload
  try {
    claims = await ctx.signer.verify(bearer[1]!)
  } catch (e) {
    return challenge(ctx, (e as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'The token has expired.' : 'The token signature or format is not valid.')
  }
  const aud = String(claims.aud ?? '').replace(/\/$/, '')
  if (aud !== ctx.resource) return challenge(ctx, `The token audience '${String(claims.aud)}' is not Global Discovery (${ctx.resource}): ask for the scope ${ctx.resource}/.default.`)
  if (!ctx.issuers.includes(String(claims.iss))) return challenge(ctx, `The token issuer '${String(claims.iss)}' is not this tenant.`)
  const appOnly = claims.idtyp === 'app' || (claims.idtyp === undefined && claims.client_id !== undefined && claims.sub === claims.client_id)
  if (appOnly) return error(403, 'Forbidden', 'Global Discovery lists the orgs a user can reach: an application (client credentials) token has no user. Sign in as a user with a delegated grant.')
  const oid = String(claims.oid ?? '')
  const visible = ctx.orgs.filter(({ spec }) => spec.seed.users.some((u) => u.oid === oid && u.inOrg))
  const instances = visible.map(({ spec, orgUrl }) => instance(spec, orgUrl, oid, ctx.tenantId))
  const context = `${ctx.resource}/api/discovery/v2.0/$metadata#Instances`
  const key = match[1]
  if (key === undefined) return odataJson(200, { '@odata.context': context, value: select(instances, req.url.searchParams.get('$select')) })
  const decoded = safeDecode(key)
  const byName = /^UniqueName='((?:[^']|'')*)'$/i.exec(decoded)
  const found = byName ? instances.find((i) => i.UniqueName.toLowerCase() === byName[1]!.replace(/''/g, "'").toLowerCase()) : instances.find((i) => i.Id === decoded.replace(/^Id=/i, '').toLowerCase())
  if (!found) return error(404, 'NotFound', `No org ${decoded} that this user can reach.`)
  return odataJson(200, { '@odata.context': `${context}/$entity`, ...select([found], req.url.searchParams.get('$select'))[0] })
}

type Instance = ReturnType<typeof instance>

function instance(spec: SandboxOrgSpec, orgUrl: string, oid: string, tenantId: string) {
  const user = spec.seed.users.find((u) => u.oid === oid)
  return {
    Id: spec.organizationId,
    UniqueName: spec.uniqueName,
    UrlName: spec.urlName,
    FriendlyName: spec.friendlyName,
    State: 0,
    Version: SANDBOX_VERSION,
    Url: orgUrl,
    ApiUrl: orgUrl,
    LastUpdated: '2026-11-20T08:00:00Z',
    SchemaType: 'Standard',
    TenantId: tenantId,
    Region: spec.region,
    EnvironmentId: spec.environmentId,
    DatacenterId: spec.key === 'main' ? 'b2f0a3c1-0000-4000-8000-0000000000a1' : 'b2f0a3c1-0000-4000-8000-0000000000e1',
    DatacenterName: null,
    OrganizationType: 0,
    TrialExpirationDate: null,
    IsUserSysAdmin: Boolean(user?.securityRoles.includes('System Administrator')),
    OrganizationId: spec.organizationId
  }
}

function select(instances: Instance[], fields: string | null): Record<string, unknown>[] {
  if (!fields) return instances
  const names = fields.split(',').map((f) => f.trim()).filter(Boolean)
  return instances.map((i) => Object.fromEntries(names.filter((n) => n in i).map((n) => [n, i[n as keyof Instance]])))
}

import { CLOUDS } from '../../../shared/environment'
import { AppError } from '../../../shared/errors'
import { explainAadsts } from '../auth/oauthErrors'
import { discoveryUrl, isEntraDocument, parseChallenge, readOpenIdMetadata, resolveAuthority } from '../auth/authority'
import { errorMessageOf, evidenceOf, failed, get, GUID, header, passed, skipped, type DoctorPorts, type Evidence, type Findings, type Outcome } from './context'

const WEB_API = '/api/data/v9.2'

function unreachable(error: unknown, what: string, fix: string): Outcome {
  const message = error instanceof AppError ? error.message : String(error)
  return failed(`${what} did not answer: ${message}`, fix)
}

/** 1. The org URL answers with Dataverse's 401 challenge, which names its tenant; the environment agrees with it. */
export async function checkOrg(ports: DoctorPorts, found: Findings): Promise<Outcome> {
  const { env } = found
  let response
  try {
    response = await get(ports, found, `${env.orgUrl}${WEB_API}/`, 'discovery')
  } catch (error) {
    found.orgReachable = false
    return unreachable(error, env.orgUrl, 'Check the org URL (Power Platform admin center → Environments → the environment → Environment URL), this computer\'s network or proxy, and for an on-premises org the environment\'s CA certificate.')
  }
  const evidence: Evidence[] = [evidenceOf(response, `GET ${WEB_API}/ without a token`)]
  const challenge = response.status === 401 ? parseChallenge(header(response, 'www-authenticate')) : null
  if (!challenge) {
    return failed(`${env.orgUrl} answered ${response.status} without Dataverse's sign-in challenge (WWW-Authenticate: Bearer authorization_uri=…).`, 'This is not a Dataverse org URL: use the environment URL shown in the Power Platform admin center (https://yourorg.crm.dynamics.com), without a path.', evidence)
  }
  found.orgTenant = challenge.tenantId
  evidence.push({ label: 'The org signs in at', value: challenge.authorizationUri, entryId: null })
  if (env.cloud !== 'custom') {
    const host = CLOUDS[env.cloud].authorityHost!
    if (new URL(host).host.toLowerCase() !== new URL(challenge.authorityHost).host.toLowerCase()) {
      const right = Object.entries(CLOUDS).find(([, c]) => c.authorityHost && new URL(c.authorityHost).host === new URL(challenge.authorityHost).host)
      return failed(`The org signs in at ${challenge.authorityHost}, but the environment's cloud (${CLOUDS[env.cloud].label}) signs in at ${host}.`, `Set the cloud to ${right ? right[1].label : 'the one whose sign-in host is ' + challenge.authorityHost} in Edit environment.`, evidence)
    }
  } else if (env.authorityUrl && new URL(env.authorityUrl).origin.toLowerCase() !== challenge.authorityHost.toLowerCase()) {
    return failed(`The org accepts tokens from ${challenge.authorityHost}, but the environment's authority is ${env.authorityUrl}.`, `Set the authority URL to the org's: ${challenge.authorizationUri.replace(/\/oauth2\/.*$/, '')}.`, evidence)
  }
  const configured = env.tenant.trim() || (env.cloud === 'custom' && env.authorityUrl ? (new URL(env.authorityUrl).pathname.split('/').filter(Boolean)[0] ?? '') : '')
  if (GUID.test(configured) && GUID.test(challenge.tenantId) && configured.toLowerCase() !== challenge.tenantId.toLowerCase()) {
    return failed(`The org belongs to tenant ${challenge.tenantId}, but the environment signs in to tenant ${configured}.`, `Set the environment's tenant to ${challenge.tenantId} (Edit environment → Tenant, or "Discover tenant"). A guest signs in to the org's tenant, not their home tenant.`, evidence)
  }
  const note = !configured ? ' The environment names no tenant: setting it avoids signing in to the wrong directory.' : GUID.test(configured) ? '' : ` The environment names it as "${configured}"; its id is compared with the token's in check 4.`
  return passed(`${env.orgUrl} is a Dataverse org of tenant ${challenge.tenantId}.${note}`, evidence)
}

/** 2. The authority's OpenID configuration is reachable and its issuer is the authority (or its tenant's). */
export async function checkAuthority(ports: DoctorPorts, found: Findings): Promise<Outcome> {
  const { env } = found
  let resolved
  try {
    resolved = resolveAuthority(env)
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error), 'Fill in the authority in Edit environment.')
  }
  const fetchDoc = async (url: string) => {
    const response = await get(ports, found, url, 'discovery')
    let doc: Record<string, unknown> | null
    try {
      const parsed: unknown = JSON.parse(response.body.text)
      doc = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null
    } catch {
      doc = null
    }
    return { url, response, doc }
  }
  const entraUrl = (authority: string) => `${authority}/v2.0/.well-known/openid-configuration`
  let read
  try {
    read = await fetchDoc(resolved.kind === 'entra' ? entraUrl(resolved.authority) : discoveryUrl(resolved.authority))
    // A custom authority shaped like Entra (the Sandbox's, or Entra typed as a URL): its v2 document is the one msal reads.
    if (resolved.kind === 'custom' && read.doc && isEntraDocument(read.doc) && !/\/v2\.0$/.test(resolved.authority)) read = await fetchDoc(entraUrl(resolved.authority))
  } catch (error) {
    return unreachable(error, resolved.authority, 'Check the cloud, tenant and authority URL; for ADFS or another on-premises authority, the environment\'s CA certificate.')
  }
  const evidence: Evidence[] = [evidenceOf(read.response, `GET ${new URL(read.url).pathname}`)]
  const date = Date.parse(header(read.response, 'date') ?? '')
  if (!Number.isNaN(date)) found.authorityClock = { theirs: date, ours: ports.now?.() ?? Date.now() }
  const metadata = read.doc ? readOpenIdMetadata(read.doc) : null
  if (read.response.status !== 200 || !metadata) {
    const aadsts = explainAadsts(read.response.body.text)
    if (aadsts) return failed(`${aadsts.title}: ${aadsts.explanation}`, aadsts.fix, evidence)
    return failed(`${read.url} answered ${read.response.status} without an OpenID configuration.`, 'Check the authority URL (for ADFS it ends in /adfs) and the tenant.', evidence)
  }
  found.metadata = metadata
  evidence.push({ label: 'Issuer', value: metadata.issuer || '(none)', entryId: null })
  const base = read.url.replace(/\/\.well-known\/openid-configuration$/, '')
  const { matches, tenant: issuerTenant } = issuerMatches(metadata.issuer, base)
  if (!matches) {
    return failed(`The authority's discovery document names the issuer ${metadata.issuer || '(none)'}, not ${base}: tokens would not validate against it.`, `Use the issuer's own URL as the authority (${metadata.issuer.replace(/\/v2\.0\/?$/, '') || 'see the document'}), or fix the authority's configuration.`, evidence)
  }
  if (issuerTenant && GUID.test(issuerTenant) && found.orgTenant && GUID.test(found.orgTenant) && issuerTenant.toLowerCase() !== found.orgTenant.toLowerCase()) {
    return failed(`The authority is tenant ${issuerTenant}, but the org belongs to tenant ${found.orgTenant}.`, `Set the environment's tenant to ${found.orgTenant}.`, evidence)
  }
  return passed(`${resolved.authority} publishes its OpenID configuration; issuer ${metadata.issuer}.`, evidence)
}

/**
 * The issuer must be the authority the document was read from. Entra's multi-tenant documents name it with a
 * {tenantid} placeholder, and a tenant given by domain (or organizations) comes back as the tenant's id.
 */
export function issuerMatches(issuer: string, base: string): { matches: boolean; tenant: string | null } {
  const norm = (u: string) => u.replace(/\/+$/, '').toLowerCase()
  const segment = tenantSegment(base)
  if (norm(issuer) === norm(base)) return { matches: true, tenant: segment && GUID.test(segment) ? segment : null }
  if (!segment) return { matches: false, tenant: null }
  const at = norm(base).indexOf(`/${segment.toLowerCase()}`)
  const before = norm(base).slice(0, at)
  const after = norm(base).slice(at + segment.length + 1)
  const m = new RegExp(`^${escape(before)}/([^/]+)${escape(after)}$`).exec(norm(issuer))
  if (!m || (m[1] !== '{tenantid}' && !GUID.test(m[1]!))) return { matches: false, tenant: null }
  return { matches: true, tenant: GUID.test(m[1]!) ? m[1]! : null }
}

function tenantSegment(base: string): string | null {
  const parts = new URL(base).pathname.split('/').filter(Boolean)
  return parts[0] && parts[0] !== 'adfs' && parts[0] !== 'oidc' ? parts[0] : null
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const NOT_MEMBER = '0x80072560'

/** 5. WhoAmI with the token: the org knows the identity (a systemuser, or an application user for an app). */
export async function checkWhoAmI(ports: DoctorPorts, found: Findings): Promise<Outcome> {
  if (!found.token) return skipped('No token to call the org with (check 3).')
  if (!found.orgReachable) return skipped('The org did not answer (check 1).')
  const { env } = found
  let response
  try {
    response = await get(ports, found, `${env.orgUrl}${WEB_API}/WhoAmI`, 'api', found.token)
  } catch (error) {
    return unreachable(error, env.orgUrl, 'Check the network and try again.')
  }
  const evidence: Evidence[] = [evidenceOf(response, 'GET WhoAmI')]
  if (response.status === 200) {
    const who = JSON.parse(response.body.text) as { UserId?: string; OrganizationId?: string }
    return passed(`The org knows this identity: systemuser ${who.UserId ?? '?'} in organization ${who.OrganizationId ?? '?'}.`, evidence)
  }
  const error = errorMessageOf(response.body.text)
  const claims = found.decoded?.kind === 'jwt' ? found.decoded.claims : {}
  const app = found.decoded?.kind === 'jwt' && found.decoded.identity === 'app'
  const clientId = String(claims.appid ?? claims.azp ?? claims.client_id ?? ('clientId' in env.auth ? env.auth.clientId : ''))
  if (response.status === 403 && error?.code === NOT_MEMBER) {
    if (app) {
      return failed(`The org has no application user for the app ${clientId} (Dataverse ${NOT_MEMBER}: "${error.message}").`, `Create one: Power Platform admin center → Environments → this environment → Settings → Users + permissions → Application users → New app user → add the app (client id ${clientId}), choose its business unit, then Edit security roles and give it the least role that works. It takes effect at once.`, evidence)
    }
    const user = String(claims.upn ?? claims.preferred_username ?? claims.unique_name ?? 'the signed-in user')
    return failed(`${user} has no enabled user in this org (Dataverse ${NOT_MEMBER}: "${error.message}").`, `Add the user to the environment: Power Platform admin center → Environments → this environment → Settings → Users → Add user (${user}), then Manage security roles. If the environment has a security group, the user must be in it; a new user can take a few minutes to appear.`, evidence)
  }
  if (response.status === 401) {
    const reason = header(response, 'x-orgbench-sandbox-reason') ?? header(response, 'www-authenticate') ?? ''
    return failed(`The org refused the token (401)${reason ? `: ${reason}` : ''}.`, 'See check 4: the token must be for this org (its aud), from its tenant, and not expired.', evidence)
  }
  return failed(`WhoAmI answered ${response.status}${error ? `: ${error.message}` : ''}.`, 'Open the exchange in the traffic log: the org\'s error names the problem.', evidence)
}

import { X509Certificate } from 'node:crypto'
import { randomUUID } from 'node:crypto'
import type { ResolvedAuthProfile } from '../../../shared/environment'
import { AppError } from '../../../shared/errors'
import type { AuthExplanation, DecodedToken } from '../../../shared/auth'
import { decodeToken } from '../auth/jwt'
import { explainAadsts } from '../auth/oauthErrors'
import { failed, get, GUID, passed, skipped, type DoctorPorts, type Evidence, type Findings, type Outcome } from './context'

const INTERACTIVE = new Set(['authorization_code', 'implicit', 'device_code', 'preapproved'])
/** Entra accepts tokens up to five minutes early or late; beyond that this computer's clock is the problem. */
const MAX_SKEW_SECONDS = 300

const fmt = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')

/** A certificate in the profile that is not valid now cannot sign an assertion the authority accepts: say so before trying. */
function certificateProblem(profile: ResolvedAuthProfile, now: number): Outcome | null {
  if (profile.grant !== 'client_credentials' || profile.credential !== 'certificate' || !profile.certificatePem.trim()) return null
  let cert: X509Certificate
  try {
    cert = new X509Certificate(profile.certificatePem)
  } catch {
    return failed('The certificate in the profile could not be read.', 'Paste the PEM certificate (-----BEGIN CERTIFICATE----- …) the app registration has, or import the .pfx.')
  }
  const from = Date.parse(cert.validFrom)
  const to = Date.parse(cert.validTo)
  const evidence: Evidence[] = [{ label: 'Certificate', value: `${cert.subject.replace(/\n/g, ', ')}, valid ${fmt(from)} – ${fmt(to)}, SHA-1 ${cert.fingerprint.replace(/:/g, '')}`, entryId: null }]
  if (to < now) return failed(`The certificate expired on ${fmt(to)}: the authority refuses assertions it signs (AADSTS700027 or 7000274).`, 'Create a new certificate, upload its public part (.cer or .pem) under the app registration\'s Certificates & secrets, and put it and its key in the profile.', evidence)
  if (from > now) return failed(`The certificate is not valid until ${fmt(from)}.`, 'Check this computer\'s clock, or use a certificate that is already valid.', evidence)
  return null
}

async function acquire(ports: DoctorPorts, found: Findings, profile: ResolvedAuthProfile, signInId: string): Promise<{ token: string; how: string }> {
  const id = found.env.id
  if (!INTERACTIVE.has(profile.grant)) {
    // Always a fresh token: a cached one would hide an expired secret or a revoked password.
    return { token: (await ports.auth.oneOffToken(id, {}, signInId)).accessToken, how: `a new token with ${profile.grant}` }
  }
  const current = await ports.auth.status(id)
  if (current) return { token: await ports.auth.accessToken(id), how: `the environment's token (${profile.grant}${current.account ? `, ${current.account.username}` : ''})` }
  await ports.auth.signIn(id, signInId)
  return { token: await ports.auth.accessToken(id), how: `a new sign-in with ${profile.grant}` }
}

/**
 * Before a browser is opened: ask the authorize endpoint as a browser would. Entra (and the Sandbox) answer an unknown
 * client or an unregistered redirect URI with an error page, which would leave the sign-in waiting forever.
 */
async function probeAuthorize(ports: DoctorPorts, found: Findings, profile: ResolvedAuthProfile): Promise<Outcome | null> {
  if ((profile.grant !== 'authorization_code' && profile.grant !== 'implicit') || !found.metadata?.authorization_endpoint || !profile.clientId) return null
  const url = new URL(found.metadata.authorization_endpoint)
  url.searchParams.set('client_id', profile.clientId)
  url.searchParams.set('response_type', profile.grant === 'implicit' ? 'token' : 'code')
  url.searchParams.set('redirect_uri', 'http://localhost')
  url.searchParams.set('scope', `${found.env.orgUrl}/.default openid`)
  url.searchParams.set('state', 'orgbench-doctor')
  let response
  try {
    response = await get(ports, found, url.href, 'authorize')
  } catch {
    return null
  }
  const explanation = explainAadsts(response.body.text)
  if (!explanation || response.status >= 300 && response.status < 400) return null
  return failed(`${explanation.title}: the authorize endpoint refused the sign-in before showing it (${explanation.code}).`, explanation.fix, [{ label: 'GET authorize', value: `${response.status} ${explanation.code}`, entryId: response.entryId }])
}

/** 3. A token can be had with the profile; when not, the authority's reason explained with the fix. */
export async function checkToken(ports: DoctorPorts, found: Findings): Promise<Outcome> {
  const { env } = found
  if (env.auth.grant === 'none') return failed(`"${env.name}" has no sign-in profile.`, 'Choose a grant in Edit environment → Sign-in (authorization code + PKCE for a person, client credentials for a service).')
  const profile = await ports.environments.resolveAuth(env.id)
  const now = ports.now?.() ?? Date.now()
  const certificate = certificateProblem(profile, now)
  if (certificate) return certificate
  const probe = await probeAuthorize(ports, found, profile)
  if (probe) return probe
  const signInId = `doctor-${randomUUID()}`
  const entries = (): Evidence[] => ports.signInEntries(signInId).map((entryId, i) => ({ label: `Sign-in exchange ${i + 1}`, value: '', entryId }))
  try {
    const { token, how } = await acquire(ports, found, profile, signInId)
    found.token = token
    found.decoded = decodeToken(token)
    return passed(`Got ${how}${'clientId' in profile && profile.clientId ? ` for client ${profile.clientId}` : ''}.`, entries())
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const explanation = ((error instanceof AppError ? (error.detail as { explanation?: AuthExplanation } | undefined)?.explanation : undefined) ?? explainAadsts(message)) as AuthExplanation | null | undefined
    let fix = explanation?.fix ?? 'Open the sign-in exchanges in the traffic log: the authority\'s answer names the problem.'
    if (profile.grant === 'client_credentials' && GUID.test(profile.clientSecret.trim()) && /7000215/.test(message)) fix = `The secret in the profile is a GUID: that is the secret's ID, not its value. Paste the Value column (shown once, when the secret was created); create a new secret if it is lost.`
    return failed(message, fix, entries())
  }
}

/** The token's claims when it is a JWT (an opaque token is the org's to read). */
function jwtOf(found: Findings): Extract<DecodedToken, { kind: 'jwt' }> | null {
  return found.decoded?.kind === 'jwt' ? found.decoded : null
}

/** 4. The token's aud is the org, its tid the org's tenant, it is valid now, and this computer's clock agrees with the authority's. */
export async function checkClaims(_ports: DoctorPorts, found: Findings, now: number): Promise<Outcome> {
  if (!found.token) return skipped('No token to read (check 3).')
  const jwt = jwtOf(found)
  if (!jwt) return skipped('The token is not a JWT: only the org can read it.')
  const { claims } = jwt
  const { env } = found
  const evidence: Evidence[] = []
  const aud = jwt.audience ?? ''
  evidence.push({ label: 'aud', value: aud, entryId: null })
  const norm = (u: string) => u.replace(/\/+$/, '').toLowerCase()
  if (norm(aud) !== norm(env.orgUrl)) {
    const scopes = 'scopes' in env.auth ? env.auth.scopes : ''
    return failed(`The token is for ${aud}, not this org (${env.orgUrl}): the org answers it with 401.`, `Ask for the scope ${env.orgUrl}/.default${scopes ? ` (the profile's scopes are "${scopes}")` : ''}: clear the profile's scopes, or name this org in them.`, evidence)
  }
  const tid = typeof claims.tid === 'string' ? claims.tid : null
  if (tid) evidence.push({ label: 'tid', value: tid, entryId: null })
  if (tid && found.orgTenant && GUID.test(found.orgTenant) && tid.toLowerCase() !== found.orgTenant.toLowerCase()) {
    return failed(`The token comes from tenant ${tid}, but the org belongs to tenant ${found.orgTenant}.`, `Set the environment's tenant to ${found.orgTenant}: a guest must sign in to the org's tenant, not their home tenant.`, evidence)
  }
  if (found.authorityClock) {
    const skew = Math.round((found.authorityClock.ours - found.authorityClock.theirs) / 1000)
    evidence.push({ label: 'Clock skew to the authority', value: `${skew} s`, entryId: null })
    if (Math.abs(skew) > MAX_SKEW_SECONDS) return failed(`This computer's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the authority's: tokens look expired or not yet valid.`, 'Set this computer\'s date and time automatically (from the network) and sign in again.', evidence)
  }
  const exp = jwt.expiresAt !== null ? jwt.expiresAt * 1000 : null
  if (exp !== null) {
    evidence.push({ label: 'exp', value: fmt(exp), entryId: null })
    if (exp <= now) return failed(`The token expired at ${fmt(exp)}.`, 'Sign in again (or refresh): expired tokens are answered with 401.', evidence)
  }
  const nbf = typeof claims.nbf === 'number' ? claims.nbf * 1000 : null
  if (nbf !== null && nbf - now > MAX_SKEW_SECONDS * 1000) return failed(`The token is not valid until ${fmt(nbf)}: this computer's clock is behind.`, 'Set this computer\'s date and time automatically and sign in again.', evidence)
  return passed(`For ${aud}${tid ? `, tenant ${tid}` : ''}, valid until ${exp !== null ? fmt(exp) : '(no expiry)'}.`, evidence)
}

/** 6. Delegated tokens carry Dataverse's user_impersonation; app tokens carry the roles expected, or none. */
export async function checkPermissions(found: Findings): Promise<Outcome> {
  if (!found.token) return skipped('No token to read (check 3).')
  const jwt = jwtOf(found)
  if (!jwt) return skipped('The token is not a JWT: only the org can read it.')
  const { claims, scopes: scp, roles } = jwt
  if (jwt.identity === 'app') {
    return passed(roles.length ? `An application token with the roles ${roles.join(', ')}; Dataverse authorizes it by its application user's security roles.` : 'An application token without app roles, as Dataverse expects: it authorizes the app by its application user\'s security roles.', [{ label: 'roles', value: roles.join(' ') || '(none)', entryId: null }])
  }
  const evidence: Evidence[] = [{ label: 'scp', value: scp.join(' ') || '(none)', entryId: null }]
  if (!scp.includes('user_impersonation')) {
    const clientId = String(claims.appid ?? claims.azp ?? '')
    return failed(`The token's scp is "${scp.join(' ') || 'empty'}", without user_impersonation: the app is not allowed to act for the user in Dataverse.`, `In the app registration${clientId ? ` (${clientId})` : ''}: API permissions → Add a permission → Dynamics CRM → Delegated permissions → user_impersonation; grant admin consent if the tenant requires it, then sign in again.`, evidence)
  }
  return passed('A delegated token with user_impersonation: the app acts as the user, with the user\'s security roles.', evidence)
}

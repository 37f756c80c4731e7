import { createHash } from 'node:crypto'
import type { SignInSequence, TrafficEntry } from '../../../shared/traffic'
import { decodeToken } from '../auth/jwt'

type Actor = SignInSequence['legs'][number]['from']
type Check = SignInSequence['checks'][number]

function params(text: string): URLSearchParams {
  return new URLSearchParams(text)
}

function urlParams(url: string): URLSearchParams {
  try {
    const u = new URL(url)
    const merged = new URLSearchParams(u.search)
    if (u.hash.length > 1) for (const [k, v] of new URLSearchParams(u.hash.slice(1))) merged.append(k, v)
    return merged
  } catch {
    return new URLSearchParams()
  }
}

function json(text: string | undefined): Record<string, unknown> | null {
  if (!text) return null
  try {
    const value = JSON.parse(text) as unknown
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

const claimsOf = (token: unknown): Record<string, unknown> | null => {
  if (typeof token !== 'string') return null
  const d = decodeToken(token)
  return d.kind === 'jwt' ? d.claims : null
}

function leg(entry: TrafficEntry): SignInSequence['legs'][number] {
  const base = { entryId: entry.id, seq: entry.seq, startedAt: entry.startedAt, durationMs: entry.durationMs, status: entry.status }
  const path = (() => {
    try {
      return new URL(entry.url).pathname
    } catch {
      return entry.url
    }
  })()
  const at = (from: Actor, to: Actor, label: string) => ({ ...base, from, to, label })
  switch (entry.kind) {
    case 'discovery':
      return at('app', 'authority', `Discovery: ${path.split('/').pop() || 'metadata'}`)
    case 'authorize':
      return at('browser', 'authority', 'Sign-in page opened in the browser (authorize)')
    case 'callback':
      return at('browser', 'loopback', `Redirect back to the app (${entry.method === 'POST' ? 'form_post' : 'query'})`)
    case 'token': {
      const grant = params(entry.requestBody?.encoding === 'utf8' ? entry.requestBody.text : '').get('grant_type') ?? 'token'
      return at('app', 'authority', `Token request (${grant})`)
    }
    case 'api':
      return at('app', 'org', `First call with the token: ${entry.method} ${path}`)
    default:
      return at('app', 'authority', `${entry.method} ${path}`)
  }
}

/**
 * A sign-in as a developer draws it: its legs in order (app, browser, authority, the loopback redirect, the token
 * endpoint, then the org) with their timings, and the checks that prove it went right, each passed, failed or
 * skipped with why: PKCE (the verifier sent hashes to the challenge), state, nonce, the token's audience and the ID
 * token's issuer. Read from the recorded entries with their secrets (call with unmasked entries).
 */
export function signInSequence(entries: readonly TrafficEntry[], firstApiCall: TrafficEntry | null, orgUrl: string | null): SignInSequence {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq)
  const legs = [...sorted, ...(firstApiCall ? [firstApiCall] : [])].map(leg)
  const authorize = sorted.find((e) => e.kind === 'authorize')
  const callback = sorted.find((e) => e.kind === 'callback')
  const token = [...sorted].reverse().find((e) => e.kind === 'token' && (e.status ?? 0) < 400) ?? sorted.find((e) => e.kind === 'token')
  // Entra has two discovery documents (v1 and v2.0), each with its own issuer: the ID token must match one of them.
  const issuers = sorted
    .filter((e) => e.kind === 'discovery')
    .map((e) => json(e.responseBody?.text)?.issuer)
    .filter((i): i is string => typeof i === 'string')
  const asked = authorize ? urlParams(authorize.url) : null
  const answered = callback ? (callback.method === 'POST' && callback.requestBody?.encoding === 'utf8' ? params(callback.requestBody.text) : urlParams(callback.url)) : null
  const tokenForm = token?.requestBody?.encoding === 'utf8' ? params(token.requestBody.text) : null
  const tokenAnswer = json(token?.responseBody?.text)
  const implicit = answered && (answered.has('access_token') || answered.has('id_token')) ? answered : null
  const idClaims = claimsOf(tokenAnswer?.id_token ?? implicit?.get('id_token'))
  const bearer = firstApiCall?.requestHeaders.find(([k]) => k.toLowerCase() === 'authorization')?.[1]?.replace(/^Bearer\s+/i, '')
  const accessClaims = claimsOf(tokenAnswer?.access_token ?? implicit?.get('access_token') ?? bearer)
  const checks: Check[] = []

  // PKCE: the code_challenge sent to authorize is the S256 hash of the code_verifier sent with the code.
  const challenge = asked?.get('code_challenge')
  const verifier = tokenForm?.get('code_verifier')
  if (!authorize || !tokenForm?.has('code')) checks.push({ name: 'PKCE', status: 'skipped', detail: 'No authorization code was exchanged in this sign-in.' })
  else if (!challenge || !verifier) checks.push({ name: 'PKCE', status: 'failed', detail: !challenge ? 'The authorize request carried no code_challenge.' : 'The token request carried no code_verifier.' })
  else {
    const s256 = createHash('sha256').update(verifier).digest('base64url')
    const ok = asked!.get('code_challenge_method') === 'S256' ? s256 === challenge : verifier === challenge
    checks.push({ name: 'PKCE', status: ok ? 'passed' : 'failed', detail: ok ? `code_verifier hashes (${asked!.get('code_challenge_method') ?? 'plain'}) to the code_challenge sent to authorize.` : 'The code_verifier does not match the code_challenge.' })
  }

  // state: what came back to the loopback is what was sent.
  const sentState = asked?.get('state')
  if (!authorize || !answered) checks.push({ name: 'state', status: 'skipped', detail: 'No browser redirect in this sign-in.' })
  else if (!sentState) checks.push({ name: 'state', status: 'failed', detail: 'The authorize request carried no state.' })
  else checks.push({ name: 'state', status: answered.get('state') === sentState ? 'passed' : 'failed', detail: answered.get('state') === sentState ? 'The redirect returned the state the app sent.' : `The redirect returned state "${answered.get('state') ?? '(none)'}", not the one sent.` })

  // nonce: the ID token carries the nonce the app sent.
  const sentNonce = asked?.get('nonce')
  if (!sentNonce) checks.push({ name: 'nonce', status: 'skipped', detail: authorize ? 'The authorize request asked for no nonce (no ID token expected).' : 'No authorize request in this sign-in.' })
  else if (!idClaims) checks.push({ name: 'nonce', status: 'failed', detail: 'A nonce was sent but no ID token came back.' })
  else checks.push({ name: 'nonce', status: idClaims.nonce === sentNonce ? 'passed' : 'failed', detail: idClaims.nonce === sentNonce ? 'The ID token carries the nonce the app sent.' : 'The ID token\'s nonce is not the one sent.' })

  // audience: the access token is for the org.
  const aud = typeof accessClaims?.aud === 'string' ? accessClaims.aud : null
  if (!orgUrl || !aud) checks.push({ name: 'audience', status: 'skipped', detail: !orgUrl ? 'The entries name no environment to check against.' : 'No readable access token (opaque, or not kept).' })
  else {
    const ok = aud.replace(/\/+$/, '').toLowerCase() === orgUrl.replace(/\/+$/, '').toLowerCase()
    checks.push({ name: 'audience', status: ok ? 'passed' : 'failed', detail: ok ? `The access token's aud is the org (${aud}).` : `The access token's aud is ${aud}, not the org ${orgUrl}: the org refuses it with 401.` })
  }

  // issuer: the ID token was issued by the authority the app discovered.
  if (!idClaims || !issuers.length) checks.push({ name: 'issuer', status: 'skipped', detail: !idClaims ? 'No ID token (Dataverse access tokens are v1 tokens whose iss is sts.windows.net, not the discovery issuer).' : 'The authority\'s discovery document is not among the entries.' })
  else {
    const expected = issuers.map((i) => i.replace('{tenantid}', String(idClaims.tid ?? '{tenantid}')))
    const ok = expected.includes(String(idClaims.iss))
    checks.push({ name: 'issuer', status: ok ? 'passed' : 'failed', detail: ok ? `The ID token's iss is the discovered issuer (${String(idClaims.iss)}).` : `The ID token's iss is ${String(idClaims.iss)}; discovery says ${expected.join(' or ')}.` })
  }

  const starts = legs.map((l) => Date.parse(l.startedAt))
  const ends = legs.map((l, i) => starts[i]! + (l.durationMs ?? 0))
  const totalMs = legs.length ? Math.max(...ends) - Math.min(...starts) : 0
  return { legs, checks, totalMs }
}

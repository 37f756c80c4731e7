import type { DoctorCheck, DoctorCheckId } from '../../../shared/doctor'
import { DOCTOR_CHECKS } from '../../../shared/doctor'
import type { DecodedToken, TokenView } from '../../../shared/auth'
import type { ResponseView } from '../../../shared/http'
import type { ProfileOverrides } from '../auth/overrides'
import type { OpenIdMetadata } from '../auth/authority'
import type { PreparedRequest, SendOptions, SendTarget } from '../http/executor'
import type { EnvironmentStore, StoredEnvironment } from '../store/environments'

/** What the doctor needs from the rest of core/ (Services provides it). */
export interface DoctorPorts {
  environments: EnvironmentStore
  target(environmentId: string): Promise<SendTarget>
  sendPrepared(prepared: PreparedRequest, target: SendTarget, options: SendOptions): Promise<ResponseView>
  requestTimeoutMs(): Promise<number>
  auth: {
    status(environmentId: string): Promise<TokenView | null>
    accessToken(environmentId: string): Promise<string>
    oneOffToken(environmentId: string, overrides: ProfileOverrides, signInId?: string): Promise<{ accessToken: string }>
    signIn(environmentId: string, signInId?: string): Promise<TokenView>
  }
  /** The traffic log's entries of one sign-in, oldest first. */
  signInEntries(signInId: string): string[]
  now?(): number
}

/** What the checks found so far: each later check reads what the earlier ones left here. */
export interface Findings {
  env: StoredEnvironment
  target: SendTarget
  /** The org answered at all (a failed check 1 for another reason still leaves it reachable). */
  orgReachable: boolean
  /** The tenant named by the org's 401 challenge. */
  orgTenant: string | null
  metadata: OpenIdMetadata | null
  /** The authority's clock (its Date header), ms since the epoch, and ours when it answered. */
  authorityClock: { theirs: number; ours: number } | null
  token: string | null
  /** The token read once (core/auth/jwt.ts: claims, audience, scopes, roles, user or app) for the checks after it. */
  decoded: DecodedToken | null
}

export type Evidence = DoctorCheck['evidence'][number]
export type Outcome = Omit<DoctorCheck, 'id' | 'title' | 'ms'>

export const passed = (summary: string, evidence: Evidence[] = []): Outcome => ({ status: 'passed', summary, fix: null, evidence })
export const failed = (summary: string, fix: string, evidence: Evidence[] = []): Outcome => ({ status: 'failed', summary, fix, evidence })
export const skipped = (summary: string): Outcome => ({ status: 'skipped', summary, fix: null, evidence: [] })

export function titleOf(id: DoctorCheckId): string {
  return DOCTOR_CHECKS.find((c) => c.id === id)!.title
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function header(response: ResponseView, name: string): string | undefined {
  return response.headers.find(([k]) => k.toLowerCase() === name)?.[1]
}

/** A GET as the doctor sends it: recorded in the traffic log like every exchange, with the environment's CA trusted. */
export async function get(ports: DoctorPorts, found: Findings, url: string, kind: SendOptions['kind'], token?: string): Promise<ResponseView> {
  const headers: [string, string][] = [['Accept', 'application/json']]
  if (token) headers.push(['Authorization', `Bearer ${token}`])
  return ports.sendPrepared({ method: 'GET', url: new URL(url), headers, body: null, contentType: '' }, found.target, { timeoutMs: await ports.requestTimeoutMs(), maxResponseBytes: 4 * 1024 * 1024, kind })
}

export function evidenceOf(response: ResponseView, label: string): Evidence {
  return { label, value: `${response.status} ${response.statusText}`.trim(), entryId: response.entryId }
}

/** Dataverse's (and OData's) error message from a body, when it has one. */
export function errorMessageOf(text: string): { code: string; message: string } | null {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }
    if (typeof body.error?.message === 'string') return { code: String(body.error.code ?? ''), message: body.error.message }
  } catch {
    // not JSON
  }
  return null
}

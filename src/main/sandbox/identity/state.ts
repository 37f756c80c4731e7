import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Seed, SeedApp, SeedUser } from '../seed'
import type { TokenSigner } from '../tokens'
import type { AuthorityKind, Dialect } from './dialect'

/** What every part of the identity side needs: the seed, where it is served, the signer, the clock and the in-memory state. */
export interface IdentityContext {
  seed: Seed
  /** https://127.0.0.1:<port>: tokens, discovery, the Web API. */
  base: string
  /** http://127.0.0.1:<pagesPort>: the pages a browser visits (it does not trust the Sandbox CA). */
  pages: string
  orgUrl: string
  /** Every resource tokens may be asked for: each org's URL and the Global Discovery Service. */
  resources: string[]
  /** The standards-only authority's issuer: `<base>/oidc`. */
  oidcIssuer: string
  signer: TokenSigner
  now: () => number
  state: IdentityState
}

/** One sign-in in progress on the sign-in page (authorize, or the device page after its code was entered). */
export interface Flow {
  id: string
  dialect: Dialect
  app: SeedApp
  redirectUri: string
  responseType: string
  responseMode: 'query' | 'fragment' | 'form_post'
  scopes: string[]
  resource: string | null
  state: string | null
  nonce: string | null
  challenge: string | null
  challengeMethod: 'S256' | 'plain'
  loginHint: string
  createdAt: number
  /** Set for the device code flow: which device code this sign-in approves. */
  deviceCode?: string
}

export interface AuthCode {
  authority: AuthorityKind
  clientId: string
  redirectUri: string
  challenge: string | null
  challengeMethod: 'S256' | 'plain'
  user: SeedUser
  scopes: string[]
  resource: string | null
  nonce: string | null
  expiresAt: number
  redeemed: boolean
}

export interface RefreshGrant {
  authority: AuthorityKind
  clientId: string
  user: SeedUser
  scopes: string[]
  resource: string
  expiresAt: number
}

export interface DeviceGrant {
  dialect: Dialect
  userCode: string
  clientId: string
  scopes: string[]
  resource: string
  expiresAt: number
  interval: number
  lastPoll: number
  status: 'pending' | 'approved' | 'declined' | 'redeemed'
  user: SeedUser | null
}

/** A person signed in on the Sandbox's sign-in page: what prompt=none finds through the session cookie. */
export interface Session {
  user: SeedUser
  expiresAt: number
}

export const CODE_TTL_MS = 10 * 60_000
export const FLOW_TTL_MS = 15 * 60_000
export const DEVICE_TTL_MS = 15 * 60_000
export const REFRESH_TTL_MS = 90 * 86_400_000
export const SESSION_TTL_MS = 8 * 3_600_000
const SWEEP_EVERY_MS = 60_000
const KEEP_EXPIRED_MS = 3_600_000

export class IdentityState {
  readonly flows = new Map<string, Flow>()
  readonly codes = new Map<string, AuthCode>()
  readonly refreshTokens = new Map<string, RefreshGrant>()
  readonly deviceGrants = new Map<string, DeviceGrant>()
  readonly usedJtis = new Map<string, number>()
  readonly sessions = new Map<string, Session>()
  private lastSweep = 0

  /** Forget what has expired, at most once a minute, so a long-running Sandbox does not grow without bound. */
  sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return
    this.lastSweep = now
    // Expired codes and grants are kept an hour more, so a late request still hears "expired" rather than "not valid".
    const gone = (expiresAt: number) => expiresAt + KEEP_EXPIRED_MS < now
    for (const [id, flow] of this.flows) if (gone(flow.createdAt + FLOW_TTL_MS)) this.flows.delete(id)
    for (const [id, code] of this.codes) if (gone(code.expiresAt)) this.codes.delete(id)
    for (const [id, grant] of this.refreshTokens) if (gone(grant.expiresAt)) this.refreshTokens.delete(id)
    for (const [id, grant] of this.deviceGrants) if (gone(grant.expiresAt)) this.deviceGrants.delete(id)
    for (const [id, until] of this.usedJtis) if (until < now) this.usedJtis.delete(id)
    for (const [id, session] of this.sessions) if (session.expiresAt < now) this.sessions.delete(id)
  }
}

export function b64url(bytes: Buffer): string {
  return bytes.toString('base64url')
}

export function randomId(bytes: number): string {
  return b64url(randomBytes(bytes))
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

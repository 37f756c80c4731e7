import type { DeviceCodeInfo } from '../../../../shared/auth'
import { AppError } from '../../../../shared/errors'
import type { RecordingNetworkClient } from '../network'
import { oauthFailure } from '../oauthErrors'
import { postToken, withOidcScopes } from './tokenEndpoint'
import type { GrantResult } from './types'

/** RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default." */
export const DEFAULT_INTERVAL_SECONDS = 5
/** RFC 8628 §3.5: on slow_down "the interval MUST be increased by 5 seconds for this and all subsequent requests". */
export const SLOW_DOWN_SECONDS = 5
/** When an authority leaves out expires_in (it is required), stop polling after this long anyway. */
const DEFAULT_EXPIRES_SECONDS = 15 * 60

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>

/** Wait, or reject as soon as the sign-in is cancelled. */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const cancelled = () => Object.assign(new Error('The sign-in was cancelled.'), { cancelled: true })
    if (signal.aborted) return reject(cancelled())
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort)
      resolve()
    }, ms)
    const abort = () => {
      clearTimeout(timer)
      reject(cancelled())
    }
    signal.addEventListener('abort', abort, { once: true })
  })

export interface DeviceFlowOptions {
  network: RecordingNetworkClient
  deviceAuthorizationEndpoint: string
  tokenEndpoint: string
  clientId: string
  scopes: string[]
  signal: AbortSignal
  /** Called once the authority has issued the code: show it to the person. */
  onCode(code: DeviceCodeInfo): void
  sleep?: Sleep
  now?: () => number
}

function seconds(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null
}

/** What to tell the person when the authority sends no `message` (it is not part of RFC 8628). */
export function deviceCodeMessage(userCode: string, verificationUri: string, complete: string | null): string {
  return `To sign in, open ${verificationUri} in a browser on any device and enter the code ${userCode}.${complete ? ` Or open ${complete}, which fills in the code for you.` : ''}`
}

/**
 * The device authorization grant exactly as RFC 8628 says, for authorities that are not Entra: the device
 * authorization endpoint from discovery, `user_code` and `verification_uri` shown (with `verification_uri_complete`
 * when given), polling every `interval` seconds (5 when absent, +5 after each `slow_down`) until the person signs
 * in, declines, the code expires, or the sign-in is cancelled. Every request goes through the traffic log.
 */
export async function deviceCodeRfc8628(o: DeviceFlowOptions): Promise<GrantResult> {
  const now = o.now ?? Date.now
  const wait = o.sleep ?? sleep
  const scopes = withOidcScopes(o.scopes)
  const response = await o.network.postForm(o.deviceAuthorizationEndpoint, new URLSearchParams({ client_id: o.clientId, scope: scopes.join(' ') }))
  const body = (response.body && typeof response.body === 'object' ? response.body : {}) as Record<string, unknown>
  if (response.status >= 400 || typeof body.error === 'string') throw oauthFailure({ error: text(body.error) ?? `http_${response.status}`, description: text(body.error_description) ?? '' })
  const deviceCode = text(body.device_code)
  const userCode = text(body.user_code)
  // verification_url: the name some providers used before RFC 8628 settled on verification_uri.
  const verificationUri = text(body.verification_uri) ?? text(body.verification_url)
  if (!deviceCode || !userCode || !verificationUri) throw new AppError('sign_in_failed', `The device authorization endpoint (${o.deviceAuthorizationEndpoint}) answered without ${!deviceCode ? 'device_code' : !userCode ? 'user_code' : 'verification_uri'}: it does not follow RFC 8628.`)
  const complete = text(body.verification_uri_complete)
  let interval = seconds(body.interval) ?? DEFAULT_INTERVAL_SECONDS
  const expiresIn = seconds(body.expires_in) ?? DEFAULT_EXPIRES_SECONDS
  const deadline = now() + expiresIn * 1000
  o.onCode({ userCode, verificationUri, verificationUriComplete: complete, message: text(body.message) ?? deviceCodeMessage(userCode, verificationUri, complete), expiresAt: Math.floor(deadline / 1000) })

  const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: o.clientId })
  for (;;) {
    if (now() + interval * 1000 > deadline) throw oauthFailure({ error: 'expired_token', description: `The code ${userCode} expired before the sign-in was finished.` })
    await wait(interval * 1000, o.signal)
    const answer = await postToken(o.network, o.tokenEndpoint, form, scopes)
    if (answer.ok) return answer.result
    if (answer.error === 'authorization_pending') continue
    if (answer.error === 'slow_down') {
      interval += SLOW_DOWN_SECONDS
      continue
    }
    throw oauthFailure(answer)
  }
}

import type { AuthenticationResult, ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node'
import type { DeviceCodeInfo, SignInStep } from '../../../../shared/auth'
import type { ResolvedAuthProfile } from '../../../../shared/environment'
import type { StoredEnvironment } from '../../store/environments'
import type { Authority, OpenIdMetadata } from '../authority'
import type { CallbackExchange } from '../loopback'
import type { RecordingNetworkClient } from '../network'
import type { Sleep } from './deviceCodeRfc8628'

export interface GrantResult {
  accessToken: string
  idToken: string | null
  /** Seconds since the epoch. */
  expiresAt: number | null
  scopes: string[]
  account: { homeAccountId: string; username: string; name: string; tenantId: string } | null
  /** Only for tokens from our own grants (RFC 8628 with OIDC authorities): msal keeps its refresh tokens in its cache. */
  refreshToken?: string | null
}

export type ConfidentialCredential = { kind: 'secret'; secret: string } | { kind: 'certificate'; thumbprintSha256: string; privateKey: string; x5c: string } | { kind: 'assertion'; assertion: string }

/** What a grant gets to work with: the environment, its profile (secrets decrypted), and the ports. */
export interface GrantContext<P extends ResolvedAuthProfile['grant'] = ResolvedAuthProfile['grant']> {
  env: StoredEnvironment
  profile: Extract<ResolvedAuthProfile, { grant: P }>
  authority: Authority
  scopes: string[]
  signal: AbortSignal
  interactiveTimeoutMs: number
  publicApp(clientId: string): PublicClientApplication
  confidentialApp(clientId: string, credential: ConfidentialCredential): ConfidentialClientApplication
  openBrowser(url: string): Promise<void>
  /** The authority's OpenID configuration (Entra: v1 or v2; any other authority: its one document), through the traffic log. */
  openIdConfiguration(version: 'v1' | 'v2'): Promise<OpenIdMetadata>
  /** The network client of this sign-in, for our own grants (RFC 8628, refresh): recorded in the traffic log. */
  network: RecordingNetworkClient
  /** How our own grants wait between polls (tests shorten it). */
  sleep: Sleep
  embeddedSignIn: ((url: string, redirectPrefix: string, signal: AbortSignal) => Promise<string>) | null
  progress(step: SignInStep, message: string, extra?: { authorizeUrl?: string; deviceCode?: DeviceCodeInfo }): void
  recordAuthorize(url: string): void
  recordCallback(exchange: CallbackExchange): void
}

export function fromMsal(result: AuthenticationResult | null): GrantResult {
  if (!result) throw new Error('MSAL returned no token.')
  return {
    accessToken: result.accessToken,
    idToken: result.idToken || null,
    expiresAt: result.expiresOn ? Math.floor(result.expiresOn.getTime() / 1000) : null,
    scopes: result.scopes,
    account: result.account ? { homeAccountId: result.account.homeAccountId, username: result.account.username, name: result.account.name ?? result.account.username, tenantId: result.account.tenantId } : null
  }
}

/** Reject when the sign-in is cancelled, whatever the grant is waiting for. */
export function cancellable<T>(work: Promise<T>, signal: AbortSignal, onCancel?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onCancel?.()
      reject(Object.assign(new Error('The sign-in was cancelled.'), { cancelled: true }))
    }
    if (signal.aborted) return abort()
    signal.addEventListener('abort', abort, { once: true })
    work.then(
      (v) => {
        signal.removeEventListener('abort', abort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort)
        reject(e)
      }
    )
  })
}

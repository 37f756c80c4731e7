import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'
import { AppError } from '../../../shared/errors'
import type { EntryKind } from '../../../shared/traffic'
import type { RequestExecutor, SendTarget } from '../http/executor'
import { oauthFailure, type OAuthErrorBody } from './oauthErrors'

export interface SignInContext {
  signInId: string
  grant: string
  target: SendTarget
  timeoutMs: number
  /** Extra headers on token requests, e.g. Origin for single-page apps. */
  tokenHeaders: Array<[string, string]>
  /**
   * The last network failure, with its explanation (msal reports TLS problems only as "endpoints_resolution_error"),
   * or a refusal msal would misreport (a refused device authorization), already explained.
   */
  lastError: AppError | null
  /** The last OAuth error answer (`{error, error_description}`) from the authority: explains msal's terse errors. */
  lastOAuthError: OAuthErrorBody | null
  /** Cancels the request in flight when the sign-in is cancelled. */
  signal?: AbortSignal
}

/** During a sign-in, GETs read discovery documents and keys; POSTs go to the token and device authorization endpoints. */
function kindOf(method: string): EntryKind {
  return method === 'GET' ? 'discovery' : 'token'
}

/**
 * MSAL's network client: every request it makes goes through our executor, so it lands in the traffic log
 * (kind discovery/token, linked to the sign-in) and uses the environment's TLS trust.
 */
export class RecordingNetworkClient implements INetworkModule {
  context: SignInContext | null = null

  constructor(private readonly executor: RequestExecutor) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options)
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options)
  }

  /** A form POST of our own grants (RFC 8628, refresh for OIDC authorities), recorded like msal's. */
  postForm(url: string, form: URLSearchParams): Promise<NetworkResponse<Record<string, unknown>>> {
    return this.send<Record<string, unknown>>('POST', url, { body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8', Accept: 'application/json' } })
  }

  private async send<T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const context = this.context
    if (!context) throw new AppError('internal', 'MSAL made a request outside a sign-in.')
    const headers: Array<[string, string]> = Object.entries(options?.headers ?? {}).map(([k, v]) => [k, String(v)])
    const kind = kindOf(method)
    if (kind === 'token') for (const h of context.tokenHeaders) headers.push(h)
    const body = options?.body ?? ''
    if (body && !headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/x-www-form-urlencoded;charset=utf-8'])
    let refused: AppError | null = null
    try {
      const response = await this.executor.sendPrepared(
        { method, url: new URL(url), headers, body: body ? Buffer.from(body, 'utf8') : null, contentType: 'application/x-www-form-urlencoded' },
        context.target,
        { timeoutMs: context.timeoutMs, maxResponseBytes: 5 * 1024 * 1024, kind, signInId: context.signInId, grant: context.grant, ...(context.signal ? { signal: context.signal } : {}) }
      )
      let parsed: unknown
      try {
        parsed = JSON.parse(response.body.text)
      } catch {
        throw new AppError('sign_in_failed', `${new URL(url).host} answered ${response.status} with something that is not JSON: is the authority URL right?`)
      }
      const answer = parsed as { error?: unknown; error_description?: unknown } | null
      if (response.status >= 400 && answer && typeof answer.error === 'string') {
        context.lastOAuthError = { error: answer.error, description: typeof answer.error_description === 'string' ? answer.error_description : '' }
        // msal-node goes on polling after a refused device authorization and reports the token endpoint's
        // bad_verification_code instead: the authority's first answer is the reason.
        if (/\/devicecode$/i.test(new URL(url).pathname)) refused = oauthFailure(context.lastOAuthError)
      }
      if (!refused) {
        const responseHeaders: Record<string, string> = {}
        for (const [k, v] of response.headers) responseHeaders[k] = v
        return { status: response.status, headers: responseHeaders, body: parsed as T }
      }
    } catch (error) {
      if (error instanceof AppError) context.lastError = error
      throw error
    }
    context.lastError = refused
    throw refused
  }
}

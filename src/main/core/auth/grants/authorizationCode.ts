import { AppError } from '../../../../shared/errors'
import { decodeToken } from '../jwt'
import { LoopbackListener } from '../loopback'
import { oauthFailure } from '../oauthErrors'
import { createPkce, randomToken } from '../pkce'
import { fromMsal, type GrantContext, type GrantResult } from './types'

/**
 * Authorization code + PKCE in the system browser with a loopback redirect. MSAL builds the authorize URL and
 * redeems the code; the listener is ours (127.0.0.1, state checked, one callback, our page, a timeout),
 * so the authorize request and the callback land in the traffic log.
 */
export async function authorizationCode(ctx: GrantContext<'authorization_code'>): Promise<GrantResult> {
  const { profile } = ctx
  if (!profile.clientId) throw new AppError('invalid_input', 'The profile needs the client id of a public client app registration (with the redirect URI http://localhost).')
  const app = ctx.publicApp(profile.clientId)
  const listener = await LoopbackListener.start({ port: profile.redirectPort, timeoutMs: ctx.interactiveTimeoutMs, signal: ctx.signal, onExchange: ctx.recordCallback })
  try {
    const pkce = createPkce()
    const state = randomToken()
    const nonce = randomToken()
    listener.expect(state)
    const url = await app.getAuthCodeUrl({
      scopes: ctx.scopes,
      redirectUri: listener.redirectUri,
      codeChallenge: pkce.challenge,
      codeChallengeMethod: pkce.method,
      state,
      nonce,
      responseMode: 'form_post',
      ...(profile.prompt ? { prompt: profile.prompt } : {}),
      ...(profile.loginHint ? { loginHint: profile.loginHint } : {}),
      ...(profile.domainHint ? { domainHint: profile.domainHint } : {})
    })
    ctx.recordAuthorize(url)
    ctx.progress('browser', 'Sign in in the browser window that opened.', { authorizeUrl: url })
    await ctx.openBrowser(url)
    const callback = await listener.wait()
    const error = callback.params.get('error')
    if (error) throw oauthFailure({ error, description: callback.params.get('error_description') ?? '' })
    const code = callback.params.get('code')
    if (!code) throw new AppError('sign_in_failed', 'The sign-in redirect carried no authorization code.')
    ctx.progress('redeeming', 'Redeeming the authorization code…')
    // State was checked by our listener; the nonce is checked by MSAL (msal-node 7 requires it when the id token has one) and again below.
    const clientInfo = callback.params.get('client_info')
    const result = fromMsal(await app.acquireTokenByCode({ code, codeVerifier: pkce.verifier, redirectUri: listener.redirectUri, scopes: ctx.scopes, nonce, ...(clientInfo ? { clientInfo } : {}) }))
    checkNonce(result.idToken, nonce)
    return result
  } finally {
    listener.close()
  }
}

/** The id token must carry the nonce this sign-in sent: otherwise it may be a replay. */
export function checkNonce(idToken: string | null, nonce: string): void {
  if (!idToken) return
  const decoded = decodeToken(idToken)
  if (decoded.kind === 'jwt' && decoded.claims.nonce !== undefined && decoded.claims.nonce !== nonce) {
    throw new AppError('sign_in_failed', 'The ID token\'s nonce does not match this sign-in: the response was refused (possible replay).')
  }
}

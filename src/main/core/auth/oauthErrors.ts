import type { AuthExplanation } from '../../../shared/auth'
import { AppError } from '../../../shared/errors'

/**
 * Sign-in failures explained in plain words with the fix: Entra's AADSTS codes, the standard OAuth 2.0 errors
 * (RFC 6749, RFC 8628, OpenID Connect) any authority answers with, and the few situations OrgBench itself detects.
 */

/** The AADSTS codes the Sandbox emits and the common real ones, explained with the fix. */
const KNOWN: Record<number, { title: string; explanation: string; fix: string }> = {
  700016: { title: 'Unknown application', explanation: 'The tenant has no app registration with this client id.', fix: 'Check the client id and the tenant: the app (its Application (client) ID) must be registered in, or consented to by, the tenant you sign in to.' },
  7000215: { title: 'Wrong client secret', explanation: 'The secret sent does not match any secret of the app.', fix: 'Use the secret\'s value (shown once when it was created), not its secret id. Create a new secret if the value is lost.' },
  7000222: { title: 'Client secret expired', explanation: 'The secret is past its expiry date.', fix: 'Create a new client secret in the app registration and update the environment.' },
  7000218: { title: 'A credential is required', explanation: 'The app is confidential (or "Allow public client flows" is off), so the token request needs a client secret or a certificate assertion.', fix: 'Add a client secret or certificate to the profile, or turn on "Allow public client flows" in the app registration for device code and password grants.' },
  700025: { title: 'Public client sent a secret', explanation: 'The app is registered as a public client, which never sends a secret.', fix: 'Remove the secret from the profile, or register the app as a confidential (web) client.' },
  700027: { title: 'Certificate not registered', explanation: 'The assertion was signed with a key whose certificate is not uploaded to the app.', fix: 'Upload the certificate (the .cer/.pem, not the key) to the app registration, and check the thumbprint.' },
  700024: { title: 'Assertion outside its valid time', explanation: 'The client assertion is expired or not yet valid.', fix: 'Create a fresh assertion (valid for a few minutes) and check this computer\'s clock.' },
  700021: { title: 'Assertion for another app', explanation: 'The assertion\'s iss/sub do not match the client id.', fix: 'Sign the assertion with iss and sub set to the client id.' },
  700023: { title: 'Assertion reused', explanation: 'This assertion (its jti) was already used.', fix: 'Create a new assertion with a new jti for every token request.' },
  700212: { title: 'Assertion audience is wrong', explanation: 'The assertion\'s aud is not this token endpoint.', fix: 'Set aud to the token endpoint URL of the tenant.' },
  50126: { title: 'Wrong user name or password', explanation: 'The credentials did not validate.', fix: 'Check the user name (user@domain) and the password. Federated (ADFS) accounts cannot use the password grant.' },
  50076: { title: 'Multi-factor authentication required', explanation: 'The user must complete MFA, which the password grant cannot do.', fix: 'Use authorization code (browser) or device code for this user; ROPC only works for accounts without MFA.' },
  50079: { title: 'MFA registration required', explanation: 'The user must register for MFA first.', fix: 'Sign in interactively once to register, then use an interactive grant.' },
  50011: { title: 'Redirect URI not registered', explanation: 'The redirect URI in the request is not one of the app\'s redirect URIs.', fix: 'Add this exact redirect URI to the app registration (Authentication → Mobile and desktop applications; for loopback, http://localhost without a port).' },
  500112: { title: 'Redirect URI changed', explanation: 'The code was redeemed with a different redirect URI from the one used to get it.', fix: 'Use the same redirect URI in the authorize and token requests.' },
  501481: { title: 'PKCE verifier mismatch', explanation: 'The code_verifier does not match the code_challenge sent when signing in.', fix: 'Send the verifier created with the challenge for this sign-in (sign in again).' },
  54005: { title: 'Code already used', explanation: 'An authorization code works once.', fix: 'Sign in again to get a new code; do not redeem the same code twice.' },
  70008: { title: 'Code or refresh token expired', explanation: 'The authorization code or refresh token is too old.', fix: 'Sign in again: codes last minutes, refresh tokens expire after inactivity.' },
  70000: { title: 'Grant not valid', explanation: 'The refresh token, code or device code is invalid, revoked or already used (refresh tokens work once).', fix: 'Sign in again; if it repeats, sign out first so no old refresh token is used.' },
  500011: { title: 'Resource not in the tenant', explanation: 'The tenant has no service principal for the requested resource (the org URL in the scope).', fix: 'Check the org URL in the scope (https://yourorg.crm.dynamics.com/.default) and that the tenant is the org\'s tenant.' },
  70011: { title: 'Scope not valid', explanation: 'The requested scope is not valid for this resource.', fix: 'For Dataverse use https://yourorg.crm.dynamics.com/.default or /user_impersonation.' },
  1002012: { title: 'Client credentials need /.default', explanation: 'App-only tokens can only request the .default scope.', fix: 'Set the scope to https://yourorg.crm.dynamics.com/.default.' },
  700022: { title: 'More than one resource', explanation: 'A token is for one resource; the scopes name several.', fix: 'Request scopes of one resource (the org) at a time.' },
  700051: { title: 'Implicit grant is off', explanation: 'response_type=token is not enabled for the app.', fix: 'Enable "Access tokens (used for implicit flows)" in the app registration, or better use authorization code + PKCE.' },
  700054: { title: 'ID tokens by implicit grant are off', explanation: 'response_type=id_token is not enabled for the app.', fix: 'Enable "ID tokens" in the app registration, or use authorization code + PKCE.' },
  900144: { title: 'Missing parameter', explanation: 'The request lacks a required parameter.', fix: 'Fill in the field the message names in the sign-in profile.' },
  90002: { title: 'Tenant not found', explanation: 'The tenant in the authority does not exist (in this cloud).', fix: 'Check the tenant id or domain and the cloud; use "Discover tenant" to read it from the org URL.' },
  9002327: { title: 'Single-page app needs an Origin', explanation: 'The app is registered as a single-page application; its tokens may only be redeemed with an Origin header.', fix: 'Set "SPA origin" in the profile (e.g. http://localhost), or register the redirect URI under "Mobile and desktop applications".' },
  70016: { title: 'Waiting for the user', explanation: 'The device code sign-in is not finished yet.', fix: 'Enter the code at the verification page and sign in.' },
  70019: { title: 'Device code expired', explanation: 'The code was not used in time.', fix: 'Start the device code sign-in again.' },
  65001: { title: 'Consent missing', explanation: 'The user or an admin has not consented to the app.', fix: 'Sign in interactively once and consent, or ask an admin to grant consent for the tenant.' },
  65004: { title: 'Consent declined', explanation: 'The user declined the sign-in or the consent.', fix: 'Sign in again and accept.' },
  50058: { title: 'No signed-in session', explanation: 'A silent sign-in found no session.', fix: 'Sign in interactively (remove prompt=none).' },
  50059: { title: 'Tenant not identified', explanation: 'No tenant could be found for the request (often a personal account on /organizations).', fix: 'Set the tenant id in the environment.' },
  53003: { title: 'Blocked by Conditional Access', explanation: 'A Conditional Access policy refused this sign-in.', fix: 'Ask the tenant admin which policy applies (device, location, app).' },
  7000216: { title: 'Bad Basic authentication', explanation: 'The Authorization header is not base64(client_id:client_secret).', fix: 'Send the client id and secret as client_id/client_secret form fields, or fix the Basic header.' },
  50027: { title: 'Malformed client assertion', explanation: 'The client assertion is not a valid JWT (or lacks a required claim such as jti).', fix: 'Create the assertion as an RS256/PS256 JWT with iss, sub, aud, jti, nbf and exp, signed with the registered certificate\'s key.' },
  9002313: { title: 'Malformed request or code', explanation: 'The request is malformed, or the authorization code is not one the authority issued.', fix: 'Sign in again; if it repeats, compare the request with the traffic log.' },
  70005: { title: 'Unsupported response type', explanation: 'The authorize request asked for a response_type the app or authority does not support.', fix: 'Use code (authorization code + PKCE), or enable the implicit grant for token/id_token.' },
  70003: { title: 'Unsupported grant type', explanation: 'The token request used a grant_type the authority does not know.', fix: 'Choose one of the supported grants in the profile.' },
  70007: { title: 'Unsupported response mode', explanation: 'The response_mode is not allowed for this response type (tokens never go in the query).', fix: 'Use response_mode fragment or form_post for the implicit grant.' },
  90023: { title: 'Request not valid', explanation: 'The authority refused the request as malformed.', fix: 'Check the request in the traffic log; the message names the problem.' },
  90056: { title: 'Wrong endpoint', explanation: 'The request went to an endpoint that does not exist at this authority.', fix: 'Check the authority URL (cloud, tenant, /adfs for ADFS).' },
  50089: { title: 'Sign-in took too long', explanation: 'The sign-in page\'s flow expired before it was finished.', fix: 'Start the sign-in again and finish it within 15 minutes.' },
  501491: { title: 'Bad PKCE challenge', explanation: 'The code_challenge is malformed or its method is not supported.', fix: 'Use a 43–128 character verifier and code_challenge_method=S256.' },
  70018: { title: 'Wrong device code entered', explanation: 'The code typed on the device page does not match a pending sign-in.', fix: 'Type the code exactly as OrgBench shows it, before it expires.' }
}

/** Find the AADSTS code in an error and explain it. */
export function explainAadsts(text: string): AuthExplanation | null {
  const m = /AADSTS(\d+)/.exec(text)
  if (!m) return null
  const code = Number(m[1])
  // One code, two causes: Entra says which in the message's Reason.
  if (code === 700027 && /key used is expired/i.test(text)) return { code: 'AADSTS700027', title: 'Certificate expired', explanation: 'The assertion was signed with a certificate that has expired.', fix: 'Create a new certificate, upload its public part (.cer or .pem) under the app registration\'s Certificates & secrets, and put it and its key in the profile.' }
  const known = KNOWN[code]
  if (!known) return { code: `AADSTS${code}`, title: 'Sign-in refused', explanation: 'The identity platform refused the request with this code.', fix: `Look the code up at https://login.microsoftonline.com/error?code=${code}.` }
  return { code: `AADSTS${code}`, ...known }
}

type Explained = { title: string; explanation: string; fix: string }

/** The `error` values of RFC 6749 §5.2 and §4.1.2.1, RFC 8628 §3.5 and OpenID Connect Core §3.1.2.6. */
const OAUTH: Record<string, Explained> = {
  invalid_request: { title: 'Request not valid', explanation: 'The authority refused the request as malformed: a parameter is missing, repeated or not valid.', fix: 'Compare the request in the traffic log with what the authority expects; the description names the parameter.' },
  invalid_client: { title: 'Client authentication failed', explanation: 'The authority does not know this client id, or did not accept its credentials (secret, certificate, assertion) or the way they were sent.', fix: 'Check the client id, and the secret or certificate registered for the client at the authority. A public client sends no secret; a confidential one must.' },
  invalid_grant: { title: 'Grant not valid', explanation: 'The authorization code, refresh token, device code or user credentials are not valid: expired, revoked, already used, issued to another client, or the redirect URI or PKCE verifier does not match.', fix: 'Sign in again. For the password grant, check the user name and password.' },
  unauthorized_client: { title: 'Grant not allowed for this client', explanation: 'The client is registered, but not allowed to use this grant.', fix: 'Enable this grant for the client at the authority (e.g. "direct access grants" for password, "device authorization" for device code, service accounts for client credentials), or choose another grant.' },
  unsupported_grant_type: { title: 'Grant not supported', explanation: 'The authority does not support this grant_type.', fix: 'Choose a grant the authority supports: its OpenID configuration lists them under grant_types_supported.' },
  invalid_scope: { title: 'Scope not valid', explanation: 'A requested scope is unknown to the authority, malformed, or more than the client may ask for.', fix: 'Check the scopes in the sign-in profile against the scopes the client is allowed at the authority.' },
  access_denied: { title: 'Access denied', explanation: 'The user declined, or the authority refused to grant access to this client.', fix: 'Sign in again and accept; if the authority refuses, ask its administrator to allow this client for the user.' },
  authorization_declined: { title: 'Access denied', explanation: 'The user declined the sign-in on the device page.', fix: 'Start the device code sign-in again and accept.' },
  unsupported_response_type: { title: 'Response type not supported', explanation: 'The authority (or this client) does not allow the requested response_type.', fix: 'Use authorization code + PKCE, or enable the implicit flow for the client at the authority.' },
  server_error: { title: 'The authority failed', explanation: 'The authority hit an internal error.', fix: 'Try again in a moment; if it repeats, the authority\'s administrator can look the request up in its logs.' },
  temporarily_unavailable: { title: 'The authority is busy', explanation: 'The authority is overloaded or in maintenance.', fix: 'Try again in a moment.' },
  consent_required: { title: 'Consent required', explanation: 'The user (or an administrator) has not consented to what this client asks for.', fix: 'Sign in interactively with prompt=consent (Edit environment → Prompt), or ask an administrator to grant consent.' },
  interaction_required: { title: 'Interaction required', explanation: 'The authority needs the user at a browser (multi-factor authentication, terms, a changed password…), which this grant cannot offer.', fix: 'Sign in with an interactive grant: authorization code + PKCE in the browser, or device code.' },
  login_required: { title: 'Sign-in required', explanation: 'A silent sign-in found no session at the authority.', fix: 'Sign in interactively (set Prompt to something other than none).' },
  account_selection_required: { title: 'Choose an account', explanation: 'Several accounts are signed in at the authority and none was chosen.', fix: 'Sign in interactively with prompt=select_account.' },
  expired_token: { title: 'Device code expired', explanation: 'The code was not used before it expired.', fix: 'Start the device code sign-in again and enter the new code in time.' },
  no_refresh_token: { title: 'No refresh token', explanation: 'The authority returned no refresh token with this sign-in, so the token cannot be renewed without you.', fix: 'Add offline_access to the scopes (most authorities issue a refresh token only for it), or sign in once with prompt=consent so offline access is granted; then sign in again.' },
  client_assertion_expired: { title: 'New client assertion needed', explanation: 'The pasted client assertion has expired or was already used: an authority accepts each assertion (its jti) once and only until its exp, so the token cannot be renewed with it.', fix: 'Create a new signed assertion (new jti, exp a few minutes ahead) and paste it in the environment\'s sign-in profile — or use the certificate itself, which lets OrgBench sign a fresh assertion for every request.' }
}

/** Explain a standard OAuth error (`invalid_client`, `consent_required`, …); null for one we do not know. */
export function explainOAuthError(error: string): AuthExplanation | null {
  const known = Object.prototype.hasOwnProperty.call(OAUTH, error) ? OAUTH[error] : undefined
  return known ? { code: error, ...known } : null
}

/** An OAuth error answer as the authority sent it (RFC 6749 §5.2), read from the token endpoint's body. */
export interface OAuthErrorBody {
  error: string
  description: string
}

/** The first sentence of an error_description: Entra appends trace and correlation ids on further lines. */
function firstLine(text: string): string {
  return /(AADSTS\d+: .+?)(?:\r?\n|\s+Trace ID:|\s+- Correlation ID:|$)/s.exec(text)?.[1] ?? text.split(/\r?\n/)[0]!.trim()
}

/** An error answer from an authority, explained: AADSTS codes first (Entra), then the standard OAuth error. */
export function oauthFailure(body: OAuthErrorBody): AppError {
  const description = firstLine(body.description)
  const explanation = explainAadsts(body.description) ?? explainOAuthError(body.error)
  const said = description || body.error
  if (explanation) return new AppError('sign_in_failed', `${explanation.title}: ${said}`, { explanation, error: body.error })
  return new AppError('sign_in_failed', `The authority refused the sign-in: ${said}`, { error: body.error })
}

/** An error OrgBench detects itself (no refresh token, an expired client assertion), explained the same way. */
export function knownFailure(code: 'no_refresh_token' | 'client_assertion_expired', said: string): AppError {
  return new AppError('sign_in_required', `${OAUTH[code]!.title}: ${said}`, { explanation: explainOAuthError(code) })
}

/** What msal-node's errors look like from outside: `errorCode: message`, server errors wrapped in "Error(s): … - Description: …". */
const MSAL_SERVER_TEXT = /Error\(s\): .*? - Timestamp: .*? - Description: (.*?) - Correlation ID: .*$/s

/**
 * Turn an MSAL, network or our own error into one a person can act on. `oauth` is the last OAuth error body
 * the authority sent during this sign-in (captured by the network client), the most faithful source.
 */
export function explainSignInError(error: unknown, seen: { network: AppError | null; oauth: OAuthErrorBody | null }): AppError {
  if (error instanceof AppError) return error
  // The network client already explained an authority's refusal that msal would report as something else.
  if (seen.network?.code === 'sign_in_failed' && (seen.network.detail as { explanation?: unknown } | undefined)?.explanation) return seen.network
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { errorCode?: string }).errorCode ?? ''
  if (seen.network && (!/AADSTS/.test(message) || code === 'endpoints_resolution_error')) return new AppError(seen.network.code, `Sign-in could not reach the authority: ${seen.network.message}`, seen.network.detail)
  switch (code) {
    case 'endpoints_resolution_error':
      return new AppError('sign_in_failed', 'The authority\'s OpenID configuration could not be loaded: check the cloud, tenant and authority URL, and (on-premises) the environment\'s CA certificate.')
    case 'issuer_validation_failed':
      return new AppError('sign_in_failed', 'The authority\'s OpenID configuration names an issuer on another host than the authority URL: use the issuer URL from that document as the authority.')
    case 'authority_uri_insecure':
      return new AppError('invalid_input', 'The authority must use https.')
    case 'no_tokens_found':
    case 'refresh_token_expired':
      return knownFailure('no_refresh_token', 'there is no refresh token for this account in the token cache.')
  }
  const server = MSAL_SERVER_TEXT.exec(message)?.[1]
  if (seen.oauth && (code === seen.oauth.error || server !== undefined)) return oauthFailure(seen.oauth)
  if (server !== undefined) return oauthFailure({ error: code, description: server === 'Not Available' ? '' : server })
  if (/AADSTS\d+/.test(message)) return oauthFailure({ error: code, description: message.replace(/^[a-z_]+: /, '') })
  if (code && explainOAuthError(code)) return oauthFailure({ error: code, description: message.slice(code.length).replace(/^: /, '') })
  const first = message.split(/\r?\n/)[0]!.replace(/^[a-z_]+: /, '')
  return new AppError('sign_in_failed', first || 'The sign-in failed.')
}

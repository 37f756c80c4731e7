import type { AuthExplanation } from '../../../shared/auth'

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
  const known = KNOWN[code]
  if (!known) return { code: `AADSTS${code}`, title: 'Sign-in refused', explanation: 'The identity platform refused the request with this code.', fix: `Look the code up at https://login.microsoftonline.com/error?code=${code}.` }
  return { code: `AADSTS${code}`, ...known }
}

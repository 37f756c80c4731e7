import { AppError } from '../../../../shared/errors'
import { certificateThumbprints } from '../../tls/pem'
import { createHash } from 'node:crypto'
import { decodeToken } from '../jwt'
import { knownFailure } from '../oauthErrors'
import { deviceCodeMessage, deviceCodeRfc8628 } from './deviceCodeRfc8628'
import { cancellable, fromMsal, type ConfidentialCredential, type GrantContext, type GrantResult } from './types'

/** Client credentials with a secret, a certificate (thumbprint computed from the PEM) or a signed assertion. */
export async function clientCredentials(ctx: GrantContext<'client_credentials'>, options: { forceRefresh?: boolean } = {}): Promise<GrantResult> {
  const { profile } = ctx
  if (!profile.clientId) throw new AppError('invalid_input', 'The profile needs the client id of the app registration that has an application user in this org.')
  const credential = credentialOf(profile)
  if (credential.kind === 'assertion') checkAssertionTime(credential.assertion)
  const app = ctx.confidentialApp(profile.clientId, credential)
  // Entra (and ADFS) issue app-only tokens for `<resource>/.default` only; other authorities take the scopes as they are.
  const entraLike = ctx.authority.protocol !== 'oidc'
  const scopes = !entraLike || (ctx.scopes.length === 1 && ctx.scopes[0]!.endsWith('/.default')) ? ctx.scopes : ctx.scopes.map((s) => s.replace(/\/[^/]*$/, '/.default'))
  return fromMsal(await app.acquireTokenByClientCredential({ scopes: [...new Set(scopes)], skipCache: Boolean(options.forceRefresh) }))
}

/**
 * A pasted assertion is valid until its `exp` and, at most authorities, once (its `jti`): say so before sending one
 * that has expired, rather than let the authority refuse it.
 */
export function checkAssertionTime(assertion: string, now = Date.now()): void {
  const decoded = decodeToken(assertion)
  const exp = decoded.kind === 'jwt' && typeof decoded.claims.exp === 'number' ? decoded.claims.exp : null
  if (exp !== null && exp * 1000 <= now) throw knownFailure('client_assertion_expired', `the pasted client assertion expired at ${new Date(exp * 1000).toISOString()}, so no token can be obtained or refreshed with it.`)
}

export function credentialOf(profile: GrantContext<'client_credentials'>['profile']): ConfidentialCredential {
  switch (profile.credential) {
    case 'secret':
      if (!profile.clientSecret) throw new AppError('invalid_input', 'Enter the client secret value (not its id) in the profile.')
      return { kind: 'secret', secret: profile.clientSecret }
    case 'certificate': {
      if (!profile.certificatePem.includes('BEGIN CERTIFICATE')) throw new AppError('invalid_input', 'Paste the certificate (PEM) registered on the app.')
      if (!profile.privateKeyPem.includes('PRIVATE KEY')) throw new AppError('invalid_input', 'Paste the certificate\'s private key (PEM, -----BEGIN PRIVATE KEY-----).')
      const { der } = certificateThumbprints(profile.certificatePem)
      return { kind: 'certificate', thumbprintSha256: createHash('sha256').update(der).digest('hex'), privateKey: profile.privateKeyPem, x5c: profile.certificatePem }
    }
    case 'assertion':
      if (!profile.clientAssertion) throw new AppError('invalid_input', 'Paste a signed client assertion (a JWT with aud = the token endpoint).')
      return { kind: 'assertion', assertion: profile.clientAssertion }
  }
}

/** Resource owner password (legacy): no MFA, no federated accounts. */
export async function password(ctx: GrantContext<'password'>): Promise<GrantResult> {
  const { profile } = ctx
  if (!profile.clientId) throw new AppError('invalid_input', 'The profile needs the client id of a public client with "Allow public client flows" on.')
  if (!profile.username || !profile.password) throw new AppError('invalid_input', 'Enter the user name and password in the profile.')
  const app = ctx.publicApp(profile.clientId)
  return fromMsal(await app.acquireTokenByUsernamePassword({ scopes: ctx.scopes, username: profile.username, password: profile.password }))
}

/**
 * Device code. Entra and ADFS: msal-node, which polls at the interval Entra sends. Any other OpenID Connect
 * authority: our RFC 8628 grant, because msal derives the endpoint from the token endpoint (`/token` →
 * `/devicecode`) instead of reading discovery, and polls with no pause when the answer has no `interval`.
 */
export async function deviceCode(ctx: GrantContext<'device_code'>): Promise<GrantResult> {
  const { profile } = ctx
  if (!profile.clientId) throw new AppError('invalid_input', 'The profile needs the client id of a public client with "Allow public client flows" on.')
  const show = (code: { userCode: string; verificationUri: string; verificationUriComplete: string | null; message: string; expiresAt: number }) => ctx.progress('device-code', code.message, { deviceCode: code })
  if (ctx.authority.protocol === 'oidc') {
    const metadata = await ctx.openIdConfiguration('v2')
    if (!metadata.device_authorization_endpoint) throw new AppError('not_supported', `${ctx.authority.authority} publishes no device_authorization_endpoint in its OpenID configuration: it does not offer the device code grant. Choose another grant.`)
    return deviceCodeRfc8628({ network: ctx.network, deviceAuthorizationEndpoint: metadata.device_authorization_endpoint, tokenEndpoint: metadata.token_endpoint, clientId: profile.clientId, scopes: ctx.scopes, signal: ctx.signal, onCode: show, sleep: ctx.sleep })
  }
  const app = ctx.publicApp(profile.clientId)
  const request = {
    scopes: ctx.scopes,
    cancel: false,
    deviceCodeCallback: (response: { userCode: string; verificationUri: string; message: string; expiresIn: number }) =>
      show({ userCode: response.userCode, verificationUri: response.verificationUri, verificationUriComplete: null, message: response.message || deviceCodeMessage(response.userCode, response.verificationUri, null), expiresAt: Math.floor(Date.now() / 1000) + response.expiresIn })
  }
  return fromMsal(await cancellable(app.acquireTokenByDeviceCode(request), ctx.signal, () => (request.cancel = true)))
}

import { AppError } from '../../../../shared/errors'
import { certificateThumbprints } from '../../tls/certificates'
import { createHash } from 'node:crypto'
import { cancellable, fromMsal, type ConfidentialCredential, type GrantContext, type GrantResult } from './types'

/** Client credentials with a secret, a certificate (thumbprint computed from the PEM) or a signed assertion. */
export async function clientCredentials(ctx: GrantContext<'client_credentials'>, options: { forceRefresh?: boolean } = {}): Promise<GrantResult> {
  const { profile } = ctx
  if (!profile.clientId) throw new AppError('invalid_input', 'The profile needs the client id of the app registration that has an application user in this org.')
  const app = ctx.confidentialApp(profile.clientId, credentialOf(profile))
  const scopes = ctx.scopes.length === 1 && ctx.scopes[0]!.endsWith('/.default') ? ctx.scopes : ctx.scopes.map((s) => s.replace(/\/[^/]*$/, '/.default'))
  return fromMsal(await app.acquireTokenByClientCredential({ scopes: [...new Set(scopes)], skipCache: Boolean(options.forceRefresh) }))
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

/** Device code: the code is shown in the app; MSAL polls until the user signs in, the code expires, or cancel. */
export async function deviceCode(ctx: GrantContext<'device_code'>): Promise<GrantResult> {
  const { profile } = ctx
  if (!profile.clientId) throw new AppError('invalid_input', 'The profile needs the client id of a public client with "Allow public client flows" on.')
  const app = ctx.publicApp(profile.clientId)
  const request = {
    scopes: ctx.scopes,
    cancel: false,
    deviceCodeCallback: (response: { userCode: string; verificationUri: string; message: string; expiresIn: number }) =>
      ctx.progress('device-code', response.message, { deviceCode: { userCode: response.userCode, verificationUri: response.verificationUri, message: response.message, expiresAt: Math.floor(Date.now() / 1000) + response.expiresIn } })
  }
  return fromMsal(await cancellable(app.acquireTokenByDeviceCode(request), ctx.signal, () => (request.cancel = true)))
}

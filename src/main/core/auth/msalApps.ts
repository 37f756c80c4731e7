import { createHash } from 'node:crypto'
import { ConfidentialClientApplication, LogLevel, ProtocolMode, PublicClientApplication, type Configuration, type ICachePlugin } from '@azure/msal-node'
import type { Authority } from './authority'
import type { ConfidentialCredential } from './grants/types'
import type { RecordingNetworkClient } from './network'

export type MsalApp = PublicClientApplication | ConfidentialClientApplication

/** What makes two msal apps interchangeable: the client, the authority and its protocol, and the credential. */
export function msalAppKey(authority: Authority, clientId: string, credential: ConfidentialCredential | null): string {
  const credentialKey = credential ? createHash('sha256').update(JSON.stringify(credential)).digest('hex') : 'public'
  return `${clientId}|${authority.authority}|${authority.protocol}|${credentialKey}`
}

/**
 * An msal-node app for one client at one authority, with our network client (traffic log, per-environment TLS
 * trust) and, for an environment's own sign-ins, its encrypted cache. Without a cache plugin the app's cache lives
 * in memory only and goes with the app (one-off overrides).
 * Entra and ADFS use msal's default (AAD) mode; any other OpenID Connect provider its OIDC mode, which reads
 * `<authority>/.well-known/openid-configuration` and drops Entra's extras (client_info, telemetry).
 */
export function createMsalApp(o: { authority: Authority; clientId: string; credential: ConfidentialCredential | null; network: RecordingNetworkClient; cachePlugin: ICachePlugin | null }): MsalApp {
  const { authority, credential } = o
  const config: Configuration = {
    auth: {
      clientId: o.clientId,
      authority: authority.authority,
      knownAuthorities: authority.knownAuthorities,
      ...(credential?.kind === 'secret' ? { clientSecret: credential.secret } : {}),
      ...(credential?.kind === 'certificate' ? { clientCertificate: { thumbprintSha256: credential.thumbprintSha256, privateKey: credential.privateKey, x5c: credential.x5c } } : {}),
      ...(credential?.kind === 'assertion' ? { clientAssertion: credential.assertion } : {})
    },
    ...(o.cachePlugin ? { cache: { cachePlugin: o.cachePlugin } } : {}),
    system: {
      networkClient: o.network,
      protocolMode: authority.protocol === 'oidc' ? ProtocolMode.OIDC : ProtocolMode.AAD,
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined }
    }
  }
  return credential ? new ConfidentialClientApplication(config) : new PublicClientApplication(config)
}

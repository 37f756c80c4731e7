import { z } from 'zod'

/** What a person needs to sign in to the built-in Sandbox org (demo values, shown in the app and by `orgbench sandbox`). */
export const SandboxInfo = z.object({
  orgUrl: z.string(),
  webApiUrl: z.string(),
  authority: z.string(),
  /** The standards-only OpenID Connect authority's issuer (`<orgUrl>/oidc`): discovery at `<issuer>/.well-known/openid-configuration`. */
  oidcAuthority: z.string(),
  /** The sign-in pages browsers are sent to, on plain-HTTP loopback (browsers do not trust the Sandbox CA). */
  pagesUrl: z.string(),
  tenantId: z.string(),
  tenantDomain: z.string(),
  caFile: z.string(),
  caCertificatePem: z.string(),
  clients: z.object({
    public: z.string(),
    secret: z.string(),
    certificate: z.string(),
    implicit: z.string(),
    spa: z.string(),
    noApplicationUser: z.string()
  }),
  clientSecret: z.string(),
  certificateFile: z.string(),
  privateKeyFile: z.string(),
  certificateThumbprint: z.string(),
  user: z.string(),
  password: z.string(),
  mfaUser: z.string(),
  userNotInOrg: z.string(),
  seedFile: z.string(),
  problems: z.array(z.string())
})
export type SandboxInfo = z.infer<typeof SandboxInfo>

export const SANDBOX_ENVIRONMENT_NAME = 'Sandbox'

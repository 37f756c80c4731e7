import { z } from 'zod'

/**
 * What a person needs to sign in to the built-in Sandbox org (demo values, shown in the app and by `orgbench sandbox`).
 * Built on first use: every process loads this module for the name below; few ask for the Sandbox's details.
 */
export const SandboxInfo = z.lazy(() =>
  z.object({
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
      noApplicationUser: z.string(),
      /** Confidential; its only secret expired (AADSTS7000222). */
      expiredSecret: z.string(),
      /** Public, without Dataverse's user_impersonation permission: its tokens have no such scp. */
      noDataversePermission: z.string(),
      /** Confidential; its only certificate expired in 2025 (expiredCertificateFile, expiredPrivateKeyFile). */
      expiredCertificate: z.string()
    }),
    clientSecret: z.string(),
    /** The secret client's secret *id*, which people paste instead of its value (AADSTS7000215). */
    clientSecretId: z.string(),
    expiredClientSecret: z.string(),
    certificateFile: z.string(),
    privateKeyFile: z.string(),
    certificateThumbprint: z.string(),
    expiredCertificateFile: z.string(),
    expiredPrivateKeyFile: z.string(),
    user: z.string(),
    password: z.string(),
    mfaUser: z.string(),
    userNotInOrg: z.string(),
    seedFile: z.string(),
    problems: z.array(z.string()),
    /** The tenant's orgs, the main one (orgUrl) first: each its own Web API, data and token audience. */
    orgs: z.array(z.object({ key: z.enum(['main', 'production']), friendlyName: z.string(), uniqueName: z.string(), orgUrl: z.string(), organizationId: z.string() })),
    /** The Sandbox's Global Discovery Service (token audience and base of `/api/discovery/v2.0/Instances`). */
    discoveryUrl: z.string()
  })
)
export type SandboxInfo = z.infer<typeof SandboxInfo>

export const SANDBOX_ENVIRONMENT_NAME = 'Sandbox'

/**
 * Dataverse's service protection limits the Sandbox can be told to enforce (per user, over a sliding window), so that
 * 429s, Retry-After and the x-ms-ratelimit-* headers can be tried; none by default.
 */
export const SandboxLimits = z.object({
  /** Requests per user per window (Dataverse: 6,000 per 300 s). */
  requests: z.number().int().min(1).max(1_000_000).optional(),
  /** Combined execution time per user per window, in ms (Dataverse: 1,200,000 ms per 300 s). */
  executionMs: z.number().int().min(1).max(100_000_000).optional(),
  windowSeconds: z.number().int().min(1).max(3600).default(300),
  /** Requests in flight at once per user (Dataverse: 52). */
  concurrent: z.number().int().min(1).max(1000).optional()
})
export type SandboxLimits = z.output<typeof SandboxLimits>
export type SandboxLimitsInput = z.input<typeof SandboxLimits>

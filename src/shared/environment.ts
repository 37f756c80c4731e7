import { z } from 'zod'

export const ENVIRONMENT_SCHEMA_VERSION = 1

export const Cloud = z.enum(['public', 'gcc', 'gcchigh', 'dod', 'china', 'custom'])
export type Cloud = z.infer<typeof Cloud>

export const CLOUDS: Record<Cloud, { label: string; authorityHost: string | null; hint: string }> = {
  public: { label: 'Public (commercial)', authorityHost: 'https://login.microsoftonline.com', hint: '*.crm.dynamics.com and regional crmN hosts' },
  gcc: { label: 'US Government GCC', authorityHost: 'https://login.microsoftonline.com', hint: '*.crm9.dynamics.com' },
  gcchigh: { label: 'US Government GCC High', authorityHost: 'https://login.microsoftonline.us', hint: '*.crm.microsoftdynamics.us' },
  dod: { label: 'US Government DoD', authorityHost: 'https://login.microsoftonline.us', hint: '*.crm.appsplatform.us' },
  china: { label: 'China (21Vianet)', authorityHost: 'https://login.chinacloudapi.cn', hint: '*.crm.dynamics.cn' },
  custom: { label: 'Custom authority (ADFS / OIDC)', authorityHost: null, hint: 'on-premises or any OpenID Connect authority' }
}

/**
 * The Global Discovery Service of each cloud, from Microsoft's "Discover user organizations"
 * (learn.microsoft.com/power-apps/developer/data-platform/discovery-service). A custom authority (ADFS / OIDC, or the
 * Sandbox) has none of its own: its discovery URL is part of the environment.
 */
export const DISCOVERY_ENDPOINTS: Record<Exclude<Cloud, 'custom'>, string> = {
  public: 'https://globaldisco.crm.dynamics.com',
  gcc: 'https://globaldisco.crm9.dynamics.com',
  gcchigh: 'https://globaldisco.crm.microsoftdynamics.us',
  dod: 'https://globaldisco.crm.appsplatform.us',
  china: 'https://globaldisco.crm.dynamics.cn'
}

/**
 * The org URL: https, a host, nothing beyond "/". Returns the canonical form (no trailing slash)
 * or an error sentence that says what to fix.
 */
export function normalizeOrgUrl(input: string): { ok: true; url: string } | { ok: false; message: string } {
  const text = input.trim()
  if (!text) return { ok: false, message: 'Enter the org URL, for example https://contoso.crm.dynamics.com' }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { ok: false, message: `"${text}" is not a URL. Use the form https://contoso.crm.dynamics.com` }
  }
  if (url.protocol !== 'https:') return { ok: false, message: `The org URL must use https (got ${url.protocol.replace(':', '')}).` }
  if (!url.hostname) return { ok: false, message: 'The org URL needs a host name.' }
  if (url.username || url.password) return { ok: false, message: 'The org URL must not contain a user name or password.' }
  if (url.pathname !== '/' || url.search || url.hash) {
    return { ok: false, message: `The org URL is just the host: use ${url.origin} (without "${url.pathname}${url.search}${url.hash}").` }
  }
  return { ok: true, url: url.origin }
}

export const OrgUrl = z.string().transform((value, ctx) => {
  const result = normalizeOrgUrl(value)
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message })
    return z.NEVER
  }
  return result.url
})

/**
 * A secret as the renderer sees it: whether one is stored, never its value.
 * On save, `value` replaces it; `isSet: true` without `value` keeps what is stored; `isSet: false` clears it.
 */
export const SecretField = z.object({ isSet: z.boolean(), value: z.string().optional() })
export type SecretField = z.infer<typeof SecretField>

// Optional like every other profile field: a file may leave them out (empty scopes mean <org URL>/.default).
const clientId = z.string().trim().max(200).default('')
const scopes = z.string().trim().max(2000).default('')

export const GrantType = z.enum(['none', 'authorization_code', 'implicit', 'client_credentials', 'password', 'device_code', 'preapproved'])
export type GrantType = z.infer<typeof GrantType>

export const GRANTS: Record<GrantType, { label: string; legacy?: string }> = {
  none: { label: 'No sign-in' },
  authorization_code: { label: 'Authorization code + PKCE (system browser)' },
  implicit: { label: 'Implicit', legacy: 'Implicit returns tokens in the browser URL and cannot be refreshed. Prefer authorization code + PKCE.' },
  client_credentials: { label: 'Client credentials (application user)' },
  password: { label: 'Resource owner password', legacy: 'ROPC sends the password to the app, fails with MFA and federated accounts. Use it only for test accounts.' },
  device_code: { label: 'Device code' },
  preapproved: { label: 'Without an app registration (Dataverse pre-approved client)' }
}

export function authProfileSchema<S extends z.ZodType>(secret: S) {
  return z.discriminatedUnion('grant', [
    z.object({ grant: z.literal('none') }),
    z.object({
      grant: z.literal('authorization_code'),
      clientId,
      scopes,
      redirectPort: z.number().int().min(0).max(65535).default(0),
      prompt: z.enum(['', 'login', 'select_account', 'consent', 'none']).default(''),
      loginHint: z.string().trim().max(320).default(''),
      domainHint: z.string().trim().max(253).default(''),
      spaOrigin: z.string().trim().max(2048).default('')
    }),
    z.object({
      grant: z.literal('implicit'),
      clientId,
      endpoint: z.enum(['v1', 'v2']).default('v2'),
      scopes,
      responseMode: z.enum(['fragment', 'form_post']).default('fragment')
    }),
    z.object({
      grant: z.literal('client_credentials'),
      clientId,
      scopes,
      credential: z.enum(['secret', 'certificate', 'assertion']).default('secret'),
      clientSecret: secret,
      certificatePem: z.string().max(64 * 1024).default(''),
      privateKeyPem: secret,
      clientAssertion: secret
    }),
    z.object({ grant: z.literal('password'), clientId, scopes, username: z.string().trim().max(320).default(''), password: secret }),
    z.object({ grant: z.literal('device_code'), clientId, scopes }),
    /** Microsoft's pre-approved client for Dataverse (implicit, redirect https://localhost) in an embedded window. */
    z.object({ grant: z.literal('preapproved'), scopes, endpoint: z.enum(['v1', 'v2']).default('v2') })
  ])
}

// Each profile schema is some 150 zod nodes: built on first use (z.lazy), so that a process that needs one of the
// four (a CLI request reads stored environments only) does not build them all.
/** A profile with its secrets in plain text: only ever inside main, to sign in. */
export const ResolvedAuthProfile = z.lazy(() => authProfileSchema(z.string().default('')))
export type ResolvedAuthProfile = z.infer<typeof ResolvedAuthProfile>
export const AuthProfile = z.lazy(() => authProfileSchema(SecretField.default({ isSet: false })))
export type AuthProfile = z.infer<typeof AuthProfile>

export const Variable = z.object({
  key: z
    .string()
    .trim()
    .min(1, 'A variable needs a name.')
    .max(100)
    .regex(/^[A-Za-z_][\w.-]*$/, 'Variable names start with a letter or _ and contain letters, digits, _ . or -'),
  value: z.string().max(1_000_000).default(''),
  secret: z.boolean().default(false),
  /** For secret variables: whether a value is stored (the value itself stays in main). */
  isSet: z.boolean().default(false),
  enabled: z.boolean().default(true)
})
export type Variable = z.infer<typeof Variable>

/** The names of the secret fields of each grant's profile. */
export const PROFILE_SECRET_FIELDS = ['clientSecret', 'privateKeyPem', 'clientAssertion', 'password'] as const
export type ProfileSecretField = (typeof PROFILE_SECRET_FIELDS)[number]

export const EnvColor = z.enum(['slate', 'green', 'blue', 'violet', 'amber', 'red'])
export type EnvColor = z.infer<typeof EnvColor>

export const PemCertificates = z
  .string()
  .max(256 * 1024)
  .refine((v) => v.trim() === '' || /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(v), {
    message: 'Paste one or more PEM certificates (-----BEGIN CERTIFICATE----- …).'
  })

/** What the renderer edits and sends back. Built on first use (z.lazy), like the profiles above. */
export const EnvironmentInput = z.lazy(() =>
  z
    .object({
      name: z.string().trim().min(1, 'Give the environment a name.').max(80),
      orgUrl: OrgUrl,
      cloud: Cloud.default('public'),
      authorityUrl: z.string().trim().max(2048).default(''),
      tenant: z.string().trim().max(253).default(''),
      auth: AuthProfile.default({ grant: 'none' }),
      variables: z.array(Variable).max(500).default([]),
      caCertificatePem: PemCertificates.default(''),
      color: EnvColor.default('slate'),
      label: z.string().trim().max(12).default(''),
      /** The customer or project the environment belongs to ("Contoso"): the sidebar groups by it. */
      group: z.string().trim().max(80).default(''),
      /** The Global Discovery Service to list orgs with; empty: the cloud's own (a custom authority names its own). */
      discoveryUrl: z.string().trim().max(2048).default('')
    })
    .superRefine((env, ctx) => {
      const seen = new Set<string>()
      env.variables.forEach((v, i) => {
        if (seen.has(v.key)) ctx.addIssue({ code: 'custom', path: ['variables', i, 'key'], message: `"${v.key}" is defined twice.` })
        seen.add(v.key)
      })
      if (env.cloud === 'custom') {
        const r = normalizeAuthority(env.authorityUrl)
        if (!r.ok) ctx.addIssue({ code: 'custom', path: ['authorityUrl'], message: r.message })
      }
      if (env.discoveryUrl && !isHttpsUrl(env.discoveryUrl)) {
        ctx.addIssue({ code: 'custom', path: ['discoveryUrl'], message: 'The discovery URL is an https address, for example https://globaldisco.crm.dynamics.com' })
      }
    })
)
export type EnvironmentInput = z.input<typeof EnvironmentInput>

function isHttpsUrl(text: string): boolean {
  return URL.canParse(text) && new URL(text).protocol === 'https:'
}
export type EnvironmentData = z.output<typeof EnvironmentInput>

export function normalizeAuthority(input: string): { ok: true; url: string } | { ok: false; message: string } {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    return { ok: false, message: 'A custom cloud needs its authority URL, for example https://adfs.contoso.com/adfs' }
  }
  if (url.protocol !== 'https:') return { ok: false, message: 'The authority must use https.' }
  return { ok: true, url: url.href.replace(/\/+$/, '') }
}

/** An environment as the renderer sees it: secrets replaced by `isSet` flags. Built on first use. */
export const EnvironmentView = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    orgUrl: z.string(),
    cloud: Cloud,
    authorityUrl: z.string(),
    tenant: z.string(),
    auth: AuthProfile,
    variables: z.array(Variable),
    caCertificatePem: z.string(),
    color: EnvColor,
    label: z.string(),
    group: z.string(),
    discoveryUrl: z.string(),
    createdAt: z.string(),
    updatedAt: z.string()
  })
)
export type EnvironmentView = z.infer<typeof EnvironmentView>

export const StoreProblem = z.object({
  file: z.string(),
  movedTo: z.string().nullable(),
  reason: z.string(),
  at: z.string()
})
export type StoreProblem = z.infer<typeof StoreProblem>

/** Names available in every environment without defining them. */
export const BUILTIN_VARIABLES = ['orgUrl', 'webApiUrl'] as const
export const WEB_API_PATH = '/api/data/v9.2'

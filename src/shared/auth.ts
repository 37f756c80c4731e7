import { z } from 'zod'

export const ClaimExplanation = z.object({ claim: z.string(), value: z.unknown(), meaning: z.string() })

/** A token, decoded for people: a JWT's header and claims with explanations, or "opaque" (not an error). */
export const DecodedToken = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('jwt'),
    header: z.record(z.string(), z.unknown()),
    claims: z.record(z.string(), z.unknown()),
    explained: z.array(ClaimExplanation),
    /** Seconds since the epoch, when the token has exp/iat/nbf. */
    expiresAt: z.number().nullable(),
    issuedAt: z.number().nullable(),
    audience: z.string().nullable(),
    scopes: z.array(z.string()),
    roles: z.array(z.string()),
    /** Delegated (a user) or app-only. */
    identity: z.enum(['user', 'app', 'unknown']),
    warnings: z.array(z.string())
  }),
  z.object({ kind: z.literal('opaque'), length: z.number(), note: z.string() })
])
export type DecodedToken = z.infer<typeof DecodedToken>

export const TokenView = z.object({
  environmentId: z.string(),
  grant: z.string(),
  /** The first characters only: the token itself crosses only on an explicit copy. */
  preview: z.string(),
  expiresAt: z.number().nullable(),
  acquiredAt: z.number(),
  scopes: z.array(z.string()),
  account: z.object({ username: z.string(), name: z.string(), tenantId: z.string() }).nullable(),
  canRefresh: z.boolean(),
  accessToken: DecodedToken,
  idToken: DecodedToken.nullable()
})
export type TokenView = z.infer<typeof TokenView>

export const DeviceCodeInfo = z.object({
  userCode: z.string(),
  verificationUri: z.string(),
  /** RFC 8628's verification_uri_complete: the page with the code already filled in, when the authority offers one. */
  verificationUriComplete: z.string().nullable().default(null),
  message: z.string(),
  expiresAt: z.number()
})
export type DeviceCodeInfo = z.infer<typeof DeviceCodeInfo>

export const SignInStep = z.enum(['starting', 'browser', 'device-code', 'embedded-window', 'redeeming', 'done', 'failed', 'cancelled'])
export type SignInStep = z.infer<typeof SignInStep>

export const SignInProgress = z.object({
  signInId: z.string(),
  environmentId: z.string(),
  step: SignInStep,
  message: z.string(),
  authorizeUrl: z.string().nullable(),
  deviceCode: DeviceCodeInfo.nullable()
})
export type SignInProgress = z.infer<typeof SignInProgress>

/** An AADSTS (or network) failure explained: what happened and what to change. */
export const AuthExplanation = z.object({
  code: z.string(),
  title: z.string(),
  explanation: z.string(),
  fix: z.string()
})
export type AuthExplanation = z.infer<typeof AuthExplanation>

export const PREAPPROVED_DATAVERSE_CLIENT_ID = '51f81489-12ee-4a9e-aaae-a2591f45987d'
export const PREAPPROVED_REDIRECT_URI = 'https://localhost'

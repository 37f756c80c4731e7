import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { formatJson, readJsonValidated, writeFileAtomic } from '../core/store/files'

/**
 * What the Sandbox's directory and org contain: apps, users, application users.
 * Written to `<dataDir>/sandbox/seed.json` on first run with these demo values; edit it to add your own.
 */
export const SEED_SCHEMA_VERSION = 1

const App = z.object({
  clientId: z.string().uuid(),
  name: z.string(),
  /** public: no secret (desktop/mobile); confidential: secret and/or certificate; spa: public, token redemption needs an Origin header. */
  type: z.enum(['public', 'confidential', 'spa']),
  redirectUris: z.array(z.string()).default([]),
  secrets: z.array(z.object({ id: z.string(), value: z.string(), expires: z.string().optional() })).default([]),
  /** PEM certificates whose private keys may sign client assertions. */
  certificates: z.array(z.string()).default([]),
  /** Access tokens by the implicit grant (response_type=token). */
  implicitAccessTokens: z.boolean().default(false),
  /** ID tokens by the implicit grant (response_type=id_token). */
  implicitIdTokens: z.boolean().default(false),
  /** Device code flow and ROPC need "Allow public client flows". */
  allowPublicClientFlows: z.boolean().default(false),
  /** Delegated permissions granted on Dataverse: the scp of its user tokens (Dataverse has one, user_impersonation). */
  delegatedPermissions: z.array(z.string()).default(['user_impersonation'])
})
export type SeedApp = z.infer<typeof App>

const User = z.object({
  oid: z.string().uuid(),
  upn: z.string(),
  password: z.string(),
  givenName: z.string(),
  surname: z.string(),
  /** Every sign-in needs a second factor: ROPC fails with AADSTS50076, as in a real tenant. */
  requiresMfa: z.boolean().default(false),
  /** Has a systemuser record in the org. */
  inOrg: z.boolean().default(true),
  /** Security roles of the user's systemuser record, by name: System Administrator, Salesperson or Delegate. */
  securityRoles: z.array(z.string()).default(['System Administrator'])
})
export type SeedUser = z.infer<typeof User>

export const Seed = z.object({
  schemaVersion: z.literal(SEED_SCHEMA_VERSION),
  tenantId: z.string().uuid(),
  tenantDomain: z.string(),
  organizationId: z.string().uuid(),
  organizationName: z.string(),
  apps: z.array(App),
  users: z.array(User),
  /** Apps (client ids) that have an application user in the org. */
  applicationUsers: z.array(z.string().uuid()).default([]),
  /** How long access and ID tokens live; a few seconds makes the 401-on-expiry path testable. */
  accessTokenLifetimeSeconds: z.number().int().min(5).max(86400).default(3599),
  deviceCodeIntervalSeconds: z.number().int().min(1).max(60).default(5)
})
export type Seed = z.infer<typeof Seed>

/** seed.json as written by earlier versions: `tokenLifetimeSeconds` is now `accessTokenLifetimeSeconds`. */
const SeedFile = z.preprocess((value) => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value
  const { tokenLifetimeSeconds, ...rest } = value as Record<string, unknown>
  return tokenLifetimeSeconds !== undefined && rest.accessTokenLifetimeSeconds === undefined ? { ...rest, accessTokenLifetimeSeconds: tokenLifetimeSeconds } : rest
}, Seed)

/** The demo values, documented in the README: stable ids so a sign-in survives a restart. */
export function defaultSeed(certificatePem: string, expiredCertificatePem = ''): Seed {
  return {
    schemaVersion: SEED_SCHEMA_VERSION,
    tenantId: '7f3c2a10-5b6e-4d1a-9c8f-2e4b6a8d0c11',
    tenantDomain: 'sandbox.onmicrosoft.com',
    organizationId: 'a1b2c3d4-0000-4000-8000-000000000001',
    organizationName: 'OrgBench Sandbox',
    apps: [
      {
        clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000001',
        name: 'OrgBench Desktop (public client)',
        type: 'public',
        redirectUris: ['http://localhost', 'http://127.0.0.1', 'https://localhost'],
        secrets: [],
        certificates: [],
        implicitAccessTokens: false,
        implicitIdTokens: false,
        allowPublicClientFlows: true,
        delegatedPermissions: ['user_impersonation']
      },
      {
        clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000002',
        name: 'Integration (client secret)',
        type: 'confidential',
        redirectUris: ['http://localhost'],
        secrets: [{ id: 'c8e2a6b1-77a5-4f43-9b1e-5d7f2b0e0a01', value: 'sandbox-secret-~Q8.v3n5T_demo' }],
        certificates: [],
        implicitAccessTokens: false,
        implicitIdTokens: false,
        allowPublicClientFlows: false,
        delegatedPermissions: ['user_impersonation']
      },
      {
        clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000003',
        name: 'Integration (certificate)',
        type: 'confidential',
        redirectUris: [],
        secrets: [],
        certificates: [certificatePem],
        implicitAccessTokens: false,
        implicitIdTokens: false,
        allowPublicClientFlows: false,
        delegatedPermissions: ['user_impersonation']
      },
      {
        clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000004',
        name: 'Legacy portal (implicit enabled)',
        type: 'public',
        redirectUris: ['http://localhost', 'http://127.0.0.1'],
        secrets: [],
        certificates: [],
        implicitAccessTokens: true,
        implicitIdTokens: true,
        allowPublicClientFlows: false,
        delegatedPermissions: ['user_impersonation']
      },
      {
        clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000005',
        name: 'Web front end (single-page app)',
        type: 'spa',
        redirectUris: ['http://localhost'],
        secrets: [],
        certificates: [],
        implicitAccessTokens: false,
        implicitIdTokens: false,
        allowPublicClientFlows: false,
        delegatedPermissions: ['user_impersonation']
      },
      {
        // Microsoft's pre-approved client for Dataverse exists in every tenant; so it does here.
        clientId: '51f81489-12ee-4a9e-aaae-a2591f45987d',
        name: 'Microsoft Dataverse pre-approved client',
        type: 'public',
        redirectUris: ['https://localhost', 'app://58145B91-0C36-4500-8554-080854F2AC97'],
        secrets: [],
        certificates: [],
        implicitAccessTokens: true,
        implicitIdTokens: true,
        allowPublicClientFlows: false,
        delegatedPermissions: ['user_impersonation']
      },
      {
        clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000006',
        name: 'Reporting job (no application user)',
        type: 'confidential',
        redirectUris: [],
        secrets: [{ id: 'c8e2a6b1-77a5-4f43-9b1e-5d7f2b0e0a06', value: 'sandbox-secret-~no-app-user' }],
        certificates: [],
        implicitAccessTokens: false,
        implicitIdTokens: false,
        allowPublicClientFlows: false,
        delegatedPermissions: ['user_impersonation']
      },
      {
        clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000007',
        name: 'Nightly sync (expired secret)',
        type: 'confidential',
        redirectUris: [],
        secrets: [{ id: 'c8e2a6b1-77a5-4f43-9b1e-5d7f2b0e0a07', value: 'sandbox-secret-~expired-in-2025', expires: '2025-06-30T00:00:00Z' }],
        certificates: [],
        implicitAccessTokens: false,
        implicitIdTokens: false,
        allowPublicClientFlows: false,
        delegatedPermissions: ['user_impersonation']
      },
      {
        clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000009',
        name: 'Legacy integration (expired certificate)',
        type: 'confidential',
        redirectUris: [],
        secrets: [],
        certificates: expiredCertificatePem ? [expiredCertificatePem] : [],
        implicitAccessTokens: false,
        implicitIdTokens: false,
        allowPublicClientFlows: false,
        delegatedPermissions: ['user_impersonation']
      },
      {
        // Registered without the Dynamics CRM user_impersonation permission: its user tokens carry no scp for Dataverse.
        clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000008',
        name: 'Reporting add-in (no Dataverse permission)',
        type: 'public',
        redirectUris: ['http://localhost', 'http://127.0.0.1'],
        secrets: [],
        certificates: [],
        implicitAccessTokens: false,
        implicitIdTokens: false,
        allowPublicClientFlows: true,
        delegatedPermissions: []
      }
    ],
    users: [
      { oid: '5e1d2c3b-4a59-4867-9a0b-1c2d3e4f5a01', upn: 'demo@sandbox.onmicrosoft.com', password: 'Sandbox-Passw0rd!', givenName: 'Dana', surname: 'Demo', requiresMfa: false, inOrg: true, securityRoles: ['System Administrator'] },
      { oid: '5e1d2c3b-4a59-4867-9a0b-1c2d3e4f5a02', upn: 'mfa@sandbox.onmicrosoft.com', password: 'Sandbox-Passw0rd!', givenName: 'Mia', surname: 'Factor', requiresMfa: true, inOrg: true, securityRoles: ['System Administrator'] },
      { oid: '5e1d2c3b-4a59-4867-9a0b-1c2d3e4f5a03', upn: 'guest@sandbox.onmicrosoft.com', password: 'Sandbox-Passw0rd!', givenName: 'Gus', surname: 'Outsider', requiresMfa: false, inOrg: false, securityRoles: [] },
      // A salesperson: may not act on behalf of another user (impersonating answers 403).
      { oid: '5e1d2c3b-4a59-4867-9a0b-1c2d3e4f5a04', upn: 'sales@sandbox.onmicrosoft.com', password: 'Sandbox-Passw0rd!', givenName: 'Sam', surname: 'Seller', requiresMfa: false, inOrg: true, securityRoles: ['Salesperson'] }
    ],
    applicationUsers: ['0b5c6f4e-1a2b-4c3d-8e9f-000000000002', '0b5c6f4e-1a2b-4c3d-8e9f-000000000003'],
    accessTokenLifetimeSeconds: 3599,
    deviceCodeIntervalSeconds: 5
  }
}

export const DEMO = {
  publicClientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000001',
  secretClientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000002',
  certificateClientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000003',
  implicitClientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000004',
  spaClientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000005',
  noAppUserClientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000006',
  expiredSecretClientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000007',
  noDataversePermissionClientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000008',
  expiredCertificateClientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000009'
} as const

export async function loadSeed(dir: string, certificatePem: string, expiredCertificatePem = ''): Promise<{ seed: Seed; problem: string | null }> {
  const file = join(dir, 'seed.json')
  const result = await readJsonValidated(file, SeedFile)
  if (result.status === 'ok') return { seed: result.value, problem: null }
  const seed = defaultSeed(certificatePem, expiredCertificatePem)
  await writeFileAtomic(file, formatJson(seed))
  const problem = result.status === 'corrupt' ? `${file} could not be read (${result.reason}); the demo seed was written instead${result.movedTo ? ` and the old file moved to ${result.movedTo}` : ''}.` : null
  return { seed, problem }
}

export function newGuid(): string {
  return randomUUID()
}

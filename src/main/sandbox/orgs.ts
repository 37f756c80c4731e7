import type { Seed } from './seed'

/**
 * The Sandbox serves more than one org, as a consultant's tenant has: the main org (the Sandbox environment's, with the
 * sign-in authority beside it) and a production org on a port of its own. Each is its own Web API with its own data and
 * its own token audience, so a token for one is refused by the other with Dataverse's 401; Global Discovery lists both.
 */
export interface SandboxOrgSpec {
  key: 'main' | 'production'
  /** The org's unique name (Global Discovery's UniqueName). */
  uniqueName: string
  /** The host name prefix a real org has (contoso in contoso.crm.dynamics.com). */
  urlName: string
  friendlyName: string
  organizationId: string
  environmentId: string
  region: string
  /** What the org's Web API serves: its rows, users and application users. */
  seed: Seed
}

export const SANDBOX_VERSION = '9.2.26114.00155'

const PRODUCTION_ORGANIZATION_ID = 'a1b2c3d4-0000-4000-8000-000000000002'

/** The orgs of the Sandbox tenant, the main one first. */
export function sandboxOrgSpecs(seed: Seed): SandboxOrgSpec[] {
  const main: SandboxOrgSpec = {
    key: 'main',
    uniqueName: `org${seed.organizationId.slice(0, 8)}`,
    urlName: 'orgbench-sandbox',
    friendlyName: seed.organizationName,
    organizationId: seed.organizationId,
    environmentId: 'd0c5a7e2-6b1f-4c3e-9a2d-7e5b0c1f0001',
    region: 'NA',
    seed
  }
  // Production: the same directory, but only the secret client has an application user there (the certificate
  // client's token is refused with 0x80072560), and its rows are its own.
  const productionSeed: Seed = {
    ...seed,
    organizationId: PRODUCTION_ORGANIZATION_ID,
    organizationName: `${seed.organizationName} Production`,
    applicationUsers: seed.applicationUsers.slice(0, 1)
  }
  const production: SandboxOrgSpec = {
    key: 'production',
    uniqueName: `org${PRODUCTION_ORGANIZATION_ID.slice(0, 8)}p`,
    urlName: 'orgbench-production',
    friendlyName: productionSeed.organizationName,
    organizationId: PRODUCTION_ORGANIZATION_ID,
    environmentId: 'd0c5a7e2-6b1f-4c3e-9a2d-7e5b0c1f0002',
    region: 'EUR',
    seed: productionSeed
  }
  return [main, production]
}

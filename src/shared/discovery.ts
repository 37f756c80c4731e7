import { z } from 'zod'

/** One org as Global Discovery describes it (`…/api/discovery/v2.0/Instances`), in OrgBench's words. */
export const DiscoveredOrg = z.object({
  id: z.string(),
  uniqueName: z.string(),
  urlName: z.string(),
  friendlyName: z.string(),
  url: z.string(),
  apiUrl: z.string(),
  version: z.string(),
  region: z.string(),
  /** Global Discovery's State: 0 enabled, 1 disabled. */
  state: z.enum(['enabled', 'disabled']),
  tenantId: z.string(),
  environmentId: z.string(),
  organizationId: z.string(),
  isUserSysAdmin: z.boolean(),
  /** The environment already pointing at this org, if one does. */
  knownEnvironmentId: z.string().nullable()
})
export type DiscoveredOrg = z.infer<typeof DiscoveredOrg>

export const DiscoveryResult = z.object({
  /** The Global Discovery Service asked (its base URL). */
  endpoint: z.string(),
  /** Who signed in to ask (the token's user), when the token names one. */
  user: z.string().nullable(),
  orgs: z.array(DiscoveredOrg)
})
export type DiscoveryResult = z.infer<typeof DiscoveryResult>

export const CreateFromDiscovery = z.object({
  /** The environment whose cloud, authority and sign-in profile the new ones take. */
  environmentId: z.string().min(1).max(100),
  /** The orgs to create environments for, by URL (as listed). */
  orgUrls: z.array(z.string().max(2048)).min(1, 'Pick at least one org.').max(200),
  /** The group (customer) for the new environments; the source environment's when absent. */
  group: z.string().trim().max(80).optional()
})

import { CLOUDS, type EnvironmentInput } from '../../shared/environment'
import { DISCOVERY_ENDPOINTS } from '../core/discovery/clouds'
import { UsageError } from './args'

export type CloudName = keyof typeof DISCOVERY_ENDPOINTS

/** `orgbench orgs --cloud C`: a cloud by name, and the short-lived environment a sign-in to its Global Discovery runs in. */
export const Cloud = {
  check(name: string): CloudName {
    if (Object.hasOwn(DISCOVERY_ENDPOINTS, name)) return name as CloudName
    throw new UsageError(`--cloud is one of ${Object.keys(DISCOVERY_ENDPOINTS).join(', ')} (got "${name}"). A custom authority has no Global Discovery: use --env with an environment that names its discovery URL.`)
  },
  environment(cloud: CloudName, clientId: string, grant: 'authorization_code' | 'device_code', tenant: string): EnvironmentInput {
    return {
      name: `orgbench orgs --cloud ${cloud} (${Date.now().toString(36)})`,
      // Not used to list orgs; an environment needs one, and this names where the sign-in is for.
      orgUrl: DISCOVERY_ENDPOINTS[cloud],
      cloud,
      tenant: tenant || 'organizations',
      auth: { grant, clientId, scopes: '' },
      label: CLOUDS[cloud].label.slice(0, 12)
    }
  }
}

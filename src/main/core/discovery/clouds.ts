import { DISCOVERY_ENDPOINTS, type Cloud } from '../../../shared/environment'

export { DISCOVERY_ENDPOINTS }

export class DiscoveryEndpointError extends Error {
  readonly code = 'discovery.endpoint'
}

/**
 * The discovery service base for a cloud: the table's entry, or the environment's own `discoveryUrl`
 * (which wins when given, so a Sandbox or a private cloud can advertise its own). Always https, no trailing slash.
 */
export function discoveryEndpoint(cloud: Cloud, discoveryUrl?: string): string {
  if (discoveryUrl) {
    let url: URL
    try {
      url = new URL(discoveryUrl.trim())
    } catch {
      throw new DiscoveryEndpointError(`"${discoveryUrl}" is not a URL. Use the form https://globaldisco.crm.dynamics.com`)
    }
    if (url.protocol !== 'https:') throw new DiscoveryEndpointError(`The discovery URL must use https (got ${url.protocol.replace(':', '')}).`)
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  }
  if (cloud === 'custom') {
    throw new DiscoveryEndpointError('A custom authority has no Global Discovery Service of its own: set the environment\'s discovery URL.')
  }
  return DISCOVERY_ENDPOINTS[cloud]
}

/** The scope a user token for the discovery service is asked with: its audience, then /.default. */
export function discoveryScope(endpoint: string): string {
  return `${endpoint}/.default`
}

/** `GET …/api/discovery/v2.0/Instances`, or one instance by its unique name (quotes doubled, as OData wants). */
export function instancesUrl(endpoint: string, uniqueName?: string): string {
  const base = `${endpoint}/api/discovery/v2.0/Instances`
  if (uniqueName === undefined) return base
  return `${base}(UniqueName='${encodeURIComponent(uniqueName.replace(/'/g, "''"))}')`
}

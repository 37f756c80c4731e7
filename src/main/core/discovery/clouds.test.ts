import { describe, expect, it } from 'vitest'
import { Cloud } from '../../../shared/environment'
import { DISCOVERY_ENDPOINTS, DiscoveryEndpointError, discoveryEndpoint, discoveryScope, instancesUrl } from './clouds'

describe('discovery endpoints', () => {
  it('has one https globaldisco host for every cloud but custom', () => {
    for (const cloud of Cloud.options.filter((c) => c !== 'custom')) {
      const url = new URL(discoveryEndpoint(cloud))
      expect(url.protocol).toBe('https:')
      expect(url.hostname.startsWith('globaldisco.')).toBe(true)
    }
    expect(discoveryEndpoint('gcchigh')).toBe('https://globaldisco.crm.microsoftdynamics.us')
    expect(Object.keys(DISCOVERY_ENDPOINTS)).toHaveLength(5)
  })

  it('prefers the environment\'s own discovery URL and trims its trailing slash', () => {
    expect(discoveryEndpoint('custom', 'https://127.0.0.1:4443/disco/')).toBe('https://127.0.0.1:4443/disco')
    expect(discoveryEndpoint('public', 'https://globaldisco.example.test')).toBe('https://globaldisco.example.test')
  })

  it('refuses a custom authority without a URL, a non-URL and plain http, saying what to fix', () => {
    expect(() => discoveryEndpoint('custom')).toThrow(/set the environment's discovery URL/)
    expect(() => discoveryEndpoint('custom', 'not a url')).toThrow(DiscoveryEndpointError)
    expect(() => discoveryEndpoint('custom', 'http://127.0.0.1/disco')).toThrow(/must use https \(got http\)/)
  })

  it('builds the Instances URLs and the scope', () => {
    const base = 'https://globaldisco.crm.dynamics.com'
    expect(instancesUrl(base)).toBe(`${base}/api/discovery/v2.0/Instances`)
    expect(instancesUrl(base, "o'hara")).toBe(`${base}/api/discovery/v2.0/Instances(UniqueName='o''hara')`)
    expect(discoveryScope(base)).toBe(`${base}/.default`)
  })
})

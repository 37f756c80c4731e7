import { describe, expect, it } from 'vitest'
import type { DiscoveredOrg } from '@shared/discovery'
import { createLabel, creatable, filterOrgs, initialSelection } from './discoveryModel'

const org = (friendlyName: string, url: string, known: string | null = null, region = 'NA'): DiscoveredOrg => ({
  id: url, uniqueName: `unq${friendlyName.replace(/\W/g, '').toLowerCase()}`, urlName: '', friendlyName, url, apiUrl: url, version: '9.2', region, state: 'enabled', tenantId: 't', environmentId: 'e', organizationId: 'o', isUserSysAdmin: true, knownEnvironmentId: known
})

const orgs = [org('Contoso Dev', 'https://contoso-dev.crm.dynamics.com', 'env-1'), org('Contoso Production', 'https://contoso.crm4.dynamics.com', null, 'EUR'), org('Fabrikam Test', 'https://fabrikam-test.crm.dynamics.com')]

describe('discovery model', () => {
  it('offers only orgs without an environment, preselected when few', () => {
    expect(creatable(orgs).map((o) => o.friendlyName)).toEqual(['Contoso Production', 'Fabrikam Test'])
    expect([...initialSelection(orgs)]).toEqual(['https://contoso.crm4.dynamics.com', 'https://fabrikam-test.crm.dynamics.com'])
    expect(initialSelection(orgs, 1).size).toBe(0)
  })

  it('filters by every word over name, unique name, URL and region', () => {
    expect(filterOrgs(orgs, 'contoso eur').map((o) => o.friendlyName)).toEqual(['Contoso Production'])
    expect(filterOrgs(orgs, '  ')).toHaveLength(3)
    expect(filterOrgs(orgs, 'unqfabrikamtest')).toHaveLength(1)
    expect(filterOrgs(orgs, 'nothing')).toEqual([])
  })

  it('names the action', () => {
    expect([0, 1, 2].map(createLabel)).toEqual(['Pick orgs to create', 'Create 1 environment', 'Create 2 environments'])
  })
})

import { describe, expect, it } from 'vitest'
import { importInsomnia } from './insomnia'

const EXPORT = {
  _type: 'export',
  __export_format: 4,
  __export_source: 'insomnia.desktop.app:v2023.5.8',
  resources: [
    { _id: 'wrk_1', _type: 'workspace', parentId: null, name: 'Dataverse' },
    { _id: 'env_base', _type: 'environment', parentId: 'wrk_1', name: 'Base Environment', data: { webApiUrl: 'https://contoso.crm.dynamics.com/api/data/v9.2', top: 5 } },
    { _id: 'env_dev', _type: 'environment', parentId: 'env_base', name: 'Dev', data: {} },
    { _id: 'fld_1', _type: 'request_group', parentId: 'wrk_1', name: 'Accounts', metaSortKey: -10 },
    { _id: 'req_2', _type: 'request', parentId: 'fld_1', name: 'Create', metaSortKey: 2, method: 'POST', url: '{{ _.webApiUrl }}/accounts', body: { mimeType: 'application/json', text: '{"name":"{{ _.name }}"}' }, headers: [{ name: 'Prefer', value: 'return=representation' }], authentication: {} },
    { _id: 'req_1', _type: 'request', parentId: 'fld_1', name: 'List', metaSortKey: 1, method: 'GET', url: "{{ _['webApiUrl'] }}/accounts", parameters: [{ name: '$top', value: '{{ _.top }}' }, { name: 'off', value: 'x', disabled: true }], headers: [{ name: 'Accept', value: 'application/json', disabled: true }], authentication: { type: 'bearer', token: '{{ _.token }}' } },
    { _id: 'req_3', _type: 'request', parentId: 'wrk_1', name: 'Token', metaSortKey: 5, method: 'POST', url: 'https://login.microsoftonline.com/x/oauth2/v2.0/token', body: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'grant_type', value: 'client_credentials' }, { name: 'client_secret', value: 'literal-secret' }] }, authentication: { type: 'basic', username: 'u', password: 'p' } },
    { _id: 'req_4', _type: 'request', parentId: 'wrk_1', name: 'Tagged', metaSortKey: 6, method: 'GET', url: "https://x/{% uuid 'v4' %}" }
  ]
}

describe('Insomnia v4 import', () => {
  it('maps request groups, requests in their order, variables, bodies and bearer auth; reports the rest', () => {
    const c = importInsomnia(EXPORT)
    expect(c.name).toBe('Dataverse')
    expect(c.variables).toEqual([
      { key: 'webApiUrl', value: 'https://contoso.crm.dynamics.com/api/data/v9.2', enabled: true },
      { key: 'top', value: '5', enabled: true }
    ])
    expect(c.items.map((i) => (i.kind === 'folder' ? i.name : i.request.name))).toEqual(['Accounts', 'Token', 'Tagged'])
    const folder = c.items[0] as { items: { request: unknown }[] }
    expect(folder.items.map((i) => i.request)).toEqual([
      expect.objectContaining({ name: 'List', url: '{{webApiUrl}}/accounts?$top={{top}}', auth: { mode: 'bearer', token: '{{token}}' }, headers: [{ key: 'Accept', value: 'application/json', enabled: false }] }),
      expect.objectContaining({ name: 'Create', method: 'POST', body: '{"name":"{{name}}"}', headers: [{ key: 'Prefer', value: 'return=representation', enabled: true }, { key: 'Content-Type', value: 'application/json', enabled: true }] })
    ])
    expect(c.items[1]).toMatchObject({ request: { body: 'grant_type=client_credentials&client_secret={{client_secret}}', auth: { mode: 'none' } } })
    expect(c.warnings.join('\n')).toMatch(/basic auth was not mapped[\s\S]*client_secret was replaced[\s\S]*1 sub-environment was left out[\s\S]*template tags/)
    expect(JSON.stringify(c)).not.toContain('literal-secret')
    expect(() => importInsomnia({ _type: 'export', __export_format: 3, resources: [] })).toThrow(/Insomnia v4/)
  })
})

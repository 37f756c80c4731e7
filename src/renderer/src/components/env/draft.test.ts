import { isProxy, reactive } from 'vue'
import { describe, expect, it } from 'vitest'
import type { EnvironmentView } from '@shared/environment'
import { draftFromEnvironment } from './draft'

const stored: EnvironmentView = {
  id: 'env-1',
  name: 'Contoso dev',
  orgUrl: 'https://contoso.crm.dynamics.com',
  cloud: 'public',
  authorityUrl: '',
  tenant: 'contoso.onmicrosoft.com',
  auth: {
    grant: 'client_credentials',
    clientId: '0b5c6f4e-1a2b-4c3d-8e9f-000000000002',
    scopes: '',
    credential: 'secret',
    clientSecret: { isSet: true },
    certificatePem: '',
    privateKeyPem: { isSet: false },
    clientAssertion: { isSet: false }
  },
  variables: [{ key: 'apiKey', value: '', secret: true, isSet: true, enabled: true }],
  caCertificatePem: '',
  color: 'red',
  label: 'PROD',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z'
}

function proxiesIn(value: unknown, path = 'draft'): string[] {
  if (!value || typeof value !== 'object') return []
  return [...(isProxy(value) ? [path] : []), ...Object.entries(value).flatMap(([k, v]) => proxiesIn(v, `${path}.${k}`))]
}

describe('environment draft', () => {
  it('is plain data even when the store holds the environment reactively, stored secrets included', () => {
    const env = reactive(structuredClone(stored)) as EnvironmentView
    const draft = draftFromEnvironment(env)
    expect(proxiesIn(draft)).toEqual([])
    expect(() => structuredClone(draft)).not.toThrow()
    expect(draft).toMatchObject({ name: 'Contoso dev', tenant: 'contoso.onmicrosoft.com', color: 'red', label: 'PROD', auth: { grant: 'client_credentials', clientId: stored.auth.grant === 'client_credentials' ? stored.auth.clientId : '', clientSecret: { isSet: true } } })
    expect(draft.variables).toEqual([{ key: 'apiKey', value: '', secret: true, isSet: true, enabled: true }])
  })

  it('shares nothing with the store: editing the draft leaves the environment as it was', () => {
    const env = reactive(structuredClone(stored)) as EnvironmentView
    const draft = draftFromEnvironment(env)
    ;(draft.auth.clientSecret as { isSet: boolean; value?: string }).value = 'new secret'
    draft.variables[0]!.value = 'typed'
    expect(env.auth).toMatchObject({ clientSecret: { isSet: true } })
    expect((env.auth as { clientSecret: { value?: string } }).clientSecret.value).toBeUndefined()
    expect(env.variables[0]!.value).toBe('')
  })
})

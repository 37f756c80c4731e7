import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { packSchema } from '@shared/schema'
import { parseCsdl } from '../../../../main/core/dataverse/csdl'
import { buildCsdl } from '../../../../main/sandbox/webapi/csdl'
import { ApiError, type ApiClient } from '../../api/client'
import { apiKey } from '../../api/inject'
import { useEnvironmentsStore } from '../../stores/environments'
import { useSchemaStore } from '../../stores/schema'
import SchemaEmpty from './SchemaEmpty.vue'

const schema = packSchema(parseCsdl(buildCsdl()))
const info = { environmentId: 'env-1', orgUrl: 'https://sandbox', fetchedAt: new Date().toISOString(), csdlBytes: 1, metadataVersion: null, parseMs: 1, counts: { entitySets: 1, entityTypes: 1, actions: 0, functions: 0 }, source: 'network' as const }

function mountWith(call: ReturnType<typeof vi.fn>) {
  const client: ApiClient = { call: call as unknown as ApiClient['call'], on: () => () => undefined }
  const pinia = createPinia()
  const wrapper = mount(SchemaEmpty, { global: { plugins: [pinia], provide: { [apiKey as symbol]: client } } })
  return { wrapper, pinia }
}

describe('SchemaEmpty', () => {
  it('says why there is no schema in words (never the code), and its button loads it', async () => {
    const call = vi.fn().mockRejectedValueOnce(new ApiError({ code: 'sign_in_required', message: 'Sign in to load the org\'s schema.' })).mockResolvedValueOnce({ info, schema })
    const { wrapper, pinia } = mountWith(call)
    const environments = useEnvironmentsStore(pinia)
    environments.activeId = 'env-1'
    await flushPromises()
    expect(wrapper.get('[data-testid="qb-load-schema"]').text()).toBe('Load the schema')

    await wrapper.get('[data-testid="qb-load-schema"]').trigger('click')
    await flushPromises()
    expect(call).toHaveBeenLastCalledWith('schema.get', { environmentId: 'env-1', refresh: true, signIn: true })
    const error = wrapper.get('[data-testid="qb-schema-error"]').text()
    expect(error).toContain('Sign-in needed.')
    expect(error).toContain("Sign in to load the org's schema.")
    expect(error).not.toContain('sign_in_required')

    await wrapper.get('[data-testid="qb-load-schema"]').trigger('click')
    await flushPromises()
    expect(useSchemaStore(pinia).view('env-1')?.entityTypeOfSet('accounts')?.name).toBe('account')
  })

  it('asks for an environment when none is active', () => {
    const { wrapper } = mountWith(vi.fn())
    expect(wrapper.text()).toContain('No environment is active.')
    expect(wrapper.find('[data-testid="qb-load-schema"]').exists()).toBe(false)
  })
})
